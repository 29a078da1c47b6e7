"""Cartas precatórias over HTTP on moto (DIST-10, with DIST-08/11): partner API, zones, elections, consultation.

Each test uses its own municipality (random IBGE-like code) and its own zone numbers, so counts and logs start
empty and the (global) election days of one test do not touch another's zones.
"""

from __future__ import annotations

import itertools
import json
import random
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import boto3
import pytest
from chalicelib.distribuicao.domain.cnj import CnjNumber

from courtlib.auth.partners import sign_request
from courtlib.http.testing import bearer

TZ = ZoneInfo("America/Sao_Paulo")
ADMIN = bearer("admin.ti", "admin")
DISTRIBUTOR = bearer("distribuidor", "distribuicao")
_sequence = itertools.count(5000)
_zones = iter(random.sample(range(100, 999), 800))


def carta_number() -> str:
    """A TJSC number (8.24): cartas come from any tribunal."""
    return str(CnjNumber.build(next(_sequence), 2026, 8, 24, 23))


def municipality() -> str:
    return f"9{random.randrange(10**6):06d}"


def zone_numbers(n: int) -> list[int]:
    return [next(_zones) for _ in range(n)]


def zid(number: int) -> str:
    return f"ZE{number:03d}"


@pytest.fixture
def client(client_of):
    return client_of("distribuicao")


@pytest.fixture
def app_deps(service_app):
    import sys

    service_app("distribuicao")
    return sys.modules["distribuicao_app"].deps


@pytest.fixture
def partner(client):
    return register_partner(client)


def register_partner(client) -> tuple[str, str]:
    pid = f"TJ{uuid.uuid4().hex[:8].upper()}"
    response = client.http.post("/admin/parceiros", body=json.dumps({"id": pid, "nome": f"Tribunal {pid}"}),
                                headers={"Content-Type": "application/json", **ADMIN})
    assert response.status_code == 201, response.body
    return pid, response.json_body["segredo"]


def put_zones(client, mun: str, numbers: list[int], headers=DISTRIBUTOR):
    body = {"zonas": [{"numero": n, "instalada_em": f"{1950 + i}-01-01"} for i, n in enumerate(numbers)]}
    return client.http.put(f"/zonas/{mun}", body=json.dumps(body),
                           headers={"Content-Type": "application/json", **headers})


def signed(client, partner, method: str, path: str, body: dict | None = None, query: dict | None = None):
    pid, secret = partner
    raw = "" if body is None else json.dumps(body)
    headers = sign_request(pid, secret, method, path, query=query, body=raw)
    url = path if not query else path + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    if method == "GET":
        return client.http.get(url, headers=headers)
    return client.http.post(url, body=raw, headers={"Content-Type": "application/json", **headers})


def carta(mun: str, **extra) -> dict:
    return {"numero_processo": carta_number(), "municipio": mun, "materia": "carta",
            "partes": ["Deprecante Fulano", "Testemunha Beltrana"], "advogados": ["Advogado Y OAB/SC 99"],
            "segredo_justica": False, "id_origem": uuid.uuid4().hex, **extra}


def send(client, partner, mun: str, **extra):
    return signed(client, partner, "POST", "/precatorias", carta(mun, **extra))


def zone_counts(client, mun: str) -> dict[str, int]:
    response = client.http.get(f"/zonas/{mun}", headers=DISTRIBUTOR)
    if response.status_code == 200:
        return {z["id"]: z["contagem"] for z in response.json_body["zonas"]}
    return {}


def counts_of(client, partner, mun: str) -> dict[str, int]:
    out: dict[str, int] = {}
    cursor = None
    while True:
        query = {"limite": "50", **({"cursor": cursor} if cursor else {})}
        page = signed(client, partner, "GET", "/precatorias", query=query)
        assert page.status_code == 200, page.body
        for item in page.json_body["itens"]:
            if item["municipio"] == mun:
                out[item["zona"]] = out.get(item["zona"], 0) + 1
        cursor = page.json_body["proximo"]
        if not cursor:
            return out


@pytest.fixture
def table(settings_of):
    settings = settings_of("distribuicao")
    dynamodb = boto3.client("dynamodb", region_name=settings.region)

    class Table:
        def count(self) -> int:
            """Items other than the partners' nonces (an authenticated request records its nonce, refused or not)."""
            pages = dynamodb.get_paginator("scan").paginate(
                TableName=settings.table_name, FilterExpression="NOT begins_with(sk, :nonce)",
                ExpressionAttributeValues={":nonce": {"S": "NONCE#"}})
            return sum(p["Count"] for p in pages)

    return Table()


