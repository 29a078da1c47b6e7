"""The audit walk of distribuicao-svc (issue 17), on moto: every state-changing HTTP operation (from its OpenAPI),
every schedule and every consumed event type writes exactly one complete audit record — and the acts of the
issue's list (a distribution, a redistribution by the Presidency, a manual draw) show who, the rule and
before/after over ``GET /auditoria`` and the case's ``/historico``.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import boto3
import pytest

from courtlib.http.testing import bearer
from courtlib.messaging.contracts import CalendarDayRegistered, CalendarDayRemoved, event_type_of, new_event
from tests.integration import audit_walk
from tests.integration.audit_walk import AuditLedger, assert_one_complete_record
from tests.integration.lambda_events import sqs_event
from tests.integration.test_distribuicao_http import (
    ADMIN,
    DISTRIBUTOR,
    PRESIDENCY,
    TZ,
    distribute,
    new_orgao,
    number,
    orgao_body,
    post,
)
from tests.integration.test_distribuicao_precatorias import carta, municipality, put_zones, signed, zone_numbers
from tests.integration.test_distribuicao_schedules import scheduled_event

SERVICE = "distribuicao"
CORREGEDORIA = bearer("corregedor.rui", "corregedoria")


@dataclass
class World:
    client: Any
    app: Any
    deps: Any
    settings: Any
    ledger: AuditLedger
    monkeypatch: pytest.MonkeyPatch

    def audit(self, **query: str) -> list[dict]:
        answer = self.client.http.get("/auditoria?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()),
                                      headers=CORREGEDORIA)
        assert answer.status_code == 200, answer.body
        return answer.json_body["itens"]

    def history(self, path: str, headers: dict = DISTRIBUTOR) -> list[dict]:
        answer = self.client.http.get(path, headers=headers)
        assert answer.status_code == 200, answer.body
        return answer.json_body["itens"]

    def run(self, schedule: str) -> dict:
        return self.app.handler_map[schedule](scheduled_event(), None)

    def consume(self, payload: Any) -> dict:
        event = new_event(payload, tribunal="TRE-MT", correlation_id=f"c-{uuid.uuid4().hex[:8]}")
        body = sqs_event([event.model_dump_json()], self.settings.queue_url)
        return self.app.handler_map["consume_events"](body, None)


@dataclass(frozen=True)
class Expected:
    act: str  # the act's code (a prefix when it ends with ".")
    who: str
    target_type: str
    named_rules: bool = True
    registered: bool = False  # issue 16: a draw's two moments — ``registration`` by ``who``, then ``act`` by the system
    registration: str = "DIST.REGISTRAR"
    resolver: str = "sistema:distribuicao:farol"  # who draws once the round is out


RESOLVER = "sistema:distribuicao:farol"  # who draws once the round is out, in the request that registered

@pytest.fixture
def world(client_of, service_app, settings_of, monkeypatch) -> World:
    client = client_of(SERVICE)
    app = service_app(SERVICE)
    settings = settings_of(SERVICE)
    return World(client, app, sys.modules["distribuicao_app"].deps, settings,
                 AuditLedger(settings.table_name, settings.region), monkeypatch)


def _ok(answer, *statuses: int) -> dict:
    assert answer.status_code in (statuses or (200, 201, 204)), answer.body
    return answer.json_body if answer.body else {}


def _partner(world: World) -> tuple[str, str]:
    pid = f"TJ{uuid.uuid4().hex[:8].upper()}"
    body = _ok(world.client.http.post("/admin/parceiros", body=json.dumps({"id": pid, "nome": f"Tribunal {pid}"}),
                                      headers={"Content-Type": "application/json", **ADMIN}), 201)
    return pid, body["segredo"]


# --- one scenario per operation: setup, world.ledger.mark(), the one call; answers what it must record ------------


def put_orgao(world: World) -> Expected:
    world.ledger.mark()
    new_orgao(world.client)
    return Expected("DIST.ORGAO.CADASTRAR", "usuario", "orgao")


def import_orgaos(world: World) -> Expected:
    ids = [f"IMP-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    world.ledger.mark()
    _ok(post(world.client, "/orgaos/importacao", {"orgaos": [{"id": i, **orgao_body()} for i in ids]},
             headers=ADMIN), 200)
    return Expected("DIST.ORGAO.IMPORTAR", "usuario", "importacao")


def register_absence(world: World) -> Expected:
    orgao = new_orgao(world.client)
    world.ledger.mark()
    _ok(post(world.client, f"/orgaos/{orgao}/ausencias",
             {"juiz": "J2", "inicio": date.today().isoformat(), "motivo": "férias"}, headers=ADMIN), 201)
    return Expected("DIST.AUSENCIA.REGISTRAR", "usuario", "orgao")


def distribution(world: World) -> Expected:
    orgao = new_orgao(world.client)
    world.ledger.mark()
    _ok(distribute(world.client, orgao), 201)
    return Expected("DIST.DISTRIBUIR", "usuario", "processo", registered=True)


def manual_draw_body(orgao: str) -> dict:
    return {"numero_processo": number(), "orgao": orgao, "classe": "RE", "cadeira": "C5", "ata": "Ata 7/2026",
            "autorizado_por": "Presidente do TRE", "testemunhas": ["Ana", "Bruno"],
            "realizado_em": datetime.now(TZ).replace(microsecond=0).isoformat()}


def manual_draw(world: World) -> Expected:
    orgao = new_orgao(world.client)
    world.ledger.mark()
    _ok(post(world.client, "/distribuicoes/manuais", manual_draw_body(orgao)), 201)
    return Expected("DIST.SORTEIO_MANUAL.REGISTRAR", "usuario", "processo", registered=True)


def redistribution(world: World) -> Expected:
    orgao = new_orgao(world.client)
    numero = _ok(distribute(world.client, orgao), 201)["numero_processo"]
    world.ledger.mark()
    _ok(post(world.client, f"/distribuicoes/{numero}/redistribuicao", {"motivo": "impedimento"}, PRESIDENCY), 201)
    return Expected("DIST.REDISTRIBUIR", "usuario", "processo", registered=True)


def numbering(world: World) -> Expected:
    world.ledger.mark()
    _ok(post(world.client, "/processos/numeracao", {"origem": 31}), 201)
    return Expected("DIST.NUMERACAO.GERAR", "usuario", "processo")


def zones(world: World) -> Expected:
    world.ledger.mark()
    _ok(put_zones(world.client, municipality(), zone_numbers(2)), 201)
    return Expected("DIST.ZONAS.CADASTRAR", "usuario", "municipio")


def election(world: World) -> Expected:
    world.ledger.mark()
    day = date(2040, 10, 7) + timedelta(days=7 * (uuid.uuid4().int % 50))
    answer = world.client.http.put(f"/eleicoes/{day.isoformat()}", body=json.dumps({"zonas_propaganda": [901]}),
                                   headers={"Content-Type": "application/json", **ADMIN})
    _ok(answer, 200)
    return Expected("DIST.ELEICAO.CADASTRAR", "usuario", "eleicao")


def precatoria(world: World) -> Expected:
    partner = _partner(world)
    mun = municipality()
    _ok(put_zones(world.client, mun, zone_numbers(2)), 201)
    world.ledger.mark()
    _ok(signed(world.client, partner, "POST", "/precatorias", carta(mun)), 201)
    return Expected("DIST.PRECATORIA.DISTRIBUIR", "parceiro", "precatoria", registered=True,
                    registration="DIST.PRECATORIA.REGISTRAR")


def register_partner(world: World) -> Expected:
    world.ledger.mark()
    _partner(world)
    return Expected("ADM.PARCEIRO.CHAVE.CADASTRAR", "usuario", "parceiro")


def revoke_partner(world: World) -> Expected:
    pid, _ = _partner(world)
    world.ledger.mark()
    _ok(world.client.http.delete(f"/admin/parceiros/{pid}", headers=ADMIN), 204)
    return Expected("ADM.PARCEIRO.CHAVE.REVOGAR", "usuario", "parceiro")


def redrive(world: World) -> Expected:
    """The redrive needs a dead letter: one is put into the DLQ first (and taken off the queue afterwards)."""
    sqs = boto3.client("sqs", region_name=world.settings.region)
    marker = f"carta-morta-{uuid.uuid4().hex[:8]}"
    payload = CalendarDayRemoved(data=date(2041, 1, 2), tipo="feriado_municipal", municipio="5103403")
    body = new_event(payload, tribunal="TRE-MT", correlation_id=marker).model_dump_json()
    sqs.send_message(QueueUrl=world.settings.dlq_url, MessageBody=body, MessageGroupId="calendario",
                     MessageDeduplicationId=marker)
    world.ledger.mark()
    moved = _ok(world.client.http.post("/admin/dlq/reprocessar", body=json.dumps({"limite": 10}),
                                       headers={"Content-Type": "application/json", **ADMIN}), 200)
    assert moved["reprocessadas"] >= 1
    messages = sqs.receive_message(QueueUrl=world.settings.queue_url, MaxNumberOfMessages=10).get("Messages", [])
    for message in messages:
        if marker in message["Body"]:
            sqs.delete_message(QueueUrl=world.settings.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return Expected("ADM.DLQ.REPROCESSAR", "usuario", "fila", named_rules=False)


# schedules ---------------------------------------------------------------------------------------------------


def seed_commitments(world: World) -> Expected:
    """Days nobody drew on yet (a run whose seeds exist writes nothing)."""
    far = datetime(2035, 1, 1, 12, 0, tzinfo=TZ) + timedelta(days=uuid.uuid4().int % 3000)
    world.monkeypatch.setattr(world.deps, "clock", lambda: far)
    world.ledger.mark()
    assert len(world.run("publish_seed_commitments")["criadas"]) == 2
    assert world.run("publish_seed_commitments")["criadas"] == []  # a second run records nothing
    return Expected("DIST.SEMENTE.PUBLICAR", "sistema", "sementes")


def absence_rules(world: World) -> Expected:
    """A relator away for 20 days in an órgão without substitutes: its case is redrawn in two moments (issue 16),
    both the schedule's acts on the case: registered with its round, then drawn."""
    orgao = new_orgao(world.client, orgao_body(substitutes=()))
    made = _ok(distribute(world.client, orgao), 201)
    world.run("apply_absence_rules")  # whatever other órgãos of the table had due is applied first
    start = (datetime.now(TZ).date() - timedelta(days=20)).isoformat()
    _ok(post(world.client, f"/orgaos/{orgao}/ausencias", {"juiz": made["relator"]["id"], "inicio": start},
             headers=ADMIN), 201)
    world.ledger.mark()
    assert world.run("apply_absence_rules")["acoes"] == {"redistribuir_ausencia": 1}
    return Expected("DIST.AUSENCIA.APLICAR", "sistema", "processo", registered=True,
                    resolver="sistema:agenda:apply_absence_rules")


