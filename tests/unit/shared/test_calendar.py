"""CAL-01..03: the court calendar (dias úteis, recesso, pontos facultativos decreed after publication)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.calendar import (
    CalendarEntry,
    CourtCalendar,
    EntryKind,
    OutsideCalendarError,
    ReasonKind,
    Recesso,
    library_holidays,
)
from courtlib.config import load_tribunal_config

CUIABA = "5103403"
VARZEA_GRANDE = "5108402"

ENTRIES = (
    CalendarEntry(date(2026, 4, 8), EntryKind.FERIADO_MUNICIPAL, CUIABA, "Aniversário de Cuiabá"),
    CalendarEntry(date(2026, 5, 15), EntryKind.FERIADO_MUNICIPAL, VARZEA_GRANDE, "Aniversário de Várzea Grande"),
    CalendarEntry(date(2026, 2, 16), EntryKind.PONTO_FACULTATIVO, None, "Carnaval", decreed_on=date(2026, 1, 5)),
    CalendarEntry(date(2026, 6, 5), EntryKind.PONTO_FACULTATIVO, None, "após Corpus Christi",
                  decreed_on=date(2026, 5, 20)),
    CalendarEntry(date(2026, 7, 14), EntryKind.SEM_EXPEDIENTE, CUIABA, "falta de energia no fórum"),
    CalendarEntry(date(2026, 8, 11), EntryKind.FERIADO_TRIBUNAL, None, "Dia da Justiça"),
)


@pytest.fixture(scope="module")
def court() -> CourtCalendar:
    return CourtCalendar.from_config(load_tribunal_config("TRE-MT"), ENTRIES)


# --- CAL-01 ---------------------------------------------------------------------------------


def test_cal_01_plain_weekday_is_dia_util(court):
    assert court.is_dia_util(date(2026, 3, 10))  # a Tuesday
    assert court.reason_not_dia_util(date(2026, 3, 10)) is None


def test_cal_01_weekend_is_not_dia_util(court):
    assert not court.is_dia_util(date(2026, 3, 14))
    assert court.reason_not_dia_util(date(2026, 3, 14)) == "sábado"
    assert not court.is_dia_util(date(2026, 3, 15))
    assert court.reason_not_dia_util(date(2026, 3, 15)) == "domingo"


def test_cal_01_national_holiday_from_the_library(court):
    """Consciência Negra (20/11) is a national holiday since Lei 14.759/2023; the library knows it."""
    assert date(2026, 11, 20).weekday() == 4
    assert not court.is_dia_util(date(2026, 11, 20))
    assert court.reason_not_dia_util(date(2026, 11, 20)) == (
        "feriado nacional: Dia Nacional de Zumbi e da Consciência Negra"
    )
    assert library_holidays("MT", 2026)[date(2026, 11, 20)][0] is ReasonKind.FERIADO_NACIONAL
    assert court.reason_not_dia_util(date(2026, 4, 21)) == "feriado nacional: Tiradentes"


def test_cal_01_state_holiday_of_mt_from_the_library():
    """Before 2024, 20/11 was a state holiday of MT (not of SP): it depends on the tribunal's UF."""
    monday = date(2023, 11, 20)
    assert monday.weekday() == 0
    mt = CourtCalendar(uf="MT")
    sp = CourtCalendar(uf="SP")
    assert not mt.is_dia_util(monday)
    assert mt.reason_not_dia_util(monday) == "feriado estadual (MT): Consciência Negra"
    assert sp.is_dia_util(monday)


def test_cal_01_state_holiday_of_another_uf():
    """Revolução Constitucionalista (09/07) is a São Paulo holiday, not a Mato Grosso one."""
    thursday = date(2026, 7, 9)
    assert not CourtCalendar(uf="SP").is_dia_util(thursday)
    assert CourtCalendar(uf="SP").reasons_not_dia_util(thursday)[0].kind is ReasonKind.FERIADO_ESTADUAL
    assert CourtCalendar(uf="MT").is_dia_util(thursday)


def test_cal_01_municipal_holiday_only_in_its_municipality(court):
    day = date(2026, 4, 8)  # Wednesday
    assert not court.is_dia_util(day, CUIABA)
    assert court.reason_not_dia_util(day, CUIABA) == "feriado municipal: Aniversário de Cuiabá"
    assert court.is_dia_util(day, VARZEA_GRANDE)
    assert court.is_dia_util(day)  # the tribunal as a whole
    assert not court.is_dia_util(date(2026, 5, 15), VARZEA_GRANDE)
    assert court.is_dia_util(date(2026, 5, 15), CUIABA)


def test_cal_01_municipality_matches_by_name_without_accents():
    calendar = CourtCalendar(entries=[CalendarEntry(date(2026, 4, 8), "feriado_municipal", "Cuiabá", "Aniversário")])
    assert not calendar.is_dia_util(date(2026, 4, 8), "CUIABA")
    assert calendar.is_dia_util(date(2026, 4, 8), "Várzea Grande")


