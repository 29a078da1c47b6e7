"""PAG-10 / PAG-02 properties (hypothesis, modest example counts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from chalicelib.pagamentos.domain.memos import adjustments, paid_by_key
from chalicelib.pagamentos.domain.model import Designation, Line, Month, Period
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.pagamentos.support import make_rules, month_data

cents = st.integers(min_value=-500_000, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))
keys = st.sampled_from(["a", "b", "c", "d"])


def _line(key: str, valor: Decimal, ajuste: bool = False) -> Line:
    return Line("ferias", "PAG-09", key, key, "", Decimal(1), valor, ("ajuste|" if ajuste else "") + key, "2027-02",
                key, ajuste)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(keys, cents), st.lists(st.tuples(keys, cents), max_size=8))
def test_pag_10_after_paying_the_adjustments_nothing_is_owed(computed, payments):
    """Whatever was paid before (any lines, any amounts), paid + adjustments = computed for every key, and a
    second look owes nothing: nothing lost, nothing paid twice."""
    recomputed = [_line(k, v) for k, v in computed.items()]
    paid_lines = [_line(k, v) for k, v in payments]
    adj = adjustments("ferias", Month(2027, 2), recomputed, paid_by_key(paid_lines))
    after = paid_by_key(paid_lines + adj)
    for key in set(computed) | {k for k, _ in payments}:
        assert after.get(key, Decimal("0.00")) == computed.get(key, Decimal("0.00"))
    assert adjustments("ferias", Month(2027, 2), recomputed, after) == []


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 30), st.integers(0, 30), st.sampled_from(["1/3", "1/6"]))
def test_pag_02_never_more_than_the_fraction_of_the_subsidio(start, length, fraction):
    """A cumulação inside March pays at most fração × 27 000 (the whole month) and is monotone in its days:
    n days pay n × 900 × fração (before rounding), 31 days pay exactly fração × 27 000."""
    from fractions import Fraction

    first = date(2027, 3, 1) + timedelta(days=start)
    last = min(first + timedelta(days=length), date(2027, 3, 31))
    d = Designation("x", "cumulacao", "jz.alves", "2VC-CBA", Period(first, last), fracao=Fraction(fraction))
    [line] = make_rules().cumulacao_juizes(month_data(designations=[d]))
    days = (last - first).days + 1
    whole = Decimal(27000) * Decimal(Fraction(fraction).numerator) / Decimal(Fraction(fraction).denominator)
    expected = whole if days == 31 else (Decimal(900) * days * Decimal(Fraction(fraction).numerator)
                                         / Decimal(Fraction(fraction).denominator))
    assert line.amount == expected.quantize(Decimal("0.01")) and line.amount <= whole.quantize(Decimal("0.01"))
