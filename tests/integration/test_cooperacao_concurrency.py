"""The 40 h cap under concurrency (COOP-06/08) and the monthly close at scale (COOP-11), on moto.

moto runs a TransactWriteItems without a lock, so ``atomic_moto`` serialises its DynamoDB requests as DynamoDB
serialises transactions; reads, decisions and conditional writes of the threads still interleave freely. The
tables are fresh and without a stream (moto copies a table's stream history in every transaction).
A botocore hook (``BaseClient._make_api_call``) records every AWS call: the close must use Query only (no Scan)
and transactions of at most 100 items. The use cases are called as the system (``as_system``: each thread sets who
acts, as a Lambda's entry point would), since every act is audited.
"""

from __future__ import annotations

import json
import threading
import uuid
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import boto3
import pytest
from chalicelib.cooperacao.adapters.store import Store, dumps, shard_of
from chalicelib.cooperacao.config import CooperacaoConfig
from chalicelib.cooperacao.domain.model import Modality, Period, RuleError, Servant, Unit, UnitKind, WorkingHours
from chalicelib.cooperacao.service import EVENT_NAMESPACE, Actor, CooperacaoService, RequestCommand
from chalicelib.cooperacao.settings import CooperacaoSettings

from courtlib.audit import Actor as AuditActor
from courtlib.audit import acting_as, as_system
from courtlib.config import TribunalConfig
from courtlib.messaging.outbox import OutboxItem, _connection
from courtlib.persistence import bind

TZ = ZoneInfo("America/Sao_Paulo")
THREADS = 8


@pytest.fixture(autouse=True)
def _acting():
    with acting_as(AuditActor.system("teste:concorrencia")):
        yield


@pytest.fixture
def atomic_moto(monkeypatch):
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.RLock()
    original = DynamoHandler.call_action

    def call_action(self):
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", call_action)


@pytest.fixture
def aws_calls(monkeypatch):
    """Every AWS operation made through botocore (PynamoDB included), with its parameters."""
    import botocore.client

    calls: list[tuple[str, dict]] = []
    original = botocore.client.BaseClient._make_api_call

    def spy(self, operation_name, api_params):
        calls.append((operation_name, api_params))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    return calls


@pytest.fixture
def table_name(aws_stack):
    from pathlib import Path

    from devstack.templates import load_template

    root = Path(__file__).resolve().parents[2]
    properties = load_template(root / "infra" / "template.yaml")["Resources"]["CooperacaoTable"]["Properties"]
    name = f"tribunal-teste-coop-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", region_name="sa-east-1")
    client.create_table(TableName=name, BillingMode=properties["BillingMode"], KeySchema=properties["KeySchema"],
                        AttributeDefinitions=properties["AttributeDefinitions"],
                        GlobalSecondaryIndexes=properties["GlobalSecondaryIndexes"])
    yield name
    client.delete_table(TableName=name)


@pytest.fixture
def service(table_name):
    settings = CooperacaoSettings(table_name=table_name, pagination_secret="s")
    config = TribunalConfig(cooperacao=CooperacaoConfig(data_final_norma=date(2026, 12, 31)))
    clock = {"now": datetime(2026, 3, 2, 20, 0, tzinfo=TZ)}
    store = Store(settings)
    svc = CooperacaoService(store, config, lambda: clock["now"])
    svc.clock_state = clock  # type: ignore[attr-defined]
    svc.settings = settings  # type: ignore[attr-defined]
    svc.put_unit(Unit("1VC", "1ª Vara Cível", UnitKind.CARTORIO, "FORUM", "gestor.1vc"))
    svc.put_unit(Unit("2VC", "2ª Vara Cível", UnitKind.CARTORIO, "FORUM", "gestor.2vc"))
    svc.put_servant(Servant("ana", "Ana", True, law_degree=True, lotacao="1VC", hours=WorkingHours(time(12), time(19))))
    svc.put_annex("IV", {"2VC": 2})
    coop, _ = svc.submit("ana", RequestCommand("1VC", "2VC", Modality.M4, Period(date(2026, 3, 2), date(2026, 3, 31))))
    svc.decide(coop.id, Actor("gestor.2vc", frozenset({"gestor"})), True, "meta", None)
    svc.coop_id = coop.id  # type: ignore[attr-defined]
    clock["now"] = datetime(2026, 4, 1, 9, 0, tzinfo=TZ)
    _ = store.model._get_connection().connection.client  # botocore clients before the threads
    _ = _connection(settings.region, settings.endpoint_url).client
    return svc


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


