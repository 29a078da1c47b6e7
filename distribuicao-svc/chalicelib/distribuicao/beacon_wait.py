"""Waiting for the beacon round that decides a registered act (issue 16), through the ``RoundSource`` port.

A round is used only once verified here (BLS signature of the configured chain, its number the one fixed at
registration), whatever the source already checked: the relay client verifies, the local beacon signs, and a
draw never trusts either alone. Nothing unverified is returned; ``None`` means "not within the wait".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.distribuicao.domain.log import BeaconRound
from chalicelib.distribuicao.ports import RoundSource

from courtlib.beacon import BeaconError, BeaconUnavailable, Round, verify

LOG = logging.getLogger(__name__)
VERIFIED_KEPT = 64  # verified rounds kept per container: a minute of quicknet's, each a pairing check saved
POLL_S = 0.05  # between two asks once the round is due (the local beacon answers at once; relays have their own)


class RoundWaiter:
    """``get(number, wait_s)``: the verified round ``number`` within ``wait_s`` seconds, or None.

    ``now`` is the wall clock the chain's schedule is read against (the tribunal clock), which also bounds the
    wait; ``sleep`` paces it (a test's sleep advances its clock)."""

    def __init__(self, source: RoundSource, *, now: Callable[[], datetime],
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.source = source
        self.chain = source.chain
        self._now = now
        self._sleep = sleep
        # A round, once verified, never changes: the acts of an órgão on the same round, and the resolution that
        # follows a registration, verify it once. Insertion order is round order (they only come out in order).
        self._verified: dict[int, BeaconRound] = {}
        self._lock = threading.Lock()

    @property
    def chain_hash(self) -> str:
        return self.chain.hash_hex

    def first_round_after(self, instant: datetime) -> int:
        return self.chain.first_round_after(instant)

    def due_in(self, number: int) -> float:
        """Seconds until round ``number`` is published (≤ 0: it is due)."""
        return (self.chain.round_time(number) - self._now()).total_seconds()

    def get(self, number: int, wait_s: float = 0.0) -> BeaconRound | None:
        """Round ``number``, verified, asked of the source once it is due by the clock — or at once when the
        caller is willing to wait (a relay client then waits for the publication itself)."""
        deadline = self._now() + timedelta(seconds=max(wait_s, 0.0))
        stop = time.monotonic() + max(wait_s, 0.0)  # also bounded in real time, whatever the clock does
        while True:
            due = self.due_in(number)
            if due <= 0 or wait_s > 0:
                found = self._fetch(number)
                if found is not None:
                    return found
            remaining = min((deadline - self._now()).total_seconds(), stop - time.monotonic())
            if remaining <= 0:
                return None
            self._sleep(min(remaining, max(due, POLL_S)))

    def _fetch(self, number: int) -> BeaconRound | None:
        known = self._verified.get(number)
        if known is not None:
            return known
        try:
            round_ = self.source.fetch(number)
        except (BeaconUnavailable, BeaconError, OSError) as error:
            LOG.info("beacon round %s not available yet: %s", number, error)
            return None
        if not self._valid(round_, number):
            LOG.warning("beacon round %s refused: wrong number, chain or signature", number)
            return None
        verified = BeaconRound(round_.chain_hash.hex(), round_.number, round_.signature.hex(), round_.randomness.hex())
        with self._lock:  # the local stack's request threads share one waiter
            self._verified[number] = verified
            while len(self._verified) > VERIFIED_KEPT:
                del self._verified[next(iter(self._verified))]
        return verified

    def _valid(self, round_: Round, number: int) -> bool:
        if round_.number != number or round_.chain_hash != self.chain.hash:
            return False
        try:
            return verify(round_, self.chain)
        except (BeaconError, ImportError):  # BlsUnavailable: never use what could not be checked
            return False
