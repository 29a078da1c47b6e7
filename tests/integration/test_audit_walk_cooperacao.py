"""The audit walk of cooperacao-svc (issue 17): every state-changing operation writes exactly one complete record.

The operations come from the service itself — its OpenAPI (HTTP routes, the ops routes included), its app's
schedules and the event types its consumer is built with — so a new route, schedule or event without a
scenario here fails :func:`test_every_operation_has_a_scenario`. Each scenario prepares what its act needs,
then marks the ledger and makes one successful call; the walk reads the table straight (``AuditLedger``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from courtlib.messaging.contracts import (
    CalendarDayRegistered,
    CalendarDayRemoved,
    MonthlyClosePartRequested,
    MonthlyCloseRequested,
    event_type_of,
    new_event,
)
from tests.integration import audit_walk
from tests.integration.audit_walk import AuditLedger, assert_one_complete_record
from tests.integration.lambda_events import sqs_event
from tests.integration.requested_runs import deliver, part_events, requested_event, run_requested
from tests.integration.test_cooperacao_http import (  # noqa: F401  (client, deps, world: fixtures)
    ADMIN,
    CGJ,
    DIMAG,
    NUCLEO,
    TZ,
    World,
    _partner,
    _scheduled_event,
    _signed,
    call,
    client,
    deps,
    gestor_h,
    servant_h,
    uid,
    world,
)

SERVICE = "cooperacao"


@dataclass(frozen=True)
class Expect:
    """What the act's one record must say."""

    act: str
    who: str = "usuario"
    target_type: str | None = None
    named_rules: bool = True
    change: bool = True
    by_event: str | None = None  # a consumed event's act recorded by the consumer of another (a run's last part)


@dataclass
class Walk:
    client: Any
    world: World
    deps: Any
    ledger: AuditLedger
    settings: Any
    app: Any

    def at(self, moment: datetime) -> None:
        self.deps.clock = lambda: moment

    def ok(self, answer: Any) -> Any:
        assert 200 <= answer.status_code < 300, answer.body
        return answer


Scenario = Callable[[Walk], Expect]
SCENARIOS: dict[tuple[str, str], Scenario] = {}
SCHEDULES: dict[str, Scenario] = {}
EVENTS: dict[str, Scenario] = {}


def scenario(table: dict[Any, Scenario], key: Any) -> Callable[[Scenario], Scenario]:
    def register(run: Scenario) -> Scenario:
        table[key] = run
        return run

    return register


# --- reference data ---------------------------------------------------------------------------------------


@scenario(SCENARIOS, ("PUT", "/servidores/{servidor}"))
def _servant(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "PUT", f"/servidores/{uid('s')}", {"nome": "Servidora Nova", "efetivo": True,
                                                           "lotacao": w.world.home}, ADMIN))
    return Expect("COOP.SERVIDOR.CADASTRAR", target_type="servidor")


@scenario(SCENARIOS, ("PUT", "/unidades/{unidade}"))
def _unit(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "PUT", f"/unidades/{uid('U')}", {"nome": "Unidade Nova", "tipo": "cartorio",
                                                         "predio": "FORUM"}, ADMIN))
    return Expect("COOP.UNIDADE.CADASTRAR", target_type="unidade")


@scenario(SCENARIOS, ("PUT", "/anexos/{anexo}"))
def _annex(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "PUT", "/anexos/V", {"unidades": {w.world.cart: 1}}, ADMIN))
    return Expect("COOP.ANEXO.SUBSTITUIR", target_type="anexo")


@scenario(SCENARIOS, ("PUT", "/portarias/{portaria}"))
def _portaria(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "PUT", f"/portarias/{uid('P')}", {"modalidade": "M2", "inicio": "2026-03-01",
                                                          "fim": "2026-03-31", "unidades": {w.world.cart: 2}}, CGJ))
    return Expect("COOP.PORTARIA.CADASTRAR", target_type="portaria")


@scenario(SCENARIOS, ("POST", "/afastamentos"))
def _leave(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/afastamentos", {"unidade": w.world.gab, "servidor": uid("chefe"), "tipo": "saude",
                                                  "inicio": "2026-03-02", "fim": "2026-03-31"}, ADMIN))
    return Expect("COOP.AFASTAMENTO.REGISTRAR", target_type="afastamento")


