"""COOP-11 by hand, asynchronously: ``POST /fechamentos`` records a request (202) and the service's own consumer
runs the close, fanned out in parts (a slice of the month's servants each); the status says pendente →
em_andamento (parts done/total) → concluida (or falhou)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from chalicelib.cooperacao.ports import MonthTotal
from chalicelib.cooperacao.service import CloseResult
from chalicelib.cooperacao.shards import MONTH_SHARDS, PART_COUNTS
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.errors import Busy, NotFound, Refusal
from courtlib.messaging.contracts import MonthlyClosePartRequested, MonthlyCloseRequested, event_type_of, parse_event
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


def _parts(world, event) -> list:
    """The parts' events the run of ``event`` (a request's) fanned out into, in part order."""
    kind, run = event_type_of(MonthlyClosePartRequested), (event.data["competencia"], event.data["execucao"])
    found = [e for e in world.repo.events if e.type == kind and (e.data["competencia"], e.data["execucao"]) == run]
    return sorted(found, key=lambda e: e.data["parte"])


def _run_part(world, part) -> object:
    return world.service.close_part(parse_event(part), part.correlationid)


def _run(world, event) -> object:
    """The queue's delivery of the request's event, then of each part's: the last status the consumer returned."""
    last = world.service.run_requested_close(parse_event(event), event.correlationid)
    for part in _parts(world, event):
        last = _run_part(world, part) or last
    return last


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
    assert status["situacao"] == "concluida"
    assert {k: status["resumo"][k] for k in ("servidores", "publicados", "ajustes", "partes", "partes_concluidas")} \
        == {"servidores": 2, "publicados": 2, "ajustes": 0, "partes": 4, "partes_concluidas": 4}
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
    original = service_type._close_servants

    def crash(self, *args, **kwargs) -> CloseResult:
        raise TimeoutError("cortado")

    monkeypatch.setattr(service_type, "_close_servants", crash)
    with pytest.raises(TimeoutError):
        _run(world, event)
    failed = world.queries.close("2026-03")
    assert failed["situacao"] == "falhou" and "tentará de novo" in failed["motivo"]
    monkeypatch.setattr(service_type, "_close_servants", original)
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ) + timedelta(minutes=10))
    for part in _parts(world, event):
        _run_part(world, part)  # the queue's redelivery of the part (and the parts not yet delivered)
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"]["publicados"] == 1 and "motivo" not in status
    assert status["iniciado_em"] == failed["iniciado_em"]


def test_coop_11_a_refusal_during_the_run_marks_it_failed_with_the_reason(world, monkeypatch):
    world.service.request_close("2026-03", "c1", "dimag")

    def refuse(self, *args, **kwargs) -> CloseResult:
        raise Refusal("COOP-11", "Configuração do fechamento ausente.")

    monkeypatch.setattr(type(world.service), "_close_servants", refuse)
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


# --- the fan-out: a run in parts, each a slice of the month's servants (issue 15) ---------------------------------

SERVANTS = {"ana": 60, "carla": 125, "davi": 300}


def _gratificacoes(world) -> list[tuple[str, int, str, int, str]]:
    return sorted((e.data["servidor"], e.data["revisao"], e.data["natureza"], e.data["minutos"], e.data["valor"])
                  for e in world.repo.events if e.type.endswith("gratificacao-apurada.v1"))


def test_coop_11_every_part_of_a_run_together_publish_what_one_whole_run_publishes():
    whole, fanned = make_world(), make_world()
    for w in (whole, fanned):
        w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
        _with_hours(w, SERVANTS)
    result = whole.service.close_month("2026-03", "c", "dimag")
    fanned.service.request_close("2026-03", "c", "dimag")
    [event] = _requested(fanned)
    started = fanned.service.run_requested_close(parse_event(event), event.correlationid)
    assert started is not None and started.situacao == "em_andamento"
    parts = _parts(fanned, event)
    assert [p.data["parte"] for p in parts] == [0, 1, 2, 3] and {p.data["partes"] for p in parts} == {4}
    assert len({p.id for p in parts}) == 4  # one event per part
    for part in parts:
        _run_part(fanned, part)
    assert _gratificacoes(fanned) == _gratificacoes(whole) and len(_gratificacoes(fanned)) == len(SERVANTS)
    status = fanned.queries.close("2026-03")
    assert status["situacao"] == "concluida"
    assert (status["resumo"]["servidores"], status["resumo"]["publicados"]) == (result.servants, result.published)
    assert fanned.repo.close_markers["2026-03"]["publicados"] == whole.repo.close_markers["2026-03"]["publicados"]
    # ONE audit record per run, written with the run's end (by the part that completed it)
    [record] = [a for a in fanned.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]
    assert record.after["publicados"] == len(SERVANTS) and record.target == ("fechamento", "2026-03")


