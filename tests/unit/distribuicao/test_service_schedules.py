"""The scheduled use cases (``schedules.py``: DIST-06, DIST-08, DIST-11) on in-memory fakes."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from chalicelib.distribuicao import schedules
from chalicelib.distribuicao.commands import DistributionCommand
from chalicelib.distribuicao.domain.judges import Absence

from tests.unit.distribuicao.fakes import FakeEditalStore
from tests.unit.distribuicao.support import TZ, case, cnj, pleno
from tests.unit.distribuicao.test_service import ORGAO, World


@pytest.fixture
def world() -> World:
    built = World()
    built.orgao(pleno(substitutes=()))
    return built


def _relator_away(world: World, days: int, urgent: bool = False) -> str:
    outcome = world.service.draws.distribute(DistributionCommand(ORGAO, case(1, urgent=urgent)))
    relator = outcome.case.relator
    assert relator is not None
    world.service.register_absence(ORGAO, relator, Absence(world.service.today() - timedelta(days=days)), "c")
    return outcome.case.seat


def test_dist_06_after_15_days_absent_without_substitute_the_cases_are_redistributed_once(world):
    seat = _relator_away(world, days=20)
    summary = schedules.apply_absence_rules(world.service)
    assert summary["acoes"] == {"redistribuir_ausencia": 1} and summary["falhas"] == 0
    after = world.service.case(cnj(1))
    assert after.rule == "redistribuicao_ausencia" and after.seat != seat and after.home_seat == seat
    again = schedules.apply_absence_rules(world.service)
    assert again["acoes"] == {} and world.service.case(cnj(1)).current_seq == after.current_seq, "applied once"


def test_dist_06_an_urgent_case_goes_at_once_to_another_judge(world):
    seat = _relator_away(world, days=3, urgent=True)
    schedules.apply_absence_rules(world.service)
    after = world.service.case(cnj(1))
    assert after.rule == "urgencia_ausencia" and after.seat != seat


def test_dist_06_a_case_that_loses_every_attempt_is_left_for_tomorrow_not_lost(world):
    _relator_away(world, days=20)
    world.repository.concurrent_write(world.repository.touch(ORGAO), times=10)
    summary = schedules.apply_absence_rules(world.service)
    assert summary["falhas"] == 1 and world.service.case(cnj(1)).current_seq == 1
    assert schedules.apply_absence_rules(world.service)["acoes"] == {"redistribuir_ausencia": 1}


def test_dist_11_todays_and_tomorrows_commitments_are_created(world):
    today = world.service.today()
    days = [today.isoformat(), (today + timedelta(days=1)).isoformat()]
    assert schedules.publish_seed_commitments(world.service) == {"dias": days, "criadas": days}
    assert set(world.seeds.seeds) == {today, today + timedelta(days=1)}


def test_dist_11_publishing_the_commitments_is_one_audited_act_naming_no_seed(world):
    today = world.service.today()
    schedules.publish_seed_commitments(world.service)
    [act] = world.seeds.audits
    assert (act.code, act.rules, act.target) == ("DIST.SEMENTE.PUBLICAR", ("DIST-11",),
                                                 ("sementes", (today + timedelta(days=1)).isoformat()))
    assert act.after == {"compromissos": {d.isoformat(): s.commitment for d, s in world.seeds.seeds.items()}}
    assert not any(s.hex in repr(act) for s in world.seeds.seeds.values()), "a seed is secret until its day ends"
    assert schedules.publish_seed_commitments(world.service)["criadas"] == [] and len(world.seeds.audits) == 1


def test_dist_08_edital_of_the_closed_fortnight_is_stored_once(world):
    world.clock.now = datetime(2026, 4, 20, 10, 0, tzinfo=TZ)
    for n in range(1, 4):
        world.service.draws.distribute(DistributionCommand(ORGAO, case(n, secret=(n == 2))))
    world.clock.now = datetime(2026, 5, 2, 10, 0, tzinfo=TZ)
    store = FakeEditalStore()
    summary = schedules.publish_edital(world.service, store)
    assert (summary["inicio"], summary["fim"], summary["total"]) == ("2026-04-16", "2026-04-30", 3)
    document = json.loads(store.documents[(date(2026, 4, 16), date(2026, 4, 30))][0])
    assert len(document["distribuicoes"]) == 3
    again = schedules.publish_edital(world.service, store)
    assert again == {**summary, "gravados": []} and store.writes == 1, "same bytes, no write"


def test_dist_08_publishing_an_edital_is_audited_once_with_its_digests(world):
    world.clock.now = datetime(2026, 4, 20, 10, 0, tzinfo=TZ)
    world.service.draws.distribute(DistributionCommand(ORGAO, case(1)))
    world.clock.now = datetime(2026, 5, 2, 10, 0, tzinfo=TZ)
    store = FakeEditalStore()
    audited = len(world.repository.audits)
    summary = schedules.publish_edital(world.service, store)
    schedules.publish_edital(world.service, store)
    [act] = world.repository.audits[audited:]
    assert (act.code, act.target, act.rules) == ("DIST.EDITAL.PUBLICAR", ("edital", "2026-04-16"),
                                                 ("DIST-08", "RI art. 36"))
    assert act.after is not None and act.after["processos"] == 1 and act.after["gravados"] == ["json", "pdf"]
    assert act.after["json_sha256"] == summary["json_sha256"]


def test_dist_06_each_case_moved_by_the_absence_rules_is_audited_on_the_case_in_two_moments(world):
    seat = _relator_away(world, days=20)
    audited = len(world.repository.audits)
    schedules.apply_absence_rules(world.service)
    registered, act = world.repository.audits[audited:]
    assert (registered.code, registered.target) == ("DIST.REGISTRAR", ("processo", str(cnj(1))))
    assert registered.after is not None and registered.after["ato"] == "ausencia"
    assert (act.code, act.target) == ("DIST.AUSENCIA.APLICAR", ("processo", str(cnj(1))))
    assert act.rules[:2] == ("DIST-06", "DIST-11") and "art. 35" in act.rules[2]
    assert act.before is not None and act.after is not None
    assert act.before["cadeira"] == seat and act.after["cadeira"] != seat
    schedules.apply_absence_rules(world.service)
    assert len(world.repository.audits) == audited + 2, "a second run moves nothing and records nothing"


def test_dist_06_dist_11_the_absence_redraw_is_decided_by_the_round_fixed_at_its_registration(world):
    """The 15-day redistribution is a draw: registered by the schedule with the first round after it, drawn from
    the day's seed AND that round, never from the seed alone."""
    _relator_away(world, days=20)
    now = world.service.now()
    schedules.apply_absence_rules(world.service)
    redraw = world.repository.records(ORGAO)[-1][0]
    assert redraw.rule == "redistribuicao_ausencia" and redraw.mode == "sorteio"
    assert redraw.beacon is not None and redraw.beacon.number == world.service.draws.rounds.first_round_after(now)