def test_cal_01_ponto_facultativo_is_not_dia_util(court):
    assert not court.is_dia_util(date(2026, 2, 16))
    assert not court.is_dia_util(date(2026, 2, 16), CUIABA)  # tribunal-wide applies everywhere
    assert court.reason_not_dia_util(date(2026, 2, 16)) == "ponto facultativo: Carnaval"


def test_cal_01_sem_expediente_is_not_dia_util(court):
    assert not court.is_dia_util(date(2026, 7, 14), CUIABA)
    assert court.reason_not_dia_util(date(2026, 7, 14), CUIABA) == "sem expediente: falta de energia no fórum"
    assert court.is_dia_util(date(2026, 7, 14), VARZEA_GRANDE)


def test_cal_01_tribunal_holiday_is_not_dia_util(court):
    assert not court.is_dia_util(date(2026, 8, 11))
    assert court.reason_not_dia_util(date(2026, 8, 11)) == "feriado do tribunal: Dia da Justiça"


def test_cal_01_all_reasons_are_listed_most_significant_first():
    calendar = CourtCalendar(entries=[
        CalendarEntry(date(2026, 12, 25), EntryKind.PONTO_FACULTATIVO, None, "Natal"),
    ])
    kinds = [reason.kind for reason in calendar.reasons_not_dia_util(date(2026, 12, 25))]
    assert kinds == [ReasonKind.FERIADO_NACIONAL, ReasonKind.RECESSO, ReasonKind.PONTO_FACULTATIVO]
    assert calendar.reason_not_dia_util(date(2026, 12, 25)) == "feriado nacional: Natal"


def test_cal_01_entries_without_municipality_for_a_municipal_holiday_are_refused():
    with pytest.raises(ValueError, match="município"):
        CalendarEntry(date(2026, 4, 8), EntryKind.FERIADO_MUNICIPAL, None, "?")
    with pytest.raises(ValueError):
        CalendarEntry(date(2026, 4, 8), "feriado", CUIABA, "?")
    with pytest.raises(ValueError):
        CalendarEntry(date(2026, 4, 8), EntryKind.SEM_EXPEDIENTE, "a#b", "?")


def test_cal_01_a_datetime_is_read_in_the_tribunal_time_zone():
    calendar = CourtCalendar()
    # 2026-03-14 01:00 UTC is still Friday 13/03 22:00 in São Paulo.
    assert calendar.is_dia_util(datetime(2026, 3, 14, 1, 0, tzinfo=UTC))
    assert not calendar.is_dia_util(datetime(2026, 3, 14, 4, 0, tzinfo=UTC))


def test_cal_01_days_outside_the_loaded_years_are_refused():
    calendar = CourtCalendar(entries=ENTRIES, years=[2026])
    assert calendar.is_dia_util(date(2026, 3, 10))
    with pytest.raises(OutsideCalendarError):
        calendar.is_dia_util(date(2027, 3, 10))


# --- CAL-02 ---------------------------------------------------------------------------------


def test_cal_02_recesso_is_not_dia_util_inclusive_and_across_the_year_end(court):
    assert date(2024, 12, 20).weekday() == 4 and date(2025, 1, 6).weekday() == 0
    assert court.is_dia_util(date(2024, 12, 19))
    assert not court.is_dia_util(date(2024, 12, 20))
    assert court.reason_not_dia_util(date(2024, 12, 20)) == "recesso forense (20/12 a 06/01)"
    assert not court.is_dia_util(date(2024, 12, 31))
    assert not court.is_dia_util(date(2025, 1, 2))
    assert not court.is_dia_util(date(2025, 1, 6))
    assert court.is_dia_util(date(2025, 1, 7))
    assert court.non_working_days(date(2024, 12, 19), date(2025, 1, 7)) == [
        date(2024, 12, 20) + timedelta(days=i) for i in range(18)
    ]


def test_cal_02_recesso_is_configurable():
    calendar = CourtCalendar(recesso=Recesso(start=(12, 22), end=(1, 2)))
    assert calendar.is_dia_util(date(2025, 12, 19))  # Friday, before the shorter recesso
    assert not calendar.is_dia_util(date(2025, 12, 22))
    assert calendar.is_dia_util(date(2026, 1, 5))
    assert not calendar.is_dia_util(date(2025, 12, 23))
    assert calendar.reason_not_dia_util(date(2025, 12, 23)) == "recesso forense (22/12 a 02/01)"
    assert CourtCalendar(recesso=None).is_dia_util(date(2025, 12, 23))


# --- CAL-03 ---------------------------------------------------------------------------------


def test_cal_03_ponto_facultativo_decreed_after_publication_is_ignored(court):
    day = date(2026, 6, 5)  # Friday; decreed on 20/05
    published_before = date(2026, 5, 10)
    assert court.is_dia_util(day, as_of=published_before)
    assert court.reason_not_dia_util(day, as_of=published_before) is None
    assert not court.is_dia_util(day, as_of=date(2026, 5, 20))  # decreed that same day: known
    assert not court.is_dia_util(day, as_of=date(2026, 5, 25))
    assert not court.is_dia_util(day)  # no publication: everything counts


