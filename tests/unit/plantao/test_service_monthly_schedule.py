"""The monthly schedule of plantao-svc (PLAN-01, PLAN-02; issue 15) on the fakes of its ports: on the configured day
``generate_next_month`` asks for next month's draft of every kind, as ``POST /escalas`` does, and this service's
consumer (``run_requested_generation``) generates each kind from its own event. The run records one request per
kind and nothing else; a second run of the day records nothing.

The demo tribunal of support.py; ``plantao.geracao_dia_do_mes`` = 20, ``tipos_gerados`` = the four kinds.
"""

from __future__ import annotations

from datetime import date

from chalicelib.plantao.domain import acts
from chalicelib.plantao.domain.scales import Kind, Month
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.messaging.contracts import ScaleGenerationRequested, parse_event
from tests.unit.plantao.conftest import FakeWorld
from tests.unit.plantao.fakes import FakeRepository
from tests.unit.plantao.support import reference

JAN, FEB, MAR = Month(2027, 1), Month(2027, 2), Month(2027, 3)
KINDS = (Kind.ESTADUAL, Kind.MUNICIPAL, Kind.NOTURNO, Kind.SEGUNDO_GRAU)
SCHEDULE = "sistema:agenda:generate_monthly_scales"
FEB_IDS = sorted(f"2027-02-{k.value}" for k in KINDS)


def deliver(world: FakeWorld) -> int:
    """Every generation event committed so far reaches the consumer's use case, as the relay and the queue do
    (an event already run is skipped there); answers how many ran."""
    ran = 0
    for event in world.repository.events("geracao-solicitada.v1"):
        payload = parse_event(event)
        assert isinstance(payload, ScaleGenerationRequested)
        ran += world.service.run_requested_generation(payload) is not None
    return ran


def requests_recorded(world: FakeWorld) -> list[str]:
    return sorted(a.target[1] for a in world.repository.audited(acts.GERACAO_SOLICITAR))


def test_plan_02_the_schedule_asks_for_next_months_drafts_on_the_configured_day_and_the_consumer_makes_them(world):
    world.clock.set(date(2027, 1, 19))
    commits = world.repository.commits
    assert world.service.generate_next_month()["solicitadas"] == [] and world.repository.commits == commits
    world.clock.set(date(2027, 1, 20))  # plantao.geracao_dia_do_mes
    done = world.service.generate_next_month()
    assert sorted(done["solicitadas"]) == FEB_IDS and done["mes"] == "2027-02"
    assert (done["existentes"], done["ja_solicitadas"], done["recusadas"]) == ([], {}, {})
    assert all(world.repository.scale(FEB, k) is None for k in KINDS)  # asked only: the consumer generates
    requests = [world.queries.generation(i) for i in FEB_IDS]
    assert {(r.situacao, r.solicitado_por) for r in requests} == {("pendente", SCHEDULE)}
    assert deliver(world) == 4  # one event per kind
    assert all(world.repository.scale(FEB, k) is not None for k in KINDS)
    assert {world.queries.generation(i).situacao for i in FEB_IDS} == {"concluida"}
    assert sorted(a.target[1] for a in world.repository.audited(acts.ESCALA_GERAR)) == FEB_IDS


def test_plan_02_a_second_run_of_the_day_records_nothing_whether_the_requests_are_pending_or_done(world):
    world.clock.set(date(2027, 1, 20))
    world.service.generate_next_month()
    commits, events = world.repository.commits, len(world.repository.events("geracao-solicitada.v1"))
    pending = world.service.generate_next_month()  # the consumer has not run yet: answered, not duplicated
    assert pending["solicitadas"] == [] and pending["ja_solicitadas"] == dict.fromkeys(FEB_IDS, "pendente")
    assert world.repository.commits == commits and len(world.repository.events("geracao-solicitada.v1")) == events
    deliver(world)
    commits = world.repository.commits
    done = world.service.generate_next_month()  # the drafts exist: skipped
    assert done["solicitadas"] == [] and sorted(done["existentes"]) == FEB_IDS and world.repository.commits == commits
    assert requests_recorded(world) == FEB_IDS  # one request, one record, per kind


def test_plan_01_a_kind_the_consumer_cannot_generate_fails_alone_and_is_not_asked_again_that_day(world):
    world.repository.reference = reference(night_groups=())  # no night judges for the quadrimester
    world.clock.set(date(2027, 1, 20))
    world.service.generate_next_month()
    deliver(world)
    failed = world.queries.generation("2027-02-noturno")
    assert failed.situacao == "falhou" and failed.motivo and "noturno" in failed.motivo
    assert [k for k in KINDS if world.repository.scale(FEB, k) is None] == [Kind.NOTURNO]
    commits = world.repository.commits
    again = world.service.generate_next_month()
    assert again["solicitadas"] == [] and again["ja_solicitadas"] == {"2027-02-noturno": "falhou"}
    assert world.repository.commits == commits


def test_plan_02_a_request_that_failed_on_an_earlier_day_is_asked_again_as_a_new_run(world):
    world.repository.reference = reference(night_groups=())
    world.clock.set(date(2027, 1, 15))
    world.service.request_generation(FEB, Kind.NOTURNO, "c-1", "presidente")  # by hand, before the day
    deliver(world)
    assert world.queries.generation("2027-02-noturno").situacao == "falhou"
    world.clock.set(date(2027, 1, 20))
    done = world.service.generate_next_month()
    assert "2027-02-noturno" in done["solicitadas"]
    again = world.queries.generation("2027-02-noturno")
    assert (again.situacao, again.execucao, again.solicitado_por) == ("pendente", 2, SCHEDULE)


def test_plan_02_what_the_stored_state_refuses_is_reported_and_the_other_kinds_are_still_asked(world):
    world.service.generate(JAN, Kind.ESTADUAL)  # estadual's rotation stops in January; February is never made
    world.clock.set(date(2027, 2, 20))
    commits = world.repository.commits
    done = world.service.generate_next_month()
    assert list(done["recusadas"]) == ["2027-03-estadual"] and "2027-02" in done["recusadas"]["2027-03-estadual"]
    assert sorted(done["solicitadas"]) == ["2027-03-municipal", "2027-03-noturno", "2027-03-segundo_grau"]
    assert world.repository.commits == commits + 3  # one transaction per request, none for the refusal


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["agenda", "entrega"]), min_size=1, max_size=8))
def test_plan_02_any_interleaving_of_runs_and_deliveries_asks_each_kind_once_and_makes_each_draft_once(steps):
    world = FakeWorld(FakeRepository(reference=reference(), reference_version=1))
    world.clock.set(date(2027, 1, 20))
    for step in steps:
        if step == "agenda":
            world.service.generate_next_month()
        else:
            deliver(world)
    world.service.generate_next_month()
    deliver(world)
    assert requests_recorded(world) == FEB_IDS  # each kind asked once, whatever the runs
    generated = [a.target[1] for a in world.repository.audited(acts.ESCALA_GERAR)]
    assert sorted(generated) == FEB_IDS  # each draft made once
    assert world.service.generate_next_month()["existentes"] and requests_recorded(world) == FEB_IDS
