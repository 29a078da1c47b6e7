"""PAG-03 input: absences reported by distribuicao-svc, stored once and found by month."""

from datetime import date

from courtlib.messaging.contracts import MagistrateAbsenceRegistered, new_event
from tests.integration.lambda_events import sqs_event


def _absence(magistrado: str, start: str, end: str | None) -> MagistrateAbsenceRegistered:
    return MagistrateAbsenceRegistered(orgao="PLENO", magistrado=magistrado, nome=f"Des. {magistrado}",
                                       inicio=date.fromisoformat(start), fim=date.fromisoformat(end) if end else None,
                                       motivo="licença")


def test_pag_03_absences_overlapping_a_month_are_found_once(service_app, settings_of):
    from chalicelib.pagamentos.adapters.absences import AbsenceRepository

    handler = service_app("pagamentos").handler_map["consume_events"]
    events = [new_event(a, tribunal="TRE-MT", correlation_id="pag-03") for a in (
        _absence("des.a", "2030-01-20", "2030-02-03"),   # ends inside February
        _absence("des.b", "2030-02-10", None),           # open-ended
        _absence("des.c", "2030-01-02", "2030-01-31"),   # January only
        _absence("des.d", "2030-03-01", "2030-03-05"),   # March only
    )]
    body = [event.model_dump_json() for event in events]
    assert handler(sqs_event(body, "q", groups=[f"g{i}" for i in range(4)]), None) == {"batchItemFailures": []}
    assert handler(sqs_event(body, "q", groups=[f"g{i}" for i in range(4)]), None) == {"batchItemFailures": []}
    away = AbsenceRepository(settings_of("pagamentos")).overlapping(date(2030, 2, 1), date(2030, 2, 28))
    mine = {"des.a", "des.b", "des.c", "des.d"}  # the session's table also holds other tests' absences
    assert sorted(item.magistrado for item in away if item.magistrado in mine) == ["des.a", "des.b"]
