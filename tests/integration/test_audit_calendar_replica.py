"""The calendar's copy in the services that consume its events (courtlib.calendar.api.calendar_event_handlers):
copying and removing a day are acts of the system, recorded once in the consumer's transaction (CAL-01)."""

from __future__ import annotations

import json
from datetime import date

import boto3

from courtlib.calendar import EntryKind
from courtlib.calendar.api import calendar_event_handlers
from courtlib.calendar.store import CalendarRepository
from courtlib.http.testing import InMemoryIdempotencyStore
from courtlib.messaging.consumer import EventConsumer
from courtlib.messaging.contracts import CalendarDayRegistered, CalendarDayRemoved, event_type_of, new_event
from tests.integration.lambda_events import sqs_event


def _records(settings) -> list[dict]:
    items = boto3.client("dynamodb", region_name=settings.region).scan(TableName=settings.table_name)["Items"]
    records = [json.loads(i["registro"]["S"]) for i in items if i["pk"]["S"].startswith("AUDIT#")]
    return sorted(records, key=lambda r: (r["quando"], r["sequencia"]))


def _deliver(settings, calendar: CalendarRepository, payload, correlation_id: str) -> dict:
    body = sqs_event([new_event(payload, tribunal="TRE-MT", correlation_id=correlation_id).model_dump_json()],
                     "https://fila")
    for _ in range(2):  # delivered twice, the idempotency record lost in between: applied once
        consumer = EventConsumer(settings, calendar_event_handlers(calendar), persistence=InMemoryIdempotencyStore())
        assert consumer.handle_sqs(body) == {"batchItemFailures": []}
    return body


def test_cal_01_the_copy_of_a_day_and_its_removal_are_each_one_record_of_the_system(scratch_table):
    calendar = CalendarRepository(scratch_table)
    registered = CalendarDayRegistered(data=date(2027, 3, 3), tipo="feriado_municipal", municipio="5103403",
                                       descricao="Aniversário de Cuiabá", decretado_em=date(2027, 1, 10))
    _deliver(scratch_table, calendar, registered, "c-copia")
    assert [e.kind for e in calendar.entries_for_year(2027)] == [EntryKind.FERIADO_MUNICIPAL]
    _deliver(scratch_table, calendar, CalendarDayRemoved(data=date(2027, 3, 3), tipo="feriado_municipal",
                                                         municipio="5103403"), "c-remocao")
    assert calendar.entries_for_year(2027) == ()

    copied, removed = _records(scratch_table)
    day = {"data": "2027-03-03", "tipo": "feriado_municipal", "municipio": "5103403",
           "descricao": "Aniversário de Cuiabá", "decretado_em": "2027-01-10"}
    event = event_type_of(CalendarDayRegistered)
    assert (copied["ato"], copied["regras"], copied["alvo"]) == ("CAL.DIA.COPIAR", ["CAL-01"],
                                                                 {"tipo": "dia", "id": "2027-03-03"})
    assert copied["quem"]["id"] == f"sistema:evento:{event}" and copied["correlacao"] == "c-copia"
    assert copied["antes"] is None and {k: copied["depois"][k] for k in day} == day and copied["depois"]["evento"]
    assert (removed["ato"], removed["alvo"], removed["correlacao"]) == ("CAL.DIA.REMOVER_COPIA",
                                                                       {"tipo": "dia", "id": "2027-03-03"}, "c-remocao")
    assert removed["quem"]["id"] == f"sistema:evento:{event_type_of(CalendarDayRemoved)}"
    assert removed["antes"] == day  # the copy as it was: the removal leaves its record


def test_cal_03_a_ponto_facultativo_copied_names_cal_03_too(scratch_table):
    calendar = CalendarRepository(scratch_table)
    _deliver(scratch_table, calendar, CalendarDayRegistered(data=date(2027, 2, 16), tipo="ponto_facultativo",
                                                            municipio=None, descricao="Carnaval",
                                                            decretado_em=date(2027, 2, 10)), "c-1")
    [record] = _records(scratch_table)
    assert record["regras"] == ["CAL-01", "CAL-03"]
