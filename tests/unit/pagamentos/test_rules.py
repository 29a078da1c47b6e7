"""PAG-02..09 and the posts: each amount computed by hand in the test (Decimal, 2 places, ROUND_HALF_UP).

Test pay table (support.TABLE): desembargador 30 000; juiz especial 27 000, final 24 000, inicial 21 000;
diária juiz 500; session 800; direção do foro 3 000. Pro rata over 30 days. March 2027: 1/3 Monday,
26/3 Good Friday (national holiday).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from chalicelib.pagamentos.domain.model import (
    Absence,
    Attendance,
    CompensationDays,
    CooperationBonus,
    Designation,
    Month,
    Period,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)

from tests.unit.pagamentos.support import CHAPADA, amounts, make_rules, month_data

D = date


def desig(id_, kind, pessoa, juizo, start, end, **kw) -> Designation:
    return Designation(id_, kind, pessoa, juizo, Period(D.fromisoformat(start), D.fromisoformat(end)), **kw)


# --- PAG-02 ---------------------------------------------------------------------------------------


def test_pag_02_cumulacao_one_third_pro_rata():
    """10 days holding 2VC-CBA: 27 000 / 30 = 900 a day; × 1/3 = 300; × 10 days = 3 000.00."""
    data = month_data(designations=[desig("d1", "cumulacao", "jz.alves", "2VC-CBA", "2027-03-01", "2027-03-10")])
    lines = make_rules().cumulacao_juizes(data)
    assert amounts(lines) == {"jz.alves": Decimal("3000.00")}
    assert lines[0].rule == "PAG-02" and lines[0].quantity == 10


def test_pag_02_one_sixth_when_the_designation_says_so():
    """900 × 1/6 = 150 a day × 10 = 1 500.00."""
    data = month_data(designations=[desig("d1", "cumulacao", "jz.alves", "2VC-CBA", "2027-03-01", "2027-03-10",
                                          fracao=Fraction(1, 6))])
    assert amounts(make_rules().cumulacao_juizes(data)) == {"jz.alves": Decimal("1500.00")}


def test_pag_02_halved_on_the_days_another_judge_aided():
    """jz.barros aids in 2VC-CBA on 6..10/3: 5 days × 300 + 5 days × 150 = 1 500 + 750 = 2 250.00; the aid
    itself pays jz.barros nothing (no ``gera_cumulacao``)."""
    data = month_data(designations=[
        desig("d1", "cumulacao", "jz.alves", "2VC-CBA", "2027-03-01", "2027-03-10"),
        desig("d2", "auxilio", "jz.barros", "2VC-CBA", "2027-03-06", "2027-03-20"),
    ])
    assert amounts(make_rules().cumulacao_juizes(data)) == {"jz.alves": Decimal("2250.00")}


def test_pag_02_an_aid_that_generates_cumulacao_pays_one_sixth_to_the_aiding_judge():
    """jz.barros (27 000) aids 3 days with gera_cumulacao: 900 × 1/6 × 3 = 450.00."""
    data = month_data(designations=[desig("d2", "auxilio", "jz.barros", "1VCR-CBA", "2027-03-02", "2027-03-04",
                                          gera_cumulacao=True)])
    assert amounts(make_rules().cumulacao_juizes(data)) == {"jz.barros": Decimal("450.00")}


def test_pag_02_compensation_day_counts_only_if_dia_util():
    """Compensation on 25/3 (Thursday), 26/3 (Good Friday) and 27/3 (Saturday): only 25/3 counts → 300.00."""
    data = month_data(compensations=[CompensationDays("c1", "jz.alves", "2VC-CBA", "jz.barros",
                                                      (D(2027, 3, 25), D(2027, 3, 26), D(2027, 3, 27)))])
    lines = make_rules().cumulacao_juizes(data)
    assert amounts(lines) == {"jz.alves": Decimal("300.00")} and lines[0].quantity == 1


def test_pag_02_compensation_on_a_municipal_holiday_of_the_substitute_does_not_count():
    """8/4/2027 is Cuiabá's anniversary (Thursday): jz.alves sits in Cuiabá → no line; 9/4 counts → 300.00."""
    april = Month(2027, 4)
    data = month_data(april, compensations=[CompensationDays("c1", "jz.alves", "2VC-CBA", "jz.barros",
                                                             (D(2027, 4, 8), D(2027, 4, 9)))])
    assert amounts(make_rules().cumulacao_juizes(data)) == {"jz.alves": Decimal("300.00")}


def test_pag_02_a_day_held_twice_counts_once():
    """Designation 1..2/3 and a compensation on 2/3: 2 days × 300 = 600.00, not 900."""
    data = month_data(designations=[desig("d1", "cumulacao", "jz.alves", "2VC-CBA", "2027-03-01", "2027-03-02")],
                      compensations=[CompensationDays("c1", "jz.alves", "2VC-CBA", "jz.barros", (D(2027, 3, 2),))])
    assert amounts(make_rules().cumulacao_juizes(data)) == {"jz.alves": Decimal("600.00")}


