"""Who acts is set by the entry point, never passed by a use case; outside one, auditing fails."""

from __future__ import annotations

import pytest

from courtlib.audit import Actor, NoActor, acting_as, actor_of, as_system
from courtlib.audit import actor as acting
from courtlib.audit.store import pending_act
from courtlib.auth.principal import Principal


def test_acting_as_sets_the_actor_and_restores_the_previous_one():
    assert acting.current_or_none() is None
    with acting_as(Actor.system("agenda:a"), correlation_id="c-1"):
        with acting_as(Actor.partner("TJSC")):
            assert acting.current().actor.id == "parceiro:TJSC"
            assert acting.current().correlation_id  # a new one when none is given
        assert acting.current().actor.id == "sistema:agenda:a"
        assert acting.current().correlation_id == "c-1"
    assert acting.current_or_none() is None


def test_an_act_audited_outside_any_entry_point_is_refused():
    with pytest.raises(NoActor):
        pending_act("DIST.DISTRIBUIR", ("processo", "1"))


def test_a_pending_act_takes_the_actor_and_correlation_id_of_the_entry_point():
    with acting_as(Actor.user("sub-ana", "ana", ["distribuicao"]), correlation_id="req-9"):
        act = pending_act("DIST.DISTRIBUIR", ("processo", "1"), rules=["DIST-03"], after={"relator": "X"})
    assert (act.actor.id, act.correlation_id, act.rules, act.target.key) == ("sub-ana", "req-9", ("DIST-03",),
                                                                              "processo:1")


@pytest.mark.parametrize("code", ["", "dist.distribuir", " DIST.X"])
def test_an_act_code_is_a_stable_upper_case_code(code):
    with acting_as(Actor.system("t")), pytest.raises(ValueError):
        pending_act(code, ("processo", "1"))


def test_a_schedule_acts_as_the_system_under_its_name():
    @as_system("agenda:fechar-mes")
    def job() -> str:
        return acting.current().actor.id

    assert job() == "sistema:agenda:fechar-mes"


def test_the_actor_of_a_principal_is_its_stable_id_name_and_roles():
    user = Principal.from_claims({"sub": "abc", "cognito:username": "ana", "cognito:groups": ["gestor", "admin"]})
    assert actor_of(user) == Actor("usuario", "abc", "ana", ("admin", "gestor"))
    assert actor_of(Principal.partner("TJSC")) == Actor.partner("TJSC")


def test_a_pending_act_keeps_a_copy_of_before_and_after_and_refuses_floats_at_once():
    state = {"juiz": "A", "dias": [1, 2]}
    with acting_as(Actor.system("t")):
        act = pending_act("PLAN.IMPEDIMENTO", ("escala", "2027-03"), before=state)
        state["dias"].append(3)
        assert act.before == {"juiz": "A", "dias": [1, 2]}
        with pytest.raises(TypeError):
            pending_act("PAG.MEMO.EDITAR", ("memo", "1"), after={"valor": 10.5})


def test_the_retention_is_read_in_years_from_the_environment_and_must_be_one_at_least():
    from pydantic import ValidationError

    from courtlib.settings import ServiceSettings

    base = {"PAGINATION_SECRET": "s"}
    assert ServiceSettings.from_env(base | {"SERVICE": "x", "TABLE_NAME": "t"}).audit_retention_years == 5
    assert ServiceSettings.from_env(base | {"SERVICE": "x", "TABLE_NAME": "t",
                                            "AUDIT_RETENTION_YEARS": "10"}).audit_retention_years == 10
    with pytest.raises(ValidationError):
        ServiceSettings.from_env(base | {"SERVICE": "x", "TABLE_NAME": "t", "AUDIT_RETENTION_YEARS": "0"})
