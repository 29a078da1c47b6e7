"""PLAN-04 under duplicate delivery: one portaria's event delivered twice AT THE SAME TIME sends each notice once.

plantão's portaria handler is declared ``exclusive_delivery`` (courtlib.messaging.consumer): Powertools' idempotency
record in plantão's table lets one delivery run it; the copy that arrives while it runs fails (the queue delivers it
again) instead of reading "notice not sent" too and sending it again. A later copy is answered from the record.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from chalicelib.plantao.consumers import event_handlers

from courtlib.messaging import consumer as consumer_module
from courtlib.messaging.consumer import EventConsumer
from tests.integration import test_plantao_http as plantao_http
from tests.integration.lambda_events import sqs_event

ses, world = plantao_http.ses, plantao_http.world  # the fixtures, shared with test_plantao_http

WAIT_S = 60  # a bound on waiting for the other thread, never a timing assertion


class RecordedRedelivery:
    """Stands for courtlib.messaging.redelivery: remembers the records the consumer gave back to the queue."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def soon(self, records: list[dict[str, Any]]) -> int:
        self.records += records
        return len(records)


def test_plan_04_a_portaria_event_delivered_twice_at_once_sends_each_notice_once(world, monkeypatch):
    world.generate("2027-02", "estadual")
    approved = world.approve("2027-02-estadual", deliver=False)
    designated = sorted({p["magistrado"] for p in approved["plantoes"]})
    [envelope] = world.events("portaria-emitida.v1")
    body = json.dumps(envelope)
    metrics: Counter[str] = Counter()
    monkeypatch.setattr(consumer_module, "count", lambda name, value=1: metrics.update({name: value}))

    service = world.deps.service
    real_send = service.notifier.send_one
    first_sending, second_done = threading.Event(), threading.Event()

    def ses_holding_the_first_notice(address: str, name: str, body: str, subject: str) -> None:
        if not first_sending.is_set():
            first_sending.set()
            assert second_done.wait(WAIT_S), "the second delivery never ended"
        real_send(address, name, body, subject)

    monkeypatch.setattr(service.notifier, "send_one", ses_holding_the_first_notice)
    redelivery = RecordedRedelivery()
    consumer = EventConsumer(world.deps.settings, lambda: event_handlers(world.deps), redelivery=redelivery)
    before = len(plantao_http.sent_messages())

    answers: dict[str, dict] = {}
    first = threading.Thread(target=lambda: answers.update(first=consumer.handle_sqs(
        sqs_event([body], "https://fila-plantao"))))
    first.start()
    try:
        assert first_sending.wait(WAIT_S), "the first delivery never reached SES"
        second_event = sqs_event([body], "https://fila-plantao")  # the same event, another copy of the message
        answers["second"] = consumer.handle_sqs(second_event)
    finally:
        second_done.set()
        first.join(WAIT_S)
    assert answers["first"] == {"batchItemFailures": []}
    [failed] = answers["second"]["batchItemFailures"]  # in progress elsewhere: given back to the queue, nothing sent
    assert failed["itemIdentifier"] == second_event["Records"][0]["messageId"] == redelivery.records[0]["messageId"]

    sent = plantao_http.sent_messages()[before:]
    assert Counter(m.destinations["ToAddresses"][0] for m in sent) == Counter(
        f"{m}@exemplo.jus.br" for m in designated)  # each designated magistrate exactly once

    again = consumer.handle_sqs(sqs_event([body], "https://fila-plantao"))  # the queue's redelivery, later
    assert again == {"batchItemFailures": []}
    assert len(plantao_http.sent_messages()) == before + len(designated)  # nothing sent again
    assert metrics["EventosAplicados"] == 1 and metrics["EventosRepetidos"] == 1
    assert world.get("/escalas/2027-02-estadual", plantao_http.PRESIDENCY).json_body["portarias"][0][
        "documento"] == "pronto"