ANA = Actor("ana", frozenset({"servidor"}))


def test_coop_06_simultaneous_records_at_the_cap_accept_exactly_what_fits(service, atomic_moto):
    """37 h recorded; 8 threads at once each record 1 h (distinct hours of a Saturday): exactly 3 are accepted,
    5 refused by COOP-06 with 0 h left, and the month's total is exactly 40 h."""
    service.record_time(ANA, service.coop_id, at(7, 0), at(7, 23))  # Saturday: 23 h
    service.record_time(ANA, service.coop_id, at(8, 0), at(8, 14))  # Sunday: 14 h
    barrier = threading.Barrier(THREADS)

    @as_system("teste:concorrencia")
    def worker(n: int) -> str:
        barrier.wait()
        try:
            service.record_time(ANA, service.coop_id, at(14, n), at(14, n + 1))
            return "aceito"
        except RuleError as error:
            return error.code

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(worker, range(THREADS)))
    assert outcomes == {"aceito": 3, "COOP-06": 5}
    total, records = service.month_records("ana", "2026-03")
    assert total == 2400 and sum(r.minutes for r in records) == 2400 and len(records) == 5


def test_coop_08_simultaneous_overlapping_records_keep_one(service, atomic_moto):
    """8 threads record the same hour at once: one is accepted, the others are refused as overlapping."""
    barrier = threading.Barrier(THREADS)

    @as_system("teste:concorrencia")
    def worker(n: int) -> str:
        barrier.wait()
        try:
            service.record_time(ANA, service.coop_id, at(21, 9, n), at(21, 10, n))
            return "aceito"
        except RuleError as error:
            return error.code

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = Counter(pool.map(worker, range(THREADS)))
    assert outcomes == {"aceito": 1, "COOP-08": THREADS - 1}
    assert service.month_records("ana", "2026-03")[0] == 60


def _month_totals(service: CooperacaoService, month: str, n: int, minutes: int = 125) -> list[str]:
    """``n`` servants with ``minutes`` in ``month``, written as the ponto writes them (totals only)."""
    servants = [f"srv{i:05d}" for i in range(n)]
    model = service.repository.model
    with model.batch_write() as batch:
        for s in servants:
            batch.save(model(pk=f"SERVIDOR#{s}", sk=f"MES#{month}", kind="mes", minutos=minutes, version=1,
                             data=dumps({"servidor": s, "nome": f"Servidor {s}", "competencia": month}),
                             gsi1pk=f"MES#{month}#{shard_of(s):02d}", gsi1sk=s))
    return servants


def test_coop_11_close_in_batches_query_only_and_a_second_run_publishes_nothing(service, aws_calls):
    """120 servants → 3 transactions of ≤100 items (50 servants: total + outbox each) and the run's end (its marker,
    audit record and chain head); no Scan; run twice: the second writes nothing at all."""
    servants = _month_totals(service, "2026-02", 120)
    aws_calls.clear()
    result = service.close_month("2026-02", "teste", "dimag.folha")
    assert (result.servants, result.published, result.adjustments, result.batches) == (120, 120, 0, 3)
    operations = Counter(name for name, _ in aws_calls)
    assert operations["Scan"] == 0 and operations["Query"] >= 16 and operations["TransactWriteItems"] == 4
    sizes = [len(params["TransactItems"]) for name, params in aws_calls if name == "TransactWriteItems"]
    assert sizes == [100, 100, 40, 3]
    event_id = uuid.uuid5(EVENT_NAMESPACE, f"{servants[7]}:2026-02:r1")
    outbox = bind(OutboxItem, service.settings)
    data = json.loads(outbox.get(f"OUTBOX#{event_id}", "EVENTO").envelope)["data"]
    assert (data["minutos"], data["valor"], data["natureza"]) == (125, "93.75", "apuracao")  # 125/60 × 45
    aws_calls.clear()
    again = service.close_month("2026-02", "teste", "dimag.folha")
    assert again.published == 0
    assert [name for name, _ in aws_calls if name in ("TransactWriteItems", "Scan")] == []


