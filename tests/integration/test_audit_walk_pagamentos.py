"""The audit walk of pagamentos-svc (issue 17), on moto: every state-changing operation of its OpenAPI, its
schedule and every event type its consumer handles writes exactly one complete audit record.

The operations come from the service's own ``GET /openapi.json``, the schedules from the app's event sources and
the event types from :func:`chalicelib.pagamentos.consumers.event_handlers`, so a new route, schedule or consumed
event without a scenario here fails :func:`test_every_operation_schedule_and_event_has_a_scenario`.
The acts of the issue's list that live here (a memo edit, its signature and its sending) are also read back over
HTTP, through ``GET /auditoria`` and the memo's ``/historico``, with what they changed.
"""

from __future__ import annotations

import itertools
import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from courtlib.http.testing import bearer
from courtlib.messaging.contracts import (
    CalendarDayRegistered,
    CalendarDayRemoved,
    CompensationUsed,
    CooperationBonusAssessed,
    DutyServed,
    MagistrateAbsenceRegistered,
    Payload,
    PaymentRunRequested,
    event_type_of,
)
from tests.integration.audit_walk import AuditLedger, assert_one_complete_record, schedules, state_changing_operations
from tests.integration.requested_runs import run_requested
from tests.integration.test_pagamentos_http import (
    ADMIN,
    DIMAG,
    PRESIDENCY,
    SCHEDULED,
    TZ,
    deliver,
    judge,
    send,
    servant,
    suffix,
)

CORREGEDORIA = bearer("corregedor.rui", "corregedoria")
SERVANT = bearer("servidor.ana", "servidor")
# Each scenario runs its own competência (the table is shared by the session): far years no other test uses.
_MONTHS = (f"{year}-{month:02d}" for year in itertools.count(2060) for month in range(1, 13))


def fresh_month() -> str:
    return next(_MONTHS)


@dataclass
class Walk:
    client: Any
    deps: Any
    service_app: Callable[..., Any]
    ledger: AuditLedger

    def at(self, when: datetime) -> Callable[[], None]:
        """Puts the service's clock at ``when``; answers the undo."""
        saved = self.deps.clock
        self.deps.clock = lambda: when
        return lambda: setattr(self.deps, "clock", saved)

    def run(self, competencia: str, auth: dict = DIMAG, execute: bool = True, **headers: str) -> Any:
        """``POST /execucoes`` (202) and, with ``execute``, the run by the consumer (the queue's delivery)."""
        undo = self.at(datetime(2099, 1, 1, 12, tzinfo=TZ))
        try:
            answer = send(self.client, "post", "/execucoes", {"competencia": competencia}, auth, **headers)
            if execute and answer.status_code == 202:
                run_requested("pagamentos", answer.json_body)
            return answer
        finally:
            undo()

    def draft(self) -> str:
        """A fresh month's memos, as drafts: the id of its cumulação memo (one judge, 1..10 of the month)."""
        month, pid = fresh_month(), f"jz.w{suffix()}"
        judge(self.client, pid)
        created = send(self.client, "post", "/designacoes", {"tipo": "cumulacao", "pessoa": pid,
                                                             "juizo": f"W-{pid}", "inicio": f"{month}-01",
                                                             "fim": f"{month}-10"})
        assert created.status_code == 201, created.body
        assert self.run(month).status_code == 202
        return f"{month}-cumulacao_juizes"


@pytest.fixture
def walk(client_of, service_app, settings_of) -> Walk:
    client = client_of("pagamentos")
    deps = sys.modules["pagamentos_app"].deps
    return Walk(client, deps, service_app, AuditLedger(deps.settings.table_name, deps.settings.region))


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.body
    return answer


@dataclass(frozen=True)
class Expected:
    act: str
    who: str
    target_type: str | None  # None: not this service's to choose (the calendar's copy)
    named_rules: bool = True


# --- HTTP operations: one scenario each (preparation, then mark, then the act) --------------------------------


def put_person(w: Walk) -> Expected:
    w.ledger.mark()
    ok(send(w.client, "put", f"/pessoas/jz.w{suffix()}", {"nome": "Juíza Walk", "tipo": "magistrado",
                                                          "cargo": "juiz", "entrancia": "final"}, ADMIN))
    return Expected("PAG.PESSOA.CADASTRAR", "usuario", "pessoa")