class Withheld:
    """The local beacon with every round out, until withheld (relays down): a draw then waits in its queue."""

    def __init__(self) -> None:
        from courtlib.beacon.local import LocalBeacon
        from tests.unit.distribuicao.fakes import FAR_FUTURE

        self.beacon = LocalBeacon(now=lambda: FAR_FUTURE)
        self.withheld = True

    @property
    def chain(self):  # type: ignore[no-untyped-def]
        return self.beacon.chain

    def fetch(self, number: int):  # type: ignore[no-untyped-def]
        from courtlib.beacon import BeaconUnavailable

        if self.withheld:
            raise BeaconUnavailable("relays fora do ar")
        return self.beacon.fetch(number)

    def latest(self):  # type: ignore[no-untyped-def]
        return self.beacon.latest()


def pending_acts(world: World) -> Expected:
    """Issue 16: a draw registered while the round was late (202) is drawn by the schedule once it is out."""
    orgao = new_orgao(world.client)
    source = Withheld()
    world.monkeypatch.setattr(world.deps, "beacon", source)
    world.monkeypatch.setattr(world.deps, "beacon_wait_s", 0.1)
    _ok(distribute(world.client, orgao), 202)
    source.withheld = False
    later = datetime.now(TZ) + timedelta(seconds=10)  # the round is due by the clock
    world.monkeypatch.setattr(world.deps, "clock", lambda: later)
    world.ledger.mark()
    assert world.run("resolve_pending_acts")["resolvidos"] >= 1
    return Expected("DIST.DISTRIBUIR", "sistema", "processo")


