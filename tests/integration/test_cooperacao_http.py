"""cooperacao-svc over HTTP on moto (COOP-01..12): the real app, the real table.

Each test builds its own servants and units (ids with a random suffix) so quotas and months start empty. The
app's clock is fixed at Monday 2026-03-02 20:00 (America/Sao_Paulo); the norm's final date is set to
2026-12-31 through the API (002's 31/12/2025 is already past).
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import boto3
import pytest

from courtlib.auth.partners import sign_request
from courtlib.http.testing import bearer
from tests.integration.requested_runs import deliver, part_events, run_requested

TZ = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 3, 2, 20, 0, tzinfo=TZ)
ADMIN = bearer("admin.ti", "admin")
CGJ = bearer("corregedor", "corregedoria")
NUCLEO = bearer("nucleo.coop", "nucleo_cooperacao")
DIMAG = bearer("dimag.folha", "dimag")


def uid(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def servant_h(name: str) -> dict[str, str]:
    return bearer(name, "servidor")


def gestor_h(name: str) -> dict[str, str]:
    return bearer(name, "gestor")


def call(client, method: str, path: str, body=None, headers=None):
    kwargs = {"headers": {"Content-Type": "application/json", **(headers or {})}}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    return getattr(client.http, method.lower())(path, **kwargs)


@pytest.fixture
def client(client_of):
    return client_of("cooperacao")


@pytest.fixture
def deps(service_app):
    service_app("cooperacao")
    deps = sys.modules["cooperacao_app"].deps
    saved = deps.clock
    deps.clock = lambda: NOW
    yield deps
    deps.clock = saved


@pytest.fixture
def table(settings_of):
    settings = settings_of("cooperacao")
    dynamodb = boto3.client("dynamodb", region_name=settings.region)

    class Table:
        name = settings.table_name

        def partition(self, pk: str) -> list[dict]:
            return dynamodb.query(TableName=self.name, KeyConditionExpression="pk = :pk",
                                  ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)["Items"]

        def get(self, pk: str, sk: str) -> dict | None:
            return dynamodb.get_item(TableName=self.name, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                                     ConsistentRead=True).get("Item")

    return Table()


class World:
    """Two units in the same building (a cartório and a gabinete), a third elsewhere; two servants."""

    def __init__(self, client):
        self.client = client
        self.home, self.cart, self.gab, self.far, self.gab2 = uid("1VC"), uid("2VC"), uid("GAB"), uid("VGR"), uid("GAB")
        self.manager, self.gab_manager = uid("gestor"), uid("gestor")
        self.ana, self.bruno = uid("ana"), uid("bruno")
        for unit, kind, building, manager in ((self.home, "cartorio", "FORUM", uid("gestor")),
                                              (self.cart, "cartorio", "FORUM", self.manager),
                                              (self.gab, "gabinete", "FORUM", self.gab_manager),
                                              (self.far, "cartorio", "FORUM-VG", uid("gestor")),
                                              (self.gab2, "gabinete", "SEDE", self.gab_manager)):
            r = call(client, "PUT", f"/unidades/{unit}", {"nome": f"Unidade {unit}", "tipo": kind, "predio": building,
                                                          "gestor": manager}, ADMIN)
            assert r.status_code == 200, r.body
        r = call(client, "PUT", f"/servidores/{self.ana}", {"nome": "Ana Servidora", "efetivo": True,
                                                            "graduacao_direito": True, "lotacao": self.home}, ADMIN)
        assert r.status_code == 200, r.body
        r = call(client, "PUT", f"/servidores/{self.bruno}", {"nome": "Bruno Servidor", "efetivo": True,
                                                              "cargo_comissao": "assessor_gabinete",
                                                              "lotacao": self.gab}, CGJ)
        assert r.status_code == 200, r.body
        assert call(client, "PUT", "/norma", {"data_final": "2026-12-31"}, ADMIN).status_code == 200
        assert call(client, "PUT", "/anexos/IV", {"unidades": {self.cart: 2, self.far: 1}}, ADMIN).status_code == 200

    def request(self, servant: str, home: str, unit: str, modality: str = "M4", inicio: str = "2026-03-02",
                fim: str = "2026-03-31", **extra):
        body = {"unidade_lotacao": home, "unidade_cooperada": unit, "modalidade": modality, "inicio": inicio,
                "fim": fim, **extra}
        return call(self.client, "POST", "/cooperacoes", body, servant_h(servant))

    def approved(self, servant: str | None = None, unit: str | None = None, **kw) -> str:
        servant = servant or self.ana
        r = self.request(servant, self.home if servant == self.ana else self.gab, unit or self.cart, **kw)
        assert r.status_code == 201, r.body
        cid = r.json_body["id"]
        d = call(self.client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "20 minutas/mês"},
                 gestor_h(self.manager if (unit or self.cart) == self.cart else self.gab_manager))
        assert d.json_body["situacao"] == "aprovada", d.body
        assert d.status_code == 200, d.body
        return cid

    def ponto(self, servant: str, cid: str, inicio: str, fim: str):
        return call(self.client, "POST", f"/cooperacoes/{cid}/pontos", {"inicio": inicio, "fim": fim},
                    servant_h(servant))


@pytest.fixture
def world(client, deps):
    return World(client)


# --- reference data --------------------------------------------------------------------------------


def test_reference_data_roles_and_a_servant_sees_only_their_own_profile(client, world):
    body = {"nome": "X Y Z", "efetivo": True, "lotacao": world.home}
    assert call(client, "PUT", f"/servidores/{uid('x')}", body, servant_h(world.ana)).status_code == 403
    assert call(client, "PUT", f"/servidores/{uid('x')}", body).status_code == 401
    assert call(client, "GET", f"/servidores/{world.ana}", headers=servant_h(world.ana)).status_code == 200
    assert call(client, "GET", f"/servidores/{world.ana}", headers=servant_h(world.bruno)).status_code == 403
    bad = call(client, "PUT", f"/servidores/{uid('x')}", {"nome": "Sem cargo", "efetivo": False,
                                                          "lotacao": world.home}, ADMIN)
    assert bad.status_code == 422
    portaria = {"modalidade": "M2", "inicio": "2026-03-01", "fim": "2026-03-31", "unidades": {world.cart: 3}}
    refused = call(client, "PUT", f"/portarias/{uid('P')}", portaria, CGJ)
    assert refused.status_code == 422 and refused.json_body["code"] == "COOP-02", refused.body
    assert call(client, "PUT", f"/portarias/{uid('P')}", {**portaria, "ampliada": True}, CGJ).status_code == 200


def test_bulk_import_creates_units_servants_and_annexes(client, deps):
    u, s = uid("U"), uid("S")
    body = {"unidades": [{"id": u, "nome": "Unidade importada", "tipo": "gabinete", "predio": "SEDE"}],
            "servidores": [{"id": s, "nome": "Servidora importada", "efetivo": True, "lotacao": u}],
            "anexos": {"I": {u: 2}}, "norma": {"data_final": "2026-12-31"}}
    r = call(client, "POST", "/importacao", body, ADMIN)
    assert r.status_code == 200, r.body
    assert r.json_body["unidades"] == 1 and r.json_body["servidores"] == 1
    assert call(client, "GET", "/anexos/I", headers=CGJ).json_body["unidades"][u] == 2
    unknown = call(client, "POST", "/importacao", {"anexos": {"IV": {uid("nao-existe"): 1}}}, ADMIN)
    assert unknown.status_code == 404


# --- requests and decisions --------------------------------------------------------------------------


def test_coop_01_10_request_decision_and_object_level_access(client, world, table):
    r = world.request(world.ana, world.home, world.cart)
    assert r.status_code == 201, r.body
    cid = r.json_body["id"]
    assert r.json_body["situacao"] == "pendente" and r.json_body["vagas_restantes"] == 1
    # a servant never sees another's request; a manager of an unrelated unit neither
    assert call(client, "GET", f"/cooperacoes/{cid}", headers=servant_h(world.bruno)).status_code == 403
    assert call(client, "GET", f"/cooperacoes/{cid}", headers=gestor_h(world.gab_manager)).status_code == 403
    assert call(client, "GET", f"/cooperacoes/{cid}", headers=servant_h(world.ana)).status_code == 200
    assert call(client, "GET", "/cooperacoes", headers=servant_h(world.bruno)).json_body["itens"] == []
    assert [c["id"] for c in call(client, "GET", "/cooperacoes", headers=servant_h(world.ana)).json_body["itens"]] \
        == [cid]
    assert call(client, "GET", f"/unidades/{world.cart}/cooperacoes",
                headers=gestor_h(world.gab_manager)).status_code == 403
    # only the cooperated unit's manager decides, and sets the goal
    wrong = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "m"},
                 gestor_h(world.gab_manager))
    assert wrong.status_code == 403 and wrong.json_body["code"] == "COOP-10"
    no_goal = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True}, gestor_h(world.manager))
    assert no_goal.status_code == 422 and no_goal.json_body["field"] == "meta"
    ok = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "30 minutas"},
              gestor_h(world.manager))
    assert ok.status_code == 200, ok.body
    assert ok.json_body["situacao"] == "aprovada" and ok.json_body["meta"] == "30 minutas"
    decisions = ok.json_body["decisoes"]
    assert [d["acao"] for d in decisions] == ["requerimento", "deferimento"]
    assert decisions[1]["por"] == world.manager and decisions[1]["regra"] == "COOP-10" and decisions[1]["em"]
    again = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "x"},
                 gestor_h(world.manager))
    assert again.status_code == 409
    # extension and early end by the manager, within COOP-09
    longer = call(client, "POST", f"/cooperacoes/{cid}/prorrogacao", {"fim": "2026-04-30"}, gestor_h(world.manager))
    assert longer.status_code == 200 and longer.json_body["fim"] == "2026-04-30", longer.body
    beyond = call(client, "POST", f"/cooperacoes/{cid}/prorrogacao", {"fim": "2027-01-31"}, gestor_h(world.manager))
    assert beyond.status_code == 422 and beyond.json_body["code"] == "COOP-09"
    by_servant = call(client, "POST", f"/cooperacoes/{cid}/termino", {"fim": "2026-03-20"}, servant_h(world.ana))
    assert by_servant.status_code == 403
    shorter = call(client, "POST", f"/cooperacoes/{cid}/termino", {"fim": "2026-03-20"}, gestor_h(world.manager))
    assert shorter.status_code == 200 and shorter.json_body["fim"] == "2026-03-20"


def test_coop_10_m3_goes_to_the_corregedoria_after_the_gestor(client, world):
    portaria = {"modalidade": "M3", "inicio": "2026-03-01", "fim": "2026-03-31", "unidades": {world.cart: 5}}
    assert call(client, "PUT", f"/portarias/{uid('CGJ')}", portaria, CGJ).status_code == 200
    r = world.request(world.ana, world.home, world.cart, modality="M3", plano_trabalho="Baixa de 300 processos")
    assert r.status_code == 201, r.body
    cid = r.json_body["id"]
    early = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True}, CGJ)
    assert early.status_code == 409 and early.json_body["code"] == "COOP-10"
    mid = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True, "meta": "m"}, gestor_h(world.manager))
    assert mid.json_body["situacao"] == "aguardando_corregedoria"
    final = call(client, "POST", f"/cooperacoes/{cid}/decisao", {"deferir": True}, CGJ)
    assert final.status_code == 200 and final.json_body["situacao"] == "aprovada"
    assert [d["papel"] for d in final.json_body["decisoes"]] == ["servidor", "gestor", "corregedoria"]


def test_refusals_name_the_rule_and_field_and_write_nothing(client, world, table):
    portaria = {"modalidade": "M3", "inicio": "2026-03-01", "fim": "2026-03-31", "unidades": {world.cart: 5}}
    assert call(client, "PUT", f"/portarias/{uid('CGJ')}", portaria, CGJ).status_code == 200
    before = len(table.partition(f"SERVIDOR#{world.bruno}")) + len(table.partition(f"UNIDADE#{world.cart}"))
    cases = [
        (dict(servant=world.bruno, home=world.gab, unit=world.cart, modality="M1"), "COOP-02", "unidade"),
        (dict(servant=world.bruno, home=world.gab, unit=world.gab, modality="M4"), "COOP-04", "unidade"),
        (dict(servant=world.bruno, home=world.gab, unit=world.cart, modality="M3", plano_trabalho="p"), "COOP-03",
         "modalidade"),
        (dict(servant=world.ana, home=world.gab, unit=world.cart), "COOP-01", "unidade_lotacao"),
        (dict(servant=world.ana, home=world.home, unit=world.far, presencial=True,
              anuencias={"servidor": True, "gestor_lotacao": True, "gestor_cooperada": True}), "COOP-05", "presencial"),
        (dict(servant=world.ana, home=world.home, unit=world.cart, fim="2027-01-15"), "COOP-09", "fim"),
    ]
    for kwargs, code, field in cases:
        servant, home, unit = kwargs.pop("servant"), kwargs.pop("home"), kwargs.pop("unit")
        r = world.request(servant, home, unit, **kwargs)
        assert r.status_code == 422, (code, r.body)
        assert (r.json_body["code"], r.json_body["field"]) == (code, field), r.body
        assert r.json_body["detail"] and r.headers["Content-Type"].startswith("application/problem+json")
    after = len(table.partition(f"SERVIDOR#{world.bruno}")) + len(table.partition(f"UNIDADE#{world.cart}"))
    assert after == before
    assert call(client, "GET", "/cooperacoes", headers=servant_h(world.ana)).json_body["itens"] == []


def test_coop_02_quota_full_by_one_over_http(client, world):
    others = [uid("s") for _ in range(3)]
    for s in others:
        assert call(client, "PUT", f"/servidores/{s}", {"nome": "Outro servidor", "efetivo": True,
                                                        "lotacao": world.home}, ADMIN).status_code == 200
    first = world.request(others[0], world.home, world.cart)
    assert first.status_code == 201 and first.json_body["vagas_restantes"] == 1
    second = world.request(others[1], world.home, world.cart)
    assert second.status_code == 201 and second.json_body["vagas_restantes"] == 0
    third = world.request(others[2], world.home, world.cart)
    assert third.status_code == 422 and third.json_body["code"] == "COOP-02"
    assert "restam 0 vagas" in third.json_body["detail"] and third.json_body["restantes"] == 0


def test_coop_07_third_overlapping_unit_refused_third_after_one_ends_accepted(client, world):
    extra = uid("3VC")
    call(client, "PUT", f"/unidades/{extra}", {"nome": "Terceira", "tipo": "cartorio", "predio": "FORUM"}, ADMIN)
    call(client, "PUT", "/anexos/IV", {"unidades": {world.cart: 2, world.far: 1, extra: 2}}, ADMIN)
    assert world.request(world.ana, world.home, world.cart, fim="2026-03-15").status_code == 201
    assert world.request(world.ana, world.home, world.far, fim="2026-04-30").status_code == 201
    third = world.request(world.ana, world.home, extra, inicio="2026-03-10", fim="2026-03-31")
    assert third.status_code == 409 and third.json_body["code"] == "COOP-07", third.body
    assert world.request(world.ana, world.home, extra, inicio="2026-03-16", fim="2026-03-31").status_code == 201


# --- ponto -----------------------------------------------------------------------------------------------


def test_coop_08_a_session_without_offset_is_refused_and_one_from_acre_counts_at_its_own_hour(client, world, deps):
    """Brazil has four zones: 08:00 without an offset is not guessed as Brasília's (422 COOP-08 naming the field,
    nothing written); 08:00-05:00 (Rio Branco) is 10:00 in the court's zone."""
    cid = world.approved()
    deps.clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    naive = world.ponto(world.ana, cid, "2026-03-07T08:00:00", "2026-03-07T10:00:00-03:00")
    assert (naive.status_code, naive.json_body["code"], naive.json_body["field"]) == (422, "COOP-08", "inicio")
    assert "informe o fuso, ex.: 2027-03-01T08:00:00-03:00" in naive.json_body["detail"]
    listed = call(client, "GET", f"/servidores/{world.ana}/pontos?competencia=2026-03", headers=servant_h(world.ana))
    assert listed.json_body["minutos_mes"] == 0 and listed.json_body["itens"] == []
    acre = world.ponto(world.ana, cid, "2026-03-07T08:00:00-05:00", "2026-03-07T09:00:00-05:00")
    assert acre.status_code == 201, acre.body
    assert acre.json_body["registro"]["inicio"].startswith("2026-03-07T10:00:00")
    assert acre.json_body["minutos_mes"] == 60


