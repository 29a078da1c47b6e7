"""The court calendar: which days are *dias úteis* (CAL-01..03). Pure domain, no AWS.

National and state holidays come from the ``holidays`` library (cached per UF and year); municipal
holidays, pontos facultativos, days without expediente and the tribunal's own holidays are tribunal
data (:class:`CalendarEntry`). Every answer is O(1) per day: a weekday test, a recesso test and two
dictionary look-ups.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from courtlib.clock import TRIBUNAL_TZ

if TYPE_CHECKING:
    from courtlib.config import TribunalConfig

DEFAULT_TIMEZONE: tzinfo = TRIBUNAL_TZ  # the configured tribunal's (config ``timezone``), read on first use
_ONE_DAY = timedelta(days=1)
# add_dias_uteis gives up after this many consecutive non-working days (a calendar with no dia útil).
_MAX_SCAN_DAYS = 3 * 366


class EntryKind(StrEnum):
    """Kinds of tribunal calendar data (CAL-01)."""

    FERIADO_MUNICIPAL = "feriado_municipal"
    FERIADO_TRIBUNAL = "feriado_tribunal"  # a holiday of the court itself (e.g. regimental), not in the library
    PONTO_FACULTATIVO = "ponto_facultativo"
    SEM_EXPEDIENTE = "sem_expediente"


class ReasonKind(StrEnum):
    """Why a day is not a dia útil, in the order the reasons are reported."""

    SABADO = "sabado"
    DOMINGO = "domingo"
    FERIADO_NACIONAL = "feriado_nacional"
    FERIADO_ESTADUAL = "feriado_estadual"
    FERIADO_MUNICIPAL = "feriado_municipal"
    FERIADO_TRIBUNAL = "feriado_tribunal"
    RECESSO = "recesso"
    SEM_EXPEDIENTE = "sem_expediente"
    PONTO_FACULTATIVO = "ponto_facultativo"


_ENTRY_LABEL = {
    EntryKind.FERIADO_MUNICIPAL: "feriado municipal",
    EntryKind.FERIADO_TRIBUNAL: "feriado do tribunal",
    EntryKind.PONTO_FACULTATIVO: "ponto facultativo",
    EntryKind.SEM_EXPEDIENTE: "sem expediente",
}
# Entries are reported in ReasonKind order: holidays before recesso, then closures.
_ENTRY_ORDER = {
    EntryKind.FERIADO_MUNICIPAL: 0,
    EntryKind.FERIADO_TRIBUNAL: 1,
    EntryKind.SEM_EXPEDIENTE: 3,
    EntryKind.PONTO_FACULTATIVO: 4,
}


class OutsideCalendarError(ValueError):
    """A day outside the years whose tribunal data were loaded into the calendar."""


def municipality_key(municipality: str | None) -> str | None:
    """Comparable form of a municipality (IBGE code or name): trimmed, no accents, case-folded."""
    if municipality is None:
        return None
    decomposed = unicodedata.normalize("NFKD", municipality.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


class UnknownMunicipalityError(ValueError):
    """CAL-01: a municipality that is not one of the tribunal's registered municipalities."""


def resolve_municipality(text: str, registered: Mapping[str, str]) -> str:
    """CAL-01: the IBGE code of ``text`` — an IBGE code, or a name folded for accents, case and spacing — among
    ``registered`` (IBGE code → name, :attr:`courtlib.config.TribunalConfig.municipios_registrados`).

    Raises :class:`UnknownMunicipalityError` (a ValueError) for anything else, blank included.
    """
    wanted = " ".join(text.split())
    if wanted in registered:
        return wanted
    folded = municipality_key(wanted)
    matches = [code for code, name in registered.items() if municipality_key(" ".join(name.split())) == folded]
    if len(matches) == 1:
        return matches[0]
    shown = wanted[:60] or "(vazio)"
    if matches:
        raise UnknownMunicipalityError(f"município ambíguo: {shown!r}; informe o código IBGE")
    raise UnknownMunicipalityError(f"município não cadastrado no tribunal: {shown!r}; "
                                   "informe o código IBGE ou o nome de um município do tribunal")