def edital(world: World) -> Expected:
    """A fortnight no other test publishes: its documents are new (publishing it again writes nothing)."""
    first = date(2036, 1, 16) + timedelta(days=31 * (uuid.uuid4().int % 60))
    world.monkeypatch.setattr(world.deps, "clock", lambda: datetime.combine(first.replace(day=16), datetime.min.time(),
                                                                            tzinfo=TZ) + timedelta(hours=1))
    world.ledger.mark()
    assert world.run("publish_edital")["gravados"] == ["json", "pdf"]
    return Expected("DIST.EDITAL.PUBLICAR", "sistema", "edital")


# consumed events ---------------------------------------------------------------------------------------------


def calendar_day_registered(world: World) -> Expected:
    world.ledger.mark()
    payload = CalendarDayRegistered(data=date(2041, 3, 3), tipo="feriado_municipal", municipio="5103403",
                                    descricao="Feriado (walk)", decretado_em=date(2041, 1, 10))
    assert world.consume(payload) == {"batchItemFailures": []}
    return Expected("CAL.DIA.COPIAR", "sistema", "dia")


def calendar_day_removed(world: World) -> Expected:
    payload = CalendarDayRegistered(data=date(2041, 3, 4), tipo="feriado_municipal", municipio="5103403",
                                    descricao="Feriado (walk)", decretado_em=date(2041, 1, 10))
    assert world.consume(payload) == {"batchItemFailures": []}
    world.ledger.mark()
    removed = CalendarDayRemoved(data=date(2041, 3, 4), tipo="feriado_municipal", municipio="5103403")
    assert world.consume(removed) == {"batchItemFailures": []}
    return Expected("CAL.DIA.REMOVER_COPIA", "sistema", "dia")


