"""distribuicao-svc's schedules on moto (DIST-06, DIST-08, DIST-11), invoked as EventBridge would invoke them."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta

import boto3
import pytest
from chalicelib.distribuicao.domain.cnj import parse_cnj
from chalicelib.distribuicao.domain.log import SEGREDO

from tests.integration.test_distribuicao_http import ADMIN, TZ, distribute, new_orgao, orgao_body, post


def scheduled_event() -> dict:
    return {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": datetime.now(TZ).isoformat(), "region": "sa-east-1",
            "resources": ["arn:aws:events:sa-east-1:123456789012:rule/x"], "detail": {}}


@pytest.fixture
def client(client_of):
    return client_of("distribuicao")


@pytest.fixture
def run(service_app):
    app = service_app("distribuicao")
    return lambda name: app.handler_map[name](scheduled_event(), None)


@pytest.fixture
def app_deps(service_app):
    service_app("distribuicao")
    return sys.modules["distribuicao_app"].deps


def test_the_app_exports_the_schedules_next_to_the_messaging_handlers(service_app):
    app = service_app("distribuicao")
    names = {source.name for source in app.event_sources}
    assert {"consume_events", "relay_outbox", "sweep_outbox", "publish_seed_commitments", "apply_absence_rules",
            "publish_edital"} <= names
    module = sys.modules["distribuicao_app"]
    assert callable(module.publish_edital) and callable(module.apply_absence_rules)


def test_dist_11_daily_schedule_creates_today_and_tomorrow_commitments(run, settings_of, client):
    from chalicelib.distribuicao.adapters.seeds import SeedStore

    summary = run("publish_seed_commitments")
    today = datetime.now(TZ).date()
    assert summary["dias"] == [today.isoformat(), (today + timedelta(days=1)).isoformat()]
    stored = SeedStore(settings_of("distribuicao")).published(today, today + timedelta(days=1))
    assert [p.day for p in stored] == [today, today + timedelta(days=1)]
    assert all(len(p.commitment) == 64 for p in stored)
    assert run("publish_seed_commitments") == {**summary, "criadas": []}, "running twice keeps the same seeds"
    again = SeedStore(settings_of("distribuicao")).published(today, today + timedelta(days=1))
    assert [p.commitment for p in again] == [p.commitment for p in stored]


def _seat_with_case(client, orgao: str, urgent: bool) -> tuple[str, dict]:
    made = distribute(client, orgao, urgente=urgent) if urgent else distribute(client, orgao)
    assert made.status_code == 201, made.body
    return made.json_body["numero_processo"], made.json_body


def test_dist_06_after_15_days_absent_without_substitute_the_cases_are_redistributed(client, run, app_deps,
                                                                                       monkeypatch):
    orgao = new_orgao(client, orgao_body(substitutes=()))
    numero, _ = _seat_with_case(client, orgao, urgent=False)
    before = app_deps.repository.get_case(parse_cnj(numero))
    start = (datetime.now(TZ).date() - timedelta(days=20)).isoformat()
    response = post(client, f"/orgaos/{orgao}/ausencias", {"juiz": before.relator, "inicio": start,
                                                         "motivo": "licença"}, headers=ADMIN)
    assert response.status_code == 201, response.body
    summary = run("apply_absence_rules")
    assert summary["acoes"].get("redistribuir_ausencia", 0) >= 1
    after = app_deps.repository.get_case(parse_cnj(numero))
    assert after.rule == "redistribuicao_ausencia"
    assert after.relator != before.relator and after.seat != before.seat
    assert after.home_seat == before.seat
    assert after.current_seq > before.current_seq
    second = run("apply_absence_rules")
    assert app_deps.repository.get_case(parse_cnj(numero)).current_seq == after.current_seq, "applied once"
    assert second["falhas"] == 0


def test_dist_06_urgent_case_goes_at_once_to_another_judge_before_15_days(client, run, app_deps):
    orgao = new_orgao(client, orgao_body(substitutes=()))
    urgent, _ = _seat_with_case(client, orgao, urgent=True)
    relator = app_deps.repository.get_case(parse_cnj(urgent))
    start = (datetime.now(TZ).date() - timedelta(days=3)).isoformat()
    assert post(client, f"/orgaos/{orgao}/ausencias", {"juiz": relator.relator, "inicio": start},
                headers=ADMIN).status_code == 201
    run("apply_absence_rules")
    after = app_deps.repository.get_case(parse_cnj(urgent))
    assert after.rule == "urgencia_ausencia" and after.seat != relator.seat
    assert after.home_seat == relator.seat


def test_dist_06_when_the_relator_returns_the_case_comes_back(client, run, app_deps):
    orgao = new_orgao(client, orgao_body(substitutes=()))
    urgent, _ = _seat_with_case(client, orgao, urgent=True)
    first = app_deps.repository.get_case(parse_cnj(urgent))
    today = datetime.now(TZ).date()
    absence = {"juiz": first.relator, "inicio": (today - timedelta(days=3)).isoformat(),
               "fim": (today + timedelta(days=5)).isoformat()}
    assert post(client, f"/orgaos/{orgao}/ausencias", absence, headers=ADMIN).status_code == 201
    run("apply_absence_rules")
    moved = app_deps.repository.get_case(parse_cnj(urgent))
    assert moved.seat != first.seat
    # The órgão is re-registered without the absence: the titular is back.
    body = orgao_body(substitutes=())
    response = client.http.put(f"/orgaos/{orgao}", body=json.dumps(body),
                               headers={"Content-Type": "application/json", **ADMIN})
    assert response.status_code == 200, response.body
    run("apply_absence_rules")
    back = app_deps.repository.get_case(parse_cnj(urgent))
    assert back.rule == "retorno" and back.seat == first.seat and back.home_seat is None


def test_dist_08_edital_of_the_closed_fortnight_is_stored_as_json_and_pdf_idempotently(
        client, run, app_deps, settings_of, monkeypatch):
    orgao = new_orgao(client)
    inside = datetime(2026, 4, 20, 10, 0, tzinfo=TZ)  # in 16–30/04
    monkeypatch.setattr(app_deps, "clock", lambda: inside)
    made = [distribute(client, orgao, segredo_justica=(n == 1)).json_body["numero_processo"] for n in range(3)]
    monkeypatch.setattr(app_deps, "clock", lambda: datetime(2026, 5, 2, 10, 0, tzinfo=TZ))
    outside = distribute(client, orgao).json_body["numero_processo"]  # next fortnight: not in this edital
    monkeypatch.setattr(app_deps, "clock", lambda: datetime(2026, 5, 1, 1, 0, tzinfo=TZ))
    summary = run("publish_edital")
    assert (summary["inicio"], summary["fim"]) == ("2026-04-16", "2026-04-30")
    settings = settings_of("distribuicao")
    s3 = boto3.client("s3", region_name=settings.region)
    document = json.loads(s3.get_object(Bucket=settings.documents_bucket, Key=summary["json_key"])["Body"].read())
    numbers = [row["numero_processo"] for row in document["distribuicoes"]]
    assert set(made) <= set(numbers) and outside not in numbers
    secret = next(row for row in document["distribuicoes"] if row["numero_processo"] == made[1])
    assert secret["partes"] == SEGREDO and secret["advogados"] == SEGREDO
    pdf = s3.get_object(Bucket=settings.documents_bucket, Key=summary["pdf_key"])["Body"].read()
    assert pdf.startswith(b"%PDF")
    versions = s3.list_object_versions(Bucket=settings.documents_bucket, Prefix=summary["json_key"])
    count = len(versions.get("Versions", []))
    assert run("publish_edital") == {**summary, "gravados": []}, "the same log gives the same documents"
    again = s3.list_object_versions(Bucket=settings.documents_bucket, Prefix=summary["json_key"])
    assert len(again.get("Versions", [])) == count


def test_dist_08_edital_on_the_16th_covers_the_first_fortnight(run, app_deps, monkeypatch):
    monkeypatch.setattr(app_deps, "clock", lambda: datetime(2026, 2, 16, 1, 0, tzinfo=TZ))
    summary = run("publish_edital")
    assert (summary["inicio"], summary["fim"]) == ("2026-02-01", "2026-02-15")


@pytest.mark.parametrize(("today", "period"), [
    (datetime(2026, 11, 25, 15, 0, tzinfo=TZ), ("2026-11-01", "2026-11-15")),  # a manual run mid-fortnight
    (datetime(2026, 11, 16, 0, 5, tzinfo=TZ), ("2026-11-01", "2026-11-15")),
    (datetime(2026, 12, 1, 0, 5, tzinfo=TZ), ("2026-11-16", "2026-11-30")),
    (datetime(2026, 12, 15, 23, 0, tzinfo=TZ), ("2026-11-16", "2026-11-30")),  # 15/12 is still open
])
def test_dist_08_edital_never_covers_a_period_still_open(run, app_deps, monkeypatch, today, period):
    monkeypatch.setattr(app_deps, "clock", lambda: today)
    summary = run("publish_edital")
    assert (summary["inicio"], summary["fim"]) == period
