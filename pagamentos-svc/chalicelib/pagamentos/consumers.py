"""Queue, stream and schedule handlers of pagamentos-svc.

Events (idempotent: inbox marker per event id, items keyed by the producer's ids): absences of desembargadores
(PAG-03), compensation used (PAG-02), plantão served (kept for the record), gratificação de cooperação (PAG-08).
An event for a magistrate or servant not registered here is parked with its reason (``GET /estacionados``).
Its own requests of a monthly run (``POST /execucoes``) are run here, so the request answers at once (202).
Each application (or parking) is audited in the consumer's transaction, as ``sistema:evento:<type>``; the
monthly run's schedule acts as ``sistema:agenda:execucao-mensal``.
The app's middleware publishes each handler's metrics (``courtlib.observability.observed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from courtlib.audit import as_system
from courtlib.lazy import lazy_module
from courtlib.messaging.blueprint import messaging_blueprint

if TYPE_CHECKING:
    from courtlib.messaging.contracts import Envelope, Payload
    from courtlib.messaging.outbox import UnitOfWork

schedules = lazy_module("chalicelib.pagamentos.schedules")  # the use cases: imported on the first run (cold start)

# 09:00 UTC = 06:00 BRT every day; the run itself happens only on the configured day (PAG-01).
MONTHLY_RUN_CRON = "cron(0 9 * * ? *)"


def event_handlers(deps: Any) -> dict[str, Any]:
    """Every event type this service consumes and its handler (the calendar's copy, and the payments' inputs).
    Called on the first event (``courtlib.messaging.blueprint``), so its imports are made then."""
    from courtlib.calendar.api import calendar_event_handlers
    from courtlib.messaging.consumer import commits_itself
    from courtlib.messaging.contracts import (
        CompensationUsed,
        CooperationBonusAssessed,
        DutyServed,
        MagistrateAbsenceRegistered,
        PaymentRunRequested,
        event_type_of,
    )

    def apply(payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        deps.service.apply_event(payload, envelope, uow)

    # The run commits its own transactions (the request on its version): the consumer reads the event's inbox marker
    # first, so a late copy of a run that ended (refused too) runs nothing. The inputs stage on the consumer's uow.
    @commits_itself
    def run_requested(payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        assert isinstance(payload, PaymentRunRequested)
        deps.service.run_requested(payload)

    return {**calendar_event_handlers(deps.calendar),
            event_type_of(MagistrateAbsenceRegistered): apply,  # stored, and its months re-checked (PAG-10)
            event_type_of(CompensationUsed): apply,
            event_type_of(DutyServed): apply,
            event_type_of(CooperationBonusAssessed): apply,
            event_type_of(PaymentRunRequested): run_requested}  # its own POST /execucoes, run here


def blueprint(deps: Any) -> Blueprint:
    bp = messaging_blueprint(deps.settings, handlers=lambda: event_handlers(deps))

    @bp.schedule(MONTHLY_RUN_CRON)
    @as_system("agenda:execucao-mensal")
    def monthly_run(event: Any) -> dict[str, Any]:
        return schedules.monthly_run(deps.service)

    return bp
