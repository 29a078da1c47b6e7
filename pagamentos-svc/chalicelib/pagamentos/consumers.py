"""Queue, stream and schedule handlers of pagamentos-svc."""

from chalice import Blueprint

from chalicelib.pagamentos.adapters.absences import AbsenceRepository
from courtlib.calendar_api import calendar_event_handlers
from courtlib.messaging.contracts import Envelope, MagistrateAbsenceRegistered, event_type_of
from courtlib.messaging.outbox import UnitOfWork
from courtlib.service import ServiceDeps, messaging_blueprint


def blueprint(deps: ServiceDeps) -> Blueprint:
    absences = AbsenceRepository(deps.settings)

    def absence_registered(payload: MagistrateAbsenceRegistered, envelope: Envelope, uow: UnitOfWork) -> None:
        uow.save(absences.item_for(payload, envelope))

    handlers = {**calendar_event_handlers(deps.calendar),
                event_type_of(MagistrateAbsenceRegistered): absence_registered}
    return messaging_blueprint(deps.settings, handlers=handlers)  # type: ignore[arg-type]
