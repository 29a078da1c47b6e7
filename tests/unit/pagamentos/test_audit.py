"""Issue 17 on fakes: each use case of pagamentos-svc records its act (code, rules, target, before/after) in the
unit of work that commits it; a refusal or a repetition that changes nothing records nothing.

The actor, the chain and the hash are courtlib's (tests/unit/shared/test_audit_*.py); the walk over HTTP is
tests/integration/test_audit_walk_pagamentos.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from chalicelib.pagamentos.domain.model import Attendance, Month, Person, RenouncedVacation, Session, Vacation

from courtlib.errors import CourtError
from courtlib.messaging.contracts import (
    CooperationBonusAssessed,
    DutyServed,
    MagistrateAbsenceRegistered,
)
from tests.unit.audit_fakes import RecordedAct
from tests.unit.pagamentos.test_service import NEW, NOW, TZ, World, compensation, deliver, designation, draft

MARCH = Month(2027, 3)


@pytest.fixture
def world() -> World:
    return World()


def only(world: World) -> RecordedAct:
    assert len(world.repo.audits) == 1, world.repo.acts()
    return world.repo.audits[0]


def test_registering_a_person_records_the_new_register_and_an_update_only_what_changed(world):
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz_substituto"))
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "inicial"))
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "inicial"))  # the same
    created, updated = world.repo.audits
    assert (created.act, created.target, created.rules) == ("PAG.PESSOA.CADASTRAR", ("pessoa", "jz.novo"), ("PAG-01",))
    assert created.before is None and created.after["cargo"] == "juiz_substituto"
    assert updated.before == {"cargo": "juiz_substituto", "entrancia": None}
    assert updated.after == {"cargo": "juiz", "entrancia": "inicial"}


@pytest.mark.parametrize("kind, rule, extra", [("cumulacao", "PAG-02", {}), ("convocacao", "PAG-04", {}),
                                               ("substituicao", "PAG-05", {"entrancia_destino": "especial"}),
                                               ("diarias", "PAG-06", {"municipio": "5103007"})])
def test_pag_02_pag_04_pag_05_pag_06_a_designation_records_the_rule_of_its_kind(world, kind, rule, extra):
    body, _ = world.service.create_designation(designation(kind=kind, **extra))
    world.service.create_designation(designation(kind=kind, **extra))  # the same again: no second record
    record = only(world)
    assert (record.act, record.target, record.rules) == ("PAG.DESIGNACAO.REGISTRAR", ("designacao", "d1"), (rule,))
    assert record.before is None and record.after == body


def test_a_refused_designation_records_nothing(world):
    world.service.create_designation(designation())
    world.repo.audits.clear()
    with pytest.raises(CourtError):
        world.service.create_designation(designation("d2", start="2027-03-05", end="2027-03-20"))
    assert world.repo.audits == []


def test_a_bulk_import_is_one_act_with_counts_and_a_digest_not_the_batch(world):
    good = designation("imp-1", "diarias", "jz.nova", "VU-CHA", "2027-01-10", "2027-01-12", municipio="5103007")
    world.service.import_batch([NEW], [good])
    record = only(world)
    assert record.act == "PAG.IMPORTACAO" and record.target[0] == "importacao"
    assert record.rules == ("PAG-01", "PAG-06")
    assert record.after["pessoas"] == 1 and record.after["designacoes_criadas"] == 1
    assert record.after["ids_designacoes_criadas"] == ["imp-1"] and len(record.after["resumo_sha256"]) == 64
    assert "Juíza Nova" not in repr(record.after)  # counts and ids, not the people
    assert world.repo.imports[record.target[1]] == record.after


def test_pag_09_pag_07_vacations_renounced_vacations_and_sessions_are_recorded_with_their_rule(world):
    from chalicelib.pagamentos.domain.model import Period

    world.service.record_vacation(Vacation("v1", "jz.alves", Period(date(2027, 3, 20), date(2027, 4, 18))))
    world.service.record_renounced(RenouncedVacation("r1", "jz.alves", 10, date(2027, 5, 3)))
    world.service.record_session(Session("12", date(2027, 3, 4), (Attendance("des.dias", "presente"),)))
    assert [(r.act, r.target, r.rules) for r in world.repo.audits] == [
        ("PAG.FERIAS.REGISTRAR", ("ferias", "v1"), ("PAG-09",)),
        ("PAG.FERIAS_RENUNCIADAS.REGISTRAR", ("ferias_renunciadas", "r1"), ("PAG-09",)),
        ("PAG.SESSAO.REGISTRAR", ("sessao", "2027-03-04_12"), ("PAG-07",))]
    assert world.repo.audits[0].after["fim"] == "2027-04-18" and world.repo.audits[2].after["presencas"][0][
        "membro"] == "des.dias"


def test_pag_02_pag_03_pag_08_each_event_applied_is_recorded_in_the_consumers_transaction(world):
    deliver(world, compensation())
    deliver(world, CooperationBonusAssessed(apuracao_id="a-r1", servidor="servidor.ana", nome="Ana",
                                            competencia="2027-03", natureza="apuracao", revisao=1, minutos=120,
                                            valor_hora=Decimal("45.00"), valor=Decimal("90.00")))
    deliver(world, DutyServed(plantao_id="p1", escala_id="e", tipo="segundo_grau", magistrado="des.dias",
                              nome="Des", data=date(2027, 3, 6), inicio=datetime(2027, 3, 6, 18, tzinfo=TZ),
                              fim=datetime(2027, 3, 7, 11, tzinfo=TZ), dia_util=False, dias_credito=1))
    deliver(world, MagistrateAbsenceRegistered(orgao="PLENO", magistrado="des.x", nome="Des. X",
                                               inicio=date(2027, 2, 25), fim=date(2027, 3, 2), motivo="licença"))
    assert [(r.act, r.target, r.rules) for r in world.repo.audits] == [
        ("PAG.COMPENSACAO.REGISTRAR", ("compensacao", "cmp-1"), ("PAG-02", "PLAN-08")),
        ("PAG.GRATIFICACAO_COOPERACAO.REGISTRAR", ("apuracao", "a-r1"), ("PAG-08", "COOP-11")),
        ("PAG.PLANTAO.REGISTRAR", ("plantao", "p1"), ("PLAN-01", "PLAN-07")),
        ("PAG.AFASTAMENTO.REGISTRAR", ("afastamento", "des.x_2027-02-25"), ("PAG-03",))]
    compensation_record, bonus_record = world.repo.audits[:2]
    assert compensation_record.after["competencias"] == ["2027-03", "2027-04"]
    assert bonus_record.after["valor"] == "90.00"  # as stored: amounts as strings


def test_a_parked_event_and_its_replay_are_two_acts_on_the_event(world):
    envelope = deliver(world, compensation("jz.novo"))
    with pytest.raises(CourtError):
        world.service.replay_parked(envelope.id)  # still unknown: refused, nothing recorded
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "especial"))
    world.service.replay_parked(envelope.id)
    parked, registered, replayed = world.repo.audits
    assert (parked.act, parked.target, parked.rules) == ("PAG.EVENTO.ESTACIONAR", ("evento", envelope.id),
                                                         ("PAG-02", "PLAN-08"))
    assert parked.after["codigo"] == "PESSOA_DESCONHECIDA" and registered.act == "PAG.PESSOA.CADASTRAR"
    assert (replayed.act, replayed.target) == ("PAG.EVENTO.REPROCESSAR", ("evento", envelope.id))
    assert replayed.before["codigo"] == "PESSOA_DESCONHECIDA"
    assert replayed.after == {"resultado": "aplicado", "ato": "PAG.COMPENSACAO.REGISTRAR", "alvo": "compensacao:cmp-1"}


def test_pag_10_each_edit_keeps_the_note_and_editor_before_and_after(world):
    draft(world)
    world.service.edit("2027-03-ferias", "dimag.folha", "conferido")
    world.service.edit("2027-03-ferias", "dimag.chefe", "conferido e revisto")
    first, second = world.repo.audits
    assert (first.act, first.target, first.rules) == ("PAG.MEMO.EDITAR", ("memorando", "2027-03-ferias"), ("PAG-10",))
    assert (first.before["observacao"], first.before["editado_por"]) == (None, None)
    assert (first.after["observacao"], first.after["editado_por"]) == ("conferido", "dimag.folha")
    assert (second.before["observacao"], second.before["editado_por"]) == ("conferido", "dimag.folha")
    assert (second.after["observacao"], second.after["editado_por"]) == ("conferido e revisto", "dimag.chefe")
    assert second.after["editado_em"] == NOW.isoformat()
    header = world.repo.headers[("2027-03", "ferias")]
    assert (header.note, header.edited_by) == ("conferido e revisto", "dimag.chefe")


def test_pag_10_pag_11_signing_and_sending_record_who_when_and_the_state_changed(world):
    draft(world)
    world.service.sign("2027-03-ferias", "presidente")
    world.service.send("2027-03-ferias", "dimag.folha")
    signed, sent = world.repo.audits
    assert (signed.act, signed.rules) == ("PAG.MEMO.ASSINAR", ("PAG-10", "PAG-11"))
    assert signed.before["status"] == "rascunho" and signed.before["assinado_por"] is None
    assert signed.after == {"status": "assinado", "assinado_por": "presidente", "assinado_em": NOW.isoformat(),
                            "numero": "Memorando nº 1/2027 – DIMAG"}
    assert (sent.act, sent.target) == ("PAG.MEMO.ENVIAR", ("memorando", "2027-03-ferias"))
    assert (sent.before["status"], sent.after["status"], sent.after["enviado_por"]) == ("assinado", "enviado",
                                                                                       "dimag.folha")
    assert sent.after["documentos"]["pdf_chave"].endswith("2027-03-ferias.pdf")


def test_pag_10_an_edit_that_lost_to_a_concurrent_signature_records_only_the_signature(world):
    draft(world)
    world.repo.before_commit.append(lambda: world.service.sign("2027-03-ferias", "presidente"))
    with pytest.raises(CourtError):
        world.service.edit("2027-03-ferias", "dimag.folha", "x")
    assert world.repo.acts() == ["PAG.MEMO.ASSINAR"]


def test_pag_01_a_run_is_one_act_and_running_it_again_records_nothing(world):
    world.service.create_designation(designation())
    world.repo.audits.clear()
    world.service.run(MARCH)
    record = only(world)
    assert (record.act, record.target, record.rules) == ("PAG.EXECUCAO.MENSAL", ("competencia", "2027-03"),
                                                         ("PAG-01", "PAG-10"))
    assert record.before is None and len(record.after["memorandos"]) == 9
    assert record.after["memorandos"]["cumulacao_juizes"]["total"] == "3000.00"
    assert set(record.after["resultados"].values()) == {"gerado"}
    world.service.run(MARCH)
    assert len(world.repo.audits) == 1  # PAG-01: the same run again changes nothing and records nothing
    world.service.sign("2027-03-cumulacao_juizes", "presidente")
    world.service.run(MARCH)  # the signed memo is kept; nothing else changed
    assert world.repo.acts() == ["PAG.EXECUCAO.MENSAL", "PAG.MEMO.ASSINAR"]


def test_pag_01_a_run_after_a_new_fact_records_the_memos_before_and_after(world):
    world.service.run(MARCH)
    world.service.create_designation(designation())
    world.repo.audits.clear()
    world.service.run(MARCH)
    record = only(world)
    assert record.before["memorandos"]["cumulacao_juizes"]["total"] == "0.00"
    assert record.after["memorandos"]["cumulacao_juizes"]["total"] == "3000.00"
    assert record.after["resultados"]["cumulacao_juizes"] == "gerado"


def test_pag_01_a_run_stopped_before_its_mark_is_recorded_by_the_next_one(world):
    world.service.create_designation(designation())
    world.repo.audits.clear()
    world.repo.before_commit.append(lambda: world.repo.run_marks.__setitem__("2027-03", "outra"))
    world.service.run(MARCH)  # the mark moved under it: it reads again and records once
    assert world.repo.acts() == ["PAG.EXECUCAO.MENSAL"]
    world.repo.run_marks.clear()  # as if the run had stopped before its mark
    world.service.run(MARCH)
    assert world.repo.acts() == ["PAG.EXECUCAO.MENSAL", "PAG.EXECUCAO.MENSAL"]
    world.service.run(MARCH)
    assert len(world.repo.audits) == 2


def test_an_update_that_lost_to_a_concurrent_one_reads_again_so_before_is_what_it_replaced(world):
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz_substituto"))
    rival = Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "final")
    world.repo.before_commit.append(lambda: world.service.register_person(rival))
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "especial"))
    assert [r.after for r in world.repo.audits[1:]] == [{"cargo": "juiz", "entrancia": "final"},
                                                        {"entrancia": "especial"}]
    assert world.repo.audits[2].before == {"entrancia": "final"}
