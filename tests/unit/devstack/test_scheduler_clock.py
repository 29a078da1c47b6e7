"""The local scheduler follows courtlib.clock: an advance fires each due instant once, in order (issue 11 §1)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from courtlib import clock
from courtlib.clock import ClockError, SettableClock
from devstack.events import ScheduledTarget, Scheduler
from devstack.schedules import parse_schedule

START = datetime(2027, 3, 30, 12, 0, tzinfo=UTC)


@dataclass
class FakeTarget:
    service: str
    name: str
    region: str = "sa-east-1"
    account: str = "123456789012"
    function_name: str = "fake"
    calls: list[tuple[str, datetime]] = field(default_factory=list)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((event["time"], clock.now()))
        return {"ok": True}


def _entry(service: str, name: str, expression: str) -> ScheduledTarget:
    return ScheduledTarget(FakeTarget(service, name), expression, parse_schedule(expression, anchor=START))


@pytest.fixture
def settable():
    with clock.using(SettableClock(START)) as installed:
        yield installed


def _month(start: datetime) -> datetime:
    return start + timedelta(days=3)


def test_an_advance_fires_each_due_instant_once_in_order_with_the_clock_at_that_instant(settable):
    monthly = _entry("pagamentos", "monthly", "cron(0 9 1 * ? *)")
    daily = _entry("distribuicao", "seeds", "cron(0 2 * * ? *)")
    sweep = _entry("plantao", "sweep_outbox", "rate(5 minutes)")
    scheduler = Scheduler([monthly, daily, sweep], threading.Event())
    start, target, runs = scheduler.advance(settable, _month)
    assert target == start + timedelta(days=3)
    assert [(r["servico"], r["instante"][:16]) for r in runs] == [
        ("distribuicao", "2027-03-31T02:00"), ("distribuicao", "2027-04-01T02:00"),
        ("pagamentos", "2027-04-01T09:00"), ("distribuicao", "2027-04-02T02:00"),
        ("plantao", "2027-04-02T12:00")]
    assert [when for when, _ in monthly.target.calls] == ["2027-04-01T09:00:00Z"]
    assert [when for when, _ in daily.target.calls] == ["2027-03-31T02:00:00Z", "2027-04-01T02:00:00Z",
                                                        "2027-04-02T02:00:00Z"]
    for calls in (monthly.target.calls, daily.target.calls):  # the clock stood at the run's own instant
        assert all(now.strftime("%Y-%m-%dT%H:%M:%SZ") == when for when, now in calls)
    assert len(sweep.target.calls) == 1 and runs[-1]["agrupado"] is True, "housekeeping coalesced"
    assert settable.now() >= target and not settable.frozen


def test_advancing_again_fires_nothing_already_fired_and_the_background_loop_agrees(settable):
    daily = _entry("distribuicao", "seeds", "cron(0 2 * * ? *)")
    stop = threading.Event()
    scheduler = Scheduler([daily], stop)
    scheduler.advance(settable, _month)
    assert len(daily.target.calls) == 3
    _, _, again = scheduler.advance(settable, lambda now: now)
    assert again == [] and len(daily.target.calls) == 3
    scheduler.start()  # the background loop reads the same next_at: nothing is due until tomorrow 02:00
    try:
        scheduler.advance(settable, lambda now: now + timedelta(hours=1))
    finally:
        stop.set()
        scheduler.join(5)
    assert len(daily.target.calls) == 3


def test_an_advance_to_the_past_is_refused_and_changes_nothing(settable):
    daily = _entry("distribuicao", "seeds", "cron(0 2 * * ? *)")
    scheduler = Scheduler([daily], threading.Event())
    due = daily.next_at
    with pytest.raises(ClockError, match="não volta no tempo"):
        scheduler.advance(settable, lambda now: now - timedelta(days=1))
    assert daily.next_at == due and daily.target.calls == [] and not settable.frozen


def test_setting_the_clock_then_rebasing_skips_what_lies_between(settable):
    daily = _entry("distribuicao", "seeds", "cron(0 2 * * ? *)")
    scheduler = Scheduler([daily], threading.Event())
    settable.set(START + timedelta(days=10))
    scheduler.rebase()
    assert daily.next_at == datetime(2027, 4, 10, 2, 0, tzinfo=UTC)
    assert daily.target.calls == []
