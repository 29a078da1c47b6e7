"""Issue 16 on the use cases (fakes, no sockets): a draw's two moments — registration fixes the first beacon round
after the commit, resolution draws from the day's seed and that verified round — the 202 state when the round is
late, the queue's order and its race-safety, and the insider test on the real use case (DIST-11).

The beacon is the local stack's (``LocalBeacon``) on the test's clock; waiting for a round advances that clock, so
nothing here sleeps.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

import pytest
from chalicelib.distribuicao import schedules
from chalicelib.distribuicao.commands import DistributionCommand, ManualDrawCommand
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.draw import DistributionRequest, RedistributionReason, distribute
from chalicelib.distribuicao.domain.judges import Absence
from chalicelib.distribuicao.domain.log import BeaconRound, verify_chain
from chalicelib.distribuicao.draws import Awaiting, Outcome
from chalicelib.distribuicao.service import DistribuicaoService, OrgaoSpec

from courtlib.beacon import BeaconUnavailable, Round, bls, choose
from courtlib.beacon.local import LocalBeacon
from courtlib.errors import Busy, Conflict
from courtlib.settings import ServiceSettings
from tests.unit.distribuicao.fakes import FakeClock, FakeOrgaoRepository, FakeSeedStore
from tests.unit.distribuicao.support import NOW, case, pleno

ORGAO = "TRE-MT:PLENO"
SETTINGS = ServiceSettings(service="distribuicao", table_name="sem-rede", pagination_secret="s", tribunal="TRE-MT")
FORGER = 0x5EED  # a key that is not the beacon's


class Relay:
    """A beacon source the test controls: the local beacon's rounds on the test clock, withheld or forged."""

    def __init__(self, clock: FakeClock) -> None:
        self.beacon = LocalBeacon(now=clock, period=3)
        self.withheld = False
        self.forged = False
        self.asked: list[int] = []

    @property
    def chain(self):
        return self.beacon.chain

    def fetch(self, number: int) -> Round:
        self.asked.append(number)
        if self.withheld:
            raise BeaconUnavailable("relays fora do ar")
        round_ = self.beacon.fetch(number)
        if self.forged:
            signature = bls.sign(FORGER, number)
            return Round(round_.chain_hash, number, signature, hashlib.sha256(signature).digest())
        return round_

    def latest(self) -> Round:
        return self.beacon.latest()


class World:
    def __init__(self) -> None:
        self.repository = FakeOrgaoRepository()
        self.seeds = FakeSeedStore()
        self.clock = FakeClock(NOW)
        self.relay = Relay(self.clock)
        self.service = self.new_service()
        self.service.put_orgao(OrgaoSpec(pleno(), "Pleno", ("RE", "HC"), frozenset()))

    def new_service(self) -> DistribuicaoService:
        return DistribuicaoService(self.repository, self.seeds, clock=self.clock, config=DistribuicaoConfig(),
                                   settings=SETTINGS, sleep=lambda _: None, beacon=self.relay, beacon_wait_s=8,
                                   beacon_sleep=lambda s: self.clock.advance(seconds=s))

    def draw(self, seq: int, classe: str = "RE") -> Outcome | Awaiting:
        return self.service.draws.distribute(DistributionCommand(ORGAO, case(seq, classe)))

    def records(self):
        return [r for r, _ in self.repository.records(ORGAO)]


@pytest.fixture
def world() -> World:
    return World()


def test_dist_11_a_draw_is_decided_by_the_first_beacon_round_after_its_registration(world):
    outcome = world.draw(1)
    assert isinstance(outcome, Outcome) and outcome.created
    record = outcome.record
    assert record is not None and record.beacon is not None
    fixed = world.relay.chain.first_round_after(NOW)
    assert record.beacon.number == fixed and record.beacon.chain == world.relay.chain.hash_hex
    assert record.recorded_at == NOW.isoformat(timespec="seconds"), "the registration's instant, not the draw's"
    assert world.relay.chain.round_time(fixed) > NOW
    round_ = Round(world.relay.chain.hash, fixed, bytes.fromhex(record.beacon.signature),
                   bytes.fromhex(record.beacon.randomness))
    assert bls.verify(round_, world.relay.chain)
    seed = world.seeds.seed_for(NOW.date()).seed
    index = choose(seed, round_.randomness, ORGAO, case(1).number.digits, record.seq, len(record.candidates))
    assert record.index == index and record.result.unit == record.candidates[index]
    assert world.clock() >= world.relay.chain.round_time(fixed), "the request waited for its round"
    assert "farol" in record.to_dict() and verify_chain(world.records()) == []


