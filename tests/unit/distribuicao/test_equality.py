"""The equality rule and how large the overall spread can grow (DIST-02..04)."""

from itertools import product

import pytest
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.equality import (
    CounterDelta,
    Counters,
    candidates,
    class_spread,
    equality_report,
    overall_spread,
    overall_spread_bound,
    select_candidates,
)


def test_dist_02_candidates_are_lowest_in_class_then_lowest_total():
    counters = Counters(
        {"A": {"RE": 1, "PC": 3}, "B": {"RE": 0, "PC": 5}, "C": {"RE": 0, "PC": 2}, "D": {"RE": 0, "PC": 2}}
    )
    assert candidates(counters, ["A", "B", "C", "D"], "RE") == ["C", "D"]
    assert candidates(counters, ["A", "B"], "RE") == ["B"]  # class first, even with a larger total
    assert candidates(counters, ["A", "B", "C", "D"], "HC") == ["C", "D"]  # new class: all tie, lowest total
    assert select_candidates({}) == []


def test_dist_03_compensation_deltas_move_class_and_total():
    counters = Counters().apply([CounterDelta("A", "RE", 1), CounterDelta("A", "PC", 1), CounterDelta("B", "RE", 1)])
    moved = counters.apply([CounterDelta("A", "RE", -1), CounterDelta("C", "RE", 1)])
    assert (moved.count("A", "RE"), moved.total("A")) == (0, 1)
    assert moved.before(["A", "B", "C"], "RE") == {"A": (0, 1), "B": (1, 1), "C": (1, 1)}
    assert class_spread(moved, ["A", "B", "C"], "RE") == 1 and overall_spread(moved, ["A", "B", "C"]) == 0


def test_dist_02_equality_report_flags_what_exceeds_configuration():
    counters = Counters({"A": {"RE": 3, "PC": 1}, "B": {"RE": 1}, "C": {"RE": 2}})
    report = equality_report(counters, ["A", "B", "C"], DistribuicaoConfig(diferenca_max_total=2))
    assert report.per_class == {"PC": 1, "RE": 2}
    assert report.overall == 3
    assert not report.classes_ok and not report.overall_ok
    assert report.problems() == ["classe RE: diferença 2 (máximo 1)", "total: diferença 3 (máximo configurado 2)"]
    assert report.bound_overall == 1


# ---------------------------------------------------------------------------------------------
# Overall spread. A state is normalised per class (each class column keeps only who is one above its
# minimum), which leaves the rule unchanged: adding a constant to a column changes no choice.


def _step(rows, n, c, j):
    rows = [list(r) for r in rows]
    rows[j][c] = 1
    if all(r[c] for r in rows):
        for r in rows:
            r[c] = 0
    return tuple(sorted(tuple(r) for r in rows))  # judges are interchangeable


def _rule_choices(rows, c):
    counts = {str(j): (r[c], sum(r)) for j, r in enumerate(rows)}
    return [int(u) for u in select_candidates(counts)]


def _spread(rows):
    totals = [sum(r) for r in rows]
    return max(totals) - min(totals)


def worst_spread_of_the_rule(n, k):
    """Largest overall spread reachable from zero, any class order, any tie resolution (exhaustive)."""
    start = tuple([(0,) * k] * n)
    seen, stack, worst = {start}, [start], 0
    while stack:
        rows = stack.pop()
        worst = max(worst, _spread(rows))
        for c in range(k):
            for j in _rule_choices(rows, c):
                nxt = _step(rows, n, c, j)
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
    return worst


def best_guarantee_of_any_rule(n, k):
    """Smallest B such that some rule keeping every class within 1 keeps the overall spread ≤ B against any
    class order (safety game solved on the finite state space)."""
    start = tuple([(0,) * k] * n)
    states, stack = {start}, [start]
    moves = {}
    while stack:
        rows = stack.pop()
        moves[rows] = []
        for c in range(k):
            low = min(r[c] for r in rows)
            options = {_step(rows, n, c, j) for j in range(n) if rows[j][c] == low}
            moves[rows].append(options)
            for nxt in options - states:
                states.add(nxt)
                stack.append(nxt)
    for bound in range(k + 1):
        safe = {s for s in states if _spread(s) <= bound}
        changed = True
        while changed:
            changed = False
            for s in list(safe):
                if not all(opts & safe for opts in moves[s]):
                    safe.discard(s)
                    changed = True
        if start in safe:
            return bound
    return k


@pytest.mark.parametrize(
    "n,k", [(2, 1), (2, 2), (2, 3), (2, 4), (2, 5), (3, 3), (3, 4), (3, 5), (4, 3), (4, 4), (6, 2), (6, 3)]
)
def test_dist_02_overall_spread_of_the_rule_never_exceeds_half_the_classes(n, k):
    """Exhaustive: with every class kept within 1, the rule's overall spread reaches exactly ⌈k/2⌉."""
    assert worst_spread_of_the_rule(n, k) == overall_spread_bound(k) == (k + 1) // 2


@pytest.mark.parametrize("n,k", [(2, 3), (2, 4), (3, 3), (3, 4)])
def test_dist_02_no_rule_can_guarantee_a_smaller_overall_spread(n, k):
    """Strict per-class equality makes overall spread 1 impossible: the best guarantee is also ⌈k/2⌉."""
    assert best_guarantee_of_any_rule(n, k) == (k + 1) // 2


def test_dist_02_the_search_sees_a_bad_rule():
    """The exhaustive check can fail: picking the highest total among class ties does worse."""

    def bad_worst(n, k):
        start = tuple([(0,) * k] * n)
        seen, stack, worst = {start}, [start], 0
        while stack:
            rows = stack.pop()
            worst = max(worst, _spread(rows))
            for c in range(k):
                low = min(r[c] for r in rows)
                tied = [j for j in range(n) if rows[j][c] == low]
                high = max(sum(rows[j]) for j in tied)
                for j in (j for j in tied if sum(rows[j]) == high):
                    nxt = _step(rows, n, c, j)
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
        return worst

    assert bad_worst(3, 4) > (4 + 1) // 2


def test_dist_02_normalisation_does_not_change_the_rule():
    for a, b, c in product(range(3), repeat=3):
        counts = {"A": (a, a + 5), "B": (b, b + 2), "C": (c, c + 1)}
        shifted = {u: (x + 7, t + 7) for u, (x, t) in counts.items()}
        assert select_candidates(counts) == select_candidates(shifted)
