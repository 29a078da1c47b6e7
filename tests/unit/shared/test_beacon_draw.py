"""The draw from the day's seed and a future beacon round, and the insider test (DIST-11).

The insider has what an operator, a DBA or a leaked credential gives at the moment of each registration:
the day's seed, the code, the configuration, the log (its id, the case number, the seq, the candidates)
and every beacon round published so far. Over 1,000 registrations the insider's predictions of the
winner must agree with the draw no more often than chance: the count of agreements must lie in the
interval that Binomial(1000, 1/n) puts 1 − 10⁻⁶ of its mass in (computed exactly below). Against today's
design (the seed alone) the same insider predicts every draw.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from functools import cache
from math import comb

import pytest
from chalicelib.distribuicao.domain.randomness import derive_value, pick_index
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.beacon import BeaconError, choose, draw_value
from courtlib.beacon.local import LocalBeacon

REGISTRATIONS = 1000
TAIL = 1e-6  # the chance that an honest draw falls outside the interval and fails this test
START = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)
SPACING = timedelta(seconds=1.7)  # a busy órgão: sometimes two registrations share a round
LOG = "TRE-MT:PLENO"


def binomial_interval(trials: int, p: float, tail: float) -> tuple[int, int]:
    """The smallest [lo, hi] with P(K < lo) ≤ tail/2 and P(K > hi) ≤ tail/2, K ~ Binomial(trials, p), exactly."""
    pmf = [comb(trials, k) * p**k * (1 - p) ** (trials - k) for k in range(trials + 1)]
    lo, below = 0, 0.0
    while below + pmf[lo] <= tail / 2:
        below += pmf[lo]
        lo += 1
    hi, above = trials, 0.0
    while above + pmf[hi] <= tail / 2:
        above += pmf[hi]
        hi -= 1
    return lo, hi


@cache
def beacon_rounds() -> tuple[LocalBeacon, dict[int, bytes]]:
    """The local beacon's randomness for every round the registrations touch (and the one before)."""
    end = START + SPACING * REGISTRATIONS + timedelta(minutes=1)
    beacon = LocalBeacon(now=lambda: end)
    first = beacon.info.round_at(START)
    last = beacon.info.first_round_after(START + SPACING * REGISTRATIONS)
    return beacon, {n: beacon.round(n).randomness for n in range(first, last + 1)}


def case_digits(i: int) -> str:
    return f"{i:07d}{i % 100:02d}20266270001"[:20].ljust(20, "0")


def today_value(seed: bytes, seq: int, digits: str) -> bytes:
    """Today's derivation as the insider rewrites it from the published formula: the seed alone."""
    return hmac.new(seed, f"{LOG}|{digits}|{seq}".encode(), hashlib.sha256).digest()


def play(seed: bytes, n: int) -> dict[str, int]:
    """1,000 registrations; how often each insider strategy names the winner."""
    beacon, randomness = beacon_rounds()
    hits = {"today_design": 0, "seed_only_guess": 0, "latest_published_round": 0}
    for i in range(REGISTRATIONS):
        seq, digits = i + 1, case_digits(i)
        committed = START + SPACING * i
        deciding = beacon.info.first_round_after(committed)
        known = beacon.info.round_at(committed)  # what the insider can read from the relays at the commit
        assert deciding > known
        winner = choose(seed, randomness[deciding], LOG, digits, seq, n)
        prediction = int.from_bytes(today_value(seed, seq, digits), "big") % n  # from the published formula
        todays_winner = pick_index(derive_value(seed, LOG, digits, seq), n)  # the service's draw today
        hits["today_design"] += prediction == todays_winner
        hits["seed_only_guess"] += prediction == winner
        hits["latest_published_round"] += choose(seed, randomness[known], LOG, digits, seq, n) == winner
    return hits


@pytest.mark.parametrize("n", [2, 5])
def test_the_insider_predicts_no_better_than_chance_and_predicts_every_draw_of_todays_design(n):
    """DIST-11: with the future round in the draw, agreement stays within chance; without it, it is total."""
    hits = play(hashlib.sha256(b"the day's seed").digest(), n)
    lo, hi = binomial_interval(REGISTRATIONS, 1 / n, TAIL)
    assert lo <= hits["seed_only_guess"] <= hi, (hits, (lo, hi))
    assert lo <= hits["latest_published_round"] <= hi, (hits, (lo, hi))
    assert hits["today_design"] == REGISTRATIONS


@settings(max_examples=5, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), n=st.integers(min_value=2, max_value=9))
def test_for_any_seed_and_number_of_candidates_the_insider_stays_at_chance(seed, n):
    """DIST-11 (property): whatever the seed and n, 1,000 predictions without the round agree ≈ 1/n."""
    hits = play(seed, n)
    lo, hi = binomial_interval(REGISTRATIONS, 1 / n, TAIL)
    assert lo <= hits["seed_only_guess"] <= hi
    assert lo <= hits["latest_published_round"] <= hi


def test_the_interval_is_the_binomials():
    lo, hi = binomial_interval(1000, 0.5, 1e-6)
    assert 400 < lo < 500 < hi < 600 and lo + hi == 1000  # symmetric for p = 1/2
    assert binomial_interval(1000, 0.2, 1e-6)[0] < 200 < binomial_interval(1000, 0.2, 1e-6)[1]


def test_the_value_is_the_hmac_of_the_seed_over_todays_message_and_the_round():
    """DIST-11: the documented formula, so the verifier can redo it with the standard library."""
    seed, randomness = bytes(range(32)), bytes(range(32, 64))
    digits = "00012345620268110001"
    expected = hmac.new(seed, f"{LOG}|{digits}|7|{randomness.hex()}".encode(), hashlib.sha256).digest()
    assert draw_value(seed, randomness, LOG, digits, 7) == expected
    assert choose(seed, randomness, LOG, digits, 7, 3) == int.from_bytes(expected, "big") % 3


def test_the_round_changes_the_value_and_the_seed_does_too():
    seed, digits = bytes(32), "0" * 20
    values = {draw_value(s, r, LOG, digits, 1) for s in (bytes(32), b"\x01" * 32) for r in (bytes(32), b"\x02" * 32)}
    assert len(values) == 4
    assert draw_value(seed, bytes(32), LOG, digits, 1) != today_value(seed, 1, digits)


@pytest.mark.parametrize(("log", "digits", "seq", "randomness", "n"), [
    ("", "0" * 20, 1, bytes(32), 2),
    ("a|b", "0" * 20, 1, bytes(32), 2),
    (LOG, "0" * 19, 1, bytes(32), 2),
    (LOG, "٠" * 20, 1, bytes(32), 2),
    (LOG, "0" * 20, 0, bytes(32), 2),
    (LOG, "0" * 20, 1, bytes(31), 2),
    (LOG, "0" * 20, 1, bytes(32), 0),
])
def test_malformed_draw_inputs_are_refused(log, digits, seq, randomness, n):
    with pytest.raises(BeaconError):
        choose(bytes(32), randomness, log, digits, seq, n)
