"""Distribution use cases: draw, prevention, redistribution, manual draw, absences (DIST-02..07, 09, 11)."""

import math
import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import (
    ActionKind,
    AssignedCase,
    DistributionRequest,
    OrgaoState,
    PreventionKind,
    RedistributionReason,
    RelatedCase,
    Rule,
    distribute,
    execute_all,
    manual_draw,
    opening_balance,
    plan_absences,
    redistribute,
    replace_revisor,
)
from chalicelib.distribuicao.domain.equality import Counters, class_spread, select_candidates
from chalicelib.distribuicao.domain.errors import (
    DistribuicaoError,
    ManualDrawError,
    NoEligibleJudgeError,
    SeedError,
    StateError,
)
from chalicelib.distribuicao.domain.judges import Exclusion, Judge
from chalicelib.distribuicao.domain.log import verify_chain
from chalicelib.distribuicao.domain.randomness import DailySeed, derive_value, pick_index

from tests.unit.distribuicao.support import (
    DAY,
    NOW,
    absent,
    at,
    case,
    cnj,
    draw_many,
    export,
    load_verifier,
    pleno,
    seed_for,
)

SEED = seed_for(DAY)
ACTIVE = ["C2", "C3", "C4", "C5", "C6", "C7"]


def dist(state, request, **kw):
    return distribute(state, request, seed=kw.pop("seed", SEED), now=kw.pop("now", NOW), **kw)


def test_dist_02_draw_records_eligible_counts_value_and_result():
    state = OrgaoState(pleno(), Counters({"C2": {"RE": 1}, "C3": {"RE": 1, "PC": 2}}))
    decision = dist(state, DistributionRequest(case(10)))
    record = decision.record
    assert record.mode == "sorteio" and record.rule == Rule.DISTRIBUICAO
    assert record.eligible == tuple(ACTIVE) and record.excluded == (("C1", Exclusion.PRESIDENTE),)
    assert record.counts_before["C3"] == (1, 3)
    assert record.candidates == ("C4", "C5", "C6", "C7")
    value = derive_value(SEED.seed, "TRE-MT:PLENO", cnj(10).digits, 1)
    assert record.value == value.hex() and record.index == pick_index(value, 4)
    assert decision.unit == record.candidates[record.index] == record.result.unit
    assert decision.deltas == tuple(d for d in record.deltas) and decision.deltas[0].delta == 1
    assert decision.expected_head == state.head and decision.new_head.seq == 1
    assert decision.relator_id == "J" + decision.unit[1:]
    assert record.draw_id == "TRE-MT:PLENO#1"
    with pytest.raises(DistribuicaoError, match="classe"):
        case(11, " ")


def test_dist_02_alternation_one_round_gives_one_case_to_each_and_the_president_none():
    state, decisions = draw_many(OrgaoState(pleno()), ["RE"] * 12)
    winners = [d.unit for d in decisions]
    assert sorted(winners[:6]) == ACTIVE and sorted(winners[6:]) == ACTIVE
    assert "C1" not in winners
    assert class_spread(state.counters, ACTIVE, "RE") == 0


def test_dist_02_per_class_equality_and_lowest_total_tie_break():
    state, _ = draw_many(OrgaoState(pleno()), ["RE", "RE", "PC", "RE", "HC", "PC", "RE", "RE", "PC", "MS"] * 3)
    for classe in ("RE", "PC", "HC", "MS"):
        assert class_spread(state.counters, ACTIVE, classe) <= 1
    totals = [state.counters.total(s) for s in ACTIVE]
    assert max(totals) - min(totals) <= 2


def test_dist_11_the_draw_is_reproducible_and_bound_to_the_day_seed():
    state = OrgaoState(pleno())
    a = dist(state, DistributionRequest(case(1)))
    b = dist(state, DistributionRequest(case(1)))
    assert (a.record.value, a.record.index, a.unit) == (b.record.value, b.record.index, b.unit)
    assert a.record.details_hash != b.record.details_hash  # fresh salt: secret names cannot be guessed
    with pytest.raises(SeedError, match="semente é do dia"):
        dist(state, DistributionRequest(case(1)), seed=seed_for(DAY - timedelta(days=1)))
    with pytest.raises(Exception, match="fuso"):
        dist(state, DistributionRequest(case(1)), now=NOW.replace(tzinfo=None))


