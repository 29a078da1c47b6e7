"""Cartas precatórias in two moments over HTTP on moto (DIST-10 with issue 16): a late beacon round answers 202
with a body and ``Location`` a partner court's machine can follow, the same to a retry with the same
``Idempotency-Key``; nothing is drawn without a verified round; the every-minute schedule draws it once the round
is out, and the carta's log still verifies (DIST-11)."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from chalicelib.distribuicao import schedules

from courtlib.audit.actor import acting_as
from courtlib.audit.record import Actor
from courtlib.auth.partners import sign_request
from tests.integration.test_distribuicao_beacon import Switch
from tests.integration.test_distribuicao_precatorias import (
    carta,
    municipality,
    put_zones,
    register_partner,
    signed,
    zone_numbers,
)

TZ = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def client(client_of):
    return client_of("distribuicao")


@pytest.fixture
def app_deps(service_app):
    service_app("distribuicao")
    return sys.modules["distribuicao_app"].deps


@pytest.fixture
def partner(client):
    return register_partner(client)


def post_carta(client, partner, body: dict, key: str | None = None):
    pid, secret = partner
    raw = json.dumps(body)
    headers = {"Content-Type": "application/json", **sign_request(pid, secret, "POST", "/precatorias", body=raw)}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.http.post("/precatorias", body=raw, headers=headers)


def test_dist_10_dist_11_a_late_round_answers_202_and_the_schedule_draws_the_carta(client, partner, app_deps,
                                                                                  monkeypatch):
    mun = municipality()
    assert put_zones(client, mun, zone_numbers(3)).status_code == 201
    switch = Switch()
    monkeypatch.setattr(app_deps, "beacon", switch)
    monkeypatch.setattr(app_deps, "beacon_wait_s", 0.2)
    switch.withheld = True
    body = carta(mun)
    key = f"carta-{uuid.uuid4()}"
    first = post_carta(client, partner, body, key)
    assert first.status_code == 202, first.json_body
    out = first.json_body
    assert out["situacao"] == "aguardando_farol" and out["id"] == body["id_origem"] and out["municipio"] == mun
    assert first.headers["Location"] == out["consulta"] == f"/precatorias/{body['id_origem']}"
    assert int(first.headers["Retry-After"]) >= 1 and out["farol"]["rodada"] > 0
    replay = post_carta(client, partner, body, key)
    assert replay.status_code == 202 and replay.json_body == out, "a retry answers as the first attempt did"
    again = post_carta(client, partner, body)  # without the key: the same carta in its place, not a second one
    assert again.status_code == 202 and again.json_body["farol"] == out["farol"]
    status = signed(client, partner, "GET", first.headers["Location"])
    assert status.status_code == 200 and status.json_body["situacao"] == "aguardando_farol"
    log = f"ZONAS-{mun}"
    assert client.http.get(f"/sorteios/exportacao?log={log}").status_code == 404, "no record: nothing drawn"

    switch.withheld = False
    later = datetime.now(TZ) + timedelta(seconds=10)  # the round is due by the clock
    monkeypatch.setattr(app_deps, "clock", lambda: later)
    with acting_as(Actor.system("agenda:resolve_pending_acts")):
        summary = schedules.resolve_pending_acts(app_deps.service, app_deps.precatorias)
    assert summary["precatorias"]["resolvidas"] >= 1
    drawn = signed(client, partner, "GET", first.headers["Location"])
    assert drawn.status_code == 200 and drawn.json_body["situacao"] == "distribuida"
    [record] = client.http.get(f"/sorteios/exportacao?log={log}").json_body["registros"]
    assert record["farol"]["rodada"] == out["farol"]["rodada"] and record["resultado"]["unidade"] == \
        drawn.json_body["zona"]
    assert post_carta(client, partner, body).status_code == 200  # the same carta again: the one drawn


def test_dist_11_the_202_answers_and_their_status_resources_are_in_the_openapi(client):
    """Partner courts and clients build on GET /openapi.json: every act drawn in two moments declares its 202 (the
    body awaiting the round, Location and Retry-After), and its status resource declares both of its answers."""
    doc = client.http.get("/openapi.json").json_body
    schemas = doc["components"]["schemas"]

    def names(schema: dict) -> set[str]:
        refs = [schema, *schema.get("anyOf", []), *schema.get("oneOf", [])]
        return {r["$ref"].rsplit("/", 1)[-1] for r in refs if "$ref" in r}

    for path, model in (("/distribuicoes", "AguardandoFarolOut"), ("/distribuicoes/manuais", "AguardandoFarolOut"),
                        ("/distribuicoes/{numero}/redistribuicao", "AguardandoFarolOut"),
                        ("/precatorias", "PrecatoriaAguardandoOut")):
        accepted = doc["paths"][path]["post"]["responses"]["202"]
        assert {"Location", "Retry-After"} <= set(accepted["headers"]), path
        assert names(accepted["content"]["application/json"]["schema"]) == {model}, path
        assert schemas[model]["properties"]["situacao"]["const"] == "aguardando_farol"
    for path, done, waiting in (("/distribuicoes/{numero}", "ConsultaOut", "AguardandoFarolOut"),
                                ("/precatorias/{id}", "PrecatoriaOut", "PrecatoriaAguardandoOut")):
        answer = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert names(answer) == {done, waiting}, path
