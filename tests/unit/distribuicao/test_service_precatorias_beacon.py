"""Cartas precatórias in two moments (DIST-10 with issue 16), on fakes: the carta registered with the first beacon
round after it, drawn from the day's seed AND that round; a late round leaves it awaiting (nothing drawn), answered
the same to a retry, drawn later by the partner's status request or the schedule; the insider cannot predict the
zone from the table at registration."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.distribuicao import schedules
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.errors import NoEligibleJudgeError
from chalicelib.distribuicao.domain.log import BeaconRound, verify_chain
from chalicelib.distribuicao.domain.precatorias import Election, MatterKind, distribute_precatoria, log_id_of
from chalicelib.distribuicao.precatorias import (
    CartaAwaiting,
    CartaCommand,
    CartaOutcome,
    PrecatoriaService,
    ZoneSpec,
)

from courtlib.beacon import choose
from courtlib.errors import Busy
from tests.unit.distribuicao.fakes import FakeClock, FakePrecatoriaRepository, FakeSeedStore
from tests.unit.distribuicao.support import NOW
from tests.unit.distribuicao.test_service_beacon import TAIL, Relay, poisson_binomial_interval

CUIABA = "5103403"
PARTNER = "TJMT"


class World:
    def __init__(self) -> None:
        self.repository = FakePrecatoriaRepository()
        self.seeds = FakeSeedStore()
        self.clock = FakeClock(NOW)
        self.relay = Relay(self.clock)
        self.service = PrecatoriaService(self.repository, self.seeds, clock=self.clock, config=DistribuicaoConfig(),
                                         sleep=lambda _: None, beacon=self.relay, beacon_wait_s=8,
                                         beacon_sleep=lambda s: self.clock.advance(seconds=s))
        self.service.put_zones(CUIABA, [ZoneSpec(n, date(1990 + n, 1, 1)) for n in (1, 37, 39, 54)])

    @staticmethod
    def command(seq: int, origin: str | None = None) -> CartaCommand:
        case = CaseData(CnjNumber.build(seq, 2026, 8, 11, 41), "CartPrec", parties=(f"Parte {seq}",))
        return CartaCommand(PARTNER, origin or f"c-{seq}", CUIABA, MatterKind.CARTA, case)

    def carta(self, seq: int) -> CartaOutcome | CartaAwaiting:
        return self.service.receive(self.command(seq))

    def records(self):
        return [r for r, _ in sorted(self.repository.logs.get(log_id_of(CUIABA), {}).values(), key=lambda p: p[0].seq)]


@pytest.fixture
def world() -> World:
    return World()


def test_dist_10_dist_11_a_carta_is_drawn_with_the_first_round_after_its_registration(world):
    outcome = world.carta(1)
    assert isinstance(outcome, CartaOutcome) and outcome.created
    [record] = world.records()
    fixed = world.relay.chain.first_round_after(NOW)
    assert record.beacon is not None and record.beacon.number == fixed
    assert record.recorded_at == NOW.isoformat(timespec="seconds"), "the registration's instant, not the draw's"
    seed = world.seeds.seed_for(NOW.date()).seed
    index = choose(seed, bytes.fromhex(record.beacon.randomness), log_id_of(CUIABA),
                               world.command(1).case.number.digits, record.seq, len(record.candidates))
    assert record.index == index and outcome.carta.zone == record.candidates[index]
    assert world.repository.zones[CUIABA].queue == {} and world.repository.registrations == {}


def test_dist_10_dist_11_a_late_round_leaves_the_carta_awaiting_and_the_schedule_draws_it(world):
    world.relay.withheld = True
    awaiting = world.carta(1)
    assert isinstance(awaiting, CartaAwaiting)
    assert awaiting.pending.round == world.relay.chain.first_round_after(NOW)
    assert awaiting.due_at == world.relay.chain.round_time(awaiting.pending.round)
    assert world.records() == [] and world.repository.cartas == {}, "never drawn without a verified round"
    again = world.carta(1)  # the partner sends it again: the same carta in its place, not a second one
    assert isinstance(again, CartaAwaiting) and again.pending == awaiting.pending
    status = world.service.status(PARTNER, "c-1")
    assert isinstance(status, CartaAwaiting) and status.pending == awaiting.pending
    with pytest.raises(Busy):  # the zones wait for the carta registered on them
        world.service.put_zones(CUIABA, [ZoneSpec(1, date(1991, 1, 1))])
    assert schedules.resolve_pending_cartas(world.service) == {"resolvidas": 0, "recusadas": 0,
                                                               "aguardando_farol": 1}
    world.relay.withheld = False
    world.clock.advance(minutes=1)
    assert schedules.resolve_pending_cartas(world.service) == {"resolvidas": 1, "recusadas": 0,
                                                               "aguardando_farol": 0}
    [record] = world.records()
    assert record.beacon is not None and record.beacon.number == awaiting.pending.round
    drawn = world.service.status(PARTNER, "c-1")
    assert not isinstance(drawn, CartaAwaiting) and drawn.zone == record.result.unit
    replay = world.carta(1)
    assert isinstance(replay, CartaOutcome) and not replay.created and replay.carta == drawn


def test_dist_10_cartas_are_drawn_in_registration_order_and_a_refused_one_leaves_the_queue(world):
    world.relay.withheld = True
    first, second = world.carta(1), world.carta(2)
    assert isinstance(first, CartaAwaiting) and isinstance(second, CartaAwaiting)
    assert (first.pending.order, second.pending.order) == (1, 2)
    # every zone designated for propaganda before the resolution: both are refused then, nothing drawn
    world.repository.election_days = {NOW.date(): Election(NOW.date(), frozenset(
        z.id for z in world.repository.zones[CUIABA].zones))}
    world.relay.withheld = False
    world.clock.advance(minutes=1)
    done = world.service.resolve_pending(CUIABA)
    assert set(done.refused) == {1, 2} and all(isinstance(e, NoEligibleJudgeError) for e in done.refused.values())
    assert world.records() == [] and world.repository.zones[CUIABA].queue == {}
    assert [a.code for a in world.repository.audits[-2:]] == ["DIST.REGISTRO.RECUSAR"] * 2


# --- the insider (issue 16) for precatórias -----------------------------------------------------------------------

REGISTRATIONS = 400


def test_dist_10_dist_11_the_insider_predicts_the_zone_no_better_than_chance():
    """The insider reads, at each carta's registration, the whole table (the day's seed in clear), the
    municipality's zones and counts, the code and the configuration, and the latest round published, and predicts
    the zone as the draw would with that round. Over 400 registrations its hits stay inside the exact interval of
    chance (Poisson-binomial of 1/number of candidate zones, 1 − 2·10⁻⁶ of the mass); the seed-only derivation of
    the former design is predicted every time."""
    world = World()
    chain = world.relay.chain
    hits = seed_only_hits = 0
    chances: list[float] = []
    for i in range(1, REGISTRATIONS + 1):
        stored = world.repository.load_zones(CUIABA)
        assert stored is not None
        seed = world.seeds.seed_for(world.clock().date())
        latest = world.relay.beacon.latest()
        known = BeaconRound(chain.hash_hex, latest.number, latest.signature.hex(), latest.randomness.hex())
        command = world.command(i)
        guess = distribute_precatoria(stored.state, command.case, seed=seed, now=world.clock(),
                                      beacon=known).unit
        seed_only = distribute_precatoria(stored.state, command.case, seed=seed, now=world.clock()).unit

        outcome = world.service.receive(command)
        assert isinstance(outcome, CartaOutcome)
        record = world.records()[-1]
        assert record.beacon is not None and record.beacon.number > latest.number
        hits += guess == outcome.carta.zone
        seed_only_hits += seed_only == distribute_precatoria(stored.state, command.case, seed=seed,
                                                             now=world.clock()).unit
        chances.append(1 / len(record.candidates))
    low, high = poisson_binomial_interval(chances, TAIL)
    print(f"\ninsider (precatórias): {hits} hits in {REGISTRATIONS} (chance {sum(chances):.1f}; "
          f"interval [{low}, {high}]); seed-only: {seed_only_hits}")
    assert low <= hits <= high, f"{hits} acertos em {REGISTRATIONS}, fora de [{low}, {high}]"
    assert seed_only_hits == REGISTRATIONS
    assert verify_chain(world.records()) == []
