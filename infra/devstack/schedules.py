"""EventBridge schedule expressions: ``rate(...)`` and AWS's six-field ``cron(...)``, evaluated in UTC.

AWS cron is ``minutes hours day-of-month month day-of-week year``, with ``?`` in one of the two day
fields, day-of-week 1-7 = SUN-SAT (or SUN..SAT), ``L``, ``W`` and ``#``. croniter numbers the
week from 0 = SUN, so day-of-week numbers are shifted; the rest maps onto croniter's 7-field form
(``… second year``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


class Schedule(Protocol):
    expression: str

    def next_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after ``after`` (UTC), or None if it never fires again."""


@dataclass(frozen=True)
class RateSchedule:
    """``rate(N unit)``: every N units, counted from ``anchor`` (when the rule was created)."""

    expression: str
    period: timedelta
    anchor: datetime | None = None

    def next_after(self, after: datetime) -> datetime:
        after = _utc(after)
        if self.anchor is None:
            return after + self.period
        anchor = _utc(self.anchor)
        if after < anchor:
            return anchor + self.period
        periods = (after - anchor) // self.period + 1
        return anchor + periods * self.period


@dataclass(frozen=True)
class CronSchedule:
    expression: str
    croniter_expression: str

    def next_after(self, after: datetime) -> datetime | None:
        from croniter import CroniterBadDateError, croniter

        try:
            return croniter(self.croniter_expression, _utc(after)).get_next(datetime).astimezone(UTC)
        except CroniterBadDateError:
            return None


def parse_schedule(expression: Any, anchor: datetime | None = None) -> RateSchedule | CronSchedule:
    """A schedule from an EventBridge expression (or chalice's ``Rate``/``Cron`` objects). Raises ValueError."""
    text = expression.to_string() if hasattr(expression, "to_string") else str(expression)
    text = text.strip()
    rate = _RATE.match(text)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value <= 0:
            raise ValueError(f"{text}: the value must be a positive integer")
        if (value == 1) != (not unit.endswith("s")):
            raise ValueError(f"{text}: EventBridge wants the singular unit for 1 and the plural otherwise")
        return RateSchedule(text, value * _UNITS[unit.rstrip("s")], anchor)
    cron = _CRON.match(text)
    if cron:
        return CronSchedule(text, aws_cron_to_croniter(cron.group(1)))
    raise ValueError(f"not a schedule expression: {text!r}")


def aws_cron_to_croniter(fields_text: str) -> str:
    """``0 12 ? * MON-FRI *`` → croniter's ``0 12 * * MON-FRI 0 *`` (minute hour dom month dow second year)."""
    from croniter import croniter

    fields = fields_text.split()
    if len(fields) != 6:
        raise ValueError(f"cron({fields_text}): AWS cron has 6 fields (minutes hours day-of-month month "
                         "day-of-week year)")
    minutes, hours, day_of_month, month, day_of_week, year = fields
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ValueError(f"cron({fields_text}): exactly one of day-of-month and day-of-week must be '?'")
    if "?" in (minutes, hours, month, year):
        raise ValueError(f"cron({fields_text}): '?' is only allowed in the day fields")
    day_of_month = "*" if day_of_month == "?" else day_of_month.upper()
    day_of_week = "*" if day_of_week == "?" else _day_of_week(day_of_week)
    expression = f"{minutes} {hours} {day_of_month} {month} {day_of_week} 0 {year}"
    if not croniter.is_valid(expression):
        raise ValueError(f"cron({fields_text}): not supported locally (croniter: {expression})")
    return expression


def _day_of_week(field: str) -> str:
    return ",".join(_day_of_week_item(item) for item in field.upper().split(","))


def _shift(token: str) -> str:
    """AWS day number (1 = SUN … 7 = SAT) → croniter's (0 = SUN … 6 = SAT); names are left alone."""
    if token.isdigit():
        number = int(token)
        if not 1 <= number <= 7:
            raise ValueError(f"day-of-week {token}: AWS numbers days 1 (SUN) to 7 (SAT)")
        return str(number - 1)
    return token


def _day_of_week_item(item: str) -> str:
    if item == "*":
        return item
    if item == "L":  # the last day of the week: Saturday
        return "6"
    if "#" in item:  # nth weekday of the month
        day, nth = item.split("#", 1)
        return f"{_shift(day)}#{nth}"
    if item.endswith("L"):  # last <weekday> of the month
        return f"L{_shift(item[:-1])}"
    base, _, step = item.partition("/")
    start, _, end = base.partition("-")
    shifted = _shift(start) + (f"-{_shift(end)}" if end else "")
    return shifted + (f"/{step}" if step else "")


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
