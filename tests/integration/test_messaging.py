"""Outbox → stream relay → SQS FIFO → idempotent consumer, against moto with the real template."""

from __future__ import annotations

from datetime import date, timedelta

import boto3
import pytest
from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from courtlib.messaging.consumer import EventConsumer, exclusive_delivery
from courtlib.messaging.contracts import CalendarDayRegistered, Envelope, new_event
from courtlib.messaging.dlq import DeadLetters
from courtlib.messaging.outbox import AlreadyApplied, ConditionFailed, OutboxItem, UnitOfWork
from courtlib.messaging.relay import OutboxRelay
from courtlib.persistence import TableItem, bind
from tests.integration.lambda_events import sqs_event, stream_event

pytestmark = pytest.mark.usefixtures("aws_stack")


class Counter(TableItem):
    """A state change that is visibly not idempotent by itself: applying twice would count 2."""

    total = NumberAttribute(default=0)
    last_event = UnicodeAttribute(null=True)


def _payload(day: int = 8) -> CalendarDayRegistered:
    return CalendarDayRegistered(data=date(2026, 12, day), tipo="feriado_municipal", municipio="5103403",
                                 descricao="Feriado municipal", decretado_em=date(2026, 1, 10))


def _stream_records(settings) -> list[dict]:
    streams = boto3.client("dynamodbstreams", region_name=settings.region)
    shards = streams.describe_stream(StreamArn=settings.stream_arn)["StreamDescription"]["Shards"]
    records: list[dict] = []
    for shard in shards:
        iterator = streams.get_shard_iterator(StreamArn=settings.stream_arn, ShardId=shard["ShardId"],
                                              ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        records += streams.get_records(ShardIterator=iterator)["Records"]
    return records


def _receive(settings, service: str, wait: int = 0) -> list[dict]:
    sqs = boto3.client("sqs", region_name=settings.region)
    url = settings.peer_queue_urls[service]
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                               MessageAttributeNames=["All"], WaitTimeSeconds=wait).get("Messages", [])


def _drain(settings, service: str) -> None:
    """Empties a queue (PurgeQueue is allowed once a minute, so receive and delete instead)."""
    sqs = boto3.client("sqs", region_name=settings.region)
    url = settings.peer_queue_urls[service]
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _counting_handler(settings, calls: list[str]):
    model = bind(Counter, settings)

    def handle(payload, envelope: Envelope, uow: UnitOfWork) -> None:
        calls.append(envelope.id)
        try:
            current = model.get("CONTADOR", "x")
        except model.DoesNotExist:
            current = model(pk="CONTADOR", sk="x", total=0)
        current.total += 1
        current.last_event = envelope.id
        uow.save(current)

    return handle, model


def test_state_change_and_event_are_one_transaction(settings_of):
    """A failed condition on the state change writes neither the state nor the outbox item."""
    settings = settings_of("plantao")
    model = bind(Counter, settings)
    model(pk="ATOMICO", sk="x", total=1).save()
    uow = UnitOfWork(settings)
    uow.save(model(pk="ATOMICO", sk="x", total=2), condition=model.pk.does_not_exist())
    event = new_event(_payload(), tribunal="TRE-MT", correlation_id="c-atomic")
    uow.emit(event)
    with pytest.raises(ConditionFailed):
        uow.commit()
    outbox = bind(OutboxItem, settings)
    with pytest.raises(outbox.DoesNotExist):
        outbox.get(f"OUTBOX#{event.id}", "EVENTO")
    assert model.get("ATOMICO", "x").total == 1


