"""COOP-11 → PAG-08 end to end on the local stack: approved cooperations, ponto over HTTP, the monthly close run
twice, and exactly one gratificação event per servant delivered to pagamentos-svc's queue.

The stack runs on the wall clock, so the closed month is the previous one. A servant's request cannot start in
the past (COOP-09), so the cooperations of that month come in through the administration's import of
cooperations already deferred (`POST /cooperacoes/importacao`, same rules); the gestor's approval over HTTP is
exercised on a request starting today. The events are read where pagamentos-svc left them: while pagamentos has
no handler for this type they end in its DLQ (5 receives); the cooperacao outbox is checked in every case.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests

pytestmark = pytest.mark.e2e
TIMEOUT = 30
TZ = ZoneInfo("America/Sao_Paulo")
EVENT_TYPE = "br.jus.tribunal.cooperacao.gratificacao-apurada.v1"
EVENT_NAMESPACE = uuid.UUID("6f1c2d0e-5b7a-4c3e-9d2f-0a1b2c3d4e5f")  # = cooperacao service.EVENT_NAMESPACE


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack['tokens'][user]}"}


def _aws(stack, name: str):
    return boto3.client(name, endpoint_url=stack["endpoint"], region_name="sa-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _ok(response, *codes):
    assert response.status_code in codes, response.text
    return response.json() if response.content else None


def _previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _saturdays(first: date, last: date) -> list[date]:
    day = first + timedelta(days=(5 - first.weekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=7)
    return out


def test_coop_11_one_gratificacao_per_servant_reaches_pagamentos_even_when_the_close_runs_twice(stack):
    from chalicelib.cooperacao.service import EVENT_NAMESPACE as service_namespace

    assert service_namespace == EVENT_NAMESPACE
    base = stack["urls"]["cooperacao"]
    admin, gestor, dimag = _auth(stack, "admin.ti"), _auth(stack, "gestor.vara1"), _auth(stack, "dimag.folha")
    tag = uuid.uuid4().hex[:6].upper()
    home, unit, gab = f"E2E-H-{tag}", f"E2E-C-{tag}", f"E2E-G-{tag}"
    for uid, kind, manager in ((home, "cartorio", None), (unit, "cartorio", "gestor.vara1"), (gab, "gabinete", None)):
        _ok(requests.put(f"{base}/unidades/{uid}", json={"nome": f"Unidade {uid}", "tipo": kind, "predio": "FORUM",
                                                         "gestor": manager}, headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/servidores/servidor.ana", json={
        "nome": "Ana Servidora", "efetivo": True, "graduacao_direito": True, "lotacao": home}, headers=admin,
        timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/servidores/servidor.bruno", json={
        "nome": "Bruno Servidor", "efetivo": True, "cargo_comissao": "assessor_gabinete", "lotacao": gab},
        headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/norma", json={"data_final": "2099-12-31"}, headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/anexos/IV", json={"unidades": {unit: 5}}, headers=admin, timeout=TIMEOUT), 200)

    today = datetime.now(TZ).date()
    first, last = _previous_month(today)
    month = f"{first:%Y-%m}"
    period = {"inicio": first.isoformat(), "fim": (today + timedelta(days=3)).isoformat()}
    imported = _ok(requests.post(f"{base}/cooperacoes/importacao", json={"cooperacoes": [
        {"servidor": s, "unidade_lotacao": h, "unidade_cooperada": unit, "modalidade": "M4", **period,
         "meta": "20 minutas/mês", "deferido_em": (first - timedelta(days=2)).isoformat()}
        for s, h in (("servidor.ana", home), ("servidor.bruno", gab))]}, headers=admin, timeout=TIMEOUT), 201)
    coops = {c["servidor"]: c["id"] for c in imported["itens"]}

    # the gestor's approval over HTTP (COOP-10) on a request of today: it starts at once
    other = f"E2E-O-{tag}"
    _ok(requests.put(f"{base}/unidades/{other}", json={"nome": "Outra", "tipo": "cartorio", "predio": "FORUM",
                                                       "gestor": "gestor.vara1"}, headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/anexos/IV", json={"unidades": {unit: 5, other: 1}}, headers=admin, timeout=TIMEOUT),
        200)
    asked = _ok(requests.post(f"{base}/cooperacoes", json={
        "unidade_lotacao": home, "unidade_cooperada": other, "modalidade": "M4", "inicio": today.isoformat(),
        "fim": (today + timedelta(days=10)).isoformat()}, headers=_auth(stack, "servidor.ana"), timeout=TIMEOUT), 201)
    approved = _ok(requests.post(f"{base}/cooperacoes/{asked['id']}/decisao", json={"deferir": True, "meta": "m"},
                                 headers=gestor, timeout=TIMEOUT), 200)
    assert approved["situacao"] == "aprovada"

    # ponto of the previous month (Saturdays: no expediente), over HTTP by each servant
    saturdays = _saturdays(first, last)
    sessions = {"servidor.ana": [(saturdays[0], 8, 10), (saturdays[1], 8, 9)], "servidor.bruno": [(saturdays[0], 9, 12)]}
    for servant, items in sessions.items():
        for day, h1, h2 in items:
            _ok(requests.post(f"{base}/cooperacoes/{coops[servant]}/pontos", json={
                "inicio": f"{day.isoformat()}T{h1:02d}:00:00", "fim": f"{day.isoformat()}T{h2:02d}:00:00"},
                headers=_auth(stack, servant), timeout=TIMEOUT), 201)
    assert requests.get(f"{base}/servidores/servidor.bruno/pontos", params={"competencia": month},
                        headers=_auth(stack, "servidor.ana"), timeout=TIMEOUT).status_code == 403

    # the monthly close, twice
    closed = _ok(requests.post(f"{base}/fechamentos", json={"competencia": month}, headers=dimag, timeout=TIMEOUT), 200)
    assert closed["publicados"] == 2 and closed["ajustes"] == 0
    again = _ok(requests.post(f"{base}/fechamentos", json={}, headers=dimag, timeout=TIMEOUT), 200)
    assert again["competencia"] == month and again["publicados"] == 0

    # at the source: one outbox item per servant (revision 1), relayed; no revision 2
    dynamodb = _aws(stack, "dynamodb")
    table = stack["outputs"]["CooperacaoTableName"]
    expected = {"servidor.ana": 180, "servidor.bruno": 180}
    for servant, minutes in expected.items():
        def outbox(revision: int, servant=servant):
            key = f"OUTBOX#{uuid.uuid5(EVENT_NAMESPACE, f'{servant}:{month}:r{revision}')}"
            return dynamodb.get_item(TableName=table, Key={"pk": {"S": key}, "sk": {"S": "EVENTO"}},
                                     ConsistentRead=True).get("Item")
        item = outbox(1)
        assert item is not None
        data = json.loads(item["envelope"]["S"])["data"]
        assert (data["natureza"], data["minutos"], data["valor"]) == ("apuracao", minutes, "135.00")
        assert outbox(2) is None

    # at pagamentos-svc: what reached its queue. While pagamentos has no handler for this type every delivery
    # fails and, after 5 receives, the message sits in its DLQ — read there without hiding it (visibility 0),
    # counting distinct messages. The main queue is not touched: its poller owns it.
    sqs = _aws(stack, "sqs")
    dlq = stack["outputs"]["PagamentosDlqUrl"]
    seen: dict[str, dict[str, str]] = {}  # message id → event data
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                           WaitTimeSeconds=1).get("Messages", []):
            envelope = json.loads(message["Body"])
            if envelope.get("type") == EVENT_TYPE and envelope["data"]["competencia"] == month:
                seen[message["MessageId"]] = envelope["data"]
        servants = {data["servidor"] for data in seen.values()}
        if servants == set(expected) and time.monotonic() > deadline - 35:
            break  # both arrived, and a further ~10 s passed for any duplicate to show up
        if not seen and _drained(sqs, stack) and time.monotonic() > deadline - 25:
            break  # nothing failed: pagamentos applied them
    if not seen:
        pytest.skip("pagamentos-svc aplicou os eventos (nada na DLQ); a origem foi verificada acima")
    assert sorted(data["apuracao_id"] for data in seen.values()) == sorted(f"{s}:{month}:r1" for s in expected)


def _drained(sqs, stack) -> bool:
    attributes = sqs.get_queue_attributes(QueueUrl=stack["outputs"]["PagamentosQueueUrl"], AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return all(int(v) == 0 for v in attributes.values())
