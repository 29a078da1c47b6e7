"""EventBridge schedule expressions as the local stack evaluates them (UTC, AWS cron numbering)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from chalice.app import Cron, Rate

from devstack.schedules import aws_cron_to_croniter, parse_schedule


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


FRIDAY_AFTERNOON = utc(2026, 11, 27, 13, 0)  # a Friday


def test_monthly_cron_fires_on_the_first_at_six_utc():
    schedule = parse_schedule("cron(0 6 1 * ? *)")
    assert schedule.next_after(utc(2026, 11, 25, 19, 0)) == utc(2026, 12, 1, 6, 0)
    assert schedule.next_after(utc(2026, 12, 1, 6, 0)) == utc(2027, 1, 1, 6, 0), "strictly after"
    assert schedule.next_after(utc(2026, 12, 1, 5, 59)) == utc(2026, 12, 1, 6, 0)


def test_weekday_cron_skips_the_weekend():
    schedule = parse_schedule("cron(0 12 ? * MON-FRI *)")
    assert schedule.next_after(FRIDAY_AFTERNOON) == utc(2026, 11, 30, 12, 0)  # Monday
    assert schedule.next_after(utc(2026, 11, 27, 11, 0)) == utc(2026, 11, 27, 12, 0)


@pytest.mark.parametrize(("day_of_week", "expected_weekday"), [
    ("1", 6), ("2", 0), ("6", 4), ("7", 5), ("SUN", 6), ("sat", 5),  # datetime.weekday(): MON = 0
])
def test_aws_numbers_days_of_week_from_one_for_sunday(day_of_week, expected_weekday):
    fire = parse_schedule(f"cron(0 9 ? * {day_of_week} *)").next_after(FRIDAY_AFTERNOON)
    assert fire.weekday() == expected_weekday
    assert fire.hour == 9 and fire > FRIDAY_AFTERNOON and fire - FRIDAY_AFTERNOON <= timedelta(days=7)


def test_day_of_week_ranges_lists_nth_and_last_are_shifted():
    assert aws_cron_to_croniter("0 9 ? * 2-6 *") == "0 9 * * 1-5 0 *"
    assert aws_cron_to_croniter("0 9 ? * 1,7 *") == "0 9 * * 0,6 0 *"
    third_friday = parse_schedule("cron(0 9 ? * 6#3 *)").next_after(FRIDAY_AFTERNOON)
    assert third_friday == utc(2026, 12, 18, 9, 0)
    last_friday = parse_schedule("cron(0 9 ? * 6L *)").next_after(FRIDAY_AFTERNOON)
    assert last_friday == utc(2026, 12, 25, 9, 0)


def test_last_day_and_nearest_weekday_of_the_month():
    assert parse_schedule("cron(0 9 L * ? *)").next_after(FRIDAY_AFTERNOON) == utc(2026, 11, 30, 9, 0)
    # 15 Nov 2026 is a Sunday: the nearest weekday is Monday the 16th
    assert parse_schedule("cron(0 9 15W * ? *)").next_after(utc(2026, 11, 1)) == utc(2026, 11, 16, 9, 0)


def test_the_year_field_is_honoured():
    assert parse_schedule("cron(0 0 1 1 ? 2030)").next_after(FRIDAY_AFTERNOON) == utc(2030, 1, 1)
    assert parse_schedule("cron(0 0 1 1 ? 2020)").next_after(FRIDAY_AFTERNOON) is None


def test_naive_datetimes_are_taken_as_utc():
    schedule = parse_schedule("cron(30 3 * * ? *)")
    assert schedule.next_after(datetime(2026, 11, 27, 3, 0)) == utc(2026, 11, 27, 3, 30)


@pytest.mark.parametrize(("expression", "period"), [
    ("rate(5 minutes)", timedelta(minutes=5)), ("rate(1 minute)", timedelta(minutes=1)),
    ("rate(1 hour)", timedelta(hours=1)), ("rate(12 hours)", timedelta(hours=12)),
    ("rate(1 day)", timedelta(days=1)), ("rate(2 days)", timedelta(days=2)),
])
def test_rate_fires_every_period_from_its_anchor(expression, period):
    anchor = utc(2026, 11, 27, 10, 0)
    schedule = parse_schedule(expression, anchor=anchor)
    assert schedule.next_after(anchor) == anchor + period
    assert schedule.next_after(anchor + period) == anchor + 2 * period
    assert schedule.next_after(anchor + period / 2) == anchor + period


def test_chalice_schedule_objects_are_accepted():
    assert parse_schedule(Rate(5, unit=Rate.MINUTES)).expression == "rate(5 minutes)"
    assert parse_schedule(Rate(1, unit=Rate.HOURS)).expression == "rate(1 hour)"
    cron = parse_schedule(Cron(0, 6, 1, "*", "?", "*"))
    assert cron.next_after(utc(2026, 11, 25)) == utc(2026, 12, 1, 6, 0)


@pytest.mark.parametrize("expression", [
    "rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "rate(5 weeks)",
    "cron(0 9 * * * *)",        # neither day field is '?'
    "cron(0 9 ? * ? *)",        # both are
    "cron(0 9 * * ?)",          # five fields (Unix cron)
    "cron(0 9 ? * 8 *)",        # AWS days are 1-7
    "cron(0 ? 1 * ? *)",
    "every day",
])
def test_expressions_aws_would_refuse_are_refused(expression):
    with pytest.raises(ValueError):
        parse_schedule(expression)
