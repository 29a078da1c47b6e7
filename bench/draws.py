"""Draws (POST /distribuicoes) over HTTP on the local stack of section 2, as ratios to its bare GetItem p50.

(a) one client, sequential draws, latency through the whole stack INCLUDING the wait for the draw's beacon
round (issue 16: the stack's local beacon, one round per ``distribuicao.farol_local_periodo_s``); (b) DynamoDB
round trips per draw (request threads only: two per moment), (c) 2,000 draws in one órgão at a steady rate (the
last 200 no slower than the first 200, ±25 %) with every round already out (the store's growth, not the
beacon's period), then the equality invariant. Throughput is measured on DynamoDB Local
(bench/draws_dynamodb_local.py).
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.http_reads import (
    HTTP_TIMEOUT_S,
    AwsCallCounter,
    describe_calls,
    stdout_handlers_to_devnull,
)
from bench.stats import Summary

SERVICE = "distribuicao"
USER = "distribuidor"
SEQUENTIAL = 40
CLIENTS = 8  # the concurrent clients of bench/draws_dynamodb_local.py
PHASE_BUDGET_S = 30.0
BEACON_PHASE_BUDGET_S = 90.0  # (a) waits for a round per draw
# two moments per draw (issue 16), each one Query and one TransactWriteItems
GOAL_RATE, GOAL_TRIPS, GOAL_CONCURRENT_RATE = 150.0, 4.0, 100.0
QUICKNET_PERIOD_S, GOAL_QUICKNET_P99_MS = 3.0, 3500.0  # issue 16: ≤ 3.5 s p99 waiting for quicknet's round
GOAL_P50, GOAL_P99 = 10.0, 25.0  # ratios to the bare GetItem p50 (informative)
CLASSES = ("AIME", "HC", "PC", "RE")
STEADY_DRAWS, STEADY_WINDOW, STEADY_TOLERANCE = 2000, 200, 0.25  # issue 12 point 13
STEADY_BUDGET_S = 300.0

_numbers = itertools.count(1)


def _number() -> str:
    from chalicelib.distribuicao.domain.cnj import CnjNumber

    return str(CnjNumber.build(next(_numbers), 2026, 6, 11, 1))


def _orgao_body() -> dict[str, Any]:
    judges = [{"id": f"J{n}", "nome": f"Juiz {n}", "antiguidade": n, "cadeira": f"C{n}", "presidente": n == 1}
              for n in range(1, 8)]
    return {"nome": "Pleno (bench)", "classes": list(CLASSES), "cadeiras": [{"id": f"C{n}"} for n in range(1, 8)],
            "juizes": judges}


def _draw_body(orgao: str, n: int) -> dict[str, Any]:
    return {"numero_processo": _number(), "orgao": orgao, "classe": CLASSES[n % len(CLASSES)],
            "partes": ["Recorrente A", "Recorrido B"], "advogados": ["Adv. C OAB/MT 1"], "assuntos": ["Bench"]}


def _session(token: str) -> Any:
    import requests

    http = requests.Session()
    http.trust_env = False  # localhost only
    http.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return http


def _violations(state: dict[str, Any]) -> list[str]:
    drawable = [s for s in state["cadeiras"] if s.get("sorteavel")]
    out = []
    for classe in CLASSES:
        counts = {s["id"]: s["contagens"].get(classe, 0) for s in drawable}
        if counts and max(counts.values()) - min(counts.values()) > 1:
            out.append(f"{classe}: {counts}")
    return out


def run(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter) -> bool:
    """Prints the draws section; False on a harness or app error (not on a missed goal)."""
    emit(f"Distribuições (POST /distribuicoes, {SERVICE}-svc, usuário {USER}; "
         "base = p50 do GetItem da seção 2)")
    url = stack.urls[SERVICE]
    token = stack.tokens[USER]
    orgao = f"BENCH-{uuid.uuid4().hex[:6]}"
    with stdout_handlers_to_devnull(), _session(token) as http:
        made = http.put(f"{url}/orgaos/{orgao}", json=_orgao_body(), timeout=HTTP_TIMEOUT_S)
        if made.status_code not in (200, 201):
            emit(f"   ERRO ao criar o órgão: HTTP {made.status_code} {made.text[:300]}")
            return False
        http.get(f"{url}/sorteios/compromissos", timeout=HTTP_TIMEOUT_S)  # creates today's seed
        first = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, 0), timeout=HTTP_TIMEOUT_S)
        if first.status_code != 201:
            emit(f"   ERRO no primeiro sorteio: HTTP {first.status_code} {first.text[:300]}")
            return False

        # (a) + (b): one client
        samples: list[float] = []
        waits: list[float] = []
        mark = counter.mark()
        deadline = time.monotonic() + BEACON_PHASE_BUDGET_S
        began = time.perf_counter()
        for n in range(SEQUENTIAL):
            if time.monotonic() > deadline:
                break
            sent_at = _stack_now()
            t0 = time.perf_counter()
            response = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, n + 1), timeout=HTTP_TIMEOUT_S)
            samples.append((time.perf_counter() - t0) * 1000.0)
            if response.status_code != 201:
                emit(f"   ERRO: HTTP {response.status_code} {response.text[:300]}")
                return False
            # the part of this draw spent waiting for its round: from the request to the round's publication
            published = _chain().round_time(response.json()["sorteio"]["farol"]["rodada"])
            waits.append(max(0.0, min(samples[-1], (published - sent_at).total_seconds() * 1000.0)))
        elapsed = time.perf_counter() - began
        calls = counter.request_calls_since(mark)
        seq = Summary.of(samples)
        rate = seq.n / elapsed
        budget = " (orçamento esgotado)" if seq.n < SEQUENTIAL else ""
        emit(f"   (a) 1 cliente, {seq.n} sorteios em sequência{budget}: "
             f"{rate:.0f} sorteios/s no moto (a meta de vazão, ≥{GOAL_RATE:.0f}/s, é medida no DynamoDB Local)")
        period = _chain().period
        wait = Summary.of(waits)
        work = Summary.of([total - waited for total, waited in zip(samples, waits, strict=True)])
        emit(f"     latência com a espera pela rodada do farol local (período {period} s): "
             f"p50 {seq.p50:.0f} ms  p99 {seq.p99:.0f} ms  (n={seq.n}); dela, espera pela rodada "
             f"p50 {wait.p50:.0f} ms, trabalho p50 {work.p50:.0f} ms  p99 {work.p99:.0f} ms")
        # The wait is for the first round after the commit: at most one period. Quicknet's period is 3 s; the
        # work is what a draw takes beyond its wait here (an estimate: the relays' own delay is not in it).
        quicknet_p99 = QUICKNET_PERIOD_S * 1000.0 + work.p99
        emit(f"     estimativa com a quicknet (período {QUICKNET_PERIOD_S:.0f} s): p99 ≈ {quicknet_p99:.0f} ms "
             f"(3000 + trabalho p99, sem o atraso dos relays)  meta ≤{GOAL_QUICKNET_P99_MS:.0f} ms  "
             f"{'OK' if quicknet_p99 <= GOAL_QUICKNET_P99_MS else 'ACIMA DA META'}")
        dynamo = Counter({k: v for k, v in calls.items() if k.startswith("DynamoDB")})
        trips = sum(dynamo.values()) / max(seq.n, 1)
        emit(f"   (b) idas ao DynamoDB por sorteio: {trips:.2f}  meta ≤{GOAL_TRIPS:.0f}  "
             f"{'OK' if trips <= GOAL_TRIPS else 'ACIMA DA META'}")
        emit(f"     detalhe: {describe_calls(calls, per=max(seq.n, 1))}")

    with rounds_already_out():
        steady_ok = steady_rate(emit, url, token)
    with stdout_handlers_to_devnull(), _session(token) as http:
        state = http.get(f"{url}/orgaos/{orgao}", timeout=HTTP_TIMEOUT_S).json()
    violations = _violations(state)
    emit("     invariante (por classe, cadeiras sorteáveis diferem ≤1): "
         + ("0 violações" if not violations else f"{len(violations)} violação(ões): " + "; ".join(violations)))
    emit("   vazão (1 e 8 clientes): na seção do DynamoDB Local")
    return not violations and steady_ok


def _chain() -> Any:
    """The chain of the stack's local beacon (the distribuicao app runs in this process)."""
    import sys

    return sys.modules["distribuicao_app"].deps.round_source.chain


