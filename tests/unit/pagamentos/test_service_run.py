"""PAG-01 and PAG-10: the monthly run on in-memory fakes (the service loads a snapshot once, asks
``plan_run`` for the plan, applies it), and properties of the pure ``plan_run``.

Pay table of tests/unit/pagamentos/support.py: juiz especial 27 000 (900 a day; cumulação 1/3 = 300 a day).
"""

from __future__ import annotations

from decimal import Decimal

from chalicelib.pagamentos.domain.memos import CLOSED, MemoHeader, total
from chalicelib.pagamentos.domain.model import CooperationBonus, Line, Month, Person
from chalicelib.pagamentos.domain.rules import CATEGORIES
from chalicelib.pagamentos.domain.run import OriginSnapshot, RunSnapshot, plan_run
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.messaging.contracts import CooperationBonusAssessed
from tests.unit.pagamentos.support import make_rules, month_data
from tests.unit.pagamentos.test_service import World, deliver, designation

MARCH, APRIL, MAY = Month(2027, 3), Month(2027, 4), Month(2027, 5)
COOP = "gratificacao_cooperacao"


def lines_of(world: World, the_id: str, person: str | None = None) -> list[dict]:
    return [line for line in world.queries.document(the_id)["linhas"] if person in (None, line["pessoa"])]


def bonus(id_: str, valor: str, who: str = "servidor.ana", competencia: str = "2027-03") -> CooperationBonusAssessed:
    return CooperationBonusAssessed(apuracao_id=id_, servidor=who, nome=who, competencia=competencia,
                                    natureza="apuracao" if id_.endswith("r1") else "ajuste",
                                    revisao=1 if id_.endswith("r1") else 2, minutos=60,
                                    valor_hora=Decimal("45.00"), valor=Decimal(valor))


def test_pag_02_pag_01_a_run_builds_the_nine_memos_and_running_it_again_writes_nothing():
    """Cumulação 1..10/3: 10 days × 300 = 3 000.00. The second run finds every memo unchanged and writes nothing."""
    world = World()
    world.service.create_designation(designation())
    result = world.service.run(MARCH)
    assert {c: r["resultado"] for c, r in result["memorandos"].items()} == {c: "gerado" for c in CATEGORIES}
    assert [(line["valor"], line["regra"]) for line in lines_of(world, "2027-03-cumulacao_juizes")] == [
        ("3000.00", "PAG-02")]
    world.repo.writes.clear()
    again = world.service.run(MARCH)
    assert {r["resultado"] for r in again["memorandos"].values()} == {"inalterado"} and world.repo.writes == []


def test_pag_10_a_late_event_for_a_sent_memo_becomes_an_adjustment_once():
    """Mirrors test_pag_10_lifecycle_and_a_late_event_becomes_an_adjustment (integration): March paid 1 800.00 and
    was sent; a late −90.00 and a late 450.00 of another servant → April carries them (360.00), once; May does not
    repeat them, before or after April is signed."""
    world = World()
    world.service.register_people([Person("servidor.bia", "Bia", "servidor", "servidor")])
    deliver(world, bonus("a-r1", "1800.00"))
    world.service.run(MARCH)
    world.service.sign("2027-03-gratificacao_cooperacao", "presidente")
    world.service.send("2027-03-gratificacao_cooperacao", "dimag.folha")
    march = lines_of(world, "2027-03-gratificacao_cooperacao")
    deliver(world, bonus("a-r2", "-90.00"))
    deliver(world, bonus("b-r1", "450.00", who="servidor.bia"))
    assert world.service.run(MARCH)["memorandos"][COOP]["resultado"] == "mantido (enviado)"
    assert lines_of(world, "2027-03-gratificacao_cooperacao") == march
    world.service.run(APRIL)
    world.service.run(APRIL)
    april = lines_of(world, "2027-04-gratificacao_cooperacao")
    assert {(line["pessoa"], line["valor"], line["competencia_origem"], line["ajuste"]) for line in april} == {
        ("servidor.ana", "-90.00", "2027-03", True), ("servidor.bia", "450.00", "2027-03", True)}
    assert world.repo.allocations == {(COOP, "2027-03"): "2027-04"}
    world.service.run(MAY)
    assert lines_of(world, "2027-05-gratificacao_cooperacao") == []
    world.service.sign("2027-04-gratificacao_cooperacao", "presidente")
    world.service.run(MAY)
    assert lines_of(world, "2027-05-gratificacao_cooperacao") == []