def test_coop_11_two_racing_closes_publish_each_servant_once(service, atomic_moto):
    """Two closes of the same month at once: the revision condition lets one publish each servant."""
    _month_totals(service, "2026-01", 60)
    barrier = threading.Barrier(2)

    @as_system("teste:concorrencia")
    def close(_: int):
        barrier.wait()
        return service.close_month("2026-01", "teste", "agendamento")

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(close, range(2)))
    assert sum(r.published for r in results) == 60
    outbox = bind(OutboxItem, service.settings)
    pending = [i for i in outbox.by_gsi1.query("OUTBOX#PENDENTE")
               if json.loads(i.envelope)["data"]["competencia"] == "2026-01"]
    assert len(pending) == 60


@as_system("teste:fechamento-em-partes")
def test_coop_11_a_requested_close_fans_out_in_parts_each_servant_published_once(service, aws_calls):
    """On the real table, in production's part count (settings built here, without the tests' 4: one part per gsi1
    shard): the request's consumer leaves one event per part; the parts, delivered out of order and one of them
    twice, publish each servant once (a month total keyed by the former 16 shards included); the status counts the
    parts and concludes with the last; a whole close afterwards finds nothing."""
    from chalicelib.cooperacao.queries import CooperacaoQueries
    from chalicelib.cooperacao.shards import MONTH_SHARDS

    from courtlib.messaging.contracts import MonthlyClosePartRequested, MonthlyCloseRequested

    month = "2025-11"
    servants = [s for s in _month_totals(service, month, 90) if s.startswith("srv")]
    legacy = "srv-legado-16"  # keyed as before the 64 shards: crc32 % 16
    model = service.repository.model
    model(pk=f"SERVIDOR#{legacy}", sk=f"MES#{month}", kind="mes", minutos=60, version=1,
          data=dumps({"servidor": legacy, "nome": "Legado", "competencia": month}),
          gsi1pk=f"MES#{month}#{zlib.crc32(legacy.encode()) % 16:02d}", gsi1sk=legacy).save()
    queries = CooperacaoQueries(service.repository, service.config)
    assert service.repository.month_parts() == MONTH_SHARDS == 64
    request = service.request_close(month, "corr-partes", "dimag.folha")
    service.run_requested_close(MonthlyCloseRequested(competencia=month, execucao=request.execucao,
                                                      solicitado_por="dimag.folha"), "corr-partes")
    status = queries.close(month)
    assert status["situacao"] == "em_andamento" and status["resumo"] == {"partes": MONTH_SHARDS,
                                                                         "partes_concluidas": 0}
    outbox = bind(OutboxItem, service.settings)
    kind = "br.jus.tribunal.cooperacao.fechamento-parte-solicitada.v1"
    parts = [json.loads(i.envelope) for i in outbox.by_gsi1.query("OUTBOX#PENDENTE")
             if json.loads(i.envelope)["type"] == kind and json.loads(i.envelope)["data"]["competencia"] == month]
    assert sorted(p["data"]["parte"] for p in parts) == list(range(MONTH_SHARDS))
    payloads = [MonthlyClosePartRequested(**p["data"]) for p in sorted(parts, key=lambda p: -p["data"]["parte"])]
    for n, payload in enumerate(payloads[:10] + payloads[:1] + payloads[10:]):  # the first one twice
        service.close_part(payload, "corr-partes")
        if n == 20:
            assert queries.close(month)["resumo"]["partes_concluidas"] == 20
    status = queries.close(month)
    assert status["situacao"] == "concluida" and status["resumo"]["servidores"] == len(servants) + 1
    assert status["resumo"]["publicados"] == len(servants) + 1
    for servant in servants + [legacy]:
        assert outbox.get(f"OUTBOX#{uuid.uuid5(EVENT_NAMESPACE, f'{servant}:{month}:r1')}", "EVENTO")
        assert outbox.count(f"OUTBOX#{uuid.uuid5(EVENT_NAMESPACE, f'{servant}:{month}:r2')}") == 0
    assert Counter(name for name, _ in aws_calls)["Scan"] == 0
    assert service.close_month(month, "teste", "dimag.folha").published == 0


