"""Commit–reveal randomness of the draws (DIST-11).

Every day D has a secret 32-byte seed. ``commitment(seed) = sha256(seed)`` (hex) is published before D
starts; the seed itself is revealed from D+1 on. A draw's random value is

    HMAC-SHA256(key = seed, message = UTF-8("<log id>|<20 digits of the CNJ number>|<seq>"))

where ``seq`` is the draw's position in its log (decimal, no leading zeros) and the log id keeps two
logs that share a day's seed apart. The value, read as a big-endian unsigned integer, modulo the
number of candidates, is the index of the winner among the candidates sorted by id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date

from courtlib.beacon.draw import draw_value

from .errors import SeedError

SEED_BYTES = 32
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class DailySeed:
    """The secret seed of one day (kept secret by the service until the day is over)."""

    day: date
    seed: bytes

    def __post_init__(self) -> None:
        if len(self.seed) != SEED_BYTES:
            raise SeedError(f"a semente do dia {self.day:%d/%m/%Y} deve ter {SEED_BYTES} bytes")

    @property
    def commitment(self) -> str:
        return commitment(self.seed)

    @property
    def hex(self) -> str:
        return self.seed.hex()

    @classmethod
    def from_hex(cls, day: date, value: str) -> DailySeed:
        if not _HEX64.match(value or ""):
            raise SeedError(f"semente do dia {day:%d/%m/%Y} não é hexadecimal de 64 caracteres")
        return cls(day, bytes.fromhex(value))


def new_seed(day: date) -> DailySeed:
    """A fresh seed from the operating system's CSPRNG (``secrets``)."""
    return DailySeed(day, secrets.token_bytes(SEED_BYTES))


def commitment(seed: bytes) -> str:
    """sha256 of the seed, hex: what is published in advance."""
    return hashlib.sha256(seed).hexdigest()


def seed_matches(seed: bytes, published: str) -> bool:
    return hmac.compare_digest(commitment(seed), published.lower())


def draw_message(log_id: str, case_digits: str, seq: int) -> bytes:
    """The exact bytes fed to the HMAC (see the module docstring)."""
    if "|" in log_id or not log_id:
        raise SeedError(f"identificador de log inválido: {log_id!r}")
    if not (len(case_digits) == 20 and case_digits.isdigit() and case_digits.isascii()):
        raise SeedError(f"número do processo deve ter 20 dígitos: {case_digits!r}")
    if seq < 1:
        raise SeedError(f"sequência inválida: {seq}")
    return f"{log_id}|{case_digits}|{seq}".encode()


def derive_value(seed: bytes, log_id: str, case_digits: str, seq: int) -> bytes:
    return hmac.new(seed, draw_message(log_id, case_digits, seq), hashlib.sha256).digest()


def value_with_round(seed: bytes, randomness_hex: str, log_id: str, case_digits: str, seq: int) -> bytes:
    """The value of a draw decided by a beacon round (issue 16): ``courtlib.beacon.draw.draw_value``, i.e.
    HMAC-SHA256(seed, "<log>|<digits>|<seq>|<randomness hex>")."""
    try:
        randomness = bytes.fromhex(randomness_hex)
        return draw_value(seed, randomness, log_id, case_digits, seq)
    except ValueError as error:  # BeaconError is a ValueError
        raise SeedError(str(error)) from None


def pick_index(value: bytes, n: int) -> int:
    """``int(value) mod n`` (bias below 2⁻²⁵⁰ for any real number of candidates)."""
    if n < 1:
        raise ValueError("no candidates")
    return int.from_bytes(value, "big") % n
