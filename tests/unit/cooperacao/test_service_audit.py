"""Issue 17 on the fakes: each use case of cooperacao-svc stages exactly one audit record with its act, the rules
it applied, its target and the target's state before and after — in the transaction of the act, so a refused
or conflicting act leaves none (the walk over HTTP: tests/integration/test_audit_walk_cooperacao.py)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from chalicelib.cooperacao import acts
from chalicelib.cooperacao.domain.model import (
    Designation,
    Leave,
    LeaveKind,
    Modality,
    Portaria,
    RuleError,
    Servant,
    Unit,
    UnitKind,
    WorkingHours,
)
from chalicelib.cooperacao.service import ATTEMPTS, ReferenceImport, RequestCommand

from courtlib.errors import Busy, NotFound
from tests.unit.audit_fakes import RecordedAct
from tests.unit.cooperacao.world import (
    ANA,
    CGJ,
    MANAGER,
    MARCH,
    SERVANT_ANA,
    TZ,
    actor,
    m4,
    make_judicial,
    make_world,
)


@pytest.fixture
def world():
    w = make_world()
    w.repo.audits.clear()  # the world's own setup was audited too
    return w


def only(entries: list[RecordedAct]) -> RecordedAct:
    assert len(entries) == 1, [e.act for e in entries]
    return entries[0]


def test_a_servants_profile_change_records_it_before_and_after(world):
    world.service.put_servant(Servant("ana", "Ana Maria", True, law_degree=True, lotacao="GAB",
                                      hours=WorkingHours(time(12), time(19))))
    entry = only(world.repo.audits)
    assert (entry.act, entry.target, entry.rules) == ("COOP.SERVIDOR.CADASTRAR", ("servidor", "ana"),
                                                      ("COOP-01", "COOP-03", "COOP-04", "COOP-06"))
    assert (entry.before["lotacao"], entry.after["lotacao"]) == ("1VC", "GAB")
    assert (entry.before["nome"], entry.after["nome"]) == ("Ana Servidora", "Ana Maria")
    assert entry.after["jornada"] == ["12:00:00", "19:00:00"]


def test_a_new_unit_has_no_before(world):
    world.service.put_unit(Unit("3VC", "3ª Vara", UnitKind.CARTORIO, "FORUM", "gestor.3vc"))
    entry = only(world.repo.audits)
    assert (entry.act, entry.target, entry.before) == ("COOP.UNIDADE.CADASTRAR", ("unidade", "3VC"), None)
    assert entry.after == {"nome": "3ª Vara", "tipo": "cartorio", "predio": "FORUM", "gestor": "gestor.3vc",
                           "municipio": None}


def test_a_profile_changed_meanwhile_is_read_again_so_the_record_names_what_was_replaced(world):
    world.repo.concurrently(lambda: world.repo.put_servant(Servant("ana", "Ana Outra", True, lotacao="2VC")))
    world.service.put_servant(Servant("ana", "Ana Maria", True, lotacao="GAB"))
    entry = only(world.repo.audits)
    assert (entry.before["nome"], entry.before["lotacao"]) == ("Ana Outra", "2VC")
    assert world.repo.conflicts == 1 and world.repo.servant("ana")[1] == 3


def test_a_profile_change_that_loses_every_race_is_busy_and_records_nothing(world):
    world.repo.concurrently(lambda: world.repo.put_servant(world.repo.servant("ana")[0]), times=ATTEMPTS)
    with pytest.raises(Busy):
        world.service.put_servant(ANA)
    assert world.repo.audits == []


def test_coop_02_an_annex_list_records_the_list_before_and_after(world):
    world.service.put_annex("IV", {"GAB": 3})
    entry = only(world.repo.audits)
    assert (entry.act, entry.target, entry.rules) == ("COOP.ANEXO.SUBSTITUIR", ("anexo", "IV"), ("COOP-02",))
    assert entry.before["cotas"] == {"2VC": 2, "VGR": 1} and entry.after["cotas"] == {"GAB": 3}
    assert entry.after["unidades"] == 1 and entry.after["resumo"] == acts.digest({"GAB": 3})


def test_coop_02_a_long_list_is_recorded_by_count_and_digest_only():
    state = acts.quotas_state({f"U{i:04d}": 1 for i in range(2000)})
    assert state["unidades"] == 2000 and state["cotas"] is None and len(state["resumo"]) == 64


def test_coop_02_a_refused_annex_or_portaria_records_nothing(world):
    with pytest.raises(NotFound):
        world.service.put_annex("IV", {"NENHUMA": 1})
    with pytest.raises(RuleError):
        world.service.put_portaria(Portaria("P-X", Modality.M3, MARCH, {"2VC": 11}))
    assert world.repo.audits == []


def test_coop_09_a_portaria_replaced_records_the_previous_one(world):
    world.service.put_portaria(Portaria("P-03", Modality.M3, MARCH, {"2VC": 5}))
    world.service.put_portaria(Portaria("P-03", Modality.M3, MARCH, {"2VC": 3}))
    first, second = world.repo.audits
    assert (first.act, first.target, first.rules) == ("COOP.PORTARIA.CADASTRAR", ("portaria", "P-03"),
                                                      ("COOP-02", "COOP-09"))
    assert first.before is None and first.after["inicio"] == "2026-03-02"
    assert (second.before["cotas"], second.after["cotas"]) == ({"2VC": 5}, {"2VC": 3})


def test_coop_09_leaves_designations_and_the_norms_date_are_recorded(world):
    world.service.put_leave(Leave("GAB", "chefe", LeaveKind.SAUDE, MARCH))
    world.service.put_designation(Designation("GAB", "substituto", True, "1VC", MARCH))
    world.service.put_final_date(date(2026, 10, 31))
    leave, designation, norm = world.repo.audits
    assert (leave.act, leave.target) == ("COOP.AFASTAMENTO.REGISTRAR", ("afastamento", "GAB/chefe/2026-03-02"))
    assert leave.after["tipo"] == "saude" and leave.before is None
    assert (designation.act, designation.target) == ("COOP.DESIGNACAO.REGISTRAR",
                                                     ("designacao", "GAB/substituto/2026-03-02"))
    assert (norm.act, norm.target, norm.rules) == ("COOP.NORMA.PRAZO", ("norma", "data_final"), ("COOP-09",))
    assert (norm.before, norm.after) == ({"data_final": "2026-12-31"}, {"data_final": "2026-10-31"})


def test_a_bulk_import_is_one_act_with_counts_ids_and_a_digest(world):
    data = ReferenceImport(units=(Unit("NOVA", "Nova", UnitKind.GABINETE, "SEDE"),),
                           servants=(Servant("zeca", "Zeca", True, lotacao="NOVA"),),
                           annexes={"I": {"NOVA": 2}}, final_date=date(2026, 11, 30))
    world.service.import_reference(data)
    entry = only(world.repo.audits)
    assert entry.act == "COOP.REFERENCIA.IMPORTAR" and entry.target[0] == "importacao"
    assert entry.rules == ("COOP-02", "COOP-03", "COOP-09") and entry.before is None
    assert entry.after["quantidades"] == {"unidades": 1, "servidores": 1, "anexos": 1, "portarias": 0,
                                          "afastamentos": 0, "designacoes": 0}
    assert entry.after["ids"]["servidores"] == ["zeca"] and len(entry.after["resumo"]) == 64
    assert world.queries.annex("I") == {"NOVA": 2} and world.queries.servant("zeca").lotacao == "NOVA"


def test_a_bulk_import_naming_an_unknown_unit_writes_nothing(world):
    data = ReferenceImport(units=(Unit("NOVA", "Nova", UnitKind.GABINETE, "SEDE"),),
                           annexes={"I": {"NENHUMA": 2}})
    with pytest.raises(NotFound):
        world.service.import_reference(data)
    assert world.repo.audits == [] and world.repo.unit("NOVA") is None


def test_coop_01_a_request_records_the_new_cooperation(world):
    coop, _ = world.service.submit("ana", m4())
    entry = only(world.repo.audits)
    assert (entry.act, entry.target, entry.before) == ("COOP.COOPERACAO.REQUERER", ("cooperacao", coop.id), None)
    assert entry.rules == ("COOP-01", "COOP-02", "COOP-03", "COOP-04", "COOP-05", "COOP-07", "COOP-09")
    assert entry.after["situacao"] == "pendente" and entry.after["unidade"] == "2VC" and entry.after["fim"] == \
        "2026-03-31"


def test_coop_02_a_refused_request_records_nothing(world):
    world.service.submit("ana", m4(unit="VGR"))
    world.repo.audits.clear()
    with pytest.raises(RuleError):
        world.service.submit("carla", m4(unit="VGR"))
    assert world.repo.audits == []


def test_coop_10_the_gestors_decision_records_the_rule_and_the_status_before_and_after(world):
    coop, _ = world.service.submit("ana", m4())
    world.service.decide(coop.id, MANAGER, True, "20 minutas/mês", None)
    entry = world.repo.audits[-1]
    assert (entry.act, entry.target, entry.rules) == ("COOP.COOPERACAO.DECIDIR", ("cooperacao", coop.id), ("COOP-10",))
    assert entry.before == {"situacao": "pendente", "meta": None}
    assert entry.after == {"situacao": "aprovada", "meta": "20 minutas/mês", "decisao": "deferimento",
                           "papel": "gestor", "motivo": None, "deferida_em": "2026-03-02"}


def test_coop_10_a_denial_and_the_corregedorias_turn_name_their_role(world):
    world.service.put_portaria(Portaria("P-03", Modality.M3, MARCH, {"2VC": 5}))
    coop, _ = world.service.submit("ana", RequestCommand("1VC", "2VC", Modality.M3, MARCH,
                                                         work_plan="Baixa de 300 processos"))
    world.service.decide(coop.id, MANAGER, True, "meta", None)
    world.service.decide(coop.id, CGJ, False, None, "Sem plano de trabalho suficiente")
    gestor, cgj = world.repo.audits[-2:]
    assert (gestor.before["situacao"], gestor.after["situacao"]) == ("pendente", "aguardando_corregedoria")
    assert (cgj.before["situacao"], cgj.after["situacao"], cgj.after["papel"]) == (
        "aguardando_corregedoria", "indeferida", "corregedoria")
    assert cgj.after["decisao"] == "indeferimento" and cgj.after["motivo"] == "Sem plano de trabalho suficiente"


def test_coop_10_a_decision_by_someone_else_records_nothing(world):
    coop, _ = world.service.submit("ana", m4())
    world.repo.audits.clear()
    with pytest.raises(RuleError):
        world.service.decide(coop.id, actor("gestor.gab", "gestor"), True, "meta", None)
    assert world.repo.audits == []


def test_coop_10_extension_and_early_end_record_the_end_before_and_after(world):
    cid = world.approved()
    world.service.extend(cid, MANAGER, date(2026, 4, 30), "acervo")
    world.service.end_early(cid, MANAGER, date(2026, 4, 10), None)
    extension, end = world.repo.audits[-2:]
    assert (extension.act, extension.rules) == ("COOP.COOPERACAO.PRORROGAR", ("COOP-10", "COOP-09"))
    assert (extension.before["fim"], extension.after["fim"], extension.after["motivo"]) == (
        "2026-03-31", "2026-04-30", "acervo")
    assert (end.act, end.rules, end.target) == ("COOP.COOPERACAO.ENCERRAR", ("COOP-10",), ("cooperacao", cid))
    assert (end.before["fim"], end.after["fim"]) == ("2026-04-30", "2026-04-10")


def test_coop_06_08_a_ponto_records_the_months_minutes_before_and_after(world):
    cid = world.approved()
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    world.service.record_time(SERVANT_ANA, cid, datetime(2026, 3, 7, 8, 0, tzinfo=TZ),
                              datetime(2026, 3, 7, 10, 30, tzinfo=TZ))
    entry = world.repo.audits[-1]
    assert (entry.act, entry.target, entry.rules) == ("COOP.PONTO.REGISTRAR", ("cooperacao", cid),
                                                      ("COOP-08", "COOP-06"))
    assert entry.before == {"competencia": "2026-03", "minutos_mes": 0}
    assert entry.after["minutos_mes"] == 150 and entry.after["minutos"] == 150
    assert entry.after["inicio"] == "2026-03-07T08:00:00-03:00"


def test_coop_11_an_empty_first_close_is_still_one_act_and_its_repeat_none(world):
    world.service.close_month("2026-02", "c1", "dimag")
    world.service.close_month("2026-02", "c2", "dimag")
    entry = only(world.repo.audits)
    assert (entry.act, entry.target, entry.before) == ("COOP.FECHAMENTO.APURAR", ("fechamento", "2026-02"), None)
    assert entry.after["servidores"] == 0 and entry.after["publicados"] == 0


def test_coop_12_judicial_requests_deliberations_and_register_acts_are_recorded():
    service, repo, _ = make_judicial()
    body = {"id_origem": "p-1", "juizo_solicitante": "2ª Vara Cível de Joinville/SC",
            "juizo_destinatario": "1ª Vara Cível de Cuiabá", "instrumento": "auxilio_direto",
            "objeto": "Oitiva de testemunha residente em Cuiabá por videoconferência"}
    service.receive("TJSC", "p-1", body)
    service.receive("TJSC", "p-1", body)  # the same request again: answered, not recorded again
    _, published = service.deliberate("TJSC", "p-1", "nucleo.coop", "coordenador", "deferido",
                                      "CNJ Res. 350/2020, art. 6º",
                                      {"tipo": "ato_concertado", "titulo": "Ato de oitivas", "data": "2026-03-02"})
    act = service.publish({"tipo": "boa_pratica", "titulo": "Boa prática", "data": "2026-03-02"}, "nucleo.coop")
    received, deliberated, register = repo.audits
    assert (received.act, received.target, received.rules) == ("COOP.PEDIDO_JUDICIAL.RECEBER",
                                                               ("pedido_judicial", "TJSC/p-1"), ("COOP-12",))
    assert received.after["situacao"] == "recebido" and "objeto" not in received.after
    assert (deliberated.act, deliberated.before) == ("COOP.PEDIDO_JUDICIAL.DELIBERAR", {"situacao": "recebido"})
    assert deliberated.after == {"situacao": "deferido", "membro": "coordenador",
                                 "fundamento": "CNJ Res. 350/2020, art. 6º", "ato": published["id"]}
    assert (register.act, register.target, register.after["titulo"]) == ("COOP.REGISTRO.PUBLICAR",
                                                                         ("ato", act["id"]), "Boa prática")


def test_every_act_code_has_its_rules_and_the_codes_form():
    import re

    codes = [value for name, value in vars(acts).items() if name.isupper() and isinstance(value, str)
             and value.startswith("COOP.")]
    assert len(codes) == 19 and len(set(codes)) == 19
    for code in codes:
        assert re.fullmatch(r"COOP\.[A-Z_]+(\.[A-Z_]+)?", code), code
        assert code == acts.DECIDE or acts.rules(code), code  # a decision names the rule the domain applied
