"""Queue, stream and schedule handlers of plantao-svc.

plantao-svc owns the calendar (it produces its events) and consumes only its own events, each the second half of
a request that answered at once:
- ``plantao.portaria-emitida`` (PLAN-04): a portaria committed by a request (approval, swap, impediment, new days)
  is rendered (text and PDF in the documents bucket) and its notices sent here;
- ``plantao.geracao-solicitada`` (PLAN-01/02): the draft a ``POST /escalas`` asked for is generated here (it takes
  longer than an HTTP request may at the tribunal's size); its status is ``GET /geracoes/{escala}``.

Its schedules:
- ``register_served_duties`` daily: every shift of an approved scale that is over is registered once —
  compensation credit (PLAN-07) and the ``plantao.plantao-realizado`` event for pagamentos-svc;
- ``generate_monthly_scales`` daily: on the configured day (``plantao.geracao_dia_do_mes``) it asks for next
  month's draft of each kind as ``POST /escalas`` does (one request, record and ``plantao.geracao-solicitada`` per
  kind); the consumer above generates each kind from its own event (issue 15). A kind that exists is skipped, a
  request pending is answered: a second run of the day records nothing.

Their acts are the system's (``sistema:agenda:<handler>``): the served duties' run is one act, recorded once with
its counts; the monthly run's acts are its requests, one record each (issue 17).
The app's middleware publishes each handler's metrics (``courtlib.observability.observed``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from courtlib.audit import as_system
from courtlib.messaging.blueprint import messaging_blueprint

if TYPE_CHECKING:
    from courtlib.messaging.contracts import Envelope, Payload
    from courtlib.messaging.outbox import UnitOfWork

# EventBridge crons are UTC. 14:30 UTC = 11:30 BRT: the daytime shifts of yesterday and the night shift that
# ended at 11h today are over.
SERVED_CRON = "cron(30 14 * * ? *)"
# 09:00 UTC = 06:00 BRT, every day; the use case acts only on the configured day of the month.
MONTHLY_CRON = "cron(0 9 * * ? *)"


def event_handlers(deps: Any) -> dict[str, Any]:
    """The event types this service consumes and their handlers: its own portarias' documents and notices and its
    own requested generations (not the calendar's events: it owns the calendar it would copy). Called on the first event
    (``courtlib.messaging.blueprint``), so its imports are made then."""
    from courtlib.messaging.consumer import commits_itself, exclusive_delivery
    from courtlib.messaging.contracts import PortariaIssued, ScaleGenerationRequested, event_type_of

    # PLAN-04: the notices are e-mails (SES has no idempotency token): two deliveries of one portaria's event at the
    # same time would both read "not sent" and both send, so only one runs at a time. The generation commits its own
    # transactions on the request's version: the consumer reads the inbox marker first (a late copy of a refused
    # request runs nothing) and two copies at once are settled by that version.
    @exclusive_delivery
    def publish_portaria(payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        assert isinstance(payload, PortariaIssued)
        deps.service.publish_portaria(payload.serie, payload.ano, payload.n)  # its own transaction and record

    @commits_itself
    def generate_requested(payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        assert isinstance(payload, ScaleGenerationRequested)
        deps.service.run_requested_generation(payload)  # its own transactions and record

    return {event_type_of(PortariaIssued): publish_portaria,
            event_type_of(ScaleGenerationRequested): generate_requested}


def blueprint(deps: Any) -> Blueprint:
    bp = messaging_blueprint(deps.settings, handlers=lambda: event_handlers(deps))

    @bp.schedule(SERVED_CRON)
    @as_system("agenda:register_served_duties")
    def register_served_duties(event: Any) -> dict[str, Any]:
        return deps.service.register_served()

    @bp.schedule(MONTHLY_CRON)
    @as_system("agenda:generate_monthly_scales")
    def generate_monthly_scales(event: Any) -> dict[str, Any]:
        return deps.service.generate_next_month()

    return bp
