"""The rules of servants' cooperation (COOP-01..11): each function decides, or raises :class:`RuleError`.

A refusal names the rule (``code``), the field at fault and says in Portuguese why and what is left
(remaining quota, hours still available). Nothing here reads or writes storage.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from chalicelib.cooperacao.config import CooperacaoConfig

from .model import (
    ANNEX_OF,
    LEGAL_ADVISORY_POSTS,
    PORTARIA_MODALITIES,
    Consents,
    Cooperation,
    LeaveKind,
    Modality,
    Period,
    Portaria,
    RuleConflict,
    RuleError,
    RuleForbidden,
    Servant,
    Status,
    TimeRecord,
    UnitContext,
    UnitKind,
)

CENTS = Decimal("0.01")


def hours_text(minutes: int) -> str:
    """``2h30min``, ``40h``, ``0h``."""
    h, m = divmod(max(minutes, 0), 60)
    return f"{h}h{m:02d}min" if m else f"{h}h"


def add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


# --- COOP-03 eligibility ----------------------------------------------------------------------


def eligibility_group(modality: Modality, kind: UnitKind) -> str:
    """COOP-03: which eligibility applies: "juridica" (M1, M2, M5 in gabinetes), "cartorio" (M3, M5 in cartórios),
    "efetivos" (M4)."""
    if modality in (Modality.M1, Modality.M2):
        return "juridica"
    if modality is Modality.M3:
        return "cartorio"
    if modality is Modality.M4:
        return "efetivos"
    return "juridica" if kind is UnitKind.GABINETE else "cartorio"


def check_eligibility(servant: Servant, modality: Modality, kind: UnitKind) -> None:
    """COOP-03."""
    group = eligibility_group(modality, kind)
    if group == "juridica":
        if servant.post in LEGAL_ADVISORY_POSTS or (servant.efetivo and servant.law_degree):
            return
        raise RuleError("COOP-03", "modalidade",
                        f"A modalidade {modality} (assessoria) só admite ocupantes dos cargos em comissão de assessor "
                        "de gabinete, assessor jurídico, oficial de gabinete ou secretário jurídico, ou servidores "
                        "efetivos graduados em Direito.")
    if not servant.efetivo:
        raise RuleError("COOP-03", "modalidade",
                        f"A modalidade {modality} só admite servidores efetivos (ainda que comissionados ou com "
                        "função gratificada).")
    if group == "cartorio" and servant.post in LEGAL_ADVISORY_POSTS:
        raise RuleError("COOP-03", "modalidade",
                        f"A modalidade {modality} em cartório é vedada aos ocupantes dos cargos em comissão de "
                        "secretário jurídico, oficial de gabinete, assessor de gabinete ou assessor jurídico "
                        f"(cargo atual: {servant.post}).")


# --- COOP-02 eligible units and quotas --------------------------------------------------------


def portaria_for(ctx: UnitContext, modality: Modality, period: Period) -> Portaria | None:
    """The CGJ portaria of ``modality`` that lists the unit and covers the whole period (COOP-02, COOP-09)."""
    candidates = [p for p in ctx.portarias if p.modality is modality and ctx.unit.id in p.quotas]
    for portaria in candidates:
        if period.within(portaria.period):
            return portaria
    return None


def check_portaria_quota(portaria: Portaria, unit_kind: UnitKind, config: CooperacaoConfig) -> None:
    """COOP-02: a portaria's quotas respect 002's limits (M2 2→5; M3 cartórios 5→10; other M3 units: CGJ fixes)."""
    cotas = config.cotas
    for unit, quota in portaria.quotas.items():
        if quota < 1:
            raise RuleError("COOP-02", f"unidades.{unit}", "A cota deve ser de pelo menos 1 cooperador.")
        if portaria.modality is Modality.M2:
            limit = cotas.m2_por_unidade_mes_ampliada if portaria.widened else cotas.m2_por_unidade_mes
        elif portaria.modality is Modality.M3 and unit_kind is UnitKind.CARTORIO:
            limit = cotas.m3_cartorio_mes_ampliada if portaria.widened else cotas.m3_cartorio_mes
        else:
            continue
        if quota > limit:
            raise RuleError("COOP-02", f"unidades.{unit}",
                            f"Cota de {quota} para {unit} excede o máximo de {limit} cooperadores por mês na "
                            f"modalidade {portaria.modality}" + ("" if portaria.widened else " (sem ampliação)") + ".")


def quota_of(ctx: UnitContext, modality: Modality, period: Period) -> tuple[int, str]:
    """COOP-02: the unit's monthly quota in ``modality`` for ``period`` and where it comes from; refuses an
    ineligible unit."""
    unit = ctx.unit
    if modality in PORTARIA_MODALITIES:
        if modality is Modality.M3 and unit.kind is UnitKind.GABINETE:
            raise RuleError("COOP-02", "unidade", "A modalidade M3 é para cartórios e unidades listadas pela CGJ, "
                                                  "não para gabinetes.")
        portaria = portaria_for(ctx, modality, period)
        if portaria is None:
            listed = [p for p in ctx.portarias if p.modality is modality and unit.id in p.quotas]
            if listed:
                spans = ", ".join(f"{p.id} ({p.period.start:%d/%m/%Y}–{p.period.end:%d/%m/%Y})" for p in listed)
                raise RuleError("COOP-09", "fim",
                                f"O período deve caber no da portaria da CGJ que inclui a unidade {unit.id} em "
                                f"{modality}: {spans}.")
            raise RuleError("COOP-02", "unidade",
                            f"A unidade {unit.id} não consta de portaria mensal da CGJ para a modalidade {modality}.")
        return portaria.quotas[unit.id], f"portaria {portaria.id}"
    annex = ANNEX_OF[modality]
    if annex not in ctx.annex_quotas:
        raise RuleError("COOP-02", "unidade", f"A unidade {unit.id} não consta do Anexo {annex} (modalidade "
                                              f"{modality}).")
    if modality is Modality.M5 and unit.kind is UnitKind.OUTRA:
        raise RuleError("COOP-02", "unidade", "A modalidade M5 é só para gabinetes e cartórios judiciais.")
    return ctx.annex_quotas[annex], f"Anexo {annex}"


def check_quota(ctx: UnitContext, modality: Modality, period: Period, servant: str,
                exclude: str | None = None) -> None:
    """COOP-02: in each month of the period, the unit's live cooperations in this modality stay below the quota.

    Pending requests hold a place (they were accepted on submission); M5 counts only M5, so it consumes no
    other modality's quota. ``exclude`` leaves out the cooperation being extended.
    """
    quota, source = quota_of(ctx, modality, period)
    for month in period.months():
        month_period = _month_period(month)
        users = {c.servant for c in ctx.cooperations
                 if c.live and c.modality is modality and c.id != exclude and c.servant != servant
                 and c.period.overlaps(month_period)}
        if len(users) >= quota:
            raise RuleError("COOP-02", "unidade",
                            f"A unidade {ctx.unit.id} já tem {len(users)} cooperador(es) em {modality} em {month} "
                            f"(cota de {quota}, {source}): restam 0 vagas.", restantes=0, competencia=month)


def _month_period(month: str) -> Period:
    year, mon = int(month[:4]), int(month[5:])
    return Period(date(year, mon, 1), date(year, mon, _calendar.monthrange(year, mon)[1]))


def remaining_quota(ctx: UnitContext, modality: Modality, period: Period) -> int:
    """Places left in the fullest month of ``period`` (for answers)."""
    quota, _ = quota_of(ctx, modality, period)
    worst = 0
    for month in period.months():
        mp = _month_period(month)
        worst = max(worst, len({c.servant for c in ctx.cooperations
                                if c.live and c.modality is modality and c.period.overlaps(mp)}))
    return max(quota - worst, 0)


# --- COOP-09 period limits ---------------------------------------------------------------------


def check_period(modality: Modality, period: Period, ctx: UnitContext, final_date: date, today: date,
                 leave_servant: str | None, config: CooperacaoConfig) -> None:
    """COOP-09: the norm's final date, the portaria's period (checked in :func:`quota_of`), M5 limits."""
    if period.start < today:
        raise RuleError("COOP-09", "inicio", f"O início ({period.start:%d/%m/%Y}) não pode ser anterior a hoje "
                                             f"({today:%d/%m/%Y}).")
    if period.end > final_date:
        raise RuleError("COOP-09", "fim", f"A cooperação não pode passar de {final_date:%d/%m/%Y}, prazo máximo da "
                                          "norma.", prazo_maximo=final_date.isoformat())
    if modality is not Modality.M5:
        return
    leaves = [lv for lv in ctx.leaves if leave_servant is None or lv.servant == leave_servant]
    if not leaves:
        raise RuleError("COOP-09", "afastamento",
                        f"M5 exige um afastamento registrado na unidade {ctx.unit.id} (licença para tratamento de "
                        "saúde de comissionado ou por nascimento de filho).")
    allowed: list[Period] = []
    for leave in leaves:
        if leave.kind is LeaveKind.SAUDE:
            if ctx.unit.kind is not UnitKind.GABINETE or not leave.servant_commissioned:
                continue
            allowed.append(leave.period)
        else:
            extra = add_months(leave.period.end, config.m5_licenca_gestante_acrescimo_meses)
            allowed.append(Period(leave.period.start, extra))
    fitting = [p for p in allowed if period.within(p)]
    if not fitting:
        spans = ", ".join(f"{p.start:%d/%m/%Y}–{p.end:%d/%m/%Y}" for p in allowed) or "nenhum afastamento elegível"
        raise RuleError("COOP-09", "fim",
                        "Em M5 a cooperação deve caber no afastamento (saúde: o período da licença; nascimento de "
                        f"filho: a licença mais {config.m5_licenca_gestante_acrescimo_meses} mês). Possível: {spans}.")
    blocking = [d for d in ctx.designations
                if d.efetivo and d.home_unit != ctx.unit.id and d.period.overlaps(period)]
    if blocking:
        d = blocking[0]
        raise RuleError("COOP-09", "unidade",
                        f"M5 não é permitida enquanto houver servidor efetivo de outra unidade designado para "
                        f"substituir em {ctx.unit.id} ({d.servant}, {d.period.start:%d/%m/%Y}–"
                        f"{d.period.end:%d/%m/%Y}).")


# --- COOP-07 simultaneous units -----------------------------------------------------------------


def check_simultaneous(period: Period, unit: str, others: Iterable[Cooperation], max_units: int,
                       exclude: str | None = None) -> None:
    """COOP-07: at every day of ``period``, at most ``max_units`` units at once (this one included)."""
    live = [c for c in others if c.live and c.id != exclude and c.period.overlaps(period)]
    same = [c for c in live if c.unit == unit]
    if same:
        raise RuleConflict("COOP-07", "unidade", f"Já há cooperação na unidade {unit} que se sobrepõe ao período "
                                                 f"({same[0].period.start:%d/%m/%Y}–{same[0].period.end:%d/%m/%Y}).")
    points = {period.start} | {c.period.start for c in live if period.contains(c.period.start)}
    for day in sorted(points):
        units = {c.unit for c in live if c.period.contains(day)}
        if len(units) + 1 > max_units:
            listed = ", ".join(sorted(units))
            raise RuleConflict("COOP-07", "inicio",
                               f"Em {day:%d/%m/%Y} o servidor já coopera em {len(units)} unidade(s) ({listed}); "
                               f"o máximo é {max_units} ao mesmo tempo. Escolha um período que comece depois do "
                               "término de uma delas.")


# --- COOP-01..05, 07, 09: the whole request ---------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    servant: Servant
    home_unit: str
    unit_ctx: UnitContext
    home_building: str | None
    modality: Modality
    period: Period
    presencial: bool = False
    consents: Consents = Consents()
    work_plan: str | None = None
    leave_servant: str | None = None


def validate_request(req: RequestInput, servant_cooperations: Iterable[Cooperation], config: CooperacaoConfig,
                     final_date: date, today: date) -> None:
    """COOP-01..05, 07, 09, in the order a person checking the form would."""
    servant, unit = req.servant, req.unit_ctx.unit
    if req.home_unit != servant.lotacao:  # COOP-01
        raise RuleError("COOP-01", "unidade_lotacao", f"A unidade de lotação informada ({req.home_unit}) não é a do "
                                                      f"servidor ({servant.lotacao}).")
    if req.modality in PORTARIA_MODALITIES and not (req.work_plan or "").strip():
        raise RuleError("COOP-01", "plano_trabalho", f"A modalidade {req.modality} exige o plano de trabalho da "
                                                     "unidade (ato normativo da CGJ).")
    if req.modality is Modality.M5 and not req.leave_servant:
        raise RuleError("COOP-01", "afastamento", "M5: informe o servidor afastado que a cooperação cobre.")
    if unit.id == servant.lotacao and servant.commissioned:  # COOP-04
        raise RuleError("COOP-04", "unidade", "Cooperar na própria unidade de lotação só é permitido a quem não "
                                              f"ocupa cargo em comissão (cargo atual: {servant.post}).")
    check_eligibility(servant, req.modality, unit.kind)  # COOP-03
    if req.presencial:  # COOP-05
        if req.home_building is None or req.home_building != unit.building:
            raise RuleError("COOP-05", "presencial", "Presencial só quando a unidade cooperada e a de lotação ficam no "
                                                     f"mesmo prédio ({req.home_building or '?'} ≠ {unit.building}); "
                                                     "a cooperação deve ser remota.")
        missing = [who for who, ok in (("do servidor", req.consents.servant),
                                       ("do gestor da unidade de lotação", req.consents.home_manager),
                                       ("do gestor da unidade cooperada", req.consents.cooperated_manager)) if not ok]
        if missing:
            raise RuleError("COOP-05", "anuencias", "Presencial exige anuência " + ", ".join(missing) + ".")
    check_period(req.modality, req.period, req.unit_ctx, final_date, today, req.leave_servant, config)  # COOP-09
    check_quota(req.unit_ctx, req.modality, req.period, servant.id)  # COOP-02 (+ portaria period, COOP-09)
    check_simultaneous(req.period, unit.id, servant_cooperations, config.unidades_simultaneas_max)  # COOP-07


# --- COOP-10 decisions --------------------------------------------------------------------------


def needs_corregedoria(modality: Modality) -> bool:
    """COOP-10 (our choice, docs/cooperacao.md): M2/M3 units and quotas are the CGJ's, so the CGJ confirms."""
    return modality in PORTARIA_MODALITIES


