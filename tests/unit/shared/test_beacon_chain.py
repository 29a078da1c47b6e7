"""Which round a moment falls in, and the round that decides a case committed at a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courtlib.beacon import QUICKNET, ChainInfo, Round
from courtlib.beacon.errors import BeaconError

GENESIS = datetime.fromtimestamp(QUICKNET.genesis, UTC)
moments = st.datetimes(min_value=datetime(2023, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


def test_round_one_is_published_at_genesis_and_every_period_after():
    assert QUICKNET.round_time(1) == GENESIS
    assert QUICKNET.round_time(4) == GENESIS + timedelta(seconds=9)
    assert QUICKNET.round_at(GENESIS) == 1
    assert QUICKNET.round_at(GENESIS + timedelta(seconds=2.999)) == 1
    assert QUICKNET.round_at(GENESIS + timedelta(seconds=3)) == 2
    assert QUICKNET.round_at(GENESIS - timedelta(microseconds=1)) == 0


def test_a_case_committed_exactly_at_a_rounds_time_is_decided_by_the_next_one():
    """DIST-11: the round must be published strictly after the commit, so that no one knew it then."""
    assert QUICKNET.first_round_after(QUICKNET.round_time(100)) == 101
    assert QUICKNET.first_round_after(QUICKNET.round_time(100) - timedelta(microseconds=1)) == 100
    assert QUICKNET.first_round_after(GENESIS - timedelta(days=1)) == 1


@given(moments)
def test_the_deciding_round_is_the_first_published_strictly_after_the_commit(instant):
    """DIST-11."""
    number = QUICKNET.first_round_after(instant)
    assert QUICKNET.round_time(number) > instant
    assert number == 1 or QUICKNET.round_time(number - 1) <= instant


@given(moments)
def test_round_at_is_the_latest_published(instant):
    if instant < GENESIS:
        assert QUICKNET.round_at(instant) == 0
        return
    number = QUICKNET.round_at(instant)
    assert QUICKNET.round_time(number) <= instant < QUICKNET.round_time(number + 1)


def test_a_moment_in_another_time_zone_is_the_same_instant():
    brt = timezone(timedelta(hours=-3))
    moment = datetime(2026, 12, 4, 15, 0, 0, tzinfo=brt)
    assert QUICKNET.round_at(moment) == QUICKNET.round_at(moment.astimezone(UTC))


def test_a_naive_moment_and_round_zero_are_refused():
    with pytest.raises(BeaconError, match="fuso"):
        QUICKNET.round_at(datetime(2026, 1, 1))
    with pytest.raises(BeaconError):
        QUICKNET.round_time(0)


@pytest.mark.parametrize("body", [
    {},
    {"round": 0, "signature": "00" * 48, "randomness": "00" * 32},
    {"round": True, "signature": "00" * 48, "randomness": "00" * 32},
    {"round": 3, "signature": "zz" * 48, "randomness": "00" * 32},
    {"round": 3, "signature": "00" * 47, "randomness": "00" * 32},
    {"round": 3, "signature": "00" * 48},
    {"round": "3", "signature": "00" * 48, "randomness": "00" * 32},
])
def test_a_malformed_round_document_is_refused(body):
    with pytest.raises(BeaconError):
        Round.from_json(QUICKNET.hash, body)


def test_a_round_round_trips_through_drands_document():
    body = {"round": 7, "randomness": "ab" * 32, "signature": "cd" * 48}
    assert Round.from_json(QUICKNET.hash, body).to_json() == body


def test_the_chain_info_reads_drands_v2_document_too():
    v1 = QUICKNET.to_json()
    v2 = {"public_key": v1["public_key"], "period": 3, "genesis_time": v1["genesis_time"],
          "genesis_seed": v1["groupHash"], "chain_hash": v1["hash"], "scheme": v1["schemeID"], "beacon_id": "quicknet"}
    assert ChainInfo.from_json(v2) == QUICKNET == ChainInfo.from_json(v1)


def test_an_unsupported_scheme_is_refused():
    with pytest.raises(BeaconError, match="esquema"):
        ChainInfo.from_json(dict(QUICKNET.to_json(), schemeID="pedersen-bls-chained"))