def test_outbox_is_relayed_from_the_stream_to_every_consumer_queue(settings_of):
    plantao = settings_of("plantao")
    for consumer in ("cooperacao", "distribuicao", "pagamentos"):
        _drain(plantao, consumer)
    event = new_event(_payload(9), tribunal="TRE-MT", correlation_id="c-relay", subject="2026-12-09")
    uow = UnitOfWork(plantao)
    uow.emit(event)
    uow.commit()

    records = [r for r in _stream_records(plantao) if r["dynamodb"]["Keys"]["pk"]["S"] == f"OUTBOX#{event.id}"]
    assert len(records) == 1
    result = OutboxRelay(plantao).handle_stream(stream_event(records, plantao.stream_arn))
    assert result == {"batchItemFailures": []}

    for consumer in ("cooperacao", "distribuicao", "pagamentos"):
        messages = _receive(plantao, consumer)
        assert [Envelope.model_validate_json(m["Body"]).id for m in messages] == [event.id]
        assert messages[0]["Attributes"]["MessageGroupId"] == "calendario-2026"
        assert messages[0]["Attributes"]["MessageDeduplicationId"] == event.id
    assert bind(OutboxItem, plantao).get(f"OUTBOX#{event.id}", "EVENTO").relayed_at is not None


def test_relay_ignores_ordinary_state_changes(settings_of):
    plantao = settings_of("plantao")
    bind(Counter, plantao)(pk="ORDINARIO", sk="x", total=1).save()
    records = [r for r in _stream_records(plantao) if r["dynamodb"]["Keys"]["pk"]["S"] == "ORDINARIO"]
    assert OutboxRelay(plantao).handle_stream(stream_event(records, plantao.stream_arn)) == {"batchItemFailures": []}


def test_sweeper_publishes_what_the_stream_missed(settings_of):
    plantao = settings_of("plantao")
    _drain(plantao, "pagamentos")
    event = new_event(_payload(10), tribunal="TRE-MT", correlation_id="c-sweep")
    uow = UnitOfWork(plantao)
    uow.emit(event)
    uow.commit()
    assert OutboxRelay(plantao).sweep(older_than=timedelta(0)) >= 1
    assert event.id in [Envelope.model_validate_json(m["Body"]).id for m in _receive(plantao, "pagamentos")]
    assert OutboxRelay(plantao).sweep(older_than=timedelta(0)) == 0


def test_a_redelivered_event_is_applied_once(settings_of):
    pagamentos = settings_of("pagamentos")
    calls: list[str] = []
    handler, model = _counting_handler(pagamentos, calls)
    consumer = EventConsumer(pagamentos, {"br.jus.tribunal.calendario.dia-registrado.v1": handler})
    event = new_event(_payload(11), tribunal="TRE-MT", correlation_id="c-once")
    first = consumer.handle_sqs(sqs_event([event.model_dump_json()], pagamentos.queue_url))
    again = consumer.handle_sqs(sqs_event([event.model_dump_json()], pagamentos.queue_url))
    assert first == again == {"batchItemFailures": []}
    assert model.get("CONTADOR", "x").total == 1
    assert calls == [event.id, event.id]  # no idempotency record short-cuts it: the inbox marker refuses the second


def test_the_inbox_marker_holds_even_without_the_idempotency_record(settings_of):
    """An exclusive handler's Powertools record lost or expired: the transaction's inbox condition still refuses a
    second apply."""
    pagamentos = settings_of("pagamentos")
    calls: list[str] = []
    handler, model = _counting_handler(pagamentos, calls)
    event = new_event(_payload(12), tribunal="TRE-MT", correlation_id="c-inbox")
    before = model.get("CONTADOR", "x").total if model.count("CONTADOR") else 0
    for _ in range(2):
        fresh = EventConsumer(pagamentos, {"br.jus.tribunal.calendario.dia-registrado.v1": exclusive_delivery(handler)},
                              persistence=_ForgetfulPersistence())
        assert fresh.handle_sqs(sqs_event([event.model_dump_json()], pagamentos.queue_url)) == {"batchItemFailures": []}
    assert len(calls) == 2  # the handler ran twice…
    assert model.get("CONTADOR", "x").total == before + 1  # …but the state changed once


def test_unit_of_work_reports_already_applied(settings_of):
    pagamentos = settings_of("pagamentos")
    event = new_event(_payload(13), tribunal="TRE-MT", correlation_id="c-aa")
    first = UnitOfWork(pagamentos)
    first.applies(event)
    first.commit()
    second = UnitOfWork(pagamentos)
    second.applies(event)
    with pytest.raises(AlreadyApplied):
        second.commit()