def test_coop_06_08_records_exactly_40h_accepted_one_minute_more_refused(client, world, table, deps):
    cid = world.approved()
    deps.clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    # 8 Saturdays/Sundays of March × 5 h = 40 h: weekends have no expediente
    days = ["2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15", "2026-03-21", "2026-03-22", "2026-03-28"]
    for day in days:
        r = world.ponto(world.ana, cid, f"{day}T08:00:00-03:00", f"{day}T13:00:00-03:00")
        assert r.status_code == 201, r.body
    assert r.json_body["disponiveis_minutos"] == 300 and r.json_body["disponiveis"] == "5h"
    over = world.ponto(world.ana, cid, "2026-03-29T08:00:00-03:00", "2026-03-29T13:01:00-03:00")
    assert over.status_code == 422 and over.json_body["code"] == "COOP-06"
    assert over.json_body["disponiveis_minutos"] == 300 and "disponíveis 5h" in over.json_body["detail"]
    exact = world.ponto(world.ana, cid, "2026-03-29T08:00:00-03:00", "2026-03-29T13:00:00-03:00")
    assert exact.status_code == 201 and exact.json_body["minutos_mes"] == 2400
    assert exact.json_body["disponiveis_minutos"] == 0
    one_more = world.ponto(world.ana, cid, "2026-03-29T20:00:00-03:00", "2026-03-29T20:01:00-03:00")
    assert one_more.status_code == 422 and one_more.json_body["disponiveis_minutos"] == 0
    # inside the expediente (Monday 12h–19h), overlapping, outside the period
    inside = world.ponto(world.ana, cid, "2026-03-02T18:00:00-03:00", "2026-03-02T20:00:00-03:00")
    assert inside.status_code == 422 and inside.json_body["code"] == "COOP-06"
    overlap = world.ponto(world.ana, cid, "2026-03-07T12:00:00-03:00", "2026-03-07T14:00:00-03:00")
    assert overlap.status_code == 409 and overlap.json_body["code"] == "COOP-08"
    outside = world.ponto(world.ana, cid, "2026-04-01T06:00:00-03:00", "2026-04-01T07:00:00-03:00")
    assert outside.status_code == 422 and outside.json_body["code"] == "COOP-08"
    # a servant never records on, nor reads, another's
    other = world.ponto(world.bruno, cid, "2026-03-31T20:00:00-03:00", "2026-03-31T21:00:00-03:00")
    assert other.status_code == 403
    mine = call(client, "GET", f"/servidores/{world.ana}/pontos?competencia=2026-03", headers=servant_h(world.ana))
    assert mine.status_code == 200 and mine.json_body["minutos_mes"] == 2400 and len(mine.json_body["itens"]) == 8
    theirs = call(client, "GET", f"/servidores/{world.ana}/pontos?competencia=2026-03",
                  headers=servant_h(world.bruno))
    assert theirs.status_code == 403


