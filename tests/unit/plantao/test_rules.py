"""Embargo (PLAN-03), portarias (PLAN-04), compensation credits and uses (PLAN-07, PLAN-08)."""

from dataclasses import replace
from datetime import date, datetime

import pytest
from chalicelib.plantao.config import PlantaoConfig
from chalicelib.plantao.domain.compensation import (
    CreditKind,
    LedgerEntry,
    balance,
    check_use,
    credit_for_duty,
    credit_for_event,
)
from chalicelib.plantao.domain.embargo import disclosed, disclosure_day, fully_disclosed
from chalicelib.plantao.domain.errors import PlantaoError
from chalicelib.plantao.domain.portaria import Signatory, build_portaria, next_number, portaria_text, series_for
from chalicelib.plantao.domain.reference import Absence
from chalicelib.plantao.domain.scales import Kind, Month, generate

from tests.unit.plantao.support import CONFIG, TZ, calendar, reference


def test_plan_03_names_are_disclosed_from_five_days_before_never_at_six():
    day = date(2027, 2, 20)
    assert disclosure_day(day, 5) == date(2027, 2, 15)
    assert not disclosed(day, date(2027, 2, 14), 5)  # D-6
    assert disclosed(day, date(2027, 2, 15), 5)  # D-5
    assert disclosed(day, date(2027, 2, 21), 5)  # after the plantão
    assert not disclosed(day, date(2027, 2, 9), 10) and disclosed(day, date(2027, 2, 10), 10)  # configurable
    assert fully_disclosed([date(2027, 2, 6), day], date(2027, 2, 15), 5)
    assert not fully_disclosed([date(2027, 2, 6), day], date(2027, 2, 14), 5)


def test_plan_04_series_M_for_capital_and_second_degree_MI_for_the_interior():
    assert series_for(Kind.ESTADUAL, CONFIG) == "MI" and series_for(Kind.MUNICIPAL, CONFIG) == "MI"
    assert series_for(Kind.NOTURNO, CONFIG) == "M" and series_for(Kind.SEGUNDO_GRAU, CONFIG) == "M"
    assert series_for(Kind.NOTURNO, PlantaoConfig(portaria_serie_capital="MC")) == "MC"


def test_plan_04_numbering_per_series_and_year_and_the_text_lists_every_designation():
    first = next_number("M", 2027, None)
    assert (first.number, first.label) == (1, "Portaria M nº 1/2027")
    assert next_number("M", 2027, 41).number == 42
    scale = generate(Kind.SEGUNDO_GRAU, Month(2027, 2), reference(), calendar(), CONFIG, {})
    portaria = build_portaria(first, tribunal="Tribunal Regional Eleitoral de Mato Grosso", kind=Kind.SEGUNDO_GRAU,
                              month=scale.month, plantoes=scale.plantoes, motivo="escala mensal",
                              signatory=Signatory("Desembargador Carlos Almeida", "Presidente"), place="Cuiabá",
                              issued_at=datetime(2027, 1, 20, 10, tzinfo=TZ))
    text = portaria_text(portaria)
    assert "PORTARIA M Nº 1/2027" in text and "fevereiro de 2027" in text
    assert text.count("\n01/02/2027 | 18h às 11h de 02/02 | 2º grau | Jurista Otávio Nunes | ") == 1
    assert len([line for line in text.splitlines() if line.count(" | ") == 4]) == 28 + 1  # the shifts + heading


def test_plan_07_credits_two_days_per_plantao_on_a_non_working_day_none_on_a_dia_util():
    assert credit_for_duty(dia_util=False, config=CONFIG) == 2
    assert credit_for_duty(dia_util=True, config=CONFIG) == 0
    assert credit_for_duty(dia_util=False, config=PlantaoConfig(compensacao_dias_uteis_por_plantao=3)) == 3


def test_plan_07_social_action_counts_only_on_a_non_working_day_and_cedes_only_for_desembargadores():
    ref, cal = reference(), calendar()
    alves, paulo = ref.magistrate("jz.alves"), ref.magistrate("jd.paulo")
    credit = credit_for_event(CreditKind.ACAO_SOCIAL, alves, date(2027, 2, 6), ref, cal, CONFIG, today=date(2027, 3, 1))
    assert credit == 2
    with pytest.raises(PlantaoError, match="dia útil") as error:
        credit_for_event(CreditKind.ACAO_SOCIAL, alves, date(2027, 2, 8), ref, cal, CONFIG, today=date(2027, 3, 1))
    assert error.value.code == "PLAN-07"
    assert credit_for_event(CreditKind.CEDES, paulo, date(2027, 2, 8), ref, cal, CONFIG, today=date(2027, 3, 1)) == 1
    with pytest.raises(PlantaoError, match="CEDES"):
        credit_for_event(CreditKind.CEDES, alves, date(2027, 2, 8), ref, cal, CONFIG, today=date(2027, 3, 1))


