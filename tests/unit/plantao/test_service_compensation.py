"""The compensation use cases of plantao-svc on the fakes of its ports: served duties (PLAN-07, the
``plantao-realizado`` event), credits (PLAN-07) and uses of the balance (PLAN-08, the ``compensacao-usada``
event). Each refusal writes nothing; a balance changed meanwhile is read again."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.plantao.domain.compensation import CreditKind
from chalicelib.plantao.domain.errors import PlantaoError, StateConflict
from chalicelib.plantao.domain.scales import Kind, Month

from courtlib.errors import NotFound

FEB = Month(2027, 2)


def served_february(world) -> None:
    """February's estadual scale approved, and the shifts of 6 and 7 registered (jz.alves: 2 days)."""
    world.approved("2027-02", "estadual")
    world.clock.set(date(2027, 2, 8))
    world.service.register_served()


def balance(world, magistrate: str) -> tuple[int, int, int]:
    ledger = world.queries.ledger(magistrate)
    return ledger.saldo, ledger.reservado, ledger.disponivel


# --- served duties (PLAN-07) ---------------------------------------------------------------------------------


def test_plan_07_served_duties_credit_two_days_and_emit_duty_served_once_per_shift(world):
    world.approved("2027-02", "estadual")
    world.clock.set(date(2027, 2, 8))  # the shifts of 6 and 7 are over
    assert world.service.register_served() == {"plantoes_registrados": 4, "escalas_com_conflito": []}
    assert world.service.register_served()["plantoes_registrados"] == 0
    served = world.repository.events("plantao-realizado.v1")
    assert len(served) == 4
    alves = next(e for e in served if e.data["magistrado"] == "jz.alves").data
    assert (alves["dias_credito"], alves["dia_util"], alves["tipo"]) == (2, False, "estadual")
    assert balance(world, "jz.alves") == (2, 0, 2)
    assert sum(p.id in world.repository.scale(FEB, Kind.ESTADUAL).served
               for p in world.repository.scale(FEB, Kind.ESTADUAL).scale.plantoes) == 4


def test_plan_07_a_scale_changed_while_its_duties_are_registered_is_left_to_the_next_run(world):
    scale_id = world.approved("2027-02", "estadual")
    world.clock.set(date(2027, 2, 8))

    def another_change_of_the_scale() -> None:
        world.repository.scales[("2027-02", Kind.ESTADUAL)].version += 1

    world.repository.before_next_commit(another_change_of_the_scale)
    assert world.service.register_served() == {"plantoes_registrados": 0, "escalas_com_conflito": [scale_id]}
    assert world.repository.events("plantao-realizado.v1") == [] and balance(world, "jz.alves") == (0, 0, 0)
    assert world.service.register_served()["plantoes_registrados"] == 4


# --- credits (PLAN-07) ------------------------------------------------------------------------------------------


def test_plan_07_social_action_on_a_non_working_day_and_cedes_for_desembargadores_once_the_day_happened(world):
    world.clock.set(date(2027, 2, 5))
    with pytest.raises(PlantaoError) as future:
        world.service.credit("jz.esteves", CreditKind.ACAO_SOCIAL, date(2027, 2, 6), "Ainda não aconteceu")
    assert (future.value.code, future.value.field) == ("PLAN-07", "data")
    world.clock.set(date(2027, 2, 9))
    assert world.service.credit("jz.esteves", CreditKind.ACAO_SOCIAL, date(2027, 2, 6), "Justiça itinerante").days == 2
    with pytest.raises(PlantaoError, match="dia útil"):
        world.service.credit("jz.esteves", CreditKind.ACAO_SOCIAL, date(2027, 2, 8), "Em dia útil")
    assert world.service.credit("jd.paulo", CreditKind.CEDES, date(2027, 2, 8), "Encontro do CEDES").days == 1
    with pytest.raises(PlantaoError, match="CEDES"):
        world.service.credit("jz.esteves", CreditKind.CEDES, date(2027, 2, 8), "Encontro do CEDES")
    with pytest.raises(NotFound) as unknown:
        world.service.credit("jz.ninguem", CreditKind.CEDES, date(2027, 2, 8), "Encontro do CEDES")
    assert unknown.value.field == "magistrado"
    assert balance(world, "jz.esteves") == (2, 0, 2) and balance(world, "jd.paulo") == (1, 0, 1)