@scenario(SCENARIOS, ("POST", "/designacoes"))
def _designation(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/designacoes", {"unidade": w.world.gab, "servidor": uid("subst"), "efetivo": True,
                                                 "lotacao": w.world.home, "inicio": "2026-03-02",
                                                 "fim": "2026-03-31"}, ADMIN))
    return Expect("COOP.DESIGNACAO.REGISTRAR", target_type="designacao")


@scenario(SCENARIOS, ("PUT", "/norma"))
def _norm(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "PUT", "/norma", {"data_final": "2026-12-31"}, ADMIN))
    return Expect("COOP.NORMA.PRAZO", target_type="norma")


@scenario(SCENARIOS, ("POST", "/importacao"))
def _import_reference(w: Walk) -> Expect:
    unit, servant = uid("U"), uid("S")
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/importacao", {
        "unidades": [{"id": unit, "nome": "Unidade importada", "tipo": "gabinete", "predio": "SEDE"}],
        "servidores": [{"id": servant, "nome": "Servidora importada", "efetivo": True, "lotacao": unit}],
        "anexos": {"I": {unit: 2}}, "norma": {"data_final": "2026-12-31"}}, ADMIN))
    return Expect("COOP.REFERENCIA.IMPORTAR", target_type="importacao")


# --- cooperations -------------------------------------------------------------------------------------------


@scenario(SCENARIOS, ("POST", "/cooperacoes"))
def _request(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(w.world.request(w.world.ana, w.world.home, w.world.cart))
    return Expect("COOP.COOPERACAO.REQUERER", target_type="cooperacao")


@scenario(SCENARIOS, ("POST", "/cooperacoes/importacao"))
def _import_cooperations(w: Walk) -> Expect:
    w.at(datetime(2026, 3, 20, 20, 0, tzinfo=TZ))
    item = {"servidor": w.world.ana, "unidade_lotacao": w.world.home, "unidade_cooperada": w.world.cart,
            "modalidade": "M4", "inicio": "2026-03-02", "fim": "2026-03-31", "meta": "20 minutas",
            "deferido_em": "2026-02-27"}
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/cooperacoes/importacao", {"cooperacoes": [item]}, ADMIN))
    return Expect("COOP.COOPERACAO.IMPORTAR", target_type="cooperacao")


@scenario(SCENARIOS, ("POST", "/cooperacoes/{id}/decisao"))
def _decision(w: Walk) -> Expect:
    cid = w.ok(w.world.request(w.world.ana, w.world.home, w.world.cart)).json_body["id"]
    w.ledger.mark()
    w.ok(call(w.client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "30 minutas"},
              gestor_h(w.world.manager)))
    return Expect("COOP.COOPERACAO.DECIDIR", target_type="cooperacao")


@scenario(SCENARIOS, ("POST", "/cooperacoes/{id}/prorrogacao"))
def _extension(w: Walk) -> Expect:
    cid = w.world.approved()
    w.ledger.mark()
    w.ok(call(w.client, "POST", f"/cooperacoes/{cid}/prorrogacao", {"fim": "2026-04-30"}, gestor_h(w.world.manager)))
    return Expect("COOP.COOPERACAO.PRORROGAR", target_type="cooperacao")


@scenario(SCENARIOS, ("POST", "/cooperacoes/{id}/termino"))
def _early_end(w: Walk) -> Expect:
    cid = w.world.approved()
    w.ledger.mark()
    w.ok(call(w.client, "POST", f"/cooperacoes/{cid}/termino", {"fim": "2026-03-20"}, gestor_h(w.world.manager)))
    return Expect("COOP.COOPERACAO.ENCERRAR", target_type="cooperacao")


@scenario(SCENARIOS, ("POST", "/cooperacoes/{id}/pontos"))
def _time_record(w: Walk) -> Expect:
    cid = w.world.approved()
    w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    w.ledger.mark()
    w.ok(w.world.ponto(w.world.ana, cid, "2026-03-07T08:00:00-03:00", "2026-03-07T10:00:00-03:00"))
    return Expect("COOP.PONTO.REGISTRAR", target_type="cooperacao")