def test_pag_10_adjustments_a_concurrent_run_claimed_stay_with_it():
    """While April runs, another run points March's adjustments to May first: April's claim fails and April's memo
    does not carry them (never two drafts with the same adjustment)."""
    world = World()
    deliver(world, bonus("a-r1", "1800.00"))
    world.service.run(MARCH)
    world.service.sign("2027-03-gratificacao_cooperacao", "presidente")
    deliver(world, bonus("a-r2", "-90.00"))
    world.repo.before_commit.append(lambda: world.repo.allocations.__setitem__((COOP, "2027-03"), "2027-05"))
    world.service.run(APRIL)
    assert lines_of(world, "2027-04-gratificacao_cooperacao") == []
    assert world.repo.allocations == {(COOP, "2027-03"): "2027-05"}


def test_pag_10_a_memo_signed_during_a_run_keeps_what_was_signed():
    """Mirrors test_pag_10_a_memo_signed_during_a_run_keeps_what_was_signed (integration): the President signs
    while a run rebuilds the draft; the run's generation never becomes current and no orphan is left. The days
    added later are paid in April: 8 × 300 − 5 × 300 = 900.00."""
    world = World()
    world.service.create_designation(designation("A", juizo="A", end="2027-03-05"))
    world.service.run(MARCH)
    world.service.create_designation(designation("B", juizo="B", start="2027-03-20", end="2027-03-22"))
    world.repo.before_commit.append(lambda: world.service.sign("2027-03-cumulacao_juizes", "presidente"))
    result = world.service.run(MARCH)
    assert result["memorandos"]["cumulacao_juizes"]["resultado"].startswith("conflito")
    signed = world.queries.document("2027-03-cumulacao_juizes")
    assert signed["status"] == "assinado" and [line["valor"] for line in signed["linhas"]] == ["1500.00"]
    assert set(world.repo.generations["2027-03-cumulacao_juizes"]) == {signed["geracao"]}
    world.service.run(APRIL)
    assert [(line["valor"], line["ajuste"]) for line in lines_of(world, "2027-04-cumulacao_juizes")] == [
        ("900.00", True)]


def test_pag_10_a_month_is_forgotten_once_every_memo_of_it_is_closed_and_nothing_is_owed():
    world = World()
    world.service.create_designation(designation())
    world.service.run(MARCH)
    for category in CATEGORIES:
        world.service.sign(f"2027-03-{category}", "presidente")
    assert "2027-03" in world.repo.pending
    result = world.service.run(APRIL)
    assert result["competencias_revistas"] == ["2027-03"] and "2027-03" not in world.repo.pending


# --- plan_run, pure ---------------------------------------------------------------------------------------

cents = st.integers(min_value=-200_000, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))
servants = st.sampled_from(["sv.a", "sv.b", "sv.c"])


def _bonus(n: int, who: str, valor: Decimal) -> CooperationBonus:
    return CooperationBonus(f"{who}-{n}", who, who, "2027-03", "apuracao", 1, 60, Decimal("45.00"), valor)


def _paid(key: str, valor: Decimal) -> Line:
    return Line(COOP, "PAG-08", key.split("-")[0], key, "", Decimal(1), valor, key, "2027-03", key)


def _snapshot(facts: list[CooperationBonus], paid: list[Line], april_status: str | None) -> RunSnapshot:
    headers = {"2027-03": {COOP: MemoHeader("2027-03", COOP, status="enviado", generation=1, version=3)}}
    if april_status:
        headers["2027-04"] = {COOP: MemoHeader("2027-04", COOP, status=april_status, generation=1, version=1)}
    origin = OriginSnapshot(MARCH, month_data(MARCH, cooperation=facts), own_lines={COOP: paid})
    return RunSnapshot(month_data(APRIL), headers, [origin])


