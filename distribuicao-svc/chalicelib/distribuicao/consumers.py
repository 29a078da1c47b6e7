"""Queue, stream and schedule handlers of distribuicao-svc."""

from typing import Any

from chalice import Blueprint

from courtlib.audit import as_system
from courtlib.lazy import lazy_module
from courtlib.messaging.blueprint import messaging_blueprint

schedules = lazy_module("chalicelib.distribuicao.schedules")  # the use cases: imported on the first run (cold start)

# EventBridge crons are in UTC. 02:00 UTC is 23:00 in America/Sao_Paulo (UTC-3, no DST since 2019) of the
# previous day: tomorrow's commitment is public an hour before its day starts.
SEEDS_CRON = "cron(0 2 * * ? *)"
# 03:30 UTC = 00:30 BRT: absences are judged on the new local day.
ABSENCES_CRON = "cron(30 3 * * ? *)"
# 1st and 16th at 04:00 UTC = 01:00 BRT: the fortnight (1–15 or 16–end) closed an hour ago.
EDITAL_CRON = "cron(0 4 1,16 * ? *)"
# issue 16: acts registered whose request stopped waiting are drawn once their beacon round is out.
PENDING_RATE = "rate(1 minute)"


def event_handlers(deps: Any) -> dict[str, Any]:
    """The event types this service consumes and their handlers: the calendar's replica (CAL-03). Called on the
    first event (``courtlib.messaging.blueprint``), so its import is made then."""
    from courtlib.calendar.api import calendar_event_handlers

    return calendar_event_handlers(deps.calendar)


def blueprint(deps: Any) -> Blueprint:
    """``messaging_blueprint``'s three handlers plus the schedules (one Blueprint named "app").

    The app's middleware publishes each handler's metrics (``courtlib.observability.observed``). Each schedule
    acts as the system (``agenda:<name>``) in the audit trail."""
    bp = messaging_blueprint(deps.settings, handlers=lambda: event_handlers(deps))

    @bp.schedule(SEEDS_CRON)
    @as_system("agenda:publish_seed_commitments")
    def publish_seed_commitments(event: Any) -> dict[str, Any]:
        return schedules.publish_seed_commitments(deps.service)

    @bp.schedule(ABSENCES_CRON)
    @as_system("agenda:apply_absence_rules")
    def apply_absence_rules(event: Any) -> dict[str, Any]:
        return schedules.apply_absence_rules(deps.service)

    @bp.schedule(PENDING_RATE)
    @as_system("agenda:resolve_pending_acts")
    def resolve_pending_acts(event: Any) -> dict[str, Any]:
        return schedules.resolve_pending_acts(deps.service, deps.precatorias)

    @bp.schedule(EDITAL_CRON)
    @as_system("agenda:publish_edital")
    def publish_edital(event: Any) -> dict[str, Any]:
        return schedules.publish_edital(deps.service, deps.editais)

    return bp