@scenario(SCENARIOS, ("POST", "/fechamentos"))
def _close(w: Walk) -> Expect:
    cid = w.world.approved()
    w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    w.ok(w.world.ponto(w.world.ana, cid, "2026-03-14T08:00:00-03:00", "2026-03-14T09:00:00-03:00"))
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/fechamentos", {"competencia": "2026-03"}, DIMAG))
    return Expect("COOP.FECHAMENTO.SOLICITAR", target_type="fechamento")


# --- judicial cooperation ---------------------------------------------------------------------------------


def _judicial_body() -> dict[str, Any]:
    return {"id_origem": uuid.uuid4().hex, "juizo_solicitante": "2ª Vara Cível de Joinville/SC",
            "juizo_destinatario": "1ª Vara Cível de Cuiabá", "instrumento": "auxilio_direto",
            "objeto": "Oitiva de testemunha residente em Cuiabá por videoconferência"}


@scenario(SCENARIOS, ("POST", "/cooperacao-judiciaria/pedidos"))
def _partner_request(w: Walk) -> Expect:
    partner = _partner(w.client)
    w.ledger.mark()
    w.ok(_signed(w.client, partner, "POST", "/cooperacao-judiciaria/pedidos", _judicial_body()))
    return Expect("COOP.PEDIDO_JUDICIAL.RECEBER", who="parceiro", target_type="pedido_judicial")


@scenario(SCENARIOS, ("POST", "/nucleo/pedidos"))
def _internal_request(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/nucleo/pedidos", _judicial_body(), gestor_h(uid("gestor"))))
    return Expect("COOP.PEDIDO_JUDICIAL.RECEBER", target_type="pedido_judicial")


@scenario(SCENARIOS, ("POST", "/nucleo/pedidos/{origem}/{id}/deliberacao"))
def _deliberation(w: Walk) -> Expect:
    body = _judicial_body()
    w.ok(call(w.client, "POST", "/nucleo/pedidos", body, gestor_h(uid("gestor"))))
    w.ledger.mark()
    w.ok(call(w.client, "POST", f"/nucleo/pedidos/INTERNO/{body['id_origem']}/deliberacao",
              {"membro": "coordenador", "decisao": "deferido", "fundamento": "CNJ Res. 350/2020, art. 6º",
               "ato": {"tipo": "ato_concertado", "titulo": f"Ato concertado {uid('a')}", "data": "2026-03-02"}},
              NUCLEO))
    return Expect("COOP.PEDIDO_JUDICIAL.DELIBERAR", target_type="pedido_judicial")


@scenario(SCENARIOS, ("POST", "/registro/atos"))
def _register_act(w: Walk) -> Expect:
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/registro/atos", {"tipo": "boa_pratica", "titulo": f"Boa prática {uid('b')}",
                                                   "data": "2026-03-02"}, NUCLEO))
    return Expect("COOP.REGISTRO.PUBLICAR", target_type="ato")


# --- operation (courtlib's routes, on every service) -------------------------------------------------------


@scenario(SCENARIOS, ("POST", "/admin/parceiros"))
def _partner_key(w: Walk) -> Expect:
    w.ledger.mark()
    _partner(w.client)
    return Expect("ADM.PARCEIRO.CHAVE.CADASTRAR", target_type="parceiro")


@scenario(SCENARIOS, ("DELETE", "/admin/parceiros/{parceiro}"))
def _partner_revoke(w: Walk) -> Expect:
    partner, _ = _partner(w.client)
    w.ledger.mark()
    w.ok(w.client.http.delete(f"/admin/parceiros/{partner}", headers=ADMIN))
    return Expect("ADM.PARCEIRO.CHAVE.REVOGAR", target_type="parceiro")


