"""DIST-10: first degree, municipalities with several electoral zones (Res. TRE-RS 139/2003 art. 10).

Cartas precatórias and de ordem are distributed equally among the municipality's zones, by the same
verifiable draw and equality rule as the Tribunal's (one count class, ``carta``), leaving out the zone
designated for electoral propaganda from 60 days before to 30 days after each election (both days
included; election dates and designated zones are tribunal data). The oldest zone runs the distribution
(it keeps the Livro de Distribuição, art. 11 §1º) and is named in the record. Matters of the voters'
registry (domicile, party membership, incidents of the Cadastro) go to the voter's zone, without draw
and without counting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from chalicelib.distribuicao.config import DistribuicaoConfig

from .draw import DEFAULT_CONFIG, CaseData, Decision, Rule, build_record, case_details, local_time, run_draw
from .equality import CounterDelta, Counters
from .errors import DistribuicaoError, NoEligibleJudgeError, StateError
from .judges import Exclusion, describe_exclusion
from .log import BeaconRound, LogHead, RecordResult
from .randomness import DailySeed

COUNT_CLASS = "carta"
RULE = "DIST-10"  # the code of this module's refusals


def zone_id(number: int) -> str:
    """A zone's id from its number: ``ZE001``."""
    return f"ZE{number:03d}"


def log_id_of(municipality: str) -> str:
    """The verifiable log of a municipality's zones (``/sorteios/exportacao?log=ZONAS-<municipio>``)."""
    return f"ZONAS-{municipality}"


@dataclass(frozen=True)
class Zone:
    """An electoral zone: its number, the municipalities it covers (IBGE codes) and installation date."""

    id: str
    number: int
    municipalities: frozenset[str]
    installed_on: date | None = None

    @property
    def age_key(self) -> tuple[date, int]:
        return (self.installed_on or date.min, self.number)


@dataclass(frozen=True)
class Election:
    """An election day (each round is one) and the zones designated for propaganda in it."""

    day: date
    propaganda_zones: frozenset[str] = frozenset()


class MatterKind(StrEnum):
    CARTA = "carta"  # cartas precatórias e de ordem de qualquer natureza (art. 10 III)
    CADASTRO_ELEITORAL = "cadastro_eleitoral"  # domicílio, filiação, incidentes do Cadastro (art. 10 II)
    CRIMINAL = "criminal"  # art. 10 I: CPP art. 69 — not distributed by draw here


@dataclass(frozen=True)
class ZoneState:
    """The distribution book of one municipality: its zones, counters and log head."""

    log_id: str
    municipality: str
    zones: tuple[Zone, ...]
    counters: Counters = field(default_factory=Counters)
    head: LogHead = field(default_factory=LogHead)

    def local_zones(self) -> list[Zone]:
        zones = [z for z in self.zones if self.municipality in z.municipalities]
        if not zones:
            raise StateError(f"nenhuma zona eleitoral cadastrada no município {self.municipality}", code=RULE)
        return sorted(zones, key=lambda z: z.age_key)

    def apply(self, decision: Decision) -> ZoneState:
        if decision.expected_head != self.head:
            raise StateError("decisão calculada sobre outro estado do log", code=RULE)
        return replace(self, counters=self.counters.apply(decision.deltas), head=decision.new_head)


def oldest_zone(zones: Iterable[Zone]) -> Zone:
    """The oldest zone (installation date, then lowest number): it runs the distribution (art. 10 §1º)."""
    return min(zones, key=lambda z: z.age_key)


def propaganda_window(election: Election, config: DistribuicaoConfig) -> tuple[date, date]:
    return (
        election.day - timedelta(days=config.propaganda_dias_antes_eleicao),
        election.day + timedelta(days=config.propaganda_dias_apos_eleicao),
    )


def zone_eligibility(
    state: ZoneState, on: date, elections: Sequence[Election], config: DistribuicaoConfig
) -> tuple[list[Zone], dict[str, str]]:
    eligible: list[Zone] = []
    excluded: dict[str, str] = {}
    for zone in state.local_zones():
        blocked = any(
            zone.id in e.propaganda_zones and propaganda_window(e, config)[0] <= on <= propaganda_window(e, config)[1]
            for e in elections
        )
        if blocked:
            excluded[zone.id] = Exclusion.PROPAGANDA_ELEITORAL
        else:
            eligible.append(zone)
    return eligible, excluded


def distribute_precatoria(
    state: ZoneState,
    case: CaseData,
    *,
    seed: DailySeed,
    now: datetime,
    elections: Sequence[Election] = (),
    kind: MatterKind = MatterKind.CARTA,
    voter_zone_id: str | None = None,
    config: DistribuicaoConfig = DEFAULT_CONFIG,
    beacon: BeaconRound | None = None,
) -> Decision:
    """Distribute a carta (draw among the zones) or a registry matter (to the voter's zone). ``beacon``: the round
    fixed at the carta's registration (issue 16): the draw's value then needs the day's seed AND that round."""
    local = local_time(now)
    day = local.date()
    zones = state.local_zones()
    distributor = oldest_zone(zones).id
    details = case_details(case)
    if kind is MatterKind.CRIMINAL:
        raise DistribuicaoError(
            "feitos criminais e inquéritos seguem o art. 69 do CPP (Res. TRE-RS 139/2003 art. 10 I), não o sorteio",
            code=RULE,
        )
    if kind is MatterKind.CADASTRO_ELEITORAL:
        zone = next((z for z in zones if z.id == voter_zone_id), None)
        if zone is None:
            raise DistribuicaoError(
                f"matéria do cadastro eleitoral vai à zona do domicílio do eleitor: informe uma zona de "
                f"{state.municipality} (recebido {voter_zone_id!r})",
                code=RULE,
            )
        record = build_record(
            log_id=state.log_id, head=state.head, local=local, case=case, count_class=COUNT_CLASS, details=details,
            rule=Rule.DOMICILIO_ELEITOR, mode="atribuicao", reason="zona do domicílio do eleitor",
            eligible=[zone.id], excluded={}, counts_before=state.counters.before([zone.id], COUNT_CLASS),
            candidates=[zone.id], result=RecordResult(unit=zone.id), deltas=[], distributor=distributor,
        )
        return Decision(record=record, details=details, deltas=(), expected_head=state.head, unit=zone.id)
    eligible, excluded = zone_eligibility(state, day, elections, config)
    if not eligible:
        reasons = {z: describe_exclusion(c) for z, c in excluded.items()}
        raise NoEligibleJudgeError(f"nenhuma zona elegível em {state.municipality} para {case.number}", reasons,
                                   code=RULE)
    outcome = run_draw(
        log_id=state.log_id, eligible=[z.id for z in eligible], counters=state.counters, count_class=COUNT_CLASS,
        case_number=case.number, seq=state.head.seq + 1, seed=seed, day=day, beacon=beacon,
    )
    deltas = [CounterDelta(outcome.chosen, COUNT_CLASS, 1)]
    record = build_record(
        log_id=state.log_id, head=state.head, local=local, case=case, count_class=COUNT_CLASS, details=details,
        rule=Rule.CARTA_PRECATORIA, mode="sorteio", reason=None, eligible=[z.id for z in eligible],
        excluded=excluded, counts_before=outcome.counts_before, candidates=outcome.candidates,
        result=RecordResult(unit=outcome.chosen), deltas=deltas, outcome=outcome, distributor=distributor,
        beacon=beacon,
    )
    return Decision(record=record, details=details, deltas=tuple(deltas), expected_head=state.head, unit=outcome.chosen)
