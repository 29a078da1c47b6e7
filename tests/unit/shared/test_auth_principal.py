"""Roles on routes: Cognito claims → principal, 401 without claims, 403 without an allowed group, owner checks."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer
from chalice.test import Client
from pydantic import BaseModel

from courtlib.auth import Principal, TokenExpired, parse_groups
from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.http.openapi import openapi_document
from courtlib.http.testing import bearer, unsigned_jwt

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")

POOL_ARN = "arn:aws:cognito-idp:sa-east-1:000000000000:userpool/x"
AUTHORIZER = CognitoUserPoolAuthorizer("usuarios", provider_arns=[POOL_ARN])
RECORDS = {"r1": "ana", "r2": "bruno"}


def build_routes() -> RouteSet:
    routes = RouteSet(service="teste")

    @routes.route("/gestao", roles={"gestor", "admin"})
    def management(ctx: RequestContext) -> dict:
        return {"usuario": ctx.principal.username, "grupos": sorted(ctx.principal.groups), "sub": ctx.principal.sub,
                "email": ctx.principal.email, "admin": ctx.principal.has_role("admin")}

    @routes.route("/registros/{registro}", roles={"servidor", "gestor"})
    def record(ctx: RequestContext, registro: str) -> dict:
        ctx.require_owner(RECORDS[registro], unless_roles={"gestor"})
        return {"registro": registro}

    @routes.route("/aberto", public=True)
    def open_route(ctx: RequestContext) -> dict:
        return {"autenticado": ctx.principal.is_authenticated}

    return routes


@pytest.fixture(scope="module")
def client():
    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(build_routes(), authorizer=AUTHORIZER, pagination_secret="s"))
    with Client(app) as test_client:
        yield test_client.http


def code(response) -> str:
    return json.loads(response.body)["code"]


def test_no_token_on_a_roles_route_is_401(client):
    response = client.get("/gestao")
    assert response.status_code == 401
    assert code(response) == "NAO_AUTENTICADO"
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "WWW-Authenticate" in response.headers


def test_token_without_user_claims_is_401(client):
    response = client.get("/gestao", headers={"Authorization": unsigned_jwt({"client_id": "maquina"})})
    assert response.status_code == 401


def test_wrong_group_is_403(client):
    response = client.get("/gestao", headers=bearer("ana", "servidor"))
    assert response.status_code == 403
    assert code(response) == "PROIBIDO"


def test_no_group_at_all_is_403(client):
    response = client.get("/gestao", headers={"Authorization": unsigned_jwt({"cognito:username": "ana"})})
    assert response.status_code == 403


def test_allowed_group_gets_the_principal(client):
    response = client.get("/gestao", headers=bearer("ana", "servidor", "gestor"))
    assert response.status_code == 200
    assert json.loads(response.body) == {"usuario": "ana", "grupos": ["gestor", "servidor"], "sub": "sub-ana",
                                         "email": "ana@tribunal.example", "admin": False}


@pytest.mark.parametrize("groups", ["[servidor, admin]", "servidor,admin", '["servidor", "admin"]', "admin",
                                    ["servidor", "admin"]])
def test_group_claim_formats_are_all_understood(client, groups):
    token = unsigned_jwt({"cognito:username": "ana", "cognito:groups": groups})
    response = client.get("/gestao", headers={"Authorization": token})
    assert response.status_code == 200
    assert json.loads(response.body)["admin"] is True


@pytest.mark.parametrize(("raw", "expected"), [
    (None, set()), ("", set()), ("[]", set()), ("[a, b]", {"a", "b"}), ("a,b", {"a", "b"}), ("a b", {"a", "b"}),
    ('["a","b"]', {"a", "b"}), (["a", " b "], {"a", "b"}), ("admin", {"admin"}),
])
def test_parse_groups(raw, expected):
    assert parse_groups(raw) == expected


def test_owner_reaches_own_record(client):
    assert client.get("/registros/r1", headers=bearer("ana", "servidor")).status_code == 200


def test_servant_cannot_reach_anothers_record(client):
    response = client.get("/registros/r2", headers=bearer("ana", "servidor"))
    assert response.status_code == 403
    assert code(response) == "PROIBIDO"


def test_manager_reaches_any_record(client):
    assert client.get("/registros/r2", headers=bearer("carla", "gestor")).status_code == 200


def test_public_route_needs_no_token(client):
    response = client.get("/aberto")
    assert response.status_code == 200
    assert json.loads(response.body) == {"autenticado": False}


def test_token_verifier_replaces_the_gateways_unverified_claims():
    good = unsigned_jwt({"cognito:username": "ana", "jti": "assinado"})

    def verifier(token: str) -> dict:
        if token != good:
            raise ValueError("assinatura inválida")
        return {"cognito:username": "ana", "cognito:groups": ["gestor"]}

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(build_routes(), authorizer=AUTHORIZER, token_verifier=verifier,
                                                    pagination_secret="s"))
    client = Client(app).http
    assert client.get("/gestao", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    forged = bearer("ana", "admin")  # chalice local would accept this unsigned token's claims
    assert client.get("/gestao", headers=forged).status_code == 401
    assert client.get("/gestao").status_code == 401


def test_a_verifier_that_finds_a_genuine_token_expired_gets_sessao_expirada_and_others_the_generic_401():
    old = unsigned_jwt({"cognito:username": "ana", "jti": "velho"})  # chalice local reads any JWT's claims

    def verifier(token: str) -> dict:
        if token == old:
            raise TokenExpired("exp passou")
        raise ValueError("assinatura inválida")

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(build_routes(), authorizer=AUTHORIZER, token_verifier=verifier,
                                           pagination_secret="s"))
    client = Client(app).http
    expired = json.loads(client.get("/gestao", headers={"Authorization": f"Bearer {old}"}).body)
    assert (expired["status"], expired["code"], expired["detail"], expired["instance"]) == (
        401, "TOKEN_EXPIRADO", "Sessão expirada: entre novamente.", "/gestao")
    garbage = json.loads(client.get("/gestao", headers=bearer("ana", "admin")).body)
    assert (garbage["code"], garbage["detail"]) == (
        "NAO_AUTENTICADO", "Autenticação necessária: envie um token válido no cabeçalho Authorization.")
    assert "exp passou" not in json.dumps(expired) and "assinatura" not in json.dumps(garbage)


def test_principal_ids():
    assert Principal.from_claims({"cognito:username": "ana", "sub": "123"}).id == "123"
    partner = Principal.partner("TJSC")
    assert partner.is_partner and partner.partner_id == "TJSC" and partner.id == "parceiro:TJSC"
    assert not Principal().is_authenticated and Principal().id == "anonimo"


def test_declared_owner_is_checked_before_the_body_and_documented():
    class Corpo(BaseModel):
        valor: int

    routes = RouteSet(service="teste")

    @routes.route("/servidores/{servidor}/notas", methods=["PUT"], roles={"servidor", "admin"}, body=Corpo,
                  owner="servidor", owner_unless={"admin"})
    def notes(ctx: RequestContext, body: Corpo, servidor: str) -> dict:
        return {"servidor": servidor, "valor": body.valor}

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(routes, authorizer=AUTHORIZER, pagination_secret="s"))
    client = Client(app).http
    ana = {**bearer("ana", "servidor"), "Content-Type": "application/json"}
    other = client.put("/servidores/bruno/notas", body="não é JSON", headers=ana)
    assert other.status_code == 403 and code(other) == "PROIBIDO"  # the owner check comes before the body
    assert client.put("/servidores/ana/notas", body='{"valor": 1}', headers=ana).status_code == 200
    admin = {**bearer("root", "admin"), "Content-Type": "application/json"}
    assert client.put("/servidores/bruno/notas", body='{"valor": 2}', headers=admin).status_code == 200
    operation = openapi_document(routes)["paths"]["/servidores/{servidor}/notas"]["put"]
    assert operation["x-dono"] == {"parametro": "servidor", "exceto_perfis": ["admin"]}


def test_owner_must_be_a_path_parameter_of_a_roles_route():
    with pytest.raises(TypeError, match="owner="):
        RouteSet(service="teste").route("/x/{id}", roles={"servidor"}, owner="servidor")
    with pytest.raises(TypeError, match="owner="):
        RouteSet(service="teste").route("/x/{servidor}", public=True, owner="servidor")
