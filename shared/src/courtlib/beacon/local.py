"""The local stack's beacon: drand's scheme with a demo key of its own — NOT the League of Entropy's.

It signs round ``r`` exactly as a quicknet node would (:func:`courtlib.beacon.bls.sign`), so the same
client and verifier check it, and it publishes a round every ``period`` seconds from ``genesis`` by the
one clock (:mod:`courtlib.clock`): a round is served once the clock has reached its time, never before.
Signatures are deterministic, so nothing is stored: any published round can be recomputed.

Its mark is its chain: beacon id ``LOCAL_BEACON_ID`` and a chain hash computed like drand's from that id,
the demo key, the genesis and the period, so every record that names it (chain hash, round) says it came
from this beacon, and no verifier that pins quicknet's hash and key can take it for a League round.

The demo secret is derived from a public phrase on purpose: anyone can sign as this beacon, which is right
for a stack without a network and makes plain that a local draw proves nothing about foresight.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from courtlib import clock

from . import bls
from .chain import ChainInfo, Round, chain_hash
from .errors import NotYetPublished

LOCAL_BEACON_ID = "farol-local-nao-e-league-of-entropy"
DEMO_PHRASE = b"courtlib local beacon demo key - public, for the local stack only - not the League of Entropy"
DEMO_SECRET = int.from_bytes(hashlib.sha256(DEMO_PHRASE).digest(), "big") % bls.CURVE_ORDER
# 2026-01-01T00:00:00Z: a round number on the local stack stays small and readable.
DEFAULT_GENESIS = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())


class LocalBeacon:
    def __init__(self, *, secret: int = DEMO_SECRET, genesis: int = DEFAULT_GENESIS, period: int = 3,
                 beacon_id: str = LOCAL_BEACON_ID, now: Callable[[], datetime] = clock.now) -> None:
        self._secret = secret
        self._now = now
        public_key = bls.public_key_of(secret)
        seed = hashlib.sha256(b"genesis seed of " + beacon_id.encode() + public_key).digest()
        self.info = ChainInfo(
            hash=chain_hash(period=period, genesis=genesis, public_key=public_key, genesis_seed=seed,
                            beacon_id=beacon_id),
            public_key=public_key, genesis=genesis, period=period, genesis_seed=seed, beacon_id=beacon_id,
        )

    @property
    def chain(self) -> ChainInfo:
        return self.info

    @property
    def chain_hash(self) -> bytes:
        return self.info.hash

    def current_number(self) -> int:
        return self.info.round_at(self._now())

    def round(self, number: int) -> Round:
        """Round ``number`` if the clock has reached its time, else :class:`NotYetPublished`."""
        if number < 1 or number > self.current_number():
            raise NotYetPublished(f"a rodada {number} do farol local ainda não foi publicada")
        signature = bls.sign(self._secret, number)
        return Round(self.info.hash, number, signature, hashlib.sha256(signature).digest())

    def fetch(self, number: int) -> Round:
        """As :meth:`RelayClient.fetch`, in-process (the local stack's draws)."""
        return self.round(number)

    def latest(self) -> Round:
        return self.round(self.current_number())

