"""Monthly scales of the plantão (PLAN-01, 02, 05, 06, 09): who serves each shift, by a rotation that never
restarts.

A *rotation* is a cyclic order of members — juízos of a region, juízos of a comarca, the four night judges,
desembargadores in inverse seniority, electoral zones of a municipality. Each member has an order key
(a string; ascending = rotation order). The persisted *position* of a rotation is the key of the last
member that held a turn. The next turn goes to the first member after that key (wrapping), so members
added or removed between months keep the rest of the order, and a month is a pure function of
(reference data, calendar, positions at its start): regenerating a draft gives the same result.

A member whose judge is absent (or a vacant juízo) on the day is passed over for that turn (it keeps its
place for the next cycle); a day nobody in the rotation can serve refuses the whole month (day + reason).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from chalicelib.plantao.config import PlantaoConfig
from chalicelib.plantao.domain.errors import PlantaoError, StateConflict, UncoveredDayError
from chalicelib.plantao.domain.reference import Magistrate, ReferenceData

from courtlib.calendar import CourtCalendar
from courtlib.config import Horario


class Kind(StrEnum):
    ESTADUAL = "estadual"
    MUNICIPAL = "municipal"
    NOTURNO = "noturno"
    SEGUNDO_GRAU = "segundo_grau"
    ELEITORAL = "eleitoral"


FIRST_DEGREE_KINDS = (Kind.ESTADUAL, Kind.MUNICIPAL, Kind.NOTURNO, Kind.SEGUNDO_GRAU)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 2100:
            raise ValueError(f"mês inválido: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = text.split("-")
            return cls(int(year), int(month))
        except (ValueError, AttributeError):
            raise ValueError(f"mês inválido: {text!r} (use AAAA-MM)") from None

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.next().first - timedelta(days=1)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)


@dataclass(frozen=True)
class Member:
    """One place in a rotation: ``key`` orders it, ``judge`` serves its turn."""

    key: str
    id: str
    label: str
    judge: str | None
    juizo: str | None = None  # the juízo for the portaria (None for the 2nd degree)


@dataclass(frozen=True)
class Slot:
    """One shift to fill: a day of a rotation, with its hours."""

    rotation: str
    unit: str
    day: date
    start: datetime
    end: datetime
    municipio: str
    dia_util: bool


@dataclass(frozen=True)
class RotationPlan:
    key: str
    members: tuple[Member, ...]  # sorted by key
    slots: tuple[Slot, ...]


@dataclass(frozen=True)
class Plantao:
    """A designated shift."""

    id: str  # "<day>#<rotation>", unique within a scale
    rotation: str
    unit: str
    day: date
    start: datetime
    end: datetime
    municipio: str
    dia_util: bool
    turn: str  # key of the member that holds the turn (a swap keeps it; an impediment moves it)
    member: str
    juizo: str | None
    juizo_nome: str | None
    magistrado: str
    nome: str
    origem: str = "escala"  # escala | permuta | impedimento


@dataclass(frozen=True)
class Scale:
    month: Month
    kind: Kind
    plantoes: tuple[Plantao, ...]
    start: Mapping[str, str | None]  # rotation -> key of the last turn before the month (PLAN-02)
    end: Mapping[str, str | None]  # rotation -> key of the last turn of the month

    @property
    def id(self) -> str:
        return scale_id(self.month, self.kind)

    def plantao(self, plantao_id: str) -> Plantao | None:
        return next((p for p in self.plantoes if p.id == plantao_id), None)

    def with_plantoes(self, changed: Iterable[Plantao], end: Mapping[str, str | None] | None = None) -> Scale:
        by_id = {p.id: p for p in changed}
        plantoes = tuple(by_id.get(p.id, p) for p in self.plantoes)
        return replace(self, plantoes=plantoes, end=dict(end if end is not None else self.end))


def scale_id(month: Month, kind: Kind | str) -> str:
    return f"{month}-{Kind(kind).value}"


# --- building the rotations of a month ---------------------------------------------------------------------


def _shift(day: date, hours: Horario, tz: object) -> tuple[datetime, datetime]:
    start = datetime.combine(day, hours.inicio, tzinfo=tz)  # type: ignore[arg-type]
    end_day = day + timedelta(days=1) if hours.vira_o_dia else day
    return start, datetime.combine(end_day, hours.fim, tzinfo=tz)  # type: ignore[arg-type]


def _slots(rotation: str, unit: str, days: Iterable[date], hours: Callable[[date], Horario], municipio: str,
           dia_util: Callable[[date], bool], tz: object) -> tuple[Slot, ...]:
    out = []
    for day in days:
        start, end = _shift(day, hours(day), tz)
        out.append(Slot(rotation, unit, day, start, end, municipio, dia_util(day)))
    return tuple(out)


def _desembargadores(ref: ReferenceData) -> tuple[Member, ...]:
    """PLAN-01 2º grau: in an órgão julgador, not administration nor school director, JDS included; inverse
    seniority (the most recent first)."""
    eligible = [m for m in ref.magistrates if m.desembargador and m.orgao and not m.administracao
                and not m.diretor_escola]
    return tuple(sorted((Member(f"{99999 - m.seniority:05d}#{m.id}", m.id, m.name, m.id) for m in eligible),
                        key=lambda x: x.key))


def rotation_plans(kind: Kind, month: Month, ref: ReferenceData, calendar: CourtCalendar,
                   config: PlantaoConfig) -> list[RotationPlan]:
    """Every rotation of ``kind`` in ``month``: its members in order and the shifts it must fill (PLAN-01/09)."""
    tz = calendar.timezone
    hours = config.horarios
    days = month.days()
    plans: list[RotationPlan] = []
    tribunal_off = [d for d in days if not calendar.is_dia_util(d)]
    capital = ref.capital

    def never(_: date) -> bool:
        return False

    if kind is Kind.ESTADUAL:
        capital_off = [d for d in days if calendar.is_dia_util(d) and not calendar.is_dia_util(d, capital)]
        for region in sorted(ref.regions, key=lambda r: (r.order, r.id)):
            comarcas = ref.comarcas_of(region.id)
            members = tuple(sorted(
                (Member(f"{c.order:04d}#{c.id}#{j.order:04d}#{j.id}", j.id, j.name, j.judge, j.id)
                 for c in comarcas for j in ref.juizos_of(c.id)), key=lambda x: x.key))
            region_days = list(tribunal_off)
            has_capital = any(c.municipio == capital for c in comarcas)
            if has_capital:  # the capital's municipal holidays fall to its region's estadual scale (docs)
                region_days = sorted({*region_days, *capital_off})
            municipio = capital if has_capital else (comarcas[0].municipio if comarcas else capital)
            key = f"estadual:{region.id}"
            plans.append(RotationPlan(key, members, _slots(key, region.name, region_days, lambda d: hours.estadual,
                                                           municipio, never, tz)))
    elif kind is Kind.MUNICIPAL:
        for comarca in sorted(ref.comarcas, key=lambda c: (c.order, c.id)):
            if comarca.municipio == capital:
                continue
            # a holiday on a day the tribunal is closed anyway (weekend…) is absorbed by the estadual scale
            holidays = [d for d in days if calendar.is_dia_util(d) and not calendar.is_dia_util(d, comarca.municipio)]
            if not holidays:
                continue
            juizos = ref.juizos_of(comarca.id)
            if len(juizos) <= 1 and comarca.vara_tabelar:
                tabelar = ref.juizo(comarca.vara_tabelar)
                juizos = [tabelar] if tabelar is not None else []
            members = tuple(Member(f"{j.order:04d}#{j.id}", j.id, j.name, j.judge, j.id) for j in juizos)
            members = tuple(sorted(members, key=lambda x: x.key))
            key = f"municipal:{comarca.id}"
            plans.append(RotationPlan(key, members, _slots(key, comarca.name, holidays, lambda d: hours.municipal,
                                                           comarca.municipio, never, tz)))
    elif kind is Kind.NOTURNO:
        group = ref.night_group(month.year, month.month)
        judges = [ref.magistrate(j) for j in (group.judges if group else ())]
        members = tuple(sorted((Member(f"{m.seniority:05d}#{m.id}", m.id, m.name, m.id, m.juizo)
                                for m in judges if m is not None), key=lambda x: x.key))
        key = "noturno"
        plans.append(RotationPlan(key, members, _slots(key, "1º grau (noturno)", days, lambda d: hours.noturno,
                                                       capital, lambda d: calendar.is_dia_util(d, capital), tz)))
    elif kind is Kind.SEGUNDO_GRAU:
        key = "segundo_grau"

        def second_degree_hours(d: date) -> Horario:
            if calendar.is_dia_util(d, capital):
                return hours.segundo_grau_dia_util
            return hours.segundo_grau_sem_expediente

        plans.append(RotationPlan(key, _desembargadores(ref), _slots(
            key, "2º grau", days, second_degree_hours, capital, lambda d: calendar.is_dia_util(d, capital), tz)))
    elif kind is Kind.ELEITORAL:
        # PLAN-09 (001 art. 12 §3, 004 art. 19): the recesso and, in the electoral period, weekends and holidays
        recesso = calendar.recesso
        electoral_days = [d for d in tribunal_off
                          if (recesso is not None and d in recesso) or any(p.covers(d) for p in ref.electoral_periods)]
        key = "eleitoral:membros"
        plans.append(RotationPlan(key, _desembargadores(ref), _slots(
            key, "Membros do Tribunal", electoral_days, lambda d: hours.segundo_grau_sem_expediente, capital, never,
            tz)))
        municipios = sorted({z.municipio for z in ref.zones})
        for municipio in municipios:
            zones = sorted((z for z in ref.zones if z.municipio == municipio), key=lambda z: (z.number, z.id))
            members = tuple(Member(f"{z.number:04d}#{z.id}", z.id, f"{z.number}ª Zona Eleitoral", z.judge, z.id)
                            for z in zones)
            key = f"eleitoral:{municipio}"
            plans.append(RotationPlan(key, members, _slots(key, f"Zonas de {municipio}", electoral_days,
                                                           lambda d: hours.estadual, municipio, never, tz)))
    return [p for p in plans if p.slots]


# --- assigning turns ---------------------------------------------------------------------------------------


def _unavailable(member: Member, day: date, ref: ReferenceData) -> str | None:
    """Why ``member`` cannot serve on ``day`` (None when it can)."""
    if member.judge is None:
        return f"{member.label}: sem juiz em exercício"
    magistrate = ref.magistrate(member.judge)
    if magistrate is None:
        return f"{member.label}: magistrado {member.judge} não cadastrado"
    absence = magistrate.absence_on(day)
    if absence is not None:
        return f"{member.label}: {magistrate.name} afastado ({absence.reason})"
    return None


def _next_index(members: tuple[Member, ...], last: str | None) -> int:
    """Index of the first member after ``last`` in rotation order (wrapping)."""
    if last is None or not members:
        return 0
    index = bisect.bisect_right([m.key for m in members], last)
    return index % len(members)


def _plantao(slot: Slot, member: Member, ref: ReferenceData, origem: str = "escala") -> Plantao:
    magistrate = ref.magistrate(member.judge)
    assert magistrate is not None
    juizo = ref.juizo(member.juizo)
    juizo_nome = juizo.name if juizo is not None else (member.label if member.juizo else None)
    return Plantao(id=f"{slot.day.isoformat()}#{slot.rotation}", rotation=slot.rotation, unit=slot.unit,
                   day=slot.day, start=slot.start, end=slot.end, municipio=slot.municipio, dia_util=slot.dia_util,
                   turn=member.key, member=member.id, juizo=member.juizo, juizo_nome=juizo_nome,
                   magistrado=magistrate.id, nome=magistrate.name, origem=origem)


def assign(plan: RotationPlan, last: str | None, ref: ReferenceData,
           code: str = "PLAN-01") -> tuple[list[Plantao], str | None]:
    """Fills the plan's shifts in rotation order from ``last``; answers the shifts and the new position."""
    members = plan.members
    out: list[Plantao] = []
    index = _next_index(members, last)
    for slot in plan.slots:
        if not members:
            raise UncoveredDayError(code, slot.day, plan.key, "a rotação não tem membros cadastrados")
        reasons = []
        for step in range(len(members)):
            member = members[(index + step) % len(members)]
            reason = _unavailable(member, slot.day, ref)
            if reason is None:
                out.append(_plantao(slot, member, ref))
                last = member.key
                index = (index + step + 1) % len(members)
                break
            reasons.append(reason)
        else:
            raise UncoveredDayError(code, slot.day, plan.key, "; ".join(reasons))
    return out, last