def post_import(w: Walk) -> Expected:
    pid, month = f"jz.w{suffix()}", fresh_month()
    w.ledger.mark()
    ok(send(w.client, "post", "/importacao", {
        "pessoas": [{"id": pid, "nome": "Juiz Importado", "tipo": "magistrado", "cargo": "juiz", "entrancia": "final"}],
        "designacoes": [{"tipo": "cumulacao", "pessoa": pid, "juizo": f"W-{pid}", "inicio": f"{month}-01",
                         "fim": f"{month}-05"}]}, DIMAG, **{"Idempotency-Key": uuid.uuid4().hex}))
    return Expected("PAG.IMPORTACAO", "usuario", "importacao")


def post_designation(w: Walk) -> Expected:
    pid, month = f"jz.w{suffix()}", fresh_month()
    judge(w.client, pid)
    w.ledger.mark()
    ok(send(w.client, "post", "/designacoes", {"tipo": "convocacao", "pessoa": pid, "juizo": "TRE",
                                               "inicio": f"{month}-01", "fim": f"{month}-05"}), 201)
    return Expected("PAG.DESIGNACAO.REGISTRAR", "usuario", "designacao")


def post_vacation(w: Walk) -> Expected:
    pid, month = f"jz.w{suffix()}", fresh_month()
    judge(w.client, pid)
    w.ledger.mark()
    ok(send(w.client, "post", "/ferias", {"pessoa": pid, "inicio": f"{month}-01", "fim": f"{month}-20"}), 201)
    return Expected("PAG.FERIAS.REGISTRAR", "usuario", "ferias")


def post_renounced(w: Walk) -> Expected:
    pid, month = f"jz.w{suffix()}", fresh_month()
    judge(w.client, pid)
    w.ledger.mark()
    ok(send(w.client, "post", "/ferias-renunciadas", {"pessoa": pid, "dias": 10, "autorizado_em": f"{month}-03"}),
       201)
    return Expected("PAG.FERIAS_RENUNCIADAS.REGISTRAR", "usuario", "ferias_renunciadas")


def post_session(w: Walk) -> Expected:
    pid, month = f"jz.w{suffix()}", fresh_month()
    judge(w.client, pid)
    w.ledger.mark()
    ok(send(w.client, "post", "/sessoes", {"id": f"s{suffix()}", "data": f"{month}-04",
                                           "presencas": [{"membro": pid, "situacao": "presente"}]}), 201)
    return Expected("PAG.SESSAO.REGISTRAR", "usuario", "sessao")


def post_run(w: Walk) -> Expected:
    month = fresh_month()
    w.ledger.mark()
    ok(w.run(month, execute=False), 202)
    return Expected("PAG.EXECUCAO.SOLICITAR", "usuario", "competencia")


def run_requested_event(w: Walk) -> Expected:
    """The run a ``POST /execucoes`` asked for, run by the consumer: the run's own record, by the system."""
    month = fresh_month()
    status = ok(w.run(month, execute=False, **{"X-Correlation-Id": "teste"}), 202).json_body
    w.ledger.mark()
    run_requested("pagamentos", status)
    return Expected("PAG.EXECUCAO.MENSAL", "sistema", "competencia")


def patch_memo(w: Walk) -> Expected:
    memo = w.draft()
    w.ledger.mark()
    ok(send(w.client, "patch", f"/memorandos/{memo}", {"observacao": "conferido"}))
    return Expected("PAG.MEMO.EDITAR", "usuario", "memorando")


def post_signature(w: Walk) -> Expected:
    memo = w.draft()
    w.ledger.mark()
    ok(send(w.client, "post", f"/memorandos/{memo}/assinatura", auth=PRESIDENCY))
    return Expected("PAG.MEMO.ASSINAR", "usuario", "memorando")


def post_sending(w: Walk) -> Expected:
    memo = w.draft()
    ok(send(w.client, "post", f"/memorandos/{memo}/assinatura", auth=PRESIDENCY))
    w.ledger.mark()
    ok(send(w.client, "post", f"/memorandos/{memo}/envio"))
    return Expected("PAG.MEMO.ENVIAR", "usuario", "memorando")


