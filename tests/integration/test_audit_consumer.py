"""An event consumer's act is the system's, named after the event, in the event's correlation id; applied once."""

from __future__ import annotations

import json
from datetime import date

import boto3

from courtlib.audit.record import Target, shard_of
from courtlib.clock import today
from courtlib.http.testing import InMemoryIdempotencyStore
from courtlib.messaging.consumer import EventConsumer
from courtlib.messaging.contracts import CalendarDayRegistered, new_event
from courtlib.persistence import TableItem, bind
from tests.integration.lambda_events import sqs_event

EVENT = "br.jus.tribunal.calendario.dia-registrado.v1"


def test_a_consumed_event_is_audited_once_as_the_system_with_the_events_correlation_id(scratch_table):
    model = bind(TableItem, scratch_table)

    def apply(payload, envelope, uow) -> None:
        uow.save(model(pk=f"DIA#{payload.data.isoformat()}", sk="COPIA"))
        uow.audit("CAL.DIA.COPIAR", ("dia", payload.data.isoformat()), rules=["CAL-03"], after={"tipo": payload.tipo})

    consumer = EventConsumer(scratch_table, {EVENT: apply}, persistence=InMemoryIdempotencyStore())
    payload = CalendarDayRegistered(data=date(2027, 3, 3), tipo="feriado_municipal", municipio="5103403",
                                    descricao="Feriado", decretado_em=date(2027, 1, 10))
    event = new_event(payload, tribunal="TRE-MT", correlation_id="c-evento-7")
    body = sqs_event([event.model_dump_json()], "https://fila")
    assert consumer.handle_sqs(body) == {"batchItemFailures": []}
    fresh = EventConsumer(scratch_table, {EVENT: apply}, persistence=InMemoryIdempotencyStore())
    assert fresh.handle_sqs(body) == {"batchItemFailures": []}  # redelivered, idempotency record lost
    items = boto3.client("dynamodb", region_name=scratch_table.region).scan(TableName=scratch_table.table_name)["Items"]
    records = [json.loads(i["registro"]["S"]) for i in items if i["pk"]["S"].startswith("AUDIT#")]
    assert len(records) == 1
    [record] = records
    assert record["quem"] == {"tipo": "sistema", "id": f"sistema:evento:{EVENT}", "nome": f"evento:{EVENT}",
                              "papeis": []}
    assert (record["correlacao"], record["ato"], record["regras"]) == ("c-evento-7", "CAL.DIA.COPIAR", ["CAL-03"])
    assert record["cadeia"] == shard_of(Target("dia", "2027-03-03"), today()) and record["dia"] == today().isoformat()