def test_no_eligible_judge_is_a_domain_error_with_the_reasons():
    orgao = pleno(substitutes=(), **{f"J{n}": absent(DAY) for n in range(2, 8)})
    with pytest.raises(NoEligibleJudgeError) as err:
        dist(OrgaoState(orgao), DistributionRequest(case(1)))
    assert err.value.reasons["C1"].startswith("o Presidente")
    assert "sem substituto" in err.value.reasons["C4"]
    assert "nenhum juiz elegível" in err.value.detail


# ---------------------------------------------------------------------------------------------
# DIST-03 prevention


def related(relator="J4", seat="C4", **kw):
    return RelatedCase(cnj(900), kw.pop("kind", PreventionKind.CONEXAO), relator, seat, **kw)


def test_dist_03_prevention_assigns_without_draw_and_is_compensated():
    state, _ = draw_many(OrgaoState(pleno()), ["RE"] * 6)  # everyone has 1
    decision = dist(state, DistributionRequest(case(50), related=related()))
    assert decision.unit == "C4" and decision.record.mode == "atribuicao" and decision.record.rule == Rule.PREVENCAO
    assert decision.record.value is None and decision.record.reference == str(cnj(900))
    state = state.apply(decision)
    assert state.counters.count("C4", "RE") == 2
    # compensation: the next five draws go to the other five, never to C4
    state, decisions = draw_many(state, ["RE"] * 5, first=60)
    assert sorted(d.unit for d in decisions) == ["C2", "C3", "C5", "C6", "C7"]
    assert class_spread(state.counters, ACTIVE, "RE") == 0


def test_dist_03_relator_who_lost_the_vote_passes_prevention_to_the_writer_of_the_acordao():
    decision = dist(OrgaoState(pleno()), DistributionRequest(case(1), related=related(acordao_writer_id="J6")))
    assert decision.unit == "C6" and decision.relator_id == "J6"


def test_dist_03_no_prevention_when_the_judge_left_the_court():
    orgao = pleno(J4={"mandate_end": DAY - timedelta(days=40)})  # C4 vacant, no substitute
    decision = dist(OrgaoState(orgao), DistributionRequest(case(1), related=related(pending=False)))
    assert decision.record.mode == "sorteio" and "não compõe mais" in decision.record.reason
    # a pending related case: the judge who took the seat is prevented (RI art. 38 §1º VI)
    orgao = pleno(J4={"mandate_end": DAY - timedelta(days=40)})
    newcomer = Judge("J8", "Juiz 8", 8, "C4", mandate_start=DAY - timedelta(days=39))
    orgao = replace(orgao, judges=(*orgao.judges, newcomer))
    decision = dist(OrgaoState(orgao), DistributionRequest(case(1), related=related(pending=True)))
    assert decision.record.rule == Rule.PREVENCAO and decision.relator_id == "J8"


def test_dist_03_apuracao_appeal_prevention_is_not_compensated():
    request = DistributionRequest(case(1), related=related(kind=PreventionKind.APURACAO_ART_260))
    decision = dist(OrgaoState(pleno()), request)
    assert decision.record.rule == Rule.PREVENCAO_SEM_COMPENSACAO and decision.deltas == ()


def test_dist_03_prevention_to_an_impeded_judge_or_to_the_president_falls_back_to_the_draw():
    state = OrgaoState(pleno())
    impeded = DistributionRequest(case(1), related=related(), excluded_judges={"J4": Exclusion.IMPEDIMENTO})
    decision = dist(state, impeded)
    assert decision.record.mode == "sorteio" and "C4" not in decision.record.eligible
    decision = dist(state, DistributionRequest(case(2), related=related("J1", "C1")))
    assert decision.record.mode == "sorteio" and "Presidência" in decision.record.reason


# ---------------------------------------------------------------------------------------------
# DIST-04 redistribution, DIST-07 revisor


def assigned_from(decision, c):
    return decision.assigned(c)