def test_pag_02_rounds_half_up_once_per_line():
    """Subsídio 9 000.90: 9 000.90 / 30 × 1/6 = 50.005 → 50.01 (ROUND_HALF_UP; half-even would give 50.00)."""
    table = {"vigencia": "2020-01-01", "subsidios": {"juiz:especial": "9000.90", "desembargador": "1"}}
    data = month_data(designations=[desig("d1", "cumulacao", "jz.alves", "2VC-CBA", "2027-03-01", "2027-03-01",
                                          fracao=Fraction(1, 6))])
    assert amounts(make_rules(tabelas=[table]).cumulacao_juizes(data)) == {"jz.alves": Decimal("50.01")}


def test_pag_02_whole_month_is_thirty_days_and_pay_tables_follow_their_vigencia():
    """Whole March (31 days) = a full month: 27 000 × 1/3 = 9 000.00. A table in force from 16/3 with
    30 000 for juiz especial: days 1..15 at 900/3 = 300, 16..31 at 1 000/3 each, scaled 30/31:
    (15 × 300 + 16 × 1000/3) × 30/31 = (4 500 + 5 333.33…) × 30/31 = 9 516.129… → 9 516.13."""
    data = month_data(designations=[desig("d1", "cumulacao", "jz.alves", "2VC-CBA", "2027-03-01", "2027-03-31")])
    assert amounts(make_rules().cumulacao_juizes(data)) == {"jz.alves": Decimal("9000.00")}
    from tests.unit.pagamentos.support import TABLE
    raise_ = {**TABLE, "vigencia": "2027-03-16", "subsidios": {**TABLE["subsidios"], "juiz:especial": "30000.00"}}
    assert amounts(make_rules(tabelas=[TABLE, raise_]).cumulacao_juizes(data)) == {"jz.alves": Decimal("9516.13")}


# --- PAG-03 ---------------------------------------------------------------------------------------

ROSTER = [Person(f"des.{n}", f"Des. {n}", "magistrado", "desembargador" if n < 8 else "jds") for n in range(10)]


def test_pag_03_exactly_ten_percent_away_is_not_more_than_ten_percent():
    """1 of 10 away = 10 %: no memo line at all."""
    data = month_data(people=ROSTER, absences=[Absence("des.0", D(2027, 3, 1), D(2027, 3, 20))])
    assert make_rules().cumulacao_desembargadores(data) == []


def test_pag_03_more_than_ten_percent_pays_one_third_to_those_away_at_most_three_days():
    """2 of 10 away = 20 % > 10 %. des.0 away 4 days (1..4/3) → nothing; des.1 away exactly 3 days (vacation
    10..12/3) → paid; the 8 present → paid. Each: 30 000 × 1/3 = 10 000.00 (JDS receive the desembargador's)."""
    data = month_data(people=ROSTER, absences=[Absence("des.0", D(2027, 3, 1), D(2027, 3, 4))],
                      vacations=[Vacation("v1", "des.1", Period(D(2027, 3, 10), D(2027, 3, 12)))])
    lines = make_rules().cumulacao_desembargadores(data)
    assert amounts(lines) == {f"des.{n}": Decimal("10000.00") for n in range(1, 10)}
    assert all(line.rule == "PAG-03" for line in lines)


def test_pag_03_open_ended_absence_counts_to_the_end_of_the_month():
    """des.0 away from 29/3 with no end (3 days: 29, 30, 31) → still ≤ 3 → paid; des.1 away all month."""
    data = month_data(people=ROSTER, absences=[Absence("des.0", D(2027, 3, 29), None),
                                               Absence("des.1", D(2027, 2, 1), None)])
    assert set(amounts(make_rules().cumulacao_desembargadores(data))) == {"des.0"} | {f"des.{n}" for n in range(2, 10)}


# --- PAG-04 ---------------------------------------------------------------------------------------


def test_pag_04_convocacao_pays_the_difference_and_nothing_for_quorum():
    """jz.campos (27 000) convoked 1..15/3: (30 000 − 27 000)/30 = 100 a day × 15 = 1 500.00.
    jz.alves convoked only for quorum → no line."""
    data = month_data(designations=[
        desig("c1", "convocacao", "jz.campos", "CAMARA-1", "2027-03-01", "2027-03-15", prejuizo=True),
        desig("c2", "convocacao", "jz.alves", "CAMARA-2", "2027-03-01", "2027-03-31", quorum=True),
    ])
    lines = make_rules().convocacao(data)
    assert amounts(lines) == {"jz.campos": Decimal("1500.00")}
    assert "com prejuízo" in lines[0].basis


