"""PLAN-03 as a security property: every public route of plantao-svc, enumerated from its OpenAPI document,
probed at D−6 and D−5 around a change of who serves on D.

At D−6 (2027-02-07) the Presidency swaps two shifts of day D = 13/02 and day 20/02 (estadual, R1: Caio
Campos ↔ André Alves; 2º grau: the same two days' members). Every public answer — status, body, size and
headers (only the correlation id, which the probe fixes, is excluded from nothing) — must be byte-identical
before and after the swap: nothing (name, id, initials, counts, order, portaria, ETag/Last-Modified, size,
errors) depends on who is designated. At D−5 (2027-02-08) day 13's names appear, day 20's still do not.
"""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.plantao.config import plantao_config

from courtlib.http.testing import bearer
from tests.integration import test_plantao_http as plantao_http
from tests.integration.test_plantao_http import ADMIN, MANAGER, PRESIDENCY, World

ses, world = plantao_http.ses, plantao_http.world  # the fixtures, shared with test_plantao_http

D = date(2027, 2, 13)
FIXED_CORRELATION = {"X-Correlation-Id": "sonda-embargo"}
PATH_VALUES = {"mes": "2027-02", "data": D.isoformat(), "tipo": "feriado_municipal"}
QUERY_VALUES = {"ano": "2027", "inicio": "2027-02-01", "fim": "2027-02-28", "municipio": "5103403"}
BAD_PATH_VALUES = {"mes": "2027-13", "data": "13-02-2027"}


def public_routes(world: World) -> list[str]:
    """Every public GET path template in /openapi.json (the document lists each route with its security)."""
    document = world.client.http.get("/openapi.json").json_body
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method == "get" and operation.get("security") == []:
                found.append(path)
    return sorted(found)


def variants(world: World, template: str) -> list[str]:
    """Requests for one route: the ordinary one, with every optional filter, and ones that must fail."""
    document = world.client.http.get("/openapi.json").json_body
    operation = document["paths"][template]["get"]
    params = [p for p in operation.get("parameters", []) if "$ref" not in p]
    path = template
    for name in PATH_VALUES:
        path = path.replace("{" + name + "}", PATH_VALUES[name])
    required = [f"{p['name']}={QUERY_VALUES.get(p['name'], 'x')}" for p in params
                if p.get("in") == "query" and p.get("required")]
    base = path + ("?" + "&".join(required) if required else "")
    out = [base]
    sep = "&" if required else "?"
    for p in params:
        if p.get("in") == "query" and not p.get("required"):
            if p["name"] == "tipo":
                out += [f"{base}{sep}tipo=estadual", f"{base}{sep}tipo=segundo_grau", f"{base}{sep}tipo=invalido"]
            else:
                out.append(f"{base}{sep}{p['name']}={QUERY_VALUES.get(p['name'], 'x')}")
    bad = template
    for name, value in BAD_PATH_VALUES.items():
        bad = bad.replace("{" + name + "}", value)
    if bad != template:
        out.append(bad)
    return out


def snapshot(world: World, paths: list[str]) -> dict[str, tuple]:
    shots = {}
    for path in paths:
        response = world.client.http.get(path, headers=FIXED_CORRELATION)
        headers = {k.lower(): v for k, v in response.headers.items()}
        assert "etag" not in headers and "last-modified" not in headers, path
        shots[path] = (response.status_code, response.body, len(response.body), sorted(headers.items()))
    return shots


def entries_of_day(world: World, day: date, kind: str) -> list[dict]:
    body = world.client.http.get(f"/publico/plantoes/{day.isoformat()}?tipo={kind}").json_body
    return body["plantoes"]


def swap(world: World, scale: str, a: str, ma: str, b: str, mb: str) -> None:
    body = {"plantao_a": a, "magistrado_a": ma, "plantao_b": b, "magistrado_b": mb, "motivo": "sonda do embargo"}
    requested = world.post(f"/escalas/{scale}/permutas", body, MANAGER)
    assert requested.status_code == 201, requested.body
    assert world.post(f"/permutas/{requested.json_body['id']}/aprovacao").status_code == 200