def _time_record_transactions(aws_calls) -> list[list[dict]]:
    return [params["TransactItems"] for name, params in aws_calls if name == "TransactWriteItems"]


def test_coop_08_a_time_record_writes_the_month_and_its_audit_only_and_rewrites_nothing_unchanged(service, aws_calls):
    """COOP-06/08's write: ONE item of the service (the month's total, guarded by the cap and the version read, with
    the record in its copy), plus the audit record and its chain head. No separate PONTO item, and from the
    month's second record on, the kind, the index keys and the name are not written again."""
    aws_calls.clear()
    service.record_time(ANA, service.coop_id, at(7, 9), at(7, 10))
    service.record_time(ANA, service.coop_id, at(7, 11), at(7, 12))
    first, second = _time_record_transactions(aws_calls)
    for items in (first, second):
        keys = sorted(next(iter(item.values()))["Key" if "Update" in item else "Item"]["pk"]["S"] for item in items)
        assert len(keys) == 3 and keys[0].startswith("AUDIT#") and keys[1].startswith("AUDITHEAD#"), keys
        assert keys[2] == "SERVIDOR#ana" and not any("#PONTO#" in json.dumps(item) for item in items)
    [update] = [item["Update"] for item in second if "Update" in item]
    written = set(update["ExpressionAttributeNames"].values())
    assert written == {"minutos", "version", "pontos"}, written
    [created] = [item["Update"] for item in first if "Update" in item]
    assert {"gsi1pk", "gsi1sk", "kind", "data"} <= set(created["ExpressionAttributeNames"].values())
    total, records = service.month_records("ana", "2026-03")
    assert total == 120 and [(r.start, r.end) for r in records] == [(at(7, 9), at(7, 10)), (at(7, 11), at(7, 12))]


def test_coop_08_a_month_written_with_separate_record_items_keeps_its_records_and_refuses_an_overlap(service):
    """A month written before the records moved into its total item (a PONTO item per record, no copy): its records
    are still listed and still checked (COOP-08), merged with the ones written since."""
    model = service.repository.model
    model(pk="SERVIDOR#ana", sk="MES#2026-03", kind="mes", minutos=60, version=1,
          data=dumps({"servidor": "ana", "nome": "Ana", "competencia": "2026-03"}),
          gsi1pk=f"MES#2026-03#{shard_of('ana'):02d}", gsi1sk="ana").save()
    model(pk="SERVIDOR#ana", sk=f"MES#2026-03#PONTO#{at(7, 9).isoformat()}", kind="ponto",
          data=dumps({"servidor": "ana", "cooperacao": service.coop_id, "inicio": at(7, 9).isoformat(),
                      "fim": at(7, 10).isoformat(), "minutos": 60})).save()
    with pytest.raises(RuleError) as refused:
        service.record_time(ANA, service.coop_id, at(7, 9, 30), at(7, 10, 30))
    assert refused.value.code == "COOP-08"
    service.record_time(ANA, service.coop_id, at(7, 11), at(7, 12))
    total, records = service.month_records("ana", "2026-03")
    assert total == 120 and [r.start for r in records] == [at(7, 9), at(7, 11)]
    with pytest.raises(RuleError) as again:
        service.record_time(ANA, service.coop_id, at(7, 9, 15), at(7, 9, 45))
    assert again.value.code == "COOP-08"