def test_coop_11_the_status_counts_the_parts_done_and_is_concluded_only_when_all_are(world):
    _with_hours(world, SERVANTS)
    world.service.request_close("2026-03", "c", "dimag")
    [event] = _requested(world)
    world.service.run_requested_close(parse_event(event), event.correlationid)
    assert world.queries.close("2026-03")["resumo"] == {"partes": 4, "partes_concluidas": 0}
    parts = _parts(world, event)
    for done, part in enumerate(parts[:-1], start=1):
        _run_part(world, part)
        status = world.queries.close("2026-03")
        assert status["situacao"] == "em_andamento" and status["resumo"] == {"partes": 4, "partes_concluidas": done}
        assert not [a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]  # the run is not over
    _run_part(world, parts[-1])
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"]["partes_concluidas"] == 4


def test_coop_11_a_redelivered_part_or_request_applies_nothing_twice(world):
    _with_hours(world, SERVANTS)
    world.service.request_close("2026-03", "c", "dimag")
    [event] = _requested(world)
    world.service.run_requested_close(parse_event(event), event.correlationid)
    commits = world.repo.commits
    assert world.service.run_requested_close(parse_event(event), event.correlationid) is None  # fanned out already
    assert world.repo.commits == commits and len(_parts(world, event)) == 4
    first, *rest = _parts(world, event)
    _run_part(world, first)
    published, commits = _gratificacoes(world), world.repo.commits
    _run_part(world, first)  # a redelivery of a part done: no publication, no count twice
    assert _gratificacoes(world) == published
    assert world.queries.close("2026-03")["resumo"]["partes_concluidas"] == 1
    for part in rest + rest:  # every other part delivered twice
        _run_part(world, part)
    assert len(_gratificacoes(world)) == len(SERVANTS)  # each servant's gratificação published once
    assert len([a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]) == 1
    commits = world.repo.commits
    for part in _parts(world, event):
        assert _run_part(world, part) is None  # the run is concluded: its parts run nothing
    assert world.repo.commits == commits


def test_coop_11_a_part_cut_off_after_some_batches_resumes_and_publishes_each_servant_once(monkeypatch):
    world = make_world(fechamento_lote=1)  # one servant per batch: a part commits batch by batch
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    _with_hours(world, SERVANTS)
    world.service.request_close("2026-03", "c", "dimag")
    [event] = _requested(world)
    world.service.run_requested_close(parse_event(event), event.correlationid)
    service_type = type(world.service)
    publish = service_type._publish
    calls = {"n": 0}

    def publish_then_crash(self, batch, correlation_id):
        calls["n"] += 1
        if calls["n"] == 2:
            raise TimeoutError("cortado no meio")
        return publish(self, batch, correlation_id)

    monkeypatch.setattr(service_type, "_publish", publish_then_crash)
    with pytest.raises(TimeoutError):
        for part in _parts(world, event):
            _run_part(world, part)
    failed = world.queries.close("2026-03")
    assert failed["situacao"] == "falhou" and "tentará de novo" in failed["motivo"]
    monkeypatch.setattr(service_type, "_publish", publish)
    for part in _parts(world, event):  # the queue delivers the cut part again, and the others
        _run_part(world, part)
    servants = [g[0] for g in _gratificacoes(world)]
    assert sorted(servants) == sorted(SERVANTS)  # once each
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and "motivo" not in status