OPERATIONS: dict[tuple[str, str], Callable[[World], Expected]] = {
    ("PUT", "/orgaos/{orgao}"): put_orgao,
    ("POST", "/orgaos/importacao"): import_orgaos,
    ("POST", "/orgaos/{orgao}/ausencias"): register_absence,
    ("POST", "/distribuicoes"): distribution,
    ("POST", "/distribuicoes/manuais"): manual_draw,
    ("POST", "/distribuicoes/{numero}/redistribuicao"): redistribution,
    ("POST", "/processos/numeracao"): numbering,
    ("PUT", "/zonas/{municipio}"): zones,
    ("PUT", "/eleicoes/{data}"): election,
    ("POST", "/precatorias"): precatoria,
    ("POST", "/admin/parceiros"): register_partner,
    ("DELETE", "/admin/parceiros/{parceiro}"): revoke_partner,
    ("POST", "/admin/dlq/reprocessar"): redrive,
}
SCHEDULES: dict[str, Callable[[World], Expected]] = {
    "publish_seed_commitments": seed_commitments,
    "apply_absence_rules": absence_rules,
    "publish_edital": edital,
    "resolve_pending_acts": pending_acts,
}
EVENTS: dict[str, Callable[[World], Expected]] = {
    event_type_of(CalendarDayRegistered): calendar_day_registered,
    event_type_of(CalendarDayRemoved): calendar_day_removed,
}


def test_every_operation_schedule_and_consumed_event_has_a_scenario(world):
    from chalicelib.distribuicao.consumers import event_handlers

    assert audit_walk.state_changing_operations(world.client) == set(OPERATIONS)
    assert audit_walk.schedules(world.app) == set(SCHEDULES)
    assert set(event_handlers(world.deps)) == set(EVENTS)


def _check(world: World, scenario: Callable[[World], Expected]) -> dict:
    expected = scenario(world)
    records = world.ledger.new()
    if expected.registered:  # the requester's registration, then the system's draw: one complete record each
        registration = assert_one_complete_record([r for r in records if r["ato"] == expected.registration],
                                                  who=expected.who, target_type=expected.target_type)
        assert registration["depois"]["farol"]["rodada"] >= 1, registration
        records = [r for r in records if r["ato"] != expected.registration]
        record = assert_one_complete_record(records, who="sistema", target_type=expected.target_type,
                                            named_rules=expected.named_rules)
        assert record["quem"]["id"] == expected.resolver, record
    else:
        record = assert_one_complete_record(records, who=expected.who, target_type=expected.target_type,
                                            named_rules=expected.named_rules)
    assert record["ato"] == expected.act, record
    return record


