"""cooperacao-svc: servants' cooperation requests and judicial cooperation between courts — composition root.

Cold start: the routes are registered from ``chalicelib/cooperacao/route_table.json`` (``courtlib.route_table``);
their handlers, schemas and use cases, and the dependencies (``deps``, built by ``courtlib.lazy.Deferred``), are
imported on the first request or event that needs them, not here.
"""

from pathlib import Path
from typing import Any

from chalice import Chalice, CognitoUserPoolAuthorizer
from chalicelib.cooperacao import consumers
from chalicelib.cooperacao.settings import get_settings

from courtlib.bootstrap import bootstrap
from courtlib.lazy import Deferred
from courtlib.route_table import TABLE_FILE, ServiceRoutes, register_routes

settings = get_settings()


def _deps() -> Any:
    from chalicelib.cooperacao.deps import CooperacaoDeps

    return bootstrap(CooperacaoDeps, settings)


def _api() -> Any:
    from chalicelib.cooperacao import api

    return api.ROUTE_SETS, api.TITLE


deps = Deferred(_deps, settings=settings)
http_routes = ServiceRoutes(settings, _api)
app = Chalice(app_name="cooperacao")
authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=[settings.user_pool_arn])
register_routes(app, table=Path(__file__).parent / "chalicelib" / "cooperacao" / TABLE_FILE, routes=http_routes,
                deps=deps, authorizer=authorizer)
app.register_blueprint(consumers.blueprint(deps))
globals().update({source.name: app.handler_map[source.name] for source in app.event_sources})  # app.<handler>
