"""Reference data (COOP-02, COOP-09) and the read-only queries of servants' cooperation, on in-memory fakes."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.cooperacao.domain.model import (
    Designation,
    Leave,
    LeaveKind,
    Modality,
    Period,
    Portaria,
    RuleError,
    Servant,
    Unit,
    UnitKind,
)
from chalicelib.cooperacao.service import ReferenceImport, RequestCommand

from courtlib.errors import Forbidden, NotFound
from tests.unit.cooperacao.world import ADMIN, ANA, CGJ, MANAGER, MARCH, SERVANT_ANA, actor, m4, make_world


@pytest.fixture
def world():
    return make_world()


def test_servants_and_units_are_stored_read_back_and_paged_by_id(world):
    assert world.queries.servant("ana") == ANA and world.queries.unit("2VC").manager == "gestor.2vc"
    first, cursor = world.queries.servants(3, None)
    rest, end = world.queries.servants(3, cursor)
    assert [s.id for s in first + rest] == ["ana", "bruno", "carla", "davi"] and end is None
    units, _ = world.queries.units(10, None)
    assert [u.id for u in units] == ["1VC", "2VC", "GAB", "GAB2", "VGR"]


def test_a_replaced_servant_is_the_new_one(world):
    world.service.put_servant(Servant("ana", "Ana Maria", True, lotacao="GAB"))
    assert world.queries.servant("ana").lotacao == "GAB" and world.repo.servant("ana")[1] == 2


@pytest.mark.parametrize("read,field", [(lambda q: q.servant("zeca"), "servidor"),
                                        (lambda q: q.unit("NENHUMA"), "unidade"),
                                        (lambda q: q.annex("II"), "anexo")])
def test_unknown_reference_data_is_not_found_with_its_field(world, read, field):
    with pytest.raises(NotFound) as missing:
        read(world.queries)
    assert missing.value.status == 404 and missing.value.field == field


def test_coop_02_an_annex_list_replaces_the_previous_one(world):
    world.service.put_annex("IV", {"GAB": 3})
    assert world.queries.annex("IV") == {"GAB": 3}
    with pytest.raises(RuleError) as refused:
        world.service.submit("ana", m4())
    assert refused.value.code == "COOP-02"


def test_coop_02_an_annex_naming_an_unknown_unit_or_annex_is_not_found_and_changes_nothing(world):
    with pytest.raises(NotFound) as missing:
        world.service.put_annex("IV", {"2VC": 2, "NENHUMA": 1})
    assert missing.value.field == "unidades.NENHUMA"
    with pytest.raises(NotFound) as missing:
        world.service.put_annex("VI", {"2VC": 2})
    assert missing.value.field == "anexo"
    assert world.queries.annex("IV") == {"2VC": 2, "VGR": 1}


def test_coop_02_09_a_portaria_opens_m3_within_its_period_and_is_listed(world):
    world.service.put_portaria(Portaria("P-03", Modality.M3, Period(date(2026, 3, 2), date(2026, 3, 15)), {"2VC": 5}))
    [listed] = world.queries.portarias()
    assert listed["id"] == "P-03" and listed["unidades"] == {"2VC": 5} and listed["inicio"] == "2026-03-02"
    with pytest.raises(RuleError) as refused:
        world.service.submit("ana", RequestCommand("1VC", "2VC", Modality.M3, MARCH, work_plan="plano"))
    assert (refused.value.code, refused.value.field) == ("COOP-09", "fim")
    coop, left = world.service.submit("ana", RequestCommand("1VC", "2VC", Modality.M3,
                                                            Period(date(2026, 3, 2), date(2026, 3, 15)),
                                                            work_plan="plano"))
    assert left == 4


@pytest.mark.parametrize("quotas,widened,field", [({"2VC": 6}, False, "unidades.2VC"),
                                                  ({"2VC": 11}, True, "unidades.2VC"),
                                                  ({"2VC": 0}, False, "unidades.2VC")])
def test_coop_02_a_portaria_beyond_the_quota_limits_is_refused_and_writes_nothing(world, quotas, widened, field):
    with pytest.raises(RuleError) as refused:
        world.service.put_portaria(Portaria("P-X", Modality.M3, MARCH, quotas, widened))
    assert (refused.value.status, refused.value.code, refused.value.field) == (422, "COOP-02", field)
    assert world.queries.portarias() == []


def test_coop_09_leave_and_designation_need_a_registered_unit_and_open_or_block_m5(world):
    leave = Leave("GAB", "chefe", LeaveKind.SAUDE, Period(date(2026, 3, 2), date(2026, 3, 31)))
    with pytest.raises(NotFound) as missing:
        world.service.put_leave(Leave("NENHUMA", "chefe", LeaveKind.SAUDE, MARCH))
    assert missing.value.field == "unidade.NENHUMA"
    world.service.put_leave(leave)
    world.service.put_annex("V", {"GAB": 1})
    bruno_m5 = RequestCommand("GAB", "GAB2", Modality.M5, MARCH, leave_servant="chefe")
    with pytest.raises(RuleError) as refused:  # the leave is in GAB, not GAB2
        world.service.submit("bruno", bruno_m5)
    assert (refused.value.code, refused.value.field) == ("COOP-09", "afastamento")
    ana_m5 = RequestCommand("1VC", "GAB", Modality.M5, MARCH, leave_servant="chefe")
    assert world.service.submit("ana", ana_m5)[1] == 0
    world.service.put_designation(Designation("GAB", "substituto", True, "1VC", MARCH))
    with pytest.raises(RuleError) as blocked:
        world.service.submit("ana", ana_m5)
    assert (blocked.value.code, blocked.value.field) == ("COOP-09", "unidade")


def test_coop_09_the_norms_final_date_is_the_one_set(world):
    world.service.put_final_date(date(2026, 3, 20))
    with pytest.raises(RuleError) as refused:
        world.service.submit("ana", m4())
    assert (refused.value.code, refused.value.field, refused.value.extra) == (
        "COOP-09", "fim", {"prazo_maximo": "2026-03-20"})


def test_bulk_import_creates_units_first_then_servants_and_the_rest(world):
    data = ReferenceImport(
        units=[Unit("3VC", "3ª Vara Cível", UnitKind.CARTORIO, "FORUM", "gestor.3vc")],
        servants=[Servant("eva", "Eva Servidora", True, lotacao="3VC")],
        annexes={"IV": {"3VC": 1}}, portarias=[Portaria("P-1", Modality.M3, MARCH, {"3VC": 2})],
        leaves=[Leave("3VC", "eva", LeaveKind.NASCIMENTO, MARCH)],
        designations=[Designation("3VC", "davi", True, "1VC", MARCH)], final_date=date(2026, 6, 30))
    world.service.import_reference(data)
    assert world.queries.unit("3VC").manager == "gestor.3vc" and world.queries.servant("eva").lotacao == "3VC"
    assert world.queries.annex("IV") == {"3VC": 1} and world.service.final_date() == date(2026, 6, 30)
    context, _ = world.repo.unit_context("3VC", date(2026, 3, 2))
    assert len(context.leaves) == 1 and len(context.designations) == 1 and context.portarias[0].id == "P-1"


def test_bulk_import_stops_at_an_unknown_unit(world):
    with pytest.raises(NotFound) as missing:
        world.service.import_reference(ReferenceImport(annexes={"I": {"NENHUMA": 1}}))
    assert missing.value.field == "unidades.NENHUMA"


# --- who sees which cooperation --------------------------------------------------------------------------


@pytest.mark.parametrize("who,sees", [(SERVANT_ANA, True), (actor("bruno", "servidor"), False),
                                      (MANAGER, True), (actor("gestor.1vc", "gestor"), True),
                                      (actor("gestor.gab", "gestor"), False), (CGJ, True), (ADMIN, True)])
def test_coop_10_a_cooperation_is_seen_by_its_servant_the_managers_of_both_units_cgj_and_admin(world, who, sees):
    cid = world.approved()
    if sees:
        coop, decisions = world.queries.cooperation(cid, who)
        assert coop.id == cid and [d["acao"] for d in decisions] == ["requerimento", "deferimento"]
    else:
        with pytest.raises(Forbidden) as forbidden:
            world.queries.cooperation(cid, who)
        assert forbidden.value.status == 403 and forbidden.value.code == "PROIBIDO"


def test_a_servant_lists_only_their_own_and_a_manager_only_their_units(world):
    cid = world.approved()
    world.service.submit("carla", m4(unit="VGR"))
    assert [c.id for c in world.queries.own_cooperations(SERVANT_ANA)] == [cid]
    assert [c.id for c in world.queries.unit_cooperations("2VC", MANAGER)] == [cid]
    assert len(world.queries.unit_cooperations("VGR", CGJ)) == 1
    with pytest.raises(Forbidden):
        world.queries.unit_cooperations("VGR", MANAGER)
    with pytest.raises(NotFound):
        world.queries.cooperation("nenhuma", ADMIN)