@pytest.mark.parametrize("operation", sorted(OPERATIONS), ids=" ".join)
def test_each_state_changing_operation_writes_one_complete_record(world, operation):
    _check(world, OPERATIONS[operation])


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
def test_each_schedule_writes_one_complete_record_as_the_system(world, schedule):
    record = _check(world, SCHEDULES[schedule])
    assert record["quem"]["id"] == f"sistema:agenda:{schedule}"


@pytest.mark.parametrize("event_type", sorted(EVENTS))
def test_each_consumed_event_writes_one_complete_record_as_the_system(world, event_type):
    record = _check(world, EVENTS[event_type])
    assert record["quem"]["id"] == f"sistema:evento:{event_type}"


# --- the acts of the list: content, GET /auditoria and the case's history -----------------------------


def _case_records(world: World, numero: str) -> list[dict]:
    by_query = world.audit(alvo=f"processo:{numero}")
    assert world.history(f"/distribuicoes/{numero}/historico") == by_query
    return by_query


def test_a_distribution_names_who_acted_the_rule_and_where_the_case_went(world):
    orgao = new_orgao(world.client)
    made = _ok(distribute(world.client, orgao), 201)
    registered, record = _case_records(world, made["numero_processo"])
    assert registered["ato"] == "DIST.REGISTRAR" and registered["quem"]["nome"] == "distribuidor"
    assert registered["quem"]["papeis"] == ["distribuicao"]
    assert registered["depois"]["farol"]["rodada"] == made["sorteio"]["farol"]["rodada"]
    assert record["ato"] == "DIST.DISTRIBUIR" and record["quem"]["id"] == RESOLVER
    assert record["regras"][:2] == ["DIST-02", "DIST-11"]
    assert record["antes"] is None
    assert (record["depois"]["orgao"], record["depois"]["cadeira"], record["depois"]["relator"]) == (
        orgao, made["cadeira"], made["relator"]["id"])
    assert record["depois"]["hash"] == made["sorteio"]["hash"]
    proof = _ok(world.client.http.get(made["prova"]), 200)
    assert proof["registros"][0]["agente"] == {"tipo": "usuario", "papel": "distribuicao"}, "a servant: role only"


def test_a_presidency_redistribution_names_the_president_the_rule_and_the_former_and_new_relator(world):
    orgao = new_orgao(world.client)
    made = _ok(distribute(world.client, orgao), 201)
    numero = made["numero_processo"]
    moved = _ok(post(world.client, f"/distribuicoes/{numero}/redistribuicao", {"motivo": "impedimento"},
                     PRESIDENCY), 201)
    _, distributed, asked, redistributed = _case_records(world, numero)
    assert [distributed["ato"], asked["ato"], redistributed["ato"]] == [
        "DIST.DISTRIBUIR", "DIST.REGISTRAR", "DIST.REDISTRIBUIR"]
    who = asked["quem"]  # the Presidency asked; the system drew once the round was out
    assert redistributed["quem"]["id"] == RESOLVER
    assert (who["tipo"], who["nome"], who["papeis"]) == ("usuario", "presidente", ["presidencia"])
    assert redistributed["regras"][:2] == ["DIST-04", "DIST-11"]
    before, after = redistributed["antes"], redistributed["depois"]
    assert (before["cadeira"], before["relator"], before["relator_nome"]) == (
        made["cadeira"], made["relator"]["id"], made["relator"]["nome"])
    assert (after["cadeira"], after["relator"]) == (moved["cadeira"], moved["relator"]["id"])
    assert after["atos_anulados_de"] == made["relator"]["id"] and before["relator"] != after["relator"]
    proof = _ok(world.client.http.get(moved["prova"]), 200)
    assert proof["registros"][-1]["agente"] == {"tipo": "usuario", "papel": "presidencia", "id": who["id"]}
    assert world.audit(pessoa="presidente", ato="DIST.REGISTRAR")[-1]["alvo"]["id"] == numero


