"""Compensation of plantões (PLAN-07, PLAN-08): a ledger of dias úteis per magistrate.

Credits: each plantão served on a non-working day (``compensacao_dias_uteis_por_plantao``, 2), a social
action on a non-working day (the same, 2), a CEDES encounter (1, desembargadores only). A use names dias
úteis (the calendar of the magistrate's municipality) and the titular judge who substitutes, never more
days than the balance still free (balance minus uses awaiting approval).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chalicelib.plantao.config import PlantaoConfig
from chalicelib.plantao.domain.errors import PlantaoError
from chalicelib.plantao.domain.reference import Magistrate, ReferenceData

from courtlib.calendar import CourtCalendar


class CreditKind(StrEnum):
    PLANTAO = "plantao"
    ACAO_SOCIAL = "acao_social"
    CEDES = "cedes"


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    magistrate: str
    day: date
    days: int  # > 0 credit, < 0 debit
    kind: str  # CreditKind or "uso"
    ref: str  # plantão id, compensation id, description


def balance(entries: Iterable[LedgerEntry]) -> int:
    return sum(e.days for e in entries)


def credit_for_duty(dia_util: bool, config: PlantaoConfig) -> int:
    """PLAN-07: a plantão on a non-working day credits 2 dias úteis (configurable); on a dia útil, none."""
    return 0 if dia_util else config.compensacao_dias_uteis_por_plantao


def credit_for_event(kind: CreditKind, magistrate: Magistrate, day: date, ref: ReferenceData,
                     calendar: CourtCalendar, config: PlantaoConfig, *, today: date) -> int:
    """PLAN-07: the credit of a social action (non-working day only) or a CEDES encounter (desembargador), once the
    day has happened (``today`` or before): a credit compensates work done, not work announced."""
    if day > today:
        raise PlantaoError("PLAN-07", f"O evento de {day.isoformat()} ainda não aconteceu: a compensação é lançada "
                           "depois do dia trabalhado.", field="data")
    if kind is CreditKind.ACAO_SOCIAL:
        municipio = ref.municipio_of_magistrate(magistrate)
        if calendar.is_dia_util(day, municipio):
            raise PlantaoError("PLAN-07", f"Ação social em {day.isoformat()} foi em dia útil: não gera "
                               "compensação (só a de dia sem expediente).", field="data")
        return config.compensacao_dias_uteis_acao_social
    if kind is CreditKind.CEDES:
        if not magistrate.desembargador:
            raise PlantaoError("PLAN-07", f"{magistrate.name} não é desembargador: o encontro do CEDES só "
                               "compensa desembargadores.", field="magistrado")
        return config.compensacao_dias_uteis_cedes
    raise PlantaoError("PLAN-07", "Crédito de plantão vem do plantão realizado, não de lançamento manual.",
                       field="tipo")


def check_use(magistrate: Magistrate, days: Sequence[date], substitute: Magistrate | None, free_balance: int,
              ref: ReferenceData, calendar: CourtCalendar) -> list[date]:
    """PLAN-08: the days (sorted) if the use can be requested; raises naming the day and the balance otherwise."""
    ordered = sorted(set(days))
    if len(ordered) != len(days):
        raise PlantaoError("PLAN-08", "Dia repetido no pedido de compensação.", field="dias")
    municipio = ref.municipio_of_magistrate(magistrate)
    for index, day in enumerate(ordered):
        reason = calendar.reason_not_dia_util(day, municipio)
        if reason is not None:
            raise PlantaoError("PLAN-08", f"{day.isoformat()} não é dia útil ({reason}): só se compensa em dia útil. "
                               f"Saldo: {free_balance} dia(s).", field=f"dias.{days.index(day)}",
                               dia=day.isoformat(), saldo=free_balance)
        if index + 1 > free_balance:
            raise PlantaoError("PLAN-08", f"Saldo insuficiente: {magistrate.name} tem {free_balance} dia(s) de "
                               f"compensação e o dia {day.isoformat()} seria o {index + 1}º.",
                               field=f"dias.{days.index(day)}", dia=day.isoformat(), saldo=free_balance)
    if substitute is None:
        raise PlantaoError("PLAN-08", "Indique o juiz titular que substitui (magistrado cadastrado).",
                           field="substituto")
    if substitute.id == magistrate.id:
        raise PlantaoError("PLAN-08", "O substituto não pode ser o próprio magistrado.", field="substituto")
    if substitute.juizo is None and not substitute.desembargador:
        raise PlantaoError("PLAN-08", f"{substitute.name} não é titular de juízo: indique um juiz titular.",
                           field="substituto")
    for day in ordered:
        absence = substitute.absence_on(day)
        if absence is not None:
            raise PlantaoError("PLAN-08", f"O substituto {substitute.name} está afastado em {day.isoformat()} "
                               f"({absence.reason}).", field="substituto", dia=day.isoformat())
    return ordered
