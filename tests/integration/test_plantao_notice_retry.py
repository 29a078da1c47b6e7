"""PLAN-04 under a fault: SES refuses one notice of a portaria once, then accepts. On a queue with production's
90-minute visibility (6 × plantão's 900 s consumer), the event comes back within seconds, not 90 minutes
(courtlib.messaging.redelivery), and every designated magistrate gets exactly one notice.

The real consumer (``EventConsumer`` with plantão's handlers) reads a FIFO queue of moto's with the template's
visibility; the first retry's delay is shortened from 30 s to 1 s so the test does not sleep.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter

import boto3
import pytest
from botocore.exceptions import ClientError
from chalicelib.plantao.consumers import event_handlers

from courtlib.messaging import redelivery
from courtlib.messaging.consumer import EventConsumer
from devstack.events import sqs_event
from tests.integration import test_plantao_http as plantao_http

ses, world = plantao_http.ses, plantao_http.world  # the fixtures, shared with test_plantao_http

PRODUCTION_VISIBILITY_S = 5400


@pytest.fixture
def job_queue():
    sqs = boto3.client("sqs", region_name="sa-east-1")
    name = f"avisos-{uuid.uuid4().hex[:8]}.fifo"
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "false",
                                                       "VisibilityTimeout": str(PRODUCTION_VISIBILITY_S)})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    yield sqs, url, arn
    sqs.delete_queue(QueueUrl=url)


def _receive(sqs, url: str, wait: int) -> list[dict]:
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait, AttributeNames=["All"],
                               MessageAttributeNames=["All"]).get("Messages", [])


def test_plan_04_a_notice_ses_refused_once_is_sent_exactly_once_soon_not_after_the_queues_visibility(
        world, job_queue, monkeypatch):
    sqs, url, arn = job_queue
    monkeypatch.setattr(redelivery, "FIRST_DELAY_S", 1)
    world.generate("2027-02", "estadual")
    approved = world.approve("2027-02-estadual", deliver=False)
    designated = sorted({p["magistrado"] for p in approved["plantoes"]})
    [envelope] = world.events("portaria-emitida.v1")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(envelope), MessageDeduplicationId=envelope["id"],
                     MessageGroupId=envelope.get("subject") or "portaria")

    service = world.deps.service
    real_send, refused = service.notifier.send_one, designated[0]
    attempts: Counter[str] = Counter()

    def ses_refusing_once(address: str, name: str, body: str, subject: str) -> None:
        attempts[address] += 1
        if address.startswith(refused) and attempts[address] == 1:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}},
                              "SendEmail")
        real_send(address, name, body, subject)

    monkeypatch.setattr(service.notifier, "send_one", ses_refusing_once)
    settings = world.deps.settings.model_copy(update={"queue_url": url})
    consumer = EventConsumer(settings, lambda: event_handlers(world.deps))
    before = len(plantao_http.sent_messages())

    [first] = _receive(sqs, url, wait=1)
    answer = consumer.handle_sqs(sqs_event([first], arn, "sa-east-1"))
    assert answer == {"batchItemFailures": [{"itemIdentifier": first["MessageId"]}]}
    assert len(plantao_http.sent_messages()) == before + len(designated) - 1  # the others went, each recorded

    [again] = _receive(sqs, url, wait=5)  # back within seconds; the queue alone would hold it for 90 minutes
    assert again["MessageId"] == first["MessageId"] and again["Attributes"]["ApproximateReceiveCount"] == "2"
    assert consumer.handle_sqs(sqs_event([again], arn, "sa-east-1")) == {"batchItemFailures": []}
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])

    sent = plantao_http.sent_messages()[before:]
    assert Counter(m.destinations["ToAddresses"][0] for m in sent) == Counter(
        f"{m}@exemplo.jus.br" for m in designated)  # each designated magistrate exactly once
    assert attempts[f"{refused}@exemplo.jus.br"] == 2
    ready = world.get("/escalas/2027-02-estadual", plantao_http.PRESIDENCY).json_body["portarias"][0]
    assert ready["documento"] == "pronto"
