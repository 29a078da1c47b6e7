"""Effective counts and the selection rule of the draw (DIST-02..04).

Effective count of a unit (seat or zone) in a class = cases drawn + assigned by prevention + compensations
(a unit that loses a case by redistribution gets −1, so it is owed one; the unit that receives it gets +1).

The rule (the verifier re-implements it, ``scripts/verify_draws.py``): among the eligible units, keep
those with the lowest count in the case's class; among them, those with the lowest total over all
classes; the draw picks uniformly among what remains (sorted by id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.distribuicao.config import DistribuicaoConfig


@dataclass(frozen=True)
class CounterDelta:
    """A change to persist: ``unit``'s count in ``classe`` moves by ``delta`` (and its total with it)."""

    unit: str
    classe: str
    delta: int

    def to_dict(self) -> dict[str, object]:
        return {"unidade": self.unit, "classe": self.classe, "delta": self.delta}


class Counters:
    """Immutable effective counts: unit → class → count (absent = 0)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Mapping[str, int]] | None = None) -> None:
        self._data: dict[str, dict[str, int]] = {
            unit: {c: int(n) for c, n in by_class.items() if n} for unit, by_class in (data or {}).items()
        }

    def count(self, unit: str, classe: str) -> int:
        return self._data.get(unit, {}).get(classe, 0)

    def total(self, unit: str) -> int:
        return sum(self._data.get(unit, {}).values())

    def classes(self) -> set[str]:
        return {c for by_class in self._data.values() for c in by_class}

    def apply(self, deltas: Iterable[CounterDelta]) -> Counters:
        data = {unit: dict(by_class) for unit, by_class in self._data.items()}
        for d in deltas:
            by_class = data.setdefault(d.unit, {})
            by_class[d.classe] = by_class.get(d.classe, 0) + d.delta
        return Counters(data)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {unit: dict(sorted(by_class.items())) for unit, by_class in sorted(self._data.items()) if by_class}

    def before(self, units: Iterable[str], classe: str) -> dict[str, tuple[int, int]]:
        """(class count, total) of each unit — the "counts before" a draw records."""
        return {u: (self.count(u, classe), self.total(u)) for u in sorted(set(units))}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counters) and self.as_dict() == other.as_dict()

    def __hash__(self) -> int:  # pragma: no cover - value object
        return hash(repr(self.as_dict()))

    def __repr__(self) -> str:
        return f"Counters({self.as_dict()!r})"


def select_candidates(counts_before: Mapping[str, tuple[int, int]]) -> list[str]:
    """The rule on the recorded data: lowest class count, then lowest total; sorted by unit id."""
    if not counts_before:
        return []
    low_class = min(c for c, _ in counts_before.values())
    tied = {u: t for u, (c, t) in counts_before.items() if c == low_class}
    low_total = min(tied.values())
    return sorted(u for u, t in tied.items() if t == low_total)


def candidates(counters: Counters, eligible: Iterable[str], classe: str) -> list[str]:
    return select_candidates(counters.before(eligible, classe))


def class_spread(counters: Counters, units: Iterable[str], classe: str) -> int:
    """Largest minus smallest count in ``classe`` among ``units`` (0 for fewer than two units)."""
    values = [counters.count(u, classe) for u in set(units)]
    return max(values) - min(values) if values else 0


def overall_spread(counters: Counters, units: Iterable[str]) -> int:
    """Largest minus smallest total among ``units``."""
    values = [counters.total(u) for u in set(units)]
    return max(values) - min(values) if values else 0


def overall_spread_bound(classes_in_use: int) -> int:
    """⌈k/2⌉ for k classes in use: the worst overall spread this rule reaches when every class is kept
    within 1, and also the best any rule can guarantee against an adversarial order of classes
    (exhaustive search for small órgãos; see the tests and the service README)."""
    return max(1, (classes_in_use + 1) // 2) if classes_in_use else 0


@dataclass(frozen=True)
class EqualityReport:
    """Spreads among ``units`` (the ones eligible throughout the period being audited)."""

    per_class: dict[str, int]
    overall: int
    max_per_class: int
    max_overall: int
    bound_overall: int

    @property
    def classes_ok(self) -> bool:
        return all(spread <= self.max_per_class for spread in self.per_class.values())

    @property
    def overall_ok(self) -> bool:
        return self.overall <= self.max_overall

    def problems(self) -> list[str]:
        out = [
            f"classe {c}: diferença {s} (máximo {self.max_per_class})"
            for c, s in sorted(self.per_class.items())
            if s > self.max_per_class
        ]
        if not self.overall_ok:
            out.append(f"total: diferença {self.overall} (máximo configurado {self.max_overall})")
        return out


def equality_report(counters: Counters, units: Iterable[str],
                    config: DistribuicaoConfig | None = None) -> EqualityReport:
    units = sorted(set(units))
    classes = sorted(counters.classes())
    per_class = {c: class_spread(counters, units, c) for c in classes}
    in_use = sum(1 for c in classes if any(counters.count(u, c) for u in units))
    return EqualityReport(
        per_class=per_class,
        overall=overall_spread(counters, units),
        max_per_class=1 if config is None else config.diferenca_max_por_classe,
        max_overall=2 if config is None else config.diferenca_max_total,
        bound_overall=overall_spread_bound(in_use),
    )