def generate(kind: Kind, month: Month, ref: ReferenceData, calendar: CourtCalendar, config: PlantaoConfig,
             start: Mapping[str, str | None]) -> Scale:
    """PLAN-01/02/09: the scale of ``kind`` for ``month`` continuing every rotation from ``start``.

    Pure: the same inputs give the same scale. Raises :class:`UncoveredDayError` for a day nobody can serve.
    """
    plantoes: list[Plantao] = []
    end: dict[str, str | None] = dict(start)
    for plan in rotation_plans(kind, month, ref, calendar, config):
        assigned, last = assign(plan, start.get(plan.key), ref)
        plantoes.extend(assigned)
        end[plan.key] = last
    plantoes.sort(key=lambda p: (p.day, p.rotation))
    return Scale(month, kind, tuple(plantoes), dict(start), end)


# --- changes: swap (PLAN-05) and impediment (PLAN-06) ------------------------------------------------------


def _available(magistrate: Magistrate | None, day: date) -> str | None:
    if magistrate is None:
        return "magistrado não cadastrado"
    absence = magistrate.absence_on(day)
    return None if absence is None else f"{magistrate.name} está afastado em {day.isoformat()} ({absence.reason})"


def swap(scale: Scale, plantao_a: str, magistrado_a: str, plantao_b: str, magistrado_b: str, ref: ReferenceData,
         now: datetime) -> Scale:
    """PLAN-05: the two magistrates exchange their shifts (each shift keeps its turn in the rotation)."""
    a, b = scale.plantao(plantao_a), scale.plantao(plantao_b)
    for field, found, plantao_id in (("plantao_a", a, plantao_a), ("plantao_b", b, plantao_b)):
        if found is None:
            raise PlantaoError("PLAN-05", f"O plantão {plantao_id} não está na escala {scale.id}.", field=field)
    assert a is not None and b is not None
    for field, found, magistrate in (("magistrado_a", a, magistrado_a), ("magistrado_b", b, magistrado_b)):
        if found.magistrado != magistrate:
            on_scale = any(p.magistrado == magistrate for p in scale.plantoes)
            detail = (f"O magistrado {magistrate} não está designado para o plantão {found.id}."
                      if on_scale else f"O magistrado {magistrate} não está na escala {scale.id}.")
            raise PlantaoError("PLAN-05", detail, field=field)
    if a.id == b.id or a.magistrado == b.magistrado:
        raise PlantaoError("PLAN-05", "A permuta exige dois plantões de magistrados diferentes.", field="plantao_b")
    for field, plantao in (("plantao_a", a), ("plantao_b", b)):
        if plantao.start <= now:
            raise PlantaoError("PLAN-05", f"O plantão {plantao.id} já começou ou passou: não pode ser permutado.",
                               field=field)
    for field, magistrate, day in (("magistrado_a", a.magistrado, b.day), ("magistrado_b", b.magistrado, a.day)):
        reason = _available(ref.magistrate(magistrate), day)
        if reason:
            raise PlantaoError("PLAN-05", f"Permuta impossível: {reason}.", field=field)
    new_a = replace(a, magistrado=b.magistrado, nome=b.nome, juizo=b.juizo, juizo_nome=b.juizo_nome, origem="permuta")
    new_b = replace(b, magistrado=a.magistrado, nome=a.nome, juizo=a.juizo, juizo_nome=a.juizo_nome, origem="permuta")
    return scale.with_plantoes([new_a, new_b])


