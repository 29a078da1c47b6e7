"""A failed record comes back after a short backoff, not after its queue's whole visibility
(courtlib.messaging.redelivery), with the order of its FIFO message group kept."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from courtlib.messaging.consumer import EventConsumer
from courtlib.messaging.redelivery import FIRST_DELAY_S, Redelivery, delay_for, retry_schedule
from courtlib.settings import ServiceSettings

QUEUE_URL = "https://sqs.sa-east-1.amazonaws.com/123456789012/tribunal-prod-plantao-eventos.fifo"


class FakeSqs:
    def __init__(self, visibility: int = 5400, refuse: bool = False) -> None:
        self.visibility, self.refuse = visibility, refuse
        self.changes: list[dict[str, Any]] = []
        self.attribute_reads = 0

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:
        self.attribute_reads += 1
        return {"Attributes": {"VisibilityTimeout": str(self.visibility)}}

    def change_message_visibility_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        if self.refuse:
            raise ConnectionError("SQS fora do ar")
        assert QueueUrl == QUEUE_URL
        self.changes += Entries
        return {"Successful": [{"Id": e["Id"]} for e in Entries], "Failed": []}


def settings() -> ServiceSettings:
    return ServiceSettings(service="plantao", table_name="t", queue_url=QUEUE_URL, pagination_secret="x" * 32)


def record(body: str, group: str, receives: int = 1) -> dict[str, Any]:
    return {"messageId": str(uuid.uuid4()), "receiptHandle": f"rh-{uuid.uuid4()}", "body": body,
            "attributes": {"ApproximateReceiveCount": str(receives), "MessageGroupId": group,
                           "SequenceNumber": "1", "MessageDeduplicationId": str(uuid.uuid4())},
            "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:sa-east-1:123456789012:tribunal-prod-plantao-eventos.fifo",
            "awsRegion": "sa-east-1"}


def test_the_first_retry_comes_after_30_s_then_each_waits_four_times_longer_capped_by_the_queue():
    assert [delay_for(n, 5400) for n in (1, 2, 3, 4, 5)] == [30, 120, 480, 1920, 5400]
    assert delay_for(1, 5) == 5  # the local stack's few seconds: nothing changes there
    assert delay_for(0, 5400) == FIRST_DELAY_S  # a missing count counts as the first receive
    # With the template's maxReceiveCount of 5: four waits, ≈42 min, before the DLQ.
    assert retry_schedule(5, 5400) == [30, 120, 480, 1920] and sum(retry_schedule(5, 5400)) == 2550


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=43_200))
def test_a_retry_never_waits_longer_than_the_queues_own_visibility_nor_less_than_the_previous(receives, visibility):
    assert 0 <= delay_for(receives, visibility) <= visibility
    assert delay_for(receives, visibility) >= delay_for(receives - 1, visibility) if receives > 1 else True


def test_failed_records_get_their_own_delay_and_the_queue_is_read_once():
    sqs = FakeSqs()
    redelivery = Redelivery(settings(), sqs)
    first, third = record("a", "g1", receives=1), record("b", "g2", receives=3)
    assert redelivery.soon([first, third]) == 2
    assert redelivery.soon([record("c", "g3")]) == 1
    assert [(c["ReceiptHandle"], c["VisibilityTimeout"]) for c in sqs.changes[:2]] == [
        (first["receiptHandle"], 30), (third["receiptHandle"], 480)]
    assert sqs.attribute_reads == 1


def test_an_sqs_failure_is_swallowed_the_message_then_returns_after_the_queues_visibility():
    assert Redelivery(settings(), FakeSqs(refuse=True)).soon([record("a", "g")]) == 0


def test_the_consumer_reschedules_the_failed_record_and_the_rest_of_its_group_and_only_them():
    """FIFO (skip_group_on_error): g1's failure also holds g1's later record; g2 is applied and deleted as usual. A
    batch whose every record failed is rescheduled too (not raised)."""
    sqs = FakeSqs()
    consumer = EventConsumer(settings(), {}, redelivery=Redelivery(settings(), sqs))
    applied: list[str] = []

    def apply(record: Any) -> None:  # Powertools calls it as record=…
        if record.body != "ok":
            raise RuntimeError("SES recusou")
        applied.append(record.attributes.message_group_id)

    consumer._record = apply  # type: ignore[method-assign]
    bad, later_same_group, other = record("falha", "g1"), record("ok", "g1"), record("ok", "g2")
    answer = consumer.handle_sqs({"Records": [bad, later_same_group, other]})
    assert [f["itemIdentifier"] for f in answer["batchItemFailures"]] == [bad["messageId"],
                                                                          later_same_group["messageId"]]
    assert {c["ReceiptHandle"] for c in sqs.changes} == {bad["receiptHandle"], later_same_group["receiptHandle"]}
    assert applied == ["g2"]

    alone = record("falha", "g3", receives=2)
    answer = consumer.handle_sqs({"Records": [alone]})
    assert answer == {"batchItemFailures": [{"itemIdentifier": alone["messageId"]}]}
    assert sqs.changes[-1] == {"Id": "0", "ReceiptHandle": alone["receiptHandle"], "VisibilityTimeout": 120}


def test_nothing_is_changed_when_every_record_succeeds():
    sqs = FakeSqs()
    consumer = EventConsumer(settings(), {}, redelivery=Redelivery(settings(), sqs))
    consumer._record = lambda record: None  # type: ignore[method-assign]
    assert consumer.handle_sqs({"Records": [record("ok", "g")]}) == {"batchItemFailures": []}
    assert sqs.changes == [] and sqs.attribute_reads == 0


def test_warming_a_consumer_builds_its_handlers_once_without_an_event():
    built: list[int] = []
    consumer = EventConsumer(settings(), lambda: built.append(1) or {}, persistence=_NoPersistence(),
                             redelivery=Redelivery(settings(), FakeSqs()))
    consumer.warm()
    consumer.warm()
    assert built == [1]


class _NoPersistence:
    """Stands for Powertools' persistence layer: with no exclusive handler, warming does not even wrap with it."""

    def configure(self, *args: Any, **kwargs: Any) -> None:
        return None
