"""Draws of distribuicao-svc's use case (service layer, no HTTP) on DynamoDB Local.

moto copies the whole table inside every TransactWriteItems, so bench/draws.py measures moto, not the
service. Here the same use case runs against AWS's DynamoDB Local: (a) one client in sequence,
(b) DynamoDB round trips per draw, (c) eight threads in the same órgão — the eight Lambda instances
that concurrent requests would get — then the equality invariant, (d) eight threads, one órgão each.
The base is a bare GetItem on the same DynamoDB Local, timed in this section.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import goals
from bench.draws import (
    CLASSES,
    CLIENTS,
    GOAL_CONCURRENT_RATE,
    GOAL_P50,
    GOAL_P99,
    GOAL_RATE,
    GOAL_TRIPS,
    _orgao_body,
)
from bench.dynamodb_local import client, create_service_table
from bench.http_reads import AwsCallCounter, describe_calls
from bench.stats import Summary, figure
from courtlib.audit import Actor, acting_as

_SEEDS: Any = None  # one in-memory seed store for every "Lambda instance" of the section


def _deps(settings: Any) -> Any:
    """The service's deps on DynamoDB Local, with what DynamoDB Local lacks: no KMS to seal the day's seed (kept in
    memory here, read once per day as the sealed store does), and the wait for the beacon round left out — every
    round is already out (the local beacon with its clock ahead), so these figures are the store's and the BLS
    check's; the wait for the round is measured on the stack (bench/draws.py)."""
    from datetime import UTC, date, datetime

    from chalicelib.distribuicao.deps import DistribuicaoDeps
    from chalicelib.distribuicao.domain.randomness import DailySeed, new_seed
    from chalicelib.distribuicao.ports import PublishedSeed

    from courtlib.beacon.local import LocalBeacon

    class MemorySeeds:
        def __init__(self) -> None:
            self.seeds: dict[date, DailySeed] = {}
            self.lock = threading.Lock()

        def seed_for(self, day: date) -> DailySeed:
            with self.lock:
                return self.seeds.setdefault(day, new_seed(day))

        def ensure(self, days: Any) -> None:
            for day in days:
                self.seed_for(day)

        def published(self, start: date, end: date, reveal_before: date | None = None) -> list[PublishedSeed]:
            return [PublishedSeed(d, s.commitment, s.hex if reveal_before and d < reveal_before else "")
                    for d, s in sorted(self.seeds.items()) if start <= d <= end]

    global _SEEDS
    if _SEEDS is None:
        _SEEDS = MemorySeeds()
    deps = DistribuicaoDeps(settings)
    deps.seeds = _SEEDS
    far = datetime(2100, 1, 1, tzinfo=UTC)
    deps.beacon = LocalBeacon(now=lambda: far)
    return deps

SEQUENTIAL = 600
PER_CLIENT = 150
PHASE_BUDGET_S = 60.0
BASE_SAMPLES = 300

_numbers = itertools.count(500_000)
# Each draw is audited (issue 17) under whoever acts, as the HTTP dispatcher would set it; threads set their own.
DISTRIBUTOR = Actor.user("sub-bench", "bench.distribuidor", ["distribuicao"])


def _command(orgao: str, n: int) -> Any:
    from chalicelib.distribuicao.commands import DistributionCommand
    from chalicelib.distribuicao.domain.cnj import CnjNumber
    from chalicelib.distribuicao.domain.draw import CaseData

    number = CnjNumber.build(next(_numbers), 2026, 6, 11, 1)
    case = CaseData(number, CLASSES[n % len(CLASSES)], parties=("Recorrente A", "Recorrido B"),
                    lawyers=("Adv. C OAB/MT 1",), subjects=("Bench",))
    return DistributionCommand(orgao, case)


def _violations(service: Any, orgao: str) -> list[str]:
    counters = service.get_orgao(orgao).state.counters
    drawable = [f"C{n}" for n in range(2, 8)]  # _orgao_body: seven seats, the President (J1) in C1
    out = []
    for classe in CLASSES:
        counts = {seat: counters.count(seat, classe) for seat in drawable}
        if counts and max(counts.values()) - min(counts.values()) > 1:
            out.append(f"{classe}: {counts}")
    return out


