"""The benchmark's pure statistics helpers (bench.stats)."""

import math

import pytest

from bench.stats import OK, OVER_GOAL, Summary, figure, format_ratio, median, percentile, ratio, verdict


def test_percentile_interpolates_linearly_between_closest_ranks():
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == pytest.approx(25.0)  # rank 1.5
    assert percentile(values, 99) == pytest.approx(39.7)  # rank 2.97: 30 + 0.97 * 10


def test_percentile_ignores_input_order_and_does_not_mutate_it():
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 25) == pytest.approx(17.5)
    assert values == [40.0, 10.0, 30.0, 20.0]


def test_percentile_of_one_value_is_that_value():
    assert percentile([7.5], 0) == 7.5
    assert percentile([7.5], 99) == 7.5


def test_percentile_matches_numpy_linear_definition_on_a_known_case():
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 99) == pytest.approx(99.01)
    assert percentile(values, 90) == pytest.approx(90.1)


@pytest.mark.parametrize("p", [-0.1, 100.1, math.nan])
def test_percentile_rejects_p_outside_0_100(p):
    with pytest.raises(ValueError):
        percentile([1.0, 2.0], p)


def test_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_median_of_odd_and_even_counts():
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert median([4.0, 1.0, 3.0, 2.0]) == pytest.approx(2.5)


def test_ratio_and_its_formatting():
    assert ratio(9.0, 3.0) == pytest.approx(3.0)
    assert format_ratio(1.0) == "1.00×"
    assert format_ratio(1.4449) == "1.44×"


@pytest.mark.parametrize("base", [0.0, -1.0])
def test_ratio_needs_a_positive_base(base):
    with pytest.raises(ValueError):
        ratio(1.0, base)


def test_verdict_goal_is_inclusive():
    assert verdict(1.1, 1.1) == OK
    assert verdict(1.0999, 1.1) == OK
    assert verdict(1.1001, 1.1) == OVER_GOAL
    assert OVER_GOAL == "ACIMA DA META"


def test_summary_of_series_gives_p50_and_p99():
    summary = Summary.of([float(v) for v in range(1, 101)])
    assert summary.n == 100
    assert summary.p50 == pytest.approx(50.5)
    assert summary.p99 == pytest.approx(99.01)


def test_figure_line_shows_ms_ratio_goal_and_verdict():
    line = figure("p50", 12.0, 4.0, 3.0, width=4)
    assert "12.00 ms" in line
    assert "3.00×" in line
    assert "meta ≤3.00×" in line
    assert line.endswith(OK)
    assert figure("p50", 12.1, 4.0, 3.0).endswith(OVER_GOAL)
