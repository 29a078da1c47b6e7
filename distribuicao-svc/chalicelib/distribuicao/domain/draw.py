"""Distribution use cases as pure functions (DIST-02..07, DIST-09, DIST-11).

Each function takes the state read from storage (:class:`OrgaoState`: the órgão, its counters and the
head of its log) and returns a :class:`Decision`: the log record to append, the case details to store,
the counter deltas, and the head the write must find (``expected_head``) — one read, one conditional
transaction per distribution. Several decisions in a row thread the state with ``state.apply(decision)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from chalicelib.distribuicao.config import DistribuicaoConfig

from courtlib.clock import TRIBUNAL_TZ

from .cnj import CnjNumber
from .equality import CounterDelta, Counters, select_candidates
from .errors import DistribuicaoError, ManualDrawError, NoEligibleJudgeError, SeedError, StateError
from .judges import (
    REVISOR_CLASSES,
    Exclusion,
    Judge,
    Orgao,
    SeatStatus,
    describe_exclusion,
    draw_eligibility,
    revisor_for,
    seniority_successor,
)
from .log import BeaconRound, CaseDetails, DrawRecord, LogHead, ManualDraw, Mode, RecordResult
from .randomness import DailySeed, derive_value, pick_index, value_with_round

# The tribunal's defaults; ``model_validate`` builds them without naming every field.
DEFAULT_CONFIG = DistribuicaoConfig.model_validate({})

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)


class Rule(StrEnum):
    """The rule applied by a record (its ``regra``)."""

    DISTRIBUICAO = "distribuicao"
    PREVENCAO = "prevencao"
    PREVENCAO_SEM_COMPENSACAO = "prevencao_sem_compensacao"
    REDISTRIBUICAO_ERRO = "redistribuicao_erro"
    REDISTRIBUICAO_IMPEDIMENTO = "redistribuicao_impedimento"
    REDISTRIBUICAO_SUSPEICAO = "redistribuicao_suspeicao"
    REDISTRIBUICAO_REVISOR_VISTO = "redistribuicao_revisor_visto"
    REDISTRIBUICAO_AUSENCIA = "redistribuicao_ausencia"
    URGENCIA_AUSENCIA = "urgencia_ausencia"
    RETORNO = "retorno"
    SUCESSAO = "sucessao"
    SUBSTITUICAO_REVISOR = "substituicao_revisor"
    CARTA_PRECATORIA = "carta_precatoria"
    DOMICILIO_ELEITOR = "domicilio_eleitor"
    ABERTURA = "abertura"


LEGAL_BASIS: dict[Rule, str] = {
    Rule.DISTRIBUICAO: "RI TRE-MT arts. 33 e 34 (DIST-02)",
    Rule.PREVENCAO: "RI TRE-MT arts. 34 §7º e 38 (DIST-03)",
    Rule.PREVENCAO_SEM_COMPENSACAO: "RI TRE-MT art. 34 §7º, recurso de apuração do art. 260 do Código Eleitoral",
    Rule.REDISTRIBUICAO_ERRO: "RI TRE-MT art. 34 §6º (DIST-04)",
    Rule.REDISTRIBUICAO_IMPEDIMENTO: "RI TRE-MT arts. 34 §6º, 109 e 112 (DIST-04)",
    Rule.REDISTRIBUICAO_SUSPEICAO: "RI TRE-MT arts. 34 §6º, 109 e 112 (DIST-04)",
    Rule.REDISTRIBUICAO_REVISOR_VISTO: "RI TRE-MT art. 112 §1º",
    Rule.REDISTRIBUICAO_AUSENCIA: "RI TRE-MT art. 35 (DIST-06)",
    Rule.URGENCIA_AUSENCIA: "RI TRE-MT art. 35 §1º (DIST-06)",
    Rule.RETORNO: "RI TRE-MT art. 35 §2º (DIST-06)",
    Rule.SUCESSAO: "RI TRE-MT art. 34 §§4º e 5º (DIST-06)",
    Rule.SUBSTITUICAO_REVISOR: "RI TRE-MT arts. 45 §1º e 112 §2º (DIST-07)",
    Rule.CARTA_PRECATORIA: "Res. TRE-RS 139/2003 art. 10 III e §1º (DIST-10)",
    Rule.DOMICILIO_ELEITOR: "Res. TRE-RS 139/2003 art. 10 II (DIST-10)",
    Rule.ABERTURA: "saldos iniciais da distribuição (migração)",
}


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class CaseData:
    """A case to distribute: its number and class, flags, and the details the edital shows."""

    number: CnjNumber
    classe: str
    secret: bool = False
    urgent: bool = False
    needs_revisor: bool = False
    parties: tuple[str, ...] = ()
    lawyers: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.classe, str) or not self.classe.strip():
            raise DistribuicaoError("a classe processual é obrigatória (RI art. 31)", code="VALIDACAO")

    @property
    def has_revisor(self) -> bool:
        return self.needs_revisor or self.classe in REVISOR_CLASSES


class PreventionKind(StrEnum):
    """DIST-03 (RI art. 38)."""

    CONEXAO = "conexao"
    CONTINENCIA = "continencia"
    RECURSO_POSTERIOR = "recurso_posterior"
    INQUERITO_ACAO_PENAL = "inquerito_acao_penal"
    ACESSORIO_PRINCIPAL = "acessorio_principal"
    APURACAO_ART_260 = "apuracao_art_260"  # prevention without compensation (RI art. 34 §7º)


@dataclass(frozen=True)
class RelatedCase:
    """The case that makes a relator prevento: its relator (the first designated, art. 38), its seat,
    whether it is still pending, and — when the relator lost the vote — the writer of the acórdão (IV)."""

    number: CnjNumber
    kind: PreventionKind
    relator_id: str
    seat_id: str
    pending: bool = True
    acordao_writer_id: str | None = None


@dataclass(frozen=True)
class DistributionRequest:
    """``excluded_judges``: judge id → :class:`Exclusion` code known at distribution (impediment,
    suspicion, the relator of the impugned decision in an action against an act of the court, DIST-05)."""

    case: CaseData
    related: RelatedCase | None = None
    excluded_judges: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AssignedCase:
    """A case already distributed, as stored. ``home_seat_id``: the seat it must go back to when it was
    moved away because nobody could act there (DIST-06)."""

    case: CaseData
    seat_id: str
    relator_id: str
    revisor_id: str | None = None
    pending: bool = True
    home_seat_id: str | None = None
    revisor_has_visto: bool = False


@dataclass(frozen=True)
class OrgaoState:
    """Everything a distribution reads: one item collection in storage."""

    orgao: Orgao
    counters: Counters = field(default_factory=Counters)
    head: LogHead = field(default_factory=LogHead)

    @property
    def log_id(self) -> str:
        return self.orgao.id

    def apply(self, decision: Decision) -> OrgaoState:
        if decision.expected_head != self.head:
            raise StateError("decisão calculada sobre outro estado do log")
        return replace(self, counters=self.counters.apply(decision.deltas), head=decision.new_head)


@dataclass(frozen=True)
class Decision:
    """What to persist: ``record`` (append to the log), ``details`` (private), ``deltas`` (counters),
    on the condition that the log head still is ``expected_head``."""

    record: DrawRecord
    details: CaseDetails | None
    deltas: tuple[CounterDelta, ...]
    expected_head: LogHead
    unit: str
    relator_id: str | None = None
    acting_id: str | None = None
    revisor_id: str | None = None
    home_seat_id: str | None = None
    voids_acts_of: str | None = None

    def acted_by(self, agent: Mapping[str, Any] | None) -> Decision:
        """This decision with its record naming who made it (the record's hash and the new head follow)."""
        return replace(self, record=self.record.acted_by(agent))

    @property
    def new_head(self) -> LogHead:
        return self.record.head

    @property
    def candidates(self) -> tuple[str, ...]:
        return self.record.candidates

    def assigned(self, case: CaseData, *, previous: AssignedCase | None = None) -> AssignedCase:
        """The case row after this decision."""
        return AssignedCase(
            case=case,
            seat_id=self.unit,
            relator_id=self.relator_id or "",
            revisor_id=self.revisor_id,
            pending=True,
            home_seat_id=self.home_seat_id,
            revisor_has_visto=bool(previous and previous.revisor_has_visto and previous.revisor_id == self.revisor_id),
        )


# ---------------------------------------------------------------------------------------------
# Shared mechanics (also used by precatorias.py)


def local_time(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise DistribuicaoError("o instante da distribuição deve ter fuso horário")
    return now.astimezone(TZ)


@dataclass(frozen=True)
class DrawOutcome:
    counts_before: dict[str, tuple[int, int]]
    candidates: tuple[str, ...]
    value: str
    index: int
    chosen: str


def run_draw(
    *, log_id: str, eligible: Iterable[str], counters: Counters, count_class: str,
    case_number: CnjNumber, seq: int, seed: DailySeed, day: date, beacon: BeaconRound | None = None,
) -> DrawOutcome:
    """The draw itself: candidates by the equality rule, index from the day's seed (DIST-02, DIST-11) and, when
    given, the beacon round fixed at registration (issue 16: the value then needs both)."""
    if seed.day != day:
        raise SeedError(f"a semente é do dia {seed.day:%d/%m/%Y}, mas o sorteio é do dia {day:%d/%m/%Y}")
    counts_before = counters.before(eligible, count_class)
    cands = tuple(select_candidates(counts_before))
    if beacon is None:
        value = derive_value(seed.seed, log_id, case_number.digits, seq)
    else:
        value = value_with_round(seed.seed, beacon.randomness, log_id, case_number.digits, seq)
    index = pick_index(value, len(cands))
    return DrawOutcome(counts_before, cands, value.hex(), index, cands[index])


def build_record(
    *, log_id: str, head: LogHead, local: datetime, case: CaseData | None, count_class: str,
    details: CaseDetails | None, rule: Rule, mode: Mode, reason: str | None,
    eligible: Sequence[str], excluded: Mapping[str, str], counts_before: Mapping[str, tuple[int, int]],
    candidates: Sequence[str], result: RecordResult, deltas: Sequence[CounterDelta],
    outcome: DrawOutcome | None = None, previous: RecordResult | None = None,
    manual: ManualDraw | None = None, reference: str | None = None, distributor: str | None = None,
    beacon: BeaconRound | None = None,
) -> DrawRecord:
    return DrawRecord(
        log=log_id,
        seq=head.seq + 1,
        prev_hash=head.hash,
        recorded_at=local.isoformat(timespec="seconds"),
        case_number="" if case is None else str(case.number),
        classe="" if case is None else case.classe,
        count_class=count_class,
        secret=bool(case and case.secret),
        urgent=bool(case and case.urgent),
        details_hash=None if details is None else details.digest,
        rule=rule.value,
        mode=mode,
        legal_basis=LEGAL_BASIS[rule],
        reason=reason,
        eligible=tuple(sorted(eligible)),
        excluded=tuple(sorted(excluded.items())),
        counts_before=dict(counts_before),
        candidates=tuple(candidates),
        seed_day=None if outcome is None else local.date().isoformat(),
        value=None if outcome is None else outcome.value,
        index=None if outcome is None else outcome.index,
        result=result,
        previous=previous,
        deltas=tuple(deltas),
        manual=manual,
        reference=reference,
        distributor=distributor,
        beacon=None if outcome is None else beacon,
    ).sealed()


def case_details(case: CaseData) -> CaseDetails:
    return CaseDetails(case.parties, case.lawyers, case.subjects)


def _no_one(detail: str, excluded: Mapping[str, str]) -> NoEligibleJudgeError:
    reasons = {unit: describe_exclusion(code) for unit, code in excluded.items()}
    listed = "; ".join(f"{u}: {r}" for u, r in sorted(reasons.items()))
    return NoEligibleJudgeError(f"{detail} — {listed}" if listed else detail, reasons)


def _result(status: SeatStatus, revisor: Judge | None) -> RecordResult:
    relator = status.relator
    acting = status.acting
    return RecordResult(
        unit=status.id,
        relator=None if relator is None else relator.id,
        relator_name=None if relator is None else relator.name,
        acting=None if acting is None or relator is None or acting.id == relator.id else acting.id,
        revisor=None if revisor is None else revisor.id,
        revisor_name=None if revisor is None else revisor.name,
    )


def _revisor(orgao: Orgao, case: CaseData, relator: Judge | None, day: date, excluded: Iterable[str]) -> Judge | None:
    if not case.has_revisor or relator is None:
        return None
    revisor = revisor_for(orgao, relator.id, day, excluded)
    if revisor is None:
        raise NoEligibleJudgeError(f"não há revisor elegível para o processo {case.number} (RI art. 45)")
    return revisor


def _decision(
    record: DrawRecord,
    head: LogHead,
    status: SeatStatus,
    revisor: Judge | None,
    deltas: Sequence[CounterDelta],
    *,
    details: CaseDetails | None = None,
    home_seat_id: str | None = None,
    voids_acts_of: str | None = None,
) -> Decision:
    return Decision(
        record=record,
        details=details,
        deltas=tuple(deltas),
        expected_head=head,
        unit=status.id,
        relator_id=None if status.relator is None else status.relator.id,
        acting_id=None if status.acting is None else status.acting.id,
        revisor_id=None if revisor is None else revisor.id,
        home_seat_id=home_seat_id,
        voids_acts_of=voids_acts_of,
    )


def _seat_of_relator(orgao: Orgao, judge_id: str, day: date, config: DistribuicaoConfig) -> SeatStatus | None:
    """The seat for which ``judge_id`` is relator today (None: he relates for no seat)."""
    if not orgao.has_judge(judge_id):
        return None
    status = orgao.status(orgao.judge(judge_id).seat, day, config)
    return status if status.relator is not None and status.relator.id == judge_id else None


# ---------------------------------------------------------------------------------------------
# Distribution (DIST-02, DIST-03, DIST-05, DIST-07)


def _prevention_target(
    state: OrgaoState, request: DistributionRequest, day: date, config: DistribuicaoConfig
) -> tuple[SeatStatus | None, str]:
    """The seat prevented by ``request.related`` or None with the reason prevention does not apply."""
    related = request.related
    assert related is not None
    prevented = related.acordao_writer_id or related.relator_id
    if prevented in request.excluded_judges:
        why = describe_exclusion(request.excluded_judges[prevented])
        return None, f"prevento ({prevented}) excluído deste processo: {why}"
    status = _seat_of_relator(state.orgao, prevented, day, config)
    if status is None and related.pending:
        # RI art. 38 §1º VI: the judge who took the seat is prevented for the pending cases of his predecessor.
        status = state.orgao.status(related.seat_id, day, config)
        if status.relator is None:
            return None, f"cadeira {related.seat_id} do processo prevento está vaga e sem substituto"
        if status.relator.id in request.excluded_judges:
            return None, f"sucessor prevento ({status.relator.id}) excluído deste processo"
    if status is None:
        return None, f"o prevento ({prevented}) não compõe mais o Tribunal (RI art. 38 §1º I)"
    if status.is_presidency:
        return None, "o prevento exerce a Presidência, que não recebe distribuição (RI art. 34)"
    return status, ""


def distribute(
    state: OrgaoState,
    request: DistributionRequest,
    *,
    seed: DailySeed,
    now: datetime,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
    beacon: BeaconRound | None = None,
) -> Decision:
    """Distribute a new case: by prevention when ``request.related`` makes a judge prevento (without draw,
    compensated), otherwise by the verifiable draw among the eligible seats (with ``beacon``: from the seed and
    that round, issue 16; ``now`` is then the registration's instant)."""
    local = local_time(now)
    day = local.date()
    case = request.case
    details = case_details(case)
    excluded_ids = set(request.excluded_judges)
    reason: str | None = None
    if request.related is not None:
        target, reason = _prevention_target(state, request, day, config)
        if target is not None:
            revisor = _revisor(state.orgao, case, target.relator, day, excluded_ids)
            uncompensated = request.related.kind is PreventionKind.APURACAO_ART_260
            rule = Rule.PREVENCAO_SEM_COMPENSACAO if uncompensated else Rule.PREVENCAO
            deltas = [] if rule is Rule.PREVENCAO_SEM_COMPENSACAO else [CounterDelta(target.id, case.classe, 1)]
            record = build_record(
                log_id=state.log_id, head=state.head, local=local, case=case, count_class=case.classe,
                details=details, rule=rule, mode="atribuicao",
                reason=f"{request.related.kind.value}: prevento pelo processo {request.related.number}",
                eligible=[target.id], excluded={}, counts_before=state.counters.before([target.id], case.classe),
                candidates=[target.id], result=_result(target, revisor), deltas=deltas,
                reference=str(request.related.number),
            )
            return _decision(record, state.head, target, revisor, deltas, details=details)
    eligible, excluded = draw_eligibility(state.orgao, day, request.excluded_judges, config=config)
    if not eligible:
        raise _no_one(f"nenhum juiz elegível para o processo {case.number}", excluded)
    outcome = run_draw(
        log_id=state.log_id, eligible=[s.id for s in eligible], counters=state.counters, count_class=case.classe,
        case_number=case.number, seq=state.head.seq + 1, seed=seed, day=day, beacon=beacon,
    )
    chosen = next(s for s in eligible if s.id == outcome.chosen)
    revisor = _revisor(state.orgao, case, chosen.relator, day, excluded_ids)
    deltas = [CounterDelta(chosen.id, case.classe, 1)]
    record = build_record(
        log_id=state.log_id, head=state.head, local=local, case=case, count_class=case.classe, details=details,
        rule=Rule.DISTRIBUICAO, mode="sorteio", reason=reason or None, eligible=[s.id for s in eligible],
        excluded=excluded, counts_before=outcome.counts_before, candidates=outcome.candidates,
        result=_result(chosen, revisor), deltas=deltas, outcome=outcome,
        reference=None if request.related is None else str(request.related.number), beacon=beacon,
    )
    return _decision(record, state.head, chosen, revisor, deltas, details=details)


def manual_draw(
    state: OrgaoState,
    request: DistributionRequest,
    *,
    chosen_seat: str,
    witnesses: Sequence[str],
    ata: str,
    authorized_by: str,
    held_at: datetime,
    now: datetime,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
) -> Decision:
    """DIST-09: record a draw made by hand while the system was down (RI art. 33 §2º).

    The draw must have been among the candidates the equality rule gives on the recorded state (so it
    counts in the equality like any other); it needs the configured number of distinct witnesses and the
    ata; the eligibility is that of the day the draw was held.
    """
    local = local_time(now)
    held = local_time(held_at)
    case = request.case
    names = [w.strip() for w in witnesses if w and w.strip()]
    if len(set(names)) < config.testemunhas_sorteio_manual:
        raise ManualDrawError(
            f"o sorteio manual exige {config.testemunhas_sorteio_manual} testemunhas distintas (RI art. 33 §2º)"
        )
    if not ata.strip():
        raise ManualDrawError("o sorteio manual exige a ata (RI art. 33 §2º)")
    if not authorized_by.strip():
        raise ManualDrawError("o sorteio manual depende de autorização do Presidente (RI art. 33 §2º)")
    if request.related is not None:
        raise ManualDrawError("processo com prevenção não é sorteado: registre-o como distribuição por prevenção")
    if held > local:
        raise ManualDrawError("o sorteio manual não pode ser posterior ao seu registro")
    eligible, excluded = draw_eligibility(state.orgao, held.date(), request.excluded_judges, config=config)
    if not eligible:
        raise _no_one(f"nenhum juiz elegível para o processo {case.number}", excluded)
    counts_before = state.counters.before([s.id for s in eligible], case.classe)
    cands = select_candidates(counts_before)
    if chosen_seat not in cands:
        raise ManualDrawError(
            f"a cadeira {chosen_seat} não estava entre as sorteáveis pela regra de igualdade: {', '.join(cands)}"
        )
    chosen = next(s for s in eligible if s.id == chosen_seat)
    revisor = _revisor(state.orgao, case, chosen.relator, held.date(), set(request.excluded_judges))
    deltas = [CounterDelta(chosen.id, case.classe, 1)]
    details = case_details(case)
    record = build_record(
        log_id=state.log_id, head=state.head, local=local, case=case, count_class=case.classe, details=details,
        rule=Rule.DISTRIBUICAO, mode="sorteio_manual", reason="sistema indisponível: sorteio manual",
        eligible=[s.id for s in eligible], excluded=excluded, counts_before=counts_before, candidates=cands,
        result=_result(chosen, revisor), deltas=deltas,
        manual=ManualDraw(tuple(names), ata.strip(), authorized_by.strip(), held.isoformat(timespec="seconds")),
    )
    return _decision(record, state.head, chosen, revisor, deltas, details=details)


# ---------------------------------------------------------------------------------------------
# Redistribution (DIST-04, art. 112, DIST-07 revisor replacement)


class RedistributionReason(StrEnum):
    ERRO = "erro"
    IMPEDIMENTO = "impedimento"
    SUSPEICAO = "suspeicao"


_REDIST = {
    RedistributionReason.ERRO: (Rule.REDISTRIBUICAO_ERRO, Exclusion.DISTRIBUICAO_EQUIVOCADA),
    RedistributionReason.IMPEDIMENTO: (Rule.REDISTRIBUICAO_IMPEDIMENTO, Exclusion.IMPEDIMENTO),
    RedistributionReason.SUSPEICAO: (Rule.REDISTRIBUICAO_SUSPEICAO, Exclusion.SUSPEICAO),
}


def _previous(state: OrgaoState, assigned: AssignedCase) -> RecordResult:
    name = state.orgao.judge(assigned.relator_id).name if state.orgao.has_judge(assigned.relator_id) else None
    rev = assigned.revisor_id
    rev_name = state.orgao.judge(rev).name if rev and state.orgao.has_judge(rev) else None
    return RecordResult(assigned.seat_id, assigned.relator_id, name, None, rev, rev_name)


def _move(
    state: OrgaoState, assigned: AssignedCase, target: SeatStatus, *, rule: Rule, local: datetime, reason: str,
    excluded_ids: Iterable[str], home_seat_id: str | None, keep_revisor: bool = False, voids: str | None = None,
) -> Decision:
    """Assign ``assigned`` to ``target`` without draw, compensating both seats."""
    case = assigned.case
    day = local.date()
    if keep_revisor and assigned.revisor_id:
        revisor: Judge | None = state.orgao.judge(assigned.revisor_id)
    else:
        revisor = _revisor(state.orgao, case, target.relator, day, excluded_ids)
    deltas = (
        []
        if target.id == assigned.seat_id
        else [CounterDelta(assigned.seat_id, case.classe, -1), CounterDelta(target.id, case.classe, 1)]
    )
    units = sorted({assigned.seat_id, target.id})
    record = build_record(
        log_id=state.log_id, head=state.head, local=local, case=case, count_class=case.classe, details=None,
        rule=rule, mode="atribuicao", reason=reason, eligible=[target.id], excluded={},
        counts_before=state.counters.before(units, case.classe), candidates=[target.id],
        result=_result(target, revisor), previous=_previous(state, assigned), deltas=deltas,
    )
    return _decision(record, state.head, target, revisor, deltas, home_seat_id=home_seat_id, voids_acts_of=voids)


def _redraw(
    state: OrgaoState, assigned: AssignedCase, *, rule: Rule, exclusion: str, local: datetime, seed: DailySeed,
    config: DistribuicaoConfig, reason: str, extra_excluded: Mapping[str, str], home_seat_id: str | None,
    voids: str | None = None, beacon: BeaconRound | None = None,
) -> Decision:
    """New draw excluding the seat that loses the case; −1 to it, +1 to the new one (compensation)."""
    case = assigned.case
    day = local.date()
    excluded_judges = {**extra_excluded, assigned.relator_id: exclusion}
    eligible, excluded = draw_eligibility(
        state.orgao, day, excluded_judges, excluded_seats={assigned.seat_id: exclusion}, config=config
    )
    if not eligible:
        raise _no_one(f"nenhum juiz elegível para redistribuir o processo {case.number}", excluded)
    outcome = run_draw(
        log_id=state.log_id, eligible=[s.id for s in eligible], counters=state.counters, count_class=case.classe,
        case_number=case.number, seq=state.head.seq + 1, seed=seed, day=day, beacon=beacon,
    )
    chosen = next(s for s in eligible if s.id == outcome.chosen)
    revisor = _revisor(state.orgao, case, chosen.relator, day, set(excluded_judges))
    deltas = [CounterDelta(assigned.seat_id, case.classe, -1), CounterDelta(chosen.id, case.classe, 1)]
    record = build_record(
        log_id=state.log_id, head=state.head, local=local, case=case, count_class=case.classe, details=None,
        rule=rule, mode="sorteio", reason=reason, eligible=[s.id for s in eligible], excluded=excluded,
        counts_before=outcome.counts_before, candidates=outcome.candidates, result=_result(chosen, revisor),
        previous=_previous(state, assigned), deltas=deltas, outcome=outcome, beacon=beacon,
    )
    return _decision(record, state.head, chosen, revisor, deltas, home_seat_id=home_seat_id, voids_acts_of=voids)


def redistribute(
    state: OrgaoState,
    assigned: AssignedCase,
    reason: RedistributionReason,
    *,
    seed: DailySeed,
    now: datetime,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
    excluded_judges: Mapping[str, str] | None = None,
    beacon: BeaconRound | None = None,
) -> Decision:
    """DIST-04: mistaken distribution, impediment or suspicion of the relator: new draw excluding him,
    compensated (−1 to the seat that loses the case, +1 to the new one). After an upheld impediment or
    suspicion the revisor who already put his visto becomes relator without draw (RI art. 112 §1º), and the
    impeded judge's acts are void (art. 109: ``voids_acts_of``). The revisor follows the new relator (art. 45 §2º)."""
    local = local_time(now)
    rule, exclusion = _REDIST[reason]
    voids = assigned.relator_id if reason is not RedistributionReason.ERRO else None
    extra = dict(excluded_judges or {})
    if reason is not RedistributionReason.ERRO and assigned.revisor_id and assigned.revisor_has_visto:
        target = _seat_of_relator(state.orgao, assigned.revisor_id, local.date(), config)
        if target is not None and target.acting is not None and assigned.revisor_id not in extra:
            return _move(
                state, assigned, target, rule=Rule.REDISTRIBUICAO_REVISOR_VISTO, local=local,
                reason=f"{reason.value} do relator; revisor com visto lançado",
                excluded_ids={assigned.relator_id, *extra}, home_seat_id=None, voids=voids,
            )
    return _redraw(
        state, assigned, rule=rule, exclusion=exclusion, local=local, seed=seed, config=config,
        reason=f"{reason.value} do relator {assigned.relator_id}", extra_excluded=extra, home_seat_id=None, voids=voids,
        beacon=beacon,
    )


def replace_revisor(
    state: OrgaoState,
    assigned: AssignedCase,
    *,
    now: datetime,
    reason: str = "impedimento",
    config: DistribuicaoConfig = DEFAULT_CONFIG,
) -> Decision:
    """DIST-07: an impeded, suspect or incompatible revisor is replaced by the next judge in decreasing
    seniority, the most senior after the most recent (RI arts. 45 §1º, 112 §2º). No count changes."""
    local = local_time(now)
    day = local.date()
    if not assigned.revisor_id:
        raise DistribuicaoError(f"o processo {assigned.case.number} não tem revisor")
    new = seniority_successor(state.orgao, assigned.revisor_id, day, {assigned.revisor_id, assigned.relator_id})
    if new is None:
        raise NoEligibleJudgeError(f"não há outro revisor para o processo {assigned.case.number}")
    status = state.orgao.status(assigned.seat_id, day, config)
    case = assigned.case
    result = RecordResult(
        assigned.seat_id, assigned.relator_id,
        state.orgao.judge(assigned.relator_id).name if state.orgao.has_judge(assigned.relator_id) else None,
        None, new.id, new.name,
    )
    record = build_record(
        log_id=state.log_id, head=state.head, local=local, case=case, count_class=case.classe, details=None,
        rule=Rule.SUBSTITUICAO_REVISOR, mode="atribuicao", reason=f"{reason} do revisor {assigned.revisor_id}",
        eligible=[assigned.seat_id], excluded={}, counts_before=state.counters.before([assigned.seat_id], case.classe),
        candidates=[assigned.seat_id], result=result, previous=_previous(state, assigned), deltas=[],
    )
    return Decision(
        record=record, details=None, deltas=(), expected_head=state.head, unit=assigned.seat_id,
        relator_id=assigned.relator_id, acting_id=None if status.acting is None else status.acting.id,
        revisor_id=new.id, home_seat_id=assigned.home_seat_id,
    )


# ---------------------------------------------------------------------------------------------
# Absences and vacancies (DIST-06)


class ActionKind(StrEnum):
    REDISTRIBUIR_AUSENCIA = "redistribuir_ausencia"  # art. 35: after 15 days, draw among the others
    URGENTE_AUSENCIA = "urgente_ausencia"  # art. 35 §1º: at once to the revisor or next in seniority
    RETORNO = "retorno"  # art. 35 §2º: back to whoever takes the seat
    SUCESSAO = "sucessao"  # art. 34 §§4º–5º: cases of the seat pass to its new relator (no count change)


@dataclass(frozen=True)
class PlannedAction:
    kind: ActionKind
    case: AssignedCase
    target_seat: str | None
    explanation: str


def plan_absences(
    state: OrgaoState,
    cases: Iterable[AssignedCase],
    *,
    on: date,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
) -> list[PlannedAction]:
    """What DIST-06 requires today for the pending cases given (a daily schedule calls it).

    A seat where nobody can act (titular away or post vacant, with no substitute in exercise): its urgent
    cases go at once to the case's revisor, or the judge following the absent one in seniority; after
    ``ausencia_redistribuicao_dias`` days (15) every pending case is redistributed by draw among the
    others. When someone can act for the seat again, the pending cases it lost come back. Cases whose
    relator no longer relates for the seat pass to its current relator (successor or, during the vacancy,
    the substitute; when the vacancy is filled, the new titular).
    """
    orgao = state.orgao
    statuses = {s.id: s for s in orgao.statuses(on, config)}
    actions: list[PlannedAction] = []
    for case in sorted(cases, key=lambda c: (str(c.case.number), c.seat_id)):
        if not case.pending:
            continue
        holder = statuses[case.seat_id]
        home_id = case.home_seat_id
        if home_id and home_id != case.seat_id:
            home = statuses[home_id]
            if home.acting is not None and home.relator is not None and not home.is_presidency:
                actions.append(PlannedAction(
                    ActionKind.RETORNO, case, home_id,
                    f"a cadeira {home_id} voltou a ter quem atue ({home.relator.name})",
                ))
                continue
        if holder.acting is None:
            since = holder.unavailable_since
            elapsed = None if since is None else (on - since).days
            if elapsed is None or elapsed >= config.ausencia_redistribuicao_dias:
                actions.append(PlannedAction(
                    ActionKind.REDISTRIBUIR_AUSENCIA, case, None,
                    f"cadeira {holder.id} sem quem atue há {'mais de ' if elapsed is None else ''}"
                    f"{config.ausencia_redistribuicao_dias if elapsed is None else elapsed} dias",
                ))
            elif case.case.urgent:
                target = _urgent_target(state, case, on, config)
                if target is not None:
                    actions.append(PlannedAction(
                        ActionKind.URGENTE_AUSENCIA, case, target.id,
                        f"medida urgente com a cadeira {holder.id} sem quem atue há {elapsed} dias",
                    ))
            continue
        if holder.relator is not None and holder.relator.id != case.relator_id and not holder.is_presidency:
            actions.append(PlannedAction(
                ActionKind.SUCESSAO, case, holder.id,
                f"{holder.relator.name} passou a relatar pela cadeira {holder.id}",
            ))
    return actions


def _urgent_target(state: OrgaoState, case: AssignedCase, on: date, config: DistribuicaoConfig) -> SeatStatus | None:
    if case.revisor_id and case.revisor_id != case.relator_id:
        status = _seat_of_relator(state.orgao, case.revisor_id, on, config)
        if status is not None and status.acting is not None and not status.is_presidency:
            return status
    if not state.orgao.has_judge(case.relator_id):
        return None
    successor = seniority_successor(state.orgao, case.relator_id, on)
    return None if successor is None else _seat_of_relator(state.orgao, successor.id, on, config)


def execute(
    state: OrgaoState,
    action: PlannedAction,
    *,
    seed: DailySeed,
    now: datetime,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
    beacon: BeaconRound | None = None,
) -> Decision:
    """Carry out one planned DIST-06 action on ``state``; a redraw uses ``beacon``, the round fixed when the action
    was registered (issue 16)."""
    local = local_time(now)
    day = local.date()
    case = action.case
    if action.kind is ActionKind.REDISTRIBUIR_AUSENCIA:
        return _redraw(
            state, case, rule=Rule.REDISTRIBUICAO_AUSENCIA, exclusion=Exclusion.AUSENTE_SEM_SUBSTITUTO, local=local,
            seed=seed, config=config, reason=action.explanation, extra_excluded={},
            home_seat_id=case.home_seat_id or case.seat_id, beacon=beacon,
        )
    assert action.target_seat is not None
    target = state.orgao.status(action.target_seat, day, config)
    if action.kind is ActionKind.URGENTE_AUSENCIA:
        return _move(
            state, case, target, rule=Rule.URGENCIA_AUSENCIA, local=local, reason=action.explanation,
            excluded_ids=(), home_seat_id=case.home_seat_id or case.seat_id,
        )
    if action.kind is ActionKind.RETORNO:
        return _move(
            state, case, target, rule=Rule.RETORNO, local=local, reason=action.explanation,
            excluded_ids=(), home_seat_id=None,
        )
    keep = bool(case.revisor_id) and any(
        m.id == case.revisor_id for m in _acting_members(state.orgao, day, config)
    )
    return _move(
        state, case, target, rule=Rule.SUCESSAO, local=local, reason=action.explanation,
        excluded_ids=(), home_seat_id=case.home_seat_id, keep_revisor=keep,
    )


def _acting_members(orgao: Orgao, day: date, config: DistribuicaoConfig) -> list[Judge]:
    return [s.relator for s in orgao.statuses(day, config) if s.relator is not None and s.acting is not None]


def execute_all(
    state: OrgaoState,
    actions: Iterable[PlannedAction],
    *,
    seed: DailySeed,
    now: datetime,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
) -> tuple[OrgaoState, list[Decision]]:
    """Execute ``actions`` in order, threading the state (each decision sees the previous ones' counts)."""
    decisions = []
    for action in actions:
        decision = execute(state, action, seed=seed, now=now, config=config)
        state = state.apply(decision)
        decisions.append(decision)
    return state, decisions


def opening_balance(state: OrgaoState, counts: Mapping[str, Mapping[str, int]], *, now: datetime) -> Decision:
    """The first record of a log migrated from another system: the counts it starts from, in the open."""
    if state.head.seq != 0:
        raise DistribuicaoError("saldos iniciais só podem abrir um log vazio")
    for unit in counts:
        state.orgao.seat(unit)
    deltas = [CounterDelta(u, c, n) for u, by_class in sorted(counts.items()) for c, n in sorted(by_class.items()) if n]
    record = build_record(
        log_id=state.log_id, head=state.head, local=local_time(now), case=None, count_class="", details=None,
        rule=Rule.ABERTURA, mode="atribuicao", reason="saldos trazidos do sistema anterior", eligible=[],
        excluded={}, counts_before={}, candidates=[], result=RecordResult(unit=""), deltas=deltas,
    )
    return Decision(record=record, details=None, deltas=tuple(deltas), expected_head=state.head, unit="")