def _base(endpoint: str, table: str) -> Summary:
    dynamodb = client(endpoint)
    key = {"pk": {"S": "BENCH"}, "sk": {"S": "BASE"}}
    dynamodb.put_item(TableName=table, Item={**key, "valor": {"S": "x"}})
    samples = []
    for _ in range(BASE_SAMPLES):
        t0 = time.perf_counter()
        dynamodb.get_item(TableName=table, Key=key)
        samples.append((time.perf_counter() - t0) * 1000.0)
    return Summary.of(samples)


def run(emit: Callable[[str], None], endpoint: str) -> bool:
    """Prints the section; False on a harness or service error (not on a missed goal)."""
    emit("Sorteios no DynamoDB Local (caso de uso DrawService.distribute, sem HTTP; "
         "base = p50 do GetItem no mesmo DynamoDB Local)")
    with acting_as(DISTRIBUTOR):
        return _measure(emit, endpoint)


def _measure(emit: Callable[[str], None], endpoint: str) -> bool:
    from chalicelib.distribuicao.api import OrgaoIn
    from chalicelib.distribuicao.settings import DistribuicaoSettings

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    table = f"tribunal-bench-distribuicao-{uuid.uuid4().hex[:6]}"
    create_service_table(endpoint, table)
    settings = DistribuicaoSettings(service="distribuicao", table_name=table, endpoint_url=endpoint,
                                    pagination_secret="bench")
    deps = _deps(settings)
    service = deps.service
    orgao = "BENCH"
    service.put_orgao(OrgaoIn.model_validate(_orgao_body()).spec(orgao))
    service.commitments(None, None)  # today's seed exists before the first draw, as in production
    service.draws.distribute(_command(orgao, 0))  # warms the connection and the code paths
    base = _base(endpoint, table)
    emit(f"   {'base: DynamoDB Local GetItem (boto3 direto)':<44} p50 {base.p50:6.2f} ms   p99 {base.p99:6.2f} ms")

    with AwsCallCounter() as counter:  # (a) + (b)
        samples: list[float] = []
        mark = counter.mark()
        deadline = time.monotonic() + PHASE_BUDGET_S
        began = time.perf_counter()
        cpu0 = time.process_time()
        for n in range(SEQUENTIAL):
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            service.draws.distribute(_command(orgao, n + 1))
            samples.append((time.perf_counter() - t0) * 1000.0)
        elapsed = time.perf_counter() - began
        cpu_ms = (time.process_time() - cpu0) * 1000.0 / max(len(samples), 1)  # this process: DynamoDB Local is Java
        calls = counter.calls_since(mark)
        seq = Summary.of(samples)
        rate = seq.n / elapsed
        verdict = goals.at_least("1 cliente, sorteios/s", rate, GOAL_RATE)
        emit(f"   (a) 1 cliente, {seq.n} sorteios em sequência: {rate:.0f} sorteios/s  meta ≥{GOAL_RATE:.0f}  "
             f"{verdict}; CPU deste processo {cpu_ms:.1f} ms por sorteio")
        emit("     " + figure("p50", seq.p50, base.p50, GOAL_P50, width=4, name="1 cliente, p50 × GetItem"))
        emit("     " + figure("p99", seq.p99, base.p50, GOAL_P99, width=4, name="1 cliente, p99 × GetItem"))
        trips = sum(v for k, v in calls.items() if k.startswith("DynamoDB")) / max(seq.n, 1)
        # the day's first read of each audit chain head and of the seed are a few calls per run, not per draw
        verdict = goals.at_most("idas ao DynamoDB por sorteio", round(trips, 2), GOAL_TRIPS, unit="")
        emit(f"   (b) idas ao DynamoDB por sorteio: {trips:.2f}  meta ≤{GOAL_TRIPS:.0f}  {verdict}")
        emit(f"     detalhe: {describe_calls(calls, per=max(seq.n, 1))}")

    # issue 15: no collapse in one órgão (at least one client's throughput); across órgãos, scaling with the cores
    # (at least 3/4 of one client's per core, up to the clients)
    cores = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, CLIENTS)
    same = _concurrent(emit, "(c)", "no mesmo órgão", settings, [orgao] * CLIENTS, service, goal=rate,
                       goal_name="8 clientes, 1 órgão: ≥ vazão de 1 cliente")
    orgaos = [f"BENCH{n}" for n in range(CLIENTS)]
    for other in orgaos:
        service.put_orgao(OrgaoIn.model_validate(_orgao_body()).spec(other))
    spread = _concurrent(emit, "(d)", "cada um no seu órgão", settings, orgaos, service, goal=0.75 * cores * rate,
                         goal_name=f"8 clientes, 8 órgãos: ≥0,75×{cores} núcleos×1 cliente")
    client(endpoint).delete_table(TableName=table)
    return same and spread


