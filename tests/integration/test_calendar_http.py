"""The court calendar over HTTP (CAL-01..03): plantao-svc owns it, every service answers from its copy."""

from __future__ import annotations

import json

import pytest

from courtlib.http.testing import bearer
from tests.integration.lambda_events import sqs_event

ADMIN = bearer("admin.ti", "admin")
SERVANT = bearer("servidor.ana", "servidor")


def _post(client, body: dict, headers: dict | None = None):
    return client.http.post("/calendario/dias", body=json.dumps(body),
                            headers={"Content-Type": "application/json", **ADMIN, **(headers or {})})


def _relay_pending(settings_of) -> None:
    """What the stream relay would do: publish the outbox (the sweeper path, without waiting)."""
    from datetime import timedelta

    from courtlib.messaging.relay import OutboxRelay

    OutboxRelay(settings_of("plantao")).sweep(older_than=timedelta(0))


def _deliver(settings_of, service: str, times: int = 1, correlation: str | None = None) -> list[dict]:
    """Receives the service's whole queue and hands its messages (those of ``correlation`` if given; the others are
    deleted) to its consume_events handler ``times`` times."""
    import boto3

    from devstack.apps import load_app

    settings = settings_of(service)
    sqs = boto3.client("sqs", region_name=settings.region)
    handler = load_app(service).handler_map["consume_events"]
    results: list[dict] = []
    # The whole queue, ten at a time: requests send their events at once (eager dispatch), so other tests' are there.
    while messages := sqs.receive_message(QueueUrl=settings.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        bodies = [m["Body"] for m in messages if correlation is None or correlation in m["Body"]]
        for _ in range(times if bodies else 0):
            results.append(handler(sqs_event(bodies, settings.queue_url), None))
        for message in messages:
            sqs.delete_message(QueueUrl=settings.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return results


def test_cal_01_municipal_holiday_registered_by_admin_changes_dias_uteis(client_of):
    plantao = client_of("plantao")
    before = plantao.http.get("/calendario/dias-uteis?inicio=2027-03-01&fim=2027-03-05&municipio=5103403")
    assert before.status_code == 200 and before.json_body["dias_uteis"] == 5
    created = _post(plantao, {"data": "2027-03-03", "tipo": "feriado_municipal", "municipio": "5103403",
                              "descricao": "Aniversário de Cuiabá (teste)", "decretado_em": "2027-01-10"})
    assert created.status_code == 201, created.body
    after = plantao.http.get("/calendario/dias-uteis?inicio=2027-03-01&fim=2027-03-05&municipio=5103403")
    assert after.json_body["dias_uteis"] == 4
    assert after.json_body["dias_sem_expediente"][0]["data"] == "2027-03-03"
    elsewhere = plantao.http.get("/calendario/dias-uteis?inicio=2027-03-01&fim=2027-03-05&municipio=5108402")
    assert elsewhere.json_body["dias_uteis"] == 5


def test_cal_02_recesso_is_reported_with_its_reason(client_of):
    response = client_of("pagamentos").http.get("/calendario/situacao/2026-12-22")
    assert response.status_code == 200
    assert response.json_body["dia_util"] is False
    assert "recesso" in response.json_body["motivo"].lower()


def test_only_admin_writes_the_calendar(client_of):
    plantao = client_of("plantao")
    body = {"data": "2027-04-01", "tipo": "ponto_facultativo", "descricao": "Ponto facultativo"}
    assert _post(plantao, body, headers=SERVANT).status_code == 403
    anonymous = plantao.http.post("/calendario/dias", body=json.dumps(body),
                                  headers={"Content-Type": "application/json"})
    assert anonymous.status_code == 401
    assert anonymous.headers["Content-Type"] == "application/problem+json"


def test_other_services_do_not_offer_calendar_writes(client_of):
    response = client_of("pagamentos").http.post("/calendario/dias", body="{}", headers={
        "Content-Type": "application/json", **ADMIN})
    assert response.status_code in (403, 405)


def test_bad_input_is_a_problem_and_writes_nothing(client_of):
    plantao = client_of("plantao")
    response = _post(plantao, {"data": "2027-05-02", "tipo": "feriado_municipal", "descricao": "Sem município"})
    assert response.status_code == 422
    assert response.json_body["code"] == "VALIDACAO"
    assert "município" in response.json_body["detail"]
    listed = plantao.http.get("/calendario/dias?ano=2027")
    assert "2027-05-02" not in [item["data"] for item in listed.json_body["itens"]]
    bad_date = plantao.http.get("/calendario/situacao/2027-13-45")
    assert bad_date.status_code == 422 and bad_date.json_body["field"] == "data"
    too_long = plantao.http.get("/calendario/dias-uteis?inicio=2026-01-01&fim=2027-06-01")
    assert too_long.status_code == 422


@pytest.mark.parametrize("municipio", ["", "   ", "*", "Cuiabá#1"])
def test_a_blank_or_reserved_municipality_is_a_422_not_a_500(client_of, municipio):
    """Found by the fuzzer: the calendar entry's own refusal escaped as a 500."""
    plantao = client_of("plantao")
    response = _post(plantao, {"data": "2027-05-03", "tipo": "ponto_facultativo", "descricao": "Ponto facultativo",
                               "municipio": municipio})
    assert response.status_code == 422, response.body
    assert response.json_body["code"] == "VALIDACAO" and response.json_body["field"] == "municipio"
    listed = plantao.http.get("/calendario/dias?ano=2027")
    assert "2027-05-03" not in [item["data"] for item in listed.json_body["itens"]]


def test_cal_03_calendar_event_reaches_every_consumer_once(client_of, settings_of):
    """An admin's registration on plantao-svc is applied by each consumer once, even delivered twice."""
    plantao = client_of("plantao")
    for service in ("cooperacao", "distribuicao", "pagamentos"):
        _deliver(settings_of, service)  # leftovers of other tests
    created = _post(plantao, {"data": "2027-06-11", "tipo": "ponto_facultativo",
                              "descricao": "Ponto facultativo de teste", "decretado_em": "2027-06-01"},
                    headers={"X-Correlation-Id": "corr-cal-03"})
    assert created.status_code == 201
    _relay_pending(settings_of)
    for service in ("cooperacao", "distribuicao", "pagamentos"):
        results = _deliver(settings_of, service, times=2, correlation="corr-cal-03")
        assert all(result == {"batchItemFailures": []} for result in results)
        status = client_of(service).http.get("/calendario/situacao/2027-06-11")
        assert status.json_body["dia_util"] is False, service
        assert "ponto facultativo" in status.json_body["motivo"].lower()

    removed = plantao.http.delete("/calendario/dias/2027-06-11/ponto_facultativo", headers=ADMIN)
    assert removed.status_code == 204
    _relay_pending(settings_of)
    _deliver(settings_of, "pagamentos")
    assert client_of("pagamentos").http.get("/calendario/situacao/2027-06-11").json_body["dia_util"] is True
    missing = plantao.http.delete("/calendario/dias/2027-06-11/ponto_facultativo", headers=ADMIN)
    assert missing.status_code == 404


@pytest.mark.parametrize("service", ["cooperacao", "plantao", "distribuicao", "pagamentos"])
def test_health_and_openapi(client_of, service):
    client = client_of(service)
    health = client.http.get("/health")
    assert health.status_code == 200, health.body
    assert health.json_body["verificacoes"] == {"tabela": "ok", "fila": "ok"}
    document = client.http.get("/openapi.json").json_body
    assert document["openapi"] == "3.1.0"
    assert "/calendario/dias-uteis" in document["paths"]
    assert "/health" in document["paths"]


def test_dlq_admin_requires_admin(client_of):
    client = client_of("pagamentos")
    assert client.http.get("/admin/dlq", headers=SERVANT).status_code == 403
    listed = client.http.get("/admin/dlq", headers=ADMIN)
    assert listed.status_code == 200
    assert "total_aproximado" in listed.json_body


def test_partner_keys_are_administered_by_admin(client_of):
    from courtlib.auth.partners import sign_request

    client = client_of("distribuicao")
    headers = {"Content-Type": "application/json", **ADMIN}
    created = client.http.post("/admin/parceiros", body=json.dumps({"id": "TJSC", "nome": "Tribunal de Justiça de SC"}),
                               headers=headers)
    assert created.status_code == 201 and len(created.json_body["segredo"]) >= 32
    assert client.http.post("/admin/parceiros", body=json.dumps({"id": "tjsc", "nome": "x"}),
                            headers=headers).status_code == 422
    assert client.http.post("/admin/parceiros", body=json.dumps({"id": "TJRS", "nome": "TJRS"}),
                            headers={"Content-Type": "application/json", **SERVANT}).status_code == 403
    assert sign_request("TJSC", created.json_body["segredo"], "GET", "/x")["X-Parceiro-Id"] == "TJSC"
    assert client.http.delete("/admin/parceiros/TJSC", headers=ADMIN).status_code == 204
    assert client.http.delete("/admin/parceiros/TJXX", headers=ADMIN).status_code == 404


@pytest.mark.parametrize("given", ["Várzea Grande", "varzea grande"])
def test_cal_01_a_municipal_holiday_given_by_name_is_stored_by_ibge_code_and_counts_by_code_and_name(
        client_of, given):
    plantao = client_of("plantao")
    created = _post(plantao, {"data": "2027-09-14", "tipo": "feriado_municipal", "municipio": given,
                              "descricao": "Feriado de Várzea Grande (teste)", "decretado_em": "2027-01-10"})
    assert created.status_code == 201, created.body
    assert created.json_body["municipio"] == "5108402"
    listed = plantao.http.get("/calendario/dias?ano=2027").json_body["itens"]
    assert [i["municipio"] for i in listed if i["data"] == "2027-09-14"] == ["5108402"]
    for asked in ("5108402", "Várzea Grande", "VARZEA GRANDE"):
        status = plantao.http.get(f"/calendario/situacao/2027-09-14?municipio={asked}")
        assert status.status_code == 200, status.body
        assert status.json_body["dia_util"] is False, asked
        assert status.json_body["municipio"] == "5108402"
    assert plantao.http.get("/calendario/situacao/2027-09-14?municipio=Cuiab%C3%A1").json_body["dia_util"] is True
    counted = plantao.http.get("/calendario/dias-uteis?inicio=2027-09-13&fim=2027-09-17&municipio=varzea%20grande")
    assert counted.json_body["dias_uteis"] == 4


@pytest.mark.parametrize("municipio", ["9999999", "Atlantis"])
def test_cal_01_an_unregistered_municipality_is_a_422_naming_municipio_and_writes_nothing(client_of, municipio):
    plantao = client_of("plantao")
    response = _post(plantao, {"data": "2027-09-15", "tipo": "feriado_municipal", "municipio": municipio,
                               "descricao": "Feriado de lugar nenhum", "decretado_em": "2027-01-10"})
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json_body["field"] == "municipio" and "município" in response.json_body["detail"]
    listed = plantao.http.get("/calendario/dias?ano=2027")
    assert "2027-09-15" not in [item["data"] for item in listed.json_body["itens"]]
    for path in (f"/calendario/situacao/2027-09-15?municipio={municipio}",
                 f"/calendario/dias-uteis?inicio=2027-09-13&fim=2027-09-17&municipio={municipio}",
                 f"/calendario/dias?ano=2027&municipio={municipio}"):
        read = client_of("pagamentos").http.get(path)
        assert read.status_code == 422 and read.json_body["field"] == "municipio", path


def test_cal_01_an_empty_municipio_query_asks_for_the_tribunal_as_a_whole(client_of):
    status = client_of("pagamentos").http.get("/calendario/situacao/2026-12-22?municipio=")
    assert status.status_code == 200 and status.json_body["municipio"] is None


def test_the_courts_today_is_a_public_read_of_plantao_by_the_courts_clock_and_zone(client_of):
    """Pages start their date fields at the court's today: on a local stack playing a month it is months ahead of the
    browser's. 23:30 in Brasília is already tomorrow in UTC: the answer is the court's day."""
    from datetime import UTC, datetime

    from courtlib import clock

    plantao = client_of("plantao")
    with clock.using(clock.SettableClock(datetime(2027, 3, 20, 2, 30, 15, 123456, tzinfo=UTC), frozen=True)):
        answer = plantao.http.get("/calendario/hoje")
    assert answer.status_code == 200, answer.body
    assert answer.json_body == {"data": "2027-03-19", "agora": "2027-03-19T23:30:15-03:00",
                                "fuso": "America/Sao_Paulo"}
    described = plantao.http.get("/openapi.json").json_body["paths"]["/calendario/hoje"]["get"]
    assert "security" not in described or described["security"] == []  # public, as the pages read it signed out
    schema = described["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/HojeDoTribunal")
    assert "/calendario/hoje" not in client_of("pagamentos").http.get("/openapi.json").json_body["paths"]
