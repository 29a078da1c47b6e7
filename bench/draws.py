"""Draws (POST /distribuicoes) over HTTP on the local stack of section 2, as ratios to its bare GetItem p50.

The stack's tables are on DynamoDB Local when Java is there (bench.local_stack), on moto otherwise.
(a) one client, 300 sequential draws, latency through the whole stack (p50 ≤4×, p99 ≤8×); (b) DynamoDB round
trips per draw (request threads only); (c) 8 clients on one órgão, 300 draws in all: throughput at least one
client's (no collapse) and p99 ≤15×; (d) 2,000 draws in one órgão at a steady rate (the last 200 no slower than
the first 200, ±25 %), then the equality invariant — (a) to (d) with every beacon round already out, so they are
the store's figures; (e) one client, sequential draws with the stack's served local beacon at quicknet's period
(3 s; distribuicao reads it over HTTP through its relay client, as it reads drand's relays): the latency INCLUDING
the wait for the draw's round (issue 16), p50/p99 against the goal p99 ≤3.5 s, split into wait and work. The use
case's own throughput is in bench/draws_dynamodb_local.py. Alone: ``python -m bench.draws``.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench import goals
from bench.http_reads import (
    HTTP_TIMEOUT_S,
    AwsCallCounter,
    describe_calls,
    stdout_handlers_to_devnull,
)
from bench.stats import Summary, figure

SERVICE = "distribuicao"
USER = "distribuidor"
SEQUENTIAL = 300
CLIENTS = 8  # (c) and the concurrent clients of bench/draws_dynamodb_local.py
CONCURRENT_DRAWS = 300  # (c), all clients together
PHASE_BUDGET_S = 60.0
# issue 15: ≤2 round trips per draw — since issue 16 its two moments, each one TransactWriteItems staged on the
# órgão as the warm container last wrote it (a Query only when another container wrote since)
GOAL_RATE, GOAL_TRIPS, GOAL_CONCURRENT_RATE = 150.0, 2.0, 100.0
GOAL_P50, GOAL_P99 = 4.0, 8.0  # issue 15: ratios to the bare GetItem p50, over HTTP on DynamoDB Local
GOAL_CONCURRENT_P99 = 15.0
BEACON_DRAWS, BEACON_PHASE_BUDGET_S = 40, 150.0  # (e): each draw waits for a round (≤3 s at quicknet's period)
QUICKNET_PERIOD_S, GOAL_QUICKNET_P99_MS = 3.0, 3500.0  # issue 16: ≤ 3.5 s p99 when waiting for quicknet
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


def _new_orgao(http: Any, url: str, emit: Callable[[str], None]) -> str | None:
    """A new órgão of its own for a phase (``PUT /orgaos/{id}``); None, the error said, if the service refused."""
    orgao = f"BENCH-{uuid.uuid4().hex[:6]}"
    made = http.put(f"{url}/orgaos/{orgao}", json=_orgao_body(), timeout=HTTP_TIMEOUT_S)
    if made.status_code not in (200, 201):
        emit(f"   ERRO ao criar o órgão: HTTP {made.status_code} {made.text[:300]}")
        return None
    return orgao


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
    with stdout_handlers_to_devnull(), _session(token) as http:
        orgao = _new_orgao(http, url, emit)
        if orgao is None:
            return False
        http.get(f"{url}/sorteios/compromissos", timeout=HTTP_TIMEOUT_S)  # creates today's seed
    with rounds_already_out():
        ok = _store_phases(emit, stack, base, counter, url, token, orgao)
    return _beacon_wait(emit, url, token) and ok


def _store_phases(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter, url: str,
                  token: str, orgao: str) -> bool:
    """(a) to (d): the store's figures (every beacon round already out)."""
    with stdout_handlers_to_devnull(), _session(token) as http:
        first = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, 0), timeout=HTTP_TIMEOUT_S)
        if first.status_code != 201:
            emit(f"   ERRO no primeiro sorteio: HTTP {first.status_code} {first.text[:300]}")
            return False

        # (a) + (b): one client
        samples: list[float] = []
        mark = counter.mark()
        deadline = time.monotonic() + PHASE_BUDGET_S
        began = time.perf_counter()
        for n in range(SEQUENTIAL):
            if time.monotonic() > deadline:
                break
            t0 = time.perf_counter()
            response = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, n + 1), timeout=HTTP_TIMEOUT_S)
            samples.append((time.perf_counter() - t0) * 1000.0)
            if response.status_code != 201:
                emit(f"   ERRO: HTTP {response.status_code} {response.text[:300]}")
                return False
        elapsed = time.perf_counter() - began
        calls = counter.request_calls_since(mark)
        seq = Summary.of(samples)
        rate = seq.n / elapsed
        budget = " (orçamento esgotado)" if seq.n < SEQUENTIAL else ""
        where = "no DynamoDB Local" if getattr(stack, "dynamodb", "moto") == "local" else "no moto"
        emit(f"   (a) 1 cliente, {seq.n} sorteios em sequência{budget}: {rate:.0f} sorteios/s por HTTP {where} "
             f"(a meta de vazão do caso de uso, ≥{GOAL_RATE:.0f}/s, está na seção do DynamoDB Local sem HTTP)")
        emit("     " + figure("p50", seq.p50, base.p50, GOAL_P50, width=4, name="sorteio HTTP, p50 × GetItem"))
        emit("     " + figure("p99", seq.p99, base.p50, GOAL_P99, width=4, name="sorteio HTTP, p99 × GetItem"))
        dynamo = Counter({k: v for k, v in calls.items() if k.startswith("DynamoDB")})
        trips = sum(dynamo.values()) / max(seq.n, 1)
        # the day's first read of each audit chain head and of the seed are a few calls per run, not per draw
        verdict = goals.at_most("idas ao DynamoDB por sorteio (HTTP)", round(trips, 2), GOAL_TRIPS, unit="")
        emit(f"   (b) idas ao DynamoDB por sorteio: {trips:.2f}  meta ≤{GOAL_TRIPS:.0f}  {verdict}")
        emit(f"     detalhe: {describe_calls(calls, per=max(seq.n, 1))}")

    concurrent_ok = concurrent(emit, url, token, base, rate)
    steady_ok = steady_rate(emit, url, token)
    with stdout_handlers_to_devnull(), _session(token) as http:
        state = http.get(f"{url}/orgaos/{orgao}", timeout=HTTP_TIMEOUT_S).json()
    violations = _violations(state)
    emit("     invariante (por classe, cadeiras sorteáveis diferem ≤1): "
         + ("0 violações" if not violations else f"{len(violations)} violação(ões): " + "; ".join(violations)))
    return not violations and steady_ok and concurrent_ok


