"""Reference data lists over HTTP on moto: the usual cursor pagination (``?limite=``, signed ``?cursor=``,
``proximo``), who may list what (staff roles; a servant never lists other servants' records), 401 without a token."""

from __future__ import annotations

import json
import uuid

import pytest

from courtlib.http.testing import bearer

ADMIN = bearer("admin.ti", "admin")
CGJ = bearer("corregedor", "corregedoria")
GESTOR = bearer("gestor.vara1", "gestor")
SERVANT = bearer("servidor.ana", "servidor")
NO_ROLE = bearer("visitante")


def _get(client, path: str, headers: dict[str, str] | None = None):
    return client.http.get(path, headers=headers or {})


def _put(client, path: str, body: dict, headers: dict[str, str]):
    answer = client.http.put(path, body=json.dumps(body), headers={"Content-Type": "application/json", **headers})
    assert answer.status_code in (200, 201), answer.body
    return answer


def walk(client, path: str, headers: dict[str, str], limit: int = 2) -> list[dict]:
    """Every item of a listing, page by page; checks each page's size and the cursor chain."""
    items: list[dict] = []
    cursor = None
    for _ in range(1000):
        query = f"?limite={limit}" + (f"&cursor={cursor}" if cursor else "")
        answer = _get(client, path + query, headers)
        assert answer.status_code == 200, answer.body
        page = json.loads(answer.body)
        assert len(page["itens"]) <= limit
        items += page["itens"]
        cursor = page.get("proximo")
        if not cursor:
            return items
    raise AssertionError("pagination did not end")


def assert_listing(client, path: str, created: set[str], allowed: dict[str, str], refused: dict[str, str],
                   key: str = "id") -> list[dict]:
    """``created`` appear once each, pages hold at most ``limite``; a forged cursor is 400, no token 401, a role
    outside the route's 403."""
    items = walk(client, path, allowed)
    ids = [item[key] for item in items]
    assert len(ids) == len(set(ids)), "an item on two pages"
    assert created <= set(ids), created - set(ids)
    first = json.loads(_get(client, path + "?limite=1", allowed).body)
    assert first["proximo"], "more than one item: there is a next page"
    forged = first["proximo"][:-2] + ("AA" if not first["proximo"].endswith("AA") else "BB")
    assert _get(client, f"{path}?limite=1&cursor={forged}", allowed).status_code == 400
    assert _get(client, path).status_code == 401
    assert _get(client, path, NO_ROLE).status_code == 403, "a signed-in user without a staff group"
    if refused:
        assert _get(client, path, refused).status_code == 403
    return items


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6].upper()}"


# --- cooperacao-svc -----------------------------------------------------------------------------------------


@pytest.fixture
def cooperacao(client_of):
    return client_of("cooperacao")


def test_units_are_listed_to_every_staff_role_servants_included(cooperacao):
    units = {uid("LU") for _ in range(3)}
    for unit in units:
        _put(cooperacao, f"/unidades/{unit}", {"nome": f"Unidade {unit}", "tipo": "cartorio", "predio": "Fórum"},
             ADMIN)
    listed = assert_listing(cooperacao, "/unidades", units, SERVANT, {})
    mine = [u for u in listed if u["id"] in units]
    assert {u["nome"] for u in mine} == {f"Unidade {u}" for u in units}
    assert _get(cooperacao, "/unidades", GESTOR).status_code == 200


def test_servants_are_listed_to_administration_and_corregedoria_only(cooperacao):
    home = uid("LH")
    _put(cooperacao, f"/unidades/{home}", {"nome": "Lotação", "tipo": "cartorio", "predio": "Fórum"}, ADMIN)
    servants = {uid("ls").lower() for _ in range(3)}
    for servant in servants:
        _put(cooperacao, f"/servidores/{servant}", {"nome": f"Servidor {servant}", "efetivo": True,
                                                    "lotacao": home}, ADMIN)
    listed = assert_listing(cooperacao, "/servidores", servants, CGJ, SERVANT)
    assert all(s["lotacao"] == home for s in listed if s["id"] in servants)
    assert _get(cooperacao, "/servidores", ADMIN).status_code == 200
    assert _get(cooperacao, "/servidores", GESTOR).status_code == 403, "a manager reads one servant, not all"


