"""A scale's generation asked by hand (issue 15; PLAN-01, PLAN-02): ``request_generation`` decides what the stored
state decides and records the request, its act and its event in one transaction; the consumer's
``run_requested_generation`` makes the draft once, whatever the redeliveries. On the fakes of the ports."""

from __future__ import annotations

import pytest
from chalicelib.plantao.domain.errors import PlantaoError, StateConflict
from chalicelib.plantao.domain.scales import Kind, Month
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.errors import Busy, WriteConflict
from courtlib.messaging.contracts import ScaleGenerationRequested, parse_event
from tests.unit.plantao.conftest import FakeWorld
from tests.unit.plantao.fakes import FakeRepository
from tests.unit.plantao.support import reference

FEB, MAR, APR = Month(2027, 2), Month(2027, 3), Month(2027, 4)


def _events(world: FakeWorld) -> list[ScaleGenerationRequested]:
    found = []
    for event in world.repository.events("geracao-solicitada.v1"):
        payload = parse_event(event)
        assert isinstance(payload, ScaleGenerationRequested)
        found.append(payload)
    return found


def _acts(world: FakeWorld) -> list[str]:
    return [a.act for a in world.repository.audits if a.act.startswith("PLAN.ESCALA.")]


def test_plan_02_a_request_records_itself_its_act_and_its_event_and_generates_nothing_yet(world):
    request = world.service.request_generation(FEB, Kind.ESTADUAL, "c-1", "presidente")
    assert (request.situacao, request.execucao, request.competencia) == ("pendente", 1, "2027-02")
    assert world.repository.scale(FEB, Kind.ESTADUAL) is None and world.repository.rotations == {}
    [event] = _events(world)
    assert (event.mes, event.tipo, event.execucao, event.solicitado_por) == ("2027-02", "estadual", 1, "presidente")
    assert _acts(world) == ["PLAN.ESCALA.GERACAO.SOLICITAR"]


def test_plan_02_a_second_request_while_one_is_pending_answers_it_and_records_nothing(world):
    first = world.service.request_generation(FEB, Kind.ESTADUAL, "c-1", "presidente")
    commits = world.repository.commits
    again = world.service.request_generation(FEB, Kind.ESTADUAL, "c-2", "presidente")
    assert again == first and world.repository.commits == commits and len(_events(world)) == 1


def test_plan_02_the_consumer_generates_the_draft_once_however_often_the_event_arrives(world):
    world.service.request_generation(FEB, Kind.ESTADUAL, "c-1", "presidente")
    [event] = _events(world)
    ended = world.service.run_requested_generation(event)
    assert ended is not None and ended.situacao == "concluida"
    stored = world.repository.scale(FEB, Kind.ESTADUAL)
    assert stored is not None and stored.version == 1
    assert ended.resumo == {"escala": "2027-02-estadual", "plantoes": len(stored.scale.plantoes)}
    assert world.service.run_requested_generation(event) is None  # redelivered: skipped
    assert world.repository.scale(FEB, Kind.ESTADUAL).version == 1  # type: ignore[union-attr]
    assert _acts(world) == ["PLAN.ESCALA.GERACAO.SOLICITAR", "PLAN.ESCALA.GERAR"]
    status = world.queries.generation("2027-02-estadual")
    assert status.situacao == "concluida" and status.link == "/escalas/2027-02-estadual"


def test_plan_02_what_the_stored_state_decides_is_refused_at_once_and_writes_nothing(world):
    world.service.generate(FEB, Kind.ESTADUAL)
    commits = world.repository.commits
    with pytest.raises(StateConflict) as exists:
        world.service.request_generation(FEB, Kind.ESTADUAL, "c", "presidente")
    assert exists.value.code == "PLAN-02"
    with pytest.raises(PlantaoError) as gap:
        world.service.request_generation(APR, Kind.ESTADUAL, "c", "presidente")
    assert gap.value.code == "PLAN-02" and gap.value.field == "mes"
    assert world.repository.commits == commits and _events(world) == []


