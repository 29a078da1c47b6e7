"""Concurrent distributions in one órgão (DIST-02, DIST-11) and DynamoDB round trips per draw, on moto.

moto executes a TransactWriteItems as Python code without a lock (it even snapshots and restores the
whole table around it), so two threads could interleave inside one "atomic" request — something DynamoDB
never does. The ``atomic_moto`` fixture serialises moto's DynamoDB requests, as the real service
serialises its transactions; the use cases' reads, decisions and conditional writes still interleave
freely between requests, which is the concurrency under test.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from chalicelib.distribuicao.adapters.dynamodb import DistribuicaoRepository
from chalicelib.distribuicao.adapters.seeds import SeedStore
from chalicelib.distribuicao.commands import DistributionCommand
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.equality import class_spread
from chalicelib.distribuicao.domain.judges import Judge, Orgao, Role, Seat
from chalicelib.distribuicao.domain.log import verify_chain
from chalicelib.distribuicao.service import DistribuicaoService, OrgaoSpec
from chalicelib.distribuicao.settings import DistribuicaoSettings

from courtlib.audit import Actor, acting_as
from courtlib.errors import Busy, Invalid
from courtlib.messaging.outbox import _connection
from tests.unit.distribuicao.fakes import instant_beacon

ROOT = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("America/Sao_Paulo")
CLASSES = ("RE", "HC", "PC", "AIME")
ELIGIBLE = tuple(f"C{n}" for n in range(2, 8))
THREADS = 8
PER_THREAD = 25
# Each act is audited by whoever acts (issue 17); a thread does not inherit its parent's context.
SERVANT = Actor.user("sub-servidor", "servidor.dist", ["distribuicao"])


@pytest.fixture
def atomic_moto(monkeypatch):
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.RLock()
    original = DynamoHandler.call_action
    operations: Counter = Counter()

    def call_action(self):
        with lock:
            operations[self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]] += 1
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", call_action)
    return operations


@pytest.fixture
def table_name(aws_stack):
    """A fresh table shaped like the services' (keys, GSIs) but without a stream: moto copies a table's whole
    stream history inside every transaction, which would make this test's time grow quadratically."""
    import uuid

    import boto3

    from devstack.templates import load_template

    properties = load_template(ROOT / "infra" / "template.yaml")["Resources"]["DistribuicaoTable"]["Properties"]
    name = f"tribunal-teste-dist-{uuid.uuid4().hex[:8]}"
    client = boto3.client("dynamodb", region_name="sa-east-1")
    client.create_table(TableName=name, BillingMode=properties["BillingMode"], KeySchema=properties["KeySchema"],
                        AttributeDefinitions=properties["AttributeDefinitions"],
                        GlobalSecondaryIndexes=properties["GlobalSecondaryIndexes"])
    yield name
    client.delete_table(TableName=name)


@pytest.fixture
def service(table_name):
    settings = DistribuicaoSettings(table_name=table_name, pagination_secret="s",
                                    partner_keys_kms_key=os.environ.get("PARTNER_KEYS_KMS_KEY_ARN"))
    svc = DistribuicaoService(DistribuicaoRepository(settings), SeedStore(settings), clock=lambda: datetime.now(TZ),
                              config=DistribuicaoConfig(), settings=settings, beacon=instant_beacon())
    judges = [Judge(f"J{n}", f"Juiz {n}", n, f"C{n}", Role.TITULAR, president=(n == 1)) for n in range(1, 8)]
    orgao = Orgao("PLENO", tuple(Seat(f"C{n}") for n in range(1, 8)), tuple(judges))
    with acting_as(SERVANT):
        svc.put_orgao(OrgaoSpec(orgao, "Pleno", CLASSES, frozenset()))
    svc.seeds.seed_for(svc.today())  # warm seed cache
    for client in clients(svc):  # botocore clients are created lazily: create them before the threads
        assert client is not None
    return svc


def clients(svc: DistribuicaoService) -> list:
    models = (*svc.repository.models, svc.seeds.model)
    return [m._get_connection().connection.client for m in models] + [
        _connection(svc.settings.region, svc.settings.endpoint_url).client]


