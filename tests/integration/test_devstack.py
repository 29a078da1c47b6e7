"""The local stack runner (infra/devstack) against a tiny Chalice app of its own (tests/integration/fixtures_app).

One LocalStack for the module, every port ephemeral: moto, the app over HTTP, the control endpoint.
The app's queue has a 1 s visibility timeout and a DLQ after 2 receives, so retries are quick.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest

from devstack.apps import load_app_file
from devstack.demo import USERS, SeedError, SeedStep, seed
from devstack.stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixtures_app"
STAGE = "devstackteste"
TEST_USERS = tuple(u for u in USERS if set(u.groups) <= {"admin", "servidor"})


def _fixture_app() -> Any:
    return load_app_file(FIXTURE / "app.py", "devstack_fixture_app")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    local = LocalStack(apps={"teste": _fixture_app}, ports={"teste": 0}, moto_port=0, control_port=0,
                       template=FIXTURE / "template.yaml", identity=FIXTURE / "identity.yaml",
                       parameters={"Stage": STAGE, "QueueVisibilityTimeout": "1", "MaxReceiveCount": "2"},
                       users=TEST_USERS, seed=False)
    with local:
        yield local
    for url in (local.endpoint, *local.urls.values(), local.control_url):  # stop() closed every port
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(url, timeout=2)


@pytest.fixture(scope="module")
def received(stack: LocalStack) -> dict[str, list[Any]]:
    return sys.modules["devstack_fixture_app"].RECEIVED


@pytest.fixture(scope="module")
def aws(stack: LocalStack) -> Callable[[str], Any]:
    def client(name: str) -> Any:
        return boto3.client(name, endpoint_url=stack.endpoint, region_name="sa-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")
    return client


def _eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s")


def _http(method: str, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(url, method=method, headers=headers or {}, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def _sqs_records(received: dict[str, list[Any]]) -> list[dict[str, Any]]:
    return [record for batch in list(received["sqs_batches"]) for record in batch["Records"]]


def test_a_message_sent_to_the_queue_reaches_the_handler_as_a_lambda_sqs_record(stack, received, aws):
    body = f"ok-{uuid.uuid4()}"
    sent = aws("sqs").send_message(QueueUrl=stack.outputs["TesteQueueUrl"], MessageBody=body, MessageGroupId="g1",
                                   MessageDeduplicationId=str(uuid.uuid4()),
                                   MessageAttributes={"type": {"DataType": "String", "StringValue": "teste.v1"}})
    record = _eventually(lambda: next((r for r in _sqs_records(received) if r["body"] == body), None))
    assert record["messageId"] == sent["MessageId"]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == stack.outputs["TesteQueueArn"]
    assert record["awsRegion"] == "sa-east-1"
    assert record["attributes"]["MessageGroupId"] == "g1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SequenceNumber", "MessageDeduplicationId", "SentTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["type"]["stringValue"] == "teste.v1"
    assert record["messageAttributes"]["type"]["dataType"] == "String"
    assert stack.wait_for_idle(10)


def test_a_partial_batch_failure_deletes_the_rest_and_the_failed_message_ends_in_the_dlq(stack, received, aws):
    sqs = aws("sqs")
    good, bad = f"ok-{uuid.uuid4()}", f"falhar-{uuid.uuid4()}"
    sqs.send_message_batch(QueueUrl=stack.outputs["TesteQueueUrl"], Entries=[
        {"Id": "1", "MessageBody": good, "MessageGroupId": "a", "MessageDeduplicationId": str(uuid.uuid4())},
        {"Id": "2", "MessageBody": bad, "MessageGroupId": "b", "MessageDeduplicationId": str(uuid.uuid4())},
    ])

    def dead_letters() -> list[dict[str, Any]]:
        return sqs.receive_message(QueueUrl=stack.outputs["TesteDlqUrl"], MaxNumberOfMessages=10,
                                   VisibilityTimeout=0).get("Messages", [])

    in_dlq = _eventually(dead_letters, timeout=20)
    assert [m["Body"] for m in in_dlq] == [bad]
    deliveries = [r for r in _sqs_records(received) if r["body"] in (good, bad)]
    assert [r["body"] for r in deliveries].count(good) == 1, "the succeeded message was deleted after one delivery"
    assert [r["body"] for r in deliveries].count(bad) == 2, "the failed one came back until maxReceiveCount (2)"
    assert [r["attributes"]["ApproximateReceiveCount"] for r in deliveries if r["body"] == bad] == ["1", "2"]
    assert stack.wait_for_idle(10)
    attrs = sqs.get_queue_attributes(QueueUrl=stack.outputs["TesteQueueUrl"], AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_a_stream_insert_reaches_the_stream_handler_as_a_lambda_dynamodb_record(stack, received, aws):
    key = f"item-{uuid.uuid4()}"
    aws("dynamodb").put_item(TableName=stack.outputs["TesteTableName"],
                             Item={"pk": {"S": key}, "sk": {"S": "A"}, "valor": {"N": "7"}})

    def delivered() -> Any:
        return next((r for b in list(received["stream_batches"]) for r in b["Records"]
                     if r["dynamodb"]["Keys"]["pk"]["S"] == key), None)

    record = _eventually(delivered)
    assert record["eventName"] == "INSERT"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == stack.outputs["TesteStreamArn"]
    assert record["awsRegion"] == "sa-east-1"
    assert record["dynamodb"]["NewImage"]["valor"] == {"N": "7"}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    assert stack.wait_for_idle(10)


def test_a_stream_batch_item_failure_is_retried_from_that_record_only(stack, received, aws):
    dynamodb = aws("dynamodb")
    first, failing = f"antes-{uuid.uuid4()}", f"retentar-{uuid.uuid4()}"
    for key in (first, failing):
        dynamodb.put_item(TableName=stack.outputs["TesteTableName"], Item={"pk": {"S": key}, "sk": {"S": "A"}})

    def deliveries(key: str) -> int:
        return sum(1 for b in list(received["stream_batches"]) for r in b["Records"]
                   if r["dynamodb"]["Keys"]["pk"]["S"] == key)

    _eventually(lambda: deliveries(failing) == 3)  # failed twice, then succeeded
    assert stack.wait_for_idle(10)
    assert deliveries(failing) == 3
    assert deliveries(first) == 1


def test_a_schedule_fires_on_demand_through_the_control_endpoint(stack, received):
    status, _, body = _http("POST", f"{stack.control_url}/agendamentos/teste/sweep_outbox")
    assert status == 200
    assert body["resultado"] == {"publicados": 0}
    event = received["scheduled"][-1]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    rule = f"arn:aws:events:sa-east-1:{event['account']}:rule/devstack-fixture-{STAGE}-sweep_outbox"
    assert event["resources"] == [rule]
    assert _http("POST", f"{stack.control_url}/agendamentos/teste/nao_existe")[0] == 404


def test_the_control_endpoint_lists_services_schedules_and_queues(stack):
    status, _, body = _http("GET", f"{stack.control_url}/")
    assert status == 200
    assert body["servicos"]["teste"]["url"] == stack.urls["teste"]
    assert [(s["servico"], s["handler"], s["expressao"]) for s in body["agendamentos"]] == [
        ("teste", "sweep_outbox", "rate(1 day)")]
    queue = body["filas"][0]
    assert queue["fila"] == f"devstack-{STAGE}-teste-eventos.fifo"
    assert queue["dlq"]["fila"] == f"devstack-{STAGE}-teste-eventos-dlq.fifo"
    assert {"visiveis", "em_processamento"} <= set(queue) and "visiveis" in queue["dlq"]


def test_fresh_tokens_are_served_by_the_control_endpoint(stack):
    status, _, tokens = _http("GET", f"{stack.control_url}/tokens")
    assert status == 200 and set(tokens) == {u.username for u in TEST_USERS}
    assert stack.verifier.verify(tokens["servidor.ana"])["cognito:groups"] == ["servidor"]


def test_seeding_runs_as_admin_with_an_idempotency_key_and_tolerates_409(stack, received):
    steps = [SeedStep("teste", "POST", "/itens", {"id": "a"}), SeedStep("teste", "POST", "/itens", {"id": "b"}),
             SeedStep("ausente", "POST", "/itens", {"id": "c"})]
    assert seed(stack.urls, stack.tokens, steps) == 2
    assert seed(stack.urls, stack.tokens, steps) == 2, "a second run meets 409s and goes on"
    calls = received["seed"]
    assert [c["id"] for c in calls] == ["a", "b", "a", "b"]
    assert {c["usuario"] for c in calls} == {"admin.ti"}
    assert calls[0]["key"] == calls[2]["key"] != calls[1]["key"], "one key per step, stable across runs"
    with pytest.raises(SeedError, match="401"):
        seed(stack.urls, {"admin.ti": "forjado"}, steps[:1])


def _forged(stack: LocalStack, **changes: Any) -> str:
    claims = jwt.decode(stack.tokens["admin.ti"], options={"verify_signature": False})
    return {**claims, **changes}


def _moto_key() -> Any:
    """The key moto signs Cognito tokens with (it ships in moto): a token that only fails on one claim."""
    from moto.utilities.utils import load_resource

    jwk = load_resource("cognitoidp/resources/jwks-private.json")
    return jwt.PyJWK(jwk["keys"][0] if "keys" in jwk else jwk, algorithm="RS256").key


def test_forged_unsigned_or_expired_tokens_get_401_and_a_demo_token_passes(stack):
    from cryptography.hazmat.primitives.asymmetric import rsa

    url = f"{stack.urls['teste']}/protegido"
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    rejected = {
        "no token": None,
        "garbage": "not-a-jwt",
        "other key": jwt.encode(_forged(stack, **{"cognito:groups": ["admin"]}), other_key, algorithm="RS256",
                                headers={"kid": "dummy"}),
        "alg none": jwt.encode(_forged(stack), None, algorithm="none", headers={"kid": "dummy"}),
        "expired": jwt.encode(_forged(stack, iat=now - 7200, exp=now - 3600), _moto_key(), algorithm="RS256",
                              headers={"kid": "dummy"}),
        "other audience": jwt.encode(_forged(stack, aud="outro-cliente"), _moto_key(), algorithm="RS256",
                                     headers={"kid": "dummy"}),
        "access token": jwt.encode(_forged(stack, token_use="access"), _moto_key(), algorithm="RS256",
                                   headers={"kid": "dummy"}),
    }
    for case, token in rejected.items():
        status, headers, body = _http("GET", url, {"Authorization": f"Bearer {token}"} if token else {})
        assert status == 401, case
        assert headers["Content-Type"] == "application/problem+json", case
        assert body["code"] == "NAO_AUTENTICADO" and body["status"] == 401, case
        assert body["instance"] == "/protegido", case

    # the stack's own token, only past its exp: the session expired, and the answer says so
    genuine = jwt.encode(_forged(stack, iat=now - 7200, exp=now - 3600), stack.signer._key, algorithm="RS256",
                         headers={"kid": stack.signer.kid})
    status, _, body = _http("GET", url, {"Authorization": f"Bearer {genuine}"})
    assert (status, body["code"], body["detail"]) == (401, "TOKEN_EXPIRADO", "Sessão expirada: entre novamente.")

    for header in (stack.tokens["admin.ti"], f"Bearer {stack.tokens['admin.ti']}"):
        status, _, body = _http("GET", url, {"Authorization": header})
        assert status == 200
        assert body == {"usuario": "admin.ti", "grupos": ["admin"]}
    assert _http("GET", f"{stack.urls['teste']}/publico")[0] == 200


def test_slow_requests_do_not_block_others(stack):
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(_http("GET", f"{stack.urls['teste']}/publico")[0]))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == [200] * 8


def test_the_real_infra_templates_deploy_and_every_demo_user_gets_a_verified_token():
    """infra/template.yaml and identity.yaml as `make run` uses them (a subprocess: its own moto)."""
    if not (ROOT / "infra" / "template.yaml").exists() or not (ROOT / "infra" / "identity.yaml").exists():
        pytest.skip("infra templates not written yet")
    script = """