def impediment(scale: Scale, plantao_id: str, ref: ReferenceData, calendar: CourtCalendar, config: PlantaoConfig,
               now: datetime) -> tuple[Scale, Plantao]:
    """PLAN-06: the shift goes to whoever would be first in the next month's scale of that rotation, and that
    turn is anticipated (the rotation's position moves to the substitute, so next month continues after them).

    Answers the changed scale and the new shift.
    """
    plantao = scale.plantao(plantao_id)
    if plantao is None:
        raise PlantaoError("PLAN-06", f"O plantão {plantao_id} não está na escala {scale.id}.", field="plantao")
    if plantao.end <= now:
        raise PlantaoError("PLAN-06", f"O plantão {plantao_id} já terminou.", field="plantao")
    plans = {p.key: p for p in rotation_plans(scale.kind, scale.month.next(), ref, calendar, config)}
    current = {p.key: p for p in rotation_plans(scale.kind, scale.month, ref, calendar, config)}
    plan = plans.get(plantao.rotation) or current.get(plantao.rotation)
    if plan is None or not plan.members:
        raise PlantaoError("PLAN-06", f"A rotação {plantao.rotation} não tem membros.", field="plantao")
    members = plan.members
    index = _next_index(members, scale.end.get(plantao.rotation))
    reasons = []
    for step in range(len(members)):
        member = members[(index + step) % len(members)]
        reason = _unavailable(member, plantao.day, ref)
        if reason is None and member.judge == plantao.magistrado:
            reason = f"{member.label}: é o magistrado impedido"
        if reason is None:
            slot = Slot(plantao.rotation, plantao.unit, plantao.day, plantao.start, plantao.end, plantao.municipio,
                        plantao.dia_util)
            new = _plantao(slot, member, ref, origem="impedimento")
            end = {**scale.end, plantao.rotation: member.key}
            return scale.with_plantoes([new], end), new
        reasons.append(reason)
    raise StateConflict("PLAN-06", f"Ninguém pode substituir no plantão {plantao_id}: {'; '.join(reasons)}.",
                        field="plantao")


