"""The one source of "now" for every service, courtlib and the local stack.

    from courtlib import clock
    clock.now()        # aware datetime, UTC
    clock.local_now()  # aware datetime in the tribunal's time zone (courtlib config ``timezone``)
    clock.today()      # the tribunal-local date
    clock.TRIBUNAL_TZ  # the tribunal's time zone, as a tzinfo constant: moment.astimezone(TRIBUNAL_TZ)

Production uses the system clock and nothing can change that: no route, no environment variable
reaches :func:`use`. Only the local stack (``infra/devstack``) and tests install a
:class:`SettableClock`, which keeps ticking in real time from the moment it was set (a month played
on the local stack still has seconds passing), unless frozen. It never moves backwards.

A test forbids ``datetime.now``/``date.today``/``utcnow``/``time.time`` everywhere else
(``tests/unit/test_clock_discipline.py``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware, in UTC."""


class ClockError(ValueError):
    """A move the clock refuses (backwards, or a naive moment); the message is in Portuguese."""


class SystemClock:
    """The machine's clock: what every deployed function uses."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock:
    """A clock that can be set and advanced, never backwards; it ticks in real time unless ``frozen``.

    ``set(moment)`` and ``advance(delta)`` raise :class:`ClockError` for a move backwards.
    ``freeze()``/``unfreeze()`` stop and restart the ticking (the local stack freezes it while it
    fires the schedules of an advance, so that each job sees exactly its own instant).
    """

    def __init__(self, start: datetime | None = None, *, frozen: bool = False,
                 ticker: Callable[[], float] = time.monotonic) -> None:
        self._ticker = ticker
        self._lock = threading.Lock()
        self._base = _aware(start, "agora") if start is not None else SystemClock().now()
        self._mark = ticker()
        self._frozen = frozen

    @property
    def frozen(self) -> bool:
        return self._frozen

    def now(self) -> datetime:
        with self._lock:
            return self._now()

    def _now(self) -> datetime:
        if self._frozen:
            return self._base
        return self._base + timedelta(seconds=self._ticker() - self._mark)

    def set(self, moment: datetime) -> datetime:
        """Sets the clock to ``moment`` (aware); refuses a moment before now."""
        moment = _aware(moment, "agora")
        with self._lock:
            current = self._now()
            if moment < current:
                raise ClockError(f"O relógio não volta no tempo: agora é {_show(current)} e foi pedido "
                                 f"{_show(moment)}. Para recomeçar de uma data anterior, reinicie a pilha local.")
            self._base, self._mark = moment, self._ticker()
            return moment

    def advance(self, delta: timedelta) -> datetime:
        """Moves the clock forward by ``delta`` (≥ 0) and returns the new now."""
        if delta < timedelta(0):
            raise ClockError(f"O relógio não volta no tempo: o avanço pedido ({delta}) é negativo.")
        with self._lock:
            self._base, self._mark = self._now() + delta, self._ticker()
            return self._base

    def freeze(self) -> datetime:
        with self._lock:
            self._base, self._mark, self._frozen = self._now(), self._ticker(), True
            return self._base

    def unfreeze(self) -> datetime:
        with self._lock:
            self._base, self._mark, self._frozen = self._now(), self._ticker(), False
            return self._base


_current: Clock = SystemClock()


def use(clock: Clock | None) -> Clock:
    """Installs ``clock`` for the whole process (None = the system clock); returns the previous one.

    Called only by the local stack and tests: deployed apps never import a settable clock.
    """
    global _current
    previous, _current = _current, clock if clock is not None else SystemClock()
    return previous


@contextlib.contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """``with clock.using(SettableClock(...)) as c:`` — installs ``clock`` and restores the previous one."""
    previous = use(clock)
    try:
        yield clock
    finally:
        use(previous)


def current() -> Clock:
    return _current


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return _current.now().astimezone(UTC)


def local_now() -> datetime:
    """The current instant in the tribunal's time zone (courtlib config ``timezone``)."""
    return now().astimezone(tribunal_tz())


def today() -> date:
    """The tribunal-local date."""
    return local_now().date()


def tribunal_tz() -> tzinfo:
    """The time zone of the tribunal configured by ``TRIBUNAL_ID``/``TRIBUNAL_CONFIG_JSON``."""
    from courtlib.config import TRIBUNAL_CONFIG_ENV

    return _tz_for(os.environ.get("TRIBUNAL_ID", "TRE-MT"), os.environ.get(TRIBUNAL_CONFIG_ENV))


@lru_cache(maxsize=8)
def _tz_for(tribunal_id: str, overrides: str | None) -> tzinfo:
    from courtlib.config import load_tribunal_config

    return load_tribunal_config(tribunal_id, overrides).tz


class _TribunalZone(tzinfo):
    """The tribunal's time zone (config ``timezone``) as a module-level constant, read on first use.

    A constant ``ZoneInfo(config.timezone)`` would read the configuration at import; this stands for it
    and asks :func:`tribunal_tz` at each use (cached), so importing a module costs nothing and a bad
    configuration fails the first use, as :attr:`courtlib.service.ServiceDeps.config` does. (The standard
    library has no lazy tzinfo; this one delegates every method to the real zone.)
    """

    def _zone(self) -> tzinfo:
        return tribunal_tz()

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return self._zone().utcoffset(dt)

    def dst(self, dt: datetime | None) -> timedelta | None:
        return self._zone().dst(dt)

    def tzname(self, dt: datetime | None) -> str | None:
        return self._zone().tzname(dt)

    def fromutc(self, dt: datetime) -> datetime:
        zone = self._zone()
        return zone.fromutc(dt.replace(tzinfo=zone)).replace(tzinfo=self)

    @property
    def key(self) -> str:
        return str(getattr(self._zone(), "key", self._zone()))

    def __repr__(self) -> str:
        return f"TRIBUNAL_TZ({self.key})"

    def __reduce__(self) -> str:
        return "TRIBUNAL_TZ"  # pickled by name: the one instance of this module


TRIBUNAL_TZ = _TribunalZone()


def _aware(moment: datetime, field: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(f"{field}: informe data e hora com fuso (ex.: 2027-03-01T09:00:00-03:00).")
    return moment.astimezone(UTC)


def _show(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
