"""The one error model (courtlib.errors): each kind answers its problem+json through the dispatcher alone,
a service's own errors are translated once by registration, and the one retry reads again then gives up."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice
from chalice.test import Client

from courtlib import errors
from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.retry import retry_on_conflict

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")


class ServiceOwnError(ValueError):
    """Stands for a domain error a service keeps (its domain does not know the rule code)."""


errors.register(ServiceOwnError, lambda e: errors.Refusal("TEST-01", str(e), field="campo"))

RAISED = {
    "regra": errors.Refusal("COOP-06", "Limite de 40 horas excedido.", field="horas", restantes=2),
    "invalido": errors.Invalid("Data inválida.", field="data"),
    "ausente": errors.NotFound("Cooperação não encontrada.", field="id"),
    "conflito": errors.Conflict("Já decidido.", code="COOP-09"),
    "proibido": errors.Forbidden("Só o gestor da unidade decide."),
    "ocupado": errors.Busy("Gravações simultâneas demais."),
    "corrida": errors.WriteConflict(),
    "proprio": ServiceOwnError("Regra do serviço."),
}
EXPECTED = {
    "regra": (422, "COOP-06", "horas"), "invalido": (422, "VALIDACAO", "data"),
    "ausente": (404, "NAO_ENCONTRADO", "id"), "conflito": (409, "COOP-09", None),
    "proibido": (403, "PROIBIDO", None), "ocupado": (503, "CONCORRENCIA", None),
    "corrida": (409, "CONFLITO", None), "proprio": (422, "TEST-01", "campo"),
}


@pytest.fixture(scope="module")
def client():
    routes = RouteSet(service="teste", title="Teste")

    @routes.route("/erro/{nome}", methods=["GET"], public=True)
    def failing(ctx: RequestContext) -> None:
        raise RAISED[ctx.path["nome"]]

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(routes, pagination_secret="s"))
    with Client(app) as test_client:
        yield test_client.http


@pytest.mark.parametrize("name", EXPECTED)
def test_each_error_kind_is_one_problem(client, name):
    response = client.get(f"/erro/{name}")
    status, code, field = EXPECTED[name]
    body = json.loads(response.body)
    assert (response.status_code, body["code"], body.get("field")) == (status, code, field)
    assert response.headers["Content-Type"] == "application/problem+json"
    assert body["detail"] and body["status"] == status


def test_extras_become_members_and_busy_says_when_to_retry(client):
    assert json.loads(client.get("/erro/regra").body)["restantes"] == 2
    assert client.get("/erro/ocupado").headers["Retry-After"] == "1"


def test_retry_reads_again_until_it_wins():
    calls = []

    @retry_on_conflict(sleep=lambda _: None)
    def decide() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise errors.WriteConflict()
        return "gravado"

    assert decide() == "gravado" and len(calls) == 3


def test_retry_gives_up_as_busy_and_never_retries_a_refusal():
    calls = []

    @retry_on_conflict(attempts=4, sleep=lambda _: None)
    def always_loses() -> None:
        calls.append(1)
        raise errors.WriteConflict()

    with pytest.raises(errors.Busy):
        always_loses()
    assert len(calls) == 4

    @retry_on_conflict(sleep=lambda _: None)
    def refused() -> None:
        calls.append(2)
        raise errors.Refusal("COOP-06", "não")

    with pytest.raises(errors.Refusal):
        refused()
    assert calls.count(2) == 1


def test_the_pause_grows_with_how_long_the_lost_attempt_took_and_is_capped(monkeypatch):
    """U(0, max(10 ms, t)·2^k) after the k-th lost attempt that took t; never above MAX_PAUSE_S."""
    import courtlib.retry as retry

    clock = iter([0.0, 0.5, 10.0, 10.003, 20.0])  # the first lost attempt took 0.5 s, the second 3 ms
    monkeypatch.setattr(retry.time, "monotonic", lambda: next(clock, 40.0))
    monkeypatch.setattr(retry.random, "uniform", lambda low, high: high)  # the largest pause the draw allows
    slept: list[float] = []

    @retry_on_conflict(attempts=3, sleep=slept.append)
    def loses() -> None:
        raise errors.WriteConflict()

    with pytest.raises(errors.Busy):
        loses()
    assert slept == [pytest.approx(min(retry.MAX_PAUSE_S, 0.5 * 2)), pytest.approx(retry.MIN_SCALE_S * 4)]
