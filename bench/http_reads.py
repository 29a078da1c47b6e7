"""HTTP read latency on the local stack, as ratios to one bare DynamoDB ``GetItem`` timed in the same run.

Everything runs in this process: moto's server, the four apps behind chalice's local gateway, the
pollers; the tables on DynamoDB Local when Java is there (``bench.local_stack``), on moto otherwise.
AWS calls made while serving a request are counted by wrapping botocore's ``Endpoint.make_request``
(every client goes through it: boto3's, PynamoDB's, Powertools'), keeping only those made on the HTTP
server's request threads — the pollers call AWS all the time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bench.stats import Summary, figure, format_ratio, ratio

SERVICE = "pagamentos"
WARMUP = 20
TIMED = 300
SERIES_BUDGET_S = 30.0  # per series; fewer samples are taken (and said) past it
SECTION_BUDGET_S = 90.0  # all series together, stack start-up excluded
GOAL_P50, GOAL_P99 = 3.0, 6.0
REQUEST_THREAD_MARK = "process_request_thread"  # socketserver's per-connection threads (Python ≥3.10 names)
HTTP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Read:
    label: str
    path: str
    user: str | None = None  # demo user whose token is sent
    note: str = ""
    calendar: bool = False  # reads the calendar (whose cache is emptied before the first request)


READS = (
    Read("(a) GET /calendario/dias?ano=2026", "/calendario/dias?ano=2026",
         note="público; uma Query do ano (cache de 60 s no repositório)", calendar=True),
    Read("(b) GET /calendario/situacao/2026-06-10", "/calendario/situacao/2026-06-10",
         note="público; calendário do ano (mesma Query/cache) + regra de dia útil", calendar=True),
    Read("(c) GET /admin/dlq?limite=1 (admin)", "/admin/dlq?limite=1", user="admin.ti",
         note="token Cognito verificado (RS256) + leitura da DLQ (1 mensagem posta pelo bench)"),
)


class AwsCallCounter:
    """Counts botocore API calls per (thread name, service, operation) while active."""

    def __init__(self) -> None:
        self._calls: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()
        self._original: Any = None

    def __enter__(self) -> AwsCallCounter:
        from botocore.endpoint import Endpoint

        original = self._original = Endpoint.make_request
        counter = self

        def make_request(endpoint: Any, operation_model: Any, request_dict: Any) -> Any:
            counter._record(operation_model.service_model.service_id, operation_model.name)
            return original(endpoint, operation_model, request_dict)

        Endpoint.make_request = make_request
        return self

    def __exit__(self, *exc: object) -> None:
        from botocore.endpoint import Endpoint

        Endpoint.make_request = self._original

    def _record(self, service: str, operation: str) -> None:
        with self._lock:
            self._calls.append((threading.current_thread().name, str(service), operation))

    def mark(self) -> int:
        with self._lock:
            return len(self._calls)

    def calls_since(self, mark: int) -> Counter[str]:
        """``{"DynamoDB Query": n, …}`` made on any thread after ``mark``."""
        with self._lock:
            calls = self._calls[mark:]
        return Counter(f"{service} {operation}" for _, service, operation in calls)

    def request_calls_since(self, mark: int) -> Counter[str]:
        """``{"DynamoDB Query": n, …}`` made on HTTP request threads after ``mark``."""
        with self._lock:
            calls = self._calls[mark:]
        return Counter(f"{service} {operation}" for thread, service, operation in calls
                       if REQUEST_THREAD_MARK in thread)


def describe_calls(calls: Counter[str], per: int = 1) -> str:
    if not calls:
        return "nenhuma chamada AWS"
    return ", ".join(f"{name} ×{_amount(count, per)}" for name, count in sorted(calls.items()))


def _amount(count: int, per: int) -> str:
    return str(count // per) if count % per == 0 else f"{count / per:.3f}"


def time_series(call: Callable[[], Any], warmup: int = WARMUP, timed: int = TIMED,
                budget_s: float = SERIES_BUDGET_S, until: float = float("inf")) -> list[float]:
    """Milliseconds of ``timed`` calls after ``warmup`` calls, within ``budget_s`` and before ``until`` (monotonic)."""
    deadline = min(time.monotonic() + budget_s, until)
    for _ in range(warmup):
        if time.monotonic() > deadline:
            break
        call()
    samples: list[float] = []
    for _ in range(timed):
        if time.monotonic() > deadline:
            break
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000.0)
    if not samples:
        raise TimeoutError("orçamento de tempo esgotado antes da primeira medida")
    return samples


@contextlib.contextmanager
def stdout_handlers_to_devnull() -> Iterator[None]:
    """Log handlers writing to stdout (Powertools' JSON lines, one per request) write to /dev/null instead.

    The records are still formatted and written, as in a Lambda; they just do not drown the figures.
    """
    handlers = [handler for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
                if isinstance(logger, logging.Logger) for handler in logger.handlers
                if isinstance(handler, logging.StreamHandler) and handler.stream in (sys.stdout, sys.__stdout__)]
    with open(os.devnull, "w", encoding="utf-8") as devnull:
        previous = [handler.setStream(devnull) for handler in handlers]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, previous, strict=True):
                handler.setStream(stream)


def _prepare(stack: Any, dynamodb: Any) -> tuple[str, dict[str, Any]]:
    """A key for the bare call, one calendar day of 2026, one message in the DLQ."""
    table = stack.outputs["PagamentosTableName"]
    key = {"pk": {"S": "BENCH#base"}, "sk": {"S": "1"}}
    dynamodb.put_item(TableName=table, Item={**key, "valor": {"S": "x" * 200}})
    dynamodb.put_item(TableName=table, Item={
        "pk": {"S": "CALENDARIO#2026"}, "sk": {"S": "2026-06-04#ponto_facultativo#*"},
        "day": {"S": "2026-06-04"}, "kind": {"S": "ponto_facultativo"}, "description": {"S": "Corpus Christi"},
        "decreed_on": {"S": "2026-01-02"}})
    sqs = _client("sqs", stack.endpoint)
    sqs.send_message(QueueUrl=stack.outputs["PagamentosDlqUrl"], MessageBody='{"bench": true}',
                     MessageGroupId="bench", MessageDeduplicationId="bench-1",
                     MessageAttributes={"type": {"DataType": "String", "StringValue": "bench.teste"}})
    return table, key


def _client(name: str, endpoint: str) -> Any:
    import boto3

    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                    region_name="sa-east-1")
    return session.client(name, endpoint_url=endpoint)


def _clear_calendar_cache() -> bool:
    """Empties the app's calendar cache so the first request shows the uncached work (False if not found)."""
    module = sys.modules.get(f"{SERVICE}_app")
    calendar = getattr(getattr(module, "deps", None), "calendar", None)
    if calendar is None or not hasattr(calendar, "clear_cache"):
        return False
    calendar.clear_cache()
    return True


def _gateway(stack: Any) -> Any:
    """The local API Gateway emulation the HTTP server uses (token verification included), without a socket."""
    from devstack.apps import chalice_config, service_dir
    from devstack.http import VerifyingGateway

    return VerifyingGateway(stack.apps[SERVICE], chalice_config(service_dir(SERVICE), stack.stage), stack.verifier)


def _gateway_call(gateway: Any, read: Read, headers: dict[str, str]) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    response = gateway.handle_request("GET", read.path, {"host": "127.0.0.1", **lowered}, b"")
    if response["statusCode"] != 200:
        raise RuntimeError(f"gateway {response['statusCode']}: {response['body'][:300]!r}")


@dataclass
class ReadResult:
    http: Summary
    in_process: Summary  # the same gateway called without a socket
    first_calls: Counter[str]  # AWS calls of the first request
    timed_calls: Counter[str]  # AWS calls of the warm-up and timed requests
    requests: int
    cache_cleared: bool


def measure_read(read: Read, http: Any, url: str, gateway: Any, token: str | None,
                 counter: AwsCallCounter, until: float) -> ReadResult:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    made = [0]

    def call() -> None:
        made[0] += 1
        response = http.get(url + read.path, headers=headers, timeout=HTTP_TIMEOUT_S)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")

    cleared = read.calendar and _clear_calendar_cache()
    mark = counter.mark()
    call()
    first = counter.request_calls_since(mark)
    mark, made[0] = counter.mark(), 0
    samples = time_series(call, until=until)
    timed = counter.request_calls_since(mark)
    in_process = time_series(lambda: _gateway_call(gateway, read, headers), until=until)
    return ReadResult(Summary.of(samples), Summary.of(in_process), first, timed, made[0], cleared)


def _report_read(emit: Callable[[str], None], read: Read, result: ReadResult, base: Summary) -> None:
    http, local = result.http, result.in_process
    emit(f"   {read.label}   (n={http.n}{', orçamento esgotado' if http.n < TIMED else ''})")
    emit("     " + figure("p50", http.p50, base.p50, GOAL_P50, width=4, name=f"{read.label}, p50"))
    emit("     " + figure("p99", http.p99, base.p50, GOAL_P99, width=4, name=f"{read.label}, p99"))
    emit(f"     sem TCP (o mesmo gateway local chamado no processo): p50 {local.p50:6.2f} ms "
         f"({format_ratio(ratio(local.p50, base.p50))}), p99 {local.p99:6.2f} ms "
         f"({format_ratio(ratio(local.p99, base.p50))})  → o HTTP local soma {http.p50 - local.p50:+.1f} ms no p50")
    emit(f"     o que faz: {read.note}")
    emit(f"     chamadas AWS, 1ª requisição{' (cache do calendário vazio)' if result.cache_cleared else ''}: "
         f"{describe_calls(result.first_calls)}")
    per_request = describe_calls(result.timed_calls, per=max(result.requests, 1))
    emit(f"     chamadas AWS por requisição nas medidas: {per_request}"
         f" ({result.requests} requisições)")


def run(emit: Callable[[str], None],
        then: Callable[[Any, Summary, AwsCallCounter], bool] | None = None) -> bool:
    """Prints section 2, then runs ``then(stack, base, counter)`` on the same stack (the services' sections);
    False if a read (or ``then``) failed — a harness or app error, not a missed goal."""
    import requests

    from bench.local_stack import bench_stack, describe_backend

    emit(f"2. Leituras HTTP na pilha local (Stage bench, {SERVICE}-svc; {WARMUP} de aquecimento, "
         f"{TIMED} medidas; metas: p50 ≤{format_ratio(GOAL_P50)} e p99 ≤{format_ratio(GOAL_P99)} o p50 da base)")
    ok = True
    transport: list[float] = []
    began = time.monotonic()
    with AwsCallCounter() as counter, bench_stack() as (stack, why_not_local):
        emit(f"   pilha local pronta em {time.monotonic() - began:.1f} s (apps: {', '.join(stack.urls)})")
        emit(f"   DynamoDB: {describe_backend(stack, why_not_local)}")
        until = time.monotonic() + SECTION_BUDGET_S
        dynamodb = _client("dynamodb", stack.dynamodb_endpoint)
        table, key = _prepare(stack, dynamodb)
        base = Summary.of(time_series(lambda: dynamodb.get_item(TableName=table, Key=key), until=until))
        emit(f"   {'base: DynamoDB GetItem (boto3 direto)':<44} p50 {base.p50:6.2f} ms   p99 {base.p99:6.2f} ms"
             f"   (n={base.n}; = 1.00×)")
        gateway = _gateway(stack)
        with stdout_handlers_to_devnull(), requests.Session() as http:
            http.trust_env = False  # localhost only: no proxy from the environment
            for read in READS:
                emit("")
                try:
                    result = measure_read(read, http, stack.urls[SERVICE], gateway,
                                          stack.tokens[read.user] if read.user else None, counter, until)
                except Exception as error:
                    ok = False
                    emit(f"   {read.label}: ERRO {type(error).__name__}: {error}")
                    continue
                _report_read(emit, read, result, base)
                transport.append(result.http.p50 - result.in_process.p50)
        emit("")
        emit(f"   (dispersão da base: p99/p50 = {ratio(base.p99, base.p50):.2f}×)")
        if transport and min(transport) > 30.0:
            spread = f"{min(transport):.0f}" if round(min(transport)) == round(max(transport)) else \
                f"{min(transport):.0f}–{max(transport):.0f}"
            emit(f"   ATENÇÃO: o HTTP local soma {spread} ms a cada leitura, quase "
                 "constante: sintoma de Nagle + ACK atrasado (≈40 ms) num servidor que escreve cabeçalho e corpo "
                 "em dois send() sem TCP_NODELAY. Não é custo dos apps.")
        if then is not None:
            emit("")
            try:
                ok = then(stack, base, counter) and ok
            except Exception as error:
                emit(f"   ERRO {type(error).__name__}: {error}")
                ok = False
    return ok


def requested_run(http: Any, url: str, path: str, body: dict[str, Any], timeout: float) -> tuple[float, dict[str, Any]]:
    """A monthly job asked by hand (``POST /fechamentos``, ``POST /execucoes``): 202, then its status polled
    until the service's consumer ends it (bounded by ``timeout``). Answers the seconds from the request to the
    end seen by the poll (so up to one poll interval late) and the final status."""
    began = time.perf_counter()
    asked = http.post(f"{url}{path}", json=body, timeout=30)
    if asked.status_code != 202:
        raise RuntimeError(f"POST {path}: HTTP {asked.status_code} {asked.text[:300]}")
    location = asked.headers["Location"]
    while True:
        status = http.get(f"{url}{location}", timeout=30).json()
        if status.get("situacao") in ("concluida", "falhou"):
            break
        if time.perf_counter() - began > timeout:
            raise RuntimeError(f"{path}: não terminou em {timeout:.0f} s ({status})")
        time.sleep(0.05)
    if status["situacao"] != "concluida":
        raise RuntimeError(f"{path}: falhou ({status.get('motivo')})")
    return time.perf_counter() - began, status
