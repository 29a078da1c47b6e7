"""Events distribuicao-svc publishes (through the outbox, in the transaction of the change that causes them).

``distribuicao.ausencia-registrada`` (:class:`MagistrateAbsenceRegistered`) feeds pagamentos-svc's PAG-03
(cumulação of desembargadores): it is emitted for the absences of members registered as desembargadores,
the only ones PAG-03 counts (the payload carries no such flag, so the choice is made here).
"""

from __future__ import annotations

from chalicelib.distribuicao.domain.judges import Absence, Judge

from courtlib.messaging.contracts import Envelope, MagistrateAbsenceRegistered, event_type_of, new_event

ABSENCE_REGISTERED = event_type_of(MagistrateAbsenceRegistered)


def desembargador_absence_event(*, orgao_id: str, judge: Judge, absence: Absence, tribunal: str,
                                correlation_id: str) -> Envelope:
    """The event announcing that a desembargador of ``orgao_id`` is away (DIST-06 → PAG-03)."""
    payload = MagistrateAbsenceRegistered(orgao=orgao_id, magistrado=judge.id, nome=judge.name, inicio=absence.start,
                                          fim=absence.end, motivo=absence.reason)
    return new_event(payload, tribunal=tribunal, correlation_id=correlation_id,
                     subject=f"{orgao_id}/{judge.id}/{absence.start.isoformat()}")
