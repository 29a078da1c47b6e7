"""Idempotency-Key with the real Powertools DynamoDB layer, in a table of the conventions' shape (moto)."""

from __future__ import annotations

import json
import time

import boto3
import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer
from chalice.test import Client
from pydantic import BaseModel

from courtlib.http import ProblemError, RequestContext, RouteSet, http_idempotency_layer
from courtlib.http.dispatch import build_blueprint
from courtlib.http.testing import bearer

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")

class DiaIn(BaseModel):
    data: str


@pytest.fixture
def harness(scratch_table):
    settings = scratch_table
    calls: list[str] = []
    routes = RouteSet(service="plantao")

    @routes.route("/calendario/dias", methods=["POST"], roles={"admin"}, body=DiaIn, idempotent=True, status=201)
    def register_day(ctx: RequestContext, body: DiaIn) -> dict:
        calls.append(body.data)
        if body.data == "recusar":
            raise ProblemError(422, "CAL-01", "Data recusada.")
        return {"id": len(calls), "data": body.data}

    app = Chalice(app_name="plantao")
    app.register_blueprint(build_blueprint(routes,
        authorizer=CognitoUserPoolAuthorizer("usuarios", provider_arns=[settings.user_pool_arn]),
        idempotency_store=http_idempotency_layer(settings), settings=settings))
    client = Client(app).http

    def post(data: str, key: str = "k-1"):
        headers = {**bearer("ana", "admin"), "Content-Type": "application/json", "Idempotency-Key": key}
        return client.post("/calendario/dias", body=json.dumps({"data": data}).encode(), headers=headers)

    yield post, calls, boto3.client("dynamodb", region_name="sa-east-1"), settings.table_name


def test_replay_conflict_and_stored_record(harness):
    post, calls, dynamodb, harness_table = harness
    first = post("2026-12-08")
    replay = post("2026-12-08")
    assert first.status_code == replay.status_code == 201
    assert json.loads(replay.body) == json.loads(first.body) == {"id": 1, "data": "2026-12-08"}
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert calls == ["2026-12-08"]

    conflict = post("2026-12-09")
    assert conflict.status_code == 422
    assert json.loads(conflict.body)["code"] == "IDEMPOTENCIA"
    assert calls == ["2026-12-08"]

    items = dynamodb.query(TableName=harness_table, KeyConditionExpression="pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": "IDEMPOTENCIA#http"}})["Items"]
    assert len(items) == 1
    item = items[0]
    assert item["status"]["S"] == "COMPLETED"
    assert item["sk"]["S"].startswith("http#")
    expires_in = int(item["expiration"]["N"]) - time.time()
    assert 23 * 3600 < expires_in <= 24 * 3600
    assert json.loads(item["data"]["S"])["status"] == 201


def test_refused_request_leaves_no_record(harness):
    post, calls, dynamodb, harness_table = harness
    assert post("recusar", key="k-2").status_code == 422
    items = dynamodb.scan(TableName=harness_table)["Items"]
    assert items == []


def test_another_key_runs_again(harness):
    post, calls, _, _ = harness
    post("2026-12-08", key="a")
    post("2026-12-08", key="b")
    assert len(calls) == 2


def test_the_first_requests_arriving_together_are_each_run_once(harness):
    """A threaded server (the local stack) gives the layer's first requests to several threads at once: each is run
    once and answered, none fails on a half-configured layer (it was a 500: Powertools configured the layer on its
    first use, marking it configured before it compiled the key's path)."""
    import threading

    post, calls, _, _ = harness
    start = threading.Barrier(8)
    answers: list[int] = []

    def first(n: int) -> None:
        start.wait()
        answers.append(post(f"2027-10-{n + 10}", key=f"primeira-{n}").status_code)

    threads = [threading.Thread(target=first, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201] * 8 and len(calls) == 8


def test_the_layer_is_configured_before_any_request(scratch_table):
    layer = http_idempotency_layer(scratch_table)
    assert layer.configured and layer.event_key_jmespath == "chave" and layer.payload_validation_enabled
