"""Issue 17 on the fakes: each state-changing use case of distribuicao-svc states its act (code, rules, target,
before/after) to the write that performs it, once, and only when the write commits; the public draw record names
who acted (the role, and the id for the Presidency)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from chalicelib.distribuicao.commands import DistributionCommand, ManualDrawCommand
from chalicelib.distribuicao.domain.draw import RedistributionReason
from chalicelib.distribuicao.domain.judges import Absence
from chalicelib.distribuicao.domain.log import verify_chain

from courtlib.audit import Actor, acting_as
from courtlib.errors import Busy, Invalid
from tests.unit.distribuicao import test_service_precatorias as precatorias
from tests.unit.distribuicao.support import NOW, case, cnj, pleno
from tests.unit.distribuicao.test_service import ORGAO, Draft, World

SERVANT = Actor.user("sub-ana", "servidora.ana", ["distribuicao"])
PRESIDENT = Actor.user("sub-pres", "des.presidente", ["presidencia"])


@pytest.fixture
def world() -> World:
    built = World()
    built.orgao()
    return built


def _new(world: World, since: int):
    return world.repository.audits[since:]


def test_dist_02_a_distribution_is_audited_on_the_case_with_its_rule_and_where_it_went(world):
    since = len(world.repository.audits)
    with acting_as(SERVANT):
        outcome = world.draw(1)
    registered, act = _new(world, since)  # issue 16: the registration, then the draw once its round is out
    assert (registered.code, registered.target) == ("DIST.REGISTRAR", ("processo", str(cnj(1))))
    assert registered.after is not None and registered.after["farol"]["rodada"] == outcome.record.beacon.number
    assert (act.code, act.target) == ("DIST.DISTRIBUIR", ("processo", str(cnj(1))))
    assert act.rules[:2] == ("DIST-02", "DIST-11") and "arts. 33 e 34" in act.rules[2]
    assert act.before is None and act.after is not None
    assert (act.after["orgao"], act.after["cadeira"], act.after["relator"]) == (
        ORGAO, outcome.case.seat, outcome.case.relator)
    assert act.after["hash"] == outcome.record.hash


def test_dist_02_the_same_case_again_writes_nothing_and_records_nothing(world):
    world.draw(1)
    since = len(world.repository.audits)
    again = world.draw(1)
    assert not again.created and _new(world, since) == []


def test_dist_02_a_refused_distribution_records_nothing(world):
    since = len(world.repository.audits)
    with pytest.raises(Invalid):  # a class the órgão does not distribute
        world.draw(1, "XYZ")
    assert _new(world, since) == []


def test_dist_02_a_draw_that_loses_every_attempt_records_nothing(world):
    world.repository.concurrent_write(world.repository.touch(ORGAO), times=10)
    since = len(world.repository.audits)
    with pytest.raises(Busy):
        world.draw(1)
    assert _new(world, since) == []


def test_dist_08_the_public_record_names_a_servants_role_but_not_the_servant(world):
    with acting_as(SERVANT):
        outcome = world.draw(1)
    record = outcome.record
    assert record.agent == {"tipo": "usuario", "papel": "distribuicao"}
    assert record.to_dict()["agente"] == {"tipo": "usuario", "papel": "distribuicao"}
    assert "sub-ana" not in str(record.to_dict()) and "servidora.ana" not in str(record.to_dict())


def test_dist_04_a_presidency_redistribution_is_audited_with_the_former_and_new_relator_and_names_the_president(world):
    first = world.draw(1)
    since = len(world.repository.audits)
    with acting_as(PRESIDENT):
        moved = world.service.draws.redistribute(cnj(1), RedistributionReason.IMPEDIMENTO)
    registered, act = _new(world, since)
    assert registered.code == "DIST.REGISTRAR" and registered.after["ato"] == "redistribuicao"
    assert (act.code, act.target) == ("DIST.REDISTRIBUIR", ("processo", str(cnj(1))))
    assert act.rules[:2] == ("DIST-04", "DIST-11")
    assert act.before is not None and act.after is not None
    assert (act.before["cadeira"], act.before["relator"]) == (first.case.seat, first.case.relator)
    assert (act.after["cadeira"], act.after["relator"]) == (moved.case.seat, moved.case.relator)
    assert act.after["motivo"] and act.after["atos_anulados_de"] == first.case.relator
    assert moved.record.agent == {"tipo": "usuario", "papel": "presidencia", "id": "sub-pres"}
    records = [r for r, _ in world.repository.records(ORGAO)]
    assert verify_chain(records) == [], "the agent is covered by the record's hash and the chain holds"


def test_dist_09_a_manual_draw_is_audited_with_its_witnesses_ata_and_authorization(world):
    command = ManualDrawCommand(DistributionCommand(ORGAO, case(1)), "C5", ("Ana", "Bruno"), "Ata 1/2026",
                                "Presidente do TRE", NOW - timedelta(hours=1))
    since = len(world.repository.audits)
    with acting_as(SERVANT):
        world.service.draws.manual_draw(command)
    registered, act = _new(world, since)
    assert registered.code == "DIST.REGISTRAR" and registered.after["ato"] == "manual"
    assert (act.code, act.target) == ("DIST.SORTEIO_MANUAL.REGISTRAR", ("processo", str(cnj(1))))
    assert "DIST-09" in act.rules and act.after is not None and act.after["cadeira"] == "C5"
    assert act.after["manual"]["testemunhas"] == ["Ana", "Bruno"] and act.after["manual"]["ata"] == "Ata 1/2026"


def test_dist_01_a_number_given_is_audited_on_the_case_it_will_be(world):
    since = len(world.repository.audits)
    number = world.service.next_number(7)
    [act] = _new(world, since)
    assert (act.code, act.target, act.rules) == ("DIST.NUMERACAO.GERAR", ("processo", str(number)), ("DIST-01",))
    assert act.after == {"numero": str(number), "origem": 7, "ano": NOW.year}


def test_an_orgao_created_then_changed_is_audited_with_its_composition_before_and_after():
    world = World()
    world.orgao(pleno(substitutes=()))
    world.orgao(pleno())
    created, changed = world.repository.audits
    assert (created.code, created.target, created.before) == ("DIST.ORGAO.CADASTRAR", ("orgao", ORGAO), None)
    assert changed.code == "DIST.ORGAO.ALTERAR" and changed.before is not None and changed.after is not None
    assert "S2@C2:substituto" not in changed.before["juizes"] and "S2@C2:substituto" in changed.after["juizes"]
    assert (changed.before["versao"], changed.after["versao"]) == (1, 2) and changed.after["presidente"] == "J1"


def test_a_bulk_import_is_one_act_with_the_ids_and_a_digest():
    world = World()
    world.service.import_orgaos([Draft("A"), Draft("B"), Draft("C")])
    [act] = world.repository.audits
    assert act.code == "DIST.ORGAO.IMPORTAR" and act.target[0] == "importacao" and act.after is not None
    assert act.after["orgaos"] == ["A", "B", "C"] and act.after["criados"] == ["A", "B", "C"]
    assert act.after["total"] == 3 and len(act.after["sha256"]) == 64 and act.target[1] == act.after["sha256"][:32]
    world.service.import_orgaos([Draft("A")])
    reimported = world.repository.audits[-1].after
    assert reimported is not None and reimported["criados"] == [] and reimported["orgaos"] == ["A"]


def test_a_bulk_import_that_fails_while_writing_records_what_it_wrote():
    world = World()
    world.service.import_orgaos([Draft("B")])
    world.repository.concurrent_write(world.repository.touch("B"), times=99)
    with pytest.raises(Busy):
        world.service.import_orgaos([Draft("A"), Draft("B")])
    act = world.repository.audits[-1]
    assert act.code == "DIST.ORGAO.IMPORTAR" and act.after is not None and act.after["orgaos"] == ["A"]


def test_dist_06_an_absence_is_audited_on_the_orgao_with_the_judges_absences_before_and_after(world):
    since = len(world.repository.audits)
    world.service.register_absence(ORGAO, "J3", Absence(date(2026, 3, 10), date(2026, 3, 20), "férias"), "c")
    [act] = _new(world, since)
    assert (act.code, act.target, act.rules) == ("DIST.AUSENCIA.REGISTRAR", ("orgao", ORGAO), ("DIST-06",))
    assert act.before == {"juiz": "J3", "ausencias": []}
    assert act.after is not None and act.after["ausencias"] == [
        {"inicio": date(2026, 3, 10), "fim": date(2026, 3, 20), "motivo": "férias"}]


def test_dist_10_dist_11_zones_elections_and_a_carta_in_two_moments_are_audited():
    world = precatorias.World()
    world.zones(1, 37)
    world.zones(1, 37, 38)
    world.service.put_election("2026-10-04", [37])
    partner = Actor.partner(precatorias.PARTNER)
    with acting_as(partner):
        outcome = world.carta("c-1")
        world.carta("c-1")  # the same id_origem: answered from its row, no second record
    zones_created, zones_changed, election, registered, carta = world.repository.audits
    assert (zones_created.code, zones_created.target, zones_created.before) == (
        "DIST.ZONAS.CADASTRAR", ("municipio", precatorias.CUIABA), None)
    assert zones_changed.before is not None and len(zones_changed.before["zonas"]) == 2
    assert zones_changed.after is not None and len(zones_changed.after["zonas"]) == 3
    assert (election.code, election.target, election.after) == (
        "DIST.ELEICAO.CADASTRAR", ("eleicao", "2026-10-04"), {"zonas_propaganda": ["ZE037"]})
    assert (registered.code, registered.target) == ("DIST.PRECATORIA.REGISTRAR", ("precatoria", "TJMT:c-1"))
    assert registered.after is not None and registered.after["ordem"] == 1 and registered.after["farol"]["rodada"] > 0
    assert (carta.code, carta.target) == ("DIST.PRECATORIA.DISTRIBUIR", ("precatoria", "TJMT:c-1"))
    assert "DIST-10" in carta.rules and carta.after is not None and carta.after["zona"] == outcome.carta.zone
    record = world.repository.logs[outcome.carta.log_id][outcome.carta.seq][0]
    assert record.agent == {"tipo": "parceiro", "id": "parceiro:TJMT"}