def test_dist_06_dist_11_a_late_round_leaves_the_redraw_queued_for_the_every_minute_schedule(world):
    from chalicelib.distribuicao.ports import RoundSource

    _relator_away(world, days=20)
    real: RoundSource = world.service.draws.rounds.source

    class Late:
        chain = real.chain

        def fetch(self, number: int):  # relays down
            from courtlib.beacon import BeaconUnavailable

            raise BeaconUnavailable("relays fora do ar")

        def latest(self):
            return real.latest()

    world.service.draws.rounds.source = Late()
    world.service.draws.beacon_wait_s = 0
    summary = schedules.apply_absence_rules(world.service)
    assert summary["acoes"] == {} and summary["aguardando_farol"] == 1
    assert world.service.case(cnj(1)).current_seq == 1, "nothing drawn without a verified round"
    assert world.service.draws.status(cnj(1)).current_seq == 1, "the public sees the distribution it has meanwhile"
    world.service.draws.rounds.source = real
    world.clock.advance(minutes=1)  # the round is due by the clock
    assert schedules.resolve_pending_acts(world.service)["resolvidos"] == 1
    assert world.service.case(cnj(1)).rule == "redistribuicao_ausencia"


def test_dist_06_dist_11_the_absence_redraw_verifies_with_the_standalone_verifier(world):
    """The export of an órgão whose case was redrawn by the absence rules verifies end to end, the redraw's beacon
    round included (fixed at its registration by the schedule, the first after it)."""
    from tests.unit.distribuicao.support import load_verifier

    _relator_away(world, days=20)
    schedules.apply_absence_rules(world.service)
    world.clock.advance(days=1)  # the day's seed is revealed
    export = world.service.export(ORGAO)
    redraw = export["registros"][-1]
    assert redraw["regra"] == "redistribuicao_ausencia" and redraw["farol"]["rodada"] >= 1
    report = load_verifier().verificar(export)
    assert report.problemas == [] and report.sorteios_verificados == 2
