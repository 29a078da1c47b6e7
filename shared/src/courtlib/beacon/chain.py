"""A drand chain's public parameters and its rounds, and which round a moment falls in.

A chain publishes round ``r`` at ``genesis + (r - 1) · period`` (round 1 at genesis), as drand's
``TimeOfRound`` does. The chain hash is drand's ``chain.Info.Hash``:

    sha256(uint32 BE period in seconds ‖ int64 BE genesis ‖ public key ‖ genesis seed ‖ beacon id)

where the beacon id is left out for drand's ``default`` beacon. A configured hash that does not match its
own parameters is refused, so a key cannot be swapped under a known hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import BeaconError

SCHEME = "bls-unchained-g1-rfc9380"  # the only scheme this package verifies (signature on G1, key on G2)
SIGNATURE_BYTES = 48  # a compressed G1 point
PUBLIC_KEY_BYTES = 96  # a compressed G2 point
_HEX = re.compile(r"^[0-9a-f]*$")


def _hex(value: Any, field: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or not _HEX.match(value.lower()) or len(value) % 2:
        raise BeaconError(f"{field}: deve ser hexadecimal")
    raw = bytes.fromhex(value)
    if size is not None and len(raw) != size:
        raise BeaconError(f"{field}: deve ter {size} bytes, tem {len(raw)}")
    return raw


def chain_hash(*, period: int, genesis: int, public_key: bytes, genesis_seed: bytes, beacon_id: str) -> bytes:
    """drand's chain info hash (``common/chain/info.go``, ``Info.Hash``)."""
    digest = hashlib.sha256()
    digest.update(struct.pack(">Iq", period, genesis))
    digest.update(public_key)
    digest.update(genesis_seed)
    if beacon_id not in ("", "default"):
        digest.update(beacon_id.encode())
    return digest.digest()


@dataclass(frozen=True)
class ChainInfo:
    """What a verifier needs of a chain: its hash, public key (G2), genesis (unix seconds), period (s) and
    scheme; ``genesis_seed`` (drand's ``groupHash``) and ``beacon_id`` let the hash be recomputed."""

    hash: bytes
    public_key: bytes
    genesis: int
    period: int
    scheme: str = SCHEME
    genesis_seed: bytes = b""
    beacon_id: str = ""

    def __post_init__(self) -> None:
        if len(self.hash) != 32:
            raise BeaconError("o hash da cadeia deve ter 32 bytes")
        if len(self.public_key) != PUBLIC_KEY_BYTES:
            raise BeaconError(f"a chave pública da cadeia deve ter {PUBLIC_KEY_BYTES} bytes (ponto de G2)")
        if self.period < 1 or self.genesis < 0:
            raise BeaconError("período e gênese da cadeia devem ser positivos")
        if self.scheme != SCHEME:
            raise BeaconError(f"esquema {self.scheme!r} não suportado (só {SCHEME})")
        if self.genesis_seed and not hmac.compare_digest(self.computed_hash(), self.hash):
            raise BeaconError("o hash da cadeia não confere com os seus parâmetros (chave, gênese, período)")

    @property
    def hash_hex(self) -> str:
        return self.hash.hex()

    def computed_hash(self) -> bytes:
        return chain_hash(period=self.period, genesis=self.genesis, public_key=self.public_key,
                          genesis_seed=self.genesis_seed, beacon_id=self.beacon_id)

    @classmethod
    def from_json(cls, info: Mapping[str, Any]) -> ChainInfo:
        """From drand's ``/info`` document, v1 (``hash``, ``groupHash``, ``schemeID``, ``metadata.beaconID``)
        or v2 (``chain_hash``, ``genesis_seed``, ``scheme``, ``beacon_id``), or this package's own keys."""
        try:
            metadata = info.get("metadata") or {}
            return cls(
                hash=_hex(info.get("hash", info.get("chain_hash")), "hash", 32),
                public_key=_hex(info["public_key"], "public_key", PUBLIC_KEY_BYTES),
                genesis=int(info["genesis_time"]),
                period=int(info["period"]),
                scheme=str(info.get("schemeID", info.get("scheme", SCHEME))),
                genesis_seed=_hex(info.get("groupHash", info.get("genesis_seed", "")), "groupHash"),
                beacon_id=str(metadata.get("beaconID", info.get("beacon_id", ""))),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, BeaconError):
                raise
            raise BeaconError(f"informação da cadeia incompleta ou inválida: {error}") from None

    def to_json(self) -> dict[str, Any]:
        """drand's v1 ``/info`` document."""
        return {
            "public_key": self.public_key.hex(), "period": self.period, "genesis_time": self.genesis,
            "hash": self.hash_hex, "groupHash": self.genesis_seed.hex(), "schemeID": self.scheme,
            "metadata": {"beaconID": self.beacon_id},
        }

    # -- time -------------------------------------------------------------------------------------

    def round_time(self, number: int) -> datetime:
        """When round ``number`` (≥ 1) is published."""
        if number < 1:
            raise BeaconError("as rodadas começam em 1")
        return datetime.fromtimestamp(self.genesis, UTC) + timedelta(seconds=(number - 1) * self.period)

    def round_at(self, instant: datetime) -> int:
        """The latest round published at ``instant`` (0 before genesis)."""
        elapsed = _aware(instant) - datetime.fromtimestamp(self.genesis, UTC)
        if elapsed < timedelta(0):
            return 0
        return elapsed // timedelta(seconds=self.period) + 1

    def first_round_after(self, instant: datetime) -> int:
        """The round that decides a case committed at ``instant``: the first published strictly after it."""
        return self.round_at(instant) + 1


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise BeaconError("o instante deve ter fuso horário")
    return instant.astimezone(UTC)


@dataclass(frozen=True)
class Round:
    """One published round: its chain, number, signature (compressed G1) and randomness (sha256 of it)."""

    chain_hash: bytes
    number: int
    signature: bytes
    randomness: bytes

    @classmethod
    def from_json(cls, chain_hash_: bytes, body: Mapping[str, Any]) -> Round:
        """From drand's ``/public/<round>`` document (``round``, ``signature``, ``randomness``)."""
        try:
            number = body["round"]
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                raise BeaconError("round: deve ser um inteiro ≥ 1")
            signature = _hex(body["signature"], "signature", SIGNATURE_BYTES)
            randomness = _hex(body["randomness"], "randomness", 32)
        except (KeyError, TypeError) as error:
            raise BeaconError(f"rodada incompleta ou inválida: {error}") from None
        return cls(chain_hash_, number, signature, randomness)

    def to_json(self) -> dict[str, Any]:
        return {"round": self.number, "randomness": self.randomness.hex(), "signature": self.signature.hex()}


# The League of Entropy's quicknet (drand-client ``lib/defaults.ts`` QUICKNET_CHAIN_INFO; its hash is
# recomputed from these parameters when the object is built).
QUICKNET = ChainInfo.from_json({
    "public_key": "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d106451"
                  "0d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a",
    "period": 3,
    "genesis_time": 1692803367,
    "hash": "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971",
    "groupHash": "f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e",
    "schemeID": SCHEME,
    "metadata": {"beaconID": "quicknet"},
})