def test_cal_03_only_pontos_facultativos_depend_on_the_publication_date():
    calendar = CourtCalendar(entries=[
        CalendarEntry(date(2026, 3, 10), EntryKind.SEM_EXPEDIENTE, None, "inundação", decreed_on=date(2026, 3, 9)),
    ])
    assert not calendar.is_dia_util(date(2026, 3, 10), as_of=date(2026, 2, 1))


def test_cal_03_counting_helpers_follow_the_publication_date(court):
    start, end = date(2026, 6, 1), date(2026, 6, 30)
    assert court.dias_uteis_between(start, end, as_of=date(2026, 5, 10)) == (
        court.dias_uteis_between(start, end) + 1
    )


# --- counting -------------------------------------------------------------------------------


def test_cal_01_dias_uteis_between_is_inclusive(court):
    # March 2026: 22 weekdays, no holiday.
    assert court.dias_uteis_between(date(2026, 3, 1), date(2026, 3, 31)) == 22
    assert court.dias_uteis_between(date(2026, 3, 10), date(2026, 3, 10)) == 1
    assert court.dias_uteis_between(date(2026, 3, 11), date(2026, 3, 10)) == 0
    # April 2026: 22 weekdays minus Sexta-feira Santa (03/04) and Tiradentes (21/04); minus 08/04 in Cuiabá.
    assert court.dias_uteis_between(date(2026, 4, 1), date(2026, 4, 30)) == 20
    assert court.dias_uteis_between(date(2026, 4, 1), date(2026, 4, 30), CUIABA) == 19


def test_cal_01_add_dias_uteis_skips_weekends_holidays_and_recesso(court):
    assert court.add_dias_uteis(date(2026, 3, 13), 1) == date(2026, 3, 16)  # Fri → Mon
    assert court.add_dias_uteis(date(2026, 4, 2), 1) == date(2026, 4, 6)  # over Good Friday
    assert court.add_dias_uteis(date(2024, 12, 19), 1) == date(2025, 1, 7)  # over the recesso
    assert court.add_dias_uteis(date(2026, 3, 14), 0) == date(2026, 3, 16)
    assert court.add_dias_uteis(date(2026, 3, 16), 0) == date(2026, 3, 16)
    assert court.add_dias_uteis(date(2026, 3, 16), -1) == date(2026, 3, 13)


def test_cal_01_add_dias_uteis_gives_up_when_there_is_none():
    closed = [CalendarEntry(date(2026, 1, 1) + timedelta(days=i), EntryKind.SEM_EXPEDIENTE) for i in range(1200)]
    with pytest.raises(ValueError, match="nenhum dia útil"):
        CourtCalendar(entries=closed).add_dias_uteis(date(2026, 1, 1), 1)


# --- properties -----------------------------------------------------------------------------

PLACES = st.sampled_from([None, CUIABA, VARZEA_GRANDE])
DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=150, deadline=None)
@given(a=DAYS, span=st.integers(min_value=0, max_value=120), place=PLACES)
def test_cal_01_property_between_counts_the_dias_uteis(court, a, span, place):
    b = a + timedelta(days=span)
    expected = sum(court.is_dia_util(a + timedelta(days=i), place) for i in range(span + 1))
    assert court.dias_uteis_between(a, b, place) == expected


@settings(max_examples=150, deadline=None)
@given(d=DAYS, n=st.integers(min_value=1, max_value=60), place=PLACES)
def test_cal_01_property_add_lands_on_a_dia_util_n_dias_uteis_later(court, d, n, place):
    result = court.add_dias_uteis(d, n, place)
    assert result > d
    assert court.is_dia_util(result, place)
    assert court.dias_uteis_between(d + timedelta(days=1), result, place) == n


@settings(max_examples=100, deadline=None)
@given(d=DAYS, n=st.integers(min_value=1, max_value=60), place=PLACES)
def test_cal_01_property_subtracting_mirrors_adding(court, d, n, place):
    result = court.add_dias_uteis(d, -n, place)
    assert result < d
    assert court.is_dia_util(result, place)
    assert court.dias_uteis_between(result, d - timedelta(days=1), place) == n


@settings(max_examples=300, deadline=None)
@given(d=DAYS, place=PLACES)
def test_cal_02_property_a_dia_util_is_never_weekend_nor_recesso(court, d, place):
    if court.is_dia_util(d, place):
        assert d.weekday() < 5
        assert not ((d.month, d.day) >= (12, 20) or (d.month, d.day) <= (1, 6))
        assert court.reason_not_dia_util(d, place) is None
    else:
        assert court.reason_not_dia_util(d, place)
        assert d in court.non_working_days(d, d, place)