@dataclass(frozen=True)
class Decision:
    status: Status
    by: str
    role: str
    at: datetime
    rule: str
    reason: str | None = None


def decide(coop: Cooperation, *, approve: bool, by: str, role: str, manager_of_unit: bool, at: datetime,
           goal: str | None = None, reason: str | None = None) -> tuple[Cooperation, Decision]:
    """COOP-10: the cooperated unit's gestor decides a pending request (setting the goal when approving); for
    M2/M3 the corregedoria then confirms. Returns the new cooperation and the decision to record."""
    if role == "gestor":
        if not manager_of_unit:
            raise RuleForbidden("COOP-10", "unidade", f"Só o gestor da unidade cooperada ({coop.unit}) decide este "
                                                      "pedido.")
        if coop.status is not Status.PENDENTE:
            raise RuleConflict("COOP-10", "situacao", f"O pedido não aguarda o gestor (situação: {coop.status}).")
        if approve and not (goal or "").strip():
            raise RuleError("COOP-10", "meta", "Ao deferir, o gestor da unidade cooperada fixa a meta de "
                                               "produtividade.")
        if not approve:
            status = Status.INDEFERIDA
        else:
            status = Status.AGUARDANDO_CORREGEDORIA if needs_corregedoria(coop.modality) else Status.APROVADA
        new = replace(coop, status=status, goal=goal if approve else coop.goal)
    elif role == "corregedoria":
        if coop.status is not Status.AGUARDANDO_CORREGEDORIA:
            raise RuleConflict("COOP-10", "situacao", "O pedido não aguarda a Corregedoria (situação: "
                                                      f"{coop.status}).")
        new = replace(coop, status=Status.APROVADA if approve else Status.INDEFERIDA)
    else:
        raise RuleForbidden("COOP-10", None, "Decidem o gestor da unidade cooperada e, em M2/M3, a Corregedoria.")
    if new.status is Status.APROVADA:
        new = replace(new, approved_on=at.date())
    if not approve and not (reason or "").strip():
        raise RuleError("COOP-10", "motivo", "Ao indeferir, informe o motivo.")
    return new, Decision(new.status, by, role, at, "COOP-10", reason)