# --- monthly close ---------------------------------------------------------------------------------------


def _outbox(table, servant: str, month: str, revision: int) -> dict | None:
    from chalicelib.cooperacao.service import EVENT_NAMESPACE

    event_id = uuid.uuid5(EVENT_NAMESPACE, f"{servant}:{month}:r{revision}")
    return table.get(f"OUTBOX#{event_id}", "EVENTO")


def finish_others_runs(client, month: str) -> None:
    """Other tests of the session close the same month (the audit walk; with eager dispatch, their requests reach
    the queue at once): a run of theirs still pending or half done is finished before this test records its own
    hours, so this test's first request starts a run of its own."""
    status = call(client, "GET", f"/fechamentos/{month}", headers=DIMAG)
    situacao = status.json_body.get("situacao") if status.status_code == 200 else None
    if situacao == "pendente":
        run_requested("cooperacao", status.json_body)
    elif situacao == "em_andamento":  # fanned out already: its parts wait in the outbox
        for part in part_events("cooperacao", status.json_body):
            deliver("cooperacao", part)
    assert call(client, "GET", f"/fechamentos/{month}", headers=DIMAG).json_body.get("situacao") in (
        None, "concluida", "falhou"), "um fechamento de outro teste ficou em andamento"


def test_coop_11_close_publishes_once_per_servant_and_a_late_record_becomes_an_ajuste(client, world, table, deps):
    finish_others_runs(client, "2026-03")
    ana = world.approved()
    call(client, "PUT", "/anexos/I", {"unidades": {world.gab2: 2}}, ADMIN)
    bruno = world.approved(servant=world.bruno, unit=world.gab2, modality="M1")
    deps.clock = lambda: datetime(2026, 3, 31, 23, 0, tzinfo=TZ)
    assert world.ponto(world.ana, ana, "2026-03-07T08:00:00-03:00", "2026-03-07T10:30:00-03:00").status_code == 201
    assert world.ponto(world.bruno, bruno, "2026-03-08T08:00:00-03:00", "2026-03-08T09:00:00-03:00").status_code == 201
    deps.clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    assert call(client, "POST", "/fechamentos", {}, servant_h(world.ana)).status_code == 403
    future = call(client, "POST", "/fechamentos", {"competencia": "2026-04"}, DIMAG)
    assert future.status_code == 422 and future.json_body["code"] == "COOP-11"
    assert call(client, "GET", "/fechamentos/2001-01", headers=DIMAG).status_code == 404  # never requested
    first = close(client, {}, DIMAG)  # other tests of the session may have closed 2026-03 before: runs count on
    assert first["competencia"] == "2026-03" and first["resumo"]["publicados"] >= 2
    assert first["solicitado_por"] == "dimag.folha" and first["execucao"] >= 1
    published_runs = json.loads(table.get("FECHAMENTO#2026-03", "FECHAMENTO")["data"]["S"])["execucoes"]
    event = json.loads(json.loads(json.dumps(_outbox(table, world.ana, "2026-03", 1)))["envelope"]["S"])
    assert event["type"].endswith("cooperacao.gratificacao-apurada.v1")
    assert event["data"]["natureza"] == "apuracao" and event["data"]["minutos"] == 150
    assert event["data"]["valor"] == "112.50" and event["data"]["valor_hora"] == "45.00"
    assert event["data"]["apuracao_id"] == f"{world.ana}:2026-03:r1" and event["data"]["nome"] == "Ana Servidora"
    second = close(client, {"competencia": "2026-03"}, bearer("admin.ti", "admin"))
    assert second["resumo"]["publicados"] == 0 and second["execucao"] == first["execucao"] + 1
    # a late record (made in April for March) becomes an ajuste with the difference
    late = world.ponto(world.ana, ana, "2026-03-14T08:00:00-03:00", "2026-03-14T09:00:00-03:00")
    assert late.status_code == 201, late.body
    third = close(client, {"competencia": "2026-03"}, DIMAG)
    assert third["resumo"]["publicados"] == 1 and third["resumo"]["ajustes"] == 1
    adjustment = json.loads(_outbox(table, world.ana, "2026-03", 2)["envelope"]["S"])["data"]
    assert (adjustment["natureza"], adjustment["revisao"], adjustment["minutos"], adjustment["valor"]) == (
        "ajuste", 2, 60, "45.00")
    assert _outbox(table, world.bruno, "2026-03", 2) is None
    marker = json.loads(table.get("FECHAMENTO#2026-03", "FECHAMENTO")["data"]["S"])
    assert marker["execucoes"] == published_runs + 1  # the run that published nothing was no act: it left no trace


