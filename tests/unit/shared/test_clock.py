"""courtlib.clock: one "now" for every service; the settable clock of the local stack and tests."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtlib import clock
from courtlib.clock import ClockError, SettableClock, SystemClock

START = datetime(2027, 3, 1, 9, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))


class FakeTicker:
    def __init__(self) -> None:
        self.value = 100.0

    def __call__(self) -> float:
        return self.value


def test_the_system_clock_is_the_default_and_answers_aware_utc():
    assert isinstance(clock.current(), SystemClock)
    assert clock.now().tzinfo == UTC


def test_local_now_and_today_are_in_the_tribunal_time_zone():
    # 01:30 UTC on 2 March is still 1 March in Cuiabá's tribunal zone (America/Sao_Paulo, UTC-3)
    with clock.using(SettableClock(datetime(2027, 3, 2, 1, 30, tzinfo=UTC), frozen=True)):
        assert clock.local_now().utcoffset() == timedelta(hours=-3)
        assert clock.today() == date(2027, 3, 1)
        assert clock.now() == datetime(2027, 3, 2, 1, 30, tzinfo=UTC)
    assert isinstance(clock.current(), SystemClock)


def test_a_settable_clock_keeps_ticking_in_real_time_from_where_it_was_set():
    ticker = FakeTicker()
    settable = SettableClock(START, ticker=ticker)
    ticker.value += 90
    assert settable.now() == START + timedelta(seconds=90)
    settable.advance(timedelta(days=1))
    ticker.value += 5
    assert settable.now() == START + timedelta(days=1, seconds=95)


def test_a_frozen_clock_does_not_tick_until_unfrozen():
    ticker = FakeTicker()
    settable = SettableClock(START, ticker=ticker, frozen=True)
    ticker.value += 60
    assert settable.now() == START
    settable.unfreeze()
    ticker.value += 1
    assert settable.now() == START + timedelta(seconds=1)


def test_moving_backwards_is_refused_in_portuguese():
    settable = SettableClock(START, frozen=True)
    with pytest.raises(ClockError, match="não volta no tempo"):
        settable.set(START - timedelta(seconds=1))
    with pytest.raises(ClockError, match="não volta no tempo"):
        settable.advance(timedelta(hours=-1))
    assert settable.now() == START


def test_a_moment_without_zone_is_refused():
    with pytest.raises(ClockError, match="fuso"):
        SettableClock(frozen=True).set(datetime(2030, 1, 1, 9, 0))


@given(st.lists(st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=40)), max_size=20))
def test_the_clock_never_goes_backwards_whatever_is_asked(moves):
    settable = SettableClock(START, frozen=True)
    seen = [settable.now()]
    for delta in moves:
        try:
            settable.set(settable.now() + delta)
        except ClockError:
            assert delta < timedelta(0)
        seen.append(settable.now())
    assert seen == sorted(seen)


# The tribunal's zone as a constant (config ``timezone``, read on first use), for modules that need one.

MOMENTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(UTC))


def test_the_tribunal_tz_constant_is_the_configured_zone():
    assert clock.TRIBUNAL_TZ.key == "America/Sao_Paulo"
    assert datetime(2026, 3, 2, 1, 30, tzinfo=UTC).astimezone(clock.TRIBUNAL_TZ).date() == date(2026, 3, 1)


@given(MOMENTS)
def test_the_tribunal_tz_constant_gives_the_same_local_time_as_the_zone(moment):
    zone = ZoneInfo("America/Sao_Paulo")
    local = moment.astimezone(clock.TRIBUNAL_TZ)
    expected = moment.astimezone(zone)
    assert local.replace(tzinfo=None) == expected.replace(tzinfo=None)
    assert local.utcoffset() == expected.utcoffset() and local.tzname() == expected.tzname()
    assert local == moment  # the same instant
    assert local.isoformat() == expected.isoformat()


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)))
def test_a_wall_time_in_the_tribunal_tz_constant_is_the_zone_s(naive):
    zone = ZoneInfo("America/Sao_Paulo")
    assert naive.replace(tzinfo=clock.TRIBUNAL_TZ).astimezone(UTC) == naive.replace(tzinfo=zone).astimezone(UTC)


def test_the_tribunal_tz_constant_follows_the_tribunal_configuration(monkeypatch):
    from courtlib.config import TRIBUNAL_CONFIG_ENV

    monkeypatch.setenv(TRIBUNAL_CONFIG_ENV, '{"timezone": "America/Cuiaba"}')
    assert clock.TRIBUNAL_TZ.key == "America/Cuiaba"
    assert datetime(2026, 3, 2, 3, 30, tzinfo=UTC).astimezone(clock.TRIBUNAL_TZ).hour == 23  # UTC-4


def test_the_tribunal_tz_constant_survives_pickling():
    import pickle

    moment = datetime(2026, 3, 2, 9, 0, tzinfo=clock.TRIBUNAL_TZ)
    assert pickle.loads(pickle.dumps(moment)) == moment