def change_end(coop: Cooperation, new_end: date, ctx: UnitContext, servant_cooperations: Iterable[Cooperation],
               config: CooperacaoConfig, final_date: date, today: date, last_record_day: date | None,
               manager_of_unit: bool) -> Cooperation:
    """COOP-10: prorrogação (later end) or término antecipado (earlier end) requested by the cooperated unit's
    manager, within COOP-09 (and COOP-02/07 for the added days)."""
    if not manager_of_unit:
        raise RuleForbidden("COOP-10", "unidade",
                            f"Só o gestor da unidade cooperada ({coop.unit}) pede prorrogação ou término.")
    if coop.status is not Status.APROVADA:
        raise RuleConflict("COOP-10", "situacao",
                           f"Só uma cooperação aprovada muda de término (situação: {coop.status}).")
    if new_end == coop.period.end:
        raise RuleError("COOP-10", "fim", "O novo término é igual ao atual.")
    if new_end < coop.period.end:  # término antecipado
        floor = max(coop.period.start, today - timedelta(days=1), last_record_day or coop.period.start)
        if new_end < floor:
            raise RuleError("COOP-10", "fim", f"O término antecipado não pode ser antes de {floor:%d/%m/%Y} (início, "
                                              "ontem ou o último ponto registrado).")
        return replace(coop, period=Period(coop.period.start, new_end))
    extended = Period(coop.period.start, new_end)
    check_period(coop.modality, Period(max(today, coop.period.start), new_end), ctx, final_date, today,
                 coop.leave_servant, config)
    check_quota(ctx, coop.modality, extended, coop.servant, exclude=coop.id)
    check_simultaneous(extended, coop.unit, servant_cooperations, config.unidades_simultaneas_max, exclude=coop.id)
    return replace(coop, period=extended)