def close(client, body: dict, headers: dict) -> dict:
    """COOP-11 by hand: the request answers 202 with the status (pendente) at Location; the consumer runs the
    close (the queue's delivery, in process); the status then says concluida with the close's counts."""
    requested = call(client, "POST", "/fechamentos", body, headers)
    assert requested.status_code == 202, requested.body
    status = requested.json_body
    assert status["situacao"] == "pendente" and requested.headers["Location"] == f"/fechamentos/{status['competencia']}"
    pending = call(client, "GET", requested.headers["Location"], headers=DIMAG).json_body
    assert pending == status
    run_requested("cooperacao", status)
    done = call(client, "GET", requested.headers["Location"], headers=DIMAG)
    assert done.status_code == 200 and done.json_body["situacao"] == "concluida", done.body
    assert done.json_body["iniciado_em"] and done.json_body["concluido_em"]
    return dict(done.json_body)


def test_coop_11_a_request_while_one_is_pending_answers_it_and_a_retry_with_its_key_answers_the_same(
        client, world, deps):
    deps.clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    month = "2025-01"
    key = {"Idempotency-Key": uuid.uuid4().hex}
    first = call(client, "POST", "/fechamentos", {"competencia": month}, {**DIMAG, **key})
    retried = call(client, "POST", "/fechamentos", {"competencia": month}, {**DIMAG, **key})
    other = call(client, "POST", "/fechamentos", {"competencia": month}, bearer("admin.ti", "admin"))
    assert first.status_code == retried.status_code == other.status_code == 202
    assert retried.json_body == first.json_body == other.json_body  # one request, one run
    run_requested("cooperacao", first.json_body, times=2)  # the redelivery runs nothing again
    done = call(client, "GET", f"/fechamentos/{month}", headers=DIMAG).json_body
    assert done["situacao"] == "concluida" and done["execucao"] == 1


