"""The local stack's SQS keeps a FIFO deduplication id 5 minutes after the send, consumed or not (as AWS does)."""

from __future__ import annotations

import uuid

import boto3
import pytest

from devstack import moto_sqs_dedup

pytestmark = pytest.mark.usefixtures("aws_stack")


@pytest.fixture
def fifo_queue():
    sqs = boto3.client("sqs", region_name="sa-east-1")
    url = sqs.create_queue(QueueName=f"dedup-{uuid.uuid4().hex[:8]}.fifo", Attributes={
        "FifoQueue": "true", "VisibilityTimeout": "0"})["QueueUrl"]
    yield sqs, url
    sqs.delete_queue(QueueUrl=url)


def _send_consume_send(sqs, url: str) -> int:
    """Sends an event, consumes it, sends it again with the same id; how many copies were delivered."""
    delivered = 0
    for _ in range(2):
        sqs.send_message(QueueUrl=url, MessageBody="{}", MessageGroupId="g", MessageDeduplicationId="evento-1")
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            delivered += 1
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return delivered


def test_a_second_send_after_the_first_was_consumed_is_dropped(fifo_queue):
    assert moto_sqs_dedup.apply()
    try:
        assert _send_consume_send(*fifo_queue) == 1
    finally:
        moto_sqs_dedup.remove()


def test_without_the_patch_moto_delivers_it_again(fifo_queue):
    """Why the patch exists (if moto ever fixes this, the patch can go)."""
    assert _send_consume_send(*fifo_queue) == 2
