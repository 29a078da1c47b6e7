"""courtlib.route_table: routes registered from a table written ahead of time, their route sets imported on the
first request of their group that reaches a handler (a refused one is checked from the table); a stale table falls
back to the eager registration (same routes, same answers)."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer
from chalice.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, create_model

from courtlib.http import RequestContext, RouteSet
from courtlib.http.testing import bearer
from courtlib.route_table import OPS, SERVICE, ServiceRoutes, load, register_routes, render, table_of
from courtlib.settings import ServiceSettings


class Eco(BaseModel):
    texto: str


class Nota(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nota: int = Field(ge=0, le=10)
    comentario: str | None = Field(None, max_length=20)


class Filtro(BaseModel):
    limite: int = Field(10, ge=1, le=50)


MadeAtRunTime = create_model("Valor", valor=(int, ...))  # its name (Valor) does not lead back to it


def declared(loads: list[str]) -> ServiceRoutes:
    """A service with one public GET and one public POST with a body, counting how often its routes are loaded."""
    settings = ServiceSettings(service="teste", table_name="t", pagination_secret="s")

    def api() -> tuple[list[RouteSet], str]:
        loads.append("api")
        routes = RouteSet(service="teste", title="Teste")

        @routes.route("/ola/{nome}", public=True)
        def hello(ctx: RequestContext, nome: str) -> dict:
            return {"ola": nome, "deps": ctx.deps.name}

        @routes.route("/eco", methods=["POST"], public=True, body=Eco)
        def echo(ctx: RequestContext, body: Eco) -> Eco:
            return body

        @routes.route("/pessoas/{usuario}/notas", methods=["POST"], roles={"servidor", "gestor"}, body=Nota,
                      query=Filtro, owner="usuario", owner_unless={"gestor"}, status=201)
        def grade(ctx: RequestContext, usuario: str, body: Nota, query: Filtro) -> dict:
            return {"usuario": usuario, "nota": body.nota, "limite": query.limite, "por": ctx.principal.username}

        @routes.route("/valores", methods=["POST"], public=True, body=MadeAtRunTime)
        def value(ctx: RequestContext, body: BaseModel) -> dict:
            return body.model_dump()

        return [routes], "teste-svc"

    return ServiceRoutes(settings, api)


class Deps:
    name = "deps"


def app_from(table_path, loads: list[str]) -> tuple[Chalice, bool]:
    app = Chalice(app_name="teste")
    lazy = register_routes(app, table=table_path, routes=declared(loads), deps=Deps(),
                                 authorizer=CognitoUserPoolAuthorizer("usuarios", provider_arns=["arn:teste"]))
    return app, lazy


@pytest.fixture
def table_path(tmp_path):
    path = tmp_path / "route_table.json"
    path.write_text(render(table_of(declared([]))), encoding="utf-8")
    return path


def test_a_current_table_registers_every_route_without_loading_the_route_sets(table_path):
    loads: list[str] = []
    app, lazy = app_from(table_path, loads)
    assert lazy and loads == []
    assert {"/ola/{nome}", "/eco", "/health", "/openapi.json", "/auditoria"} <= set(app.routes)
    groups = {entry["path"]: entry["group"] for entry in load(table_path)}
    assert groups["/eco"] == SERVICE and groups["/health"] == OPS


def test_the_first_request_loads_its_group_once_and_is_answered_as_an_eager_app_answers(table_path):
    loads: list[str] = []
    app, _ = app_from(table_path, loads)
    eager, lazy = app_from(table_path.with_name("absent.json"), [])
    assert not lazy
    for chalice_app in (app, eager):
        with Client(chalice_app) as client:
            assert client.http.get("/ola/maria").json_body == {"ola": "maria", "deps": "deps"}
            refused = client.http.post("/eco", body=json.dumps({"texto": 1}),
                                       headers={"Content-Type": "application/json"})
            assert refused.status_code == 422
            assert refused.headers["Content-Type"] == "application/problem+json"
            assert client.http.post("/eco", body=json.dumps({"texto": "x"}),
                                    headers={"Content-Type": "application/json"}).json_body == {"texto": "x"}
    assert loads == ["api"]


def test_openapi_json_of_a_lazy_app_is_the_eager_app_s(table_path):
    app, _ = app_from(table_path, [])
    eager, _ = app_from(table_path.with_name("absent.json"), [])
    with Client(app) as lazy_client, Client(eager) as eager_client:
        document = lazy_client.http.get("/openapi.json").json_body
        assert document == eager_client.http.get("/openapi.json").json_body
        assert "/eco" in document["paths"]


def test_a_table_whose_route_files_changed_is_not_used(table_path):
    table = json.loads(table_path.read_text(encoding="utf-8"))
    table["fingerprint"] = "0" * 64
    table_path.write_text(json.dumps(table), encoding="utf-8")
    assert load(table_path) is None
    loads: list[str] = []
    app, lazy = app_from(table_path, loads)
    assert not lazy and loads == ["api"]  # registered eagerly: the route sets were imported at once
    assert "/eco" in app.routes


def _claims(username: str, groups: str) -> dict[str, str]:
    return bearer(username, groups)


def _post(client, path: str, body: object, claims: dict[str, str] | None = None) -> tuple[int, object]:
    headers = {"Content-Type": "application/json", "X-Correlation-Id": "teste-0001", **(claims or {})}
    answer = client.http.post(path, body=json.dumps(body), headers=headers)
    return answer.status_code, answer.json_body


REFUSED = [  # (path, body, claims) each refused before the handler
    ("/eco", {"texto": 1}, None),                                                    # 422: the body
    ("/pessoas/ana/notas", {"nota": 3}, None),                                       # 401: no caller
    ("/pessoas/ana/notas", {"nota": 3}, _claims("ana", "dimag")),                    # 403: the role
    ("/pessoas/ana/notas", {"nota": 3}, _claims("bia", "servidor")),                 # 403: not the owner
    ("/pessoas/ana/notas", {"nota": 11}, _claims("ana", "servidor")),                # 422: out of range
    ("/pessoas/ana/notas", {"nota": 3, "extra": True}, _claims("ana", "servidor")),  # 422: unknown field
    ("/pessoas/ana/notas?limite=0", {"nota": 3}, _claims("ana", "servidor")),        # 422: the query
]


def test_a_refused_first_request_is_answered_from_the_table_without_loading_the_route_sets(table_path):
    loads: list[str] = []
    app, _ = app_from(table_path, loads)
    eager, _ = app_from(table_path.with_name("absent.json"), [])
    with Client(app) as lazy_client, Client(eager) as eager_client:
        for path, body, claims in REFUSED:
            status, answer = _post(lazy_client, path, body, claims)
            assert status in {401, 403, 422}, (path, body, answer)
            assert (status, answer) == _post(eager_client, path, body, claims)
        assert loads == []  # nothing reached a handler: the route sets were never imported
        assert _post(lazy_client, "/pessoas/ana/notas?limite=5", {"nota": 3}, _claims("ana", "servidor")) == (
            201, {"usuario": "ana", "nota": 3, "limite": 5, "por": "ana"})
        assert _post(lazy_client, "/pessoas/ana/notas", {"nota": 4}, _claims("gil", "gestor")) == (
            201, {"usuario": "ana", "nota": 4, "limite": 10, "por": "gil"})
    assert loads == ["api"]


def test_a_route_whose_model_cannot_be_found_by_name_is_served_by_its_group(table_path):
    entries = {entry["path"]: entry for entry in load(table_path)}
    assert "stand_in" in entries["/pessoas/{usuario}/notas"] and "stand_in" not in entries["/valores"]
    assert entries["/pessoas/{usuario}/notas"]["stand_in"]["body"].endswith(":Nota")
    loads: list[str] = []
    app, _ = app_from(table_path, loads)
    with Client(app) as client:
        assert _post(client, "/valores", {"valor": "x"})[0] == 422
        assert _post(client, "/valores", {"valor": 7}) == (200, {"valor": 7})
    assert loads == ["api"]


_json = st.recursive(st.none() | st.booleans() | st.integers(-20, 20) | st.text(max_size=25),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                     max_leaves=6)
_bodies = st.one_of(_json, st.fixed_dictionaries({"nota": _json}, optional={"comentario": _json, "extra": _json}))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, username=st.sampled_from(["ana", "bia"]), groups=st.sampled_from(["servidor", "gestor", "dimag"]))
def test_a_stand_in_route_answers_every_body_as_the_eager_dispatcher_does(table_path, body, username, groups):
    app, _ = app_from(table_path, [])
    eager, _ = app_from(table_path.with_name("absent.json"), [])
    with Client(app) as lazy_client, Client(eager) as eager_client:
        for path, claims in (("/pessoas/ana/notas", _claims(username, groups)), ("/eco", None)):
            assert _post(lazy_client, path, body, claims) == _post(eager_client, path, body, claims)
