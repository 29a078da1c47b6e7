"""Queue, stream and schedule handlers of cooperacao-svc."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from courtlib.audit.actor import as_system
from courtlib.lazy import lazy_module
from courtlib.messaging.blueprint import messaging_blueprint

if TYPE_CHECKING:
    from courtlib.messaging.consumer import EventHandler
    from courtlib.messaging.contracts import Envelope, Payload
    from courtlib.messaging.outbox import UnitOfWork

schedules = lazy_module("chalicelib.cooperacao.schedules")  # the use cases: imported on the first run (cold start)

# Daily at 03:15 UTC = 00:15 in America/Sao_Paulo: the handler closes the previous month only on the configured
# day (cooperacao.fechamento_dia), so the day is tribunal configuration rather than a deploy-time cron.
CLOSE_CRON = "cron(15 3 * * ? *)"


def event_handlers(deps: Any) -> dict[str, EventHandler]:
    """The events this service consumes, by type: the calendar's days (its replica of the owner's calendar) and
    its own requests of a monthly close (``POST /fechamentos`` or the schedule, run here so the request answers at
    once): the request fans out into parts, each part closes a slice of the month's servants.
    Called on the first event (``courtlib.messaging.blueprint``), so its imports are made then."""
    from courtlib.calendar.api import calendar_event_handlers
    from courtlib.messaging.consumer import commits_itself
    from courtlib.messaging.contracts import MonthlyClosePartRequested, MonthlyCloseRequested, event_type_of

    # The close's steps commit their own transactions (each on the request's version or written once): the consumer
    # reads the event's inbox marker first, so a late copy of a run that ended (refused too) runs nothing.
    @commits_itself
    def run_close(payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        assert isinstance(payload, MonthlyCloseRequested)
        deps.service.run_requested_close(payload, envelope.correlationid)

    @commits_itself
    def close_part(payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        assert isinstance(payload, MonthlyClosePartRequested)
        deps.service.close_part(payload, envelope.correlationid)

    return {**calendar_event_handlers(deps.calendar), event_type_of(MonthlyCloseRequested): run_close,
            event_type_of(MonthlyClosePartRequested): close_part}


def blueprint(deps: Any) -> Blueprint:
    """``messaging_blueprint``'s three handlers plus the monthly close (one Blueprint named "app").

    The app's middleware publishes each handler's metrics (``courtlib.observability.observed``); each consumed
    event's acts are the system's (``sistema:evento:<type>``, set by the consumer), the close's are
    ``sistema:agenda:fechamento-mensal``."""
    bp = messaging_blueprint(deps.settings, handlers=lambda: event_handlers(deps))

    @bp.schedule(CLOSE_CRON)
    @as_system("agenda:fechamento-mensal")
    def monthly_close(event: Any) -> dict[str, Any]:
        return schedules.monthly_close(deps.service)

    return bp
