"""The queue's part of a monthly job requested by hand (``POST /fechamentos``, ``POST /execucoes``: 202), in
process: the request's event is taken from the service's outbox and delivered to its own consumer, as the relay
and the queue do on the stack."""

from __future__ import annotations

import sys
from typing import Any

from courtlib.messaging.contracts import MonthlyCloseRequested, PaymentRunRequested, event_type_of
from courtlib.messaging.outbox import PENDING, OutboxItem
from courtlib.persistence import bind
from tests.integration.lambda_events import sqs_event

REQUESTED = {"cooperacao": event_type_of(MonthlyCloseRequested), "pagamentos": event_type_of(PaymentRunRequested)}


def requested_event(service: str, status: dict[str, Any]) -> str:
    """The JSON of the event the request answered by ``status`` (a 202's body) left in the outbox."""
    settings = sys.modules[f"{service}_app"].deps.settings
    for item in bind(OutboxItem, settings).by_gsi1.query(PENDING):
        envelope = item.to_envelope()
        if envelope.type == REQUESTED[service] and (envelope.data["competencia"], envelope.data["execucao"]) == (
                status["competencia"], status["execucao"]):
            return envelope.model_dump_json()
    raise AssertionError(f"nenhum evento pendente para {status}")


def run_requested(service: str, status: dict[str, Any], times: int = 1) -> None:
    """Delivers the request's event to the service's consumer ``times`` times (a redelivery is the second)."""
    module = sys.modules[f"{service}_app"]
    body = requested_event(service, status)
    for _ in range(times):
        answer = module.app.handler_map["consume_events"](sqs_event([body], module.deps.settings.queue_url), None)
        assert answer == {"batchItemFailures": []}, answer
