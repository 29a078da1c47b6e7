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
    """``inicio..fim``, both days included."""

    inicio: date
    fim: date

    def __post_init__(self) -> None:
        if self.fim < self.inicio:
            raise Invalid("período impossível: o fim é anterior ao início", field="fim")

    def days(self) -> Iterator[date]:
        day = self.inicio
        while day <= self.fim:
            yield day
            day += ONE_DAY

    def clip(self, month: Month) -> Period | None:
        start, end = max(self.inicio, month.first), min(self.fim, month.last)
        return Period(start, end) if start <= end else None

    def overlaps(self, other: Period) -> bool:
        return self.inicio <= other.fim and other.inicio <= self.fim

    def months(self) -> list[Month]:
        out, month = [], Month.of(self.inicio)
        while month <= Month.of(self.fim):
            out.append(month)
            month = month.next()
        return out

    def days_in(self, month: Month) -> list[date]:
        clipped = self.clip(month)
        return list(clipped.days()) if clipped else []


@dataclass(frozen=True)
class Person:
    id: str
    nome: str
    tipo: PersonKind
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
    pessoa: str
    juizo: str
    periodo: Period
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
    pessoa: str
    periodo: Period


@dataclass(frozen=True)
class RenouncedVacation:
    """Vacation days a magistrate renounced, authorised by the President on ``autorizado_em`` (PAG-09)."""

    id: str
    pessoa: str
    dias: int
    autorizado_em: date
    periodo_aquisitivo: str = ""


@dataclass(frozen=True)
class Absence:
    pessoa: str
    inicio: date
    fim: date | None
    motivo: str = ""


@dataclass(frozen=True)
class CompensationDays:
    """PLAN-08 → PAG-02: ``substituto`` held ``juizo`` (of the judge away) besides their own on ``dias``."""

    id: str
    substituto: str
    juizo: str
    magistrado: str
    dias: tuple[date, ...]


@dataclass(frozen=True)
class Attendance:
    membro: str
    situacao: SessionStatus
    autorizado_pleno: bool = False  # PAG-07 §1: the judge the Pleno authorised to represent the court


@dataclass(frozen=True)
class Session:
    id: str
    data: date
    presencas: tuple[Attendance, ...]


@dataclass(frozen=True)
class CooperationBonus:
    """COOP-11 as cooperacao-svc published it (PAG-08)."""

    apuracao_id: str
    servidor: str
    nome: str
    competencia: str
    natureza: str
    revisao: int
    minutos: int
    valor_hora: Decimal
    valor: Decimal


@dataclass(frozen=True)
class Line:
    """One line of a memo: who, the basis, the rule and the amount.

    ``chave`` identifies the line within its category and origin month; an adjustment line carries the
    ``competencia_origem`` and ``chave_origem`` of what it corrects, so paid amounts add up per origin.
    """

    categoria: str
    regra: str
    pessoa: str
    nome: str
    base: str
    quantidade: Decimal
    valor: Decimal
    chave: str
    competencia_origem: str
    chave_origem: str
    ajuste: bool = False


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