def cover_new_days(scale: Scale, ref: ReferenceData, calendar: CourtCalendar, config: PlantaoConfig,
                   now: datetime) -> tuple[Scale, list[Plantao]]:
    """CAL-03 and 003 10.11.4: a day that became non-working after the scale was made (a ponto facultativo
    decreed during the month) does not rebuild the scale; each rotation covers it with whoever would open the
    next month, anticipated (the position moves to them). Shifts already started are never added.

    Answers the scale with the new shifts and the new shifts (none when nothing is missing).
    """
    existing = {(p.day, p.rotation) for p in scale.plantoes}
    following = {p.key: p for p in rotation_plans(scale.kind, scale.month.next(), ref, calendar, config)}
    end = dict(scale.end)
    added: list[Plantao] = []
    for plan in rotation_plans(scale.kind, scale.month, ref, calendar, config):
        members = (following.get(plan.key) or plan).members
        for slot in plan.slots:
            if (slot.day, slot.rotation) in existing or slot.start <= now:
                continue
            index = _next_index(members, end.get(plan.key))
            reasons = []
            for step in range(len(members)):
                member = members[(index + step) % len(members)]
                reason = _unavailable(member, slot.day, ref)
                if reason is None:
                    added.append(_plantao(slot, member, ref, origem="antecipacao"))
                    end[plan.key] = member.key
                    break
                reasons.append(reason)
            else:
                raise UncoveredDayError("CAL-03", slot.day, plan.key, "; ".join(reasons) or "rotação sem membros")
    plantoes = tuple(sorted((*scale.plantoes, *added), key=lambda p: (p.day, p.rotation)))
    return replace(scale, plantoes=plantoes, end=end), added


def time_of(day: date, hour: int, tz: object) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz)  # type: ignore[arg-type]