def test_dist_11_a_late_round_answers_awaiting_nothing_is_drawn_and_the_schedule_draws_it_later(world):
    world.relay.withheld = True
    awaiting = world.draw(1)
    assert isinstance(awaiting, Awaiting)
    fixed = world.relay.chain.first_round_after(NOW)
    assert awaiting.act.round == fixed and awaiting.due_at == world.relay.chain.round_time(fixed)
    assert world.records() == [] and world.repository.cases == {}
    status = world.service.draws.status(case(1).number)
    assert isinstance(status, Awaiting) and status.act == awaiting.act
    again = world.draw(1)  # the same request again: the same act, not a second registration
    assert isinstance(again, Awaiting) and again.act == awaiting.act
    assert len(world.repository.orgaos[ORGAO].queue) == 1
    assert schedules.resolve_pending_acts(world.service) == {"resolvidos": 0, "recusados": 0, "aguardando_farol": 1}

    world.relay.withheld = False
    world.clock.advance(minutes=5)  # rounds went on meanwhile: the case keeps the one fixed at registration
    assert schedules.resolve_pending_acts(world.service) == {"resolvidos": 1, "recusados": 0, "aguardando_farol": 0}
    [record] = world.records()
    assert record.beacon is not None and record.beacon.number == fixed
    assert record.recorded_at == NOW.isoformat(timespec="seconds")
    row = world.service.draws.status(case(1).number)
    assert not isinstance(row, Awaiting) and row.relator == record.result.relator
    replay = world.draw(1)
    assert isinstance(replay, Outcome) and not replay.created and replay.record == record


def test_dist_11_a_forged_round_is_never_used(world):
    world.relay.forged = True
    assert isinstance(world.draw(1), Awaiting)
    world.clock.advance(minutes=1)
    world.service.draws.resolve_pending(ORGAO)
    assert world.records() == [] and world.repository.cases == {}
    world.relay.forged = False
    world.service.draws.resolve_pending(ORGAO)
    assert world.records()[0].beacon.number == world.relay.chain.first_round_after(NOW)


def test_dist_11_acts_are_drawn_in_registration_order_and_two_resolvers_do_not_draw_twice(world):
    world.relay.withheld = True
    acts = []
    for seq in (1, 2, 3):
        awaiting = world.draw(seq)
        assert isinstance(awaiting, Awaiting)
        acts.append(awaiting.act)
        world.clock.advance(seconds=1)
    assert [a.order for a in acts] == [1, 2, 3]
    world.relay.withheld = False
    world.clock.advance(minutes=1)
    other = world.new_service()
    world.repository.concurrent_write(lambda: other.draws.resolve_pending(ORGAO))  # a second resolver, mid-way
    world.service.draws.resolve_pending(ORGAO)
    records = world.records()
    assert [r.case_number for r in records] == [str(case(s).number) for s in (1, 2, 3)]
    assert [r.seq for r in records] == [1, 2, 3] and verify_chain(records) == []
    assert [r.beacon.number for r in records] == [a.round for a in acts]
    assert world.repository.orgaos[ORGAO].queue == {} and world.repository.registrations == {}
    assert world.repository.conflicts >= 1, "the loser read again instead of drawing twice"


def test_dist_06_an_edit_of_the_orgao_waits_for_its_queued_acts(world):
    world.relay.withheld = True
    world.draw(1)
    version = world.repository.orgaos[ORGAO].version
    with pytest.raises(Busy):
        world.service.register_absence(ORGAO, "J4", Absence(NOW.date(), None), "corr-1")
    with pytest.raises(Busy):
        world.service.put_orgao(OrgaoSpec(pleno(), "Pleno", ("RE",), frozenset()))
    assert world.repository.orgaos[ORGAO].version == version
    world.relay.withheld = False
    world.clock.advance(seconds=10)
    judge, _ = world.service.register_absence(ORGAO, "J4", Absence(NOW.date(), None), "corr-1")
    assert judge.absences and len(world.records()) == 1


def test_dist_09_a_manual_draw_takes_its_place_behind_the_acts_registered_before(world):
    world.relay.withheld = True
    world.draw(1)
    command = ManualDrawCommand(DistributionCommand(ORGAO, case(2)), "C5", ("Ana", "Bruno"), "Ata 1/2026",
                                "Presidente do TRE", NOW - timedelta(hours=1))
    assert isinstance(world.service.draws.manual_draw(command), Awaiting)
    world.relay.withheld = False
    world.clock.advance(seconds=10)
    world.service.draws.resolve_pending(ORGAO)
    first, second = world.records()
    assert first.mode == "sorteio" and first.beacon is not None
    assert second.mode == "sorteio_manual" and second.beacon is None and second.result.unit == "C5"


