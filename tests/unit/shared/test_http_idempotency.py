"""Idempotency-Key on creating routes: replay, conflicting body, in-flight duplicate, failures not stored."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice, CognitoUserPoolAuthorizer, Response
from chalice.test import Client
from pydantic import BaseModel

from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.http.testing import InMemoryIdempotencyStore, bearer

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")


class PedidoIn(BaseModel):
    valor: int


class Harness:
    def __init__(self) -> None:
        self.calls = 0
        self.fail_next = False
        self.nested_response = None
        self.store = InMemoryIdempotencyStore()
        routes = RouteSet(service="teste")

        @routes.route("/pedidos", methods=["POST"], roles={"servidor"}, body=PedidoIn, idempotent=True, status=201)
        def create(ctx: RequestContext, body: PedidoIn) -> dict:
            self.calls += 1
            if self.fail_next:
                self.fail_next = False
                raise ProblemError(422, "REGRA", "Recusado desta vez.")
            if body.valor == 999:  # a retry arrives while this one is still running
                self.nested_response = self.client.post("/pedidos", body=b'{"valor": 999}', headers={
                    **ctx.headers, "Content-Type": "application/json"})
            return {"numero": self.calls, "valor": body.valor}

        @routes.route("/lentos", methods=["POST"], roles={"servidor"}, idempotent=True)
        def not_2xx(ctx: RequestContext) -> Response:
            self.calls += 1
            return Response(body={"ocupado": True}, status_code=503)

        app = Chalice(app_name="teste")
        authorizer = CognitoUserPoolAuthorizer("usuarios", provider_arns=["arn:x"])
        app.register_blueprint(build_blueprint(routes, authorizer=authorizer, idempotency_store=self.store,
                                                pagination_secret="s"))
        self.client = Client(app).http

    def post(self, body: dict | bytes, key: str | None = "chave-1", user: str = "ana"):
        headers = {**bearer(user, "servidor"), "Content-Type": "application/json"}
        if key is not None:
            headers["Idempotency-Key"] = key
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.client.post("/pedidos", body=raw, headers=headers)


@pytest.fixture
def harness() -> Harness:
    return Harness()


def test_retry_with_same_key_and_body_replays_the_first_response(harness):
    first = harness.post({"valor": 10})
    second = harness.post({"valor": 10})
    assert first.status_code == second.status_code == 201
    assert json.loads(second.body) == json.loads(first.body) == {"numero": 1, "valor": 10}
    assert harness.calls == 1
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Content-Type"] == "application/json"
    assert second.headers["X-Correlation-Id"] != first.headers["X-Correlation-Id"]


def test_same_key_with_a_different_body_is_422(harness):
    harness.post({"valor": 10})
    response = harness.post({"valor": 11})
    assert response.status_code == 422
    body = json.loads(response.body)
    assert body["code"] == "IDEMPOTENCIA"
    assert body["field"] == "Idempotency-Key"
    assert harness.calls == 1


def test_body_layout_does_not_matter_only_its_content(harness):
    harness.post(b'{"valor":10}')
    replay = harness.post(b'{\n  "valor" : 10\n}')
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert harness.calls == 1


def test_without_a_key_every_request_runs(harness):
    harness.post({"valor": 10}, key=None)
    harness.post({"valor": 10}, key=None)
    assert harness.calls == 2
    assert harness.store.records == {}


def test_keys_are_per_principal(harness):
    harness.post({"valor": 10}, user="ana")
    response = harness.post({"valor": 10}, user="bruno")
    assert json.loads(response.body)["numero"] == 2


def test_refused_request_stores_nothing_and_can_be_retried(harness):
    harness.fail_next = True
    assert harness.post({"valor": 10}).status_code == 422
    assert harness.store.records == {}
    retried = harness.post({"valor": 10})
    assert retried.status_code == 201
    assert "Idempotent-Replayed" not in retried.headers
    assert harness.calls == 2


def test_non_2xx_response_is_not_stored(harness):
    headers = {**bearer("ana", "servidor"), "Idempotency-Key": "k"}
    assert harness.client.post("/lentos", headers=headers).status_code == 503
    assert harness.client.post("/lentos", headers=headers).status_code == 503
    assert harness.calls == 2


def test_concurrent_duplicate_in_flight_is_409(harness):
    first = harness.post({"valor": 999}, key="k-999")
    assert first.status_code == 201
    nested = harness.nested_response
    assert nested.status_code == 409
    body = json.loads(nested.body)
    assert body["code"] == "IDEMPOTENCIA_EM_ANDAMENTO"
    assert nested.headers["Retry-After"] == "1"
    assert harness.calls == 1


def test_invalid_key_is_400(harness):
    response = harness.post({"valor": 10}, key="x" * 256)
    assert response.status_code == 400
    assert json.loads(response.body)["code"] == "IDEMPOTENCIA"


def test_request_refused_before_the_handler_stores_nothing(harness):
    response = harness.post({"valor": "dez"})
    assert response.status_code == 422
    assert harness.store.records == {}
