"""issue 12 point 2: a write that succeeded but whose response was lost answers, on retry, as the first attempt did.

The fault injector (tests/faults.py) lets DynamoDB apply the TransactWriteItems and then loses its response
(a read timeout); botocore sends it again with the same ClientRequestToken, which DynamoDB (and the patched
moto) answers as a success without applying it twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest

from tests.faults import FaultInjector
from tests.integration.test_cooperacao_http import TZ, World, call, deps, servant_h, table  # noqa: F401  # noqa: F401
from tests.integration.test_cooperacao_http import client as cooperacao_client  # noqa: F401
from tests.integration.test_distribuicao_http import DISTRIBUTOR, new_orgao, number, orgao_state, post

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")


@pytest.fixture
def client(cooperacao_client):  # noqa: F811 - the cooperação client for World
    return cooperacao_client


@pytest.fixture
def faults():
    with FaultInjector() as injector:
        yield injector


def test_coop_08_a_ponto_record_whose_response_was_lost_answers_201_once(client, deps, table, faults):  # noqa: F811
    world = World(client)
    cid = world.approved()
    deps.clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    key = {"Idempotency-Key": f"ponto-{uuid.uuid4()}"}
    body = {"inicio": "2026-03-07T08:00:00-03:00", "fim": "2026-03-07T10:00:00-03:00"}
    faults.force("TransactWriteItems", "lost")
    first = call(client, "POST", f"/cooperacoes/{cid}/pontos", body, {**servant_h(world.ana), **key})
    assert faults.injected[("lost", "dynamodb")] == 1
    assert first.status_code == 201, first.body  # before: 409 COOP-08, its own write seen as a duplicate
    again = call(client, "POST", f"/cooperacoes/{cid}/pontos", body, {**servant_h(world.ana), **key})
    assert again.status_code == 201 and again.json_body == first.json_body
    listing = call(client, "GET", f"/servidores/{world.ana}/pontos?competencia=2026-03", None, servant_h(world.ana))
    assert len(listing.json_body["itens"]) == 1


def test_dist_02_a_draw_whose_response_was_lost_answers_201_once(client_of, faults):
    client = client_of("distribuicao")
    orgao = new_orgao(client)
    body = {"numero_processo": number(), "orgao": orgao, "classe": "RE"}
    headers = {**DISTRIBUTOR, "Idempotency-Key": f"dist-{uuid.uuid4()}"}
    faults.force("TransactWriteItems", "lost")
    first = post(client, "/distribuicoes", body, headers=headers)
    assert faults.injected[("lost", "dynamodb")] == 1
    assert first.status_code == 201, first.body
    again = post(client, "/distribuicoes", body, headers=headers)
    assert again.status_code == 201 and again.json_body == first.json_body
    assert orgao_state(client, orgao)["log"]["seq"] == 1, "drawn once"


def test_an_aws_failure_of_a_draw_is_a_503_and_the_retry_with_the_same_key_completes(client_of, faults):
    client = client_of("distribuicao")
    orgao = new_orgao(client)
    body = {"numero_processo": number(), "orgao": orgao, "classe": "RE"}
    headers = {**DISTRIBUTOR, "Idempotency-Key": f"dist-{uuid.uuid4()}"}
    faults.force("TransactWriteItems", "throttle", times=12)  # more than botocore's and the commit's retries
    refused = post(client, "/distribuicoes", body, headers=headers)
    assert refused.status_code == 503, refused.body
    assert refused.headers["Retry-After"] and refused.headers["Content-Type"] == "application/problem+json"
    faults._forced.clear()
    retried = post(client, "/distribuicoes", body, headers=headers)  # not 409 IDEMPOTENCIA_EM_ANDAMENTO
    assert retried.status_code == 201, retried.body
    assert orgao_state(client, orgao)["log"]["seq"] == 1


def test_a_lost_response_on_the_idempotency_record_does_not_leave_the_key_in_progress(client_of, faults):
    """The in-progress record is applied but its response lost: botocore's retry finds the call's own record."""
    client = client_of("distribuicao")
    orgao = new_orgao(client)
    body = {"numero_processo": number(), "orgao": orgao, "classe": "RE"}
    headers = {**DISTRIBUTOR, "Idempotency-Key": f"dist-{uuid.uuid4()}"}
    faults.force("PutItem", "lost")
    first = post(client, "/distribuicoes", body, headers=headers)
    assert faults.injected[("lost", "dynamodb")] == 1
    assert first.status_code == 201, first.body  # before: 409 IDEMPOTENCIA_EM_ANDAMENTO
    again = post(client, "/distribuicoes", body, headers=headers)
    assert again.status_code == 201 and again.json_body == first.json_body
