"""Monthly scales (PLAN-01, PLAN-02, PLAN-09) and changes (PLAN-05, PLAN-06), with hand-computed months.

February 2027 starts on a Monday: weekends 6–7, 13–14, 20–21, 27–28. The test calendar adds municipal
holidays: Várzea Grande 10/02 (Wed) and 13/02 (Sat), Chapada 17/02 (Wed), Cuiabá 24/02 (Wed).
"""

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from chalicelib.plantao.domain.errors import PlantaoError, StateConflict, UncoveredDayError
from chalicelib.plantao.domain.reference import Absence
from chalicelib.plantao.domain.scales import Kind, Month, generate, impediment, swap

from tests.unit.plantao.support import CONFIG, TZ, at, calendar, reference

FEB = Month(2027, 2)


def by_rotation(scale, rotation):
    return [(p.day.day, p.magistrado) for p in scale.plantoes if p.rotation == rotation]


def test_plan_01_estadual_covers_each_non_working_day_per_region_by_juizo_order():
    scale = generate(Kind.ESTADUAL, FEB, reference(), calendar(), CONFIG, {})
    # the capital's region also takes the capital's municipal holiday (24/02)
    assert by_rotation(scale, "estadual:R1") == [
        (6, "jz.alves"), (7, "jz.barros"), (13, "jz.campos"), (14, "jz.duarte"), (20, "jz.alves"),
        (21, "jz.barros"), (24, "jz.campos"), (27, "jz.duarte"), (28, "jz.alves")]
    assert by_rotation(scale, "estadual:R2") == [
        (6, "jz.esteves"), (7, "jz.farias"), (13, "jz.gomes"), (14, "jz.esteves"), (20, "jz.farias"),
        (21, "jz.gomes"), (27, "jz.esteves"), (28, "jz.farias")]
    first = scale.plantoes[0]
    assert (first.start, first.end) == (datetime(2027, 2, 6, 11, tzinfo=TZ), datetime(2027, 2, 6, 18, tzinfo=TZ))
    assert first.juizo == "1VC-CBA" and first.juizo_nome == "1ª Vara Cível de Cuiabá"
    assert not any(p.dia_util for p in scale.plantoes)


def test_plan_01_municipal_weekday_holidays_of_the_interior_and_vara_tabelar_of_single_vara_comarca():
    scale = generate(Kind.MUNICIPAL, FEB, reference(), calendar(), CONFIG, {})
    # VGR 10/02 by juízo order; VGR 13/02 is a Saturday (absorbed by the estadual scale);
    # Chapada (single vara) is covered by its vara tabelar 1V-VGR; the capital's holiday is not municipal.
    assert [(p.day.day, p.rotation, p.magistrado, p.juizo) for p in scale.plantoes] == [
        (10, "municipal:VGR", "jz.esteves", "1V-VGR"), (17, "municipal:CHA", "jz.esteves", "1V-VGR")]
    assert scale.plantoes[0].start.time() == time(11) and scale.plantoes[0].end.time() == time(18)


def test_plan_01_noturno_every_day_18h_to_11h_by_the_four_judges_of_the_quadrimester():
    scale = generate(Kind.NOTURNO, FEB, reference(), calendar(), CONFIG, {})
    order = ["jz.alves", "jz.barros", "jz.campos", "jz.duarte"]
    assert [m for _, m in by_rotation(scale, "noturno")] == [order[n % 4] for n in range(28)]
    p = scale.plantoes[0]
    assert (p.start, p.end) == (datetime(2027, 2, 1, 18, tzinfo=TZ), datetime(2027, 2, 2, 11, tzinfo=TZ))
    assert p.dia_util is True and scale.plantoes[5].dia_util is False  # Monday 1st / Saturday 6th


def test_plan_01_noturno_without_designated_judges_is_refused_with_the_day():
    with pytest.raises(UncoveredDayError) as error:
        generate(Kind.NOTURNO, FEB, reference(night_groups=()), calendar(), CONFIG, {})
    assert error.value.day == date(2027, 2, 1) and "não tem membros" in error.value.reason


