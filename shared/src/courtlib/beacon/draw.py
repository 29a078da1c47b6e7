"""The draw from the day's seed *and* a future beacon round (pure: no AWS, no clock, no network).

    value = HMAC-SHA256(key = seed, message = UTF-8("<log>|<20 digits of the CNJ number>|<seq>|<randomness hex>"))
    index = int(value, big-endian) mod n

``randomness`` is the 32 bytes of the beacon round fixed at registration (``SHA-256`` of its signature),
written in lowercase hex. The first three fields are today's draw message (the distribuição domain's
``draw_message``), so the equality rules and the order of the candidates stay as they are: only the value
changes. Neither the seed's holder, who does not know the future round, nor the beacon network, which
does not know the seed, can compute the value alone.
"""

from __future__ import annotations

import hashlib
import hmac

from .errors import BeaconError

RANDOMNESS_BYTES = 32


def draw_message(randomness: bytes, log_id: str, case_digits: str, seq: int) -> bytes:
    if not log_id or "|" in log_id:
        raise BeaconError(f"identificador de log inválido: {log_id!r}")
    if not (len(case_digits) == 20 and case_digits.isascii() and case_digits.isdigit()):
        raise BeaconError(f"número do processo deve ter 20 dígitos: {case_digits!r}")
    if seq < 1:
        raise BeaconError(f"sequência inválida: {seq}")
    if len(randomness) != RANDOMNESS_BYTES:
        raise BeaconError(f"a aleatoriedade da rodada deve ter {RANDOMNESS_BYTES} bytes")
    return f"{log_id}|{case_digits}|{seq}|{randomness.hex()}".encode()


def draw_value(seed: bytes, randomness: bytes, log_id: str, case_digits: str, seq: int) -> bytes:
    return hmac.new(seed, draw_message(randomness, log_id, case_digits, seq), hashlib.sha256).digest()


def choose(seed: bytes, randomness: bytes, log_id: str, case_digits: str, seq: int, n: int) -> int:
    """The index of the winner among ``n`` candidates sorted by id (bias below 2⁻²⁵⁰ for any real n)."""
    if n < 1:
        raise BeaconError("sorteio sem candidatos")
    return int.from_bytes(draw_value(seed, randomness, log_id, case_digits, seq), "big") % n
