"""Route declarations (every route has its access rule), responses, CORS and the correlation id."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest
from chalice import Chalice, Response
from chalice.test import Client
from pydantic import BaseModel, Field

from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.settings import ServiceSettings


class Valor(BaseModel):
    quantia: Decimal
    data: date
    nome_exibido: str = Field(alias="nomeExibido")


def build_app(routes: RouteSet | None = None, **blueprint_kwargs) -> Chalice:
    routes = routes or RouteSet(service="teste")

    @routes.route("/modelo", public=True, response=Valor)
    def model(ctx: RequestContext) -> Valor:
        return Valor(quantia=Decimal("1234.50"), data=date(2026, 12, 8), nomeExibido="x")

    @routes.route("/lista", public=True)
    def listing(ctx: RequestContext) -> list[Valor]:
        return [Valor(quantia=Decimal("0.10"), data=date(2026, 1, 2), nomeExibido="a")]

    @routes.route("/vazio", methods=["DELETE"], public=True, status=204)
    def empty(ctx: RequestContext) -> None:
        return None

    @routes.route("/resposta", public=True)
    def response(ctx: RequestContext) -> Response:
        return Response(body={"total": Decimal("9.99")}, status_code=202, headers={"Location": "/x/1"})

    @routes.route("/dict", public=True)
    def plain(ctx: RequestContext) -> dict:
        return {"servico": "teste", "valor": Decimal("2.00")}

    @routes.route("/itens/{item}/partes/{parte}", public=True)
    def nested(ctx: RequestContext, item: str) -> dict:
        return {"item": item, "path": ctx.path, "route": ctx.route, "instance": ctx.instance, "deps": ctx.deps,
                "correlation_id": ctx.correlation_id}

    app = Chalice(app_name="teste")
    blueprint_kwargs.setdefault("pagination_secret", "s")
    app.register_blueprint(build_blueprint(routes, **blueprint_kwargs))
    return app


@pytest.fixture(scope="module")
def client():
    with Client(build_app(deps={"relogio": "fixo"}, cors_origin="https://app.tribunal.example")) as test_client:
        yield test_client.http


def test_model_is_serialised_by_alias_with_decimal_as_string(client):
    response = client.get("/modelo")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body) == {"quantia": "1234.50", "data": "2026-12-08", "nomeExibido": "x"}


def test_list_of_models(client):
    assert json.loads(client.get("/lista").body) == [{"quantia": "0.10", "data": "2026-01-02", "nomeExibido": "a"}]


def test_none_is_204_without_body(client):
    response = client.delete("/vazio")
    assert response.status_code == 204
    assert response.body == b""


def test_chalice_response_passes_through_with_headers_added(client):
    response = client.get("/resposta")
    assert response.status_code == 202
    assert response.headers["Location"] == "/x/1"
    assert "X-Correlation-Id" in response.headers
    assert json.loads(response.body) == {"total": "9.99"}


def test_plain_dict_from_a_public_route(client):
    assert json.loads(client.get("/dict").body) == {"servico": "teste", "valor": "2.00"}


def test_path_parameters_reach_context_and_named_arguments(client):
    body = json.loads(client.get("/itens/7/partes/b").body)
    assert body["item"] == "7"
    assert body["path"] == {"item": "7", "parte": "b"}
    assert body["route"] == "/itens/{item}/partes/{parte}"
    assert body["instance"] == "/itens/7/partes/b"
    assert body["deps"] == {"relogio": "fixo"}


def test_correlation_id_is_echoed(client):
    response = client.get("/itens/1/partes/2", headers={"X-Correlation-Id": "req-123"})
    assert response.headers["X-Correlation-Id"] == "req-123"
    assert json.loads(response.body)["correlation_id"] == "req-123"


def test_correlation_id_is_generated_when_absent_or_unsafe(client):
    for headers in ({}, {"X-Correlation-Id": "tem espaço e é longo demais " * 10}):
        generated = client.get("/dict", headers=headers).headers["X-Correlation-Id"]
        assert uuid.UUID(generated).version == 4


def test_every_response_carries_cors_headers(client):
    response = client.get("/dict")
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.tribunal.example"
    allowed = response.headers["Access-Control-Allow-Headers"].split(",")
    for header in ("Authorization", "Content-Type", "Idempotency-Key", "X-Correlation-Id", "X-Parceiro-Id",
                   "X-Parceiro-Data", "X-Parceiro-Nonce", "X-Parceiro-Assinatura"):
        assert header in allowed
    assert "X-Correlation-Id" in response.headers["Access-Control-Expose-Headers"]
    assert response.headers["Access-Control-Max-Age"] == "600"


def test_preflight_is_answered():
    # chalice.test.Client cannot read a body-less answer, so ask its LocalGateway directly.
    from chalice.config import Config
    from chalice.local import LocalGateway

    gateway = LocalGateway(build_app(cors_origin="https://app.tribunal.example"), Config())
    response = gateway.handle_request("OPTIONS", "/dict", {"origin": "https://app.tribunal.example"}, b"")
    assert response["statusCode"] == 200
    assert response["headers"]["Access-Control-Allow-Origin"] == "https://app.tribunal.example"
    assert "Idempotency-Key" in response["headers"]["Access-Control-Allow-Headers"]


def test_cors_origin_and_pagination_secret_come_from_settings():
    settings = ServiceSettings(service="teste", table_name="t", cors_origin="https://x.example",
                               pagination_secret="s")
    response = Client(build_app(settings=settings, pagination_secret=None)).http.get("/dict")
    assert response.headers["Access-Control-Allow-Origin"] == "https://x.example"


@pytest.mark.parametrize("access", [{}, {"roles": {"admin"}, "public": True}, {"public": True, "partner": True},
                                    {"roles": set()}, {"roles": "admin"}, {"roles": {"administrador"}}])
def test_every_route_declares_exactly_one_valid_access_rule(access):
    routes = RouteSet(service="teste")
    with pytest.raises(TypeError):
        routes.route("/x", **access)


def test_declaration_mistakes_fail_at_import_time():
    routes = RouteSet(service="teste")
    with pytest.raises(TypeError):
        routes.route("/x", public=True, body=Valor)  # a body on GET
    with pytest.raises(TypeError):
        routes.route("/x", public=True, idempotent=True)  # idempotent GET
    with pytest.raises(TypeError):
        routes.route("/x", methods=["POST"], public=True, body=dict)  # not a model
    with pytest.raises(TypeError):
        routes.route("/x", methods=["POST"], public=True, body=Valor)(lambda ctx: None)  # no body argument
    routes.route("/x", public=True)(lambda ctx: None)
    with pytest.raises(ValueError):
        routes.route("/x", methods=["GET", "POST"], public=True)(lambda ctx: None)


def test_blueprint_refuses_missing_runtime_pieces():
    routes = RouteSet(service="teste")
    routes.route("/a", roles={"admin"})(lambda ctx: None)
    routes.route("/b", methods=["POST"], partner=True, idempotent=True)(lambda ctx: None)
    with pytest.raises(ValueError) as error:
        build_blueprint(routes, pagination_secret="s")
    for needed in ("authorizer", "partner_keys", "idempotency_store"):
        assert needed in str(error.value)
