"""CNJ numeração única NNNNNNN-DD.AAAA.J.TR.OOOO (CNJ Res. 65/2008) and case numbering (DIST-01).

Check digits, Res. 65/2008 annex VIII (ISO 7064 mod 97-10):
``DD = 98 − (NNNNNNN AAAA J TR OOOO 00 mod 97)`` — the 18 digits without DD, followed by ``00``;
a number is valid when ``NNNNNNN AAAA J TR OOOO DD mod 97 == 1`` (DD moved to the end).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from .errors import DistribuicaoError

if TYPE_CHECKING:
    from chalicelib.distribuicao.config import DistribuicaoConfig

_FORMATTED = re.compile(r"^(\d{7})-(\d{2})\.(\d{4})\.(\d)\.(\d{2})\.(\d{4})$")
MAX_SEQUENTIAL = 9_999_999


class CnjPart(StrEnum):
    """The part of a number that is wrong (named in the error)."""

    FORMATO = "formato"
    DIGITOS_VERIFICADORES = "digitos_verificadores"
    SEGMENTO = "segmento"
    TRIBUNAL = "tribunal"
    SEQUENCIAL = "sequencial"
    ANO = "ano"


class CnjError(DistribuicaoError):
    """A refused CNJ number: ``part`` names the bad part, ``detail`` explains it in Portuguese."""

    def __init__(self, part: CnjPart, detail: str) -> None:
        super().__init__(detail)
        self.part = part


class ForeignCnjError(CnjError):
    """A *valid* number of another court (its J.TR is not this tribunal's): never to be called invalid (DIST-01)."""

    def __init__(self, number: CnjNumber, part: CnjPart, detail: str) -> None:
        super().__init__(part, detail)
        self.number = number


def check_digits(sequential: int, year: int, segment: int, tribunal: int, origin: int) -> int:
    """DD of annex VIII: 98 − (NNNNNNNAAAAJTROOOO·100 mod 97)."""
    base = int(f"{sequential:07d}{year:04d}{segment:01d}{tribunal:02d}{origin:04d}")
    return 98 - (base * 100) % 97


@dataclass(frozen=True, order=True)
class CnjNumber:
    sequential: int
    check: int
    year: int
    segment: int
    tribunal: int
    origin: int

    @classmethod
    def build(cls, sequential: int, year: int, segment: int, tribunal: int, origin: int) -> CnjNumber:
        """A new number with its check digits computed."""
        for name, value, top in (
            ("sequencial", sequential, MAX_SEQUENTIAL),
            ("ano", year, 9999),
            ("segmento", segment, 9),
            ("tribunal", tribunal, 99),
            ("origem", origin, 9999),
        ):
            if not 0 <= value <= top:
                raise CnjError(CnjPart.FORMATO, f"campo {name} fora do intervalo 0–{top}: {value}")
        check = check_digits(sequential, year, segment, tribunal, origin)
        return cls(sequential, check, year, segment, tribunal, origin)

    @property
    def digits(self) -> str:
        """The 20 digits NNNNNNNDDAAAAJTROOOO (the form used in the draw's random value)."""
        return f"{self.sequential:07d}{self.check:02d}{self.year:04d}{self.segment}{self.tribunal:02d}{self.origin:04d}"

    def __str__(self) -> str:
        return (
            f"{self.sequential:07d}-{self.check:02d}.{self.year:04d}.{self.segment}."
            f"{self.tribunal:02d}.{self.origin:04d}"
        )


def parse_cnj(text: str, *, segment: int | None = None, tribunal: int | None = None,
              latest_year: int | None = None) -> CnjNumber:
    """Parse ``NNNNNNN-DD.AAAA.J.TR.OOOO`` (or its 20 bare digits) and validate it.

    Checks, in this order: format/length, check digits, year AAAA not after ``latest_year`` (the current year: a
    case is numbered the year it is filed), segment J and tribunal TR (if given; a mismatch is a
    :class:`ForeignCnjError`, the number being valid).
    """
    raw = text.strip() if isinstance(text, str) else ""
    match = _FORMATTED.match(raw)
    if match:
        parts = match.groups()
    elif raw.isdigit() and len(raw) == 20 and raw.isascii():
        parts = (raw[0:7], raw[7:9], raw[9:13], raw[13], raw[14:16], raw[16:20])
    else:
        count = sum(ch.isdigit() for ch in raw)
        raise CnjError(
            CnjPart.FORMATO,
            f"número {raw!r} fora do formato NNNNNNN-DD.AAAA.J.TR.OOOO "
            f"(são 20 dígitos; recebidos {count})",
        )
    seq_s, dd_s, year_s, j_s, tr_s, origin_s = parts
    number = CnjNumber(int(seq_s), int(dd_s), int(year_s), int(j_s), int(tr_s), int(origin_s))
    if int(seq_s + year_s + j_s + tr_s + origin_s + dd_s) % 97 != 1:
        expected = check_digits(number.sequential, number.year, number.segment, number.tribunal, number.origin)
        raise CnjError(
            CnjPart.DIGITOS_VERIFICADORES,
            f"dígitos verificadores {dd_s} não conferem (módulo 97: o correto seria {expected:02d})",
        )
    if latest_year is not None and number.year > latest_year:
        raise CnjError(CnjPart.ANO, f"ano {number.year:04d} ainda não começou (o processo é numerado no ano em que "
                                    f"é ajuizado; o ano corrente é {latest_year})")
    if segment is not None and number.segment != segment:
        raise ForeignCnjError(
            number, CnjPart.SEGMENTO,
            f"número válido de outro tribunal (segmento de justiça J={number.segment}; "
            f"este tribunal é do segmento {segment})",
        )
    if tribunal is not None and number.tribunal != tribunal:
        raise ForeignCnjError(
            number, CnjPart.TRIBUNAL,
            f"número válido de outro tribunal (TR={number.tribunal:02d}; este tribunal é o TR={tribunal:02d})",
        )
    return number


def parse_for_tribunal(text: str, config: DistribuicaoConfig, *, latest_year: int | None = None) -> CnjNumber:
    """``parse_cnj`` against the tribunal's segment and TR (``cnj_segmento``, ``cnj_tribunal``; TRE-MT = 6.11)."""
    return parse_cnj(text, segment=config.cnj_segmento, tribunal=config.cnj_tribunal, latest_year=latest_year)


@dataclass(frozen=True)
class NumberingCounter:
    """Last NNNNNNN given for one origin (OOOO) in one year: the sequence restarts every year (Res. 65 art. 1º §1º).

    Storage keeps one item per (origin, year); the adapter writes ``allocate``'s result with the
    condition ``last == counter.last`` so that no number is ever given twice.
    """

    origin: int
    year: int
    last: int = 0


def allocate_number(counter: NumberingCounter, *, segment: int, tribunal: int) -> tuple[CnjNumber, NumberingCounter]:
    """The next number of ``counter`` and the counter to persist (conditionally on the old ``last``)."""
    following = counter.last + 1
    if following > MAX_SEQUENTIAL:
        raise CnjError(
            CnjPart.SEQUENCIAL,
            f"a origem {counter.origin:04d} esgotou a numeração de {counter.year} ({MAX_SEQUENTIAL} processos)",
        )
    number = CnjNumber.build(following, counter.year, segment, tribunal, counter.origin)
    return number, replace(counter, last=following)