# --- tests ------------------------------------------------------------------------------------


def test_dist_10_cartas_are_distributed_equally_among_the_zones(client, partner):
    mun = municipality()
    numbers = zone_numbers(3)
    assert put_zones(client, mun, numbers).status_code == 201
    for _ in range(31):
        response = send(client, partner, mun)
        assert response.status_code == 201, response.body
        body = response.json_body
        assert body["zona_distribuidora"] == zid(numbers[0])  # the oldest zone runs the distribution
        assert body["sorteio"]["id"] == f"ZONAS-{mun}#{body['sorteio']['seq']}"
    counts = counts_of(client, partner, mun)  # also walks the cursor pagination (limite 50 over 31 + others)
    assert sum(counts.values()) == 31 and set(counts) == {zid(n) for n in numbers}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert zone_counts(client, mun) == counts


def test_dist_10_list_is_paginated_with_a_cursor(client):
    partner = register_partner(client)
    mun = municipality()
    put_zones(client, mun, zone_numbers(2))
    sent = {send(client, partner, mun).json_body["id"] for _ in range(5)}
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limite": "2", **({"cursor": cursor} if cursor else {})}
        page = signed(client, partner, "GET", "/precatorias", query=query).json_body
        seen += [i["id"] for i in page["itens"]]
        pages += 1
        cursor = page["proximo"]
        if not cursor:
            break
    assert set(seen) == sent and len(seen) == 5 and pages >= 3


@pytest.mark.parametrize(("day", "excluded"), [
    ("2030-08-07", True),   # election − 60
    ("2030-10-06", True),   # election day
    ("2030-11-05", True),   # election + 30
    ("2030-08-06", False),  # election − 61
    ("2030-11-06", False),  # election + 31
])
def test_dist_10_propaganda_zone_is_excluded_from_election_minus_60_to_plus_30(client, partner, app_deps,
                                                                              monkeypatch, day, excluded):
    mun = municipality()
    numbers = zone_numbers(2)
    put_zones(client, mun, numbers)
    response = client.http.put("/eleicoes/2030-10-06", body=json.dumps({"zonas_propaganda": [numbers[1]]}),
                               headers={"Content-Type": "application/json", **ADMIN})
    assert response.status_code == 200, response.body
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=TZ)
    monkeypatch.setattr(app_deps, "clock", lambda: moment)
    zones = [send(client, partner, mun).json_body["zona"] for _ in range(4)]
    if excluded:
        assert zones == [zid(numbers[0])] * 4
    else:
        assert sorted(zones) == sorted([zid(numbers[0]), zid(numbers[1])] * 2)


def test_dist_10_election_days_are_admin_data(client):
    response = client.http.put("/eleicoes/2030-10-06", body=json.dumps({"zonas_propaganda": [1]}),
                               headers={"Content-Type": "application/json", **DISTRIBUTOR})
    assert response.status_code == 403


def test_dist_10_registry_matters_go_to_the_voters_zone_without_draw(client, partner):
    mun = municipality()
    numbers = zone_numbers(3)
    put_zones(client, mun, numbers)
    for _ in range(3):
        response = send(client, partner, mun, materia="cadastro_eleitoral", zona_eleitor=numbers[2])
        assert response.status_code == 201, response.body
        assert response.json_body["zona"] == zid(numbers[2])
        assert response.json_body["sorteio"]["modo"] == "atribuicao"
    assert set(zone_counts(client, mun).values()) == {0}  # no draw, no count
    missing = send(client, partner, mun, materia="cadastro_eleitoral")
    assert missing.status_code == 400
    criminal = send(client, partner, mun, materia="criminal")
    assert criminal.status_code == 422