def test_plan_01_segundo_grau_inverse_seniority_without_administration_and_school_director():
    scale = generate(Kind.SEGUNDO_GRAU, FEB, reference(), calendar(), CONFIG, {})
    order = ["jur.otavio", "jur.helena", "jd.marina", "jd.paulo"]  # seniority 7, 6, 4, 3
    assert [m for _, m in by_rotation(scale, "segundo_grau")] == [order[n % 4] for n in range(28)]
    monday, saturday, holiday = scale.plantoes[0], scale.plantoes[5], scale.plantoes[23]
    assert (monday.start.time(), monday.end) == (time(18), datetime(2027, 2, 2, 11, tzinfo=TZ))
    assert (saturday.start.time(), saturday.end) == (time(11), datetime(2027, 2, 7, 11, tzinfo=TZ))
    assert holiday.day == date(2027, 2, 24) and holiday.start.time() == time(11)  # Cuiabá's holiday


def test_plan_01_a_day_nobody_can_serve_refuses_the_month_naming_day_and_reason():
    ref = reference()
    away = tuple(replace(m, absences=(Absence(date(2027, 2, 13), date(2027, 2, 14), "férias"),))
                 if m.juizo in ("1V-VGR", "2V-VGR", "VU-CHA") else m for m in ref.magistrates)
    with pytest.raises(UncoveredDayError) as error:
        generate(Kind.ESTADUAL, FEB, reference(magistrates=away), calendar(), CONFIG, {})
    assert error.value.day == date(2027, 2, 13) and error.value.rotation == "estadual:R2"
    assert "Juiz Eduardo Esteves afastado (férias)" in error.value.reason
    assert error.value.code == "PLAN-01"


def test_plan_01_an_absent_judge_is_passed_over_and_keeps_the_place_in_the_order():
    ref = reference()
    away = tuple(replace(m, absences=(Absence(date(2027, 2, 7), date(2027, 2, 7), "licença"),))
                 if m.id == "jz.barros" else m for m in ref.magistrates)
    scale = generate(Kind.ESTADUAL, FEB, reference(magistrates=away), calendar(), CONFIG, {})
    assert by_rotation(scale, "estadual:R1")[:4] == [(6, "jz.alves"), (7, "jz.campos"), (13, "jz.duarte"),
                                                      (14, "jz.alves")]


def test_plan_02_rotation_continues_across_months_and_years_and_regenerating_gives_the_same_scale():
    ref, cal = reference(), calendar()
    december = generate(Kind.NOTURNO, Month(2026, 12), ref, cal, CONFIG, {})
    january = generate(Kind.NOTURNO, Month(2027, 1), ref, cal, CONFIG, december.end)
    order = ["jz.alves", "jz.barros", "jz.campos", "jz.duarte"]
    served = [p.magistrado for p in (*december.plantoes, *january.plantoes)]
    assert served == [order[n % 4] for n in range(31 + 31)]  # never restarted on the 1st nor in the new year
    assert january.start == december.end
    again = generate(Kind.NOTURNO, Month(2027, 1), ref, cal, CONFIG, january.start)
    assert again == january


def test_plan_02_a_juizo_created_between_months_takes_its_place_without_restarting_the_order():
    ref, cal = reference(), calendar()
    february = generate(Kind.ESTADUAL, FEB, ref, cal, CONFIG, {})  # R1 ends on jz.alves (1VC)
    from chalicelib.plantao.domain.reference import Juizo, Magistrate
    bigger = reference(juizos=(*ref.juizos, Juizo("1JE-CBA", "1º Juizado de Cuiabá", "CBA", 2, "jz.novo")),
                       magistrates=(*ref.magistrates, Magistrate("jz.novo", "Juiz Novo", 30, juizo="1JE-CBA")))
    march = generate(Kind.ESTADUAL, Month(2027, 3), bigger, cal, CONFIG, february.end)
    # after 1VC (order 1) comes the new juízo (order 2), then 2VC…
    assert [m for _, m in by_rotation(march, "estadual:R1")][:3] == ["jz.novo", "jz.barros", "jz.campos"]


