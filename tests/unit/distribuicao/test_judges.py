"""Who can be drawn on a day, and the revisor (DIST-02, DIST-05, DIST-06, DIST-07)."""

from datetime import date, timedelta

import pytest
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.errors import StateError
from chalicelib.distribuicao.domain.judges import (
    Absence,
    Exclusion,
    Judge,
    Orgao,
    Seat,
    draw_eligibility,
    revisor_for,
    seniority_successor,
)

from tests.unit.distribuicao.support import DAY, absent, pleno


def ids(statuses):
    return [s.id for s in statuses]


def test_dist_02_president_is_never_eligible():
    eligible, excluded = draw_eligibility(pleno(), DAY)
    assert ids(eligible) == ["C2", "C3", "C4", "C5", "C6", "C7"]
    assert excluded == {"C1": Exclusion.PRESIDENTE}


def test_dist_06_eventual_absence_keeps_distribution_to_titular_autos_to_substitute():
    orgao = pleno(J2=absent(DAY - timedelta(days=3), DAY + timedelta(days=10)))
    status = orgao.status("C2", DAY)
    assert status.exclusion is None
    assert status.relator.id == "J2" and status.acting.id == "S2"
    eligible, _ = draw_eligibility(orgao, DAY)
    assert "C2" in ids(eligible)
    assert orgao.status("C2", DAY + timedelta(days=11)).acting.id == "J2"  # back: autos return to him


def test_dist_06_absent_titular_without_substitute_is_not_drawn():
    orgao = pleno(J4=absent(DAY - timedelta(days=2)))
    status = orgao.status("C4", DAY)
    assert status.acting is None and status.unavailable_since == DAY - timedelta(days=2)
    _, excluded = draw_eligibility(orgao, DAY)
    assert excluded["C4"] == Exclusion.AUSENTE_SEM_SUBSTITUTO


def test_dist_06_vacancy_sends_distribution_to_the_substitute():
    orgao = pleno(J3={"mandate_end": DAY - timedelta(days=1)})
    status = orgao.status("C3", DAY)
    assert status.titular is None and status.relator.id == "S3" and status.acting.id == "S3"
    assert "C3" in ids(draw_eligibility(orgao, DAY)[0])
    no_sub = pleno(J5={"mandate_end": DAY - timedelta(days=4)})
    status = no_sub.status("C5", DAY)
    assert status.exclusion == Exclusion.CARGO_VAGO_SEM_SUBSTITUTO
    assert status.unavailable_since == DAY - timedelta(days=3)  # first day without titular


def test_dist_06_no_distribution_in_the_30_days_before_the_mandate_ends_when_substitute_post_is_vacant():
    end = DAY + timedelta(days=30)
    orgao = pleno(J6={"mandate_end": end})  # C6 has no substitute
    assert orgao.status("C6", DAY).exclusion == Exclusion.FIM_DE_MANDATO
    assert orgao.status("C6", DAY - timedelta(days=1)).exclusion is None  # 31 days before: still drawn
    assert orgao.status("C6", end).exclusion == Exclusion.FIM_DE_MANDATO
    with_sub = pleno(J2={"mandate_end": end})  # C2 has a substitute: the rule does not apply
    assert with_sub.status("C2", DAY).exclusion is None
    shorter = DistribuicaoConfig(fim_mandato_sem_distribuicao_dias=10)
    assert orgao.status("C6", DAY, shorter).exclusion is None


def test_dist_05_action_against_act_of_the_court_excludes_the_relator_of_the_impugned_decision():
    eligible, excluded = draw_eligibility(pleno(), DAY, {"J5": Exclusion.RELATOR_DECISAO_IMPUGNADA})
    assert "C5" not in ids(eligible)
    assert excluded["C5"] == Exclusion.RELATOR_DECISAO_IMPUGNADA


def test_dist_04_impeded_acting_substitute_excludes_the_seat():
    orgao = pleno(J2=absent(DAY))
    eligible, excluded = draw_eligibility(orgao, DAY, {"S2": Exclusion.IMPEDIMENTO})
    assert excluded["C2"] == Exclusion.IMPEDIMENTO


def test_dist_07_revisor_follows_relator_in_decreasing_seniority_wrapping_and_skipping_president():
    orgao = pleno()
    assert revisor_for(orgao, "J3", DAY).id == "J4"
    assert revisor_for(orgao, "J7", DAY).id == "J2"  # after the most recent comes the most senior (J1 presides)
    assert revisor_for(orgao, "J3", DAY, excluded={"J4"}).id == "J5"  # art. 45 §1º
    assert seniority_successor(orgao, "J1", DAY).id == "J2"


def test_dist_07_revisor_skips_a_seat_where_nobody_can_act_and_uses_the_vacancy_substitute():
    orgao = pleno(J4=absent(DAY), J5={"mandate_end": DAY - timedelta(days=1)}, substitutes=("C2", "C3", "C5"))
    # C4: titular away without substitute (skipped); C5 vacant: its substitute S5 relates, seniority 15
    assert revisor_for(orgao, "J3", DAY).id == "J6"
    assert revisor_for(orgao, "J7", DAY).id == "S5"
    assert revisor_for(orgao, "S5", DAY).id == "J2"


def test_orgao_refuses_inconsistent_data():
    seats = (Seat("C1"),)
    with pytest.raises(StateError):
        Orgao("X", seats, (Judge("A", "A", 1, "C9"),))
    two = Orgao("X", seats, (Judge("A", "A", 1, "C1"), Judge("B", "B", 2, "C1")))
    with pytest.raises(StateError, match="mais de um titular"):
        two.status("C1", DAY)
    later = Orgao(
        "X",
        seats,
        (Judge("A", "A", 1, "C1", mandate_end=DAY), Judge("B", "B", 2, "C1", mandate_start=DAY + timedelta(days=1))),
    )
    assert later.status("C1", DAY).titular.id == "A"
    assert later.status("C1", DAY + timedelta(days=1)).titular.id == "B"


def test_absence_bounds_are_inclusive():
    a = Absence(date(2026, 3, 1), date(2026, 3, 5))
    assert a.covers(date(2026, 3, 1)) and a.covers(date(2026, 3, 5)) and not a.covers(date(2026, 3, 6))
    assert Absence(date(2026, 3, 1)).covers(date(2030, 1, 1))
