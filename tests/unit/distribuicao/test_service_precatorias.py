"""The cartas precatórias use cases (``precatorias.py``, DIST-10) on in-memory fakes: zones, elections, the
carta received once per (partner, id_origem), each refusal, and the retry on a concurrent draw."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.errors import DistribuicaoError, NoEligibleJudgeError
from chalicelib.distribuicao.domain.precatorias import MatterKind
from chalicelib.distribuicao.precatorias import CartaCommand, IncompleteCarta, PrecatoriaService, ZoneSpec

from courtlib.errors import Busy, Conflict, Invalid, NotFound, Refusal
from tests.unit.distribuicao.fakes import FakeClock, FakePrecatoriaRepository, FakeSeedStore, instant_beacon
from tests.unit.distribuicao.support import NOW, load_verifier

CUIABA = "5103403"
PARTNER = "TJMT"


class World:
    def __init__(self) -> None:
        self.repository = FakePrecatoriaRepository()
        self.clock = FakeClock(NOW)
        self.pauses: list[float] = []
        self.service = PrecatoriaService(self.repository, FakeSeedStore(), clock=self.clock,
                                         config=DistribuicaoConfig(), sleep=self.pauses.append,
                                         beacon=instant_beacon())

    def zones(self, *numbers: int, municipality: str = CUIABA) -> None:
        self.service.put_zones(municipality, [ZoneSpec(n, date(1990 + n, 1, 1)) for n in numbers])

    def carta(self, origin: str, seq: int = 1, *, kind: MatterKind = MatterKind.CARTA, voter_zone: int | None = None,
              municipality: str = CUIABA, partner: str = PARTNER):
        number = CnjNumber.build(seq, 2026, 8, 11, 41)  # a carta of the state court (J=8)
        case = CaseData(number, "CartPrec", parties=(f"Parte {seq}",))
        return self.service.receive(CartaCommand(partner, origin, municipality, kind, case, voter_zone))


@pytest.fixture
def world() -> World:
    return World()


def test_dist_10_zones_are_created_then_replaced_keeping_counts(world):
    stored, created = world.service.put_zones(CUIABA, [ZoneSpec(1, date(1990, 1, 1)), ZoneSpec(37, date(2000, 1, 1))])
    assert created and [z.id for z in stored.state.local_zones()][0] == "ZE001"
    world.carta("c-1")
    again, created = world.service.put_zones(CUIABA, [ZoneSpec(1, date(1990, 1, 1)), ZoneSpec(37, date(2000, 1, 1)),
                                                      ZoneSpec(39, date(2010, 1, 1))])
    assert not created and len(again.state.zones) == 3 and sum(again.state.counters.total(z) for z in
                                                                    ("ZE001", "ZE037", "ZE039")) == 1


def test_dist_10_zones_of_a_malformed_or_unknown_municipality(world):
    with pytest.raises(Invalid) as malformed:
        world.service.put_zones("51034", [ZoneSpec(1, None)])
    with pytest.raises(NotFound) as unknown:
        world.service.zones(CUIABA)
    assert (malformed.value.field, unknown.value.field) == ("municipio", "municipio")


def test_dist_10_election_day_and_a_malformed_date(world):
    election = world.service.put_election("2026-10-04", [1, 37])
    assert election.day == date(2026, 10, 4) and election.propaganda_zones == {"ZE001", "ZE037"}
    assert world.repository.elections() == [election]
    with pytest.raises(Invalid) as bad:
        world.service.put_election("04/10/2026", [1])
    assert bad.value.field == "data"


def test_dist_10_a_carta_is_drawn_among_the_zones_and_recorded_once(world):
    world.zones(1, 37, 39)
    first = world.carta("c-1")
    assert first.created and first.carta.zone in {"ZE001", "ZE037", "ZE039"} and first.carta.seq == 1
    assert first.carta.distributor == "ZE001", "the oldest zone distributes (art. 10 §1º)"
    again = world.carta("c-1")
    assert not again.created and again.carta == first.carta
    assert world.service.zones(CUIABA).state.head.seq == 1, "no second draw"
    assert world.service.carta(PARTNER, "c-1") == first.carta


def test_dist_10_the_same_id_origem_for_another_carta_is_a_conflict(world):
    world.zones(1, 37)
    world.carta("c-1", seq=1)
    with pytest.raises(Conflict):
        world.carta("c-1", seq=2)


def test_dist_10_registry_matter_goes_to_the_voters_zone_and_needs_it(world):
    world.zones(1, 37, 39)
    outcome = world.carta("c-1", kind=MatterKind.CADASTRO_ELEITORAL, voter_zone=39)
    assert outcome.carta.zone == "ZE039" and outcome.carta.mode == "atribuicao"
    with pytest.raises(IncompleteCarta) as missing:
        world.carta("c-2", kind=MatterKind.CADASTRO_ELEITORAL)
    assert (missing.value.status, missing.value.code, missing.value.field) == (400, "DIST-10", "zona_eleitor")
    with pytest.raises(DistribuicaoError) as elsewhere:
        world.carta("c-3", kind=MatterKind.CADASTRO_ELEITORAL, voter_zone=5)
    assert elsewhere.value.code == "DIST-10"


def test_dist_10_criminal_matter_is_not_drawn(world):
    world.zones(1, 37)
    with pytest.raises(DistribuicaoError) as refused:
        world.carta("c-1", kind=MatterKind.CRIMINAL)
    assert (refused.value.status, refused.value.code) == (422, "DIST-10")
    assert world.repository.cartas == {}


def test_dist_10_propaganda_zones_are_out_around_an_election(world):
    world.zones(1)
    world.service.put_election((NOW.date() + timedelta(days=10)).isoformat(), [1])
    with pytest.raises(NoEligibleJudgeError) as refused:
        world.carta("c-1")
    assert (refused.value.status, refused.value.code) == (409, "DIST-10") and "ZE001" in refused.value.extra["motivos"]
    assert world.repository.cartas == {}


def test_dist_10_a_carta_for_a_municipality_without_zones_is_404(world):
    with pytest.raises(NotFound):
        world.carta("c-1")


def test_dist_10_a_carta_raced_by_another_reads_again(world):
    world.zones(1, 37)
    world.repository.concurrent_write(lambda: world.carta("outra", seq=9))
    mine = world.carta("c-1")
    assert mine.created and mine.carta.seq == 2 and world.repository.conflicts == 1


def test_dist_10_a_carta_that_loses_every_attempt_is_busy_and_writes_nothing(world):
    world.zones(1, 37)
    world.repository.concurrent_write(world.repository.touch(CUIABA), times=10)
    with pytest.raises(Busy) as busy:
        world.carta("c-1")
    assert "10 tentativas" in busy.value.detail and len(world.pauses) == 9
    assert world.repository.cartas == {} and world.repository.logs == {}


def test_dist_10_a_partner_sees_only_its_cartas_and_the_public_finds_them_by_number(world):
    world.zones(1, 37)
    made = [world.carta(f"c-{n}", seq=n).carta for n in range(1, 4)]
    with pytest.raises(NotFound) as other:
        world.service.carta("OUTRO", "c-1")
    with pytest.raises(NotFound):
        world.service.carta(PARTNER, "não vale!")
    assert other.value.field == "id"
    page, cursor = world.service.cartas(PARTNER, 2, None)
    rest, end = world.service.cartas(PARTNER, 2, cursor)
    assert page + rest == made and end is None
    number = world.service.parse_number(made[1].number, "numero")
    assert world.service.public(number) == [made[1]]
    with pytest.raises(NotFound):
        world.service.public(CnjNumber.build(99, 2026, 8, 11, 41))


def test_dist_01_a_cartas_number_of_another_court_is_accepted_but_checked(world):
    assert world.service.parse_number(str(CnjNumber.build(1, 2026, 8, 11, 41)), "numero_processo").segment == 8
    with pytest.raises(Refusal) as bad:
        world.service.parse_number("0000001-00.2026.8.11.0041", "numero_processo")
    assert (bad.value.code, bad.value.field) == ("DIST-01", "numero_processo.digitos_verificadores")


def test_dist_11_the_zone_log_verifies_with_the_standalone_verifier(world):
    from chalicelib.distribuicao.domain.log import public_export

    world.zones(1, 37, 39)
    for n in range(1, 5):
        world.carta(f"c-{n}", seq=n)
    seeds = world.service.seeds
    pairs = [pair for _, pair in sorted(world.repository.logs["ZONAS-5103403"].items())]
    day = NOW.date()
    export = public_export(tribunal="TRE-MT", log_id="ZONAS-5103403", records=[r for r, _ in pairs],
                           details={r.seq: d for r, d in pairs if d is not None}, seeds=[seeds.seed_for(day)],
                           commitments={day: seeds.seed_for(day).commitment}, today=day + timedelta(days=1),
                           generated_at=NOW + timedelta(days=1),
                           beacons=[world.service.rounds.chain.to_json()])  # the local beacon's chain
    report = load_verifier().verificar(export)
    assert report.problemas == [] and report.sorteios_verificados == 4
