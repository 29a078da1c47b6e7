"""The beacon's configuration (a section a service embeds in its tribunal configuration), and the one
interface a draw needs of a beacon, whichever it is.

    {"cadeia": <drand /info document>, "relays": ["https://…", …], "tempo_limite_s": 2, "tentativas": 5,
     "espera_maxima_s": 10}

Every key has a default: quicknet and drand's public relays. The chain document is checked as
:meth:`ChainInfo.from_json` checks it (its hash recomputed from its key, genesis, period and id).
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import ConfigDict, Field, field_validator

from courtlib.schema import Schema

from .chain import QUICKNET, ChainInfo, Round
from .client import RelayClient, RelayConfig, Transport
from .errors import BeaconError

# drand's public HTTP relays for quicknet (drand-client's README and drand's documentation).
DEFAULT_RELAYS = ("https://api.drand.sh", "https://api2.drand.sh", "https://api3.drand.sh", "https://drand.cloudflare.com")


class RoundSource(Protocol):
    """What a draw needs of a beacon: its chain and its verified rounds (:class:`RelayClient`, or
    :class:`courtlib.beacon.local.LocalBeacon` on the local stack)."""

    @property
    def chain(self) -> ChainInfo: ...

    def fetch(self, number: int) -> Round: ...

    def latest(self) -> Round: ...


class BeaconConfig(Schema):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cadeia: dict[str, Any] = Field(default_factory=QUICKNET.to_json)
    relays: tuple[str, ...] = DEFAULT_RELAYS
    tempo_limite_s: float = Field(default=2.0, gt=0)
    tentativas: int = Field(default=5, ge=1)
    espera_maxima_s: float = Field(default=10.0, ge=0)

    @field_validator("cadeia")
    @classmethod
    def _chain_is_valid(cls, value: dict[str, Any]) -> dict[str, Any]:
        ChainInfo.from_json(value)  # BeaconError (a ValueError) becomes pydantic's validation error
        return value

    @field_validator("relays")
    @classmethod
    def _relays_are_urls(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value or not all(isinstance(u, str) and u.startswith(("https://", "http://")) for u in value):
            raise BeaconError("relays: informe ao menos uma URL http(s)")
        return value

    def chain(self) -> ChainInfo:
        return ChainInfo.from_json(self.cadeia)

    def relay_config(self) -> RelayConfig:
        return RelayConfig(self.relays, timeout_s=self.tempo_limite_s, attempts=self.tentativas,
                           max_wait_s=self.espera_maxima_s)

    def client(self, transport: Transport | None = None) -> RelayClient:
        return RelayClient(self.chain(), self.relay_config(), transport=transport)
