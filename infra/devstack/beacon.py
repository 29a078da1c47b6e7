"""The local stack's beacon as a served beacon: ``courtlib.beacon.server`` on a port of its own.

The stack starts it before the apps and names it in distribuicao's configuration (``distribuicao.farol``:
its chain document — hash, public key, genesis, period, beacon id — and its URL as the only relay), exactly
the keys production fills with quicknet's chain and drand's relays. distribuicao then gets its rounds through
``courtlib.beacon.client.RelayClient`` over HTTP, as it would from drand. The beacon publishes by the stack's
clock (``courtlib.clock``, the one clock of this process): moving the clock moves the rounds.

It signs with the public demo key of :mod:`courtlib.beacon.local`; its chain hash (beacon id
``farol-local-nao-e-league-of-entropy``, period included) marks every draw it decided.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from courtlib import clock
from courtlib.beacon.local import LocalBeacon
from courtlib.beacon.server import start

SERVICE = "farol"  # its key in --port and in the ready file; ``beacon`` is accepted as an alias in --port
DEFAULT_PORT = 8005
DEFAULT_PERIOD_S = 1  # quicker than quicknet's 3 s for a demo; `--farol-periodo 3` behaves like quicknet


class ServedBeacon:
    """The local beacon on ``127.0.0.1:port`` (0 = any free port) until :meth:`stop`."""

    def __init__(self, *, port: int = DEFAULT_PORT, period_s: int = DEFAULT_PERIOD_S) -> None:
        if period_s < 1:
            raise ValueError("o período do farol local deve ser de ao menos 1 s")
        self.beacon = LocalBeacon(period=period_s, now=clock.now)
        self._server, self.url = start(self.beacon, port=port)

    @property
    def chain_hash(self) -> str:
        return self.beacon.info.hash_hex

    @property
    def period_s(self) -> int:
        return self.beacon.info.period

    def farol_section(self) -> dict[str, Any]:
        """distribuicao's ``farol`` keys that name this beacon: its chain and its URL as the one relay."""
        return {"cadeia": self.beacon.info.to_json(), "relays": [self.url]}

    def describe(self) -> dict[str, Any]:
        return {"url": self.url, "cadeia": self.chain_hash, "periodo_s": self.period_s,
                "id": self.beacon.info.beacon_id}

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def configured(overrides_json: str | None, beacon: ServedBeacon) -> str:
    """The tribunal configuration's overrides (``TRIBUNAL_CONFIG_JSON``) with ``distribuicao.farol`` naming
    ``beacon``; the caller's other keys, and its other ``farol`` keys (waits, timeouts), are kept."""
    document: dict[str, Any] = json.loads(overrides_json) if overrides_json and overrides_json.strip() else {}
    if not isinstance(document, dict):
        raise ValueError("TRIBUNAL_CONFIG_JSON deve ser um objeto JSON")
    section = _object(document.get("distribuicao"))
    section["farol"] = {**_object(section.get("farol")), **beacon.farol_section()}
    document["distribuicao"] = section
    return json.dumps(document, ensure_ascii=False)


def _object(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}
