"""The app-wide middleware: the invocation's logger context and the metrics flush, for HTTP and events alike."""

from __future__ import annotations

import io
import json

import pytest
from chalice import Chalice
from chalice.test import Client

from courtlib import observability
from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.observability import count, logger, observed


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


class Output:
    """What the logger wrote (its handler's stream) and what the metrics flush printed (stdout)."""

    def __init__(self, logs: io.StringIO, capsys: pytest.CaptureFixture[str]) -> None:
        self._logs, self._capsys = logs, capsys

    def read(self) -> str:
        text = self._logs.getvalue() + self._capsys.readouterr().out
        self._logs.seek(0)
        self._logs.truncate()
        return text


@pytest.fixture
def output(monkeypatch, capsys):
    logs = io.StringIO()
    monkeypatch.setattr(logger.registered_handler, "stream", logs)
    return Output(logs, capsys)


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    observability.metrics().clear_metrics()
    routes = RouteSet(service="teste")

    @routes.route("/contar", methods=["GET"], public=True)
    def counted(ctx: RequestContext) -> dict:
        count("Contadas")
        logger.info("dentro da rota")
        return {"ok": True}

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(routes, pagination_secret="s"))
    app.register_middleware(observed, "all")

    @app.schedule("rate(5 minutes)")
    def scheduled(event):
        count("Agendadas")
        logger.info("dentro do agendamento")
        return {}

    return app


def test_an_http_request_logs_its_correlation_id_and_publishes_its_metrics(app, output):
    with Client(app) as client:
        response = client.http.get("/contar", headers={"X-Correlation-Id": "pedido-7"})
    assert response.status_code == 200 and response.headers["X-Correlation-Id"] == "pedido-7"
    lines = _lines(output.read())
    inside = next(line for line in lines if line.get("message") == "dentro da rota")
    assert inside["correlation_id"] == "pedido-7"
    assert "function_name" in inside and "cold_start" in inside
    assert any(line.get("Contadas") for line in lines)  # the EMF line of the flush


def test_a_generated_correlation_id_is_the_same_in_logs_and_answer(app, output):
    with Client(app) as client:
        response = client.http.get("/contar")
    inside = next(line for line in _lines(output.read()) if line.get("message") == "dentro da rota")
    assert inside["correlation_id"] == response.headers["X-Correlation-Id"]


def test_a_scheduled_handler_publishes_its_metrics_without_a_try_finally(app, output):
    with Client(app) as client:
        client.lambda_.invoke("scheduled", client.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    lines = _lines(output.read())
    assert any(line.get("Agendadas") for line in lines)
    inside = next(line for line in lines if line.get("message") == "dentro do agendamento")
    assert inside["function_name"] == "scheduled"
    assert "correlation_id" not in inside


def test_the_invocation_keys_do_not_leak_into_the_next_one(app, output):
    with Client(app) as client:
        client.http.get("/contar", headers={"X-Correlation-Id": "primeiro"})
    logger.info("fora de qualquer invocação")
    outside = next(line for line in _lines(output.read()) if line.get("message") == "fora de qualquer invocação")
    assert "correlation_id" not in outside and "function_name" not in outside
