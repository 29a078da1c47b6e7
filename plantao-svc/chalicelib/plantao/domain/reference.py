"""Reference data of the plantão (PLAN-01, PLAN-09): regions, comarcas, juízos in their order, magistrates
with seniority and absences, desembargadores with their órgão julgador, electoral zones and periods, and
the judges designated for each quadrimester of the night scale. Plain, immutable values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TypeVar

from courtlib.calendar import UnknownMunicipalityError, resolve_municipality
from courtlib.errors import Invalid


@dataclass(frozen=True)
class Absence:
    start: date
    end: date
    reason: str = "afastamento"

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Magistrate:
    """A judge (1st degree: ``juizo`` is where they are in office) or a desembargador/JDS (``orgao``)."""

    id: str
    name: str
    seniority: int  # 1 = the most senior
    juizo: str | None = None
    email: str | None = None
    desembargador: bool = False  # desembargador or JDS (2nd degree)
    orgao: str | None = None  # órgão julgador where the desembargador/JDS sits
    administracao: bool = False  # member of the administration (excluded from the 2nd-degree scale)
    diretor_escola: bool = False  # director of the judicial school (excluded from the 2nd-degree scale)
    absences: tuple[Absence, ...] = ()

    def absence_on(self, day: date) -> Absence | None:
        return next((a for a in self.absences if a.covers(day)), None)


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    order: int


@dataclass(frozen=True)
class Comarca:
    id: str
    name: str
    municipio: str  # IBGE code (the calendar's key)
    region: str
    order: int
    entrancia: str = "inicial"
    vara_tabelar: str | None = None  # juízo that covers a single-vara comarca (PLAN-01 municipal)


@dataclass(frozen=True)
class Juizo:
    id: str
    name: str
    comarca: str
    order: int  # the comarca's order of juízos
    judge: str | None = None  # magistrate in office (None = vacant)


@dataclass(frozen=True)
class Zone:
    """An electoral zone (PLAN-09): rotation among the zones of one municipality."""

    id: str
    municipio: str
    number: int
    judge: str | None = None


@dataclass(frozen=True)
class ElectoralPeriod:
    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class NightGroup:
    """The judges the Presidency chose for a quadrimester of the night scale (PLAN-01, 003 10.10.1)."""

    year: int
    quadrimester: int  # 1 = Jan–Apr, 2 = May–Aug, 3 = Sep–Dec
    judges: tuple[str, ...]


def quadrimester_of(month: int) -> int:
    return (month - 1) // 4 + 1


@dataclass(frozen=True)
class ReferenceData:
    regions: tuple[Region, ...] = ()
    comarcas: tuple[Comarca, ...] = ()
    juizos: tuple[Juizo, ...] = ()
    magistrates: tuple[Magistrate, ...] = ()
    zones: tuple[Zone, ...] = ()
    electoral_periods: tuple[ElectoralPeriod, ...] = ()
    night_groups: tuple[NightGroup, ...] = ()
    capital: str = "5103403"  # IBGE code of the capital
    _index: dict[str, Mapping[str, object]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index["m"] = {m.id: m for m in self.magistrates}
        self._index["j"] = {j.id: j for j in self.juizos}
        self._index["c"] = {c.id: c for c in self.comarcas}
        self._index["r"] = {r.id: r for r in self.regions}

    def magistrate(self, magistrate_id: str | None) -> Magistrate | None:
        return None if magistrate_id is None else self._index["m"].get(magistrate_id)  # type: ignore[return-value]

    def juizo(self, juizo_id: str | None) -> Juizo | None:
        return None if juizo_id is None else self._index["j"].get(juizo_id)  # type: ignore[return-value]

    def comarca(self, comarca_id: str | None) -> Comarca | None:
        return None if comarca_id is None else self._index["c"].get(comarca_id)  # type: ignore[return-value]

    def region(self, region_id: str) -> Region | None:
        return self._index["r"].get(region_id)  # type: ignore[return-value]

    def juizos_of(self, comarca_id: str) -> list[Juizo]:
        return sorted((j for j in self.juizos if j.comarca == comarca_id), key=lambda j: (j.order, j.id))

    def comarcas_of(self, region_id: str) -> list[Comarca]:
        return sorted((c for c in self.comarcas if c.region == region_id), key=lambda c: (c.order, c.id))

    def municipio_of_magistrate(self, magistrate: Magistrate) -> str:
        """The municipality whose calendar counts for a magistrate's dias úteis (2nd degree: the capital)."""
        juizo = self.juizo(magistrate.juizo)
        comarca = self.comarca(juizo.comarca) if juizo else None
        return comarca.municipio if comarca else self.capital

    def night_group(self, year: int, month: int) -> NightGroup | None:
        q = quadrimester_of(month)
        return next((g for g in self.night_groups if g.year == year and g.quadrimester == q), None)

    def check(self) -> list[str]:
        """Inconsistencies that make the data unusable (unknown region, comarca, juízo or judge)."""
        problems: list[str] = []
        for label, values in (("região", self.regions), ("comarca", self.comarcas), ("juízo", self.juizos),
                              ("magistrado", self.magistrates), ("zona", self.zones)):
            seen: set[str] = set()
            for value in values:
                if value.id in seen:
                    problems.append(f"{label} {value.id} repetido")
                seen.add(value.id)
        for m in self.magistrates:
            if m.juizo is not None and self.juizo(m.juizo) is None:
                problems.append(f"magistrado {m.id}: juízo {m.juizo} desconhecido")
        for c in self.comarcas:
            if self.region(c.region) is None:
                problems.append(f"comarca {c.id}: região {c.region} desconhecida")
            if c.vara_tabelar is not None and self.juizo(c.vara_tabelar) is None:
                problems.append(f"comarca {c.id}: vara tabelar {c.vara_tabelar} desconhecida")
        for j in self.juizos:
            if self.comarca(j.comarca) is None:
                problems.append(f"juízo {j.id}: comarca {j.comarca} desconhecida")
            if j.judge is not None and self.magistrate(j.judge) is None:
                problems.append(f"juízo {j.id}: magistrado {j.judge} desconhecido")
        for z in self.zones:
            if z.judge is not None and self.magistrate(z.judge) is None:
                problems.append(f"zona {z.id}: magistrado {z.judge} desconhecido")
        for g in self.night_groups:
            for judge in g.judges:
                if self.magistrate(judge) is None:
                    problems.append(f"plantão noturno {g.year}/{g.quadrimester}: magistrado {judge} desconhecido")
        return problems


def replace_many(items: Iterable[object], key: str, new: Iterable[object]) -> tuple[object, ...]:
    """``items`` with those of the same ``key`` replaced by ``new`` (and the new ones added)."""
    fresh = {getattr(n, key): n for n in new}
    kept = [i for i in items if getattr(i, key) not in fresh]
    return (*kept, *fresh.values())


Placed = TypeVar("Placed", Comarca, Zone)


def in_registered_municipality(item: Placed, registered: Mapping[str, str]) -> Placed:
    """PLAN-01/CAL-01: the comarca or zone with its municipality (IBGE code or name) as the IBGE code of one of
    the tribunal's ``registered`` municipalities — the key its municipal holidays are stored under."""
    try:
        code = resolve_municipality(item.municipio, registered)
    except UnknownMunicipalityError as error:
        label = "comarca" if isinstance(item, Comarca) else "zona"
        raise Invalid(f"{label} {item.id}: {error}", field="municipio") from None
    return replace(item, municipio=code)
