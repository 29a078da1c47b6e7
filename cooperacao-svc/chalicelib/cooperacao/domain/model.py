"""The nouns of servants' cooperation (002, Res. Conjunta GP/CGJ 9/2024): plain, frozen, typed.

Pure domain: no AWS import (tests/unit/test_layering.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from courtlib.errors import Conflict, Forbidden, Refusal


class RuleError(Refusal):
    """A refusal by a rule (422): ``code`` (COOP-xx), ``field`` at fault, Portuguese ``detail``, extension members
    (``disponiveis_minutos``…) in ``extra``. :class:`RuleConflict` (409) and :class:`RuleForbidden` (403) are the
    same refusal when the state or the caller is what the rule refuses."""

    def __init__(self, code: str, field: str | None, detail: str, **extra: object) -> None:
        super().__init__(code, detail, field=field, **extra)


class RuleConflict(RuleError, Conflict):
    """A rule refuses the act in the present state (409): an overlap, a decision already taken."""

    status = 409


class RuleForbidden(RuleError, Forbidden):
    """A rule reserves the act to someone else (403): only the cooperated unit's manager decides."""

    status = 403


class Modality(StrEnum):
    """COOP-02: the five modalities of 002."""

    M1 = "M1"  # gabinetes do Anexo I
    M2 = "M2"  # unidades da portaria mensal da CGJ (assessoria)
    M3 = "M3"  # cartórios e outras unidades da portaria mensal da CGJ
    M4 = "M4"  # unidades do Anexo IV
    M5 = "M5"  # cobertura de afastamento (saúde de comissionado; nascimento de filho) — Anexo V


PORTARIA_MODALITIES = frozenset({Modality.M2, Modality.M3})
ANNEX_OF = {Modality.M1: "I", Modality.M4: "IV", Modality.M5: "V"}


class CommissionedPost(StrEnum):
    """COOP-03: the four posts named by 002, and any other commissioned post."""

    ASSESSOR_GABINETE = "assessor_gabinete"
    ASSESSOR_JURIDICO = "assessor_juridico"
    OFICIAL_GABINETE = "oficial_gabinete"
    SECRETARIO_JURIDICO = "secretario_juridico"
    OUTRO = "outro"


LEGAL_ADVISORY_POSTS = frozenset({CommissionedPost.ASSESSOR_GABINETE, CommissionedPost.ASSESSOR_JURIDICO,
                                  CommissionedPost.OFICIAL_GABINETE, CommissionedPost.SECRETARIO_JURIDICO})


class UnitKind(StrEnum):
    GABINETE = "gabinete"
    CARTORIO = "cartorio"
    OUTRA = "outra"


class LeaveKind(StrEnum):
    SAUDE = "saude"  # licença para tratamento da própria saúde (de ocupante de cargo em comissão)
    NASCIMENTO = "nascimento"  # licença à gestante / nascimento de filho


class Status(StrEnum):
    PENDENTE = "pendente"  # aguardando o gestor da unidade cooperada
    AGUARDANDO_CORREGEDORIA = "aguardando_corregedoria"  # M2/M3: deferida pelo gestor, falta a CGJ
    APROVADA = "aprovada"
    INDEFERIDA = "indeferida"
    CANCELADA = "cancelada"


LIVE_STATUSES = frozenset({Status.PENDENTE, Status.AGUARDANDO_CORREGEDORIA, Status.APROVADA})


@dataclass(frozen=True)
class WorkingHours:
    """The servant's normal expediente: ``inicio``–``fim`` on each dia útil (weekends and holidays are free)."""

    start: time
    end: time

    def overlaps(self, start: time, end: time) -> bool:
        return start < self.end and self.start < end


@dataclass(frozen=True)
class Servant:
    id: str
    name: str
    efetivo: bool
    post: CommissionedPost | None = None  # cargo em comissão ocupado, se algum
    funcao_gratificada: bool = False
    law_degree: bool = False
    lotacao: str = ""
    hours: WorkingHours = WorkingHours(time(12), time(19))

    @property
    def commissioned(self) -> bool:
        return self.post is not None


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    kind: UnitKind
    building: str
    manager: str | None = None  # matrícula do gestor operacional
    municipality: str | None = None


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise RuleError("COOP-09", "fim", "O período termina antes de começar.")

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def within(self, outer: Period) -> bool:
        return outer.start <= self.start and self.end <= outer.end

    def months(self) -> list[str]:
        out, (y, m) = [], (self.start.year, self.start.month)
        while (y, m) <= (self.end.year, self.end.month):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


@dataclass(frozen=True)
class Portaria:
    """COOP-02/09: a CGJ monthly portaria for M2 or M3: its period, and a quota per unit."""

    id: str
    modality: Modality
    period: Period
    quotas: dict[str, int]  # unidade → cooperadores por mês
    widened: bool = False  # a CGJ ampliou a cota (M2 até 5, M3 cartórios até 10)


@dataclass(frozen=True)
class Leave:
    """COOP-09 (M5): a servant of the unit away for health (commissioned) or childbirth."""

    unit: str
    servant: str
    kind: LeaveKind
    period: Period
    servant_commissioned: bool = True


@dataclass(frozen=True)
class Designation:
    """COOP-09 (M5): a servant designated to substitute at ``unit``."""

    unit: str
    servant: str
    efetivo: bool
    home_unit: str
    period: Period


@dataclass(frozen=True)
class Consents:
    """COOP-05: for presencial cooperation, the servant's and both managers' anuência."""

    servant: bool = False
    home_manager: bool = False
    cooperated_manager: bool = False


@dataclass(frozen=True)
class Cooperation:
    """A request (COOP-01) and, once decided, the cooperation itself."""

    id: str
    servant: str
    home_unit: str
    unit: str
    modality: Modality
    period: Period
    presencial: bool = False
    work_plan: str | None = None
    status: Status = Status.PENDENTE
    leave_servant: str | None = None  # M5: whose leave it covers
    goal: str | None = None  # COOP-10: meta de produtividade, fixada pelo gestor da unidade cooperada
    approved_on: date | None = None  # COOP-10: the day of the (final) deferimento; work counts from then

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES


@dataclass(frozen=True)
class UnitContext:
    """What the rules need to know about the cooperated unit (one read of its partition)."""

    unit: Unit
    annex_quotas: dict[str, int] = field(default_factory=dict)  # "I" | "IV" | "V" → cooperadores por mês
    portarias: tuple[Portaria, ...] = ()
    leaves: tuple[Leave, ...] = ()
    designations: tuple[Designation, ...] = ()
    cooperations: tuple[Cooperation, ...] = ()  # the unit's cooperations (any status)


@dataclass(frozen=True)
class TimeRecord:
    """COOP-08: one session of cooperation (start and end on the same day, local time)."""

    servant: str
    cooperation: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def month(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    def overlaps(self, other: TimeRecord) -> bool:
        return self.start < other.end and other.start < self.end
