"""The request log names who asked (the principal's id), never the token; handlers run as that actor."""

from __future__ import annotations

import base64
import io
import json

import pytest
from chalice import Chalice
from chalice.test import Client

from courtlib.audit import actor as acting
from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.http.testing import bearer, unsigned_jwt
from courtlib.observability import logger


@pytest.fixture
def log_output():
    """What the service's JSON logger writes (its handler's stream, swapped for the test)."""
    buffer = io.StringIO()
    previous = logger.registered_handler.setStream(buffer)
    yield buffer
    logger.registered_handler.setStream(previous)


def _served(out: str) -> list[dict]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("message") == "requisição atendida"]


@pytest.fixture
def client():
    routes = RouteSet(service="teste")

    @routes.route("/quem", methods=["GET"], roles={"gestor"})
    def who(ctx: RequestContext) -> dict:
        now = acting.current()
        return {"ator": now.actor.id, "papeis": list(now.actor.roles), "correlacao": now.correlation_id}

    app = Chalice(app_name="teste")
    def verify(token: str) -> dict:  # the test tokens are unsigned: read their claims
        return json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))

    app.register_blueprint(build_blueprint(routes, pagination_secret="s", token_verifier=verify))
    with Client(app) as test_client:
        yield test_client


def test_the_served_request_line_carries_the_principals_id_and_not_the_token(client, log_output):
    headers = bearer("gestora.ana", "gestor")
    response = client.http.get("/quem", headers={**headers, "X-Correlation-Id": "req-42"})
    assert response.status_code == 200
    assert response.json_body == {"ator": "sub-gestora.ana", "papeis": ["gestor"], "correlacao": "req-42"}
    out = log_output.getvalue()
    assert _served(out)[-1]["principal"] == "sub-gestora.ana"
    assert headers["Authorization"].split()[-1] not in out
    assert acting.current_or_none() is None  # nothing leaks into the next request


def test_a_refused_request_logs_no_one_it_could_not_authenticate(client, log_output):
    response = client.http.get("/quem", headers={"Authorization": f"Bearer {unsigned_jwt({})}"})
    assert response.status_code == 401
    served = _served(log_output.getvalue())
    assert served and "principal" not in served[-1]
