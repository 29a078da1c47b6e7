"""Inputs that used to crash a service with a 500 (issue 12, point 4): each is a 4xx problem+json now.

A JSON body nested 10,000 deep, a working-hours time with a zone, a competência of year 0000 and a memo id
too short to hold one: every route that takes such a value is tried, not only the one first reported.
"""

from __future__ import annotations

import json
import uuid

import pytest

from courtlib.http.testing import bearer

ADMIN = bearer("admin.ti", "admin")
DIMAG = bearer("dimag.folha", "dimag")
PROBLEM = "application/problem+json"


def call(client, method: str, path: str, body=None, headers=None, raw: str | None = None):
    text = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return client.http.request(method, path, body=text,
                               headers={"Content-Type": "application/json", **(headers or {})})


def problem(response) -> dict:
    assert response.headers["Content-Type"].startswith(PROBLEM), response.body
    return json.loads(response.body)


@pytest.mark.parametrize("service,path", [("cooperacao", "/servidores/x-deep"), ("pagamentos", "/execucoes")])
def test_a_body_nested_10000_deep_is_a_400_not_a_crash(client_of, service, path):
    deep = '{"a":' * 10_000 + "1" + "}" * 10_000
    method = "PUT" if service == "cooperacao" else "POST"
    r = call(client_of(service), method, path, raw=deep, headers=ADMIN if service == "cooperacao" else DIMAG)
    assert r.status_code in (400, 422) and problem(r)["status"] == r.status_code


@pytest.mark.parametrize("field", ["jornada_inicio", "jornada_fim"])
@pytest.mark.parametrize("value", ["06:00:00Z", "06:00-03:00", "18:00:00+00:00"])
def test_coop_06_working_hours_are_local_times_and_a_zone_is_refused_naming_the_field(client_of, field, value):
    body = {"nome": "Ana Servidora", "efetivo": True, "lotacao": "1VC", field: value}
    r = call(client_of("cooperacao"), "PUT", f"/servidores/ana-{uuid.uuid4().hex[:6]}", body, ADMIN)
    assert r.status_code == 422
    assert problem(r)["field"] == field and "fuso" in problem(r)["detail"]


@pytest.mark.parametrize("service,path,headers", [
    ("pagamentos", "/memorandos?competencia=0000-01", DIMAG),
    ("pagamentos", "/resumos/0000-01", DIMAG),
    ("pagamentos", "/execucoes/0000-01", DIMAG),
    ("pagamentos", "/plantoes?competencia=0000-01", DIMAG),
    ("cooperacao", "/fechamentos/0000-01", ADMIN),
    ("cooperacao", "/servidores/ana/pontos?competencia=0000-01", ADMIN),
    ("plantao", "/publico/escalas/0000-01", {}),
])
def test_a_competencia_of_year_0000_is_a_422_naming_the_field(client_of, service, path, headers):
    r = call(client_of(service), "GET", path, headers=headers)
    assert r.status_code == 422, r.body
    assert problem(r)["field"] in ("competencia", "mes")


@pytest.mark.parametrize("body", [{"competencia": "0000-12"}])
def test_pag_a_run_for_year_0000_is_a_422(client_of, body):
    r = call(client_of("pagamentos"), "POST", "/execucoes", body, {**DIMAG, "Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 422 and problem(r)["field"] == "competencia"


@pytest.mark.parametrize("memo", ["x", "2026-0", "2026-01", "2026-01x", "0000-01-PLANTAO"])
@pytest.mark.parametrize("suffix", ["", "/csv", "/pdf"])
def test_a_memo_id_too_short_or_impossible_is_a_404(client_of, memo, suffix):
    accept = "application/pdf" if suffix == "/pdf" else "*/*"
    r = call(client_of("pagamentos"), "GET", f"/memorandos/{memo}{suffix}", headers={**DIMAG, "Accept": accept})
    assert r.status_code == 404, r.body
    assert problem(r)["status"] == 404


@pytest.mark.parametrize("accept", [None, "application/json", "text/html"])
def test_a_pdf_asked_without_accepting_a_pdf_is_a_406_problem_naming_the_header(client_of, accept):
    headers = {**DIMAG, **({"Accept": accept} if accept else {})}
    r = client_of("pagamentos").http.get("/memorandos/2026-01-plantao_magistrados/pdf", headers=headers)
    assert r.status_code == 406, r.body
    assert problem(r)["field"] == "Accept" and "application/pdf" in problem(r)["detail"]


@pytest.mark.parametrize("service,method,path,headers", [
    ("pagamentos", "POST", "/execucoes", DIMAG),
    ("cooperacao", "PUT", "/servidores/ana", ADMIN),
])
def test_chalice_s_own_415_is_a_problem_with_a_correlation_id(client_of, service, method, path, headers):
    """Chalice refuses a Content-Type inside the Lambda, where API Gateway's GatewayResponses cannot reach."""
    r = client_of(service).http.request(method, path, body="<x/>",
                                        headers={**headers, "Content-Type": "application/xml",
                                                 "X-Correlation-Id": "teste-415"})
    assert r.status_code == 415, r.body
    body = problem(r)
    assert body["code"] == "TIPO_NAO_SUPORTADO" and body["field"] == "Content-Type"
    assert body["correlation_id"] == "teste-415" and r.headers["X-Correlation-Id"] == "teste-415"
    assert "Code" not in body and "xml" not in body["detail"]