def test_dist_04_impediment_new_draw_excluding_the_judge_compensates_both_and_voids_acts():
    state = OrgaoState(pleno())
    c = case(1)
    first = dist(state, DistributionRequest(c))
    state = state.apply(first)
    old = first.unit
    decision = redistribute(state, assigned_from(first, c), RedistributionReason.IMPEDIMENTO, seed=SEED, now=NOW)
    assert decision.unit != old and old not in decision.record.eligible
    assert dict(decision.record.excluded)[old] == Exclusion.IMPEDIMENTO
    assert {(d.unit, d.delta) for d in decision.deltas} == {(old, -1), (decision.unit, 1)}
    assert decision.voids_acts_of == first.relator_id
    assert decision.record.previous.unit == old and decision.record.rule == Rule.REDISTRIBUICAO_IMPEDIMENTO
    state = state.apply(decision)
    assert state.counters.count(old, "RE") == 0 and state.counters.count(decision.unit, "RE") == 1
    # the judge who lost the case is owed one: he is the only candidate of the next RE draw
    nxt = dist(state, DistributionRequest(case(2)))
    assert old in nxt.record.candidates
    mistake = redistribute(state, assigned_from(decision, c), RedistributionReason.ERRO, seed=SEED, now=NOW)
    assert mistake.voids_acts_of is None and mistake.record.rule == Rule.REDISTRIBUICAO_ERRO


def test_dist_04_revisor_with_visto_receives_the_case_after_upheld_suspicion():
    c = case(1, "RCED")
    a = AssignedCase(c, "C3", "J3", revisor_id="J4", revisor_has_visto=True)
    decision = redistribute(OrgaoState(pleno()), a, RedistributionReason.SUSPEICAO, seed=SEED, now=NOW)
    assert decision.record.rule == Rule.REDISTRIBUICAO_REVISOR_VISTO and decision.relator_id == "J4"
    assert decision.revisor_id == "J5"  # the revisor follows the new relator (art. 45 §2º)
    assert {(d.unit, d.delta) for d in decision.deltas} == {("C3", -1), ("C4", 1)}


def test_dist_07_revisor_classes_get_the_next_judge_in_seniority():
    decision = dist(OrgaoState(pleno()), DistributionRequest(case(1, "AIME")))
    relator = int(decision.relator_id[1:])
    assert decision.revisor_id == f"J{relator + 1 if relator < 7 else 2}"
    assert decision.record.result.revisor_name is not None
    plain = dist(OrgaoState(pleno()), DistributionRequest(case(1, "RE")))
    assert plain.revisor_id is None
    forced = dist(OrgaoState(pleno()), DistributionRequest(replace(case(1, "AP"), needs_revisor=True)))
    assert forced.revisor_id is not None


def test_dist_07_impeded_revisor_is_replaced_by_the_next_in_seniority():
    a = AssignedCase(case(1, "RvC"), "C6", "J6", revisor_id="J7")
    decision = replace_revisor(OrgaoState(pleno()), a, now=NOW)
    assert decision.revisor_id == "J2" and decision.relator_id == "J6" and decision.deltas == ()
    assert decision.record.rule == Rule.SUBSTITUICAO_REVISOR


# ---------------------------------------------------------------------------------------------
# DIST-09 manual draw


def manual(state, chosen, **kw):
    args = dict(
        chosen_seat=chosen, witnesses=["Maria Servidora", "João Servidor"], ata="Ata 1/2026",
        authorized_by="Presidente", held_at=NOW - timedelta(hours=2), now=NOW,
    )
    args.update(kw)
    return manual_draw(state, DistributionRequest(case(kw.pop("n", 1))), **args)


def test_dist_09_manual_draw_needs_two_witnesses_and_the_ata_and_counts_like_any_other():
    state = OrgaoState(pleno(), Counters({s: {"RE": 1} for s in ["C2", "C3", "C4", "C5"]}))
    with pytest.raises(ManualDrawError, match="2 testemunhas"):
        manual(state, "C6", witnesses=["Maria", "Maria"])
    with pytest.raises(ManualDrawError, match="ata"):
        manual(state, "C6", ata=" ")
    with pytest.raises(ManualDrawError, match="sorteáveis"):
        manual(state, "C2")  # not among the lowest counts
    decision = manual(state, "C6")
    assert decision.record.mode == "sorteio_manual" and decision.record.value is None
    assert decision.record.manual.witnesses == ("Maria Servidora", "João Servidor")
    assert decision.record.candidates == ("C6", "C7")
    state = state.apply(decision)
    nxt = dist(state, DistributionRequest(case(2)))
    assert nxt.unit == "C7"  # the manual draw counted: C7 is the only one left at 0


