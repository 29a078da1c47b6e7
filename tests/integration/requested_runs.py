"""The queue's part of a monthly job requested by hand (``POST /fechamentos``, ``POST /execucoes``: 202), in
process: the request's event is taken from the service's outbox and delivered to its own consumer, as the relay
and the queue do on the stack; a close fans out, so the parts' events its consumer left are delivered next."""

from __future__ import annotations

import json
import sys
from typing import Any

from courtlib.messaging.contracts import (
    MonthlyClosePartRequested,
    MonthlyCloseRequested,
    PaymentRunRequested,
    event_type_of,
)
from courtlib.messaging.outbox import PENDING, OutboxItem
from courtlib.persistence import bind
from tests.integration.lambda_events import sqs_event

REQUESTED = {"cooperacao": event_type_of(MonthlyCloseRequested), "pagamentos": event_type_of(PaymentRunRequested)}
PARTS = {"cooperacao": event_type_of(MonthlyClosePartRequested)}


def _pending(service: str, kind: str, status: dict[str, Any]) -> list[str]:
    """The pending outbox items of ``kind`` for ``status``'s run, as JSON in part order. The session's outbox keeps
    every test's pending events (no relay runs in process), so only that type is read back from the index (a
    filter) and only its envelopes are parsed: reading and validating them all grew with the session."""
    settings = sys.modules[f"{service}_app"].deps.settings
    model = bind(OutboxItem, settings)
    found = []
    for item in model.by_gsi1.query(PENDING, filter_condition=model.event_type == kind):
        data = json.loads(item.envelope)["data"]
        if (data["competencia"], data["execucao"]) == (status["competencia"], status["execucao"]):
            found.append((data.get("parte", 0), item.to_envelope().model_dump_json()))
    return [body for _, body in sorted(found)]


def requested_event(service: str, status: dict[str, Any]) -> str:
    """The JSON of the event the request answered by ``status`` (a 202's body) left in the outbox."""
    for body in _pending(service, REQUESTED[service], status):
        return body
    raise AssertionError(f"nenhum evento pendente para {status}")


def part_events(service: str, status: dict[str, Any]) -> list[str]:
    """The JSON of the parts' events (in part order) the run of ``status`` left in the outbox."""
    return _pending(service, PARTS[service], status) if service in PARTS else []


def deliver(service: str, body: str) -> None:
    module = sys.modules[f"{service}_app"]
    answer = module.app.handler_map["consume_events"](sqs_event([body], module.deps.settings.queue_url), None)
    assert answer == {"batchItemFailures": []}, answer


def run_requested(service: str, status: dict[str, Any], times: int = 1, parts: bool = True) -> None:
    """Delivers the request's event to the service's consumer ``times`` times (a redelivery is the second), then
    (``parts``) each part's event it fanned out into, ``times`` times too."""
    body = requested_event(service, status)
    for _ in range(times):
        deliver(service, body)
    for part in part_events(service, status) if parts else ():
        for _ in range(times):
            deliver(service, part)
