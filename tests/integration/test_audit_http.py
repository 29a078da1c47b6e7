"""GET /auditoria and /auditoria/verificacao on a service; partner keys' acts audited, their secrets sealed."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import boto3
import pytest

from courtlib.audit.record import shards_on
from courtlib.clock import today
from courtlib.http.testing import bearer

ADMIN = bearer("admin.ti", "admin")
CORREGEDORIA = bearer("corregedor.rui", "corregedoria")
SERVANT = bearer("servidor.ana", "servidor")
SERVICE = "cooperacao"


@pytest.fixture
def api(client_of):
    return client_of(SERVICE)


def _partner_id() -> str:
    return f"TJ{uuid.uuid4().hex[:6].upper()}"


def _register(api, partner: str) -> dict:
    answer = api.http.post("/admin/parceiros", body=json.dumps({"id": partner, "nome": f"Tribunal {partner}"}),
                           headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex, **ADMIN})
    assert answer.status_code == 201, answer.body
    return answer.json_body


def _audit(api, headers=CORREGEDORIA, **query) -> dict:
    answer = api.http.get(f"/auditoria?{urlencode(query)}", headers=headers)
    assert answer.status_code == 200, answer.body
    return answer.json_body


def test_registering_replacing_and_revoking_a_partner_key_are_three_audited_acts(api):
    partner = _partner_id()
    _register(api, partner)
    _register(api, partner)
    assert api.http.delete(f"/admin/parceiros/{partner}", headers=ADMIN).status_code == 204
    records = _audit(api, alvo=f"parceiro:{partner}")["itens"]
    assert [r["ato"] for r in records] == ["ADM.PARCEIRO.CHAVE.CADASTRAR", "ADM.PARCEIRO.CHAVE.TROCAR",
                                           "ADM.PARCEIRO.CHAVE.REVOGAR"]
    assert all(r["quem"]["id"] == "sub-admin.ti" and r["quem"]["papeis"] == ["admin"] for r in records)
    assert all(r["regras"] == ["COOP-12"] and r["correlacao"] for r in records)
    assert (records[0]["antes"], records[0]["depois"]["geracao"]) == (None, 1)
    assert (records[1]["antes"]["geracao"], records[1]["depois"]["geracao"]) == (1, 2)
    assert (records[2]["antes"]["ativo"], records[2]["depois"]["ativo"]) == (True, False)


def test_no_partner_secret_is_readable_in_the_table_or_the_audit(api, settings_of):
    """Not in the key item, not in the audit record, not in a stored idempotent response (the request had a key)."""
    partner = _partner_id()
    secret = _register(api, partner)["segredo"]
    settings = settings_of(SERVICE)
    scan = boto3.client("dynamodb", region_name=settings.region).scan(TableName=settings.table_name)["Items"]
    [key] = [item for item in scan if item["pk"]["S"] == f"PARCEIRO#{partner}" and item["sk"]["S"] == "CHAVE"]
    assert "secret" not in key and key["segredo_selado"]["S"] and key["chave_de_dados"]["S"]
    assert secret not in json.dumps(scan)
    assert secret not in json.dumps(_audit(api, alvo=f"parceiro:{partner}"))


def test_a_sealed_secret_still_verifies_the_partners_signature(api, settings_of):
    from courtlib.auth.partners import TablePartnerKeyStore

    partner = _partner_id()
    secret = _register(api, partner)["segredo"]
    assert TablePartnerKeyStore(settings_of(SERVICE)).secret_for(partner) == secret


def test_only_corregedoria_and_admin_read_the_trail(api):
    assert api.http.get("/auditoria", headers=SERVANT).status_code == 403
    assert api.http.get("/auditoria").status_code == 401
    assert api.http.get("/auditoria", headers=ADMIN).status_code == 200
    assert api.http.get(f"/auditoria/verificacao?dia={today().isoformat()}", headers=SERVANT).status_code == 403


def test_filters_by_target_person_act_and_period_with_pagination(api):
    partner = _partner_id()
    for _ in range(3):
        _register(api, partner)
    first = _audit(api, alvo=f"parceiro:{partner}", limite=2)
    assert len(first["itens"]) == 2 and first["proximo"]
    second = _audit(api, alvo=f"parceiro:{partner}", limite=2, cursor=first["proximo"])
    assert [r["sequencia"] for r in first["itens"] + second["itens"]] == sorted(
        r["sequencia"] for r in first["itens"] + second["itens"])
    assert len(second["itens"]) == 1 and not second["proximo"]
    by_act = _audit(api, alvo=f"parceiro:{partner}", ato="ADM.PARCEIRO.CHAVE.TROCAR")["itens"]
    assert len(by_act) == 2
    by_person = _audit(api, pessoa="admin.ti", ato="ADM.PARCEIRO.CHAVE.CADASTRAR", limite=200)["itens"]
    assert any(r["alvo"]["id"] == partner for r in by_person)
    assert all(r["quem"]["id"] == "sub-admin.ti" for r in by_person)
    period = []
    query = {"ato": "ADM.PARCEIRO.CHAVE.CADASTRAR", "de": today().isoformat(), "ate": today().isoformat(),
             "limite": 1}
    page = _audit(api, **query)
    period.extend(page["itens"])
    while page["proximo"]:
        page = _audit(api, **query, cursor=page["proximo"])
        period.extend(page["itens"])
    assert [r["alvo"]["id"] for r in period].count(partner) == 1
    assert {r["ato"] for r in period} == {"ADM.PARCEIRO.CHAVE.CADASTRAR"}
    assert _audit(api, alvo=f"parceiro:{partner}", de="2020-01-01", ate="2020-01-31")["itens"] == []


def test_bad_filters_are_refused_with_a_problem(api):
    for query in ("de=2027-02-01&ate=2027-01-01", "de=2027-01-01&ate=2027-03-31", "ato=minusculo", "limite=0",
                  "cursor=forjado", "de=9999-12-31", "alvo=processo:1&ate=9999-12-31", "alvo=semtipo"):
        answer = api.http.get(f"/auditoria?{query}", headers=CORREGEDORIA)
        assert answer.status_code in (400, 422), (query, answer.body)
        assert answer.headers["Content-Type"] == "application/problem+json"


def test_the_day_check_refuses_a_day_that_is_not_one(api):
    for day in ("ontem", "9999-12-31", ""):
        answer = api.http.get(f"/auditoria/verificacao?dia={day}", headers=CORREGEDORIA)
        assert answer.status_code in (400, 422) and answer.headers["Content-Type"] == "application/problem+json"


def test_the_day_check_answers_for_every_chain_written(api):
    _register(api, _partner_id())
    answer = api.http.get(f"/auditoria/verificacao?dia={today().isoformat()}", headers=CORREGEDORIA)
    assert answer.status_code == 200, answer.body
    body = answer.json_body
    assert body["integra"] is True and body["servico"] == SERVICE
    assert body["cadeias_do_dia"] == shards_on(today())
    assert body["cadeias"] and all(c["registros"] >= 1 for c in body["cadeias"])
    assert len({c["cadeia"] for c in body["cadeias"]}) == len(body["cadeias"])
    assert all(0 <= c["cadeia"] < shards_on(today()) for c in body["cadeias"])


def test_a_cursor_of_one_listing_is_refused_by_another(api):
    partner = _partner_id()
    _register(api, partner)
    _register(api, partner)
    cursor = _audit(api, alvo=f"parceiro:{partner}", limite=1)["proximo"]
    for other in ({"pessoa": "admin.ti"}, {"alvo": "parceiro:OUTRO"}, {"de": today().isoformat()}):
        answer = api.http.get(f"/auditoria?{urlencode({**other, 'limite': 1, 'cursor': cursor})}",
                              headers=CORREGEDORIA)
        assert answer.status_code == 400, (other, answer.body)
        assert answer.json_body["code"] == "CURSOR_INVALIDO"


def test_a_partner_keys_history_is_its_acts_oldest_first_for_admin_only(api):
    partner = _partner_id()
    _register(api, partner)
    assert api.http.delete(f"/admin/parceiros/{partner}", headers=ADMIN).status_code == 204
    answer = api.http.get(f"/admin/parceiros/{partner}/historico", headers=ADMIN)
    assert answer.status_code == 200, answer.body
    assert [r["ato"] for r in answer.json_body["itens"]] == ["ADM.PARCEIRO.CHAVE.CADASTRAR",
                                                            "ADM.PARCEIRO.CHAVE.REVOGAR"]
    assert answer.json_body["itens"][0]["quem"]["nome"] == "admin.ti"
    first = api.http.get(f"/admin/parceiros/{partner}/historico?limite=1", headers=ADMIN).json_body
    assert len(first["itens"]) == 1 and first["proximo"]
    rest = api.http.get(f"/admin/parceiros/{partner}/historico?limite=1&cursor={first['proximo']}", headers=ADMIN)
    assert [r["ato"] for r in rest.json_body["itens"]] == ["ADM.PARCEIRO.CHAVE.REVOGAR"]
    other = api.http.get(f"/admin/parceiros/OUTRO/historico?cursor={first['proximo']}", headers=ADMIN)
    assert other.status_code == 400  # a cursor of another target's history
    assert api.http.get(f"/admin/parceiros/{partner}/historico", headers=CORREGEDORIA).status_code == 403


def test_a_retried_partner_registration_answers_the_same_key_and_records_one_act(api):
    """The retry of a lost answer (same Idempotency-Key) gets the key it created, not a new one."""
    partner, key = _partner_id(), uuid.uuid4().hex
    headers = {"Content-Type": "application/json", "Idempotency-Key": key, **ADMIN}
    body = json.dumps({"id": partner, "nome": f"Tribunal {partner}"})
    first = api.http.post("/admin/parceiros", body=body, headers=headers)
    again = api.http.post("/admin/parceiros", body=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json_body == first.json_body
    assert [r["ato"] for r in _audit(api, alvo=f"parceiro:{partner}")["itens"]] == ["ADM.PARCEIRO.CHAVE.CADASTRAR"]
    other = _register(api, partner)  # another request: a new, audited replacement
    assert other["segredo"] != first.json_body["segredo"]
    assert [r["ato"] for r in _audit(api, alvo=f"parceiro:{partner}")["itens"]][-1] == "ADM.PARCEIRO.CHAVE.TROCAR"