def test_failures_are_reported_per_message_never_dropped(settings_of):
    pagamentos = settings_of("pagamentos")
    calls: list[str] = []
    handler, _ = _counting_handler(pagamentos, calls)
    consumer = EventConsumer(pagamentos, {"br.jus.tribunal.calendario.dia-registrado.v1": handler})
    good = new_event(_payload(14), tribunal="TRE-MT", correlation_id="c-good")
    unknown = good.model_copy(update={"id": "evento-desconhecido", "type": "br.jus.tribunal.outro.v1"})
    event = sqs_event([good.model_dump_json(), "isto não é json", unknown.model_dump_json()], pagamentos.queue_url,
                      groups=["g1", "g2", "g3"])
    failures = consumer.handle_sqs(event)["batchItemFailures"]
    ids = [record["messageId"] for record in event["Records"]]
    assert [f["itemIdentifier"] for f in failures] == ids[1:]
    assert calls == [good.id]


def test_dead_letters_are_listed_and_redriven(settings_of):
    pagamentos = settings_of("pagamentos")
    sqs = boto3.client("sqs", region_name=pagamentos.region)
    _drain(pagamentos, "pagamentos")
    body = new_event(_payload(15), tribunal="TRE-MT", correlation_id="c-dlq").model_dump_json()
    sqs.send_message(QueueUrl=pagamentos.dlq_url, MessageBody=body, MessageGroupId="calendario-2026",
                     MessageDeduplicationId="dlq-1",
                     MessageAttributes={"type": {"DataType": "String", "StringValue": "x"}})
    dead = DeadLetters(pagamentos)
    listed = dead.peek(10)
    assert [item["corpo"] for item in listed] == [body]
    assert listed[0]["grupo"] == "calendario-2026"
    assert dead.redrive() == 1
    assert dead.peek(10) == []
    assert [m["Body"] for m in _receive(pagamentos, "pagamentos")] == [body]


class _ForgetfulPersistence:
    """A Powertools persistence layer that never remembers (as if its record had expired)."""

    def __new__(cls):
        from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

        class Forgetful(BasePersistenceLayer):
            def _get_record(self, idempotency_key):
                from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyItemNotFoundError

                raise IdempotencyItemNotFoundError

            def _put_record(self, data_record):
                return None

            def _update_record(self, data_record):
                return None

            def _delete_record(self, data_record):
                return None

        return Forgetful()


def test_already_applied_is_recognised_whatever_the_order_of_operations(settings_of):
    """PynamoDB sends puts before updates: the inbox marker's failure must still read as 'applied before'."""
    pagamentos = settings_of("pagamentos")
    model = bind(Counter, pagamentos)
    model(pk="ORDEM", sk="x", total=0).save()
    event = new_event(_payload(16), tribunal="TRE-MT", correlation_id="c-order")
    for attempt in range(2):
        uow = UnitOfWork(pagamentos)
        uow.update(model(pk="ORDEM", sk="x"), actions=[model.total.add(1)])
        uow.applies(event)
        if attempt == 0:
            uow.commit()
        else:
            with pytest.raises(AlreadyApplied):
                uow.commit()
    assert model.get("ORDEM", "x").total == 1


def test_a_failed_condition_names_the_operation_in_call_order(settings_of):
    from courtlib.messaging.outbox import ConditionFailed

    plantao = settings_of("plantao")
    model = bind(Counter, plantao)
    model(pk="COND", sk="x", total=5).save()
    uow = UnitOfWork(plantao)
    uow.update(model(pk="COND", sk="x"), actions=[model.total.add(1)], condition=model.total == 5)
    uow.save(model(pk="COND", sk="y", total=1), condition=model.pk.exists())  # fails: no such item
    with pytest.raises(ConditionFailed) as failure:
        uow.commit()
    assert failure.value.index == 1
