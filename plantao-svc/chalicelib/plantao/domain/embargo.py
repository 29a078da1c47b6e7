"""The publication embargo (PLAN-03, CNJ Res. 152/2012): the public learns who serves a plantão only from
``embargo_publicacao_dias`` (5) days before it. A security property, decided here from the clock alone:
whether a shift is disclosed depends on its day and today, never on who serves it.
"""

from __future__ import annotations

from datetime import date, timedelta


def disclosure_day(plantao_day: date, embargo_days: int) -> date:
    """The first day on which the public may see who serves on ``plantao_day`` (D − 5)."""
    return plantao_day - timedelta(days=embargo_days)


def disclosed(plantao_day: date, today: date, embargo_days: int) -> bool:
    """PLAN-03: True from D − ``embargo_days`` on (at D − 5 yes, at D − 6 no)."""
    return today >= disclosure_day(plantao_day, embargo_days)


def fully_disclosed(days: list[date], today: date, embargo_days: int) -> bool:
    """Whether every shift of a document (a portaria lists a whole month) is already public."""
    return all(disclosed(d, today, embargo_days) for d in days)


# Those who prepare (admin) and approve (presidência) a scale see every name before D − 5 (PLAN-03).
PREPARERS: frozenset[str] = frozenset({"presidencia", "admin"})


def sees_names(plantao_day: date, magistrado: str, today: date, embargo_days: int, *,
               viewer: str | None, groups: frozenset[str]) -> bool:
    """PLAN-03 for staff: a shift's names are seen by those who prepare and approve the scale, by the magistrate on
    duty about his own shift, and by everyone else only from D − 5 (the public view)."""
    return bool(groups & PREPARERS) or (viewer is not None and viewer == magistrado) \
        or disclosed(plantao_day, today, embargo_days)
