"""The órgão julgador: seats (cadeiras), judges, absences, and who can receive a case on a day (DIST-02, 05–07).

Counts belong to the **seat** (cadeira), not to the person: a substitute who receives cases while the
titular post is vacant receives them for the seat, and the new titular inherits them (001 art. 34 §§4º–5º).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from .errors import StateError

if TYPE_CHECKING:
    from chalicelib.distribuicao.config import DistribuicaoConfig


class Role(StrEnum):
    TITULAR = "titular"
    SUBSTITUTO = "substituto"


class Exclusion(StrEnum):
    """Why a unit is out of a draw (the code goes into the log; ``EXCLUSION_LABELS`` has the Portuguese text)."""

    PRESIDENTE = "presidente"
    CARGO_VAGO_SEM_SUBSTITUTO = "cargo_vago_sem_substituto"
    AUSENTE_SEM_SUBSTITUTO = "ausente_sem_substituto"
    FIM_DE_MANDATO = "fim_de_mandato"
    IMPEDIMENTO = "impedimento"
    SUSPEICAO = "suspeicao"
    DISTRIBUICAO_EQUIVOCADA = "distribuicao_equivocada"
    RELATOR_DECISAO_IMPUGNADA = "relator_decisao_impugnada"
    PROPAGANDA_ELEITORAL = "propaganda_eleitoral"
    UNIDADE_DE_ORIGEM = "unidade_de_origem"


EXCLUSION_LABELS: dict[str, str] = {
    Exclusion.PRESIDENTE: "o Presidente não recebe distribuição (RI art. 34)",
    Exclusion.CARGO_VAGO_SEM_SUBSTITUTO: "cargo vago sem substituto em exercício (RI art. 35)",
    Exclusion.AUSENTE_SEM_SUBSTITUTO: "titular afastado sem substituto em exercício (RI art. 35)",
    Exclusion.FIM_DE_MANDATO: "últimos dias do mandato com o cargo de substituto vago (RI art. 35 §3º)",
    Exclusion.IMPEDIMENTO: "impedimento (RI art. 34 §6º)",
    Exclusion.SUSPEICAO: "suspeição (RI art. 34 §6º)",
    Exclusion.DISTRIBUICAO_EQUIVOCADA: "distribuição equivocada a este juiz (RI art. 34 §6º)",
    Exclusion.RELATOR_DECISAO_IMPUGNADA: "relator da decisão impugnada (RI art. 40)",
    Exclusion.PROPAGANDA_ELEITORAL: "zona designada para a propaganda eleitoral (Res. TRE-RS 139/2003 art. 10 III)",
    Exclusion.UNIDADE_DE_ORIGEM: "unidade que perdeu o processo nesta redistribuição",
}


def describe_exclusion(code: str) -> str:
    return EXCLUSION_LABELS.get(code, code)


@dataclass(frozen=True)
class Absence:
    """An eventual absence (férias, licença, ...): ``end`` inclusive, ``None`` = until further notice."""

    start: date
    end: date | None = None
    reason: str = "afastamento"

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Judge:
    """A member (titular) or substitute member of the órgão.

    ``seniority``: rank of antiguidade in the Tribunal, 1 = most senior (ties broken by ``id``).
    ``seat``: the cadeira held — for a substitute, the cadeira he substitutes ("substituto de").
    ``mandate_start``/``mandate_end``: inclusive days in office (``None`` = open).
    """

    id: str
    name: str
    seniority: int
    seat: str
    role: Role = Role.TITULAR
    president: bool = False
    mandate_start: date | None = None
    mandate_end: date | None = None
    absences: tuple[Absence, ...] = ()

    def in_office(self, day: date) -> bool:
        return (self.mandate_start is None or self.mandate_start <= day) and (
            self.mandate_end is None or day <= self.mandate_end
        )

    def absence_on(self, day: date) -> Absence | None:
        covering = [a for a in self.absences if a.covers(day)]
        return min(covering, key=lambda a: a.start) if covering else None

    @property
    def seniority_key(self) -> tuple[int, str]:
        return (self.seniority, self.id)

    def with_absence(self, absence: Absence) -> Judge:
        """The same judge with one more absence (DIST-06)."""
        return replace(self, absences=(*self.absences, absence))


@dataclass(frozen=True)
class Seat:
    """A cadeira of the órgão. ``vacant_since``: first day without a titular, when storage knows it."""

    id: str
    label: str = ""
    vacant_since: date | None = None


@dataclass(frozen=True)
class SeatStatus:
    """A seat on one day.

    ``relator``: who becomes relator of a case distributed to the seat today — the titular, even when
    eventually absent (RI art. 34 §1º), or the substitute while the post is vacant (art. 34 §5º).
    ``acting``: who receives the autos (``conclusos``): the relator, or his substitute while he is away;
    ``None`` when nobody can act. ``unavailable_since``: since when nobody can act (DIST-06, 15 days).
    ``exclusion``: why the seat is out of today's draws (``None`` = eligible).
    """

    seat: Seat
    titular: Judge | None
    substitute: Judge | None
    relator: Judge | None
    acting: Judge | None
    unavailable_since: date | None
    exclusion: str | None

    @property
    def id(self) -> str:
        return self.seat.id

    @property
    def is_presidency(self) -> bool:
        return self.titular is not None and self.titular.president


@dataclass(frozen=True)
class Orgao:
    """An órgão julgador (e.g. the TRE's Pleno) as read from storage: its seats and every judge record."""

    id: str
    seats: tuple[Seat, ...]
    judges: tuple[Judge, ...]
    _judges_by_id: dict[str, Judge] = field(init=False, repr=False, compare=False)
    _seats_by_id: dict[str, Seat] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seats = {s.id: s for s in self.seats}
        judges = {j.id: j for j in self.judges}
        if len(seats) != len(self.seats):
            raise StateError(f"órgão {self.id}: cadeiras repetidas")
        if len(judges) != len(self.judges):
            raise StateError(f"órgão {self.id}: juízes repetidos")
        unknown = sorted({j.seat for j in self.judges} - set(seats))
        if unknown:
            raise StateError(f"órgão {self.id}: juízes em cadeiras desconhecidas {unknown}")
        object.__setattr__(self, "_judges_by_id", judges)
        object.__setattr__(self, "_seats_by_id", seats)

    def judge(self, judge_id: str) -> Judge:
        try:
            return self._judges_by_id[judge_id]
        except KeyError:
            raise StateError(f"juiz desconhecido no órgão {self.id}: {judge_id}") from None

    def has_judge(self, judge_id: str) -> bool:
        return judge_id in self._judges_by_id

    def seat(self, seat_id: str) -> Seat:
        try:
            return self._seats_by_id[seat_id]
        except KeyError:
            raise StateError(f"cadeira desconhecida no órgão {self.id}: {seat_id}") from None

    @property
    def seat_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._seats_by_id))

    def _holder(self, seat_id: str, role: Role, day: date) -> Judge | None:
        holders = [j for j in self.judges if j.seat == seat_id and j.role is role and j.in_office(day)]
        if len(holders) > 1:
            names = ", ".join(sorted(j.id for j in holders))
            raise StateError(f"cadeira {seat_id} com mais de um {role.value} em {day:%d/%m/%Y}: {names}")
        return holders[0] if holders else None

    def _vacant_since(self, seat: Seat, day: date) -> date | None:
        if seat.vacant_since is not None:
            return seat.vacant_since
        ends = [
            j.mandate_end
            for j in self.judges
            if j.seat == seat.id and j.role is Role.TITULAR and j.mandate_end is not None and j.mandate_end < day
        ]
        return max(ends) + timedelta(days=1) if ends else None

    def status(self, seat_id: str, day: date, config: DistribuicaoConfig | None = None) -> SeatStatus:
        """Who holds, relates and acts for ``seat_id`` on ``day``, and whether it can be drawn."""
        seat = self.seat(seat_id)
        titular = self._holder(seat_id, Role.TITULAR, day)
        substitute = self._holder(seat_id, Role.SUBSTITUTO, day)
        sub_available = substitute is not None and substitute.absence_on(day) is None
        mandate_days = 30 if config is None else config.fim_mandato_sem_distribuicao_dias
        relator: Judge | None
        acting: Judge | None
        since: date | None
        exclusion: Exclusion | None
        if titular is not None:
            absence = titular.absence_on(day)
            if absence is None:
                relator, acting, since, exclusion = titular, titular, None, None
            elif sub_available:
                relator, acting, since, exclusion = titular, substitute, None, None
            else:
                relator, acting, exclusion = titular, None, Exclusion.AUSENTE_SEM_SUBSTITUTO
                since = absence.start
                if substitute is not None:  # both away: nobody since the later of the two departures
                    sub_absence = substitute.absence_on(day)
                    since = max(since, sub_absence.start) if sub_absence else since
            if titular.president:
                exclusion = Exclusion.PRESIDENTE
            elif (
                exclusion is None
                and substitute is None
                and titular.mandate_end is not None
                and 0 <= (titular.mandate_end - day).days <= mandate_days
            ):
                exclusion = Exclusion.FIM_DE_MANDATO
        elif sub_available:
            relator, acting, since, exclusion = substitute, substitute, None, None
        else:
            relator, acting, exclusion = None, None, Exclusion.CARGO_VAGO_SEM_SUBSTITUTO
            since = self._vacant_since(seat, day)
            if substitute is not None:
                sub_absence = substitute.absence_on(day)
                if sub_absence is not None:
                    since = sub_absence.start if since is None else max(since, sub_absence.start)
        return SeatStatus(seat, titular, substitute, relator, acting, since, exclusion)

    def statuses(self, day: date, config: DistribuicaoConfig | None = None) -> list[SeatStatus]:
        return [self.status(seat_id, day, config) for seat_id in self.seat_ids]


