"""The local beacon's relay API over real HTTP on 127.0.0.1, read by the relay client as a relay of drand's; failover
over real relays: one down, one forging rounds under the chain's hash, one honest."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from courtlib.beacon import BeaconUnavailable, verify
from courtlib.beacon.client import RelayClient, RelayConfig
from courtlib.beacon.config import BeaconConfig
from courtlib.beacon.local import LocalBeacon
from courtlib.beacon.server import start


@pytest.fixture
def served():
    beacon = LocalBeacon()
    server, url = start(beacon)
    try:
        yield beacon, url
    finally:
        server.shutdown()
        server.server_close()


def test_the_client_fails_over_from_a_dead_relay_to_the_local_beacon_and_verifies_its_rounds(served):
    beacon, url = served
    client = RelayClient(beacon.info, RelayConfig(("http://127.0.0.1:9", url), timeout_s=1.0, attempts=2))
    latest = client.latest()
    assert verify(latest, beacon.info)
    assert client.fetch(latest.number - 1).number == latest.number - 1


def test_info_and_a_future_round_over_http(served):
    beacon, url = served
    with urllib.request.urlopen(f"{url}/info", timeout=2) as answer:
        assert json.load(answer)["hash"] == beacon.info.hash_hex
    future = beacon.current_number() + 100
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/{beacon.info.hash_hex}/public/{future}", timeout=2)
    assert refused.value.code == 425


def test_the_module_runs_as_a_process_and_writes_its_ready_file(tmp_path: Path):
    ready = tmp_path / "farol.json"
    process = subprocess.Popen([sys.executable, "-m", "courtlib.beacon.server", "--port", "0",
                                "--ready-file", str(ready)], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if ready.exists():
                break
            time.sleep(0.1)
        info = json.loads(ready.read_text())
        with urllib.request.urlopen(f"{info['url']}/public/latest", timeout=2) as answer:
            assert json.load(answer)["round"] >= 1
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def forger(served):
    """A relay that answers rounds of the served beacon's chain, well formed, signed with another key."""
    beacon, _ = served
    impostor = LocalBeacon(secret=12345)
    impostor.info = beacon.info  # it claims the honest chain: same hash in its URLs and in its rounds
    server, url = start(impostor)
    try:
        yield impostor, url
    finally:
        server.shutdown()
        server.server_close()


def test_failover_passes_over_a_dead_relay_and_a_forging_one_to_the_honest_relay(served, forger):
    """Issue 16: every round is verified before use; a relay down or forging is passed over, the next one asked."""
    beacon, honest = served
    impostor, forging = forger
    config = BeaconConfig.model_validate({"cadeia": beacon.info.to_json(), "tempo_limite_s": 1.0, "tentativas": 1,
                                          "relays": ["http://127.0.0.1:9", forging, honest]})
    client = config.client()  # as distribuicao builds it from its configuration
    number = beacon.current_number() - 1
    forged = impostor.round(number)
    assert forged.chain_hash == beacon.info.hash and not verify(forged, beacon.info)
    got = client.fetch(number)
    assert got == beacon.round(number) and got.signature != forged.signature


def test_only_a_dead_and_a_forging_relay_give_no_round_at_all(served, forger):
    beacon, _ = served
    _, forging = forger
    client = RelayClient(beacon.info, RelayConfig(("http://127.0.0.1:9", forging), timeout_s=1.0, attempts=2,
                                                  max_wait_s=1.0))
    with pytest.raises(BeaconUnavailable, match="assinatura inválida"):
        client.fetch(beacon.current_number() - 1)