def _beacon_wait(emit: Callable[[str], None], url: str, token: str) -> bool:
    """(e) one client, sequential draws in a new órgão with the stack's local beacon: each waits for its round.

    Each request leaves after a pause drawn uniformly within one period (fixed seed): back-to-back requests would
    all arrive just after a round and wait nearly a whole period, while filings arrive at any moment of it."""
    samples: list[float] = []
    waits: list[float] = []
    arrivals = random.Random(16)
    with stdout_handlers_to_devnull(), _session(token) as http:
        orgao = _new_orgao(http, url, emit)
        if orgao is None:
            return False
        deadline = time.monotonic() + BEACON_PHASE_BUDGET_S
        for n in range(BEACON_DRAWS):
            if time.monotonic() > deadline:
                break
            time.sleep(arrivals.uniform(0.0, _chain().period))
            sent_at = _stack_now()
            t0 = time.perf_counter()
            response = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, n), timeout=HTTP_TIMEOUT_S)
            samples.append((time.perf_counter() - t0) * 1000.0)
            if response.status_code != 201:
                emit(f"   ERRO: HTTP {response.status_code} {response.text[:300]}")
                return False
            # the part of this draw spent waiting for its round: from the request to the round's publication
            published = _chain().round_time(response.json()["sorteio"]["farol"]["rodada"])
            waits.append(max(0.0, min(samples[-1], (published - sent_at).total_seconds() * 1000.0)))
    seq = Summary.of(samples)
    wait = Summary.of(waits)
    work = Summary.of([total - waited for total, waited in zip(samples, waits, strict=True)])
    period = _chain().period
    emit(f"   (e) 1 cliente, {seq.n} sorteios em sequência com o farol local servido pela pilha (período {period} s, "
         f"lido por HTTP pelo cliente de relays): latência com a espera pela rodada p50 {seq.p50:.0f} ms  "
         f"p99 {seq.p99:.0f} ms; dela, espera p50 {wait.p50:.0f} ms, trabalho p50 {work.p50:.0f} ms  "
         f"p99 {work.p99:.0f} ms")
    if period != QUICKNET_PERIOD_S:  # the goal is stated at quicknet's period: no verdict at another
        emit(f"     período do farol local ≠ {QUICKNET_PERIOD_S:.0f} s (o da quicknet): sem veredito da meta "
             f"≤{GOAL_QUICKNET_P99_MS:.0f} ms")
        return True
    met = goals.at_most("sorteio com a espera da rodada, p99 (3 s)", seq.p99 / 1000.0, GOAL_QUICKNET_P99_MS / 1000.0,
                        " s")
    emit(f"     meta (issue 16): p99 ≤{GOAL_QUICKNET_P99_MS:.0f} ms com o período da quicknet: {met} "
         f"(sem o atraso dos relays públicos, que a pilha local não tem)")
    return True


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
    measured is then the store, not the beacon's period (which (e) measures)."""
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


