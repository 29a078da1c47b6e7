"""Queue, stream and schedule handlers of plantao-svc."""

from chalice import Blueprint

from courtlib.service import ServiceDeps, messaging_blueprint


def blueprint(deps: ServiceDeps) -> Blueprint:
    # plantao-svc produces the calendar's events and consumes none yet.
    return messaging_blueprint(deps.settings, handlers={})