# --- judicial cooperation (COOP-12) ---------------------------------------------------------------------


def _partner(client) -> tuple[str, str]:
    pid = f"TJ{uuid.uuid4().hex[:6].upper()}"
    r = call(client, "POST", "/admin/parceiros", {"id": pid, "nome": f"Tribunal {pid}"}, ADMIN)
    assert r.status_code == 201, r.body
    return pid, r.json_body["segredo"]


def _signed(client, partner, method: str, path: str, body: dict | None = None):
    pid, secret = partner
    raw = "" if body is None else json.dumps(body)
    headers = sign_request(pid, secret, method, path, body=raw)
    if method == "GET":
        return client.http.get(path, headers=headers)
    return client.http.post(path, body=raw, headers={"Content-Type": "application/json", **headers})


def test_coop_12_partner_requests_idempotent_private_deliberated_and_published(client, deps):
    a, b = _partner(client), _partner(client)
    body = {"id_origem": uuid.uuid4().hex, "juizo_solicitante": "2ª Vara Cível de Joinville/SC",
            "juizo_destinatario": "1ª Vara Cível de Cuiabá", "instrumento": "auxilio_direto",
            "objeto": "Oitiva de testemunha residente em Cuiabá por videoconferência"}
    first = _signed(client, a, "POST", "/cooperacao-judiciaria/pedidos", body)
    assert first.status_code == 201, first.body
    replay = _signed(client, a, "POST", "/cooperacao-judiciaria/pedidos", body)
    assert replay.status_code == 200 and replay.json_body["ja_recebido"] is True
    changed = _signed(client, a, "POST", "/cooperacao-judiciaria/pedidos", {**body, "objeto": "Outra coisa qualquer"})
    assert changed.status_code == 409 and changed.json_body["code"] == "COOP-12"
    path = f"/cooperacao-judiciaria/pedidos/{body['id_origem']}"
    assert _signed(client, b, "GET", path).status_code == 404
    assert _signed(client, b, "GET", "/cooperacao-judiciaria/pedidos").json_body["itens"] == []
    assert len(_signed(client, a, "GET", "/cooperacao-judiciaria/pedidos").json_body["itens"]) == 1
    assert call(client, "POST", "/cooperacao-judiciaria/pedidos", body, NUCLEO).status_code in (401, 403)
    # the Núcleo deliberates and publishes the act; anyone finds it
    title = f"Ato concertado de oitivas {uuid.uuid4().hex[:6]}"
    deliberation = {"membro": "coordenador", "decisao": "deferido", "fundamento": "CNJ Res. 350/2020, art. 6º",
                    "ato": {"tipo": "ato_concertado", "titulo": title, "resumo": "Oitivas por videoconferência",
                            "partes": ["TJSC", "TRE-MT"], "data": "2026-03-02"}}
    pid = a[0]
    refused = call(client, "POST", f"/nucleo/pedidos/{pid}/{body['id_origem']}/deliberacao", deliberation,
                   gestor_h("gestor.vara1"))
    assert refused.status_code == 403
    done = call(client, "POST", f"/nucleo/pedidos/{pid}/{body['id_origem']}/deliberacao", deliberation, NUCLEO)
    assert done.status_code == 200, done.body
    assert done.json_body["pedido"]["situacao"] == "deferido" and done.json_body["ato"]["pedido"] == \
        f"{pid}/{body['id_origem']}"
    seen = _signed(client, a, "GET", path).json_body
    assert seen["deliberacoes"][0]["membro"] == "coordenador"
    found = client.http.get("/registro/atos?q=" + title.split()[-1] + "&tipo=ato_concertado")
    assert found.status_code == 200 and [i["titulo"] for i in found.json_body["itens"]] == [title]
    assert client.http.get("/registro/atos?q=VIDEOCONFERENCIA%20" + title.split()[-1]).json_body["itens"]
    assert client.http.get("/registro/atos?q=inexistente-xyz").json_body["itens"] == []
    act = client.http.get(f"/registro/atos/{done.json_body['ato']['id']}")
    assert act.status_code == 200
    # internal juízos send theirs too; the Núcleo sees every request
    internal = call(client, "POST", "/nucleo/pedidos", {**body, "id_origem": uuid.uuid4().hex}, gestor_h("g"))
    assert internal.status_code == 201 and internal.json_body["origem"] == "INTERNO"
    assert call(client, "GET", "/nucleo/pedidos?limite=200", headers=NUCLEO).status_code == 200
    assert call(client, "GET", "/nucleo/pedidos", headers=servant_h("s")).status_code == 403