def concurrent(emit: Callable[[str], None], url: str, token: str, base: Summary, one_client_rate: float,
               clients: int = CLIENTS, draws: int = CONCURRENT_DRAWS) -> bool:
    """(c) ``clients`` threads drawing in one new órgão, ``draws`` in all; each its own HTTP connection.

    Goals: throughput ≥ one client's (``one_client_rate``, from (a)) and p99 ≤15× the base. A 503 (the órgão
    busy after the service's own retries) is the answer a client repeats: counted, and its time kept. False on
    another status or a broken invariant."""
    outcomes: Counter[int] = Counter()
    samples: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + PHASE_BUDGET_S
    numbers = iter(range(draws))

    def client() -> None:
        with _session(token) as http:
            while time.monotonic() < deadline:
                with lock:
                    n = next(numbers, None)
                if n is None:
                    return
                t0 = time.perf_counter()
                try:
                    status = http.post(f"{url}/distribuicoes", json=_draw_body(orgao, n),
                                       timeout=HTTP_TIMEOUT_S).status_code
                except Exception:
                    status = 0
                with lock:
                    samples.append((time.perf_counter() - t0) * 1000.0)
                    outcomes[status] += 1

    with stdout_handlers_to_devnull(), _session(token) as http:
        made = _new_orgao(http, url, emit)
        if made is None:
            return False
        orgao = made  # the clients' órgão (a str for the closure above)
        threads = [threading.Thread(target=client, name=f"bench-client-{i}") for i in range(clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PHASE_BUDGET_S * 2)
        elapsed = time.perf_counter() - began
        state = http.get(f"{url}/orgaos/{orgao}", timeout=HTTP_TIMEOUT_S).json()
    done = outcomes[201]
    rate = done / elapsed
    summary = Summary.of(samples) if samples else Summary(0, 0.0, 0.0)
    verdict = goals.check(f"{clients} clientes num órgão: vazão", f"{rate / max(one_client_rate, 1e-9):.2f}×", "≥1×",
                          rate >= one_client_rate)
    emit(f"   (c) {clients} clientes no mesmo órgão, {sum(outcomes.values())} pedidos: {done} sorteios em "
         f"{elapsed:.1f} s = {rate:.0f}/s = {rate / max(one_client_rate, 1e-9):.2f}× a vazão de 1 cliente  "
         f"meta ≥1,00×  {verdict}")
    emit("     " + figure("p50", summary.p50, base.p50, GOAL_CONCURRENT_P99, width=4) + "   (meta só para o p99)")
    emit("     " + figure("p99", summary.p99, base.p50, GOAL_CONCURRENT_P99, width=4,
                             name=f"{clients} clientes num órgão: p99"))
    answers = ", ".join(f"HTTP {status or 'sem resposta'} ×{n}" for status, n in sorted(outcomes.items()))
    emit(f"     respostas: {answers}")
    violations = _violations(state)
    emit("     invariante (por classe, cadeiras sorteáveis diferem ≤1): "
         + ("0 violações" if not violations else f"{len(violations)} violação(ões): " + "; ".join(violations)))
    return not violations and set(outcomes) <= {201, 503}


def steady_rate(emit: Callable[[str], None], url: str, token: str, draws: int = STEADY_DRAWS,
                window: int = STEADY_WINDOW) -> bool:
    """(c) ``draws`` sequential draws over HTTP in one new órgão: the last ``window`` no slower than the first.

    Before moto's TransactWriteItems was patched (infra/devstack/moto_patches.py) each draw copied the table,
    so draws slowed down as the órgão's log grew (1.7–2.4/s, 15–20 min for 2,000). False on an app error.
    """
    durations: list[float] = []
    with stdout_handlers_to_devnull(), _session(token) as http:
        orgao = _new_orgao(http, url, emit)
        if orgao is None:
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
    steady = "sorteios em sequência: fim/início"
    if len(durations) < draws:
        verdict = goals.check(steady, "orçamento esgotado", f"≤{1 + STEADY_TOLERANCE:.2f}×", False)
        emit(f"   (d) {draws} sorteios num órgão: orçamento de {STEADY_BUDGET_S:.0f} s esgotado após "
             f"{len(durations)} — meta {verdict}")
        return True
    first, last = sum(durations[:window]), sum(durations[-window:])
    ratio = last / first
    verdict = goals.at_most(steady, ratio, 1 + STEADY_TOLERANCE)
    emit(f"   (d) {draws} sorteios em sequência num órgão, em {sum(durations):.1f} s "
         f"({draws / sum(durations):.0f}/s): os {window} primeiros em {first:.2f} s, os {window} últimos em "
         f"{last:.2f} s = {ratio:.2f}×  meta ≤{1 + STEADY_TOLERANCE:.2f}×  {verdict}")
    return True


if __name__ == "__main__":
    import sys

    from bench.local_stack import standalone

    sys.exit(standalone(run))
