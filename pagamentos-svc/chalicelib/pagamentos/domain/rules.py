"""PAG-02..09: the lines of each memo category for one competência, from :class:`MonthData`.

Arithmetic is exact (``Fraction``) and each line is rounded once, to the configured places with
ROUND_HALF_UP. Pro rata amounts value each day with the pay table in force that day, over a month of
``dias_mes_pro_rata`` (30) days; monthly amounts (PAG-03) use the table in force on the month's last day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

from chalicelib.pagamentos.config import PagamentosConfig, TabelaPagamentos, pagamentos_config
from chalicelib.pagamentos.domain.model import (
    ENTRANCIA_ORDER,
    Designation,
    Line,
    MonthData,
    Period,
    Person,
)

from courtlib import ptbr
from courtlib.config import TribunalConfig

DiaUtil = Callable[[date, str | None], bool]

# category → rule id (one memo per category and month, PAG-01)
CATEGORIES: dict[str, str] = {
    "cumulacao_juizes": "PAG-02",
    "cumulacao_desembargadores": "PAG-03",
    "convocacao": "PAG-04",
    "diferenca_entrancia": "PAG-05",
    "diarias": "PAG-06",
    "gratificacao_presenca": "PAG-07",
    "gratificacao_cooperacao": "PAG-08",
    "ferias": "PAG-09",
    "funcoes": "PAG-01",  # 003 12.1 h–v: posts with a monthly acréscimo, one more memo of the run
}
TITLES: dict[str, str] = {
    "cumulacao_juizes": "Cumulação de funções de juízes",
    "cumulacao_desembargadores": "Cumulação de desembargadores",
    "convocacao": "Convocação para o Tribunal",
    "diferenca_entrancia": "Diferença de entrância",
    "diarias": "Diárias",
    "gratificacao_presenca": "Gratificação de presença",
    "gratificacao_cooperacao": "Gratificação de cooperação",
    "ferias": "Férias: terço constitucional e férias renunciadas",
    "funcoes": "Gratificação por exercício de função",
}


def subsidy_key(person: Person, entrancia: str | None = None) -> str | None:
    """The pay-table key of ``person``'s subsídio (or of a juiz in ``entrancia``); None = no subsídio here."""
    if entrancia is not None:
        return f"juiz:{entrancia}"
    if person.cargo == "desembargador":
        return "desembargador"
    if person.cargo == "jds":
        return "juiz:especial"
    if person.cargo == "juiz" and person.entrancia:
        return f"juiz:{person.entrancia}"
    if person.cargo == "juiz_substituto":
        return "juiz_substituto"
    return None


