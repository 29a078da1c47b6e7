"""pt-BR formats of the documents (PAG-11 memo amounts, PLAN-04 portaria place and date)."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from courtlib.ptbr import brl, long_date, month_label, number, place_and_date


def test_pag_11_money_and_numbers_in_ptbr():
    assert (brl(Decimal("1234567.8")), brl(Decimal("-90")), brl(Decimal("0.05"))) == \
        ("R$ 1.234.567,80", "-R$ 90,00", "R$ 0,05")
    assert (number(630, None), number(Decimal("2400"), None), number(Decimal("10.50"), None)) == \
        ("630", "2.400", "10,50")
    assert month_label("2027-02") == "02/2027"


def test_plan_04_place_and_date_in_full():
    assert place_and_date("Cuiabá", date(2026, 12, 4)) == "Cuiabá, 4 de dezembro de 2026"
    assert long_date(date(2027, 3, 1)) == "1º de março de 2027"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_pag_11_brl_reads_back_as_the_same_amount(value):
    text = brl(value)
    digits = text.replace("R$ ", "").replace(".", "").replace(",", ".")
    assert Decimal(digits) == value and text.count(",") == 1