# ---------------------------------------------------------------------------------------------
# DIST-06 absences and vacancies


def test_dist_06_urgent_case_goes_at_once_to_the_revisor_or_the_next_in_seniority():
    start = DAY - timedelta(days=2)
    orgao = pleno(J4=absent(start))
    state = OrgaoState(orgao, Counters({"C4": {"RE": 2, "AIME": 1}}))
    with_revisor = AssignedCase(case(1, "AIME", urgent=True), "C4", "J4", revisor_id="J6")
    without = AssignedCase(case(2, urgent=True), "C4", "J4")
    calm = AssignedCase(case(3), "C4", "J4")
    plan = plan_absences(state, [with_revisor, without, calm], on=DAY)
    assert [(a.kind, a.target_seat) for a in plan] == [
        (ActionKind.URGENTE_AUSENCIA, "C6"), (ActionKind.URGENTE_AUSENCIA, "C5"),
    ]
    state2, decisions = execute_all(state, plan, seed=SEED, now=NOW)
    assert [d.record.rule for d in decisions] == [Rule.URGENCIA_AUSENCIA] * 2
    assert all(d.home_seat_id == "C4" for d in decisions)
    assert state2.counters.count("C4", "RE") == 1 and state2.counters.count("C5", "RE") == 1


def test_dist_06_after_15_days_pending_cases_are_redistributed_and_come_back_with_compensation():
    start = DAY - timedelta(days=15)
    orgao = pleno(J4=absent(start, DAY + timedelta(days=20)))
    cases = [AssignedCase(case(n), "C4", "J4") for n in range(1, 4)]
    state = OrgaoState(orgao, Counters({s: {"RE": 3} for s in ACTIVE}))
    assert plan_absences(state, cases, on=DAY - timedelta(days=1)) == []  # 14 days: not yet
    plan = plan_absences(state, cases, on=DAY)
    assert {a.kind for a in plan} == {ActionKind.REDISTRIBUIR_AUSENCIA} and len(plan) == 3
    state, decisions = execute_all(state, plan, seed=SEED, now=NOW)
    assert all("C4" not in d.record.eligible and d.record.mode == "sorteio" for d in decisions)
    assert len({d.unit for d in decisions}) == 3  # equality among the others
    assert state.counters.count("C4", "RE") == 0
    moved = [d.assigned(c.case) for d, c in zip(decisions, cases, strict=True)]  # one decision per case
    judged = replace(moved[0], pending=False)  # judged meanwhile: stays, C4 is compensated by the draws
    back_day = DAY + timedelta(days=21)
    plan = plan_absences(state, [judged, *moved[1:]], on=back_day)
    assert [(a.kind, a.target_seat) for a in plan] == [(ActionKind.RETORNO, "C4")] * 2
    state, decisions = execute_all(state, plan, seed=seed_for(back_day), now=at(back_day))
    assert state.counters.count("C4", "RE") == 2
    assert all(d.home_seat_id is None and d.relator_id == "J4" for d in decisions)
    nxt = distribute(state, DistributionRequest(case(9)), seed=seed_for(back_day), now=at(back_day, 15))
    assert nxt.record.candidates == ("C4",)  # the case judged meanwhile is compensated


