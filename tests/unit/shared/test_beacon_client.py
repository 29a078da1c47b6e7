"""The relay client: failover, verification before returning, waiting for a round, one retry — on a fake
transport (no network in unit tests)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest

from courtlib.beacon import QUICKNET, BeaconUnavailable, Round
from courtlib.beacon.client import RelayClient, RelayConfig, Response
from courtlib.beacon.errors import BeaconError

DATA = json.loads((Path(__file__).parents[2] / "data" / "drand" / "quicknet.json").read_text())
GOOD = {r["round"]: r for r in DATA["rounds"]}
ROUND = 30662990
LATER = QUICKNET.round_time(ROUND) + timedelta(hours=1)  # the round is long published


class FakeRelays:
    """url prefix → behaviour: a dict body, an int status, or an exception to raise; records every call."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.calls: list[str] = []

    def get(self, url, timeout_s):
        self.calls.append(url)
        base = next(b for b in self.behaviour if url.startswith(b))
        result = self.behaviour[base]
        if callable(result):
            result = result(url)
        if isinstance(result, Exception):
            raise result
        if isinstance(result, int):
            return Response(result, b'{"erro": "x"}')
        return Response(200, json.dumps(result).encode())


def client(relays, *, attempts=3, max_wait_s=10.0, now=LATER, sleeps=None):
    config = RelayConfig(tuple(relays.behaviour), timeout_s=0.5, attempts=attempts, max_wait_s=max_wait_s)
    pauses = sleeps if sleeps is not None else []
    return RelayClient(QUICKNET, config, transport=relays, sleep=pauses.append, now=lambda: now)


def forged(number):
    body = dict(GOOD[number])
    body["signature"] = GOOD[30662992]["signature"]  # a real signature, of another round
    body["randomness"] = hashlib.sha256(bytes.fromhex(body["signature"])).hexdigest()
    return body


def test_a_verified_round_comes_from_the_first_relay_and_the_url_names_the_chain():
    relays = FakeRelays({"https://a": GOOD[ROUND], "https://b": GOOD[ROUND]})
    got = client(relays).fetch(ROUND)
    assert got == Round.from_json(QUICKNET.hash, GOOD[ROUND])
    assert relays.calls == [f"https://a/{QUICKNET.hash_hex}/public/{ROUND}"]


@pytest.mark.parametrize("failure", [OSError("timeout"), 500, 404, {"round": ROUND}, "forged", "other-round"])
def test_a_failing_or_lying_relay_is_passed_over_for_the_next(failure):
    if failure == "forged":
        failure = forged(ROUND)
    elif failure == "other-round":
        failure = GOOD[30662992]
    relays = FakeRelays({"https://a": failure, "https://b": GOOD[ROUND]})
    assert client(relays).fetch(ROUND).number == ROUND
    assert [c.split("/")[2] for c in relays.calls] == ["a", "b"]


def test_when_every_relay_fails_every_attempt_the_beacon_is_unavailable_and_nothing_unverified_is_returned():
    relays = FakeRelays({"https://a": forged(ROUND), "https://b": OSError("down")})
    pauses: list[float] = []
    with pytest.raises(BeaconUnavailable, match="assinatura inválida"):
        client(relays, attempts=3, sleeps=pauses).fetch(ROUND)
    assert len(relays.calls) == 6  # 3 attempts × 2 relays
    assert len(pauses) == 2 and all(0 <= p <= QUICKNET.period for p in pauses)


def test_a_relay_that_recovers_is_used_on_the_next_attempt():
    answers = iter([OSError("down"), GOOD[ROUND]])
    relays = FakeRelays({"https://a": lambda url: next(answers)})
    assert client(relays).fetch(ROUND).number == ROUND
    assert len(relays.calls) == 2


def test_a_round_due_soon_is_waited_for_until_its_publication_time():
    before = QUICKNET.round_time(ROUND) - timedelta(seconds=2)
    pauses: list[float] = []
    relays = FakeRelays({"https://a": GOOD[ROUND]})
    assert client(relays, now=before, sleeps=pauses).fetch(ROUND).number == ROUND
    assert pauses == [2.0]


def test_a_round_due_after_the_longest_wait_is_refused_at_once():
    before = QUICKNET.round_time(ROUND) - timedelta(seconds=60)
    relays = FakeRelays({"https://a": GOOD[ROUND]})
    with pytest.raises(BeaconUnavailable, match="só será publicada"):
        client(relays, now=before).fetch(ROUND)
    assert relays.calls == []


def test_latest_is_verified_too():
    relays = FakeRelays({"https://a": forged(30663002), "https://b": GOOD[30663002]})
    assert client(relays).latest().number == 30663002
    assert relays.calls[0].endswith("/public/latest")


def test_the_configuration_needs_relays_and_positive_limits():
    with pytest.raises(BeaconError):
        RelayConfig(())
    with pytest.raises(BeaconError):
        RelayConfig(("https://a",), timeout_s=0)
    relays = FakeRelays({"https://a": GOOD[ROUND]})
    with pytest.raises(BeaconError):
        client(relays).fetch(0)


def test_a_round_of_another_chain_under_this_chains_url_is_refused():
    other = DATA["other_chains"][0]["rounds"][0]
    relays = FakeRelays({"https://a": other})
    with pytest.raises(BeaconUnavailable):
        client(relays, attempts=1).fetch(other["round"])