def test_plan_09_electoral_recesso_and_weekends_and_holidays_of_the_electoral_period_rotating_zones():
    ref, cal = reference(), calendar(entries=[])
    december = generate(Kind.ELEITORAL, Month(2026, 12), ref, cal, CONFIG, {})
    members = by_rotation(december, "eleitoral:membros")
    assert [d for d, _ in members] == list(range(20, 32))  # recesso 20/12 on (CAL-02)
    assert [m for _, m in members][:5] == ["jur.otavio", "jur.helena", "jd.marina", "jd.paulo", "jur.otavio"]
    zones = by_rotation(december, "eleitoral:5103403")
    assert [m for _, m in zones][:4] == ["jz.alves", "jz.campos", "jz.barros", "jz.alves"]  # zones 1, 37, 39
    october = generate(Kind.ELEITORAL, Month(2026, 10), ref, cal, CONFIG, {})
    assert [d for d, _ in by_rotation(october, "eleitoral:membros")] == [3, 4, 10, 11, 12, 17, 18, 24, 25, 31]
    november = generate(Kind.ELEITORAL, Month(2026, 11), ref, cal, CONFIG, october.end)
    assert november.plantoes == ()  # outside the period and the recesso: no electoral plantão


# --- PLAN-05 swap -----------------------------------------------------------------------------------------


@pytest.fixture
def february():
    return generate(Kind.ESTADUAL, FEB, reference(), calendar(), CONFIG, {})


def test_plan_05_swap_exchanges_the_two_magistrates_and_keeps_the_turns(february):
    a, b = "2027-02-06#estadual:R1", "2027-02-13#estadual:R1"
    changed = swap(february, a, "jz.alves", b, "jz.campos", reference(), at(date(2027, 2, 1)))
    assert (changed.plantao(a).magistrado, changed.plantao(b).magistrado) == ("jz.campos", "jz.alves")
    assert changed.plantao(a).juizo == "1VCR-CBA" and changed.plantao(a).origem == "permuta"
    assert changed.plantao(a).turn == february.plantao(a).turn and changed.end == february.end


def test_plan_05_swap_with_someone_not_on_the_scale_or_after_the_plantao_is_refused(february):
    a, b = "2027-02-06#estadual:R1", "2027-02-13#estadual:R1"
    with pytest.raises(PlantaoError, match="não está na escala") as error:
        swap(february, a, "jz.alves", b, "jd.paulo", reference(), at(date(2027, 2, 1)))
    assert error.value.field == "magistrado_b" and error.value.code == "PLAN-05"
    with pytest.raises(PlantaoError, match="já começou"):
        swap(february, a, "jz.alves", b, "jz.campos", reference(), at(date(2027, 2, 6), 12))
    with pytest.raises(PlantaoError, match="não está na escala"):
        swap(february, a, "jz.alves", "2027-02-08#estadual:R1", "jz.campos", reference(), at(date(2027, 2, 1)))


def test_plan_05_swap_refused_when_a_magistrate_is_away_on_the_other_day(february):
    ref = reference()
    away = tuple(replace(m, absences=(Absence(date(2027, 2, 13), date(2027, 2, 13), "férias"),))
                 if m.id == "jz.alves" else m for m in ref.magistrates)
    with pytest.raises(PlantaoError, match="afastado"):
        swap(february, "2027-02-06#estadual:R1", "jz.alves", "2027-02-13#estadual:R1", "jz.campos",
             reference(magistrates=away), at(date(2027, 2, 1)))


# --- PLAN-06 impediment -----------------------------------------------------------------------------------