def test_dist_04_redistribution_is_decided_by_its_own_round_and_refused_if_the_case_moved_meanwhile(world):
    world.draw(1)
    number = case(1).number
    moved = world.service.draws.redistribute(number, RedistributionReason.ERRO)
    assert isinstance(moved, Outcome) and moved.record is not None and moved.record.beacon is not None
    assert moved.record.beacon.number > world.records()[0].beacon.number
    row = world.repository.cases[number.digits]

    def another_redistribution() -> None:
        world.repository.cases[number.digits] = replace(row, current_seq=row.current_seq + 1)

    world.repository.concurrent_write(another_redistribution)
    with pytest.raises(Conflict):
        world.service.draws.redistribute(number, RedistributionReason.ERRO)
    assert world.repository.registrations == {} and len(world.records()) == 2


# --- the insider (issue 16) ---------------------------------------------------------------------------------------

REGISTRATIONS = 1000
TAIL = 1e-6  # the chance that an honest draw falls outside the interval and fails this test


def poisson_binomial_interval(ps: list[float], tail: float) -> tuple[int, int]:
    """The smallest and largest hit counts whose tails keep at least ``tail`` of the mass of a sum of independent
    Bernoulli(p_i) (exact, by convolution): the insider's hits must fall inside when it guesses at chance."""
    dist = [1.0]
    for p in ps:
        nxt = [0.0] * (len(dist) + 1)
        for k, mass in enumerate(dist):
            nxt[k] += mass * (1 - p)
            nxt[k + 1] += mass * p
        dist = nxt
    low, acc = 0, 0.0
    while acc + dist[low] < tail:
        acc += dist[low]
        low += 1
    high, acc = len(dist) - 1, 0.0
    while acc + dist[high] < tail:
        acc += dist[high]
        high -= 1
    return low, high


def test_dist_11_the_insider_predicts_the_judge_no_better_than_chance_and_every_judge_of_the_seed_only_draw():
    """The insider reads, at each registration, the whole table (the day's seed in clear: it holds the key that
    seals it too), the órgão's state, the code and the configuration, and the latest round published. It predicts
    the judge as the draw would if that latest round were the one. Its hits stay inside the exact interval of
    chance (Poisson-binomial of 1/number of candidates, 1 − 2·10⁻⁶ of the mass); on the same states, the seed-only
    derivation of today's design is predicted every time."""
    world = World()
    chain = world.relay.chain
    hits = seed_only_hits = 0
    chances: list[float] = []
    for i in range(1, REGISTRATIONS + 1):
        stored = world.repository.load_orgao(ORGAO)
        assert stored is not None
        seed = world.seeds.seed_for(world.clock().date())
        latest = world.relay.beacon.latest()
        known = BeaconRound(chain.hash_hex, latest.number, latest.signature.hex(), latest.randomness.hex())
        request = DistributionRequest(case(i, "RE" if i % 3 else "HC"))
        guess = distribute(stored.state, request, seed=seed, now=world.clock(), beacon=known).record.result.unit
        seed_only_guess = distribute(stored.state, request, seed=seed, now=world.clock()).record.result.unit
        seed_only = distribute(stored.state, request, seed=seed, now=world.clock()).record.result.unit

        outcome = world.service.draws.distribute(DistributionCommand(ORGAO, request.case))
        assert isinstance(outcome, Outcome) and outcome.record is not None and outcome.record.beacon is not None
        assert outcome.record.beacon.number > latest.number, "the deciding round was not out at the registration"
        hits += guess == outcome.record.result.unit
        seed_only_hits += seed_only_guess == seed_only
        chances.append(1 / len(outcome.record.candidates))
    low, high = poisson_binomial_interval(chances, TAIL)
    print(f"\ninsider: {hits} hits in {REGISTRATIONS} (chance {sum(chances):.1f}; interval [{low}, {high}]); "
          f"seed-only: {seed_only_hits}")
    assert low <= hits <= high, f"{hits} acertos em {REGISTRATIONS}, fora de [{low}, {high}]"
    assert seed_only_hits == REGISTRATIONS
    assert verify_chain(world.records()) == []


def test_the_interval_is_the_binomials_when_every_chance_is_the_same():
    low, high = poisson_binomial_interval([0.5] * 1000, 1e-6)
    assert low < 500 < high and high - low < 200
    assert poisson_binomial_interval([1.0] * 10, 1e-6) == (10, 10)
