"""The event envelope (CloudEvents 1.0 + tribunal + correlation id) and the typed catalogue."""

from datetime import date

import pytest
from pydantic import ValidationError

from courtlib.messaging.contracts import (
    CATALOGUE,
    CalendarDayRegistered,
    Envelope,
    UnknownEventType,
    event_type_of,
    message_group,
    new_event,
    parse_event,
)


def _day() -> CalendarDayRegistered:
    return CalendarDayRegistered(data=date(2026, 12, 8), tipo="feriado_municipal", municipio="5103403",
                                 descricao="Nossa Senhora da Conceição", decretado_em=date(2026, 1, 10))


def test_new_event_carries_cloudevents_attributes_and_extensions():
    event = new_event(_day(), tribunal="TRE-MT", correlation_id="corr-1", subject="2026-12-08")
    dumped = event.model_dump(mode="json")
    for attribute in ("id", "source", "type", "subject", "time", "specversion", "tribunal", "correlationid"):
        assert dumped[attribute], attribute
    assert dumped["specversion"] == "1.0"
    assert dumped["type"] == "br.jus.tribunal.calendario.dia-registrado.v1"
    assert dumped["source"] == "/tre-mt/plantao"
    assert dumped["data"]["data"] == "2026-12-08"


def test_each_event_gets_a_distinct_id():
    first, second = (new_event(_day(), tribunal="T", correlation_id="c") for _ in range(2))
    assert first.id != second.id


def test_parse_event_roundtrips_through_json():
    event = new_event(_day(), tribunal="TRE-MT", correlation_id="c")
    again = Envelope.model_validate_json(event.model_dump_json())
    assert parse_event(again) == _day()


def test_unknown_type_is_refused_not_ignored():
    event = new_event(_day(), tribunal="TRE-MT", correlation_id="c").model_copy(update={"type": "x.y.z"})
    with pytest.raises(UnknownEventType):
        parse_event(event)


def test_bad_payload_is_refused():
    event = new_event(_day(), tribunal="TRE-MT", correlation_id="c").model_copy(update={"data": {"data": "ontem"}})
    with pytest.raises(ValidationError):
        parse_event(event)


def test_envelope_refuses_other_specversions():
    data = new_event(_day(), tribunal="TRE-MT", correlation_id="c").model_dump(mode="json")
    data["specversion"] = "0.3"
    with pytest.raises(ValidationError):
        Envelope.model_validate(data)


def test_message_group_orders_a_year_of_calendar_events_together():
    assert message_group(new_event(_day(), tribunal="TRE-MT", correlation_id="c")) == "calendario-2026"


def test_catalogue_names_known_services_only():
    from courtlib.settings import SERVICES

    for spec in CATALOGUE.values():
        assert spec.producer in SERVICES
        assert spec.consumers and set(spec.consumers) <= set(SERVICES)
        # an event goes to other services, or only to its producer's own queue (a job asked by hand, issue 15)
        assert spec.producer not in spec.consumers or spec.consumers == (spec.producer,)
        assert spec.type.endswith(".v1")


def test_a_monthly_job_asked_by_hand_is_routed_to_its_own_service_queue_one_group_per_month():
    from courtlib.messaging.contracts import MonthlyCloseRequested, PaymentRunRequested

    for payload, service in ((MonthlyCloseRequested, "cooperacao"), (PaymentRunRequested, "pagamentos")):
        spec = CATALOGUE[event_type_of(payload)]
        assert (spec.producer, spec.consumers) == (service, (service,))
        event = new_event(payload(competencia="2027-03", execucao=2, solicitado_por="dimag.folha"),
                          tribunal="TRE-MT", correlation_id="c")
        assert message_group(event).endswith("-2027-03") and event.source == f"/tre-mt/{service}"
