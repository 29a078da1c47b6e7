"""COOP-11 by hand, asynchronously: ``POST /fechamentos`` records a request (202) and the service's own consumer
runs the close; the status says pendente → em_andamento → concluida (or falhou)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from chalicelib.cooperacao.service import CloseResult

from courtlib.errors import NotFound, Refusal
from courtlib.messaging.contracts import MonthlyCloseRequested, event_type_of, parse_event
from tests.unit.cooperacao.test_service import _with_hours
from tests.unit.cooperacao.world import TZ, make_world


@pytest.fixture
def world():
    w = make_world()
    w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    return w


def _requested(world) -> list:
    kind = event_type_of(MonthlyCloseRequested)
    return [e for e in world.repo.events if e.type == kind]


def _run(world, event) -> object:
    return world.service.run_requested_close(parse_event(event), event.correlationid)


def test_coop_11_a_request_records_pending_its_audit_and_one_event_and_runs_nothing_yet(world):
    _with_hours(world, {"ana": 60})
    published_before = len(world.repo.events)
    request = world.service.request_close(None, "corr-1", "dimag.folha")
    assert (request.competencia, request.situacao, request.solicitado_por) == ("2026-03", "pendente", "dimag.folha")
    [event] = _requested(world)
    assert len(world.repo.events) == published_before + 1  # only the request: no gratificação yet
    assert event.correlationid == "corr-1" and event.data == {"competencia": "2026-03", "execucao": 1,
                                                              "solicitado_por": "dimag.folha"}
    [record] = [a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.SOLICITAR"]
    assert record.target == ("fechamento", "2026-03") and record.rules == ("COOP-11", "COOP-06")
    assert record.before is None and record.after == {"situacao": "pendente", "execucao": 1}
    assert world.queries.close("2026-03")["situacao"] == "pendente"


def test_coop_11_a_request_for_a_month_not_ended_is_refused_and_writes_nothing(world):
    commits = world.repo.commits
    with pytest.raises(Refusal) as refused:
        world.service.request_close("2026-04", "c", "dimag")
    assert refused.value.code == "COOP-11" and world.repo.commits == commits and not world.repo.close_requests


def test_coop_11_a_second_request_while_pending_answers_the_same_and_records_nothing(world):
    first = world.service.request_close("2026-03", "c1", "dimag")
    commits = world.repo.commits
    again = world.service.request_close("2026-03", "c2", "admin.ti")
    assert again == first and world.repo.commits == commits and len(_requested(world)) == 1


def test_coop_11_the_consumer_runs_the_close_and_marks_it_concluded_with_the_counts(world):
    _with_hours(world, {"ana": 60, "carla": 90})
    world.service.request_close("2026-03", "c1", "dimag")
    [event] = _requested(world)
    world.at(datetime(2026, 4, 1, 9, 5, tzinfo=TZ))
    done = _run(world, event)
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"] == {"servidores": 2, "publicados": 2,
                                                                      "ajustes": 0, "lotes": 1}
    assert status["iniciado_em"] and status["concluido_em"] and done is not None
    closes = [a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]
    assert len(closes) == 1  # the job's own record, as when it ran synchronously
    # a redelivered event (its inbox marker lost) does not run the close again
    commits = world.repo.commits
    assert _run(world, event) is None and world.repo.commits == commits


def test_coop_11_after_a_concluded_run_a_new_request_is_a_new_run(world):
    _with_hours(world, {"ana": 60})
    world.service.request_close("2026-03", "c1", "dimag")
    _run(world, _requested(world)[0])
    second = world.service.request_close("2026-03", "c2", "dimag")
    assert (second.situacao, second.execucao) == ("pendente", 2)
    events = _requested(world)
    assert len(events) == 2 and events[0].id != events[1].id
    _run(world, events[1])
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"]["publicados"] == 0  # nothing changed
    assert len([a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]) == 1


def test_coop_11_a_run_cut_off_midway_is_retried_and_resumes(world, monkeypatch):
    _with_hours(world, {"ana": 60})
    world.service.request_close("2026-03", "c1", "dimag")
    [event] = _requested(world)
    service_type = type(world.service)
    original = service_type.close_month

    def crash(self, *args, **kwargs) -> CloseResult:
        raise TimeoutError("cortado")

    monkeypatch.setattr(service_type, "close_month", crash)
    with pytest.raises(TimeoutError):
        _run(world, event)
    failed = world.queries.close("2026-03")
    assert failed["situacao"] == "falhou" and "tentará de novo" in failed["motivo"]
    monkeypatch.setattr(service_type, "close_month", original)
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ) + timedelta(minutes=10))
    _run(world, event)  # the queue's redelivery
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"]["publicados"] == 1 and "motivo" not in status
    assert status["iniciado_em"] == failed["iniciado_em"]


def test_coop_11_a_refusal_during_the_run_marks_it_failed_with_the_reason(world, monkeypatch):
    world.service.request_close("2026-03", "c1", "dimag")

    def refuse(self, *args, **kwargs) -> CloseResult:
        raise Refusal("COOP-11", "Configuração do fechamento ausente.")

    monkeypatch.setattr(type(world.service), "close_month", refuse)
    _run(world, _requested(world)[0])
    status = world.queries.close("2026-03")
    assert status["situacao"] == "falhou" and status["motivo"] == "Configuração do fechamento ausente."
    assert world.service.request_close("2026-03", "c2", "dimag").execucao == 2  # a failed run may be asked again


def test_coop_11_never_requested_nor_closed_is_not_found(world):
    with pytest.raises(NotFound):
        world.queries.close("2026-02")


def test_coop_11_a_month_closed_only_by_the_schedule_reads_as_concluded(world):
    _with_hours(world, {"ana": 60})
    world.service.close_month("2026-03", "agenda", "agendamento")
    status = world.queries.close("2026-03")
    assert (status["situacao"], status["solicitado_por"], status["resumo"]["publicados"]) == (
        "concluida", "agendamento", 1)