def test_coop_11_the_schedule_asks_for_the_close_and_it_runs_in_parts(world):
    from chalicelib.cooperacao import schedules

    _with_hours(world, {"ana": 60})
    world.at(datetime(2026, 4, 1, 0, 15, tzinfo=TZ))
    answer = schedules.monthly_close(world.service)
    assert answer == {"fechado": "2026-03", "situacao": "pendente", "execucao": 1}
    [record] = [a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.SOLICITAR"]
    assert record.after == {"situacao": "pendente", "execucao": 1}
    assert not _gratificacoes(world)  # nothing published in the schedule's own invocation
    _run(world, _requested(world)[0])
    status = world.queries.close("2026-03")
    assert (status["situacao"], status["solicitado_por"], status["resumo"]["publicados"]) == (
        "concluida", "agendamento", 1)
    assert schedules.monthly_close(world.service)["execucao"] == 2  # a repeated invocation: a new, silent run


@settings(max_examples=40, deadline=None)
@given(minutes=st.dictionaries(st.text("abcdefghij.", min_size=3, max_size=8), st.integers(1, 2400), min_size=1,
                               max_size=12),
       parts=st.sampled_from(PART_COUNTS), later_parts=st.sampled_from(PART_COUNTS),
       order=st.lists(st.integers(0, MONTH_SHARDS - 1), min_size=0, max_size=12), lote=st.integers(1, 3))
def test_coop_11_any_delivery_of_the_parts_publishes_what_one_whole_close_publishes(minutes, parts, later_parts,
                                                                                     order, lote):
    """Property: whatever the servants' minutes, the part count the run was fanned out in (any divisor of the 64
    shards) and however the parts arrive (any order, repeated, and after the setting changed to another count),
    once every part has arrived the gratificações are exactly one whole close's: each servant once, same minutes
    and value."""
    whole, fanned = make_world(fechamento_lote=lote), make_world(fechamento_lote=lote)
    for w in (whole, fanned):
        w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
        for servant, m in minutes.items():
            w.repo.month_totals_by_key[(servant, "2026-03")] = MonthTotal(servant, servant, "2026-03", m, 1)
    whole.service.close_month("2026-03", "c", "dimag")
    fanned.repo.parts = parts
    fanned.service.request_close("2026-03", "c", "dimag")
    [event] = _requested(fanned)
    fanned.service.run_requested_close(parse_event(event), event.correlationid)
    fanned.repo.parts = later_parts  # the setting changed while the run's parts were on the queue
    parts_events = _parts(fanned, event)
    assert len(parts_events) == parts
    for index in [*(i % parts for i in order), *range(parts)]:  # the queue's deliveries, then each part at least once
        _run_part(fanned, parts_events[index])
    assert _gratificacoes(fanned) == _gratificacoes(whole)
    assert sorted(g[0] for g in _gratificacoes(fanned)) == sorted(minutes)
    status = fanned.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"]["publicados"] == len(minutes)
    assert (status["resumo"]["partes"], status["resumo"]["partes_concluidas"]) == (parts, parts)
    assert len([a for a in fanned.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]) == 1


def test_coop_11_a_run_keeps_the_part_count_it_was_fanned_out_in_when_the_setting_changes(world):
    """A part delivered after the setting changed (4 → 16 parts) still reads its run's shards: part 1 of 4 is shards
    1, 5, 9…, not shard 1 of 16's 1, 17, 33…; the run still ends after its 4 parts, each servant published once."""
    _with_hours(world, SERVANTS)
    world.service.request_close("2026-03", "c", "dimag")
    [event] = _requested(world)
    world.service.run_requested_close(parse_event(event), event.correlationid)
    world.repo.parts = 16
    parts = _parts(world, event)
    assert len(parts) == 4
    for part in parts[:-1]:
        _run_part(world, part)
    assert world.queries.close("2026-03")["resumo"] == {"partes": 4, "partes_concluidas": 3}
    _run_part(world, parts[-1])
    status = world.queries.close("2026-03")
    assert status["situacao"] == "concluida" and status["resumo"]["partes_concluidas"] == 4
    assert sorted(g[0] for g in _gratificacoes(world)) == sorted(SERVANTS)
    world.service.request_close("2026-03", "c2", "dimag")  # the next run fans out in the new count
    _run(world, _requested(world)[-1])
    assert world.queries.close("2026-03")["resumo"]["partes"] == 16


def _ended_by_another(world, month: str, situacao: str) -> None:
    """Another writer ends the month's run (a new version), between this request's read and its commit."""
    data, version = world.repo.close_requests.get(month, ({"competencia": month, "situacao": "pendente",
                                                            "solicitado_por": "outro", "solicitado_em": "x",
                                                            "correlacao": "c-outro", "execucao": 1}, 0))
    world.repo.close_requests[month] = ({**data, "situacao": situacao}, version + 1)


def test_coop_11_two_requests_at_once_record_one_and_both_answer_it(world):
    world.repo.concurrently(lambda: world.service.request_close("2026-03", "c-outra", "admin.ti"))
    mine = world.service.request_close("2026-03", "c-minha", "dimag")
    assert (mine.solicitado_por, mine.execucao) == ("admin.ti", 1)  # the one that committed first
    assert len(_requested(world)) == 1
    assert [a.act for a in world.repo.audits if a.act == "COOP.FECHAMENTO.SOLICITAR"] == ["COOP.FECHAMENTO.SOLICITAR"]


def test_coop_11_requests_that_lose_every_write_end_in_busy_503_and_write_nothing(world):
    world.repo.concurrently(lambda: _ended_by_another(world, "2026-03", "concluida"))
    world.repo.concurrently(lambda: _ended_by_another(world, "2026-03", "falhou"))
    with pytest.raises(Busy) as busy:
        world.service.request_close("2026-03", "c", "dimag")
    assert (busy.value.status, busy.value.retry_after, busy.value.code) == (503, 1, "CONCORRENCIA")
    assert busy.value.detail.startswith("Execução do fechamento de 2026-03 pedida ao mesmo tempo")
    assert _requested(world) == [] and [a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.SOLICITAR"] == []
    assert world.repo.close_requests["2026-03"][0]["solicitado_por"] == "outro"  # only the other writer's
