"""A requested run's event delivered again after its run ended changes nothing, even when the run was refused and
the refusal's cause is gone since: the consumer reads the event's inbox marker before a handler that commits its
own transactions (``courtlib.messaging.consumer.commits_itself``), so a late copy (the relay's sweeper, past SQS
FIFO's 5-minute deduplication) does not run a stale request."""

from __future__ import annotations

import json
import sys
from datetime import date

from courtlib.messaging import consumer as consumer_module
from tests.integration import test_plantao_http as plantao_http
from tests.integration.lambda_events import sqs_event

ses, world = plantao_http.ses, plantao_http.world  # the fixtures, shared with test_plantao_http
PRESIDENCY, MANAGER = plantao_http.PRESIDENCY, plantao_http.MANAGER


def _redeliver(envelope: dict) -> dict:
    module = sys.modules["plantao_app"]
    return module.app.handler_map["consume_events"](
        sqs_event([json.dumps(envelope)], module.deps.settings.queue_url), None)


def test_plan_01_a_refused_generation_delivered_again_after_its_cause_is_gone_is_not_run(world, monkeypatch):
    asked = world.request_generation("2027-02", "noturno")  # no night judges for the quadrimester: refused
    refused = world.get(asked.headers["Location"], PRESIDENCY).json_body
    assert refused["situacao"] == "falhou" and refused["resumo"]["codigo"] == "PLAN-01", refused
    world.clock.set(date(2026, 9, 10))  # the cause removed: September's edital, then the designation
    for judge in ("jz.alves", "jz.barros", "jz.campos", "jz.duarte"):
        assert world.post("/noturno/2027/1/candidaturas", {"magistrado": judge}, MANAGER).status_code == 201
    assert world.put("/noturno/2027/1", {"juizes": ["jz.alves", "jz.barros", "jz.campos", "jz.duarte"]},
                     PRESIDENCY).status_code == 200
    world.clock.set(date(2027, 1, 20))
    repeated: list[str] = []
    monkeypatch.setattr(consumer_module, "count", lambda name, value=1: repeated.append(name))

    [envelope] = world.events("geracao-solicitada.v1")
    assert _redeliver(envelope) == {"batchItemFailures": []}
    assert world.get(asked.headers["Location"], PRESIDENCY).json_body == refused  # still the refusal, untouched
    assert world.get("/escalas/2027-02-noturno", PRESIDENCY).status_code == 404  # no draft from a stale request
    assert repeated == ["EventosRepetidos"]
