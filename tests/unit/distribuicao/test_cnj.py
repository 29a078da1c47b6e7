"""DIST-01: CNJ numeração única (Res. 65/2008, ISO 7064 mod 97-10) and numbering of new cases."""

import pytest
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import (
    CnjError,
    CnjNumber,
    CnjPart,
    NumberingCounter,
    allocate_number,
    check_digits,
    parse_cnj,
    parse_for_tribunal,
)
from hypothesis import given
from hypothesis import strategies as st

# Real numbers published by courts (not computed here): TRE-MT Res. 2.404/2020 and acórdão 28686,
# TJRJ and TJSP numbers quoted in public documents.
REAL_NUMBERS = [
    "0601616-19.2018.6.11.0000",
    "0600007-30.2020.6.11.0000",
    "0600587-76.2020.6.11.0027",
    "0058967-77.2016.8.19.0000",
    "1192602-55.2024.8.26.0100",
]


@pytest.mark.parametrize("text", REAL_NUMBERS)
def test_dist_01_real_published_numbers_are_valid(text):
    number = parse_cnj(text)
    assert str(number) == text
    assert check_digits(number.sequential, number.year, number.segment, number.tribunal, number.origin) == number.check


def test_dist_01_check_digit_formula_of_annex_viii():
    """DD = 98 − (NNNNNNN AAAA J TR OOOO 00 mod 97); valid iff NNNNNNN AAAA J TR OOOO DD mod 97 == 1."""
    assert 98 - (int("0600007" "2020" "6" "11" "0000") * 100) % 97 == 30
    assert int("0600007" "2020" "6" "11" "0000" "30") % 97 == 1


@given(
    st.integers(0, 9_999_999), st.integers(1990, 2099), st.integers(1, 9), st.integers(0, 99), st.integers(0, 9999)
)
def test_dist_01_built_numbers_round_trip_and_every_other_dd_is_refused(seq, year, j, tr, origin):
    number = CnjNumber.build(seq, year, j, tr, origin)
    assert 2 <= number.check <= 98
    assert parse_cnj(str(number)) == number
    assert parse_cnj(number.digits) == number
    wrong = (number.check + 1) % 100
    text = f"{seq:07d}-{wrong:02d}.{year:04d}.{j}.{tr:02d}.{origin:04d}"
    with pytest.raises(CnjError) as err:
        parse_cnj(text)
    assert err.value.part is CnjPart.DIGITOS_VERIFICADORES


def test_dist_01_a_changed_digit_is_caught():
    with pytest.raises(CnjError) as err:
        parse_cnj("0600007-30.2020.6.11.0001")
    assert err.value.part is CnjPart.DIGITOS_VERIFICADORES
    assert "30" in err.value.detail and "não conferem" in err.value.detail


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0600007-30.2020.6.11",
        "06000073020206110000X",
        "0600007-30-2020-6-11-0000",
        "600007-30.2020.6.11.0000",
        None,
    ],
)
def test_dist_01_bad_format_names_the_format(text):
    with pytest.raises(CnjError) as err:
        parse_cnj(text)
    assert err.value.part is CnjPart.FORMATO
    assert "NNNNNNN-DD.AAAA.J.TR.OOOO" in err.value.detail


def test_dist_01_segment_and_tribunal_come_from_configuration():
    config = DistribuicaoConfig()  # TRE-MT: J=6, TR=11
    assert parse_for_tribunal("0600007-30.2020.6.11.0000", config).tribunal == 11
    with pytest.raises(CnjError) as err:
        parse_for_tribunal("0058967-77.2016.8.19.0000", config)
    assert err.value.part is CnjPart.SEGMENTO and "J=8" in err.value.detail
    other_tre = str(CnjNumber.build(7, 2020, 6, 21, 0))  # TRE-RS
    with pytest.raises(CnjError) as err:
        parse_for_tribunal(other_tre, config)
    assert err.value.part is CnjPart.TRIBUNAL and "TR=21" in err.value.detail
    rs = DistribuicaoConfig(cnj_segmento=6, cnj_tribunal=21)
    assert parse_for_tribunal(other_tre, rs).tribunal == 21


def test_dist_01_numbering_is_sequential_per_origin_and_year_and_never_repeats():
    counter = NumberingCounter(origin=0, year=2026)
    seen = set()
    for expected in range(1, 501):
        number, counter = allocate_number(counter, segment=6, tribunal=11)
        assert number.sequential == expected and counter.last == expected
        assert parse_cnj(str(number), segment=6, tribunal=11) == number
        seen.add(str(number))
    assert len(seen) == 500
    zone, _ = allocate_number(NumberingCounter(origin=27, year=2026), segment=6, tribunal=11)
    assert str(zone).endswith(".2026.6.11.0027") and zone.sequential == 1


def test_dist_01_numbering_refuses_to_overflow_seven_digits():
    with pytest.raises(CnjError) as err:
        allocate_number(NumberingCounter(origin=0, year=2026, last=9_999_999), segment=6, tribunal=11)
    assert err.value.part is CnjPart.SEQUENCIAL


def test_dist_01_a_number_of_a_year_not_yet_begun_is_refused_naming_the_year():
    from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, CnjPart, parse_cnj
    future = str(CnjNumber.build(1, 2027, 6, 11, 1))
    with pytest.raises(CnjError) as refused:
        parse_cnj(future, latest_year=2026)
    assert refused.value.part is CnjPart.ANO and "2027" in refused.value.detail
    assert parse_cnj(future, latest_year=2027).year == 2027


@pytest.mark.parametrize("numero", ["0058967-77.2016.8.19.0000", "0001664-02.2015.8.10.0062"])
def test_dist_01_another_courts_number_is_valid_and_said_to_be_foreign(numero):
    from chalicelib.distribuicao.domain.cnj import ForeignCnjError, parse_cnj
    assert str(parse_cnj(numero)) == numero
    with pytest.raises(ForeignCnjError) as foreign:
        parse_cnj(numero, segment=6, tribunal=11)
    assert "número válido de outro tribunal" in foreign.value.detail and "inválid" not in foreign.value.detail
