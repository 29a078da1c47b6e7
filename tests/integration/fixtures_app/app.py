"""A tiny Chalice app for the local stack's own tests: one handler of each kind the runner delivers.

It reads its queue and stream from the environment on import (as the services do) and records
what it receives in ``RECEIVED`` so the tests can look.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from typing import Any

from chalice import Chalice, CognitoUserPoolAuthorizer, Response

app = Chalice(app_name="devstack-fixture")
LOCK = threading.Lock()
RECEIVED: dict[str, list[Any]] = defaultdict(list)
STREAM_FAILURES_LEFT: dict[str, int] = {}
ITEMS: set[str] = set()

cognito = CognitoUserPoolAuthorizer("usuarios", provider_arns=[os.environ["USER_POOL_ARN"]])


def _record(kind: str, value: Any) -> None:
    with LOCK:
        RECEIVED[kind].append(value)


@app.on_sqs_message(queue=os.environ["TESTE_QUEUE_NAME"], batch_size=10)
def consume_events(event: Any) -> dict[str, Any]:
    raw = event.to_dict()
    _record("sqs_batches", raw)
    failures = [{"itemIdentifier": r["messageId"]} for r in raw["Records"] if r["body"].startswith("falhar")]
    return {"batchItemFailures": failures}


@app.on_dynamodb_record(stream_arn=os.environ["TESTE_STREAM_ARN"], batch_size=100)
def relay_outbox(event: Any) -> dict[str, Any]:
    raw = event.to_dict()
    _record("stream_batches", raw)
    failures = []
    for record in raw["Records"]:
        pk = record["dynamodb"]["Keys"]["pk"]["S"]
        if pk.startswith("retentar"):
            left = STREAM_FAILURES_LEFT.setdefault(pk, 2)
            if left > 0:
                STREAM_FAILURES_LEFT[pk] = left - 1
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
    return {"batchItemFailures": failures}


@app.schedule("rate(1 day)")
def sweep_outbox(event: Any) -> dict[str, Any]:
    _record("scheduled", event.to_dict())
    return {"publicados": 0}


@app.route("/protegido", authorizer=cognito)
def protected() -> dict[str, Any]:
    claims = app.current_request.context["authorizer"]["claims"]
    return {"usuario": claims["cognito:username"], "grupos": claims.get("cognito:groups", [])}


@app.route("/publico")
def public() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/itens", methods=["POST"], authorizer=cognito)
def create_item() -> Response:
    request = app.current_request
    body = request.json_body
    _record("seed", {"id": body["id"], "key": request.headers.get("idempotency-key"),
                     "usuario": request.context["authorizer"]["claims"]["cognito:username"]})
    if body["id"] in ITEMS:
        return Response(status_code=409, body={"code": "JA_EXISTE"})
    ITEMS.add(body["id"])
    return Response(status_code=201, body=body)