def test_plan_01_a_rule_refused_by_the_generation_marks_the_request_failed_with_its_reason(world):
    world.repository.reference = reference(night_groups=())  # no judges designated for the quadrimester
    world.service.request_generation(FEB, Kind.NOTURNO, "c", "presidente")
    [event] = _events(world)
    failed = world.service.run_requested_generation(event)
    assert failed is not None and failed.situacao == "falhou" and "noturno" in (failed.motivo or "")
    assert (failed.resumo or {})["codigo"] == "PLAN-01" and (failed.resumo or {})["dia"] == "2027-02-01"
    assert world.repository.scale(FEB, Kind.NOTURNO) is None and Kind.NOTURNO not in world.repository.rotations
    assert _acts(world) == ["PLAN.ESCALA.GERACAO.SOLICITAR"]  # a failed generation changed nothing
    again = world.service.request_generation(FEB, Kind.NOTURNO, "c-2", "presidente")  # after a failure: a new run
    assert (again.situacao, again.execucao) == ("pendente", 2)
    assert world.service.run_requested_generation(event) is None  # the first run's event, late: skipped


def test_plan_02_a_concurrent_write_during_the_generation_is_raised_for_the_queue_and_the_retry_converges(world):
    world.service.request_generation(FEB, Kind.ESTADUAL, "c", "presidente")
    [event] = _events(world)
    world.repository.before_next_commit(lambda: None)  # the running mark
    world.repository.before_next_commit(lambda: world.service.generate(FEB, Kind.ESTADUAL))  # the schedule, meanwhile
    with pytest.raises(WriteConflict):
        world.service.run_requested_generation(event)
    retried = world.service.run_requested_generation(event)  # the queue's redelivery
    assert retried is not None and retried.situacao == "falhou" and "Já existe" in (retried.motivo or "")
    assert [a for a in _acts(world) if a == "PLAN.ESCALA.GERAR"] == ["PLAN.ESCALA.GERAR"]  # one draft, one act


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["pedido", "entrega"]), min_size=1, max_size=8))
def test_plan_02_any_interleaving_of_requests_and_deliveries_makes_one_draft_and_one_generation_act(steps):
    world = FakeWorld(FakeRepository(reference=reference(), reference_version=1))
    for n, step in enumerate(steps):
        if step == "pedido":
            try:
                world.service.request_generation(MAR if world.repository.scale(FEB, Kind.ESTADUAL) else FEB,
                                                 Kind.ESTADUAL, f"c-{n}", "presidente")
            except StateConflict:
                pass
        for event in _events(world) if step == "entrega" else ():
            world.service.run_requested_generation(event)
    generated = [a for a in world.repository.audits if a.act == "PLAN.ESCALA.GERAR"]
    assert len(generated) == len({a.target for a in generated})  # never twice the same scale
    asked = {e.mes for e in _events(world)}
    assert {a.target[1][:7] for a in generated} <= asked
    for month in asked:
        status = world.queries.generation(f"{month}-estadual")
        made = world.repository.scale(Month.parse(month), Kind.ESTADUAL) is not None
        assert (status.situacao == "concluida") == made


def test_plan_02_two_requests_at_once_record_one_and_both_answer_it(world):
    world.repository.before_next_commit(
        lambda: world.service.request_generation(FEB, Kind.ESTADUAL, "c-outra", "admin.presidencia"))
    mine = world.service.request_generation(FEB, Kind.ESTADUAL, "c-minha", "presidente")
    assert mine.solicitado_por == "admin.presidencia" and mine.execucao == 1  # the one that committed first
    assert len(_events(world)) == 1 and _acts(world) == ["PLAN.ESCALA.GERACAO.SOLICITAR"]


def test_plan_02_requests_that_lose_every_write_end_in_busy_503_and_write_nothing(world):
    def ended_by_another(situacao: str) -> None:  # between this request's read and its commit
        data, version = world.repository.generations.get(("2027-02", Kind.ESTADUAL), (
            {"competencia": "2027-02", "situacao": "pendente", "solicitado_por": "outro", "solicitado_em": "x",
             "correlacao": "c-outro", "execucao": 1}, 0))
        world.repository.generations[("2027-02", Kind.ESTADUAL)] = ({**data, "situacao": situacao}, version + 1)

    world.repository.before_next_commit(lambda: ended_by_another("falhou"))
    world.repository.before_next_commit(lambda: ended_by_another("concluida"))
    with pytest.raises(Busy) as busy:
        world.service.request_generation(FEB, Kind.ESTADUAL, "c", "presidente")
    assert (busy.value.status, busy.value.retry_after, busy.value.code) == (503, 1, "CONCORRENCIA")
    assert busy.value.detail == ("Geração da escala 2027-02-estadual pedida ao mesmo tempo em outras requisições; "
                                 "nada foi gravado. Repita.")
    assert _events(world) == [] and _acts(world) == []
    assert world.repository.generations[("2027-02", Kind.ESTADUAL)][0]["solicitado_por"] == "outro"
