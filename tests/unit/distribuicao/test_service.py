"""distribuicao-svc's órgão use cases (``service.py``) on in-memory fakes of its ports: no moto, no sockets.

Each public use case: the happy path, each rule's refusal (nothing written), and the retry when another
writer commits between the use case's read and its write (DIST-02: read again, decide again; Busy after
10 attempts, nothing written).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from chalicelib.distribuicao.commands import DistributionCommand, ManualDrawCommand, RelatedRef
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import PreventionKind, RedistributionReason
from chalicelib.distribuicao.domain.errors import ManualDrawError, NoEligibleJudgeError, StateError
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao, Role, Seat
from chalicelib.distribuicao.domain.log import verify_chain
from chalicelib.distribuicao.service import DistribuicaoService, OrgaoSpec

from courtlib.errors import Busy, Conflict, CourtError, Invalid, NotFound, Refusal
from courtlib.settings import ServiceSettings
from tests.unit.distribuicao.fakes import FakeClock, FakeOrgaoRepository, FakeSeedStore, instant_beacon
from tests.unit.distribuicao.support import NOW, TZ, case, cnj, load_verifier, pleno

ORGAO = "TRE-MT:PLENO"
SETTINGS = ServiceSettings(service="distribuicao", table_name="sem-rede", pagination_secret="s", tribunal="TRE-MT")


class World:
    def __init__(self) -> None:
        self.repository = FakeOrgaoRepository()
        self.seeds = FakeSeedStore()
        self.clock = FakeClock(NOW)
        self.pauses: list[float] = []
        self.service = DistribuicaoService(self.repository, self.seeds, clock=self.clock,
                                           config=DistribuicaoConfig(), settings=SETTINGS, sleep=self.pauses.append,
                                           beacon=instant_beacon())

    def orgao(self, orgao: Orgao | None = None, *, classes: tuple[str, ...] = ("RE", "HC"),
              desembargadores: frozenset[str] = frozenset()) -> str:
        orgao = orgao or pleno()
        self.service.put_orgao(OrgaoSpec(orgao, "Pleno", classes, desembargadores))
        return orgao.id

    def draw(self, seq: int, classe: str = "RE", **kw):
        return self.service.draws.distribute(DistributionCommand(ORGAO, case(seq, classe), **kw))


@pytest.fixture
def world() -> World:
    return World()


def _written(world: World) -> tuple:
    r = world.repository
    return (dict(r.orgaos), {k: dict(v) for k, v in r.logs.items()}, dict(r.cases), list(r.outbox))


# --- reference data -----------------------------------------------------------------------------------


def test_orgao_is_created_then_replaced_with_its_version(world):
    stored, created = world.service.put_orgao(OrgaoSpec(pleno(), "Pleno", ("RE",), frozenset({"J2"})))
    assert created and stored.version == 1 and stored.desembargadores == {"J2"}
    fewer = pleno(substitutes=())
    again, created = world.service.put_orgao(OrgaoSpec(fewer, "Pleno TRE", ("RE", "HC"), frozenset()))
    assert not created and again.version == 2 and again.name == "Pleno TRE"
    assert {j.id for j in again.state.orgao.judges} == {f"J{n}" for n in range(1, 8)}, "judges not listed go"


def test_orgao_with_overlapping_titulars_is_refused_as_inconsistent_and_nothing_is_written(world):
    overlapping = pleno()
    twin = Judge("J9", "Outro titular", 9, "C4", Role.TITULAR)
    orgao = replace(overlapping, judges=(*overlapping.judges, twin))
    with pytest.raises(StateError) as refused:
        world.service.put_orgao(OrgaoSpec(orgao, "Pleno", ("RE",), frozenset()))
    assert refused.value.code == "ORGAO_INCONSISTENTE" and "sobrepostos" in refused.value.detail
    assert world.repository.orgaos == {}


def test_register_orgao_refuses_a_malformed_id(world):
    class Source:
        def spec(self, orgao_id: str) -> OrgaoSpec:
            raise AssertionError("never built")

    with pytest.raises(Invalid) as refused:
        world.service.register_orgao("não vale!", Source())
    assert refused.value.field == "orgao"


class Draft:
    """An órgão as received; ``stray_judge``: one judge in a seat the órgão does not have."""

    def __init__(self, orgao_id: str, *, stray_judge: bool = False) -> None:
        self.id = orgao_id
        self.stray_judge = stray_judge

    def spec(self, orgao_id: str) -> OrgaoSpec:
        base = pleno()
        extra = (Judge("J9", "Intruso", 9, "C99", Role.TITULAR),) if self.stray_judge else ()
        orgao = Orgao(orgao_id, base.seats, (*base.judges, *extra))
        return OrgaoSpec(orgao, f"Órgão {orgao_id}", ("RE",), frozenset())


def test_bulk_import_creates_every_orgao(world):
    done = world.service.import_orgaos([Draft("A"), Draft("B")])
    assert [(d.id, d.created, d.version) for d in done] == [("A", True, 1), ("B", True, 1)]
    assert world.repository.orgao_ids() == ["A", "B"]


def test_bulk_import_refused_for_one_orgao_names_it_and_writes_none(world):
    with pytest.raises(CourtError) as refused:
        world.service.import_orgaos([Draft("A"), Draft("B", stray_judge=True)])
    assert refused.value.field == "orgaos.1" and refused.value.code == "ORGAO_INCONSISTENTE"
    assert world.repository.orgaos == {}
    with pytest.raises(Invalid) as repeated:
        world.service.import_orgaos([Draft("A"), Draft("A")])
    assert repeated.value.field == "orgaos"


def test_bulk_import_that_fails_while_writing_lists_what_was_written(world):
    world.service.import_orgaos([Draft("B")])
    world.repository.concurrent_write(world.repository.touch("B"), times=99)  # B keeps changing under the import
    with pytest.raises(Busy) as busy:
        world.service.import_orgaos([Draft("A"), Draft("B")])
    assert busy.value.field == "orgaos.1"
    assert busy.value.extra["importados"] == [{"id": "A", "criado": True, "versao": 1}]


def test_orgao_situation_shows_who_receives_today_and_the_equality_audit(world):
    world.orgao()
    for seq in range(1, 4):
        world.draw(seq)
    situation = world.service.situation(world.service.get_orgao(ORGAO))
    seats = {s.status.id: s for s in situation.seats}
    assert not seats["C1"].drawable, "DIST-02: the President is out of the draws"
    assert sum(s.total for s in situation.seats) == 3 and situation.today == NOW.date()
    assert situation.equality.per_class["RE"] <= 1
    assert [j.id for j, _ in situation.judges][:2] == ["J1", "J2"], "by seniority"


def test_pages_of_orgaos_and_members_and_unknown_orgao(world):
    world.orgao()
    items, last = world.service.orgaos(10, None)
    assert items == [{"id": ORGAO, "nome": "Pleno", "classes": ["RE", "HC"]}] and last is None
    first, cursor = world.service.members(ORGAO, 5, None)
    rest, end = world.service.members(ORGAO, 5, cursor)
    assert len(first) == 5 and len(rest) == 4 and end is None
    with pytest.raises(NotFound) as missing:
        world.service.members("NAO-EXISTE", 5, None)
    assert missing.value.field == "orgao"


# --- absences (DIST-06, PAG-03) ------------------------------------------------------------------------


def test_dist_06_absence_of_a_desembargador_is_published_with_it_in_one_unit_of_work(world):
    world.orgao(desembargadores=frozenset({"J4"}))
    judge, published = world.service.register_absence(ORGAO, "J4", Absence(date(2026, 3, 10), None, "férias"), "c-1")
    assert published and judge.absences[-1].reason == "férias"
    assert len(world.repository.outbox) == 1 and world.repository.outbox[0].correlationid == "c-1"
    judge, published = world.service.register_absence(ORGAO, "J5", Absence(date(2026, 3, 10)), "c-2")
    assert not published and len(world.repository.outbox) == 1, "DIST-06: a non-desembargador is not published"
    stored = world.service.get_orgao(ORGAO)
    assert stored.state.orgao.judge("J5").absences and stored.version == 3


def test_dist_06_absence_of_an_unknown_judge_or_orgao_is_404(world):
    world.orgao()
    with pytest.raises(NotFound) as judge:
        world.service.register_absence(ORGAO, "J99", Absence(date(2026, 3, 10)), "c")
    with pytest.raises(NotFound) as orgao:
        world.service.register_absence("NAO-EXISTE", "J1", Absence(date(2026, 3, 10)), "c")
    assert (judge.value.field, orgao.value.field) == ("juiz", "orgao")


# --- distribution (DIST-02, 03, 05, 07, 11) ----------------------------------------------------------------


def test_dist_02_distribution_draws_records_and_counts_in_one_unit_of_work(world):
    world.orgao()
    outcome = world.draw(1)
    assert outcome.created and outcome.record is not None and outcome.record.seq == 1
    assert outcome.case.seat != "C1", "the President is never drawn"
    stored = world.service.get_orgao(ORGAO)
    assert stored.state.head.seq == 1 and stored.state.counters.total(outcome.case.seat) == 1
    assert world.service.case(cnj(1)).relator == outcome.case.relator


def test_dist_02_the_same_case_twice_is_not_drawn_again(world):
    world.orgao()
    first = world.draw(1)
    again = world.draw(1)
    assert not again.created and again.case == first.case and again.record == first.record
    assert world.service.get_orgao(ORGAO).state.head.seq == 1


def test_dist_02_no_eligible_judge_is_refused_with_the_reasons_and_writes_nothing(world):
    small = Orgao("PEQUENA", (Seat("C1"), Seat("C2")), (
        Judge("J1", "Presidente", 1, "C1", Role.TITULAR, president=True),
        Judge("J2", "Juiz Dois", 2, "C2", Role.TITULAR, absences=(Absence(NOW.date()),)),
    ))
    world.orgao(small, classes=("RE",))
    before = _written(world)
    with pytest.raises(NoEligibleJudgeError) as refused:
        world.service.draws.distribute(DistributionCommand("PEQUENA", case(1)))
    assert (refused.value.status, refused.value.code) == (409, "DIST-02")
    assert set(refused.value.extra["motivos"]) == {"C1", "C2"} and "Presidente" in refused.value.extra["motivos"]["C1"]
    assert _written(world) == before


def test_dist_02_unknown_orgao_class_or_excluded_judge_is_refused(world):
    world.orgao(classes=("RE",))
    with pytest.raises(NotFound) as orgao:
        world.service.draws.distribute(DistributionCommand("NAO-EXISTE", case(1)))
    with pytest.raises(Invalid) as classe:
        world.draw(1, "HC")
    with pytest.raises(Invalid) as excluded:
        world.draw(1, excluded={"J99": "impedimento"})
    assert (orgao.value.field, classe.value.field, excluded.value.field) == ("orgao", "classe", "excluidos")
    assert world.repository.cases == {}


def test_dist_05_a_known_impediment_keeps_the_judge_out(world):
    world.orgao()
    seats = {world.draw(n, excluded={"J2": "impedimento"}).case.seat for n in range(1, 13)}
    assert "C2" not in seats


def test_dist_03_prevention_assigns_to_the_related_relator_without_draw(world):
    world.orgao()
    first = world.draw(1)
    related = RelatedRef(cnj(1), PreventionKind.CONEXAO)
    second = world.draw(2, related=related)
    assert second.case.relator == first.case.relator and second.case.rule.startswith("prevencao")
    with pytest.raises(Refusal) as unknown:
        world.draw(3, related=RelatedRef(cnj(99), PreventionKind.CONEXAO))
    assert (unknown.value.code, unknown.value.field) == ("DIST-03", "processo_relacionado.numero")


def test_dist_02_a_draw_raced_by_another_reads_again_and_both_are_recorded(world):
    """The other draw commits between this one's read and its write: the write is refused as a whole
    (stale head), the use case reads the new head and decides again; the chain stays whole."""
    world.orgao()
    other = DistributionCommand(ORGAO, case(2))
    world.repository.concurrent_write(lambda: world.service.draws.distribute(other))
    mine = world.draw(1)
    assert mine.created and mine.record.seq == 2, "decided again on the head the other draw left"
    assert world.repository.conflicts == 1 and len(world.pauses) == 1
    records = [r for r, _ in world.repository.records(ORGAO)]
    assert [r.case_number for r in records] == [str(cnj(2)), str(cnj(1))] and verify_chain(records) == []


def test_dist_02_a_draw_that_loses_every_attempt_is_busy_and_writes_nothing(world):
    world.orgao()
    world.repository.concurrent_write(world.repository.touch(ORGAO), times=10)
    before = _written(world)
    with pytest.raises(Busy) as busy:
        world.draw(1)
    assert busy.value.status == 503 and "10 tentativas" in busy.value.detail
    assert world.repository.conflicts == 10 and len(world.pauses) == 9
    assert world.repository.cases == {} and world.repository.logs == before[1]


def test_dist_09_manual_draw_is_recorded_and_counted(world):
    world.orgao()
    command = ManualDrawCommand(DistributionCommand(ORGAO, case(1)), "C5", ("Ana", "Bruno"), "Ata 1/2026",
                                "Presidente do TRE", NOW - timedelta(hours=1))
    outcome = world.service.draws.manual_draw(command)
    assert outcome.case.seat == "C5" and outcome.case.mode == "sorteio_manual"
    assert world.service.get_orgao(ORGAO).state.counters.total("C5") == 1


def test_dist_09_manual_draw_refusals(world):
    world.orgao()
    base = DistributionCommand(ORGAO, case(1))
    held = NOW - timedelta(hours=1)
    with pytest.raises(ManualDrawError) as one_witness:
        world.service.draws.manual_draw(ManualDrawCommand(base, "C5", ("Ana",), "Ata", "Presidente", held))
    with pytest.raises(Invalid) as seat:
        world.service.draws.manual_draw(ManualDrawCommand(base, "C99", ("Ana", "Bruno"), "Ata", "Presidente", held))
    prevented = replace(base, related=RelatedRef(cnj(5), PreventionKind.CONEXAO))
    with pytest.raises(Refusal) as prevention:
        world.service.draws.manual_draw(ManualDrawCommand(prevented, "C5", ("Ana", "Bruno"), "Ata", "Presidente", held))
    assert one_witness.value.code == "DIST-09" and seat.value.field == "cadeira"
    assert (prevention.value.code, prevention.value.field) == ("DIST-09", "processo_relacionado")
    assert world.repository.cases == {}


def test_dist_04_impediment_redistribution_compensates_both_seats(world):
    world.orgao()
    first = world.draw(1)
    moved = world.service.draws.redistribute(cnj(1), RedistributionReason.IMPEDIMENTO)
    assert moved.case.seat != first.case.seat and moved.case.rule == "redistribuicao_impedimento"
    assert moved.case.seqs == (1, 2) and moved.case.voided_acts_of == (first.case.relator,)
    counters = world.service.get_orgao(ORGAO).state.counters
    assert counters.total(first.case.seat) == 0 and counters.total(moved.case.seat) == 1
    with pytest.raises(NotFound):
        world.service.draws.redistribute(cnj(99), RedistributionReason.ERRO)


def test_dist_04_a_redistribution_raced_by_another_is_refused_not_applied_to_the_new_relator(world):
    world.orgao()
    world.draw(1)
    world.repository.concurrent_write(
        lambda: world.service.draws.redistribute(cnj(1), RedistributionReason.SUSPEICAO))
    with pytest.raises(Conflict):
        world.service.draws.redistribute(cnj(1), RedistributionReason.IMPEDIMENTO)
    assert world.service.case(cnj(1)).seqs == (1, 2), "only the other redistribution"


# --- numbering (DIST-01) --------------------------------------------------------------------------------


def test_dist_01_numbering_gives_consecutive_valid_numbers_of_the_tribunal(world):
    numbers = [world.service.next_number(7) for _ in range(3)]
    assert [n.sequential for n in numbers] == [1, 2, 3] and {n.year for n in numbers} == {2026}
    assert {(n.segment, n.tribunal, n.origin) for n in numbers} == {(6, 11, 7)}
    assert world.service.parse_number(str(numbers[0]), "numero_processo") == numbers[0]


def test_dist_01_an_origin_that_ran_out_of_numbers_is_refused_naming_the_part(world):
    world.repository.numbering[(7, 2026)] = 9_999_999
    with pytest.raises(Refusal) as refused:
        world.service.next_number(7)
    assert (refused.value.code, refused.value.field) == ("DIST-01", "numero_processo.sequencial")


def test_dist_01_parse_names_the_part_and_never_calls_another_courts_number_invalid(world):
    with pytest.raises(Refusal) as bad:
        world.service.parse_number("0001234-00.2026.6.11.0001", "numero_processo")
    assert (bad.value.code, bad.value.field) == ("DIST-01", "numero_processo.digitos_verificadores")
    other_court = str(CnjNumber.build(1, 2026, 6, 21, 0))
    with pytest.raises(Refusal) as refused:
        world.service.parse_number(other_court, "numero_processo")
    assert refused.value.code == "PROCESSO_DE_OUTRO_TRIBUNAL"
    with pytest.raises(NotFound):
        world.service.parse_number(other_court, "numero", lookup=True)
    with pytest.raises(Refusal) as future:
        world.service.parse_number(str(CnjNumber.build(1, 2027, 6, 11, 0)), "numero_processo")
    assert future.value.field == "numero_processo.ano"


# --- public proofs (DIST-08, DIST-11) ---------------------------------------------------------------------


def test_dist_11_commitments_exist_before_the_day_and_seeds_stay_secret_until_it_ends(world):
    published, today = world.service.commitments(None, None)
    assert today == NOW.date() and [p.day for p in published] == [today, today + timedelta(days=1)]
    assert all(p.revealed(today) is None for p in published)


def test_dist_11_export_of_past_draws_verifies_with_the_standalone_verifier(world):
    world.orgao()
    for seq in range(1, 6):
        world.draw(seq, "RE" if seq % 2 else "HC")
    world.service.draws.redistribute(cnj(2), RedistributionReason.SUSPEICAO)
    row, pairs, published, today = world.service.proof(cnj(2))
    assert [r.seq for r, _ in pairs] == [2, 6] and published[0].revealed(today) is None, "today's seed is secret"
    world.clock.advance(days=1)
    export = world.service.export(ORGAO)
    assert export["cabeca"]["seq"] == 6 and export["sementes"][0]["dia"] == NOW.date().isoformat()
    report = load_verifier().verificar(export)
    assert report.problemas == [] and report.sorteios_verificados == 6
    with pytest.raises(NotFound) as missing:
        world.service.export("NAO-EXISTE")
    assert missing.value.field == "log"


def test_unknown_case_is_404(world):
    with pytest.raises(NotFound) as missing:
        world.service.case(cnj(42))
    assert missing.value.field == "numero"


def test_the_clock_is_read_in_the_tribunals_time_zone(world):
    world.clock.now = datetime(2026, 3, 3, 1, 30, tzinfo=TZ).astimezone(UTC)  # 04:30 UTC
    assert world.service.today() == date(2026, 3, 3)