def test_pag_04_vacation_days_are_not_convocação_days():
    """Vacation 11..15/3 inside the convocação 1..15/3: 10 days × 100 = 1 000.00."""
    data = month_data(designations=[desig("c1", "convocacao", "jz.campos", "CAMARA-1", "2027-03-01", "2027-03-15")],
                      vacations=[Vacation("v", "jz.campos", Period(D(2027, 3, 11), D(2027, 3, 15)))])
    assert amounts(make_rules().convocacao(data)) == {"jz.campos": Decimal("1000.00")}


# --- PAG-05 ---------------------------------------------------------------------------------------


def test_pag_05_days_substituting_in_a_higher_entrancia():
    """jz.gomes (inicial, 21 000) substitutes in entrância especial (27 000) 1..20/3: 6 000/30 = 200 × 20 =
    4 000.00. jz.esteves (final) substituting in a final comarca → nothing (not higher)."""
    data = month_data(designations=[
        desig("s1", "substituicao", "jz.gomes", "1VC-CBA", "2027-03-01", "2027-03-20", entrancia_destino="especial"),
        desig("s2", "substituicao", "jz.esteves", "2V-VGR", "2027-03-01", "2027-03-20", entrancia_destino="final"),
    ])
    assert amounts(make_rules().diferenca_entrancia(data)) == {"jz.gomes": Decimal("4000.00")}


def test_pag_05_vacation_after_six_months_of_full_substitution():
    """Full substitution in especial 1/7..27/12/2026 = 31+31+30+31+30+27 = 180 days = 6 × 30 → vacation
    1..30/3/2027 (30 days) pays 30 × 200 = 6 000.00. One day less (…26/12: 179 days) → nothing."""
    history = [desig("s0", "substituicao", "jz.gomes", "1VC-CBA", "2026-07-01", "2026-12-27",
                     entrancia_destino="especial", plena=True)]
    vacation = [Vacation("v", "jz.gomes", Period(D(2027, 3, 1), D(2027, 3, 30)))]
    data = month_data(vacations=vacation, full_substitutions={"jz.gomes": history})
    assert amounts(make_rules().diferenca_entrancia(data)) == {"jz.gomes": Decimal("6000.00")}
    short = [desig("s0", "substituicao", "jz.gomes", "1VC-CBA", "2026-07-01", "2026-12-26",
                   entrancia_destino="especial", plena=True)]
    data = month_data(vacations=vacation, full_substitutions={"jz.gomes": short})
    assert make_rules().diferenca_entrancia(data) == []


def test_pag_05_six_months_need_not_be_consecutive():
    """Two full substitutions of 90 days each (1/1..31/3/2026 = 90, 1/9..29/11/2026 = 30+31+29 = 90) → 180
    → vacation 1..10/3/2027 pays 10 × 200 = 2 000.00."""
    history = [desig("a", "substituicao", "jz.gomes", "X", "2026-01-01", "2026-03-31", entrancia_destino="especial",
                     plena=True),
               desig("b", "substituicao", "jz.gomes", "X", "2026-09-01", "2026-11-29", entrancia_destino="especial",
                     plena=True)]
    data = month_data(vacations=[Vacation("v", "jz.gomes", Period(D(2027, 3, 1), D(2027, 3, 10)))],
                      full_substitutions={"jz.gomes": history})
    assert amounts(make_rules().diferenca_entrancia(data)) == {"jz.gomes": Decimal("2000.00")}


# --- PAG-06 ---------------------------------------------------------------------------------------


def test_pag_06_diarias_over_dias_uteis_only():
    """jz.esteves in Chapada 22..28/3: Mon–Thu 22–25 are dias úteis, 26 Good Friday, 27–28 weekend →
    4 × 500 = 2 000.00."""
    data = month_data(designations=[desig("x", "diarias", "jz.esteves", "VU-CHA", "2027-03-22", "2027-03-28",
                                          municipio=CHAPADA)])
    lines = make_rules().diarias(data)
    assert amounts(lines) == {"jz.esteves": Decimal("2000.00")} and lines[0].quantity == 4


# --- PAG-07 ---------------------------------------------------------------------------------------


def _sessions():
    return [
        Session("s1", D(2027, 3, 2), (Attendance("jd.paulo", "presente"), Attendance("jur.helena", "presente"),
                                      Attendance("des.presidente", "presente"),
                                      Attendance("des.corregedora", "correicao"),
                                      Attendance("jur.otavio", "correicao"))),
        Session("s2", D(2027, 3, 9), (Attendance("jd.paulo", "presente"), Attendance("jur.helena", "ferias"),
                                      Attendance("des.presidente", "representacao"),
                                      Attendance("jf.ricardo", "representacao"),
                                      Attendance("jur.otavio", "licenca"))),
        Session("s3", D(2027, 3, 16), (Attendance("jd.paulo", "presente"), Attendance("jur.helena", "presente"),
                                       Attendance("jf.ricardo", "representacao", authorized_by_pleno=True),
                                       Attendance("jur.otavio", "ausente"))),
    ]