def _stack_now() -> Any:
    """The stack's clock (the one its local beacon publishes by)."""
    from courtlib import clock

    return clock.now()


@contextmanager
def rounds_already_out() -> Iterator[None]:
    """The stack's distribuicao app with every beacon round already out (the local beacon, its clock ahead): what is
    measured is then the store, not the beacon's period (which (a) measures)."""
    import sys
    from datetime import UTC, datetime

    from courtlib.beacon.local import LocalBeacon

    deps = sys.modules["distribuicao_app"].deps
    saved = deps.beacon
    far = datetime(2100, 1, 1, tzinfo=UTC)
    deps.beacon = LocalBeacon(now=lambda: far)
    try:
        yield
    finally:
        deps.beacon = saved


def steady_rate(emit: Callable[[str], None], url: str, token: str, draws: int = STEADY_DRAWS,
                window: int = STEADY_WINDOW) -> bool:
    """(c) ``draws`` sequential draws over HTTP in one new órgão: the last ``window`` no slower than the first.

    Before moto's TransactWriteItems was patched (infra/devstack/moto_patches.py) each draw copied the table,
    so draws slowed down as the órgão's log grew (1.7–2.4/s, 15–20 min for 2,000). False on an app error.
    """
    orgao = f"BENCH-{uuid.uuid4().hex[:6]}"
    durations: list[float] = []
    with stdout_handlers_to_devnull(), _session(token) as http:
        made = http.put(f"{url}/orgaos/{orgao}", json=_orgao_body(), timeout=HTTP_TIMEOUT_S)
        if made.status_code not in (200, 201):
            emit(f"   ERRO ao criar o órgão: HTTP {made.status_code} {made.text[:300]}")
            return False
        deadline = time.monotonic() + STEADY_BUDGET_S
        for n in range(draws):
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            response = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, n), timeout=HTTP_TIMEOUT_S)
            durations.append(time.perf_counter() - t0)
            if response.status_code != 201:
                emit(f"   ERRO: HTTP {response.status_code} {response.text[:300]}")
                return False
    if len(durations) < draws:
        emit(f"   (c) {draws} sorteios num órgão: orçamento de {STEADY_BUDGET_S:.0f} s esgotado após "
             f"{len(durations)} — meta NÃO ATINGIDA")
        return True
    first, last = sum(durations[:window]), sum(durations[-window:])
    ratio = last / first
    met = ratio <= 1 + STEADY_TOLERANCE
    emit(f"   (c) {draws} sorteios em sequência num órgão, em {sum(durations):.1f} s "
         f"({draws / sum(durations):.0f}/s): os {window} primeiros em {first:.2f} s, os {window} últimos em "
         f"{last:.2f} s = {ratio:.2f}×  meta ≤{1 + STEADY_TOLERANCE:.2f}×  {'ATINGIDA' if met else 'NÃO ATINGIDA'}")
    return True
