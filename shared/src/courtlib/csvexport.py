"""Every CSV the system writes: one writer, safe against formula injection, readable by a pt-BR spreadsheet.

Default format (``BR``): ``;`` as separator, decimal comma, CRLF, and a UTF-8 BOM so that a spreadsheet
opened by double click reads the accents as UTF-8. ``PLAIN`` (``,``, decimal point, no BOM) is for
programs that read CSV.

CSV injection (OWASP, "CSV Injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with a single quote, so a spreadsheet shows it as text and never evaluates it.
Only text is neutralised: numbers the system writes itself (``int``/``Decimal``) are formatted here and stay
numbers, a negative amount included ("-90,00" is a value, not a formula). A string that merely looks like
a number is text like any other and is neutralised if it starts with "-".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from courtlib.ptbr import number as ptbr_number

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class CsvFormat:
    separator: str
    decimal_comma: bool
    bom: bool


BR = CsvFormat(separator=";", decimal_comma=True, bom=True)
PLAIN = CsvFormat(separator=",", decimal_comma=False, bom=False)


def neutralise(text: str) -> str:
    """OWASP: a cell starting with = + - @ tab or CR gets a leading single quote (shown as text)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


Cell = str | int | Decimal | None


def cell(value: Cell, fmt: CsvFormat = BR) -> str:
    """One cell as written: numbers formatted (not neutralised), ``None`` empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("bool in a CSV cell: write 'sim'/'nao'")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if fmt.decimal_comma:
            return ptbr_number(value, None).replace(".", "")  # no thousands separator: spreadsheets read 1234,50
        return f"{value:f}"
    return neutralise(str(value))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]], fmt: CsvFormat = BR) -> str:
    """The whole file as text (the BOM included when ``fmt.bom``); encode it as UTF-8."""
    out = io.StringIO()
    if fmt.bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=fmt.separator, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([cell(v, fmt) for v in row])
    return out.getvalue()