# --- pagamentos-svc -----------------------------------------------------------------------------------------

DIMAG = bearer("dimag.folha", "dimag")
PRESIDENCIA = bearer("presidente", "presidencia")


@pytest.fixture
def pagamentos(client_of):
    return client_of("pagamentos")


def test_people_are_listed_to_the_payroll_roles_not_to_servants_or_managers(pagamentos):
    people = {uid("lp").lower() for _ in range(3)}
    for person in people:
        _put(pagamentos, f"/pessoas/{person}", {"nome": f"Pessoa {person}", "tipo": "servidor", "cargo": "servidor"},
             DIMAG)
    listed = assert_listing(pagamentos, "/pessoas", people, DIMAG, SERVANT)
    assert {p["nome"] for p in listed if p["id"] in people} == {f"Pessoa {p}" for p in people}
    assert _get(pagamentos, "/pessoas", PRESIDENCIA).status_code == 200
    assert _get(pagamentos, "/pessoas", GESTOR).status_code == 403


# --- distribuicao-svc ---------------------------------------------------------------------------------------

DISTRIBUIDOR = bearer("distribuidor", "distribuicao")


@pytest.fixture
def distribuicao(client_of):
    return client_of("distribuicao")


def _orgao(seats: int) -> dict:
    return {"nome": "Órgão de teste", "classes": ["RE", "HC"],
            "cadeiras": [{"id": f"C{n}", "rotulo": f"Cadeira {n}"} for n in range(1, seats + 1)],
            "juizes": [{"id": f"jz.lista{n}", "nome": f"Juiz Lista {n}", "antiguidade": n, "cadeira": f"C{n}",
                        "presidente": n == 1} for n in range(1, seats + 1)]}


def test_orgaos_and_their_members_are_listed_to_every_staff_role(distribuicao):
    orgaos = {uid("LO") for _ in range(3)}
    for orgao in orgaos:
        _put(distribuicao, f"/orgaos/{orgao}", _orgao(3), ADMIN)
    listed = assert_listing(distribuicao, "/orgaos", orgaos, SERVANT, {})
    assert all(set(o["classes"]) == {"RE", "HC"} for o in listed if o["id"] in orgaos)
    some = sorted(orgaos)[0]
    members = assert_listing(distribuicao, f"/orgaos/{some}/membros", {"jz.lista1", "jz.lista2", "jz.lista3"},
                             DISTRIBUIDOR, {})
    assert [(m["id"], m["cadeira"], m["presidente"]) for m in members] == [
        ("jz.lista1", "C1", True), ("jz.lista2", "C2", False), ("jz.lista3", "C3", False)]
    missing = _get(distribuicao, "/orgaos/NAO-EXISTE/membros", DISTRIBUIDOR)
    assert missing.status_code == 404


# --- plantao-svc --------------------------------------------------------------------------------------------


@pytest.fixture
def plantao(client_of):
    return client_of("plantao")


@pytest.mark.parametrize(("path", "part"), [("/regioes", "regioes"), ("/comarcas", "comarcas"),
                                             ("/juizos", "juizos"), ("/magistrados", "magistrados"),
                                             ("/zonas", "zonas")])
def test_plantao_reference_data_is_listed_to_every_staff_role(plantao, path, part):
    from devstack.demo_plantao import REFERENCE

    _put(plantao, "/referencia", REFERENCE, ADMIN)  # an upsert by id: other tests' data stays
    seeded = {item["id"] for item in REFERENCE[part]}
    listed = assert_listing(plantao, path, seeded, SERVANT, {})
    assert [item["id"] for item in listed] == sorted(item["id"] for item in listed), "id order"
    assert _get(plantao, path, GESTOR).status_code == 200