def _as_date(value: date | datetime, tz: tzinfo) -> date:
    if isinstance(value, datetime):
        return (value.astimezone(tz) if value.tzinfo else value).date()
    return value


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One day of tribunal calendar data.

    ``municipality`` None means the whole tribunal (not allowed for a municipal holiday).
    ``decreed_on`` is the day the tribunal decreed it (CAL-03); None means "always known".
    """

    day: date
    kind: EntryKind
    municipality: str | None = None
    description: str = ""
    decreed_on: date | None = None

    def __post_init__(self) -> None:
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise ValueError("day deve ser uma data (date), sem hora")
        object.__setattr__(self, "kind", EntryKind(self.kind))
        if self.municipality is not None:
            name = self.municipality.strip()
            if not name or name == "*" or "#" in name:
                raise ValueError(f"município inválido: {self.municipality!r}")
            object.__setattr__(self, "municipality", name)
        if self.kind is EntryKind.FERIADO_MUNICIPAL and self.municipality is None:
            raise ValueError("feriado municipal exige o município")
        if self.decreed_on is not None and isinstance(self.decreed_on, datetime):
            object.__setattr__(self, "decreed_on", self.decreed_on.date())

    @property
    def municipality_key(self) -> str | None:
        return municipality_key(self.municipality)

    @property
    def identity(self) -> tuple[date, EntryKind, str | None]:
        """What makes two entries the same one (a later put replaces the earlier)."""
        return (self.day, self.kind, self.municipality_key)

    def applies_to(self, municipality: str | None, as_of: date | None) -> bool:
        """Whether this entry counts for ``municipality`` (a key) in a schedule published on ``as_of``."""
        own = self.municipality_key
        if own is not None and own != municipality:
            return False
        # CAL-03: a ponto facultativo decreed after the schedule was published does not rebuild it.
        if (
            as_of is not None
            and self.kind is EntryKind.PONTO_FACULTATIVO
            and self.decreed_on is not None
            and self.decreed_on > as_of
        ):
            return False
        return True


@dataclass(frozen=True, slots=True)
class Recesso:
    """The recesso forense, a (month, day) span that may cross the year end (CAL-02)."""

    start: tuple[int, int] = (12, 20)
    end: tuple[int, int] = (1, 6)

    def __contains__(self, day: date) -> bool:
        md = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= md <= self.end
        return md >= self.start or md <= self.end

    @property
    def label(self) -> str:
        return f"recesso forense ({self.start[1]:02d}/{self.start[0]:02d} a {self.end[1]:02d}/{self.end[0]:02d})"


@dataclass(frozen=True, slots=True)
class NonWorkingReason:
    """One reason a day is not a dia útil, with its Portuguese text."""

    kind: ReasonKind
    text: str
    entry: CalendarEntry | None = None

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=512)
def library_holidays(uf: str, year: int) -> dict[date, tuple[ReasonKind, str]]:
    """National and state holidays of ``uf`` in ``year`` from the ``holidays`` library, in Portuguese."""
    import holidays  # on first use: ~20 ms of a cold start that most invocations never need

    national = holidays.country_holidays("BR", years=year, language="pt_BR")
    with_state = holidays.country_holidays("BR", subdiv=uf, years=year, language="pt_BR")
    result: dict[date, tuple[ReasonKind, str]] = {}
    for day, name in with_state.items():
        if day in national:
            result[day] = (ReasonKind.FERIADO_NACIONAL, national[day])
        else:
            result[day] = (ReasonKind.FERIADO_ESTADUAL, name)
    for day, name in national.items():  # defensive: national days the subdivision might not repeat
        result.setdefault(day, (ReasonKind.FERIADO_NACIONAL, name))
    return result


@dataclass(frozen=True)
class CourtCalendar:
    """Answers CAL-01..03 for one tribunal.

    ``years``: the years whose tribunal entries were loaded; asking about another year raises
    :class:`OutsideCalendarError` instead of silently ignoring that year's tribunal data.
    None means the entries given are all there is.
    ``municipality`` arguments: IBGE code or name as in the entries; None asks for the tribunal as
    a whole, so only tribunal-wide entries count.
    """

    uf: str = "MT"
    recesso: Recesso | None = field(default_factory=Recesso)
    entries: Iterable[CalendarEntry] = ()
    years: Iterable[int] | None = None
    timezone: tzinfo = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "uf", self.uf.strip().upper())
        by_day: dict[date, list[CalendarEntry]] = {}
        unique: dict[tuple[date, EntryKind, str | None], CalendarEntry] = {}
        for entry in self.entries:
            unique[entry.identity] = entry  # the last one wins, as in the store
        for entry in unique.values():
            by_day.setdefault(entry.day, []).append(entry)
        index = {
            day: tuple(sorted(items, key=lambda e: (_ENTRY_ORDER[e.kind], e.municipality_key or "")))
            for day, items in by_day.items()
        }
        object.__setattr__(self, "entries", tuple(unique.values()))
        object.__setattr__(self, "_by_day", index)
        object.__setattr__(self, "years", None if self.years is None else frozenset(self.years))
        object.__setattr__(self, "_holidays", {})

    @classmethod
    def from_config(
        cls,
        config: TribunalConfig,
        entries: Iterable[CalendarEntry] = (),
        years: Iterable[int] | None = None,
    ) -> CourtCalendar:
        recesso = config.calendario.recesso
        return cls(
            uf=config.uf,
            recesso=Recesso(recesso.inicio.as_tuple(), recesso.fim.as_tuple()),
            entries=entries,
            years=years,
            timezone=config.tz,
        )

    # -- internals ---------------------------------------------------------------------------

    def _day(self, value: date | datetime) -> date:
        day = _as_date(value, self.timezone)
        if self.years is not None and day.year not in self.years:
            raise OutsideCalendarError(
                f"o calendário foi carregado para {sorted(self.years)} e não cobre {day.isoformat()}"
            )
        return day

    def _library(self, year: int) -> dict[date, tuple[ReasonKind, str]]:
        cache: dict[int, dict[date, tuple[ReasonKind, str]]] = self._holidays  # type: ignore[attr-defined]
        found = cache.get(year)
        if found is None:
            found = cache[year] = library_holidays(self.uf, year)
        return found

    def _entries_on(self, day: date, key: str | None, as_of: date | None) -> Iterator[CalendarEntry]:
        for entry in self._by_day.get(day, ()):  # type: ignore[attr-defined]
            if entry.applies_to(key, as_of):
                yield entry

    # -- public API ----------------------------------------------------------------------------

    def is_dia_util(
        self, day: date | datetime, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> bool:
        """CAL-01/02/03: a weekday, no holiday of the place, not in the recesso, no closure decreed by ``as_of``."""
        day = self._day(day)
        if day.weekday() >= 5:
            return False
        if day in self._library(day.year):
            return False
        if self.recesso is not None and day in self.recesso:
            return False
        if day not in self._by_day:  # type: ignore[attr-defined]
            return True
        as_of_day = None if as_of is None else _as_date(as_of, self.timezone)
        return next(self._entries_on(day, municipality_key(municipality), as_of_day), None) is None

    def reasons_not_dia_util(
        self, day: date | datetime, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> tuple[NonWorkingReason, ...]:
        """Every reason ``day`` is not a dia útil (empty when it is one), most significant first."""
        day = self._day(day)
        reasons: list[NonWorkingReason] = []
        weekday = day.weekday()
        if weekday == 5:
            reasons.append(NonWorkingReason(ReasonKind.SABADO, "sábado"))
        elif weekday == 6:
            reasons.append(NonWorkingReason(ReasonKind.DOMINGO, "domingo"))
        holiday = self._library(day.year).get(day)
        if holiday is not None:
            kind, name = holiday
            label = "feriado nacional" if kind is ReasonKind.FERIADO_NACIONAL else f"feriado estadual ({self.uf})"
            reasons.append(NonWorkingReason(kind, f"{label}: {name}"))
        as_of_day = None if as_of is None else _as_date(as_of, self.timezone)
        entries = list(self._entries_on(day, municipality_key(municipality), as_of_day))
        for entry in entries:
            if entry.kind in (EntryKind.FERIADO_MUNICIPAL, EntryKind.FERIADO_TRIBUNAL):
                reasons.append(_entry_reason(entry))
        if self.recesso is not None and day in self.recesso:
            reasons.append(NonWorkingReason(ReasonKind.RECESSO, self.recesso.label))
        for entry in entries:
            if entry.kind in (EntryKind.SEM_EXPEDIENTE, EntryKind.PONTO_FACULTATIVO):
                reasons.append(_entry_reason(entry))
        return tuple(reasons)

    def reason_not_dia_util(
        self, day: date | datetime, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> str | None:
        """The main reason in Portuguese ("sábado", "feriado nacional: Natal", …), or None for a dia útil."""
        reasons = self.reasons_not_dia_util(day, municipality, as_of)
        return reasons[0].text if reasons else None

    def dias_uteis_between(
        self, start: date, end: date, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> int:
        """How many dias úteis from ``start`` to ``end``, both inclusive (0 when ``end`` < ``start``)."""
        return sum(1 for _ in self.iter_dias_uteis(start, end, municipality, as_of))

    def iter_dias_uteis(
        self, start: date, end: date, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> Iterator[date]:
        """The dias úteis from ``start`` to ``end``, both inclusive, in order."""
        day = _as_date(start, self.timezone)
        last = _as_date(end, self.timezone)
        while day <= last:
            if self.is_dia_util(day, municipality, as_of):
                yield day
            day += _ONE_DAY

    def add_dias_uteis(
        self, day: date, n: int, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> date:
        """The ``n``-th dia útil after ``day`` (before it when ``n`` < 0), not counting ``day`` itself.

        ``n == 0`` gives ``day`` when it is a dia útil, else the next dia útil. So for ``n >= 1``,
        ``dias_uteis_between(day + 1 day, result) == n`` and the result is a dia útil.
        """
        current = _as_date(day, self.timezone)
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        if remaining == 0:
            if self.is_dia_util(current, municipality, as_of):
                return current
            remaining = 1
        since_last = 0
        while remaining:
            current += step
            if self.is_dia_util(current, municipality, as_of):
                remaining -= 1
                since_last = 0
            else:
                since_last += 1
                if since_last > _MAX_SCAN_DAYS:
                    raise ValueError(f"nenhum dia útil em {_MAX_SCAN_DAYS} dias a partir de {day.isoformat()}")
        return current

    def non_working_days(
        self, start: date, end: date, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> list[date]:
        """The days from ``start`` to ``end`` (inclusive) that are not dias úteis, in order."""
        result: list[date] = []
        day = _as_date(start, self.timezone)
        last = _as_date(end, self.timezone)
        while day <= last:
            if not self.is_dia_util(day, municipality, as_of):
                result.append(day)
            day += _ONE_DAY
        return result

    def entries_on(
        self, day: date, municipality: str | None = None, as_of: date | datetime | None = None
    ) -> tuple[CalendarEntry, ...]:
        """The tribunal entries that count on ``day`` for ``municipality`` (e.g. to find municipal holidays)."""
        day = self._day(day)
        as_of_day = None if as_of is None else _as_date(as_of, self.timezone)
        return tuple(self._entries_on(day, municipality_key(municipality), as_of_day))


def _entry_reason(entry: CalendarEntry) -> NonWorkingReason:
    label = _ENTRY_LABEL[entry.kind]
    text = f"{label}: {entry.description}" if entry.description else label
    return NonWorkingReason(ReasonKind(entry.kind.value), text, entry)
