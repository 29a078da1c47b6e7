"""The facts a monthly run reads (people, designations, vacations, sessions, events) and what it writes (lines).

Plain frozen dataclasses, no AWS. A competência is a month, written ``AAAA-MM``. Refusals are
:mod:`courtlib.errors` types (pure: no HTTP, no AWS).
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from courtlib.errors import Invalid

ONE_DAY = timedelta(days=1)

PersonKind = Literal["magistrado", "servidor"]
# desembargador; jds = juiz de direito substituto de 2º grau; juiz (titular, with entrância); juiz_substituto;
# membro = a member of the electoral court paid only the gratificação de presença; servidor.
Cargo = Literal["desembargador", "jds", "juiz", "juiz_substituto", "membro", "servidor"]
Entrancia = Literal["inicial", "final", "especial"]
ENTRANCIA_ORDER: dict[str, int] = {"inicial": 1, "final": 2, "especial": 3}
FuncaoTre = Literal["presidente", "corregedor", "membro"]
DesignationKind = Literal["cumulacao", "auxilio", "convocacao", "substituicao", "diarias", "funcao"]
SessionStatus = Literal["presente", "ausente", "ferias", "licenca", "representacao", "correicao"]


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.split("-"))
            date(year, month, 1)
        except (ValueError, TypeError) as error:
            raise Invalid(f"competência inválida: {text!r} (use AAAA-MM)", field="competencia") from error
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, _cal.monthrange(self.year, self.month)[1])

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), 12 if self.month == 1 else self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Period:
    """``start..end``, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise Invalid("período impossível: o fim é anterior ao início", field="fim")

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += ONE_DAY

    def clip(self, month: Month) -> Period | None:
        start, end = max(self.start, month.first), min(self.end, month.last)
        return Period(start, end) if start <= end else None

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def months(self) -> list[Month]:
        out, month = [], Month.of(self.start)
        while month <= Month.of(self.end):
            out.append(month)
            month = month.next()
        return out

    def days_in(self, month: Month) -> list[date]:
        clipped = self.clip(month)
        return list(clipped.days()) if clipped else []


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    kind: PersonKind
    cargo: Cargo
    entrancia: Entrancia | None = None
    juizo: str | None = None
    municipio: str | None = None
    funcao_tre: FuncaoTre | None = None

    @property
    def second_degree(self) -> bool:
        return self.cargo in ("desembargador", "jds")


@dataclass(frozen=True)
class Designation:
    """A designation of a magistrate (portaria): ``kind`` says which rule pays it.

    cumulacao: holds ``juizo`` besides their own (PAG-02, ``fracao`` 1/3 or 1/6);
    auxilio: aids in ``juizo`` (halves the cumulação of whoever holds it; pays the aiding judge only when
    ``gera_cumulacao``); convocacao: to the tribunal (PAG-04; nothing when ``quorum``);
    substituicao: in ``juizo`` of ``entrancia_destino`` (PAG-05; ``plena`` = full substitution, for the 6 months);
    diarias: service away in ``municipio`` (PAG-06); funcao: a post with a monthly acréscimo (``funcao``).
    """

    id: str
    kind: DesignationKind
    person: str
    juizo: str
    period: Period
    municipio: str | None = None
    fracao: Fraction | None = None
    gera_cumulacao: bool = False
    quorum: bool = False
    prejuizo: bool = False
    entrancia_destino: Entrancia | None = None
    plena: bool = False
    funcao: str | None = None
    portaria: str | None = None


@dataclass(frozen=True)
class Vacation:
    id: str
    person: str
    period: Period


@dataclass(frozen=True)
class RenouncedVacation:
    """Vacation days a magistrate renounced, authorised by the President on ``authorized_on`` (PAG-09)."""

    id: str
    person: str
    days: int
    authorized_on: date
    accrual_period: str = ""


@dataclass(frozen=True)
class Absence:
    person: str
    start: date
    end: date | None
    reason: str = ""


@dataclass(frozen=True)
class CompensationDays:
    """PLAN-08 → PAG-02: ``substitute`` held ``juizo`` (of the judge away) besides their own on ``days``."""

    id: str
    substitute: str
    juizo: str
    magistrate: str
    days: tuple[date, ...]


@dataclass(frozen=True)
class Attendance:
    member: str
    status: SessionStatus
    authorized_by_pleno: bool = False  # PAG-07 §1: the judge the Pleno authorised to represent the court


@dataclass(frozen=True)
class Session:
    id: str
    day: date
    attendances: tuple[Attendance, ...]


@dataclass(frozen=True)
class CooperationBonus:
    """COOP-11 as cooperacao-svc published it (PAG-08)."""

    assessment_id: str
    servant: str
    name: str
    month: str
    nature: str
    revision: int
    minutes: int
    hourly_rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Line:
    """One line of a memo: who, the basis, the rule and the amount.

    ``key`` identifies the line within its category and origin month; an adjustment line carries the
    ``origin_month`` and ``origin_key`` of what it corrects, so paid amounts add up per origin.
    """

    category: str
    rule: str
    person: str
    name: str
    basis: str
    quantity: Decimal
    amount: Decimal
    key: str
    origin_month: str
    origin_key: str
    adjustment: bool = False


@dataclass
class MonthData:
    """Everything the rules need for one competência (loaded by the service, Query only)."""

    month: Month
    people: dict[str, Person]
    designations: list[Designation] = field(default_factory=list)
    vacations: list[Vacation] = field(default_factory=list)
    renounced: list[RenouncedVacation] = field(default_factory=list)
    compensations: list[CompensationDays] = field(default_factory=list)
    sessions: list[Session] = field(default_factory=list)
    cooperation: list[CooperationBonus] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    # PAG-05: per judge on vacation this month, their full substitutions in a higher entrância (any month)
    full_substitutions: dict[str, list[Designation]] = field(default_factory=dict)
    # filled by the rules on first use: days away per person (vacations and absences)
    away_cache: dict[str, set[date]] | None = field(default=None, repr=False, compare=False)