def case(seq: int, classe: str) -> CaseData:
    return CaseData(CnjNumber.build(seq, 2026, 6, 11, 7), classe, parties=(f"Parte {seq}",))


def test_dist_02_concurrent_draws_keep_the_invariant_and_lose_no_count(service, atomic_moto):
    """8 threads × 25 distributions in the same órgão: each case once, every count kept, classes within 1."""
    busy = Counter()

    def worker(thread: int) -> list[str]:
        with acting_as(SERVANT):
            return draws(thread)

    def draws(thread: int) -> list[str]:
        seats = []
        for i in range(PER_THREAD):
            seq = thread * PER_THREAD + i + 1
            command = DistributionCommand("PLENO", case(seq, CLASSES[seq % len(CLASSES)]))
            while True:
                try:
                    outcome = service.draws.distribute(command)
                    break
                except Busy:  # a client honouring the 503's Retry-After
                    busy[thread] += 1
            assert outcome.created
            seats.append(outcome.case.seat)
        return seats

    with ThreadPoolExecutor(THREADS) as pool:
        assigned = [seat for seats in pool.map(worker, range(THREADS)) for seat in seats]

    total = THREADS * PER_THREAD
    assert len(assigned) == total and "C1" not in assigned, "the President is never drawn"
    stored = service.repository.load_orgao("PLENO")
    counters = stored.state.counters
    assert stored.state.head.seq == total
    assert sum(counters.total(seat) for seat in ELIGIBLE) == total, "no count lost"
    for classe in CLASSES:
        assert class_spread(counters, ELIGIBLE, classe) <= 1, classe
    assert max(counters.total(s) for s in ELIGIBLE) - min(counters.total(s) for s in ELIGIBLE) <= 2
    records = [record for record, _ in service.repository.records("PLENO")]
    assert [r.seq for r in records] == list(range(1, total + 1))
    assert verify_chain(records) == []
    numbers = Counter(r.case_number for r in records)
    assert len(numbers) == total and set(numbers.values()) == {1}, "every case drawn exactly once"
    for seq in (1, total // 2, total):
        row = service.repository.get_case(case(seq, "RE").number)
        assert row is not None and len(row.seqs) == 1
    attempts = atomic_moto["TransactWriteItems"]
    print(f"\n{total} draws by {THREADS} threads: {attempts} transactions ({attempts / total:.2f} per draw), "
          f"{sum(busy.values())} answered Busy (503) after {service.max_attempts} attempts and retried by the client")
    assert sum(busy.values()) <= total // 4, "the retry loop absorbs most conflicts"


def test_dist_02_two_round_trips_per_draw_in_a_warm_container(service):
    """Per draw (seed cached), each of its two moments (issue 16) is one TransactWriteItems: registration, then
    resolution once the round is out. A warm container reads the órgão once: it stages each write on the state it
    last wrote (every write is conditioned on it). Plus one read of the day's audit chain heads, all in one
    BatchGetItem (this process then remembers the heads it wrote)."""
    calls: list[str] = []

    def count(model, **_):
        calls.append(model.name)

    hooked = clients(service)
    for client in hooked:
        client.meta.events.register("before-call.dynamodb.*", count)
    try:
        draws = 20
        with acting_as(SERVANT):
            for seq in range(1, draws + 1):
                assert service.draws.distribute(DistributionCommand("PLENO", case(1000 + seq, "RE"))).created
    finally:
        for client in hooked:
            client.meta.events.unregister("before-call.dynamodb.*", count)
    counted = Counter(calls)
    assert len(calls) <= 2 * draws + 1 + 1, counted
    assert (counted["Query"], counted["TransactWriteItems"]) in ((0, 2 * draws), (1, 2 * draws)), counted
    assert counted["BatchGetItem"] <= 1 and set(counted) <= {"Query", "TransactWriteItems", "BatchGetItem"}, counted
    print(f"\nround trips per draw: {len(calls) / draws:.2f} ({dict(Counter(calls))})")


def test_dist_01_concurrent_numbering_never_gives_a_number_twice(service, atomic_moto):
    with ThreadPoolExecutor(THREADS) as pool:
        numbers = list(pool.map(lambda _: number(service), range(80)))
    assert sorted(n.sequential for n in numbers) == list(range(1, 81))
    assert {(n.segment, n.tribunal, n.origin, n.year) for n in numbers} == {(6, 11, 123, 2026)}


def number(service: DistribuicaoService) -> CnjNumber:
    """A number for a client that honours the 503's Retry-After."""
    with acting_as(SERVANT):
        while True:
            try:
                return service.next_number(123, 2026)
            except Busy:
                continue


def other_container(svc: DistribuicaoService) -> DistribuicaoService:
    """A second Lambda container of the same function: its own repository (and what it remembers), same table."""
    settings = svc.settings
    return DistribuicaoService(DistribuicaoRepository(settings), svc.seeds, clock=svc.clock, config=svc.config,
                               settings=settings, beacon=instant_beacon())


def test_dist_11_two_containers_alternating_chain_one_log_each_staging_on_what_it_last_wrote(service):
    """Two warm containers draw in turn in one órgão: each one's known state is stale every time (the other wrote
    since), so its registration is refused, it reads the órgão once and registers again. One intact log, every
    count kept; a container reads only when the other wrote since."""
    other = other_container(service)
    queries: list[str] = []

    def count(model, **_):
        queries.append(model.name)

    hooked = {id(c): c for c in clients(service) + clients(other)}.values()  # the two may share botocore clients
    for client in hooked:
        client.meta.events.register("before-call.dynamodb.*", count)
    try:
        with acting_as(SERVANT):
            for seq in range(1, 21):
                who = service if seq % 2 else other
                command = DistributionCommand("PLENO", case(2000 + seq, CLASSES[seq % 4]))
                assert who.draws.distribute(command).created
            alternating = queries.count("Query")
            for seq in range(21, 27):  # the same container again and again: one read (the other wrote last), then none
                command = DistributionCommand("PLENO", case(2000 + seq, CLASSES[seq % 4]))
                assert service.draws.distribute(command).created
    finally:
        for client in hooked:
            client.meta.events.unregister("before-call.dynamodb.*", count)
    assert alternating <= 20, "one read per draw at most, when the other container wrote since"
    assert queries.count("Query") == alternating + 1, "a container that wrote last reads nothing"
    records = [record for record, _ in service.repository.records("PLENO")]
    assert [r.seq for r in records] == list(range(1, 27))
    assert verify_chain(records) == []
    counters = service.repository.load_orgao("PLENO").state.counters
    assert sum(counters.total(seat) for seat in ELIGIBLE) == 26, "no count lost"
    for classe in CLASSES:
        assert class_spread(counters, ELIGIBLE, classe) <= 1, classe


def test_dist_02_a_container_never_registers_on_reference_data_another_container_changed(service):
    """Container A drew (it knows the órgão with class HC); container B then removes HC from the órgão. A's next
    HC distribution is staged on what A knew, refused by the version, and judged again on the órgão as it is:
    refused (classe), with nothing written."""
    other = other_container(service)
    judges = [Judge(f"J{n}", f"Juiz {n}", n, f"C{n}", Role.TITULAR, president=(n == 1)) for n in range(1, 8)]
    orgao = Orgao("PLENO", tuple(Seat(f"C{n}") for n in range(1, 8)), tuple(judges))
    with acting_as(SERVANT):
        assert service.draws.distribute(DistributionCommand("PLENO", case(3001, "RE"))).created
        assert service.repository.known_orgao("PLENO") is not None
        other.put_orgao(OrgaoSpec(orgao, "Pleno", ("RE", "PC"), frozenset()))
        with pytest.raises(Invalid) as refused:
            service.draws.distribute(DistributionCommand("PLENO", case(3002, "HC")))
    assert refused.value.field == "classe"
    assert service.repository.pending_act(case(3002, "HC").number) is None
    assert service.repository.get_case(case(3002, "HC").number) is None
    assert service.repository.load_orgao("PLENO").state.head.seq == 1
