"""DIST-08 and issue 17: who a public draw record names (``agente``), and that naming keeps the chain verifiable."""

from __future__ import annotations

from chalicelib.distribuicao.domain.draw import OrgaoState
from chalicelib.distribuicao.domain.log import DrawRecord, public_agent, verify_chain
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.distribuicao.support import draw_many, pleno

ROLES = ["servidor", "gestor", "presidencia", "corregedoria", "nucleo_cooperacao", "distribuicao", "dimag", "admin"]


def test_dist_08_a_servant_is_named_by_role_and_the_presidency_by_id():
    assert public_agent("usuario", "sub-1", ["distribuicao"]) == {"tipo": "usuario", "papel": "distribuicao"}
    assert public_agent("usuario", "sub-2", ["distribuicao", "presidencia"]) == {
        "tipo": "usuario", "papel": "presidencia", "id": "sub-2"}
    assert public_agent("parceiro", "parceiro:TJSC") == {"tipo": "parceiro", "id": "parceiro:TJSC"}
    assert public_agent("sistema", "sistema:agenda:apply_absence_rules") == {
        "tipo": "sistema", "id": "sistema:agenda:apply_absence_rules"}


@given(st.lists(st.sampled_from(ROLES), unique=True), st.text(min_size=1, max_size=20))
def test_dist_08_a_users_id_is_public_only_for_the_presidency(roles, user_id):
    agent = public_agent("usuario", user_id, roles)
    assert agent["tipo"] == "usuario" and agent["papel"]
    assert ("id" in agent) == ("presidencia" in roles)


def test_dist_11_a_record_without_agent_keeps_its_hash_and_an_agent_is_covered_by_it():
    _, decisions = draw_many(OrgaoState(pleno()), ["RE", "HC", "RE"])
    records = [d.record for d in decisions]
    assert verify_chain(records) == []
    first = records[0]
    assert first.acted_by(None) is first and "agente" not in first.to_dict()
    named = first.acted_by({"tipo": "usuario", "papel": "distribuicao"})
    assert named.hash != first.hash and named.compute_hash() == named.hash
    assert DrawRecord.from_dict(named.to_dict()) == named
    forged = DrawRecord.from_dict({**named.to_dict(), "agente": {"tipo": "usuario", "papel": "presidencia"}})
    assert verify_chain([forged]) != []
