"""courtlib.route_table: routes registered from a table written ahead of time, their route sets imported on the
first request of their group; a stale table falls back to the eager registration (same routes, same answers)."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer
from chalice.test import Client
from pydantic import BaseModel

from courtlib.http import RequestContext, RouteSet
from courtlib.route_table import OPS, SERVICE, ServiceRoutes, load, register_routes, render, table_of
from courtlib.settings import ServiceSettings


class Eco(BaseModel):
    texto: str


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
