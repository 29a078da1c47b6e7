"""plantao-svc end to end on the local stack (PLAN-04, PLAN-07, PLAN-08): approve a scale → portaria PDF in S3
and a notice to each designated magistrate; approve a compensation → the cumulação event reaches
pagamentos-svc's queue once, even when published twice.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests

pytestmark = pytest.mark.e2e
TIMEOUT = 20
TZ = ZoneInfo("America/Sao_Paulo")


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack['tokens'][user]}", "Idempotency-Key": f"e2e-{uuid.uuid4()}"}


def _aws(stack, service_name: str):
    return boto3.client(service_name, endpoint_url=stack["endpoint"], region_name="sa-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _eventually(check, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)


def _next_dia_util(base: str, after: date) -> date:
    day = after + timedelta(days=1)
    while not requests.get(f"{base}/calendario/situacao/{day.isoformat()}?municipio=5103403",
                           timeout=TIMEOUT).json()["dia_util"]:
        day += timedelta(days=1)
    return day


def test_plan_04_07_08_approval_portaria_notices_and_compensation_event_once(stack):
    from devstack import demo_plantao

    base = stack["urls"]["plantao"]
    loaded = requests.put(f"{base}/referencia", json=demo_plantao.REFERENCE, headers=_auth(stack, "admin.ti"),
                          timeout=TIMEOUT)
    assert loaded.status_code == 200, loaded.text

    today = datetime.now(TZ).date()
    month = (today.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    generated = requests.post(f"{base}/escalas", json={"mes": month, "tipo": "segundo_grau"},
                              headers=_auth(stack, "presidente"), timeout=TIMEOUT)
    assert generated.status_code == 202, generated.text  # the draft is made on plantao's own queue
    scale_id = generated.json()["escala"]
    assert generated.headers["Location"] == f"/geracoes/{scale_id}"

    def generated_draft():
        status = requests.get(f"{base}/geracoes/{scale_id}", headers=_auth(stack, "presidente"), timeout=TIMEOUT).json()
        return status if status["situacao"] in ("concluida", "falhou") else None

    done = _eventually(generated_draft)
    assert done and done["situacao"] == "concluida" and done["link"] == f"/escalas/{scale_id}", done
    assert requests.post(f"{base}/escalas/{scale_id}/aprovacao", headers=_auth(stack, "admin.ti"),
                         timeout=TIMEOUT).status_code == 403
    ses = _aws(stack, "ses")
    sent_before = ses.get_send_quota()["SentLast24Hours"]
    approved = requests.post(f"{base}/escalas/{scale_id}/aprovacao", headers=_auth(stack, "presidente"),
                             timeout=TIMEOUT)
    assert approved.status_code == 200, approved.text
    body = approved.json()
    designated = {p["magistrado"] for p in body["plantoes"]}
    [portaria] = body["portarias"]
    # PLAN-04: the answer comes first; plantao's own queue then stores the document and sends the notices
    assert (body["avisos_enviados"], portaria["documento"], portaria["serie"]) == (None, "pendente", "M")

    def ready():
        scale = requests.get(f"{base}/escalas/{scale_id}", headers=_auth(stack, "presidente"), timeout=TIMEOUT).json()
        return scale["portarias"][0] if scale["portarias"][0]["documento"] == "pronto" else None

    portaria = _eventually(ready)
    assert portaria and portaria["link_pdf"], "the portaria's document was not produced"
    assert ses.get_send_quota()["SentLast24Hours"] - sent_before == len(designated) >= 4

    from pypdf import PdfReader

    s3 = _aws(stack, "s3")
    pdf = s3.get_object(Bucket=stack["outputs"]["DocumentsBucket"], Key=portaria["pdf"])["Body"].read()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert portaria["numero"] in text and body["plantoes"][0]["nome"] in text

    # PLAN-07 CEDES credit (1 dia útil) and PLAN-08 use → CompensationUsed through the outbox
    credited = requests.post(f"{base}/compensacoes/creditos", headers=_auth(stack, "admin.ti"), timeout=TIMEOUT,
                             json={"magistrado": "jd.paulo", "tipo": "cedes", "data": today.isoformat(),
                                   "descricao": "Encontro de desembargadores (e2e)"})
    assert credited.status_code == 201, credited.text
    day = _next_dia_util(base, today)
    asked = requests.post(f"{base}/compensacoes/usos", headers=_auth(stack, "gestor.vara1"), timeout=TIMEOUT,
                          json={"magistrado": "jd.paulo", "dias": [day.isoformat()], "substituto": "jd.marina"})
    assert asked.status_code == 201, asked.text
    use_id = asked.json()["id"]
    done = requests.post(f"{base}/compensacoes/jd.paulo/usos/{use_id}/aprovacao", headers=_auth(stack, "presidente"),
                         timeout=TIMEOUT)
    assert done.status_code == 200, done.text

    dynamodb = _aws(stack, "dynamodb")
    outputs = stack["outputs"]

    def relayed_envelope():
        items = dynamodb.scan(TableName=outputs["PlantaoTableName"], FilterExpression="event_type = :t",
                              ExpressionAttributeValues={":t": {"S": "br.jus.tribunal.plantao.compensacao-usada.v1"}}
                              )["Items"]
        mine = [i for i in items if json.loads(i["envelope"]["S"])["data"]["compensacao_id"] == use_id]
        return mine[0] if mine and "relayed_at" in mine[0] else None

    item = _eventually(relayed_envelope)
    assert item, "the outbox item was not relayed"
    envelope = json.loads(item["envelope"]["S"])

    # published a second (and third) time with the same deduplication id: SQS FIFO keeps one
    sqs = _aws(stack, "sqs")
    for _ in range(2):  # accepted by SQS, but not delivered again within the deduplication interval
        sqs.send_message(QueueUrl=outputs["PagamentosQueueUrl"], MessageBody=item["envelope"]["S"],
                         MessageGroupId=item["message_group"]["S"], MessageDeduplicationId=envelope["id"])

    def arrivals() -> tuple[bool, int]:
        inbox = dynamodb.get_item(TableName=outputs["PagamentosTableName"],
                                  Key={"pk": {"S": f"INBOX#{envelope['id']}"}, "sk": {"S": "APLICADO"}}).get("Item")
        dead = sqs.receive_message(QueueUrl=outputs["PagamentosDlqUrl"], MaxNumberOfMessages=10,
                                   VisibilityTimeout=0).get("Messages", [])
        return inbox is not None, sum(1 for m in dead if envelope["id"] in m["Body"])

    assert _eventually(lambda: any(arrivals()), timeout=60.0), "the event never reached pagamentos-svc"
    time.sleep(10)  # > 5 receives × 1 s visibility: a second copy would have been applied or dead-lettered by now
    applied, dead = arrivals()
    # pagamentos-svc applies it once (its inbox marker) and nothing reaches its DLQ
    assert applied and dead == 0, (applied, dead)
    assert envelope["data"]["substituto"] == "jd.marina" and envelope["data"]["dias"] == [day.isoformat()]
