"""Lambda's delivery semantics in the local stack's pollers (fake SQS/stream clients, no sockets)."""

from __future__ import annotations

import threading
from typing import Any

from chalice import Chalice

from devstack.events import MAX_STREAM_RETRIES, SqsPoller, StreamPoller, Target

QUEUE_ARN = "arn:aws:sqs:sa-east-1:123456789012:fila.fifo"
STREAM_ARN = "arn:aws:dynamodb:sa-east-1:123456789012:table/t/stream/x"


class FakeSqs:
    def __init__(self) -> None:
        self.deleted: list[str] = []

    def delete_message_batch(self, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.deleted += [entry["ReceiptHandle"] for entry in Entries]
        return {"Successful": [{"Id": entry["Id"]} for entry in Entries]}


def message(n: int) -> dict[str, Any]:
    return {"MessageId": f"id-{n}", "ReceiptHandle": f"rh-{n}", "Body": f"corpo-{n}", "MD5OfBody": "x",
            "Attributes": {"ApproximateReceiveCount": "1"}}


def sqs_poller(handler: Any) -> tuple[SqsPoller, FakeSqs]:
    app = Chalice(app_name="entrega")
    app.on_sqs_message(queue="fila.fifo", name="consume_events")(handler)
    sqs = FakeSqs()
    return SqsPoller(Target("s", app, "consume_events"), sqs, "url", QUEUE_ARN, 10, threading.Event()), sqs


def test_sqs_success_deletes_the_whole_batch():
    poller, sqs = sqs_poller(lambda event: None)
    poller.deliver([message(n) for n in range(12)])
    assert sqs.deleted == [f"rh-{n}" for n in range(12)], "in chunks of 10, all of them"


def test_sqs_partial_failure_deletes_all_but_the_reported_records():
    poller, sqs = sqs_poller(lambda event: {"batchItemFailures": [{"itemIdentifier": "id-1"}]})
    poller.deliver([message(n) for n in range(3)])
    assert sqs.deleted == ["rh-0", "rh-2"]


def test_sqs_handler_error_or_unknown_identifier_deletes_nothing():
    def boom(event: Any) -> None:
        raise RuntimeError("falhou")

    poller, sqs = sqs_poller(boom)
    poller.deliver([message(0), message(1)])
    assert sqs.deleted == []
    poller, sqs = sqs_poller(lambda event: {"batchItemFailures": [{"itemIdentifier": "outro"}]})
    poller.deliver([message(0), message(1)])
    assert sqs.deleted == []


class FakeStreams:
    """A shard with ``records``; iterators are positions; GetRecords honours Limit."""

    def __init__(self, records: list[dict[str, Any]], stop: threading.Event) -> None:
        self.records = records
        self.iterator_requests: list[tuple[str, str | None]] = []
        self.calls = 0
        self.stop = stop

    def get_shard_iterator(self, StreamArn: str, ShardId: str, ShardIteratorType: str,
                           SequenceNumber: str | None = None) -> dict[str, str]:
        self.iterator_requests.append((ShardIteratorType, SequenceNumber))
        if ShardIteratorType == "TRIM_HORIZON":
            return {"ShardIterator": "0"}
        index = next(i for i, r in enumerate(self.records) if r["dynamodb"]["SequenceNumber"] == SequenceNumber)
        return {"ShardIterator": str(index)}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        self.calls += 1
        if self.calls > 100:  # a bug in the poller must fail the test, not hang it
            self.stop.set()
        start = int(ShardIterator)
        batch = self.records[start:start + Limit]
        return {"Records": batch, "NextShardIterator": str(start + len(batch))}


def stream_record(n: int) -> dict[str, Any]:
    return {"eventID": f"e{n}", "eventName": "INSERT", "eventVersion": "1.1", "eventSource": "aws:dynamodb",
            "awsRegion": "sa-east-1", "dynamodb": {"Keys": {"pk": {"S": f"k{n}"}}, "SequenceNumber": str(100 + n),
                                                   "SizeBytes": 1, "StreamViewType": "NEW_AND_OLD_IMAGES"}}


def run_stream(handler: Any, records: list[dict[str, Any]], until: Any) -> FakeStreams:
    app = Chalice(app_name="entrega")
    app.on_dynamodb_record(stream_arn=STREAM_ARN, name="relay_outbox")(handler)
    stop = threading.Event()
    streams = FakeStreams(records, stop)
    poller = StreamPoller(Target("s", app, "relay_outbox"), streams, STREAM_ARN, "shard-1", 100, stop)
    poller.stop_event.wait = lambda timeout=None: stop.is_set()  # no back-off sleeps in a unit test
    original = poller.deliver

    def deliver(batch: list[dict[str, Any]]) -> str | None:
        result = original(batch)
        if until():
            stop.set()
        return result

    poller.deliver = deliver  # type: ignore[method-assign]
    poller.run()
    assert streams.calls <= 100, "the poller never reached the expected state"
    return streams


def test_stream_reads_from_trim_horizon_and_retries_from_the_first_failed_record():
    seen: list[list[str]] = []

    def handler(event: Any) -> dict[str, Any]:
        sequence_numbers = [r.sequence_number for r in event]
        seen.append(sequence_numbers)
        return {"batchItemFailures": [{"itemIdentifier": "102"}] if len(seen) == 1 else []}

    streams = run_stream(handler, [stream_record(n) for n in range(4)], until=lambda: len(seen) == 2)
    assert streams.iterator_requests == [("TRIM_HORIZON", None), ("AT_SEQUENCE_NUMBER", "102")]
    assert seen == [["100", "101", "102", "103"], ["102", "103"]]


def test_stream_gives_up_after_the_maximum_retries_and_moves_on():
    seen: list[list[str]] = []

    def handler(event: Any) -> None:
        seen.append([r.sequence_number for r in event])
        raise RuntimeError("sempre falha")

    run_stream(handler, [stream_record(n) for n in range(2)], until=lambda: len(seen) == MAX_STREAM_RETRIES + 1)
    assert len(seen) == MAX_STREAM_RETRIES + 1 and all(batch == ["100", "101"] for batch in seen)


class SwappedShardStreams:
    """A table that is replaced (as moto does on a cancelled transaction): old iterators keep reading the old shard."""

    def __init__(self, stop: threading.Event) -> None:
        self.shards = [[stream_record(0)]]
        self.stop = stop
        self.calls = 0

    def swap_and_write(self) -> None:
        self.shards.append(list(self.shards[-1]) + [stream_record(1)])

    def get_shard_iterator(self, StreamArn: str, ShardId: str, ShardIteratorType: str,
                           SequenceNumber: str | None = None) -> dict[str, str]:
        current = self.shards[-1]
        if ShardIteratorType == "TRIM_HORIZON":
            return {"ShardIterator": f"{len(self.shards) - 1}:0"}
        assert ShardIteratorType == "AFTER_SEQUENCE_NUMBER"
        index = next(i for i, r in enumerate(current) if r["dynamodb"]["SequenceNumber"] == SequenceNumber)
        return {"ShardIterator": f"{len(self.shards) - 1}:{index + 1}"}

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        self.calls += 1
        if self.calls > 100:
            self.stop.set()
        generation, start = (int(part) for part in ShardIterator.split(":"))
        batch = self.shards[generation][start:start + Limit]
        if self.calls == 2:  # the first empty poll: the table is replaced and a new record written
            self.swap_and_write()
        return {"Records": batch, "NextShardIterator": f"{generation}:{start + len(batch)}"}


def test_stream_follows_the_table_when_the_shard_object_is_replaced():
    """issue 12 point 1: after moto swaps the table, the relay still delivers the next record."""
    seen: list[str] = []
    app = Chalice(app_name="entrega")
    app.on_dynamodb_record(stream_arn=STREAM_ARN, name="relay_outbox")(
        lambda event: seen.extend(r.sequence_number for r in event))
    stop = threading.Event()
    streams = SwappedShardStreams(stop)
    poller = StreamPoller(Target("s", app, "relay_outbox"), streams, STREAM_ARN, "shard-1", 100, stop)
    poller.stop_event.wait = lambda timeout=None: stop.is_set()
    original = poller.deliver

    def deliver(batch: list[dict[str, Any]]) -> str | None:
        result = original(batch)
        if len(seen) >= 2:
            stop.set()
        return result

    poller.deliver = deliver  # type: ignore[method-assign]
    poller.run()
    assert seen == ["100", "101"]


class RefusingStreams(FakeStreams):
    """DynamoDB Local's answer to an iterator taken at TRIM_HORIZON of a then-empty shard: refused once."""

    def __init__(self, records: list[dict[str, Any]], stop: threading.Event) -> None:
        super().__init__(records, stop)
        self.refused = False

    def get_records(self, ShardIterator: str, Limit: int) -> dict[str, Any]:
        if not self.refused:
            from botocore.exceptions import ClientError

            self.refused = True
            self.calls += 1
            raise ClientError({"Error": {"Code": "TrimmedDataAccessException", "Message": "trimmed"}}, "GetRecords")
        return super().get_records(ShardIterator, Limit)


def test_a_refused_stream_iterator_is_replaced_by_a_fresh_one_and_no_record_is_lost():
    seen: list[str] = []
    app = Chalice(app_name="entrega")
    app.on_dynamodb_record(stream_arn=STREAM_ARN, name="relay_outbox")(
        lambda event: seen.extend(r.sequence_number for r in event))
    stop = threading.Event()
    streams = RefusingStreams([stream_record(n) for n in range(3)], stop)
    poller = StreamPoller(Target("s", app, "relay_outbox"), streams, STREAM_ARN, "shard-1", 100, stop)
    poller.stop_event.wait = lambda timeout=None: stop.is_set()
    original = poller.deliver

    def deliver(batch: list[dict[str, Any]]) -> str | None:
        result = original(batch)
        stop.set()
        return result

    poller.deliver = deliver  # type: ignore[method-assign]
    poller.run()
    assert streams.iterator_requests == [("TRIM_HORIZON", None), ("TRIM_HORIZON", None)]
    assert seen == ["100", "101", "102"]


def test_a_queue_poller_warms_its_consumer_once_before_its_first_poll_and_a_plain_handler_is_left_alone():
    """courtlib's consume_events carries ``warm``: the stack, one long-lived process, builds the consumer before the
    first event instead of delaying that event behind the imports; a handler without it is not touched."""
    warmed: list[str] = []

    def consume(event: Any) -> None:
        return None

    consume.warm = lambda: warmed.append("consumidor")  # type: ignore[attr-defined]
    poller, _ = sqs_poller(consume)
    poller.target.warm()
    assert warmed == ["consumidor"]
    plain, _ = sqs_poller(lambda event: None)
    plain.target.warm()  # nothing to warm: no error
