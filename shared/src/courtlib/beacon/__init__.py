"""Public randomness beacons (drand) for unforeseeable, verifiable draws — see docs/beacon.md.

- :mod:`.chain` — :class:`ChainInfo` (hash, key, genesis, period, scheme), :class:`Round`, which round
  a moment falls in (``round_at``, ``first_round_after``), quicknet's parameters (:data:`QUICKNET`);
- :mod:`.bls` — ``verify(round, chain)``: the BLS check of ``bls-unchained-g1-rfc9380``;
- :mod:`.draw` — ``choose(seed, randomness, log, number, seq, n)``: the draw from seed and round (pure);
- :mod:`.client` — :class:`RelayClient`: drand's HTTP relays, failover, verification, one retry;
- :mod:`.config` — :class:`BeaconConfig` (chain, relays, limits) and :class:`RoundSource`, what a draw needs;
- :mod:`.local` and :mod:`.server` — the local stack's beacon (own demo key, own chain hash) and its
  relay API.
"""

from __future__ import annotations

from .bls import verify
from .chain import QUICKNET, SCHEME, ChainInfo, Round
from .draw import choose, draw_value
from .errors import BeaconError, BeaconUnavailable, BlsUnavailable, NotYetPublished

__all__ = [
    "QUICKNET", "SCHEME", "BeaconError", "BeaconUnavailable", "BlsUnavailable", "ChainInfo", "NotYetPublished",
    "Round", "choose", "draw_value", "verify",
]
