"""The month totals' gsi1 shards and how a close's parts read them (no AWS import: the settings check the part
count against the shards at start-up).

A month total is indexed in shard ``crc32(servant) % MONTH_SHARDS`` (gsi1 pk ``MES#<yyyy-mm>#<shard>``). A close
runs in ``parts`` parts, a divisor of ``MONTH_SHARDS``: part ``p`` reads shards ``p, p + parts, p + 2·parts…``, so
every shard is read by exactly one part whatever the count. Production runs 64 parts (one shard each, sized for one
invocation at the design size: docs/sizing.md); the local stack and the tests run few (one consumer runs them in
turn there).
"""

from __future__ import annotations

import zlib

# gsi1 partitions per month (160,000 servants, the design size → ~2,500 per shard: docs/sizing.md). Was 16: an item
# keyed then (crc32 % 16) sits in shard crc32 % 16, which is one of these 64 too, so every month total is still read
# exactly once by one part (the key is rewritten by its next record).
MONTH_SHARDS = 64

# The part counts a close may run in: the divisors of MONTH_SHARDS.
PART_COUNTS: tuple[int, ...] = tuple(n for n in range(1, MONTH_SHARDS + 1) if MONTH_SHARDS % n == 0)


def shard_of(servant: str) -> int:
    return zlib.crc32(servant.encode()) % MONTH_SHARDS


def part_shards(part: int, parts: int) -> range:
    """The shards part ``part`` (0..parts-1) of a close in ``parts`` parts reads."""
    if parts not in PART_COUNTS or not 0 <= part < parts:
        raise ValueError(f"parte {part} de {parts}: o número de partes deve dividir {MONTH_SHARDS}")
    return range(part, MONTH_SHARDS, parts)