def test_plan_07_the_same_credit_twice_is_a_409_and_credits_once(world):
    world.clock.set(date(2027, 2, 9))
    world.service.credit("jz.esteves", CreditKind.ACAO_SOCIAL, date(2027, 2, 6), "Justiça itinerante")
    with pytest.raises(StateConflict) as twice:
        world.service.credit("jz.esteves", CreditKind.ACAO_SOCIAL, date(2027, 2, 6), "Outra descrição")
    assert (twice.value.status, twice.value.code) == (409, "CONFLITO")
    assert balance(world, "jz.esteves") == (2, 0, 2)


# --- uses of the balance (PLAN-08) ---------------------------------------------------------------------------------


def test_plan_08_a_use_names_only_dias_uteis_within_the_free_balance_which_it_reserves(world):
    served_february(world)
    with pytest.raises(PlantaoError) as weekend:
        world.service.request_use("jz.alves", [date(2027, 2, 13)], "jz.barros", "gestor.vara1")
    assert weekend.value.code == "PLAN-08" and weekend.value.extra == {"dia": "2027-02-13", "saldo": 2}
    with pytest.raises(PlantaoError) as beyond:
        world.service.request_use("jz.alves", [date(2027, 2, 9), date(2027, 2, 10), date(2027, 2, 11)], "jz.barros",
                                  "gestor.vara1")
    assert beyond.value.extra == {"dia": "2027-02-11", "saldo": 2}
    asked = world.service.request_use("jz.alves", [date(2027, 2, 10), date(2027, 2, 9)], "jz.barros", "gestor.vara1")
    assert asked["status"] == "pendente" and asked["dias"] == ["2027-02-09", "2027-02-10"]
    assert asked["juizo_substituto"] == "2VC-CBA" and balance(world, "jz.alves") == (2, 2, 0)
    with pytest.raises(PlantaoError) as reserved:
        world.service.request_use("jz.alves", [date(2027, 2, 11)], "jz.barros", "gestor.vara1")
    assert reserved.value.extra["saldo"] == 0
    with pytest.raises(NotFound):
        world.service.request_use("jz.ninguem", [date(2027, 2, 11)], "jz.barros", "gestor.vara1")


def test_plan_08_a_use_that_meets_a_concurrent_change_of_the_balance_reads_it_again(world):
    served_february(world)
    world.repository.before_next_commit(lambda: world.service.request_use("jz.alves", [date(2027, 2, 9)], "jz.barros",
                                                                          "gestor.vara1"))
    world.service.request_use("jz.alves", [date(2027, 2, 10)], "jz.barros", "gestor.vara1")
    assert balance(world, "jz.alves") == (2, 2, 0) and world.repository.conflicts == 1
    with pytest.raises(PlantaoError):  # read again, the balance is spent: the third is refused by its rule
        world.service.request_use("jz.alves", [date(2027, 2, 11)], "jz.barros", "gestor.vara1")


def test_plan_08_approval_spends_the_reserved_days_and_emits_compensation_used_once(world):
    served_february(world)
    use = world.service.request_use("jz.alves", [date(2027, 2, 9), date(2027, 2, 10)], "jz.barros", "gestor.vara1")
    approved = world.service.approve_use("jz.alves", use["id"], "presidente", "corr-1")
    assert approved["status"] == "aprovado" and approved["aprovado_por"] == "presidente"
    [event] = world.repository.events("compensacao-usada.v1")
    assert event.data["substituto"] == "jz.barros" and event.data["dias"] == ["2027-02-09", "2027-02-10"]
    assert event.data["juizo"] == "1VC-CBA" and event.correlationid == "corr-1"
    assert balance(world, "jz.alves") == (0, 0, 0)
    assert [e.tipo for e in world.queries.ledger("jz.alves").lancamentos] == ["plantao", "uso"]
    with pytest.raises(StateConflict) as twice:
        world.service.approve_use("jz.alves", use["id"], "presidente", "corr-2")
    assert twice.value.code == "PLAN-08" and len(world.repository.events("compensacao-usada.v1")) == 1
    with pytest.raises(NotFound):
        world.service.approve_use("jz.alves", "nenhum", "presidente", "corr-3")