# --- COOP-06 / COOP-08 time records ------------------------------------------------------------


def validate_record(record: TimeRecord, coop: Cooperation, servant: Servant, month_minutes: int,
                    same_day: Iterable[TimeRecord], is_working_day: Callable[[date], bool], now: datetime,
                    config: CooperacaoConfig) -> int:
    """COOP-06, COOP-08: a session's record; returns the minutes still available in the month after it."""
    if record.end <= record.start:
        raise RuleError("COOP-08", "fim", "O término do ponto deve ser depois do início.")
    if record.end.date() != record.start.date():
        raise RuleError("COOP-08", "fim", "Registre cada sessão no mesmo dia (divida a que passa da meia-noite).")
    if record.end > now:
        raise RuleError("COOP-08", "fim", "O ponto registra sessões já feitas: o término está no futuro.")
    if coop.status is not Status.APROVADA or not coop.period.contains(record.day):
        raise RuleError("COOP-08", "inicio",
                        f"Fora de período ativo: a cooperação {coop.id} está {coop.status} para "
                        f"{coop.period.start:%d/%m/%Y}–{coop.period.end:%d/%m/%Y}.")
    if coop.approved_on is not None and record.day < coop.approved_on:
        raise RuleError("COOP-08", "inicio",
                        f"A cooperação começa com o deferimento ({coop.approved_on:%d/%m/%Y}); sessões anteriores não "
                        "contam.")
    if is_working_day(record.day):
        if servant.hours.overlaps(record.start.time(), record.end.time()):
            raise RuleError("COOP-06", "inicio",
                            f"A sessão ({record.start:%H:%M}–{record.end:%H:%M}) cai no expediente normal do servidor "
                            f"({servant.hours.start:%H:%M}–{servant.hours.end:%H:%M}); a cooperação é fora dele.")
    for other in same_day:
        if other.overlaps(record):
            raise RuleConflict("COOP-08", "inicio",
                               f"Sobrepõe-se ao ponto de {other.start:%H:%M}–{other.end:%H:%M} (cooperação "
                               f"{other.cooperation}).")
    cap: int = config.horas_mensais_max * 60
    left = cap - month_minutes
    if record.minutes > left:
        raise RuleError("COOP-06", "fim",
                        f"Passaria de {config.horas_mensais_max}h no mês {record.month} somando todas as cooperações: "
                        f"já registradas {hours_text(month_minutes)}, disponíveis {hours_text(left)}, sessão de "
                        f"{hours_text(record.minutes)}.", disponiveis_minutos=max(left, 0))
    return left - record.minutes


