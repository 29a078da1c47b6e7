"""The beacon's configuration: quicknet and drand's relays by default, a chain checked against its own
hash, limits that make sense; a relay client and the local beacon both serve as a draw's round source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from courtlib.beacon import QUICKNET
from courtlib.beacon.client import RelayClient
from courtlib.beacon.config import DEFAULT_RELAYS, BeaconConfig, RoundSource
from courtlib.beacon.local import LocalBeacon
from courtlib.beacon.server import LocalTransport

DATA = json.loads((Path(__file__).parents[2] / "data" / "drand" / "quicknet.json").read_text())


def test_the_defaults_are_quicknet_and_drands_public_relays():
    config = BeaconConfig()
    assert config.chain() == QUICKNET
    assert config.relays == DEFAULT_RELAYS and len(config.relays) >= 2
    client = config.client()
    assert client.config.urls == DEFAULT_RELAYS and client.config.attempts == 5


def test_a_partial_override_keeps_the_rest():
    config = BeaconConfig.model_validate({"relays": ["https://relay.example"], "tempo_limite_s": 0.5})
    assert config.chain() == QUICKNET and config.relay_config().timeout_s == 0.5


@pytest.mark.parametrize("override", [
    {"cadeia": dict(QUICKNET.to_json(), public_key=DATA["other_chains"][1]["chain"]["public_key"])},
    {"cadeia": {"hash": QUICKNET.hash_hex}},
    {"relays": []},
    {"relays": ["ftp://relay"]},
    {"tempo_limite_s": 0},
    {"tentativas": 0},
    {"espera_maxima_s": -1},
    {"chave": "x"},
])
def test_a_bad_configuration_is_refused(override):
    with pytest.raises(ValidationError):
        BeaconConfig.model_validate(override)


def test_the_local_beacons_chain_can_be_configured_and_read_through_the_client():
    beacon = LocalBeacon()  # the one clock, as the client's
    config = BeaconConfig.model_validate({"cadeia": beacon.info.to_json(), "relays": ["http://farol.local"]})
    sources: list[RoundSource] = [config.client(LocalTransport(beacon)), beacon]
    for source in sources:
        latest = source.latest()
        assert source.chain == beacon.info
        assert source.fetch(latest.number) == latest
    assert isinstance(sources[0], RelayClient)
