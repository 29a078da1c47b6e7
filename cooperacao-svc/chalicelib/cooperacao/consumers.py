"""Queue, stream and schedule handlers of cooperacao-svc."""

from chalice import Blueprint

from courtlib.calendar_api import calendar_event_handlers
from courtlib.service import ServiceDeps, messaging_blueprint


def blueprint(deps: ServiceDeps) -> Blueprint:
    return messaging_blueprint(deps.settings, handlers=calendar_event_handlers(deps.calendar))