class Rules:
    def __init__(self, config: TribunalConfig, dia_util: DiaUtil) -> None:
        self.config = config
        self.pag: PagamentosConfig = pagamentos_config(config)
        self.dia_util = dia_util

    # -- helpers -------------------------------------------------------------------------------

    def table(self, day: date) -> TabelaPagamentos:
        return self.pag.tabela_em(day)

    def subsidy(self, key: str, day: date) -> Fraction:
        value = self.table(day).subsidios.get(key)
        if value is None:
            raise KeyError(f"tabela de {day.isoformat()} sem subsídio {key!r}")
        return Fraction(value)

    def money(self, value: Fraction) -> Decimal:
        return self.config.dinheiro.round(value)

    def per_day(self, amount: Fraction) -> Fraction:
        return amount / self.pag.dias_mes_pro_rata

    def prorata(self, daily: dict[date, Fraction], data: MonthData) -> Fraction:
        """Σ monthly amount(day)/30 over the days; a whole month counts as 30 days (mês comercial), so a
        31-day month pays no 31st day and a full February pays a full month."""
        total = sum((self.per_day(v) for v in daily.values()), Fraction(0))
        month_days = (data.month.last - data.month.first).days + 1
        if len(daily) == month_days and {d for d in daily} == {d for d in Period(data.month.first,
                                                                                   data.month.last).days()}:
            total = total * self.pag.dias_mes_pro_rata / month_days
        return total

    def away_days(self, data: MonthData, person_id: str) -> set[date]:
        """Days of the month ``person_id`` was on vacation (own records) or away (distribuicao's absences)."""
        cache = data.away_cache
        if cache is None:
            cache = defaultdict(set)
            for vacation in data.vacations:
                cache[vacation.person].update(vacation.period.days_in(data.month))
            for absence in data.absences:
                end = absence.end or data.month.last
                if end >= absence.start:
                    cache[absence.person].update(Period(absence.start, end).days_in(data.month))
            data.away_cache = cache
        days: set[date] = cache.get(person_id, set())
        return days

    def line(self, category: str, person: Person, basis: str, quantity: int | Decimal, amount: Fraction,
             data: MonthData, sub: str = "") -> Line:
        key = f"{person.id}{'|' + sub if sub else ''}"
        return Line(category, CATEGORIES[category], person.id, person.name, basis, Decimal(quantity),
                    self.money(amount), key, str(data.month), key)

    # -- PAG-02 ----------------------------------------------------------------------------------

    def cumulacao_juizes(self, data: MonthData) -> list[Line]:
        """PAG-02: days holding two juízos × fração × subsídio/30, halved on days another judge aided;
        a compensation day (PLAN-08) counts only if it was a dia útil where the substitute sits."""
        factors: dict[str, dict[date, Fraction]] = defaultdict(dict)
        held: dict[str, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
        for d in data.designations:
            if d.kind == "cumulacao" or (d.kind == "auxilio" and d.gera_cumulacao):
                default = self.pag.cumulacao_juiz_fracao_maior if d.kind == "cumulacao" \
                    else self.pag.cumulacao_juiz_fracao_menor
                for day in d.period.days_in(data.month):
                    factors[d.person][day] = max(factors[d.person].get(day, Fraction(0)), d.fracao or default)
                    held[d.person][day].add(d.juizo)
        for c in data.compensations:
            person = data.people.get(c.substitute)
            for day in c.days:
                if (day.year, day.month) != (data.month.year, data.month.month):
                    continue
                if not self.dia_util(day, person.municipio if person else None):
                    continue  # PAG-02: a compensation day on a non-working day is no cumulação
                factors[c.substitute][day] = max(factors[c.substitute].get(day, Fraction(0)),
                                                 self.pag.cumulacao_compensacao_fracao)
                held[c.substitute][day].add(c.juizo)
        aids: dict[str, list[Designation]] = defaultdict(list)
        for d in data.designations:
            if d.kind == "auxilio":
                aids[d.juizo].append(d)
        lines = []
        for person_id in sorted(factors):
            person = data.people.get(person_id)
            key = subsidy_key(person) if person else None
            if person is None or key is None:
                continue
            daily, aided, fractions = {}, 0, set()
            for day, fraction in sorted(factors[person_id].items()):
                juizos = held[person_id][day] | ({person.juizo} if person.juizo else set())
                helped = any(a.person != person_id and a.period.start <= day <= a.period.end
                             for juizo in juizos for a in aids.get(juizo, ()))
                factor = fraction * (self.pag.cumulacao_juiz_fator_com_auxilio if helped else 1)
                aided += helped
                fractions.add(fraction)
                daily[day] = self.subsidy(key, day) * factor
            total = self.prorata(daily, data)
            days = len(factors[person_id])
            base = f"{days} dia(s) de cumulação, fração {'/'.join(sorted(str(f) for f in fractions))}"
            if aided:
                base += f", {aided} dia(s) com auxílio (metade)"
            lines.append(self.line("cumulacao_juizes", person, base, days, total, data))
        return lines

    # -- PAG-03 ----------------------------------------------------------------------------------

    def cumulacao_desembargadores(self, data: MonthData) -> list[Line]:
        """PAG-03: if more than 10 % of desembargadores/JDS were away in the month, those away at most 3 days
        receive 1/3 of the desembargador's subsídio (exactly 10 % is not more than 10 %)."""
        roster = sorted((p for p in data.people.values() if p.second_degree), key=lambda p: p.id)
        if not roster:
            return []
        away = {p.id: len(self.away_days(data, p.id)) for p in roster}
        absent = sum(1 for days in away.values() if days > 0)
        if Fraction(absent, len(roster)) <= Fraction(self.pag.cumulacao_desembargador_limiar_afastados):
            return []
        value = self.subsidy("desembargador", data.month.last) * self.pag.cumulacao_desembargador_fracao
        limit = self.pag.cumulacao_desembargador_max_dias_ausencia
        return [self.line("cumulacao_desembargadores", p,
                          f"{absent} de {len(roster)} afastados no mês; {away[p.id]} dia(s) de ausência", 1,
                          value, data)
                for p in roster if away[p.id] <= limit]

    # -- PAG-04 ----------------------------------------------------------------------------------

    def convocacao(self, data: MonthData) -> list[Line]:
        """PAG-04: (subsídio de desembargador − own subsídio) × days convoked / 30, vacation days excluded;
        nothing for a convocação only to make quorum."""
        lines = []
        for person_id, designations in _by_person(d for d in data.designations if d.kind == "convocacao"):
            person = data.people.get(person_id)
            key = subsidy_key(person) if person else None
            if person is None or key is None:
                continue
            away = self.away_days(data, person_id)
            days = sorted({day for d in designations if not d.quorum for day in d.period.days_in(data.month)} - away)
            if not days:
                continue
            total = self.prorata({day: self.subsidy("desembargador", day) - self.subsidy(key, day) for day in days},
                                 data)
            with_loss = any(d.prejuizo for d in designations if not d.quorum)
            base = f"{len(days)} dia(s) convocado, {'com' if with_loss else 'sem'} prejuízo"
            lines.append(self.line("convocacao", person, base, len(days), total, data))
        return lines

    # -- PAG-05 ----------------------------------------------------------------------------------

    def diferenca_entrancia(self, data: MonthData) -> list[Line]:
        """PAG-05: days effectively substituting in a higher entrância × the difference of subsídios / 30; in
        vacation, the difference for the vacation days when the judge held full substitution 6 months
        (6 × 30 days), consecutive or not, before the vacation began."""
        lines = []
        people = sorted({d.person for d in data.designations if d.kind == "substituicao"}
                        | {v.person for v in data.vacations})
        for person_id in people:
            person = data.people.get(person_id)
            if person is None or person.cargo != "juiz" or not person.entrancia:
                continue
            own = ENTRANCIA_ORDER[person.entrancia]
            away = self.away_days(data, person_id)
            destinations: dict[date, str] = {}
            for d in data.designations:
                if d.kind == "substituicao" and d.person == person_id and d.entrancia_destino \
                        and ENTRANCIA_ORDER[d.entrancia_destino] > own:
                    for day in d.period.days_in(data.month):
                        if day not in away:
                            prev = destinations.get(day)
                            if prev is None or ENTRANCIA_ORDER[d.entrancia_destino] > ENTRANCIA_ORDER[prev]:
                                destinations[day] = d.entrancia_destino
            daily = {day: self.subsidy(f"juiz:{dest}", day) - self.subsidy(f"juiz:{person.entrancia}", day)
                     for day, dest in destinations.items()}
            worked = len(daily)
            vacation_days = 0
            history = [d for d in data.full_substitutions.get(person_id, [])
                       if d.plena and d.entrancia_destino and ENTRANCIA_ORDER[d.entrancia_destino] > own]
            for vacation in data.vacations:
                if vacation.person != person_id:
                    continue
                before = {day for d in history for day in d.period.days() if day < vacation.period.start}
                if len(before) < self.pag.diferenca_entrancia_ferias_meses * 30 or not history:
                    continue
                latest = max((d for d in history if d.period.start < vacation.period.start),
                             key=lambda d: d.period.end)
                for day in vacation.period.days_in(data.month):
                    if day not in daily:
                        daily[day] = (self.subsidy(f"juiz:{latest.entrancia_destino}", day)
                                      - self.subsidy(f"juiz:{person.entrancia}", day))
                        vacation_days += 1
            if worked + vacation_days == 0:
                continue
            total = self.prorata(daily, data)
            base = f"{worked} dia(s) em substituição"
            if vacation_days:
                base += f", {vacation_days} dia(s) de férias após 6 meses de substituição plena"
            lines.append(self.line("diferenca_entrancia", person, base, worked + vacation_days, total, data))
        return lines

    # -- PAG-06 ----------------------------------------------------------------------------------

    def diarias(self, data: MonthData) -> list[Line]:
        """PAG-06: dias úteis (in the municipality of the designation) × the diária of the cargo."""
        lines = []
        for person_id, designations in _by_person(d for d in data.designations if d.kind == "diarias"):
            person = data.people.get(person_id)
            if person is None:
                continue
            key = "desembargador" if person.second_degree else "juiz"
            days = sorted({day for d in designations for day in d.period.days_in(data.month)
                           if self.dia_util(day, d.municipio)})
            if not days:
                continue
            total = sum((Fraction(self.table(day).diarias[key]) for day in days), Fraction(0))
            lines.append(self.line("diarias", person, f"{len(days)} dia(s) útil(eis) designado", len(days), total,
                                   data))
        return lines

    # -- PAG-07 ----------------------------------------------------------------------------------

    def presence_due(self, person: Person | None, attendance_status: str, authorised: bool,
                     on_vacation: bool) -> bool:
        """PAG-07 (001 art. 132): per session attended; none in vacation, leave or absence; due to the President
        (or the judge the Pleno authorised) representing the court, and to the Corregedor representing the
        Corregedoria or travelling on correição."""
        if person is None or on_vacation:
            return False
        if attendance_status == "presente":
            return True
        if attendance_status == "representacao":
            return bool(person.funcao_tre in ("presidente", "corregedor") or authorised)
        if attendance_status == "correicao":
            return bool(person.funcao_tre == "corregedor")
        return False

    def gratificacao_presenca(self, data: MonthData) -> list[Line]:
        due: dict[str, list[date]] = defaultdict(list)
        for session in sorted(data.sessions, key=lambda s: (s.day, s.id)):
            for a in session.attendances:
                person = data.people.get(a.member)
                if self.presence_due(person, a.status, a.authorized_by_pleno,
                                     session.day in self.away_days(data, a.member)):
                    due[a.member].append(session.day)
        lines = []
        for person_id in sorted(due):
            days = due[person_id]
            total = sum((Fraction(self.table(day).gratificacao_sessao) for day in days), Fraction(0))
            lines.append(self.line("gratificacao_presenca", data.people[person_id], f"{len(days)} sessão(ões)",
                                   len(days), total, data))
        return lines

    # -- PAG-08 ----------------------------------------------------------------------------------

    def gratificacao_cooperacao(self, data: MonthData) -> list[Line]:
        """PAG-08: the gratificação cooperacao-svc assessed (COOP-11), one line per assessment or adjustment."""
        lines = []
        for bonus in sorted(data.cooperation, key=lambda b: (b.servant, b.revision, b.assessment_id)):
            if bonus.month != str(data.month):
                continue
            person = data.people.get(bonus.servant)
            name = person.name if person else bonus.name
            hours = Decimal(bonus.minutes) / 60
            what = "apuração" if bonus.nature == "apuracao" else "ajuste da apuração"
            base = f"{what}: {ptbr.number(bonus.minutes, None)} min × {ptbr.brl(bonus.hourly_rate)}/h"
            key = bonus.assessment_id
            lines.append(Line("gratificacao_cooperacao", "PAG-08", bonus.servant, name, base,
                              hours.quantize(Decimal("0.01")), self.money(Fraction(bonus.amount)), key,
                              str(data.month), key))
        return lines

    # -- PAG-09 ----------------------------------------------------------------------------------

    def ferias(self, data: MonthData) -> list[Line]:
        """PAG-09: terço constitucional of a vacation starting in the month (1/3 × subsídio/30 × days), and
        renounced vacation authorised in the month: indemnity subsídio/30 × days, plus its terço."""
        lines = []
        for v in sorted(data.vacations, key=lambda v: (v.person, v.period.start)):
            person = data.people.get(v.person)
            key = subsidy_key(person) if person else None
            if person is None or key is None \
                    or (v.period.start.year, v.period.start.month) != (data.month.year, data.month.month):
                continue
            days = list(v.period.days())
            total = sum((self.per_day(self.subsidy(key, day)) for day in days), Fraction(0)) * self.pag.terco_ferias
            lines.append(self.line("ferias", person, f"terço constitucional: {len(days)} dia(s) de férias a partir "
                                   f"de {v.period.start.strftime('%d/%m/%Y')}", len(days), total, data,
                                   f"terco|{v.id}"))
        for r in sorted(data.renounced, key=lambda r: (r.person, r.id)):
            person = data.people.get(r.person)
            key = subsidy_key(person) if person else None
            if person is None or key is None \
                    or (r.authorized_on.year, r.authorized_on.month) != (data.month.year, data.month.month):
                continue
            indemnity = self.per_day(self.subsidy(key, r.authorized_on)) * r.days
            lines.append(self.line("ferias", person, f"indenização de {r.days} dia(s) de férias renunciadas "
                                   f"{r.accrual_period}".strip(), r.days, indemnity, data, f"renuncia|{r.id}"))
            lines.append(self.line("ferias", person, f"terço das férias renunciadas ({r.days} dia(s))", r.days,
                                   indemnity * self.pag.terco_ferias, data, f"renuncia-terco|{r.id}"))
        return lines

    # -- posts -----------------------------------------------------------------------------------

    def funcoes(self, data: MonthData) -> list[Line]:
        """003 12.1 h–v: the post's monthly acréscimo pro rata of the days designated."""
        lines = []
        for d in sorted((d for d in data.designations if d.kind == "funcao"), key=lambda d: (d.person, d.id)):
            person = data.people.get(d.person)
            days = d.period.days_in(data.month)
            if person is None or not days or not d.funcao:
                continue
            total = self.prorata({day: Fraction(self.table(day).funcoes.get(d.funcao, Decimal(0))) for day in days},
                                 data)
            lines.append(self.line("funcoes", person, f"{d.funcao}: {len(days)} dia(s)", len(days), total, data,
                                   f"funcao|{d.id}"))
        return lines

    # -- all -------------------------------------------------------------------------------------

    def build(self, data: MonthData) -> dict[str, list[Line]]:
        """Every category's lines for the month (empty categories included: one memo per category)."""
        return {category: [line for line in getattr(self, category)(data) if line.amount != 0 or line.adjustment]
                for category in CATEGORIES}


def _by_person(designations: Iterable[Designation]) -> list[tuple[str, list[Designation]]]:
    grouped: dict[str, list[Designation]] = defaultdict(list)
    for d in designations:
        grouped[d.person].append(d)
    return sorted(grouped.items())
