"""Eager dispatch across two services: plantao-svc's request sends its event, cooperacao-svc applies it once.

The request's unit of work sends the committed outbox straight to the consumers' queues; the stream relay
stays the safety net. An SQS fault during that send never fails the request and never loses the event.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from courtlib.http.testing import bearer
from courtlib.messaging.contracts import Envelope
from courtlib.messaging.outbox import PENDING, OutboxItem
from courtlib.messaging.relay import OutboxRelay
from courtlib.persistence import bind
from tests.faults import FaultInjector
from tests.integration.lambda_events import sqs_event, stream_event

ADMIN = bearer("admin.ti", "admin")
EVENT = "br.jus.tribunal.calendario.dia-registrado.v1"


def _register(client: Any, day: str, correlation: str) -> Any:
    return client.http.post("/calendario/dias", body=json.dumps({
        "data": day, "tipo": "ponto_facultativo", "descricao": "Ponto facultativo (envio imediato)",
        "decretado_em": "2032-01-02"}), headers={"Content-Type": "application/json", "X-Correlation-Id": correlation,
                                                 **ADMIN})


def _event_id(settings: Any, correlation: str) -> str:
    """The id of the outbox item this request committed (found by its correlation id)."""
    table = boto3.client("dynamodb", region_name=settings.region)
    kwargs: dict[str, Any] = {"TableName": settings.table_name, "FilterExpression": "begins_with(pk, :p)",
                              "ExpressionAttributeValues": {":p": {"S": "OUTBOX#"}}}
    while True:
        page = table.scan(**kwargs)
        for item in page["Items"]:
            envelope = Envelope.model_validate_json(item["envelope"]["S"])
            if envelope.correlationid == correlation:
                return envelope.id
        if "LastEvaluatedKey" not in page:
            raise AssertionError(f"nenhum evento no outbox com a correlação {correlation}")
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _take(settings: Any, event_id: str) -> list[str]:
    """Receives the whole queue, deletes it (other tests' leftovers too, events or not: the cooperação walk's
    redriven dead letter stays when the queue held more than it reads back), returns the bodies of ``event_id``."""
    sqs = boto3.client("sqs", region_name=settings.region)
    bodies: list[str] = []
    while messages := sqs.receive_message(QueueUrl=settings.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            if json.loads(message["Body"]).get("id") == event_id:
                bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=settings.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def _consume(service_app: Any, settings: Any, bodies: list[str]) -> dict[str, Any]:
    handler = service_app(settings.service).handler_map["consume_events"]
    return handler(sqs_event(bodies, settings.queue_url, groups=["calendario-2032"] * len(bodies)), None)


def _copies_audited(settings: Any, correlation: str) -> int:
    """How many times cooperacao-svc recorded applying the day (one audit record per application)."""
    table = boto3.client("dynamodb", region_name=settings.region)
    kwargs: dict[str, Any] = {"TableName": settings.table_name, "FilterExpression": "begins_with(pk, :p)",
                              "ExpressionAttributeValues": {":p": {"S": "AUDIT#"}}}
    found = 0
    while True:
        page = table.scan(**kwargs)
        for item in page["Items"]:
            record = json.loads(item.get("registro", {}).get("S", "{}"))
            found += record.get("correlacao") == correlation and record.get("ato") == "CAL.DIA.COPIAR"
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _relay_from_stream(settings: Any, event_id: str) -> dict[str, Any]:
    """What the stream relay does when Lambda's poll brings the outbox item's INSERT record."""
    streams = boto3.client("dynamodbstreams", region_name=settings.region)
    records: list[dict[str, Any]] = []
    for shard in streams.describe_stream(StreamArn=settings.stream_arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(StreamArn=settings.stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator:
            page = streams.get_records(ShardIterator=iterator, Limit=1000)
            records += [r for r in page["Records"] if r["dynamodb"]["Keys"]["pk"]["S"] == f"OUTBOX#{event_id}"]
            iterator = page.get("NextShardIterator") if page["Records"] else None
    assert [r["eventName"] for r in records][:1] == ["INSERT"]
    return OutboxRelay(settings).handle_stream(stream_event(records[:1], settings.stream_arn))


def test_the_request_sends_its_event_and_the_consumer_applies_it_without_the_relay(client_of, settings_of,
                                                                                   service_app):
    plantao, cooperacao = settings_of("plantao"), settings_of("cooperacao")
    _take(cooperacao, "")  # leftovers of other tests
    assert _register(client_of("plantao"), "2032-03-08", "corr-envio-imediato").status_code == 201
    event_id = _event_id(plantao, "corr-envio-imediato")

    bodies = _take(cooperacao, event_id)  # in the queue already: nobody relayed it
    assert len(bodies) == 1 and Envelope.model_validate_json(bodies[0]).type == EVENT
    assert _consume(service_app, cooperacao, bodies) == {"batchItemFailures": []}
    status = client_of("cooperacao").http.get("/calendario/situacao/2032-03-08")
    assert status.json_body["dia_util"] is False

    # The relay still publishes it from the stream (nothing was marked); the second copy changes nothing.
    assert _relay_from_stream(plantao, event_id) == {"batchItemFailures": []}
    again = _take(cooperacao, event_id)  # moto forgets the deduplication id once consumed (SQS would drop it)
    assert len(again) <= 1
    if again:
        assert _consume(service_app, cooperacao, again + again) == {"batchItemFailures": []}
    assert _copies_audited(cooperacao, "corr-envio-imediato") == 1
    assert bind(OutboxItem, plantao).get(f"OUTBOX#{event_id}", "EVENTO").relayed_at is not None


@pytest.mark.parametrize("kind", ["error500", "throttle", "connection", "lost"])
def test_an_sqs_fault_during_eager_dispatch_fails_nothing_and_the_relay_delivers(client_of, settings_of, service_app,
                                                                                 kind):
    plantao, cooperacao = settings_of("plantao"), settings_of("cooperacao")
    day = {"error500": "2032-03-09", "throttle": "2032-03-10", "connection": "2032-03-11", "lost": "2032-03-12"}[kind]
    correlation = f"corr-envio-falhou-{kind}"
    _take(cooperacao, "")
    with FaultInjector(services={"sqs"}) as faults:
        faults.force("SendMessageBatch", kind, times=3)  # every destination's batch
        created = _register(client_of("plantao"), day, correlation)
        assert created.status_code == 201, created.body  # the user's request is not failed by the send
        assert faults.injected[(kind, "sqs")] == 3  # one attempt per queue: no retries on the request's path
    event_id = _event_id(plantao, correlation)
    pending = bind(OutboxItem, plantao).get(f"OUTBOX#{event_id}", "EVENTO")
    assert pending.gsi1pk == PENDING and pending.relayed_at is None  # committed, waiting for the relay

    queued = _take(cooperacao, event_id)
    assert len(queued) == (1 if kind == "lost" else 0)  # a lost response: sent, and the relay's copy is a duplicate
    assert _relay_from_stream(plantao, event_id) == {"batchItemFailures": []}
    queued += _take(cooperacao, event_id)
    assert queued
    assert _consume(service_app, cooperacao, queued) == {"batchItemFailures": []}
    assert client_of("cooperacao").http.get(f"/calendario/situacao/{day}").json_body["dia_util"] is False
    assert _copies_audited(cooperacao, correlation) == 1