def _concurrent(emit: Callable[[str], None], label: str, where: str, settings: Any, orgaos: list[str],
                service: Any, *, goal: float = GOAL_CONCURRENT_RATE, goal_name: str = "") -> bool:
    """``len(orgaos)`` threads, thread i drawing in ``orgaos[i]``; then the invariant of every órgão touched."""
    results: Counter[str] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + PHASE_BUDGET_S
    ids = itertools.count(next(_numbers) + 100_000)

    def worker(orgao: str) -> None:
        with acting_as(DISTRIBUTOR):
            draws(orgao)

    def draws(orgao: str) -> None:
        own = _deps(settings).service  # one Lambda instance each
        for _ in range(PER_CLIENT):
            if time.monotonic() > deadline:
                outcome = "não feitos (tempo)"
            else:
                try:
                    t0 = time.perf_counter()
                    own.draws.distribute(_command(orgao, next(ids)))
                    outcome = "sorteados"
                    with lock:
                        latencies.append((time.perf_counter() - t0) * 1000.0)
                except Exception as error:
                    outcome = type(error).__name__
            with lock:
                results[outcome] += 1

    with AwsCallCounter() as counter:
        threads = [threading.Thread(target=worker, args=(orgao,), name=f"bench-worker-{i}")
                   for i, orgao in enumerate(orgaos)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PHASE_BUDGET_S * 2)
        elapsed = time.perf_counter() - began
        calls = counter.calls_since(0)
    done = results["sorteados"]
    rate = done / elapsed
    transacts = calls.get("DynamoDB TransactWriteItems", 0)
    trips = sum(v for k, v in calls.items() if k.startswith("DynamoDB")) / max(done, 1)
    verdict = goals.at_least(goal_name or f"{len(orgaos)} clientes {where}, sorteios/s", rate, goal)
    emit(f"   {label} {len(orgaos)} clientes × {PER_CLIENT} {where}: {done} sorteios em {elapsed:.1f} s = "
         f"{rate:.0f} sorteios/s  meta ≥{goal:.0f}  {verdict}")
    lat = Summary.of(latencies)
    emit(f"     latência por sorteio p50 {lat.p50:.1f} ms, p99 {lat.p99:.1f} ms; GetItems (cabeças da cadeia de "
         f"auditoria relidas) {calls.get('DynamoDB GetItem', 0)}, Queries (órgão relido) "
         f"{calls.get('DynamoDB Query', 0)}")
    emit(f"     resultados: {', '.join(f'{k} ×{v}' for k, v in sorted(results.items()))}")
    emit(f"     transações recusadas por escrita concorrente e refeitas: {max(transacts - done, 0)}; "
         f"idas ao DynamoDB por sorteio: {trips:.2f}")
    violations = [v for orgao in sorted(set(orgaos)) for v in _violations(service, orgao)]
    emit("     invariante (por classe, cadeiras sorteáveis diferem ≤1): "
         + ("0 violações" if not violations else f"{len(violations)} violação(ões): " + "; ".join(violations)))
    # Busy is the service's own answer (503: the client repeats the request); anything else is a failure.
    return not violations and set(results) <= {"sorteados", "não feitos (tempo)", "Busy"}


def main() -> int:
    """``python -m bench.draws_dynamodb_local``: this section alone, on a fresh DynamoDB Local."""
    import logging
    import sys

    from bench.__main__ import emit
    from bench.dynamodb_local import ROOT, dynamodb_local

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    path = str(ROOT / "distribuicao-svc")
    if path not in sys.path:
        sys.path.append(path)
    with dynamodb_local() as endpoint:
        return 0 if run(emit, endpoint) else 1


if __name__ == "__main__":
    raise SystemExit(main())