@pytest.mark.parametrize("kind", [CreditKind.ACAO_SOCIAL, CreditKind.CEDES])
def test_plan_07_an_event_that_has_not_happened_yet_credits_nothing(kind):
    ref, cal = reference(), calendar()
    with pytest.raises(PlantaoError, match="ainda não aconteceu") as error:
        credit_for_event(kind, ref.magistrate("jd.paulo"), date(2027, 2, 6), ref, cal, CONFIG, today=date(2027, 2, 5))
    assert error.value.code == "PLAN-07" and error.value.field == "data"


def test_plan_07_balance_is_the_sum_of_the_ledger():
    entries = [LedgerEntry("a", "jz.alves", date(2027, 2, 6), 2, "plantao", "x"),
               LedgerEntry("b", "jz.alves", date(2027, 2, 7), 2, "plantao", "y"),
               LedgerEntry("c", "jz.alves", date(2027, 3, 3), -3, "uso", "z")]
    assert balance(entries) == 1


def test_plan_08_use_only_on_dias_uteis_within_the_balance_naming_a_titular_substitute():
    ref, cal = reference(), calendar()
    alves, barros = ref.magistrate("jz.alves"), ref.magistrate("jz.barros")
    assert check_use(alves, [date(2027, 2, 9), date(2027, 2, 8)], barros, 2, ref, cal) == [date(2027, 2, 8),
                                                                                          date(2027, 2, 9)]
    with pytest.raises(PlantaoError) as error:  # Saturday
        check_use(alves, [date(2027, 2, 8), date(2027, 2, 6)], barros, 4, ref, cal)
    assert error.value.code == "PLAN-08" and error.value.field == "dias.1"
    assert "2027-02-06 não é dia útil (sábado)" in error.value.detail and "Saldo: 4" in error.value.detail
    with pytest.raises(PlantaoError) as error:  # Cuiabá's municipal holiday counts for a Cuiabá judge
        check_use(alves, [date(2027, 2, 24)], barros, 4, ref, cal)
    assert "feriado municipal" in error.value.detail
    with pytest.raises(PlantaoError) as error:  # beyond the balance
        check_use(alves, [date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 11)], barros, 2, ref, cal)
    assert error.value.extra == {"dia": "2027-02-11", "saldo": 2} and "tem 2 dia(s)" in error.value.detail


def test_plan_08_substitute_must_be_another_titular_present_on_those_days():
    ref, cal = reference(), calendar()
    alves = ref.magistrate("jz.alves")
    days = [date(2027, 2, 8)]
    with pytest.raises(PlantaoError, match="substitui"):
        check_use(alves, days, None, 2, ref, cal)
    with pytest.raises(PlantaoError, match="próprio"):
        check_use(alves, days, alves, 2, ref, cal)
    away = replace(ref.magistrate("jz.barros"), absences=(Absence(date(2027, 2, 8), date(2027, 2, 8), "férias"),))
    with pytest.raises(PlantaoError, match="afastado"):
        check_use(alves, days, away, 2, ref, cal)
    with pytest.raises(PlantaoError, match="Dia repetido"):
        check_use(alves, days * 2, ref.magistrate("jz.barros"), 2, ref, cal)


def test_plan_01_reference_data_check_names_every_inconsistency():
    from chalicelib.plantao.domain.reference import Juizo, Magistrate

    ref = reference()
    assert ref.check() == []
    broken = reference(
        juizos=(*ref.juizos, Juizo("1VC-CBA", "Duplicada", "CBA", 9), Juizo("X", "X", "NADA", 1, "ninguem")),
        magistrates=(*ref.magistrates, Magistrate("jz.sem", "Juiz Sem Vara", 99, juizo="VARA-INEXISTENTE")),
    )
    assert broken.check() == ["juízo 1VC-CBA repetido", "magistrado jz.sem: juízo VARA-INEXISTENTE desconhecido",
                              "juízo X: comarca NADA desconhecida", "juízo X: magistrado ninguem desconhecido"]