def test_plan_03_every_public_route_from_openapi_reveals_nothing_at_d_minus_6_and_names_at_d_minus_5(world):
    for kind in ("estadual", "segundo_grau"):
        world.generate("2027-02", kind)
        world.approve(f"2027-02-{kind}")
    routes = public_routes(world)
    assert {"/publico/escalas/{mes}", "/publico/plantoes/{data}"} <= set(routes)
    paths = [v for route in routes for v in variants(world, route)]
    assert len(paths) >= 10

    world.clock.set(date(2027, 2, 7))  # D−6
    before = snapshot(world, paths)
    second = {p["id"]: p for p in world.get("/escalas/2027-02-segundo_grau", PRESIDENCY).json_body["plantoes"]}
    a2, b2 = second["2027-02-13#segundo_grau"], second["2027-02-20#segundo_grau"]
    swap(world, "2027-02-estadual", "2027-02-13#estadual:R1", "jz.campos", "2027-02-20#estadual:R1", "jz.alves")
    swap(world, "2027-02-segundo_grau", a2["id"], a2["magistrado"], b2["id"], b2["magistrado"])
    after = snapshot(world, paths)
    for path in paths:
        assert before[path] == after[path], f"{path} changed with who is designated before D−5"
    for entry in entries_of_day(world, D, "estadual"):
        assert entry["divulgado"] is False and entry["magistrado"] is None and entry["juizo"] is None
    month = world.client.http.get("/publico/escalas/2027-02").json_body
    assert month["portarias"] == []  # the portarias list every day: public only once all days are
    assert "Campos" not in world.client.http.get(f"/publico/plantoes/{D.isoformat()}").body.decode()

    world.clock.set(date(2027, 2, 8))  # D−5
    shown = {e["unidade"]: e for e in entries_of_day(world, D, "estadual")}
    assert shown["1ª Região (Capital)"]["divulgado"] is True
    assert shown["1ª Região (Capital)"]["magistrado"] == "Juiz André Alves"  # after the swap
    assert shown["1ª Região (Capital)"]["juizo"] == "1ª Vara Cível de Cuiabá"
    [second_degree] = entries_of_day(world, D, "segundo_grau")
    assert second_degree["magistrado"] == b2["nome"]
    later = entries_of_day(world, date(2027, 2, 20), "estadual")
    assert all(e["magistrado"] is None for e in later)  # 20/02 is still under embargo
    changed = snapshot(world, paths)
    assert changed[f"/publico/plantoes/{D.isoformat()}"] != after[f"/publico/plantoes/{D.isoformat()}"]


def test_plan_03_embargo_days_are_configuration(world, monkeypatch):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.clock.set(date(2027, 2, 8))
    rules = plantao_config(world.deps.config).model_copy(update={"embargo_publicacao_dias": 3})
    monkeypatch.setattr(type(world.deps.config), "plantao", property(lambda self: rules), raising=False)
    assert all(e["magistrado"] is None for e in entries_of_day(world, D, "estadual"))
    world.clock.set(date(2027, 2, 10))
    assert all(e["magistrado"] for e in entries_of_day(world, D, "estadual"))


def _names_in(body: dict) -> set[str]:
    return {p["magistrado"] for p in body["plantoes"] if p["magistrado"]} | {
        p["nome"] for p in body["plantoes"] if p["nome"]}


@pytest.mark.parametrize("role", ["servidor", "gestor", "corregedoria", "nucleo_cooperacao", "distribuicao", "dimag"])
def test_plan_03_staff_who_neither_prepare_nor_approve_get_the_public_view_of_an_embargoed_scale(world, role):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.clock.set(date(2027, 2, 7))  # D−6 of 13/02: 1/02..12/02 are public, 13/02 on still embargoed
    viewer = bearer(f"pessoa.{role}", role)
    for body in (world.get("/escalas/2027-02-estadual", viewer).json_body,
                 world.get("/escalas?mes=2027-02", viewer).json_body["itens"][0]):
        for p in body["plantoes"]:
            hidden = date.fromisoformat(p["data"]) >= D
            assert p["divulgado"] is not hidden, p
            if hidden:
                assert (p["magistrado"], p["nome"], p["juizo"], p["juizo_nome"]) == (None, None, None, None), p
        assert any(p["magistrado"] for p in body["plantoes"])  # the days already public keep their names
        assert body["fim_rotacao"] and set(body["fim_rotacao"].values()) == {None}  # "99992#jur.otavio" names one
        assert set(body["inicio_rotacao"].values()) <= {None}
        assert body["portarias"] == []
    full = world.get("/escalas/2027-02-estadual", PRESIDENCY).json_body
    embargoed = {p["magistrado"] for p in full["plantoes"] if date.fromisoformat(p["data"]) >= D}
    text = world.get("/escalas/2027-02-estadual", viewer).body.decode()
    assert not any(m in text for m in embargoed - _names_in(world.get("/escalas/2027-02-estadual", viewer).json_body))


@pytest.mark.parametrize("headers", [PRESIDENCY, ADMIN], ids=["presidencia", "admin"])
def test_plan_03_presidency_and_admin_who_prepare_and_approve_see_every_name(world, headers):
    world.generate("2027-02", "estadual")
    world.clock.set(date(2027, 2, 7))
    body = world.get("/escalas/2027-02-estadual", headers).json_body
    assert all(p["magistrado"] and p["divulgado"] is not None for p in body["plantoes"])
    assert all(v for v in body["fim_rotacao"].values())


def test_plan_03_a_magistrate_sees_his_own_embargoed_shifts_and_no_one_elses(world):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.clock.set(date(2027, 2, 7))
    full = world.get("/escalas/2027-02-estadual", PRESIDENCY).json_body["plantoes"]
    later = [p for p in full if date.fromisoformat(p["data"]) >= D]
    me = later[0]["magistrado"]
    mine = world.get("/escalas/2027-02-estadual", bearer(me, "gestor")).json_body["plantoes"]
    for p, whole in zip(mine, full, strict=True):
        if date.fromisoformat(p["data"]) >= D:
            assert p["magistrado"] == (me if whole["magistrado"] == me else None)