# --- the schedule -------------------------------------------------------------------------------------------


def _scheduled_event() -> dict:
    return {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": NOW.isoformat(), "region": "sa-east-1",
            "resources": ["arn:aws:events:sa-east-1:123456789012:rule/x"], "detail": {}}


def test_coop_11_daily_schedule_closes_the_previous_month_only_on_the_configured_day(client, world, table, deps,
                                                                                     service_app):
    app = service_app("cooperacao")
    assert {"consume_events", "relay_outbox", "sweep_outbox", "monthly_close"} <= {s.name for s in app.event_sources}
    assert callable(sys.modules["cooperacao_app"].monthly_close)
    finish_others_runs(client, "2026-03")
    cid = world.approved()
    deps.clock = lambda: datetime(2026, 3, 31, 23, 0, tzinfo=TZ)
    assert world.ponto(world.ana, cid, "2026-03-21T08:00:00-03:00", "2026-03-21T09:00:00-03:00").status_code == 201
    deps.clock = lambda: datetime(2026, 4, 2, 0, 15, tzinfo=TZ)  # day 2: not the close day (1)
    assert app.handler_map["monthly_close"](_scheduled_event(), None)["fechado"] is None
    assert _outbox(table, world.ana, "2026-03", 1) is None
    deps.clock = lambda: datetime(2026, 4, 1, 0, 15, tzinfo=TZ)
    summary = app.handler_map["monthly_close"](_scheduled_event(), None)
    assert summary["fechado"] == "2026-03" and summary["situacao"] == "pendente"  # asked; it runs on the queue
    assert _outbox(table, world.ana, "2026-03", 1) is None
    run_requested("cooperacao", {"competencia": "2026-03", "execucao": summary["execucao"]})
    done = call(client, "GET", "/fechamentos/2026-03", headers=DIMAG).json_body
    assert done["situacao"] == "concluida" and done["solicitado_por"] == "agendamento"
    assert done["resumo"]["publicados"] >= 1 and done["resumo"]["partes_concluidas"] == done["resumo"]["partes"]
    assert done["resumo"]["partes"] == int(os.environ["COOPERACAO_FECHAMENTO_PARTES"])  # the setting, not 64
    assert _outbox(table, world.ana, "2026-03", 1) is not None
    again = app.handler_map["monthly_close"](_scheduled_event(), None)
    run_requested("cooperacao", {"competencia": "2026-03", "execucao": again["execucao"]})
    assert call(client, "GET", "/fechamentos/2026-03", headers=DIMAG).json_body["resumo"]["publicados"] == 0