import json, os, threading
from devstack.stack import LocalStack
from devstack.demo import USERS, SeedError, SeedStep, seed
before = dict(os.environ)
stack = LocalStack(apps={}, moto_port=0, control_port=0, seed=False)
with stack:
    claims = {u: stack.verifier.verify(t) for u, t in stack.tokens.items()}
    env = {k: os.environ[k] for k in ("PLANTAO_TABLE_NAME", "USER_POOL_ARN", "AWS_ENDPOINT_URL", "STAGE")}
    result = {"outputs": sorted(stack.outputs), "groups": {u: c.get("cognito:groups") for u, c in claims.items()},
              "env": env, "seconds": stack.startup_seconds}
result["threads_left"] = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
result["env_restored"] = dict(os.environ) == before
print(json.dumps(result))
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "infra"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    required = {f"{svc}{kind}" for svc in ("Cooperacao", "Plantao", "Distribuicao", "Pagamentos")
                for kind in ("TableName", "StreamArn", "QueueUrl", "QueueName", "QueueArn", "DlqUrl", "DlqArn")}
    assert required | {"DocumentsBucket", "UserPoolId", "UserPoolArn", "UserPoolClientId"} <= set(result["outputs"])
    assert result["groups"] == {u.username: list(u.groups) for u in USERS}
    assert result["env"]["PLANTAO_TABLE_NAME"] == "tribunal-local-plantao"
    assert result["env"]["STAGE"] == "local"
    assert result["threads_left"] == [] and result["env_restored"]