def test_pag_07_gratificacao_de_presenca_with_its_exceptions():
    """jd.paulo 3 sessions × 800 = 2 400.00; jur.helena: s1 present, s2 on vacation, s3 marked present but a
    vacation record covers 16/3 → 1 × 800 = 800.00; des.presidente present + representing = 1 600.00;
    des.corregedora on correição = 800.00; jf.ricardo representing unauthorised (s2) no, authorised by the
    Pleno (s3) yes = 800.00; jur.otavio: correição (not Corregedor), leave, absence → no line."""
    data = month_data(sessions=_sessions(), vacations=[Vacation("v", "jur.helena", Period(D(2027, 3, 16),
                                                                                          D(2027, 3, 20)))])
    assert amounts(make_rules().gratificacao_presenca(data)) == {
        "jd.paulo": Decimal("2400.00"), "jur.helena": Decimal("800.00"), "des.presidente": Decimal("1600.00"),
        "des.corregedora": Decimal("800.00"), "jf.ricardo": Decimal("800.00")}


# --- PAG-08 ---------------------------------------------------------------------------------------


def _bonus(id_, competencia, natureza, revisao, minutos, valor):
    return CooperationBonus(id_, "servidor.ana", "Ana", competencia, natureza, revisao, minutos, Decimal("45.00"),
                            Decimal(valor))


def test_pag_08_gratificacao_de_cooperacao_from_the_events():
    """2 400 min = 40 h × 45.00 = 1 800.00, then an ajuste of −2 h = −90.00; February's is not March's."""
    data = month_data(cooperation=[_bonus("a-r1", "2027-03", "apuracao", 1, 2400, "1800.00"),
                                   _bonus("a-r2", "2027-03", "ajuste", 2, -120, "-90.00"),
                                   _bonus("b-r1", "2027-02", "apuracao", 1, 600, "450.00")])
    lines = make_rules().gratificacao_cooperacao(data)
    assert amounts(lines) == {"a-r1": Decimal("1800.00"), "a-r2": Decimal("-90.00")}
    assert lines[0].quantity == Decimal("40.00") and sum(ln.amount for ln in lines) == Decimal("1710.00")


# --- PAG-09 ---------------------------------------------------------------------------------------


def test_pag_09_terco_constitucional_in_the_month_the_vacation_starts():
    """jz.alves (27 000) 30 days from 1/3: 27 000/30 × 30 × 1/3 = 9 000.00. A vacation that began in
    February pays nothing in March. A servant has no subsídio here → no line."""
    data = month_data(vacations=[Vacation("v1", "jz.alves", Period(D(2027, 3, 1), D(2027, 3, 30))),
                                 Vacation("v2", "jz.barros", Period(D(2027, 2, 20), D(2027, 3, 21))),
                                 Vacation("v3", "servidor.ana", Period(D(2027, 3, 1), D(2027, 3, 30)))])
    assert amounts(make_rules().ferias(data)) == {"jz.alves|terco|v1": Decimal("9000.00")}


def test_pag_09_renounced_vacation_indemnity_and_its_terco():
    """10 days renounced by jz.alves, authorised 15/3: 900 × 10 = 9 000.00 indemnity, + 1/3 = 3 000.00."""
    data = month_data(renounced=[RenouncedVacation("r1", "jz.alves", 10, D(2027, 3, 15), "2025/2026")])
    assert amounts(make_rules().ferias(data)) == {"jz.alves|renuncia|r1": Decimal("9000.00"),
                                                  "jz.alves|renuncia-terco|r1": Decimal("3000.00")}


# --- posts and the whole run -------------------------------------------------------------------------


def test_pag_01_post_with_monthly_acrescimo_pro_rata():
    """Direção do foro 3 000 a month, 1..10/3: 100 a day × 10 = 1 000.00."""
    data = month_data(designations=[desig("f", "funcao", "jz.gomes", "FORO-CHA", "2027-03-01", "2027-03-10",
                                          funcao="direcao_foro")])
    assert amounts(make_rules().funcoes(data)) == {"jz.gomes|funcao|f": Decimal("1000.00")}


def test_pag_01_build_gives_every_category_even_empty():
    built = make_rules().build(month_data())
    assert set(built) == {"cumulacao_juizes", "cumulacao_desembargadores", "convocacao", "diferenca_entrancia",
                          "diarias", "gratificacao_presenca", "gratificacao_cooperacao", "ferias", "funcoes"}
    assert all(lines == [] for lines in built.values())
