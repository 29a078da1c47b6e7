"""Section: cooperacao-svc's monthly close (COOP-11) at the issue's size, on DynamoDB Local.

moto copies the table inside every TransactWriteItems, so the close there grows with the square of the table
and cannot reach 20,000 servants. Here the same use case (``CooperacaoService.close_month``, no HTTP) closes
20,000 and then 40,000 servants whose month totals are written straight into a fresh table as the ponto leaves
them; printed: time (goal ≤60 s for 20,000), growth 2N/N (goal ≤2.2×), DynamoDB calls (goal: no Scan), and a
second run that must publish nothing.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench import goals
from bench.cooperacao import write_month_totals
from bench.dynamodb_local import client, create_service_table
from bench.http_reads import AwsCallCounter, describe_calls
from bench.stats import format_ratio, ratio
from courtlib.audit import Actor, acting_as

N = 20_000
GOAL_SECONDS, GOAL_GROWTH = 60.0, 2.2


def run(emit: Callable[[str], None], endpoint: str) -> bool:
    from chalicelib.cooperacao.deps import CooperacaoDeps
    from chalicelib.cooperacao.settings import CooperacaoSettings

    emit(f"Fechamento mensal no DynamoDB Local (COOP-11, CooperacaoService.close_month, sem HTTP): {N} e {2 * N} "
         "servidores")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    table = f"tribunal-bench-cooperacao-{uuid.uuid4().hex[:6]}"
    create_service_table(endpoint, table)
    settings = CooperacaoSettings(table_name=table, endpoint_url=endpoint, pagination_secret="bench")
    service = CooperacaoDeps(settings).service
    dynamodb = client(endpoint)
    seconds: list[float] = []
    with acting_as(Actor.system("agenda:monthly_close")):  # the close records its act as the schedule's
        return _both_sizes(emit, endpoint, table, service, dynamodb, seconds)


def _both_sizes(emit: Callable[[str], None], endpoint: str, table: str, service: Any, dynamodb: Any,
                seconds: list[float]) -> bool:
    for n, month in ((N, "2026-08"), (2 * N, "2026-09")):
        began = time.perf_counter()
        write_month_totals(dynamodb, table, month, n, uuid.uuid4().hex[:6])
        written = time.perf_counter() - began
        with AwsCallCounter() as counter:
            began = time.perf_counter()
            result = service.close_month(month, "bench", "bench")
            elapsed = time.perf_counter() - began
            calls = counter.calls_since(0)
        seconds.append(elapsed)
        scans = sum(c for name, c in calls.items() if name.endswith(" Scan"))
        verdict = ""
        if n == N:
            met = goals.at_most(f"fechamento de {n} servidores", elapsed, GOAL_SECONDS, " s")
            verdict = f"  meta ≤{GOAL_SECONDS:.0f} s  {met}"
        emit(f"   {n} servidores (totais gravados em {written:.1f} s): fechamento em {elapsed:.1f} s{verdict}; "
             f"{result.published} eventos em {result.batches} transações")
        emit(f"     chamadas: {describe_calls(calls)}" + ("" if not scans else f"  ERRO: {scans} Scan(s)"))
        began = time.perf_counter()
        again = service.close_month(month, "bench", "bench")
        emit(f"     de novo: {again.published} eventos novos em {time.perf_counter() - began:.1f} s")
        if scans or result.published != n or again.published:
            client(endpoint).delete_table(TableName=table)
            return False
    growth = ratio(seconds[1], seconds[0])
    emit(f"   crescimento 2N/N: {format_ratio(growth)} (meta ≤{format_ratio(GOAL_GROWTH)}) "
         f"{goals.at_most('fechamento: crescimento 2N/N', growth, GOAL_GROWTH)}")
    client(endpoint).delete_table(TableName=table)
    return True
