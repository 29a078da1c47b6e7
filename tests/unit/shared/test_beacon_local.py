"""The local stack's beacon: drand's scheme with its own demo key and chain hash, a round per period by the
one clock, never a round before its time; its relay API answered in-process."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from courtlib.beacon import QUICKNET, NotYetPublished, verify
from courtlib.beacon.client import RelayClient, RelayConfig
from courtlib.beacon.local import DEFAULT_GENESIS, LOCAL_BEACON_ID, LocalBeacon
from courtlib.beacon.server import LocalTransport, answer
from courtlib.clock import SettableClock

START = datetime(2026, 12, 4, 18, 0, 1, tzinfo=UTC)


@pytest.fixture
def clock():
    return SettableClock(START, frozen=True)


@pytest.fixture
def beacon(clock):
    return LocalBeacon(now=clock.now)


def test_its_rounds_verify_under_its_own_chain_and_not_under_quicknets(beacon):
    round_ = beacon.latest()
    assert verify(round_, beacon.info)
    assert not verify(round_, QUICKNET)
    assert beacon.info.hash != QUICKNET.hash and beacon.info.public_key != QUICKNET.public_key


def test_its_chain_says_what_it_is_and_its_hash_is_computed_like_drands(beacon):
    assert beacon.info.beacon_id == LOCAL_BEACON_ID
    assert "nao-e-league-of-entropy" in beacon.info.to_json()["metadata"]["beaconID"]
    assert beacon.info.computed_hash() == beacon.info.hash
    assert beacon.info.genesis == DEFAULT_GENESIS and beacon.info.scheme == QUICKNET.scheme


def test_a_round_is_published_every_period_by_the_clock_and_never_before(beacon, clock):
    now = beacon.current_number()
    assert beacon.info.round_time(now) <= clock.now() < beacon.info.round_time(now + 1)
    with pytest.raises(NotYetPublished):
        beacon.round(now + 1)
    clock.advance(timedelta(seconds=beacon.info.period))
    assert verify(beacon.round(now + 1), beacon.info)


def test_rounds_are_deterministic_so_nothing_needs_storing(clock):
    a, b = LocalBeacon(now=clock.now), LocalBeacon(now=clock.now)
    assert a.round(1000) == b.round(1000)
    assert a.round(1000) != a.round(1001)


def test_another_key_makes_another_chain(clock):
    mine, theirs = LocalBeacon(now=clock.now), LocalBeacon(secret=12345, now=clock.now)
    assert mine.info.hash != theirs.info.hash
    assert not verify(theirs.round(10), mine.info)


def test_the_relay_api_routes(beacon):
    info_status, info = answer(beacon, "/info")
    assert info_status == 200 and info["hash"] == beacon.info.hash_hex
    assert answer(beacon, f"/{beacon.info.hash_hex}/info") == (200, info)
    status, latest = answer(beacon, "/public/latest")
    assert status == 200 and latest["round"] == beacon.current_number()
    assert answer(beacon, f"/{beacon.info.hash_hex}/public/{latest['round']}") == (200, latest)
    assert answer(beacon, f"/{beacon.info.hash_hex}/public/{latest['round'] + 1}")[0] == 425
    assert answer(beacon, f"/{QUICKNET.hash_hex}/public/1")[0] == 404
    assert answer(beacon, "/../etc/passwd")[0] == 404


def test_the_relay_client_reads_the_local_beacon_in_process_and_waits_for_the_next_round(beacon, clock):
    pauses: list[float] = []

    def sleep(seconds):
        pauses.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    relay = RelayClient(beacon.info, RelayConfig(("http://farol.local",)), transport=LocalTransport(beacon),
                        sleep=sleep, now=clock.now)
    committed = clock.now()
    deciding = beacon.info.first_round_after(committed)
    round_ = relay.fetch(deciding)
    assert round_.number == deciding and verify(round_, beacon.info)
    assert beacon.info.round_time(deciding) > committed
    assert 0 < sum(pauses) <= beacon.info.period


def test_the_info_document_is_json(beacon):
    assert json.loads(LocalTransport(beacon).get("http://x/info", 1).body)["schemeID"] == "bls-unchained-g1-rfc9380"