def test_a_manual_draw_names_its_witnesses_ata_and_authorization(world):
    orgao = new_orgao(world.client)
    body = manual_draw_body(orgao)
    _ok(post(world.client, "/distribuicoes/manuais", body), 201)
    registered, record = _case_records(world, body["numero_processo"])
    assert registered["ato"] == "DIST.REGISTRAR" and registered["depois"]["ato"] == "manual"
    assert record["ato"] == "DIST.SORTEIO_MANUAL.REGISTRAR" and "DIST-09" in record["regras"]
    assert record["depois"]["cadeira"] == "C5" and record["depois"]["modo"] == "sorteio_manual"
    assert record["depois"]["manual"]["testemunhas"] == ["Ana", "Bruno"]
    assert record["depois"]["manual"]["autorizado_por"] == "Presidente do TRE"


def test_an_idempotent_retry_and_a_refused_request_write_no_record(world):
    orgao = new_orgao(world.client)
    body = {"numero_processo": number(), "orgao": orgao, "classe": "RE"}
    headers = {**DISTRIBUTOR, "Idempotency-Key": uuid.uuid4().hex}
    world.ledger.mark()
    first = post(world.client, "/distribuicoes", body, headers)
    again = post(world.client, "/distribuicoes", body, headers)
    assert (first.status_code, again.status_code) == (201, 201) and first.json_body == again.json_body
    assert [r["ato"] for r in world.ledger.new()] == ["DIST.REGISTRAR", "DIST.DISTRIBUIR"]
    assert post(world.client, "/distribuicoes", body).status_code == 200  # the same case: no new draw
    refused = post(world.client, "/distribuicoes", {**body, "numero_processo": number(), "classe": "XYZ"})
    assert refused.status_code == 422 and world.ledger.new() == []


def test_an_orgaos_history_shows_its_registration_and_absences_for_staff_only(world):
    orgao = new_orgao(world.client)
    _ok(post(world.client, f"/orgaos/{orgao}/ausencias", {"juiz": "J3", "inicio": "2026-03-10", "motivo": "férias"},
             headers=ADMIN), 201)
    records = world.history(f"/orgaos/{orgao}/historico")
    assert [r["ato"] for r in records] == ["DIST.ORGAO.CADASTRAR", "DIST.AUSENCIA.REGISTRAR"]
    assert records[1]["antes"]["ausencias"] == [] and records[1]["depois"]["ausencias"][0]["inicio"] == "2026-03-10"
    assert world.client.http.get(f"/orgaos/{orgao}/historico").status_code == 401


def test_a_case_history_wants_the_number_as_published(world):
    orgao = new_orgao(world.client)
    numero = _ok(distribute(world.client, orgao), 201)["numero_processo"]
    digits = "".join(ch for ch in numero if ch.isdigit())
    answer = world.client.http.get(f"/distribuicoes/{digits}/historico", headers=DISTRIBUTOR)
    assert answer.status_code in (400, 422) and numero in answer.json_body["detail"]
    assert world.client.http.get(f"/distribuicoes/{numero}/historico").status_code == 401


def test_the_public_log_still_verifies_with_the_agent_in_its_records(world, tmp_path):
    """DIST-11: the agent is inside each record's hash: the standalone verifier checks it, and an edited agent is
    an edited record."""
    import subprocess

    from tests.integration.test_distribuicao_http import VERIFIER

    orgao = new_orgao(world.client)
    world.monkeypatch.setattr(world.deps, "clock", lambda: datetime(2026, 3, 3, 10, 0, tzinfo=TZ))  # a past day
    numero = _ok(distribute(world.client, orgao), 201)["numero_processo"]
    _ok(post(world.client, f"/distribuicoes/{numero}/redistribuicao", {"motivo": "erro"}, PRESIDENCY), 201)
    world.monkeypatch.undo()  # today: that day's seed is revealed
    exported = _ok(world.client.http.get(f"/sorteios/exportacao?log={orgao}"), 200)
    assert [r["agente"]["papel"] for r in exported["registros"]] == ["distribuicao", "presidencia"]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    verified = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stdout
    exported["registros"][1]["agente"]["id"] = "outra-pessoa"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    tampered = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1 and "ALTERADO" in tampered.stdout