def test_plan_06_impediment_anticipates_the_first_of_next_month_and_next_month_continues_after_them(february):
    ref, cal = reference(), calendar()
    # R1 ends February on jz.alves; the first of March would be jz.barros
    changed, new = impediment(february, "2027-02-14#estadual:R1", ref, cal, CONFIG, at(date(2027, 2, 1)))
    assert (new.magistrado, new.origem) == ("jz.barros", "impedimento")
    assert changed.plantao("2027-02-14#estadual:R1").magistrado == "jz.barros"
    march = generate(Kind.ESTADUAL, Month(2027, 3), ref, cal, CONFIG, changed.end)
    assert by_rotation(march, "estadual:R1")[0][1] == "jz.campos"  # barros' turn was anticipated
    untouched = generate(Kind.ESTADUAL, Month(2027, 3), ref, cal, CONFIG, february.end)
    assert by_rotation(untouched, "estadual:R1")[0][1] == "jz.barros"


def test_plan_06_the_impeded_magistrate_is_never_their_own_substitute(february):
    # the 13th is jz.campos; make the first of next month jz.campos too by moving the end position
    moved = replace(february, end={**february.end, "estadual:R1": "0001#CBA#0002#2VC-CBA"})
    _, new = impediment(moved, "2027-02-13#estadual:R1", reference(), calendar(), CONFIG, at(date(2027, 2, 1)))
    assert new.magistrado == "jz.duarte"


def test_plan_06_impediment_of_a_past_plantao_is_refused(february):
    with pytest.raises(PlantaoError, match="já terminou"):
        impediment(february, "2027-02-06#estadual:R1", reference(), calendar(), CONFIG, at(date(2027, 2, 7)))


def test_plan_06_nobody_can_substitute_is_a_conflict(february):
    ref = reference()
    away = tuple(replace(m, absences=(Absence(date(2027, 2, 14), date(2027, 2, 14), "férias"),))
                 if m.juizo and m.juizo.endswith("CBA") and m.id != "jz.duarte" else m for m in ref.magistrates)
    with pytest.raises(StateConflict):
        impediment(february, "2027-02-14#estadual:R1", reference(magistrates=away), calendar(), CONFIG,
                   at(date(2027, 2, 1)))


def test_plan_02_month_parsing_and_neighbours():
    assert Month.parse("2026-12").next() == Month(2027, 1) and Month(2027, 1).previous() == Month(2026, 12)
    assert len(Month(2028, 2).days()) == 29
    with pytest.raises(ValueError):
        Month.parse("2027-13")
    assert timedelta(0) == Month(2027, 3).first - date(2027, 3, 1)


def test_cal_03_a_ponto_facultativo_decreed_after_publication_keeps_the_scale_and_anticipates_next_month():
    from chalicelib.plantao.domain.scales import cover_new_days

    from courtlib.calendar import CalendarEntry, EntryKind

    ref = reference()
    published = generate(Kind.ESTADUAL, FEB, ref, calendar(entries=[]), CONFIG, {})
    decreed = calendar(entries=[CalendarEntry(date(2027, 2, 16), EntryKind.PONTO_FACULTATIVO, None, "Carnaval",
                                              date(2027, 2, 10))])
    changed, added = cover_new_days(published, ref, decreed, CONFIG, at(date(2027, 2, 10)))
    assert [(p.day.day, p.rotation, p.magistrado, p.origem) for p in added] == [
        (16, "estadual:R1", "jz.alves", "antecipacao"), (16, "estadual:R2", "jz.gomes", "antecipacao")]
    assert [p for p in changed.plantoes if p.origem == "escala"] == list(published.plantoes)  # nothing rebuilt
    march = generate(Kind.ESTADUAL, Month(2027, 3), ref, decreed, CONFIG, changed.end)
    assert by_rotation(march, "estadual:R1")[0][1] == "jz.barros"  # alves' turn was anticipated to 16/02
    again, none = cover_new_days(changed, ref, decreed, CONFIG, at(date(2027, 2, 10)))
    assert none == [] and again == changed
    _, late = cover_new_days(published, ref, decreed, CONFIG, at(date(2027, 2, 16), 12))
    assert late == []  # the day already started: nothing added
