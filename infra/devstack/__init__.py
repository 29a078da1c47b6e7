"""The local stack runner: moto, the infra templates, the four Chalice apps and their event sources.

``python -m devstack run`` (see ``__main__``); tests use :class:`devstack.stack.LocalStack`.
Importing this package is cheap on purpose: ``python -m devstack fire`` must not pay for boto3.
"""