def test_dist_06_vacancy_cases_go_to_the_substitute_and_then_to_the_new_titular():
    base = pleno(J3={"mandate_end": DAY - timedelta(days=10)})
    others = {s: {"RE": 1} for s in ACTIVE if s != "C3"}
    decision = dist(OrgaoState(base, Counters(others)), DistributionRequest(case(1)))
    assert decision.unit == "C3" and decision.relator_id == "S3"  # the vacancy's substitute receives it
    held = decision.assigned(case(1))
    filled_on = DAY + timedelta(days=5)
    new_titular = Judge("J9", "Juiz 9", 9, "C3", mandate_start=filled_on)
    state = OrgaoState(replace(base, judges=base.judges + (new_titular,)), Counters({s: {"RE": 1} for s in ACTIVE}))
    assert plan_absences(state, [held], on=DAY) == []
    plan = plan_absences(state, [held], on=filled_on)
    assert [(a.kind, a.target_seat) for a in plan] == [(ActionKind.SUCESSAO, "C3")]
    after, decisions = execute_all(state, plan, seed=seed_for(filled_on), now=at(filled_on))
    assert decisions[0].relator_id == "J9" and decisions[0].deltas == ()  # counts belong to the seat
    assert decisions[0].record.rule == Rule.SUCESSAO and after.counters == state.counters


def test_state_apply_refuses_a_decision_of_another_state():
    state = OrgaoState(pleno())
    decision = dist(state, DistributionRequest(case(1)))
    with pytest.raises(StateError):
        state.apply(decision).apply(decision)


def test_dist_11_opening_balance_and_chain():
    state = OrgaoState(pleno())
    opening = opening_balance(state, {"C2": {"RE": 4}, "C3": {"RE": 5}}, now=NOW)
    state = state.apply(opening)
    state, decisions = draw_many(state, ["RE"] * 3)
    assert verify_chain([opening.record] + [d.record for d in decisions]) == []
    assert {d.unit for d in decisions} <= {"C4", "C5", "C6", "C7"}
    report = load_verifier().verificar(export([opening, *decisions], today=DAY + timedelta(days=1), seeds_days=[DAY]))
    assert report.problemas == [] and report.sorteios_verificados == 3
    with pytest.raises(Exception, match="log vazio"):
        opening_balance(state, {"C2": {"RE": 1}}, now=NOW)


# ---------------------------------------------------------------------------------------------
# Statistics


def chi_square_critical(df: int, p: float) -> float:
    """Wilson–Hilferty approximation of the chi-square upper quantile."""
    z = {0.001: 3.090232306167813, 0.01: 2.3263478740408408}[p]
    h = 2 / (9 * df)
    return df * (1 - h + z * math.sqrt(h)) ** 3


def test_chi_square_helper_matches_the_table():
    for df, table in [(5, 20.515), (6, 22.458), (10, 29.588)]:
        assert abs(chi_square_critical(df, 0.001) - table) < 0.4


def test_dist_02_dist_11_draw_from_a_tied_state_is_uniform():
    """10,000 independent draws (different seeds and case numbers) from one tied state: the winner
    counts pass a chi-square test of uniformity at p = 0.001 (df = 5)."""
    rng = random.Random(20260302)
    state = OrgaoState(pleno())
    wins = Counter()
    for _ in range(10_000):
        seed = DailySeed(DAY, rng.randbytes(32))
        number = CnjNumber.build(rng.randrange(1, 9_999_999), 2026, 6, 11, rng.randrange(0, 60))
        decision = distribute(state, DistributionRequest(replace(case(1), number=number)), seed=seed, now=NOW)
        wins[decision.unit] += 1
    assert set(wins) == set(ACTIVE)
    expected = 10_000 / 6
    statistic = sum((wins[s] - expected) ** 2 / expected for s in ACTIVE)
    assert statistic < chi_square_critical(5, 0.001), (statistic, wins)


def test_dist_02_the_uniformity_test_can_fail():
    biased = Counter({"C2": 1850, "C3": 1700, "C4": 1650, "C5": 1650, "C6": 1600, "C7": 1550})
    expected = 10_000 / 6
    statistic = sum((biased[s] - expected) ** 2 / expected for s in ACTIVE)
    assert statistic > chi_square_critical(5, 0.001)


def test_select_candidates_on_decision_counts_is_the_recorded_candidates():
    state, decisions = draw_many(OrgaoState(pleno()), ["RE", "PC", "RE", "RE", "PC", "HC", "RE"])
    for d in decisions:
        assert tuple(select_candidates(d.record.counts_before)) == d.record.candidates
