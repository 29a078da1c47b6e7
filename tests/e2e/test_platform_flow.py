"""The platform end to end, over HTTP on the local stack, as a web frontend and an operator would use it."""

from __future__ import annotations

import json
import time
import uuid

import boto3
import pytest
import requests

pytestmark = pytest.mark.e2e
TIMEOUT = 20


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack['tokens'][user]}"}


def _aws(stack, service_name: str):
    return boto3.client(service_name, endpoint_url=stack["endpoint"], region_name="sa-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _eventually(check, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


@pytest.mark.parametrize("service", ["cooperacao", "plantao", "distribuicao", "pagamentos"])
def test_every_service_answers_health_and_openapi(stack, service):
    health = requests.get(f"{stack['urls'][service]}/health", timeout=TIMEOUT)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "servico": service, "verificacoes": {"tabela": "ok", "fila": "ok"}}
    assert health.headers["X-Correlation-Id"]
    document = requests.get(f"{stack['urls'][service]}/openapi.json", timeout=TIMEOUT).json()
    assert document["openapi"] == "3.1.0"


def test_forged_unsigned_and_missing_tokens_are_refused(stack):
    url = f"{stack['urls']['pagamentos']}/admin/dlq"
    header, payload, _ = stack["tokens"]["admin.ti"].split(".")
    unsigned = f"{header}.{payload}."
    forged = f"{header}.{payload}.{'A' * 342}"
    for headers in ({}, {"Authorization": f"Bearer {unsigned}"}, {"Authorization": f"Bearer {forged}"}):
        response = requests.get(url, headers=headers, timeout=TIMEOUT)
        assert response.status_code == 401, headers
        assert response.headers["Content-Type"].startswith("application/problem+json")
    assert requests.get(url, headers=_auth(stack, "servidor.ana"), timeout=TIMEOUT).status_code == 403
    assert requests.get(url, headers=_auth(stack, "admin.ti"), timeout=TIMEOUT).status_code == 200


def test_cal_01_a_day_registered_on_plantao_is_applied_once_by_every_consumer(stack):
    """HTTP on plantao-svc → outbox → stream → SQS → each consumer applies it once, even delivered twice."""
    day = "2027-10-15"
    headers = {**_auth(stack, "admin.ti"), "Idempotency-Key": f"e2e-{uuid.uuid4()}",
               "X-Correlation-Id": "e2e-calendario"}
    body = {"data": day, "tipo": "ponto_facultativo", "descricao": "Dia do Professor (ponto facultativo)",
            "decretado_em": "2027-09-01"}
    created = requests.post(f"{stack['urls']['plantao']}/calendario/dias", json=body, headers=headers, timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    replay = requests.post(f"{stack['urls']['plantao']}/calendario/dias", json=body, headers=headers, timeout=TIMEOUT)
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"

    def closed_everywhere() -> bool:
        return all(requests.get(f"{stack['urls'][s]}/calendario/situacao/{day}", timeout=TIMEOUT).json()["dia_util"]
                   is False for s in ("cooperacao", "distribuicao", "pagamentos"))

    assert _eventually(closed_everywhere), "the event did not reach every consumer"

    dynamodb = _aws(stack, "dynamodb")

    def outbox_relayed() -> bool:
        # the request sends its event at once (eager dispatch); the stream relay marks the outbox item after it,
        # so the consumers may apply the event before the item leaves the pending index
        pending = dynamodb.query(TableName=stack["outputs"]["PlantaoTableName"], IndexName="gsi1",
                                 KeyConditionExpression="gsi1pk = :p",
                                 ExpressionAttributeValues={":p": {"S": "OUTBOX#PENDENTE"}})
        return pending["Count"] == 0

    assert _eventually(outbox_relayed), "every outbox item was relayed"

    table = stack["outputs"]["PagamentosTableName"]
    key = {"pk": {"S": "CALENDARIO#2027"}, "sk": {"S": f"{day}#ponto_facultativo#*"}}
    first = dynamodb.get_item(TableName=table, Key=key)["Item"]
    envelope = _envelope_of(dynamodb, stack, first["event_id"]["S"])
    assert envelope["correlationid"] == "e2e-calendario"

    # SQS delivers at least once: the same event again, as a redelivery after the deduplication window.
    sqs = _aws(stack, "sqs")
    sqs.send_message(QueueUrl=stack["outputs"]["PagamentosQueueUrl"], MessageBody=json.dumps(envelope),
                     MessageGroupId="calendario-2027", MessageDeduplicationId=f"redelivery-{uuid.uuid4()}")
    assert _eventually(lambda: _queue_empty(sqs, stack["outputs"]["PagamentosQueueUrl"]))
    again = dynamodb.get_item(TableName=table, Key=key)["Item"]
    assert again["recorded_at"] == first["recorded_at"], "a redelivered event must not be applied again"
    inbox = dynamodb.get_item(TableName=table, Key={"pk": {"S": f"INBOX#{envelope['id']}"}, "sk": {"S": "APLICADO"}})
    assert "Item" in inbox


def test_a_poison_message_ends_in_the_dlq_and_can_be_redriven(stack):
    sqs = _aws(stack, "sqs")
    outputs = stack["outputs"]
    sqs.send_message(QueueUrl=outputs["CooperacaoQueueUrl"], MessageBody="isto não é um evento",
                     MessageGroupId=f"veneno-{uuid.uuid4()}", MessageDeduplicationId=str(uuid.uuid4()))
    admin = _auth(stack, "admin.ti")
    url = f"{stack['urls']['cooperacao']}/admin/dlq"

    def listed():
        body = requests.get(url, headers=admin, timeout=TIMEOUT).json()
        return [item for item in body["itens"] if item["corpo"] == "isto não é um evento"]

    dead = _eventually(listed, timeout=40)
    assert dead, "the poison message never reached the DLQ"
    assert dead[0]["tentativas"] >= 1
    moved = requests.post(f"{url}/reprocessar", json={"limite": 10}, headers=admin, timeout=TIMEOUT)
    assert moved.status_code == 200 and moved.json()["reprocessadas"] >= 1


def test_schedules_fire_on_demand_through_the_control_endpoint(stack):
    response = requests.post(f"{stack['control_url']}/agendamentos/plantao/sweep_outbox", timeout=TIMEOUT)
    assert response.status_code == 200
    assert "publicados" in json.dumps(response.json())


def _queue_empty(sqs, url: str) -> bool:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def _envelope_of(dynamodb, stack, event_id: str) -> dict:
    item = dynamodb.get_item(TableName=stack["outputs"]["PlantaoTableName"],
                             Key={"pk": {"S": f"OUTBOX#{event_id}"}, "sk": {"S": "EVENTO"}})["Item"]
    return json.loads(item["envelope"]["S"])


def test_demo_calendar_is_seeded_and_reaches_the_consumers(stack):
    """`make run` seeds the tribunal's calendar through plantao-svc; the others receive it by events."""

    def carnaval_everywhere() -> bool:
        for service in ("plantao", "cooperacao", "distribuicao", "pagamentos"):
            days = requests.get(f"{stack['urls'][service]}/calendario/dias?ano=2026", timeout=TIMEOUT).json()["itens"]
            if "2026-02-16" not in [day["data"] for day in days]:
                return False
        return True

    assert _eventually(carnaval_everywhere)
    status = requests.get(f"{stack['urls']['pagamentos']}/calendario/situacao/2026-04-08?municipio=5103403",
                          timeout=TIMEOUT).json()
    assert status == {"data": "2026-04-08", "municipio": "5103403", "dia_util": False,
                      "motivo": "feriado municipal: Aniversário de Cuiabá"}
