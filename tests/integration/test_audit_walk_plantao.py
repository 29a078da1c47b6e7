"""The audit walk of plantao-svc (issue 17), on moto: every state-changing operation of its OpenAPI (the calendar's
and the operational routes included), both schedules and every event type its consumer handles (its own portarias'
event) write exactly one complete audit record.

The operations come from the service's own ``GET /openapi.json``, the schedules from the app's event sources and
the event types from :func:`chalicelib.plantao.consumers.event_handlers`, so a new route, schedule or consumed event
without a scenario fails :func:`test_every_operation_schedule_and_event_has_a_scenario`. The acts of the issue's
list that live here — an impediment, a scale's approval, a calendar day deleted — are read back over HTTP, through
``GET /auditoria`` and the resource's ``/historico``, with what they changed; the scale's history keeps the
publication embargo (PLAN-03).
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from courtlib import clock
from courtlib.http.testing import bearer
from tests.integration.audit_walk import AuditLedger, assert_one_complete_record, schedules, state_changing_operations
from tests.integration.test_plantao_http import (  # noqa: F401  (world and ses are fixtures)
    ADMIN,
    MANAGER,
    PRESIDENCY,
    REFERENCE,
    SERVANT,
    A,
    World,
    fire,
    ses,
    world,
)

CORREGEDORIA = bearer("corregedor.rui", "corregedoria")


@dataclass
class Walk:
    world: World
    ledger: AuditLedger  # the service's table (the world's)
    ops_ledger: AuditLedger  # the app's own table: the operational routes (partner keys, DLQ) write there

    def ok(self, answer: Any, status: int = 200) -> Any:
        assert answer.status_code == status, answer.body
        return answer

    def approved(self, month: str = "2027-02", kind: str = "estadual") -> str:
        self.world.generate(month, kind)
        return str(self.world.approve(f"{month}-{kind}")["id"])


@pytest.fixture
def walk(world, settings_of) -> Walk:  # noqa: F811
    app_settings = settings_of("plantao")
    return Walk(world, AuditLedger(world.table, "sa-east-1"), AuditLedger(app_settings.table_name, "sa-east-1"))


@dataclass(frozen=True)
class Expected:
    act: str
    who: str
    target_type: str
    named_rules: bool = True
    ops: bool = False  # written in the app's own table (operational routes)


# --- HTTP operations: one scenario each (preparation, then mark, then the act) ------------------------------------


def put_reference(w: Walk) -> Expected:
    w.ledger.mark()
    w.ok(w.world.put("/referencia", REFERENCE))
    return Expected("PLAN.REFERENCIA.IMPORTAR", "usuario", "referencia")


def post_candidacy(w: Walk) -> Expected:
    w.world.clock.set(date(2026, 9, 10))  # September's edital: January–April 2027
    w.ledger.mark()
    w.ok(w.world.post("/noturno/2027/1/candidaturas", {"magistrado": "jz.alves"}, MANAGER), 201)
    return Expected("PLAN.NOTURNO.CANDIDATURA", "usuario", "quadrimestre")


def put_night_group(w: Walk) -> Expected:
    w.world.clock.set(date(2026, 9, 10))
    for judge in ("jz.alves", "jz.barros", "jz.campos", "jz.duarte"):
        w.ok(w.world.post("/noturno/2027/1/candidaturas", {"magistrado": judge}, MANAGER), 201)
    w.ledger.mark()
    w.ok(w.world.put("/noturno/2027/1", {"juizes": ["jz.alves", "jz.barros", "jz.campos", "jz.duarte"]}, PRESIDENCY))
    return Expected("PLAN.NOTURNO.DESIGNAR", "usuario", "quadrimestre")


def put_rotation(w: Walk) -> Expected:
    w.ledger.mark()
    w.ok(w.world.put("/rotacoes/estadual", {"ultimo_mes": "2027-01",
                                            "ultimos": {"estadual:R1": "2VC-CBA", "estadual:R2": "VU-CHA"}}))
    return Expected("PLAN.ROTACAO.CONTINUAR", "usuario", "rotacao")


def post_scale(w: Walk) -> Expected:
    w.ledger.mark()
    w.world.generate("2027-02", "estadual")
    return Expected("PLAN.ESCALA.GERAR", "usuario", "escala")


def post_regeneration(w: Walk) -> Expected:
    w.world.generate("2027-02", "estadual")
    w.ledger.mark()
    w.ok(w.world.post("/escalas/2027-02-estadual/regeneracao"))
    return Expected("PLAN.ESCALA.REGERAR", "usuario", "escala")


def post_approval(w: Walk) -> Expected:
    w.world.generate("2027-02", "estadual")
    w.ledger.mark()
    w.world.approve("2027-02-estadual", deliver=False)  # the portaria's document is the consumer's act (below)
    return Expected("PLAN.ESCALA.APROVAR", "usuario", "escala")


SWAP = {"plantao_a": A, "magistrado_a": "jz.campos", "plantao_b": "2027-02-20#estadual:R1", "magistrado_b": "jz.alves",
        "motivo": "compromisso familiar"}


def post_swap(w: Walk) -> Expected:
    w.approved()
    w.ledger.mark()
    w.ok(w.world.post("/escalas/2027-02-estadual/permutas", SWAP, MANAGER), 201)
    return Expected("PLAN.PERMUTA.SOLICITAR", "usuario", "escala")


def post_swap_approval(w: Walk) -> Expected:
    w.approved()
    swap = w.ok(w.world.post("/escalas/2027-02-estadual/permutas", SWAP, MANAGER), 201).json_body["id"]
    w.ledger.mark()
    w.ok(w.world.post(f"/permutas/{swap}/aprovacao"))
    return Expected("PLAN.PERMUTA.APROVAR", "usuario", "escala")


def post_impediment(w: Walk) -> Expected:
    w.approved()
    w.world.generate("2027-03", "estadual")
    w.ledger.mark()
    w.ok(w.world.post("/escalas/2027-02-estadual/impedimentos", {"plantao": A, "motivo": "impedimento legal"}), 201)
    return Expected("PLAN.IMPEDIMENTO", "usuario", "escala")


def post_new_days(w: Walk) -> Expected:
    w.approved()
    w.world.clock.set(date(2027, 2, 10))
    w.ok(w.world.post("/calendario/dias", {"data": "2027-02-16", "tipo": "ponto_facultativo", "descricao": "Carnaval",
                                           "decretado_em": "2027-02-10"}, ADMIN), 201)
    w.ledger.mark()
    answer = w.ok(w.world.post("/escalas/2027-02-estadual/novos-dias"))
    assert answer.json_body["acrescentados"]
    return Expected("PLAN.ESCALA.NOVOS_DIAS", "usuario", "escala")


def _credit(w: Walk) -> None:
    w.world.clock.set(date(2027, 2, 9))
    w.ok(w.world.post("/compensacoes/creditos", {"magistrado": "jz.esteves", "tipo": "acao_social",
                                                 "data": "2027-02-06", "descricao": "Justiça itinerante"}, ADMIN), 201)


def post_credit(w: Walk) -> Expected:
    w.world.clock.set(date(2027, 2, 9))
    w.ledger.mark()
    _credit(w)
    return Expected("PLAN.COMPENSACAO.CREDITAR", "usuario", "compensacao")


def _use(w: Walk) -> str:
    body = {"magistrado": "jz.esteves", "substituto": "jz.farias", "dias": ["2027-02-11"]}
    return str(w.ok(w.world.post("/compensacoes/usos", body, MANAGER), 201).json_body["id"])


def post_use(w: Walk) -> Expected:
    _credit(w)
    w.ledger.mark()
    _use(w)
    return Expected("PLAN.COMPENSACAO.USO.SOLICITAR", "usuario", "compensacao")


def post_use_approval(w: Walk) -> Expected:
    _credit(w)
    use = _use(w)
    w.ledger.mark()
    w.ok(w.world.post(f"/compensacoes/jz.esteves/usos/{use}/aprovacao"))
    return Expected("PLAN.COMPENSACAO.USO.APROVAR", "usuario", "compensacao")


DAY = {"data": "2027-03-15", "tipo": "ponto_facultativo", "descricao": "Ponto facultativo (teste)",
       "decretado_em": "2027-01-20"}


def post_calendar_day(w: Walk) -> Expected:
    w.ledger.mark()
    w.ok(w.world.post("/calendario/dias", DAY, ADMIN), 201)
    return Expected("CAL.DIA.REGISTRAR", "usuario", "dia")


def delete_calendar_day(w: Walk) -> Expected:
    w.ok(w.world.post("/calendario/dias", DAY, ADMIN), 201)
    w.ledger.mark()
    w.ok(w.world.client.http.delete("/calendario/dias/2027-03-15/ponto_facultativo", headers=ADMIN), 204)
    return Expected("CAL.DIA.REMOVER", "usuario", "dia")


def _partner(w: Walk) -> str:
    partner = f"TJ{uuid.uuid4().hex[:6].upper()}"
    w.ok(w.world.post("/admin/parceiros", {"id": partner, "nome": f"Tribunal {partner}"}, ADMIN), 201)
    return partner


def post_partner(w: Walk) -> Expected:
    w.ops_ledger.mark()
    _partner(w)
    return Expected("ADM.PARCEIRO.CHAVE.CADASTRAR", "usuario", "parceiro", ops=True)


def delete_partner(w: Walk) -> Expected:
    partner = _partner(w)
    w.ops_ledger.mark()
    w.ok(w.world.client.http.delete(f"/admin/parceiros/{partner}", headers=ADMIN), 204)
    return Expected("ADM.PARCEIRO.CHAVE.REVOGAR", "usuario", "parceiro", ops=True)


def redrive_dlq(w: Walk) -> Expected:
    settings = w.world.deps.settings
    sqs = boto3.client("sqs", region_name="sa-east-1")
    fifo = settings.dlq_url.endswith(".fifo")
    extra = {"MessageGroupId": "teste", "MessageDeduplicationId": uuid.uuid4().hex} if fifo else {}
    sqs.send_message(QueueUrl=settings.dlq_url, MessageBody=json.dumps({"teste": "carta morta"}), **extra)
    w.ops_ledger.mark()
    moved = w.ok(w.world.post("/admin/dlq/reprocessar", {"limite": 1}, ADMIN))
    assert moved.json_body["reprocessadas"] == 1
    return Expected("ADM.DLQ.REPROCESSAR", "usuario", "fila", named_rules=False, ops=True)


OPERATIONS: dict[tuple[str, str], Callable[[Walk], Expected]] = {
    ("PUT", "/referencia"): put_reference,
    ("POST", "/noturno/{ano}/{quadrimestre}/candidaturas"): post_candidacy,
    ("PUT", "/noturno/{ano}/{quadrimestre}"): put_night_group,
    ("PUT", "/rotacoes/{tipo}"): put_rotation,
    ("POST", "/escalas"): post_scale,
    ("POST", "/escalas/{escala}/regeneracao"): post_regeneration,
    ("POST", "/escalas/{escala}/aprovacao"): post_approval,
    ("POST", "/escalas/{escala}/permutas"): post_swap,
    ("POST", "/permutas/{permuta}/aprovacao"): post_swap_approval,
    ("POST", "/escalas/{escala}/impedimentos"): post_impediment,
    ("POST", "/escalas/{escala}/novos-dias"): post_new_days,
    ("POST", "/compensacoes/creditos"): post_credit,
    ("POST", "/compensacoes/usos"): post_use,
    ("POST", "/compensacoes/{magistrado}/usos/{uso}/aprovacao"): post_use_approval,
    ("POST", "/calendario/dias"): post_calendar_day,
    ("DELETE", "/calendario/dias/{data}/{tipo}"): delete_calendar_day,
    ("POST", "/admin/parceiros"): post_partner,
    ("DELETE", "/admin/parceiros/{parceiro}"): delete_partner,
    ("POST", "/admin/dlq/reprocessar"): redrive_dlq,
}


# --- schedules ---------------------------------------------------------------------------------------------------


def served_duties(w: Walk) -> Expected:
    w.approved()
    w.world.clock.set(date(2027, 2, 8))  # the shifts of 6 and 7 are over
    w.ledger.mark()
    assert fire("register_served_duties")["plantoes_registrados"] == 4
    return Expected("PLAN.PLANTOES.REALIZADOS", "sistema", "execucao")


def monthly_scales(w: Walk) -> Expected:
    w.world.clock.set(date(2027, 1, 20))  # plantao.geracao_dia_do_mes
    w.ledger.mark()
    assert len(fire("generate_monthly_scales")["geradas"]) == 3
    return Expected("PLAN.ESCALAS.GERACAO_MENSAL", "sistema", "execucao")


SCHEDULES: dict[str, Callable[[Walk], Expected]] = {
    "register_served_duties": served_duties,
    "generate_monthly_scales": monthly_scales,
}

def portaria_issued(w: Walk) -> Expected:
    """PLAN-04 after the approval: the consumer stores the document and sends the notices, one act of the system."""
    w.world.generate("2027-02", "estadual")
    w.world.approve("2027-02-estadual", deliver=False)
    w.ledger.mark()
    w.world.deliver()
    return Expected("PLAN.PORTARIA.PUBLICAR", "sistema", "escala")


# plantao-svc consumes only its own portarias' event (it owns the calendar the others copy; their copy is tested in
# test_audit_calendar_replica.py).
EVENTS: dict[str, Callable[[Walk], Expected]] = {"br.jus.tribunal.plantao.portaria-emitida.v1": portaria_issued}


def _app() -> Any:
    return sys.modules["plantao_app"].app


def test_every_operation_schedule_and_event_has_a_scenario(world):  # noqa: F811
    from chalicelib.plantao.consumers import event_handlers

    operations = state_changing_operations(world.client)
    assert {("DELETE", "/calendario/dias/{data}/{tipo}"), ("POST", "/admin/dlq/reprocessar")} <= operations
    assert operations == set(OPERATIONS), (f"sem cenário: {sorted(operations - set(OPERATIONS))}; "
                                           f"cenário sem operação: {sorted(set(OPERATIONS) - operations)}")
    assert schedules(_app()) == set(SCHEDULES)
    assert set(event_handlers(world.deps)) == set(EVENTS)


def _one_record(w: Walk, expected: Expected) -> dict[str, Any]:
    records = (w.ops_ledger if expected.ops else w.ledger).new()
    return assert_one_complete_record(records, act=expected.act, who=expected.who, target_type=expected.target_type,
                                      named_rules=expected.named_rules)


@pytest.mark.parametrize("operation", sorted(OPERATIONS), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_state_changing_operation_writes_exactly_one_complete_record(walk, operation):
    _one_record(walk, OPERATIONS[operation](walk))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_each_schedule_run_writes_exactly_one_record_and_a_run_that_changes_nothing_none(walk, name):
    record = _one_record(walk, SCHEDULES[name](walk))
    assert record["quem"]["id"] == f"sistema:agenda:{name}"
    assert record["depois"] and all(isinstance(v, (int, str, list, dict)) for v in record["depois"].values())
    fire(name)  # the same run again: nothing left to do, nothing recorded
    assert walk.ledger.new() == []


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_each_consumed_event_writes_exactly_one_record_as_the_system_and_a_redelivery_none(walk, event_type):
    record = _one_record(walk, EVENTS[event_type](walk))
    assert record["quem"]["id"] == f"sistema:evento:{event_type}" and record["correlacao"]
    assert record["depois"]["documento"] == "pronto" and record["depois"]["avisos_enviados"] == 7
    assert walk.world.deps.service.publish_portaria("MI", 2027, 1)["avisos_enviados"] == 0  # redelivered
    assert walk.ledger.new() == []


# --- the acts of the list, read back over HTTP ------------------------------------------------------------


def _audit(w: Walk, headers: dict = CORREGEDORIA, **query: str) -> list[dict[str, Any]]:
    answer = w.ok(w.world.client.http.get(f"/auditoria?{urlencode(query)}", headers=headers))
    return list(answer.json_body["itens"])


def _history(w: Walk, path: str, headers: dict = PRESIDENCY) -> list[dict[str, Any]]:
    return list(w.ok(w.world.client.http.get(path, headers=headers)).json_body["itens"])


def test_plan_04_a_scales_approval_records_who_the_rule_and_the_status_before_and_after(walk):
    record = _one_record(walk, post_approval(walk))
    assert record["regras"][:2] == ["PLAN-04", "PLAN-03"] and record["alvo"] == {"tipo": "escala",
                                                                                "id": "2027-02-estadual"}
    assert (record["quem"]["nome"], record["quem"]["papeis"]) == ("presidente", ["presidencia"])
    assert (record["antes"]["status"], record["depois"]["status"]) == ("rascunho", "aprovada")
    assert record["depois"]["portaria"] == "Portaria MI nº 1/2027" and record["depois"]["aprovada_por"] == "presidente"
    assert record["antes"]["plantoes_sha256"] == record["depois"]["plantoes_sha256"]  # approving changes no shift
    shown = _audit(walk, ADMIN, alvo="escala:2027-02-estadual")  # admin prepares scales: sees before D−5
    assert [r["ato"] for r in shown] == ["PLAN.ESCALA.GERAR", "PLAN.ESCALA.APROVAR"] and shown[-1] == record
    assert _history(walk, "/escalas/2027-02-estadual/historico")[-1] == record


def test_plan_06_an_impediment_keeps_the_impeded_judge_and_the_scales_history_shows_both(walk):
    record = _one_record(walk, post_impediment(walk))
    assert record["regras"][0] == "PLAN-06"
    impeded, substitute = record["antes"]["plantao"], record["depois"]["plantao"]
    assert impeded["plantao"] == substitute["plantao"] == A and impeded["data"] == "2027-02-13"
    assert (impeded["magistrado"], impeded["nome"]) == ("jz.campos", "Juiz Caio Campos")
    assert (substitute["magistrado"], substitute["origem"]) == ("jz.alves", "impedimento")
    assert record["depois"]["motivo"] == "impedimento legal" and record["depois"]["portaria"] == "Portaria MI nº 2/2027"
    assert record["depois"]["escala_seguinte_regerada"]["escala"] == "2027-03-estadual"
    history = _history(walk, "/escalas/2027-02-estadual/historico")
    assert [r["ato"] for r in history] == ["PLAN.ESCALA.GERAR", "PLAN.ESCALA.APROVAR", "PLAN.PORTARIA.PUBLICAR",
                                           "PLAN.IMPEDIMENTO"]
    assert history[-1] == record
    assert _audit(walk, ADMIN, alvo="escala:2027-02-estadual", ato="PLAN.IMPEDIMENTO") == [record]


def test_cal_01_a_deleted_calendar_day_leaves_its_record_with_the_day_as_it_was(walk):
    record = _one_record(walk, delete_calendar_day(walk))
    assert record["regras"] == ["CAL-01", "CAL-03"] and record["alvo"] == {"tipo": "dia", "id": "2027-03-15"}
    assert record["antes"] == {"data": "2027-03-15", "tipo": "ponto_facultativo", "municipio": None,
                               "descricao": "Ponto facultativo (teste)", "decretado_em": "2027-01-20"}
    assert record["depois"] is None and record["quem"]["nome"] == "admin.ti"
    history = _history(walk, "/calendario/dias/2027-03-15/historico", headers=SERVANT)
    assert [r["ato"] for r in history] == ["CAL.DIA.REGISTRAR", "CAL.DIA.REMOVER"] and history[-1] == record
    assert history[0]["depois"] == record["antes"]
    assert _audit(walk, alvo="dia:2027-03-15")[-1] == record
    assert walk.world.client.http.get("/calendario/dias/15-03-2027/historico", headers=SERVANT).status_code == 422


def test_cal_01_registering_a_day_again_keeps_what_it_replaced(walk):
    walk.ok(walk.world.post("/calendario/dias", DAY, ADMIN), 201)
    walk.ledger.mark()
    walk.ok(walk.world.post("/calendario/dias", {**DAY, "descricao": "Ponto facultativo (corrigido)"}, ADMIN), 201)
    [record] = walk.ledger.new()
    assert (record["antes"]["descricao"], record["depois"]["descricao"]) == ("Ponto facultativo (teste)",
                                                                             "Ponto facultativo (corrigido)")


def test_plan_03_the_scales_history_and_the_audit_keep_the_embargo_until_every_shift_is_disclosed(walk):
    post_impediment(walk)  # the records name the impeded judge and the substitute
    path = "/escalas/2027-02-estadual/historico"
    for headers in (SERVANT, MANAGER, CORREGEDORIA):  # staff who may not see February's names yet
        refused = walk.world.client.http.get(path, headers=headers)
        assert refused.status_code == 403 and refused.json_body["code"] == "PLAN-03"
    assert walk.world.client.http.get(path, headers={}).status_code == 401
    by_target = walk.world.client.http.get("/auditoria?alvo=escala:2027-02-estadual", headers=CORREGEDORIA)
    assert by_target.status_code == 403 and by_target.json_body["code"] == "PLAN-03"
    today = clock.today().isoformat()  # the records' day: the one clock's, not the scale's test clock
    by_period = _audit(walk, de=today, ate=today)
    by_person = _audit(walk, pessoa="presidente")
    assert all(r["alvo"]["tipo"] != "escala" for r in by_period + by_person)
    assert any(r["alvo"]["tipo"] == "escala" for r in _audit(walk, headers=ADMIN, de=today, ate=today))
    assert len(_history(walk, path, headers=ADMIN)) == 4  # those who prepare and approve see it
    walk.world.clock.set(date(2027, 2, 23))  # D−5 of the last shift (28/02): every name is public
    assert [r["ato"] for r in _history(walk, path, headers=SERVANT)][-1] == "PLAN.IMPEDIMENTO"
    assert _audit(walk, alvo="escala:2027-02-estadual")[-1]["ato"] == "PLAN.IMPEDIMENTO"
    assert walk.world.client.http.get("/escalas/2099-01-estadual/historico", headers=SERVANT).status_code == 404
    assert _audit(walk, alvo="escala:2099-01-estadual") == []  # no such scale: nothing to show, not a 404


def test_plan_07_a_magistrates_compensation_history_shows_balance_before_and_after(walk):
    post_use_approval(walk)
    history = _history(walk, "/compensacoes/jz.esteves/historico", headers=SERVANT)
    assert [r["ato"] for r in history] == ["PLAN.COMPENSACAO.CREDITAR", "PLAN.COMPENSACAO.USO.SOLICITAR",
                                           "PLAN.COMPENSACAO.USO.APROVAR"]
    approval = history[-1]
    assert (approval["antes"]["saldo"], approval["depois"]["saldo"]) == (2, 1)
    assert (approval["antes"]["status"], approval["depois"]["status"]) == ("pendente", "aprovado")


def test_an_idempotent_retry_writes_no_second_record_and_a_refused_request_none(walk):
    key = {"Idempotency-Key": uuid.uuid4().hex, **PRESIDENCY}
    walk.ledger.mark()
    first = walk.world.post("/escalas", {"mes": "2027-02", "tipo": "estadual"}, key)
    again = walk.world.post("/escalas", {"mes": "2027-02", "tipo": "estadual"}, key)
    assert (first.status_code, again.status_code) == (201, 201) and again.json_body == first.json_body
    assert [r["ato"] for r in walk.ledger.new()] == ["PLAN.ESCALA.GERAR"]
    assert walk.world.post("/escalas", {"mes": "2027-02", "tipo": "estadual"}).status_code == 409  # PLAN-02
    assert walk.world.post("/escalas/2027-02-estadual/aprovacao", headers=MANAGER).status_code == 403
    assert walk.world.post("/compensacoes/usos", {"magistrado": "jz.alves", "substituto": "jz.barros",
                                                  "dias": ["2027-02-13"]}, MANAGER).status_code == 422  # PLAN-08
    assert walk.ledger.new() == []