def parked_compensation(w: Walk, pid: str) -> str:
    """A compensation for ``pid`` (not registered): parked; answers the parked event's id."""
    deliver(w.service_app, CompensationUsed(
        compensacao_id=f"cmp-{pid}", magistrado="jz.outro", nome="Outro", juizo="2VC-CBA", substituto=pid,
        substituto_nome="Juiz Novo", juizo_substituto="1VC-CBA", dias=[date.fromisoformat(f"{fresh_month()}-07")],
        aprovado_em=datetime(2040, 1, 1, tzinfo=TZ), aprovado_por="presidente"))
    parked = json.loads(send(w.client, "get", "/estacionados?limite=200").body)["itens"]
    [event] = [p for p in parked if p["evento"]["data"].get("substituto") == pid]
    return str(event["id"])


def replay_parked(w: Walk) -> Expected:
    pid = f"jz.w{suffix()}"
    event_id = parked_compensation(w, pid)
    judge(w.client, pid)
    w.ledger.mark()
    ok(send(w.client, "post", f"/estacionados/{event_id}/reprocessar"))
    return Expected("PAG.EVENTO.REPROCESSAR", "usuario", "evento")


def redrive_dlq(w: Walk) -> Expected:
    settings = w.deps.settings
    sqs = boto3.client("sqs", region_name=settings.region)
    fifo = settings.dlq_url.endswith(".fifo")
    extra = {"MessageGroupId": "walk", "MessageDeduplicationId": uuid.uuid4().hex} if fifo else {}
    sqs.send_message(QueueUrl=settings.dlq_url, MessageBody=json.dumps({"teste": "carta morta"}), **extra)
    w.ledger.mark()
    moved = ok(send(w.client, "post", "/admin/dlq/reprocessar", {"limite": 1}, ADMIN))
    assert json.loads(moved.body)["reprocessadas"] == 1
    # the message went back to the service's queue, which nothing here consumes: take it out again
    for message in sqs.receive_message(QueueUrl=settings.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        if "carta morta" in message["Body"]:
            sqs.delete_message(QueueUrl=settings.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return Expected("ADM.DLQ.REPROCESSAR", "usuario", "fila", named_rules=False)


def partner_id() -> str:
    return f"TJ{uuid.uuid4().hex[:6].upper()}"


def register_partner(w: Walk) -> Expected:
    w.ledger.mark()
    ok(send(w.client, "post", "/admin/parceiros", {"id": partner_id(), "nome": "Tribunal Parceiro"}, ADMIN), 201)
    return Expected("ADM.PARCEIRO.CHAVE.CADASTRAR", "usuario", "parceiro")


def revoke_partner(w: Walk) -> Expected:
    partner = partner_id()
    ok(send(w.client, "post", "/admin/parceiros", {"id": partner, "nome": "Tribunal Parceiro"}, ADMIN), 201)
    w.ledger.mark()
    ok(send(w.client, "delete", f"/admin/parceiros/{partner}", auth=ADMIN), 204)
    return Expected("ADM.PARCEIRO.CHAVE.REVOGAR", "usuario", "parceiro")


OPERATIONS: dict[tuple[str, str], Callable[[Walk], Expected]] = {
    ("PUT", "/pessoas/{pessoa}"): put_person,
    ("POST", "/importacao"): post_import,
    ("POST", "/designacoes"): post_designation,
    ("POST", "/ferias"): post_vacation,
    ("POST", "/ferias-renunciadas"): post_renounced,
    ("POST", "/sessoes"): post_session,
    ("POST", "/execucoes"): post_run,
    ("PATCH", "/memorandos/{memorando}"): patch_memo,
    ("POST", "/memorandos/{memorando}/assinatura"): post_signature,
    ("POST", "/memorandos/{memorando}/envio"): post_sending,
    ("POST", "/estacionados/{evento}/reprocessar"): replay_parked,
    ("POST", "/admin/dlq/reprocessar"): redrive_dlq,
    ("POST", "/admin/parceiros"): register_partner,
    ("DELETE", "/admin/parceiros/{parceiro}"): revoke_partner,
}


# --- the schedule ---------------------------------------------------------------------------------------------


def monthly_run(w: Walk) -> Expected:
    """PAG-01: on the configured day (5 by default) the schedule runs the previous month, as the system."""
    month = fresh_month()
    year, number = map(int, month.split("-"))
    next_year, next_month = (year + 1, 1) if number == 12 else (year, number + 1)
    from chalicelib.pagamentos.config import pagamentos_config

    day = pagamentos_config(w.deps.config).dia_execucao_mensal
    undo = w.at(datetime(next_year, next_month, day, 6, tzinfo=TZ))
    try:
        w.ledger.mark()
        result = w.service_app("pagamentos").handler_map["monthly_run"](SCHEDULED, None)
    finally:
        undo()
    assert result["executado"] is True and result["competencia"] == month, result
    return Expected("PAG.EXECUCAO.MENSAL", "sistema", "competencia")


SCHEDULES: dict[str, Callable[[Walk], Expected]] = {"monthly_run": monthly_run}
SYSTEM_NAMES = {"monthly_run": "sistema:agenda:execucao-mensal"}


# --- consumed events ------------------------------------------------------------------------------------------


def _deliver(w: Walk, payload: Payload) -> None:
    w.ledger.mark()
    deliver(w.service_app, payload)


def absence(w: Walk) -> Expected:
    month = fresh_month()
    _deliver(w, MagistrateAbsenceRegistered(orgao="PLENO", magistrado=f"des.w{suffix()}", nome="Des. Walk",
                                            inicio=date.fromisoformat(f"{month}-03"),
                                            fim=date.fromisoformat(f"{month}-06"), motivo="licença"))
    return Expected("PAG.AFASTAMENTO.REGISTRAR", "sistema", "afastamento")


def compensation(w: Walk) -> Expected:
    pid = f"jz.w{suffix()}"
    judge(w.client, pid)
    _deliver(w, CompensationUsed(compensacao_id=f"cmp-{pid}", magistrado="jz.outro", nome="Outro", juizo="2VC-CBA",
                                 substituto=pid, substituto_nome="Juiz", juizo_substituto="1VC-CBA",
                                 dias=[date.fromisoformat(f"{fresh_month()}-07")],
                                 aprovado_em=datetime(2040, 1, 1, tzinfo=TZ), aprovado_por="presidente"))
    return Expected("PAG.COMPENSACAO.REGISTRAR", "sistema", "compensacao")


def duty(w: Walk) -> Expected:
    pid, day = f"jz.w{suffix()}", date.fromisoformat(f"{fresh_month()}-06")
    judge(w.client, pid)
    _deliver(w, DutyServed(plantao_id=f"p-{pid}", escala_id="e", tipo="estadual", magistrado=pid, nome="Juiz",
                           data=day, inicio=datetime(day.year, day.month, day.day, 11, tzinfo=TZ),
                           fim=datetime(day.year, day.month, day.day, 18, tzinfo=TZ), dia_util=False,
                           dias_credito=2))
    return Expected("PAG.PLANTAO.REGISTRAR", "sistema", "plantao")


def cooperation_bonus(w: Walk) -> Expected:
    pid = f"sv.w{suffix()}"
    servant(w.client, pid)
    _deliver(w, CooperationBonusAssessed(apuracao_id=f"{pid}-r1", servidor=pid, nome=pid, competencia=fresh_month(),
                                         natureza="apuracao", revisao=1, minutos=60, valor_hora=Decimal("45.00"),
                                         valor=Decimal("45.00")))
    return Expected("PAG.GRATIFICACAO_COOPERACAO.REGISTRAR", "sistema", "apuracao")


def calendar_day_registered(w: Walk) -> Expected:
    _deliver(w, CalendarDayRegistered(data=date.fromisoformat(f"{fresh_month()}-15"), tipo="ponto_facultativo",
                                      descricao="Ponto facultativo do passeio", decretado_em=date(2040, 1, 2)))
    return Expected("CAL.DIA.COPIAR", "sistema", "dia")


def calendar_day_removed(w: Walk) -> Expected:
    day = date.fromisoformat(f"{fresh_month()}-15")
    deliver(w.service_app, CalendarDayRegistered(data=day, tipo="ponto_facultativo", descricao="Ponto facultativo",
                                                 decretado_em=date(2040, 1, 2)))
    _deliver(w, CalendarDayRemoved(data=day, tipo="ponto_facultativo"))
    return Expected("CAL.DIA.REMOVER_COPIA", "sistema", "dia")


EVENTS: dict[str, Callable[[Walk], Expected]] = {
    event_type_of(MagistrateAbsenceRegistered): absence,
    event_type_of(CompensationUsed): compensation,
    event_type_of(DutyServed): duty,
    event_type_of(CooperationBonusAssessed): cooperation_bonus,
    event_type_of(CalendarDayRegistered): calendar_day_registered,
    event_type_of(CalendarDayRemoved): calendar_day_removed,
    event_type_of(PaymentRunRequested): run_requested_event,
}
# The calendar's copy is courtlib's (courtlib.calendar.api.calendar_event_handlers), audited by the calendar's
# owner (plantao-svc's side of issue 17); until that is merged its two scenarios may fail.


# --- the walk -------------------------------------------------------------------------------------------------


def test_every_operation_schedule_and_event_has_a_scenario(walk):
    from chalicelib.pagamentos.consumers import event_handlers

    assert state_changing_operations(walk.client) == set(OPERATIONS)
    assert schedules(walk.service_app("pagamentos")) == set(SCHEDULES)
    assert set(event_handlers(walk.deps)) == set(EVENTS)


def _check(walk: Walk, expected: Expected) -> dict[str, Any]:
    return assert_one_complete_record(walk.ledger.new(), act=expected.act, who=expected.who,
                                      target_type=expected.target_type, named_rules=expected.named_rules)


@pytest.mark.parametrize("operation", sorted(OPERATIONS), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_state_changing_operation_writes_one_complete_record(walk, operation):
    record = _check(walk, OPERATIONS[operation](walk))
    assert record["quem"]["tipo"] == "usuario" and record["correlacao"]


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_each_schedule_writes_one_complete_record_as_the_system(walk, name):
    record = _check(walk, SCHEDULES[name](walk))
    assert record["quem"]["id"] == SYSTEM_NAMES[name]


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_each_consumed_event_writes_one_complete_record_as_the_system(walk, event_type):
    record = _check(walk, EVENTS[event_type](walk))
    assert record["quem"]["id"] == f"sistema:evento:{event_type}" and record["correlacao"] == "teste"


# --- what a record says, and that nothing else writes one --------------------------------------------------------


def _audit(walk: Walk, **query: str) -> list[dict[str, Any]]:
    answer = ok(walk.client.http.get(f"/auditoria?{urlencode(query)}", headers=CORREGEDORIA))
    return list(answer.json_body["itens"])


def _history(walk: Walk, memo: str, auth: dict = DIMAG) -> list[dict[str, Any]]:
    return list(ok(walk.client.http.get(f"/memorandos/{memo}/historico", headers=auth)).json_body["itens"])


def test_pag_10_every_version_of_a_memo_its_signature_and_sending_are_in_its_history(walk):
    """Issue 17's memo acts over HTTP: each edit keeps the note and editor before and after; the signature who
    and when and the number; the sending, who and the documents. The memo's history and GET /auditoria agree."""
    memo = walk.draft()
    ok(send(walk.client, "patch", f"/memorandos/{memo}", {"observacao": "conferido"}))
    ok(send(walk.client, "patch", f"/memorandos/{memo}", {"observacao": "conferido e revisto"}, PRESIDENCY))
    signed = json.loads(ok(send(walk.client, "post", f"/memorandos/{memo}/assinatura", auth=PRESIDENCY)).body)
    sent = json.loads(ok(send(walk.client, "post", f"/memorandos/{memo}/envio")).body)
    history = _history(walk, memo)
    assert [r["ato"] for r in history] == ["PAG.MEMO.EDITAR", "PAG.MEMO.EDITAR", "PAG.MEMO.ASSINAR",
                                           "PAG.MEMO.ENVIAR"]
    first, second, signature, sending = history
    assert (first["antes"]["observacao"], first["depois"]["observacao"]) == (None, "conferido")
    assert first["depois"]["editado_por"] == "dimag.folha" and first["quem"]["nome"] == "dimag.folha"
    assert (second["antes"]["observacao"], second["antes"]["editado_por"]) == ("conferido", "dimag.folha")
    assert (second["depois"]["observacao"], second["depois"]["editado_por"]) == ("conferido e revisto", "presidente")
    assert all(r["regras"] == ["PAG-10"] for r in (first, second))
    assert signature["regras"] == ["PAG-10", "PAG-11"] and signature["quem"]["papeis"] == ["presidencia"]
    assert (signature["antes"]["status"], signature["depois"]["status"]) == ("rascunho", "assinado")
    assert signature["depois"]["assinado_por"] == "presidente" == signed["assinado_por"]
    assert signature["depois"]["assinado_em"] == signed["assinado_em"]
    assert signature["depois"]["numero"] == signed["numero"]
    assert (sending["antes"]["status"], sending["depois"]["status"]) == ("assinado", "enviado")
    assert sending["depois"]["enviado_por"] == "dimag.folha" and sending["depois"]["documentos"] == sent["documentos"]
    assert _audit(walk, alvo=f"memorando:{memo}") == history
    document = json.loads(ok(send(walk.client, "get", f"/memorandos/{memo}")).body)
    assert (document["observacao"], document["editado_por"]) == ("conferido e revisto", "presidente")
    listed = json.loads(ok(send(walk.client, "get", f"/memorandos?competencia={memo[:7]}")).body)["memorandos"]
    assert [m["numero"] for m in listed if m["id"] == memo] == [signed["numero"]]  # the console's list shows it
    assert {m["numero"] for m in listed if m["id"] != memo} == {None}  # drafts have none


def test_a_memos_history_is_read_by_whoever_reads_the_memo_and_pages(walk):
    memo = walk.draft()
    for note in ("um", "dois", "três"):
        ok(send(walk.client, "patch", f"/memorandos/{memo}", {"observacao": note}))
    assert walk.client.http.get(f"/memorandos/{memo}/historico", headers=SERVANT).status_code == 403
    assert walk.client.http.get("/memorandos/2061-01-nada/historico", headers=DIMAG).status_code == 404
    assert [r["depois"]["observacao"] for r in _history(walk, memo, ADMIN)] == ["um", "dois", "três"]
    page = ok(walk.client.http.get(f"/memorandos/{memo}/historico?limite=2", headers=PRESIDENCY)).json_body
    rest = ok(walk.client.http.get(f"/memorandos/{memo}/historico?limite=2&cursor={page['proximo']}",
                                   headers=PRESIDENCY)).json_body
    assert [r["depois"]["observacao"] for r in page["itens"] + rest["itens"]] == ["um", "dois", "três"]
    assert rest["proximo"] is None


def test_pag_01_a_run_is_one_record_with_its_counts_and_a_repeated_run_writes_none(walk):
    memo = walk.draft()
    month = memo[:7]
    [record, request] = sorted(_audit(walk, alvo=f"competencia:{month}"), key=lambda r: r["ato"])
    assert request["ato"] == "PAG.EXECUCAO.SOLICITAR" and request["depois"] == {"situacao": "pendente", "execucao": 1}
    assert record["ato"] == "PAG.EXECUCAO.MENSAL" and record["regras"] == ["PAG-01", "PAG-10"]
    assert record["depois"]["memorandos"]["cumulacao_juizes"]["status"] == "rascunho"
    assert Decimal(record["depois"]["memorandos"]["cumulacao_juizes"]["total"]) > 0
    assert len(json.dumps(record)) < 10_000  # counts and totals, not the memos' lines
    status = ok(walk.run(month, execute=False), 202).json_body
    walk.ledger.mark()
    run_requested("pagamentos", status)
    assert walk.ledger.new() == []  # the request has its record; the run that changed nothing, none


def test_a_retry_with_the_same_idempotency_key_and_a_refusal_write_no_record(walk):
    pid, month = f"jz.w{suffix()}", fresh_month()
    judge(walk.client, pid)
    body = {"tipo": "cumulacao", "pessoa": pid, "juizo": f"W-{pid}", "inicio": f"{month}-01", "fim": f"{month}-10"}
    key = uuid.uuid4().hex
    ok(send(walk.client, "post", "/designacoes", body, DIMAG, **{"Idempotency-Key": key}), 201)
    walk.ledger.mark()
    ok(send(walk.client, "post", "/designacoes", body, DIMAG, **{"Idempotency-Key": key}), 201)
    overlapping = send(walk.client, "post", "/designacoes", {**body, "inicio": f"{month}-05"})
    assert overlapping.status_code == 409
    assert send(walk.client, "post", "/execucoes", {"competencia": month}, SERVANT).status_code == 403
    memo_edit = send(walk.client, "patch", "/memorandos/2061-01-nada", {"observacao": "x"})
    assert memo_edit.status_code == 404
    assert walk.ledger.new() == []