# --- COOP-11 gratificação ------------------------------------------------------------------------


def bonus_value(minutes: int, config: CooperacaoConfig) -> tuple[int, Decimal]:
    """COOP-11: minutes capped by COOP-06 and their value (hourly value from configuration, 2 places HALF_UP)."""
    capped = max(0, min(minutes, config.horas_mensais_max * 60))
    value = (Decimal(capped) * config.gratificacao_valor_hora / Decimal(60)).quantize(CENTS, ROUND_HALF_UP)
    return capped, value


@dataclass(frozen=True)
class Assessment:
    """What one servant's close publishes (COOP-11): an apuração (revision 1) or an ajuste (the differences)."""

    servant: str
    month: str
    revision: int
    nature: Literal["apuracao", "ajuste"]
    minutes: int  # the event's minutes: total for an apuração, difference for an ajuste
    value: Decimal
    total_minutes: int  # capped total after this revision
    total_value: Decimal

    @property
    def apuracao_id(self) -> str:
        return f"{self.servant}:{self.month}:r{self.revision}"


def assess(servant: str, month: str, minutes: int, published_revision: int, published_minutes: int,
           published_value: Decimal, config: CooperacaoConfig) -> Assessment | None:
    """COOP-11: what to publish for a servant's month given what was published before; None if nothing new."""
    capped, value = bonus_value(minutes, config)
    if published_revision == 0:
        if capped == 0:
            return None
        return Assessment(servant, month, 1, "apuracao", capped, value, capped, value)
    if capped == published_minutes and value == published_value:
        return None
    return Assessment(servant, month, published_revision + 1, "ajuste", capped - published_minutes,
                      value - published_value, capped, value)


def previous_month(today: date) -> str:
    first = today.replace(day=1)
    y, m = (first.year - 1, 12) if first.month == 1 else (first.year, first.month - 1)
    return f"{y:04d}-{m:02d}"
