"""Pure statistics and formatting of the benchmark figures (no I/O, unit-tested)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

OK = "OK"
OVER_GOAL = "ACIMA DA META"


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (0..100) with linear interpolation between closest ranks.

    Same definition as numpy's default: rank ``p/100 * (n - 1)`` in the sorted values.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 <= p <= 100.0 or math.isnan(p):
        raise ValueError(f"percentile must be within 0..100, got {p}")
    ordered = sorted(values)
    rank = p / 100.0 * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def ratio(value: float, base: float) -> float:
    """``value / base``; the base is a time measured in the same run, so it must be positive."""
    if base <= 0:
        raise ValueError(f"the base of a ratio must be positive, got {base}")
    return value / base


def format_ratio(value: float) -> str:
    return f"{value:.2f}×"


def verdict(value: float, goal: float) -> str:
    """``OK`` when the ratio is within the goal (≤), else ``ACIMA DA META``."""
    return OK if value <= goal else OVER_GOAL


@dataclass(frozen=True)
class Summary:
    """p50/p99 (ms) of a series of timings."""

    n: int
    p50: float
    p99: float

    @classmethod
    def of(cls, samples_ms: Sequence[float]) -> Summary:
        return cls(n=len(samples_ms), p50=percentile(samples_ms, 50.0), p99=percentile(samples_ms, 99.0))


def figure(label: str, value_ms: float, base_ms: float, goal: float, width: int = 34, *,
           name: str | None = None) -> str:
    """One printed figure: absolute ms, ratio to the base, goal and verdict; with ``name``, the goal also goes to
    the closing table (bench.goals)."""
    r = ratio(value_ms, base_ms)
    if name is not None:
        from bench import goals
        goals.at_most(name, r, goal)
    return (f"{label:<{width}} {value_ms:8.2f} ms  {format_ratio(r):>8}  "
            f"meta ≤{format_ratio(goal):<7} {verdict(r, goal)}")

