"""The local stack's gateway answers as the AWS template's GatewayResponses do (issue 12): problem+json with a
correlation id, an unknown route a 404, and never the caller's credential echoed back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer
from chalice.config import Config
from chalice.local import LocalGatewayException

from devstack.auth import TokenSigner, TokenVerifier
from devstack.http import VerifyingGateway

TOKEN = "eyJhbGciOiJSUzI1NiJ9.segredo-do-chamador.assinatura"


def gateway() -> VerifyingGateway:
    app = Chalice(app_name="teste")

    @app.route("/coisas", methods=["POST"])
    def create() -> dict:
        return {"ok": True}

    @app.route("/protegido/{id}", authorizer=CognitoUserPoolAuthorizer("usuarios", provider_arns=["arn:x"]))
    def protected(id: str) -> dict:
        return {"ok": True}

    return VerifyingGateway(app, Config(), verifier=None)  # type: ignore[arg-type]


def answer(method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
    try:
        response = gateway().handle_request(method, path, headers, body)
    except LocalGatewayException as error:
        return error.CODE, error.headers, error.body or b""
    raw = response["body"]
    return response["statusCode"], response["headers"], raw.encode() if isinstance(raw, str) else raw


@pytest.mark.parametrize("headers", [{"Authorization": f"Bearer {TOKEN}"}, {}], ids=["with-token", "without"])
def test_an_unknown_route_is_a_404_problem_that_never_echoes_the_token(headers):
    status, out, body = answer("GET", "/nao-existe", headers)
    assert status == 404
    assert out["Content-Type"] == "application/problem+json" and out["X-Correlation-Id"]
    problem = json.loads(body)
    assert problem["code"] == "NAO_ENCONTRADO" and problem["correlation_id"] == out["X-Correlation-Id"]
    assert TOKEN not in body.decode() and "segredo" not in json.dumps(out)


def test_a_method_the_route_lacks_is_a_405_problem():
    status, out, body = answer("DELETE", "/coisas", {"Authorization": f"Bearer {TOKEN}"})
    assert status == 405 and out["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == 405 and TOKEN not in body.decode()


def test_a_content_type_the_route_does_not_take_is_a_415_problem():
    status, out, body = answer("POST", "/coisas", {"Content-Type": "text/xml"}, b"<a/>")
    assert status == 415 and out["Content-Type"] == "application/problem+json"
    assert json.loads(body)["code"] == "TIPO_NAO_SUPORTADO"


def test_a_401_of_the_gateway_names_the_requests_path_as_instance_without_its_query():
    """As every problem the apps answer: ``instance`` is the path asked for (the query may carry anything)."""
    status, out, body = answer("GET", "/protegido/42?senha=segredo", {})
    problem = json.loads(body)
    assert (status, problem["status"], problem["code"]) == (401, 401, "NAO_AUTENTICADO")
    assert problem["instance"] == "/protegido/42" and "segredo" not in body.decode()


def test_every_gateway_answer_names_its_instance():
    assert json.loads(answer("GET", "/nao-existe/7", {})[2])["instance"] == "/nao-existe/7"
    assert json.loads(answer("DELETE", "/coisas", {})[2])["instance"] == "/coisas"


CLIENT_ID = "cliente-do-console"


def signed_gateway(signer: TokenSigner) -> VerifyingGateway:
    app = Chalice(app_name="teste")

    @app.route("/protegido", authorizer=CognitoUserPoolAuthorizer("usuarios", provider_arns=["arn:x"]))
    def protected() -> dict:
        return {"ok": True}

    return VerifyingGateway(app, Config(), TokenVerifier(signer, CLIENT_ID))


def id_token(signer: TokenSigner, **claims) -> str:
    return signer.sign({"cognito:username": "servidor.ana", "aud": CLIENT_ID, "token_use": "id", **claims})


def ask(gw: VerifyingGateway, token: str) -> tuple[int, dict]:
    try:
        response = gw.handle_request("GET", "/protegido", {"authorization": f"Bearer {token}"}, b"")
    except LocalGatewayException as error:
        return error.CODE, json.loads(error.body)
    return response["statusCode"], json.loads(response["body"])


def test_an_expired_session_reads_sessao_expirada_and_a_garbage_token_keeps_the_generic_refusal():
    """The stack's own token past its exp → TOKEN_EXPIRADO; a malformed or forged one (expired or not) learns
    nothing more than before."""
    issuer = "http://127.0.0.1/pool"
    live, old = TokenSigner(issuer), TokenSigner(issuer, validity=timedelta(seconds=-60))
    old._key, old.kid, old.public_key = live._key, live.kid, live.public_key  # the same key: a genuine token
    gw = signed_gateway(live)
    assert ask(gw, id_token(live)) == (200, {"ok": True})
    status, expired = ask(gw, id_token(old))
    assert (status, expired["code"], expired["detail"]) == (401, "TOKEN_EXPIRADO", "Sessão expirada: entre novamente.")
    assert expired["instance"] == "/protegido"
    forged = TokenSigner(issuer, validity=timedelta(seconds=-60))
    forged.kid = live.kid  # another key under the stack's key id, expired too
    for token in ("lixo", TOKEN, id_token(forged)):
        status, problem = ask(gw, token)
        assert (status, problem["code"]) == (401, "NAO_AUTENTICADO"), token
        assert problem["detail"] == "Envie um token válido no cabeçalho Authorization (Bearer).", token