def test_demo_seed_steps_apply_and_twice_changes_nothing(client, deps):
    from devstack.demo_cooperacao import SEED_STEPS

    for _ in range(2):
        for step in SEED_STEPS:
            r = call(client, step.method, step.path, step.body, {**ADMIN, "Idempotency-Key": step.idempotency_key})
            assert 200 <= r.status_code < 300, (step.path, r.body)
    assert call(client, "GET", "/servidores/servidor.bruno", headers=servant_h("servidor.bruno")).json_body[
        "cargo_comissao"] == "assessor_gabinete"
    acts = client.http.get("/registro/atos?q=tribunal%20de%20contas").json_body["itens"]
    assert len([a for a in acts if a["numero"] == "SEI 0007289-34.2026.6.11.8000"]) == 1


def test_coop_10_import_of_cooperations_deferred_before_keeps_the_rules(client, world, deps):
    """Cooperations deferred in the previous process come in approved (judged as of their start); records of
    their past days are accepted; a quota already full refuses the import with the rule and what entered."""
    deps.clock = lambda: datetime(2026, 3, 20, 20, 0, tzinfo=TZ)
    item = {"servidor": world.ana, "unidade_lotacao": world.home, "unidade_cooperada": world.cart,
            "modalidade": "M4", "inicio": "2026-03-02", "fim": "2026-03-31", "meta": "20 minutas",
            "deferido_em": "2026-02-27"}
    assert call(client, "POST", "/cooperacoes/importacao", {"cooperacoes": [item]},
                servant_h(world.ana)).status_code == 403
    r = call(client, "POST", "/cooperacoes/importacao", {"cooperacoes": [item]}, ADMIN)
    assert r.status_code == 201, r.body
    [coop] = r.json_body["itens"]
    assert coop["situacao"] == "aprovada" and coop["meta"] == "20 minutas"
    full = [{**item, "servidor": s} for s in (uid("x"), uid("y"))]
    for f in full:
        call(client, "PUT", f"/servidores/{f['servidor']}", {"nome": "Outro servidor", "efetivo": True,
                                                             "lotacao": world.home}, ADMIN)
    refused = call(client, "POST", "/cooperacoes/importacao", {"cooperacoes": full}, ADMIN)
    assert refused.status_code == 422 and refused.json_body["code"] == "COOP-02"
    assert refused.json_body["field"] == "cooperacoes.1.unidade" and len(refused.json_body["importadas"]) == 1
    assert world.ponto(world.ana, coop["id"], "2026-03-07T08:00:00-03:00",
                       "2026-03-07T10:00:00-03:00").status_code == 201
    detail = call(client, "GET", f"/cooperacoes/{coop['id']}", headers=ADMIN).json_body
    assert detail["decisoes"][0]["acao"] == "importacao" and detail["decisoes"][0]["por"] == "admin.ti"


