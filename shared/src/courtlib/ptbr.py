"""Numbers, money and dates as a Brazilian court writes them in its documents (pure, no locale).

The process locale is not used: a Lambda has no pt_BR locale installed, and ``locale.setlocale`` is
process-wide. The few formats the documents need are written here.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

MESES = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
         "novembro", "dezembro")


def number(value: Decimal | int | float | str, places: int | None = 2) -> str:
    """1234.5 → "1.234,50" (thousands with ".", decimals with ","); ``places=None`` keeps the value's own
    decimals ("2.50" → "2,50", "630" → "630")."""
    amount = Decimal(str(value))
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign = "-" if amount < 0 else ""
    whole, _, decimals = f"{abs(amount):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{decimals}" if decimals else f"{sign}{groups}"


def brl(value: Decimal | int | str) -> str:
    """1234.5 → "R$ 1.234,50"; a negative amount → "-R$ 90,00"."""
    text = number(value, 2)
    return f"-R$ {text[1:]}" if text.startswith("-") else f"R$ {text}"


def long_date(day: date) -> str:
    """date(2026, 12, 4) → "4 de dezembro de 2026" (the 1st of a month as "1º", as the courts write it)."""
    first = "1º" if day.day == 1 else str(day.day)
    return f"{first} de {MESES[day.month - 1]} de {day.year}"


def short_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def month_label(month: str) -> str:
    """"2026-10" → "10/2026"."""
    return f"{month[5:7]}/{month[:4]}"


def place_and_date(place: str, day: date) -> str:
    """"Cuiabá, 4 de dezembro de 2026"."""
    return f"{place}, {long_date(day)}"