@scenario(SCENARIOS, ("POST", "/admin/dlq/reprocessar"))
def _redrive(w: Walk) -> Expect:
    sqs = boto3.client("sqs", region_name=w.settings.region)
    body = json.dumps({"morta": uid("m")})
    sqs.send_message(QueueUrl=w.settings.dlq_url, MessageBody=body, MessageGroupId="auditoria",
                     MessageDeduplicationId=uuid.uuid4().hex)
    w.ledger.mark()
    moved = w.ok(call(w.client, "POST", "/admin/dlq/reprocessar", {"limite": 10}, ADMIN)).json_body["reprocessadas"]
    assert moved >= 1
    # the redriven message is not an event of this test's world: take it off the service's queue again
    for message in sqs.receive_message(QueueUrl=w.settings.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        if message["Body"] == body:
            sqs.delete_message(QueueUrl=w.settings.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return Expect("ADM.DLQ.REPROCESSAR", target_type="fila", named_rules=False)


# --- schedules and consumed events ------------------------------------------------------------------------


@scenario(SCHEDULES, "monthly_close")
def _monthly_close(w: Walk) -> Expect:
    cid = w.world.approved()
    w.at(datetime(2026, 3, 31, 23, 0, tzinfo=TZ))
    w.ok(w.world.ponto(w.world.ana, cid, "2026-03-21T08:00:00-03:00", "2026-03-21T09:00:00-03:00"))
    w.at(datetime(2026, 4, 1, 0, 15, tzinfo=TZ))
    status = call(w.client, "GET", "/fechamentos/2026-03", headers=DIMAG)
    if status.status_code == 200 and status.json_body["situacao"] in ("pendente", "em_andamento"):
        run_requested(SERVICE, status.json_body)  # another scenario's request: while it runs, the schedule waits
    w.ledger.mark()
    # the schedule asks for the close (its request's record); the close runs on the queue, in parts
    assert w.app.handler_map["monthly_close"](_scheduled_event(), None)["fechado"] == "2026-03"
    return Expect("COOP.FECHAMENTO.SOLICITAR", who="sistema", target_type="fechamento")


def _deliver(w: Walk, payload: Any) -> None:
    envelope = new_event(payload, tribunal="TRE-MT", correlation_id=uid("c"))
    answer = w.app.handler_map["consume_events"](sqs_event([envelope.model_dump_json()], w.settings.queue_url), None)
    assert answer == {"batchItemFailures": []}, answer


@scenario(EVENTS, event_type_of(MonthlyCloseRequested))
def _close_requested(w: Walk) -> Expect:
    """The close a ``POST /fechamentos`` asked for, run by the consumer: the close's own record, by the system."""
    cid = w.world.approved()
    w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    w.ok(w.world.ponto(w.world.ana, cid, "2026-03-15T08:00:00-03:00", "2026-03-15T09:00:00-03:00"))
    status = w.ok(call(w.client, "POST", "/fechamentos", {"competencia": "2026-03"}, DIMAG)).json_body
    w.ledger.mark()
    run_requested(SERVICE, status)  # the request fans out; its run's one record comes with the last part
    return Expect("COOP.FECHAMENTO.APURAR", who="sistema", target_type="fechamento",
                  by_event=event_type_of(MonthlyClosePartRequested))


@scenario(EVENTS, event_type_of(MonthlyClosePartRequested))
def _close_part(w: Walk) -> Expect:
    """The part that completes a run writes the run's one record (the others write none: one record per run)."""
    cid = w.world.approved()
    w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    w.ok(w.world.ponto(w.world.ana, cid, "2026-03-16T08:00:00-03:00", "2026-03-16T09:00:00-03:00"))
    status = w.ok(call(w.client, "POST", "/fechamentos", {"competencia": "2026-03"}, DIMAG)).json_body
    deliver(SERVICE, requested_event(SERVICE, status))
    *first, last = part_events(SERVICE, status)
    for part in first:
        deliver(SERVICE, part)
    w.ledger.mark()
    deliver(SERVICE, last)
    return Expect("COOP.FECHAMENTO.APURAR", who="sistema", target_type="fechamento")


@scenario(EVENTS, event_type_of(CalendarDayRegistered))
def _day_registered(w: Walk) -> Expect:
    w.ledger.mark()
    _deliver(w, CalendarDayRegistered(data=date(2029, 3, 3), tipo="feriado_municipal", municipio="5103403",
                                      descricao="Feriado de teste", decretado_em=date(2029, 1, 10)))
    return Expect("CAL.DIA.COPIAR", who="sistema", target_type="dia")


@scenario(EVENTS, event_type_of(CalendarDayRemoved))
def _day_removed(w: Walk) -> Expect:
    _deliver(w, CalendarDayRegistered(data=date(2029, 3, 4), tipo="feriado_municipal", municipio="5103403",
                                      descricao="Feriado de teste", decretado_em=date(2029, 1, 10)))
    w.ledger.mark()
    _deliver(w, CalendarDayRemoved(data=date(2029, 3, 4), tipo="feriado_municipal", municipio="5103403"))
    return Expect("CAL.DIA.REMOVER_COPIA", who="sistema", target_type="dia")


# --- the walk -----------------------------------------------------------------------------------------------


@pytest.fixture
def app(service_app):
    return service_app(SERVICE)


@pytest.fixture
def walk(client, world, deps, settings_of, app) -> Walk:  # noqa: F811
    settings = settings_of(SERVICE)
    return Walk(client, world, deps, AuditLedger(settings.table_name, settings.region), settings, app)


def _consumed_event_types(deps: Any) -> set[str]:  # noqa: F811
    from chalicelib.cooperacao.consumers import event_handlers

    return set(event_handlers(deps))


def test_every_operation_has_a_scenario(client, app, deps):  # noqa: F811
    operations = audit_walk.state_changing_operations(client)
    assert {("POST", "/admin/parceiros"), ("POST", "/admin/dlq/reprocessar"), ("POST", "/cooperacoes")} <= operations
    assert operations - set(SCENARIOS) == set(), "operations without an audit scenario"
    assert set(SCENARIOS) - operations == set(), "scenarios of operations the service no longer has"
    assert audit_walk.schedules(app) == set(SCHEDULES)
    assert _consumed_event_types(deps) == set(EVENTS)


def _check(w: Walk, expect: Expect) -> dict[str, Any]:
    record = assert_one_complete_record(w.ledger.new(), who=expect.who, target_type=expect.target_type,
                                        named_rules=expect.named_rules, change=expect.change)
    assert record["ato"] == expect.act, record
    assert record["servico"] == SERVICE
    return record


@pytest.mark.parametrize("operation", sorted(SCENARIOS), ids=lambda op: f"{op[0]} {op[1]}")
def test_each_operation_writes_exactly_one_complete_record(walk, operation):
    _check(walk, SCENARIOS[operation](walk))


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_each_schedule_writes_exactly_one_record_as_the_system(walk, name):
    record = _check(walk, SCHEDULES[name](walk))
    assert record["quem"]["id"] == "sistema:agenda:fechamento-mensal"


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_each_consumed_event_writes_exactly_one_record_as_the_system(walk, event_type):
    expect = EVENTS[event_type](walk)
    record = _check(walk, expect)
    assert record["quem"]["id"] == f"sistema:evento:{expect.by_event or event_type}"


# --- the acts of the list, over HTTP ---------------------------------------------------------------


def _history(w: Walk, cid: str, headers: dict[str, str]) -> Any:
    return call(w.client, "GET", f"/cooperacoes/{cid}/historico", headers=headers)


def test_coop_10_the_gestors_decision_shows_who_when_rule_and_status_before_and_after(walk):
    w = walk
    cid = w.ok(w.world.request(w.world.ana, w.world.home, w.world.cart)).json_body["id"]
    w.ok(call(w.client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "30 minutas"},
              gestor_h(w.world.manager)))
    trail = w.ok(call(w.client, "GET", f"/auditoria?alvo={quote(f'cooperacao:{cid}')}", headers=CGJ)).json_body
    assert [r["ato"] for r in trail["itens"]] == ["COOP.COOPERACAO.REQUERER", "COOP.COOPERACAO.DECIDIR"]
    decision = trail["itens"][1]
    assert decision["quem"]["nome"] == w.world.manager and decision["quem"]["papeis"] == ["gestor"]
    assert decision["regras"] == ["COOP-10"] and datetime.fromisoformat(decision["quando"])
    assert decision["antes"] == {"situacao": "pendente", "meta": None}
    assert decision["depois"]["situacao"] == "aprovada" and decision["depois"]["meta"] == "30 minutas"
    assert decision["depois"]["papel"] == "gestor" and decision["depois"]["decisao"] == "deferimento"
    history = w.ok(_history(w, cid, servant_h(w.world.ana))).json_body["itens"]
    assert history == trail["itens"]


def test_coop_10_a_cooperations_history_follows_its_read_rules(walk):
    w = walk
    cid = w.world.approved()
    assert w.ok(_history(w, cid, gestor_h(w.world.manager))).json_body["itens"]
    assert w.ok(_history(w, cid, CGJ)).json_body["itens"]
    assert _history(w, cid, servant_h(w.world.bruno)).status_code == 403
    assert _history(w, cid, gestor_h(w.world.gab_manager)).status_code == 403
    assert _history(w, uid("nao-existe"), CGJ).status_code == 404


def test_a_cooperations_history_keeps_the_end_date_before_and_after_and_each_ponto(walk):
    w = walk
    cid = w.world.approved()
    w.ok(call(w.client, "POST", f"/cooperacoes/{cid}/prorrogacao", {"fim": "2026-04-30", "motivo": "acervo"},
              gestor_h(w.world.manager)))
    w.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    w.ok(w.world.ponto(w.world.ana, cid, "2026-03-07T08:00:00-03:00", "2026-03-07T10:00:00-03:00"))
    history = w.ok(_history(w, cid, servant_h(w.world.ana))).json_body["itens"]
    assert [r["ato"] for r in history] == ["COOP.COOPERACAO.REQUERER", "COOP.COOPERACAO.DECIDIR",
                                           "COOP.COOPERACAO.PRORROGAR", "COOP.PONTO.REGISTRAR"]
    extension, ponto = history[2], history[3]
    assert (extension["antes"]["fim"], extension["depois"]["fim"]) == ("2026-03-31", "2026-04-30")
    assert extension["regras"] == ["COOP-10", "COOP-09"]
    assert (ponto["antes"]["minutos_mes"], ponto["depois"]["minutos_mes"], ponto["depois"]["minutos"]) == (0, 120, 120)


def test_coop_11_a_repeated_close_that_publishes_nothing_writes_no_record_but_its_request(walk):
    w = walk
    _close_requested(w)
    assert len(w.ledger.new()) == 1
    w.ledger.mark()
    status = w.ok(call(w.client, "POST", "/fechamentos", {"competencia": "2026-03"}, DIMAG)).json_body
    assert len(w.ledger.new()) == 1  # the request
    w.ledger.mark()
    run_requested(SERVICE, status)
    assert w.ledger.new() == []  # the run changed nothing: no act


def test_coop_11_a_second_request_while_one_is_pending_records_nothing(walk):
    w = walk
    _close(w)
    assert len(w.ledger.new()) == 1
    w.ledger.mark()
    w.ok(call(w.client, "POST", "/fechamentos", {"competencia": "2026-03"}, DIMAG))
    assert w.ledger.new() == []


def test_a_retried_request_with_the_same_idempotency_key_writes_no_second_record_and_a_refused_one_none(walk):
    w = walk
    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"unidade": w.world.gab, "servidor": uid("chefe"), "tipo": "saude", "inicio": "2026-03-02",
            "fim": "2026-03-31"}
    w.ledger.mark()
    first = w.ok(call(w.client, "POST", "/afastamentos", body, {**ADMIN, **key}))
    again = w.ok(call(w.client, "POST", "/afastamentos", body, {**ADMIN, **key}))
    assert again.json_body == first.json_body
    assert len(w.ledger.new()) == 1
    refused = w.world.request(w.world.ana, w.world.home, w.world.cart, fim="2027-01-15")
    assert refused.status_code == 422 and refused.json_body["code"] == "COOP-09"
    assert w.ledger.new() == []


def test_coop_12_a_replayed_partner_request_writes_no_second_record(walk):
    w = walk
    partner = _partner(w.client)
    body = _judicial_body()
    w.ledger.mark()
    w.ok(_signed(w.client, partner, "POST", "/cooperacao-judiciaria/pedidos", body))
    replay = w.ok(_signed(w.client, partner, "POST", "/cooperacao-judiciaria/pedidos", body))
    assert replay.json_body["ja_recebido"] is True
    [record] = w.ledger.new()
    assert record["alvo"] == {"tipo": "pedido_judicial", "id": f"{partner[0]}/{body['id_origem']}"}
    assert record["quem"] == {"tipo": "parceiro", "id": f"parceiro:{partner[0]}", "nome": partner[0], "papeis": []}

