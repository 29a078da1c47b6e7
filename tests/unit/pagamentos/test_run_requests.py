"""PAG-01 by hand, asynchronously: ``POST /execucoes`` records a run request (202) and the service's own consumer
runs the month; the status says pendente → em_andamento → concluida (or falhou)."""

from __future__ import annotations

import pytest
from chalicelib.pagamentos.domain.model import Month

from courtlib.errors import Busy, NotFound, Refusal
from courtlib.messaging.contracts import PaymentRunRequested, event_type_of, parse_event
from tests.unit.pagamentos.test_service import World

MARCH = Month(2027, 3)


@pytest.fixture
def world() -> World:
    return World()


def _requested(world: World) -> list:
    return [e for e in world.repo.events if e.type == event_type_of(PaymentRunRequested)]


def _run(world: World, event):
    return world.service.run_requested(parse_event(event))


def test_pag_01_a_request_records_pending_its_audit_and_one_event_and_runs_nothing_yet(world):
    request = world.service.request_run(MARCH, "corr-1", "dimag.folha")
    assert (request.competencia, request.situacao, request.execucao) == ("2027-03", "pendente", 1)
    [event] = _requested(world)
    assert event.correlationid == "corr-1" and event.data["competencia"] == "2027-03"
    assert world.repo.writes == ["solicitacao 2027-03"]  # no memo, no run mark yet
    [record] = world.repo.audits
    assert (record.act, record.target, record.rules) == ("PAG.EXECUCAO.SOLICITAR", ("competencia", "2027-03"),
                                                         ("PAG-01", "PAG-10"))
    assert record.after == {"situacao": "pendente", "execucao": 1}
    assert world.queries.run_status("2027-03")["situacao"] == "pendente"


def test_pag_01_a_second_request_while_pending_answers_the_same_and_records_nothing(world):
    first = world.service.request_run(MARCH, "c1", "dimag")
    writes = list(world.repo.writes)
    assert world.service.request_run(MARCH, "c2", "dimag") == first
    assert world.repo.writes == writes and len(_requested(world)) == 1 and len(world.repo.audits) == 1


def test_pag_01_the_consumer_runs_the_month_and_marks_it_concluded_with_its_results(world):
    world.service.request_run(MARCH, "c1", "dimag")
    [event] = _requested(world)
    _run(world, event)
    status = world.queries.run_status("2027-03")
    assert status["situacao"] == "concluida" and status["iniciado_em"] and status["concluido_em"]
    assert set(status["resumo"]["memorandos"]) and status["resumo"]["competencias_revistas"] == []
    assert world.repo.acts() == ["PAG.EXECUCAO.SOLICITAR", "PAG.EXECUCAO.MENSAL"]
    writes = list(world.repo.writes)
    assert _run(world, event) is None and world.repo.writes == writes  # a redelivery runs nothing


def test_pag_01_after_a_concluded_run_a_new_request_is_a_new_run_that_changes_nothing(world):
    world.service.request_run(MARCH, "c1", "dimag")
    _run(world, _requested(world)[0])
    second = world.service.request_run(MARCH, "c2", "dimag")
    assert (second.situacao, second.execucao) == ("pendente", 2)
    _run(world, _requested(world)[1])
    assert world.queries.run_status("2027-03")["situacao"] == "concluida"
    assert world.repo.acts().count("PAG.EXECUCAO.MENSAL") == 1  # PAG-01: a repeated run records nothing


def test_pag_01_a_run_cut_off_midway_is_retried_and_resumes(world, monkeypatch):
    world.service.request_run(MARCH, "c1", "dimag")
    [event] = _requested(world)
    original = type(world.service).run

    def crash(self, month):
        raise TimeoutError("cortado")

    monkeypatch.setattr(type(world.service), "run", crash)
    with pytest.raises(TimeoutError):
        _run(world, event)
    assert world.queries.run_status("2027-03")["situacao"] == "falhou"
    monkeypatch.setattr(type(world.service), "run", original)
    _run(world, event)
    status = world.queries.run_status("2027-03")
    assert status["situacao"] == "concluida" and "motivo" not in status


def test_pag_01_a_refusal_during_the_run_marks_it_failed_with_the_reason(world, monkeypatch):
    world.service.request_run(MARCH, "c1", "dimag")

    def refuse(self, month):
        raise Refusal("PAG-01", "Tabela de subsídios ausente.")

    monkeypatch.setattr(type(world.service), "run", refuse)
    _run(world, _requested(world)[0])
    status = world.queries.run_status("2027-03")
    assert (status["situacao"], status["motivo"]) == ("falhou", "Tabela de subsídios ausente.")


def test_pag_01_never_requested_nor_run_is_not_found(world):
    with pytest.raises(NotFound):
        world.queries.run_status("2027-02")


def test_pag_01_a_month_run_by_the_schedule_says_when_it_finished_and_what_it_left(world):
    """DIMAG follows a scheduled run at the same status resource: it was asked by nobody, yet it says when it ended
    and each memo it left (status and total), as a requested run's summary does."""
    world.service.run(MARCH)
    status = world.queries.run_status("2027-03")
    assert (status["situacao"], status["solicitado_por"], status["solicitado_em"]) == ("concluida", "agendamento",
                                                                                         None)
    assert status["concluido_em"] == world.now.isoformat()
    memos = status["resumo"]["memorandos"]
    assert memos and all({"status", "linhas", "total"} <= set(m) for m in memos.values())
    assert status["resumo"]["competencias_revistas"] == []


def _ended_by_another(world: World, month: Month, situacao: str, then=None) -> None:
    """Another writer ends the month's run between this request's read and its commit (``then``: once more)."""
    stored = world.repo.run_requests.get(str(month)) or {"competencia": str(month), "situacao": "pendente",
                                                         "solicitado_por": "outro", "solicitado_em": "x",
                                                         "correlacao": "c-outro", "execucao": 1}
    world.repo.run_requests[str(month)] = {**stored, "situacao": situacao}
    if then is not None:
        world.repo.before_commit.append(then)


def test_pag_01_two_requests_at_once_record_one_and_both_answer_it(world):
    world.repo.before_commit.append(lambda: world.service.request_run(MARCH, "c-outra", "admin.ti"))
    mine = world.service.request_run(MARCH, "c-minha", "dimag")
    assert (mine.solicitado_por, mine.execucao) == ("admin.ti", 1)  # the one that committed first
    assert len(_requested(world)) == 1 and world.repo.acts() == ["PAG.EXECUCAO.SOLICITAR"]


def test_pag_01_requests_that_lose_every_write_end_in_busy_503_and_write_nothing(world):
    world.repo.before_commit.append(lambda: _ended_by_another(
        world, MARCH, "concluida", then=lambda: _ended_by_another(world, MARCH, "falhou")))
    with pytest.raises(Busy) as busy:
        world.service.request_run(MARCH, "c", "dimag")
    assert (busy.value.status, busy.value.retry_after, busy.value.code) == (503, 1, "CONCORRENCIA")
    assert busy.value.detail.startswith("Execução de 2027-03 pedida ao mesmo tempo")
    assert _requested(world) == [] and world.repo.audits == [] and "solicitacao 2027-03" not in world.repo.writes
    assert world.repo.run_requests["2027-03"]["solicitado_por"] == "outro"  # only the other writer's
