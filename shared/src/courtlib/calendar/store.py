"""Tribunal calendar data (CAL-01/03) in a service's table, and the :class:`CourtCalendar` built from it.

Items: ``pk = CALENDARIO#<year>``, ``sk = <yyyy-mm-dd>#<kind>#<municipality key or *>``, so one
Query per year reads a year's entries in date order and a second put of the same entry replaces it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from courtlib.calendar import CalendarEntry, CourtCalendar, EntryKind, Recesso, municipality_key
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

if TYPE_CHECKING:
    from courtlib.config import TribunalConfig

PK_PREFIX = "CALENDARIO#"
ALL_MUNICIPALITIES = "*"
DEFAULT_CACHE_TTL_SECONDS = 60.0


class CalendarEntryItem(TableItem):
    """One :class:`CalendarEntry` (day, kind, municipality, description, decreed_on)."""

    day = UnicodeAttribute()  # ISO date
    kind = UnicodeAttribute()
    municipality = UnicodeAttribute(null=True)  # as typed; the key in ``sk`` is normalised
    description = UnicodeAttribute(default="")
    decreed_on = UnicodeAttribute(null=True)  # ISO date
    event_id = UnicodeAttribute(null=True)  # in a consumer's copy: the event that wrote it
    recorded_at = UTCDateTimeAttribute(null=True)


def calendar_keys(day: date, kind: EntryKind | str, municipality: str | None) -> tuple[str, str]:
    """(pk, sk) of the entry identified by day, kind and municipality."""
    place = municipality_key(municipality) or ALL_MUNICIPALITIES
    return f"{PK_PREFIX}{day.year}", f"{day.isoformat()}#{EntryKind(kind).value}#{place}"


def to_item(model: type[CalendarEntryItem], entry: CalendarEntry) -> CalendarEntryItem:
    pk, sk = calendar_keys(entry.day, entry.kind, entry.municipality)
    return model(
        pk=pk,
        sk=sk,
        day=entry.day.isoformat(),
        kind=entry.kind.value,
        municipality=entry.municipality,
        description=entry.description,
        decreed_on=entry.decreed_on.isoformat() if entry.decreed_on else None,
    )


def to_entry(item: CalendarEntryItem) -> CalendarEntry:
    return CalendarEntry(
        day=date.fromisoformat(item.day),
        kind=EntryKind(item.kind),
        municipality=item.municipality,
        description=item.description or "",
        decreed_on=date.fromisoformat(item.decreed_on) if item.decreed_on else None,
    )


class CalendarRepository:
    """Calendar entries of one service's table, with a per-year cache (``ttl_seconds``).

    Keep one repository per Lambda container (module level) so warm invocations reuse the cache.
    Writes through this repository refresh its cache at once; writes elsewhere show after the TTL.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        ttl_seconds: float = DEFAULT_CACHE_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._model = bind(CalendarEntryItem, settings)
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[int, tuple[float, tuple[CalendarEntry, ...]]] = {}

    @property
    def model(self) -> type[CalendarEntryItem]:
        """The item class bound to this service's table (for writes inside a unit of work)."""
        return self._model

    def put(self, entry: CalendarEntry) -> None:
        """Create or replace the entry with the same day, kind and municipality (idempotent)."""
        to_item(self._model, entry).save()
        self._cache.pop(entry.day.year, None)

    def delete(self, day: date, kind: EntryKind | str, municipality: str | None = None) -> None:
        """Remove that entry; nothing happens when it does not exist."""
        pk, sk = calendar_keys(day, kind, municipality)
        self._model(pk=pk, sk=sk).delete()
        self._cache.pop(day.year, None)

    def entries_for_year(self, year: int) -> tuple[CalendarEntry, ...]:
        """The entries of ``year`` in date order (one Query, paginated; cached for ``ttl_seconds``)."""
        now = self._clock()
        cached = self._cache.get(year)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        entries = tuple(to_entry(item) for item in self._model.query(f"{PK_PREFIX}{year}"))
        self._cache[year] = (now, entries)
        return entries

    def entries_for_years(self, years: Iterable[int]) -> list[CalendarEntry]:
        return [entry for year in sorted(set(years)) for entry in self.entries_for_year(year)]

    def calendar(
        self, years: Iterable[int], uf: str = "MT", recesso: Recesso | None = Recesso()
    ) -> CourtCalendar:
        """The calendar of ``years`` (asking it about another year raises ``OutsideCalendarError``)."""
        wanted = sorted(set(years))
        return CourtCalendar(uf=uf, recesso=recesso, entries=self.entries_for_years(wanted), years=wanted)

    def calendar_for(self, config: TribunalConfig, years: Iterable[int]) -> CourtCalendar:
        """The calendar of ``years`` with the tribunal's UF, recesso and time zone."""
        wanted = sorted(set(years))
        return CourtCalendar.from_config(config, self.entries_for_years(wanted), years=wanted)

    def clear_cache(self) -> None:
        self._cache.clear()