@settings(max_examples=120, deadline=None)
@given(st.lists(st.tuples(servants, cents), max_size=6), st.lists(st.tuples(st.integers(0, 7), cents), max_size=6),
       st.sampled_from([None, "rascunho", "assinado"]))
def test_pag_10_plan_run_pays_each_late_amount_exactly_once(facts, payments, april_status):
    """Whatever March computes now and whatever its sent memo paid: unless April's memo is closed, April's plan
    carries, per original line, exactly computed − paid (so paid + adjustments = computed, and the adjustments sum
    to the difference of the totals); with April closed it carries nothing and March stays pending."""
    bonuses = [_bonus(n, who, valor) for n, (who, valor) in enumerate(facts)]
    keys = [b.assessment_id for b in bonuses] + [f"sv.z-{n}" for n in range(8)]
    paid = [_paid(keys[i % len(keys)], valor) for i, valor in payments]
    plan = plan_run(APRIL, _snapshot(bonuses, paid, april_status), lambda month: make_rules())
    march = make_rules().build(month_data(MARCH, cooperation=bonuses))[COOP]
    recomputed = {line.origin_key: line.amount for line in march}
    carried = [line for s in plan.settlements for line in s.lines]
    assert plan.computed == make_rules().build(month_data(APRIL)) and plan.settled == ()
    if april_status in CLOSED:
        assert carried == []
        return
    paid_by: dict[str, Decimal] = {}
    for line in paid + carried:
        paid_by[line.origin_key] = paid_by.get(line.origin_key, Decimal(0)) + line.amount
    for key in set(recomputed) | set(paid_by):
        assert paid_by.get(key, Decimal(0)) == recomputed.get(key, Decimal(0))
    assert total(carried) == sum(recomputed.values(), Decimal("0.00")) - total(paid)
    assert all(line.adjustment and line.origin_month == "2027-03" for line in carried)
    assert plan.lines(COOP) == carried and plan.lines(COOP, frozenset({(COOP, MARCH)})) == []


def test_pag_10_plan_run_leaves_adjustments_allocated_to_another_draft_there():
    snapshot = _snapshot([_bonus(1, "sv.a", Decimal("10.00"))], [], None)
    snapshot.origins[0].allocations[COOP] = "2027-05"
    snapshot.headers["2027-05"] = {COOP: MemoHeader("2027-05", COOP)}
    assert plan_run(APRIL, snapshot, lambda month: make_rules()).settlements == ()
    snapshot.headers["2027-05"] = {COOP: MemoHeader("2027-05", COOP, status="assinado")}
    [settlement] = plan_run(APRIL, snapshot, lambda month: make_rules()).settlements
    assert (settlement.claim, settlement.expected, [line.amount for line in settlement.lines]) == (
        True, "2027-05", [Decimal("10.00")])


def test_pag_10_plan_run_ignores_late_months_without_a_closed_memo_and_later_months():
    snapshot = _snapshot([_bonus(1, "sv.a", Decimal("10.00"))], [], None)
    snapshot.headers["2027-03"] = {COOP: MemoHeader("2027-03", COOP)}
    snapshot.origins.append(OriginSnapshot(MAY))
    plan = plan_run(APRIL, snapshot, lambda month: make_rules())
    assert (plan.settlements, plan.reviewed) == ((), ())


def test_pag_01_plan_run_of_a_month_is_its_rules_alone_when_nothing_is_late():
    data = month_data(MARCH, cooperation=[_bonus(1, "sv.a", Decimal("10.00"))])
    plan = plan_run(MARCH, RunSnapshot(data, {}), lambda month: make_rules())
    assert [line.amount for line in plan.lines(COOP)] == [Decimal("10.00")]
    assert (plan.settlements, plan.reviewed, plan.settled) == ((), (), ())