def test_openapi_lists_every_cooperacao_route_with_its_access(client):
    document = client.http.get("/openapi.json").json_body
    paths = document["paths"]
    for path in ("/cooperacoes", "/cooperacoes/{id}/pontos", "/fechamentos", "/cooperacao-judiciaria/pedidos",
                 "/registro/atos", "/nucleo/pedidos/{origem}/{id}/deliberacao", "/importacao", "/portarias/{portaria}"):
        assert path in paths, path
    assert client.http.get("/health").status_code == 200


def test_coop_06_08_a_time_record_is_two_round_trips_in_a_warm_container_one_batch_read_no_query(client, world,
                                                                                                 deps, monkeypatch):
    """COOP-06/08 keep their checks (cap, overlap) with the month read by key: the month's total item keeps a copy
    of its records, read in one BatchGetItem with the cooperation and the servant; the unit (its municipality's
    working days) was read by this container less than a minute ago, so the transaction follows. A write of the
    unit through this container makes the next record read it again."""
    import botocore.client

    cid = world.approved()
    deps.clock = lambda: datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    assert world.ponto(world.ana, cid, "2026-03-07T08:00:00-03:00", "2026-03-07T10:00:00-03:00").status_code == 201
    calls: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if getattr(self.meta, "service_model", None) and self.meta.service_model.service_name == "dynamodb":
            calls.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    accepted = world.ponto(world.ana, cid, "2026-03-08T08:00:00-03:00", "2026-03-08T09:00:00-03:00")
    assert accepted.status_code == 201 and accepted.json_body["minutos_mes"] == 180
    data_calls = [c for c in calls if c in ("BatchGetItem", "GetItem", "Query", "TransactWriteItems")]
    assert data_calls == ["BatchGetItem", "TransactWriteItems"], calls
    calls.clear()
    overlap = world.ponto(world.ana, cid, "2026-03-08T08:30:00-03:00", "2026-03-08T09:30:00-03:00")
    assert overlap.status_code == 409 and overlap.json_body["code"] == "COOP-08"  # the copy's record, not a Query
    assert "Query" not in calls and "TransactWriteItems" not in calls, calls
    assert call(client, "PUT", f"/unidades/{world.cart}", {"nome": "Cartório renomeado", "tipo": "cartorio",
                                                           "predio": "FORUM", "gestor": world.manager},
                ADMIN).status_code == 200
    calls.clear()
    assert world.ponto(world.ana, cid, "2026-03-08T10:00:00-03:00", "2026-03-08T11:00:00-03:00").status_code == 201
    assert [c for c in calls if c in ("BatchGetItem", "GetItem", "Query", "TransactWriteItems")] == \
        ["BatchGetItem", "GetItem", "TransactWriteItems"], calls
