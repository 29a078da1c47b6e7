"""devstack.beacon: the local stack's beacon served on a port of its own and named in distribuicao's configuration
(issue 16), the caller's own configuration kept."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from courtlib.beacon import ChainInfo
from courtlib.beacon.local import LOCAL_BEACON_ID
from devstack.beacon import ServedBeacon, configured


@pytest.fixture
def served():
    beacon = ServedBeacon(port=0, period_s=3)
    yield beacon
    beacon.stop()


def test_it_serves_drands_info_with_its_own_chain_until_stopped():
    beacon = ServedBeacon(port=0, period_s=2)
    try:
        with urllib.request.urlopen(f"{beacon.url}/info", timeout=5) as answer:
            info = ChainInfo.from_json(json.load(answer))
        assert info.hash_hex == beacon.chain_hash and info.period == 2 and info.beacon_id == LOCAL_BEACON_ID
        assert beacon.describe() == {"url": beacon.url, "cadeia": beacon.chain_hash, "periodo_s": 2,
                                     "id": LOCAL_BEACON_ID}
    finally:
        beacon.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{beacon.url}/info", timeout=2)


def test_the_configuration_names_the_served_beacon_and_keeps_the_callers_keys(served):
    caller = {"tribunal_id": "TRE-MT", "distribuicao": {"diferenca_max_total": 3, "farol": {"espera_maxima_s": 5}},
              "plantao": {"x": 1}}
    document = json.loads(configured(json.dumps(caller), served))
    farol = document["distribuicao"]["farol"]
    assert farol["relays"] == [served.url] and farol["cadeia"]["hash"] == served.chain_hash
    assert farol["espera_maxima_s"] == 5 and document["distribuicao"]["diferenca_max_total"] == 3
    assert document["plantao"] == {"x": 1} and document["tribunal_id"] == "TRE-MT"
    assert json.loads(configured(None, served))["distribuicao"]["farol"]["relays"] == [served.url]


def test_a_period_below_one_second_is_refused():
    with pytest.raises(ValueError, match="ao menos 1 s"):
        ServedBeacon(port=0, period_s=0)