def test_dist_10_retried_post_is_idempotent(client, partner):
    mun = municipality()
    put_zones(client, mun, zone_numbers(3))
    body = carta(mun)
    first = signed(client, partner, "POST", "/precatorias", body)
    again = signed(client, partner, "POST", "/precatorias", body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.json_body["sorteio"] == first.json_body["sorteio"]
    assert again.json_body["zona"] == first.json_body["zona"] and again.json_body["ja_recebida"] is True
    assert sum(zone_counts(client, mun).values()) == 1
    other = signed(client, partner, "POST", "/precatorias", {**body, "numero_processo": carta_number()})
    assert other.status_code == 409


def test_dist_10_a_partner_cannot_see_another_partners_carta(client, partner):
    mun = municipality()
    put_zones(client, mun, zone_numbers(2))
    mine = send(client, partner, mun).json_body["id"]
    assert signed(client, partner, "GET", f"/precatorias/{mine}").status_code == 200
    stranger = register_partner(client)
    response = signed(client, stranger, "GET", f"/precatorias/{mine}")
    assert response.status_code == 404
    assert signed(client, stranger, "GET", "/precatorias/nao-existe").status_code == 404
    assert mine not in [i["id"] for i in signed(client, stranger, "GET", "/precatorias").json_body["itens"]]


def test_dist_10_unsigned_or_badly_signed_requests_are_401(client, partner, table):
    mun = municipality()
    put_zones(client, mun, zone_numbers(2))
    before = table.count()
    raw = json.dumps(carta(mun))
    unsigned = client.http.post("/precatorias", body=raw, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    pid, _ = partner
    forged = sign_request(pid, "segredo-errado", "POST", "/precatorias", body=raw)
    bad = client.http.post("/precatorias", body=raw, headers={"Content-Type": "application/json", **forged})
    assert bad.status_code == 401
    tampered = sign_request(*partner, "POST", "/precatorias", body=raw)
    other_body = raw.replace('"carta"', '"cadastro_eleitoral"')
    assert client.http.post("/precatorias", body=other_body,
                            headers={"Content-Type": "application/json", **tampered}).status_code == 401
    assert table.count() == before


@pytest.mark.parametrize("change", [
    {"numero_processo": "0000001-00.2026.8.24.0023"},  # wrong check digits
    {"municipio": "Florianopolis"},
    {"materia": "outra"},
    {"partes": []},
    {"id_origem": "com espaço"},
])
def test_dist_10_malformed_carta_is_refused_and_writes_nothing(client, partner, table, change):
    mun = municipality()
    put_zones(client, mun, zone_numbers(2))
    before = table.count()
    response = signed(client, partner, "POST", "/precatorias", {**carta(mun), **change})
    assert response.status_code in (400, 422), response.body
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert table.count() == before


def test_dist_10_unknown_municipality_is_404(client, partner, table):
    before = table.count()
    assert send(client, partner, municipality()).status_code == 404
    assert table.count() == before


def test_dist_08_public_consultation_masks_a_secret_carta_and_export_has_the_draw(client, partner):
    mun = municipality()
    put_zones(client, mun, zone_numbers(2))
    secret = send(client, partner, mun, segredo_justica=True).json_body
    public = client.http.get(f"/precatorias/consulta/{secret['numero_processo']}")
    assert public.status_code == 200, public.body
    item = public.json_body["itens"][0]
    assert item["partes"] == "SEGREDO DE JUSTIÇA" and item["advogados"] == "SEGREDO DE JUSTIÇA"
    assert item["zona"] == secret["zona"]
    assert "Deprecante Fulano" not in public.body.decode()
    plain = send(client, partner, mun).json_body
    shown = client.http.get(f"/precatorias/consulta/{plain['numero_processo']}").json_body["itens"][0]
    assert shown["partes"] == ["Deprecante Fulano", "Testemunha Beltrana"]
    export = client.http.get(f"/sorteios/exportacao?log=ZONAS-{mun}")
    assert export.status_code == 200, export.body
    text = export.body.decode()
    assert secret["numero_processo"] in text and "Deprecante Fulano" in text  # the plain one only


def test_dist_11_the_zones_log_verifies_with_the_standalone_verifier(client, partner, app_deps, monkeypatch,
                                                                    tmp_path):
    """Cartas drawn on a past day are in the municipality's log; scripts/verify_draws.py re-derives them."""
    import subprocess
    import sys
    from pathlib import Path

    verifier = Path(__file__).resolve().parents[2] / "distribuicao-svc" / "scripts" / "verify_draws.py"
    mun = municipality()
    numbers = zone_numbers(3)
    put_zones(client, mun, numbers)
    past = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)
    monkeypatch.setattr(app_deps, "clock", lambda: past)
    for n in range(5):
        assert send(client, partner, mun, segredo_justica=(n == 1)).status_code == 201
    assert send(client, partner, mun, materia="cadastro_eleitoral", zona_eleitor=numbers[1]).status_code == 201
    monkeypatch.undo()
    export = client.http.get(f"/sorteios/exportacao?log=ZONAS-{mun}").json_body
    assert export["cabeca"]["seq"] == 6
    path = tmp_path / "exportacao.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(verifier), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    export["registros"][2]["resultado"]["unidade"] = zid(numbers[0]) if export["registros"][2]["resultado"][
        "unidade"] != zid(numbers[0]) else zid(numbers[1])
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    tampered = subprocess.run([sys.executable, str(verifier), str(path)], capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1, tampered.stdout
