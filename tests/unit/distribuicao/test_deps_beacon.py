"""Which beacon distribuicao's draws wait for (issue 16): the relays and chain of ``distribuicao.farol`` over HTTP —
drand's quicknet by default, the local stack's served beacon when the stack names it — and the in-process local
beacon only where AWS is emulated and no relay is configured (the tests that run the app in process)."""

from __future__ import annotations

import json

from chalicelib.distribuicao.deps import DistribuicaoDeps

from courtlib.beacon import QUICKNET
from courtlib.beacon.client import RelayClient
from courtlib.beacon.config import DEFAULT_RELAYS
from courtlib.beacon.local import LocalBeacon
from courtlib.config import load_tribunal_config
from courtlib.settings import ServiceSettings


def deps(stage: str, overrides: dict | None = None, endpoint_url: str | None = None) -> DistribuicaoDeps:
    settings = ServiceSettings(service="distribuicao", table_name="t", pagination_secret="s", stage=stage,
                               endpoint_url=endpoint_url)
    built = DistribuicaoDeps(settings=settings)
    built.__dict__["config"] = load_tribunal_config("TRE-MT", json.dumps(overrides or {}))  # the cached property
    return built


def test_production_reads_quicknet_from_drands_relays():
    source = deps("prod").round_source
    assert isinstance(source, RelayClient)
    assert source.chain == QUICKNET and source.config.urls == DEFAULT_RELAYS


def test_an_emulated_stage_without_relays_keeps_the_beacon_in_process():
    source = deps("local").round_source
    assert isinstance(source, LocalBeacon) and source.chain.period == 1
    assert isinstance(deps("e2e", endpoint_url="http://127.0.0.1:4566").round_source, LocalBeacon)


def test_the_stacks_served_beacon_named_in_the_configuration_is_read_over_http():
    served = LocalBeacon(period=3)
    farol = {"cadeia": served.info.to_json(), "relays": ["http://127.0.0.1:8005"]}
    source = deps("local", {"distribuicao": {"farol": farol}}).round_source
    assert isinstance(source, RelayClient)
    assert source.chain == served.info and source.config.urls == ("http://127.0.0.1:8005",)