def draw_eligibility(
    orgao: Orgao,
    day: date,
    excluded_judges: Mapping[str, str] | None = None,
    *,
    excluded_seats: Mapping[str, str] | None = None,
    config: DistribuicaoConfig | None = None,
) -> tuple[list[SeatStatus], dict[str, str]]:
    """Seats that can be drawn on ``day`` and, for the others, why not (exclusion code per seat id).

    ``excluded_judges`` (judge id → code) are the case's own exclusions: impediment, suspicion, the
    relator of the impugned decision (DIST-05)... A seat is out when its relator or acting judge is listed.
    """
    excluded_judges = dict(excluded_judges or {})
    excluded_seats = dict(excluded_seats or {})
    eligible: list[SeatStatus] = []
    out: dict[str, str] = {}
    for status in orgao.statuses(day, config):
        reason = status.exclusion or excluded_seats.get(status.id)
        if reason is None:
            for judge in (status.relator, status.acting):
                if judge is not None and judge.id in excluded_judges:
                    reason = excluded_judges[judge.id]
                    break
        if reason is None:
            eligible.append(status)
        else:
            out[status.id] = str(reason)
    return eligible, out


def seniority_members(orgao: Orgao, day: date, skip: Collection[str] = ()) -> list[Judge]:
    """The judges who can act for their seats today, in decreasing seniority; the President is left out."""
    members: list[Judge] = []
    for status in orgao.statuses(day):
        if status.is_presidency or status.acting is None or status.relator is None:
            continue
        if status.relator.id in skip or status.acting.id in skip:
            continue
        members.append(status.relator)
    return sorted(members, key=lambda j: j.seniority_key)


def seniority_successor(orgao: Orgao, judge_id: str, day: date, skip: Iterable[str] = ()) -> Judge | None:
    """The judge who follows ``judge_id`` in decreasing seniority, the most senior after the most recent
    (RI art. 45 §1º), skipping ``skip``, the President and seats where nobody can act. ``None``: nobody."""
    reference = orgao.judge(judge_id)
    skipped = set(skip) | {judge_id}
    members = seniority_members(orgao, day, skipped)
    if not members:
        return None
    after = [m for m in members if m.seniority_key > reference.seniority_key]
    return after[0] if after else members[0]


def revisor_for(orgao: Orgao, relator_id: str, day: date, excluded: Iterable[str] = ()) -> Judge | None:
    """DIST-07: the revisor is the judge who follows the relator in decreasing seniority (RI art. 45)."""
    return seniority_successor(orgao, relator_id, day, excluded)


REVISOR_CLASSES: frozenset[str] = frozenset({"RCED", "AIME", "RvC"})
"""Classes that always have a revisor (RI art. 44 I, III, IV); crimes punished with reclusão (II) are
decided case by case, so a request says ``needs_revisor`` explicitly."""
