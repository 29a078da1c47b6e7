"""Where a write request's time goes, on the server side: cProfile of the service's own gateway, in this process.

``python -m bench.profile_http draws [N]`` (POST /distribuicoes) or ``ponto [N] [chave]`` (POST
/cooperacoes/{id}/pontos; with ``chave``, each request carries a fresh ``Idempotency-Key`` as the web console's)
starts the local stack (DynamoDB Local when Java is there), warms up, then runs N requests through the same
local API Gateway emulation the HTTP server uses (tokens verified; no socket) under cProfile, and prints
(1) the time by package — own time of every function, summed by its top-level module (botocore, pynamodb,
pydantic, the service's chalicelib…; waiting on DynamoDB shows as ``socket``/``ssl``/``http.client``) — and
(2) the top functions by cumulative time. Only the request's thread is profiled (the stream and queue
pollers run in others). Before the profile, the same N requests are timed without it, each AWS call's wall
time summed per operation (botocore's ``Endpoint.make_request``: the round trip, the wait for DynamoDB
Local included; serialising the request and parsing the answer are outside it, in botocore's own time).
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bench.local_stack import base_getitem, bench_stack, describe_backend, emit
from bench.stats import Summary

TOP = 25


def _gateway(stack: Any, service: str) -> Any:
    from devstack.apps import chalice_config, service_dir
    from devstack.http import VerifyingGateway

    return VerifyingGateway(stack.apps[service], chalice_config(service_dir(service), stack.stage), stack.verifier)


def _caller(stack: Any, service: str, token: str,
            keyed: bool = False) -> Callable[[str, str, dict[str, Any]], dict[str, Any]]:
    """``keyed``: each POST carries a fresh ``Idempotency-Key``, as the web console sends it."""
    gateway = _gateway(stack, service)
    headers = {"host": "127.0.0.1", "authorization": f"Bearer {token}", "content-type": "application/json"}

    def call(method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        sent = {**headers, "idempotency-key": uuid.uuid4().hex} if keyed and method == "POST" else headers
        response: dict[str, Any] = gateway.handle_request(method, path, sent, json.dumps(body).encode())
        return response

    return call


def _draws(stack: Any) -> tuple[Callable[[int], None], str]:
    from bench.draws import _draw_body, _orgao_body

    call = _caller(stack, "distribuicao", stack.tokens["distribuidor"])
    orgao = f"PROF-{uuid.uuid4().hex[:6]}"
    made = call("PUT", f"/orgaos/{orgao}", _orgao_body())
    if made["statusCode"] not in (200, 201):
        raise RuntimeError(f"órgão: {made['statusCode']} {made['body'][:300]!r}")

    def one(n: int) -> None:
        response = call("POST", "/distribuicoes", _draw_body(orgao, n))
        if response["statusCode"] != 201:
            raise RuntimeError(f"sorteio: {response['statusCode']} {response['body'][:300]!r}")

    return one, "POST /distribuicoes"


def _ponto(stack: Any, keyed: bool = False) -> tuple[Callable[[int], None], str]:
    from datetime import datetime, timedelta

    from bench.cooperacao import TZ, _prepare_records, _servant_token_cached

    pairs = _prepare_records(stack, stack.urls["cooperacao"], uuid.uuid4().hex[:6])
    callers = [(_caller(stack, "cooperacao", _servant_token_cached(stack, servant), keyed), cid)
               for servant, cid in pairs]
    today = datetime.now(TZ).replace(hour=0, minute=0, second=0, microsecond=0)

    def one(n: int) -> None:
        call, cid = callers[n % len(callers)]
        start = today + timedelta(minutes=n // len(callers))
        response = call("POST", f"/cooperacoes/{cid}/pontos",
                        {"inicio": start.isoformat(), "fim": (start + timedelta(minutes=1)).isoformat()})
        if response["statusCode"] != 201:
            raise RuntimeError(f"ponto: {response['statusCode']} {response['body'][:300]!r}")

    return one, "POST /cooperacoes/{id}/pontos" + (" com Idempotency-Key" if keyed else "")


class CallTimer:
    """Wall time of each AWS call made on this thread, summed per ``"Service Operation"``, while active."""

    def __init__(self) -> None:
        self.ms: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)
        self.paused = False

    def __enter__(self) -> CallTimer:
        from botocore.endpoint import Endpoint

        original = self._original = Endpoint.make_request
        timer, thread = self, threading.get_ident()

        def make_request(endpoint: Any, operation_model: Any, request_dict: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(endpoint, operation_model, request_dict)
            finally:
                if threading.get_ident() == thread and not timer.paused:
                    name = f"{operation_model.service_model.service_id} {operation_model.name}"
                    timer.ms[name] += (time.perf_counter() - began) * 1000.0
                    timer.count[name] += 1

        Endpoint.make_request = make_request
        return self

    def __exit__(self, *exc: object) -> None:
        from botocore.endpoint import Endpoint

        Endpoint.make_request = self._original


def _package(filename: str) -> str:
    """The top-level package of a profiled function's file (``~`` for C built-ins: by their name)."""
    if filename == "~":
        return "(built-ins)"
    for marker in ("site-packages/", "/lib/python3.11/"):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return rest.split("/", 1)[0].removesuffix(".py")
    for marker in ("/chalicelib/", "/shared/src/"):
        if marker in filename:
            rest = filename.split(marker, 1)[1]
            return ("chalicelib." if "chalicelib" in marker else "") + rest.split("/", 1)[0].removesuffix(".py")
    return filename.rsplit("/", 2)[-2] if "/" in filename else filename


def report(profile: cProfile.Profile, requests: int, base_ms: float, top: int = TOP) -> list[str]:
    stats = pstats.Stats(profile)
    by_package: dict[str, float] = defaultdict(float)
    builtins_by_name: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        package = _package(filename)
        by_package[package] += own
        if package == "(built-ins)":
            builtins_by_name[name] += own
    total = sum(by_package.values())
    lines = [f"tempo por pacote (tempo próprio das funções; {requests} requisições; ms por requisição e razão à base):"]
    for package, own in sorted(by_package.items(), key=lambda item: -item[1])[:15]:
        per = own / requests * 1000.0
        lines.append(f"   {package:<28} {per:7.2f} ms  {per / base_ms:5.2f}×  {own / total:5.1%}")
    lines.append("   built-ins mais pesados: " + ", ".join(
        f"{name} {own / requests * 1000.0:.2f} ms" for name, own in
        sorted(builtins_by_name.items(), key=lambda item: -item[1])[:6]))
    buffer = io.StringIO()
    pstats.Stats(profile, stream=buffer).sort_stats("cumulative").print_stats(top)
    lines.append(f"as {top} funções de maior tempo acumulado:")
    lines += ["   " + line for line in buffer.getvalue().splitlines() if line.strip()][3:]
    return lines


def main(argv: list[str]) -> int:
    import logging
    import os
    import secrets

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("PAGINATION_SECRET", secrets.token_urlsafe(32))
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    which = argv[0] if argv else "draws"
    count = int(argv[1]) if len(argv) > 1 else 200
    keyed = argv[2:3] == ["chave"]
    prepare = {"draws": _draws, "ponto": lambda stack: _ponto(stack, keyed)}[which]
    from bench.http_reads import stdout_handlers_to_devnull

    with bench_stack() as (stack, why), stdout_handlers_to_devnull():
        emit(f"DynamoDB: {describe_backend(stack, why)}")
        base = base_getitem(stack)
        one, label = prepare(stack)
        for n in range(20):
            one(n)
        # Each request is timed next to one bare GetItem (taken just before it, outside the timer): under a load
        # that changes during the run, the ratio to these GetItems' p50 compares like with like.
        from bench.local_stack import BASE_KEY, BASE_TABLE_OUTPUT, dynamodb_client

        dynamodb, table = dynamodb_client(stack), stack.outputs[BASE_TABLE_OUTPUT]
        requests: list[float] = []
        beside: list[float] = []
        with CallTimer() as timer:
            for n in range(20, 20 + count):
                timer.paused = True  # the base's GetItem is not the request's
                began = time.perf_counter()
                dynamodb.get_item(TableName=table, Key=BASE_KEY)
                beside.append((time.perf_counter() - began) * 1000.0)
                timer.paused = False
                began = time.perf_counter()
                one(n)
                requests.append((time.perf_counter() - began) * 1000.0)
        plain = sum(requests) / count
        paired, timed = Summary.of(beside), Summary.of(requests)
        emit(f"{label}: {count} requisições pelo gateway local (sem TCP, sem profiler): {plain:.2f} ms cada "
             f"= {plain / base.p50:.2f}× o GetItem (p50 {base.p50:.2f} ms); chamadas AWS (ida e volta, ms por "
             "requisição):")
        in_calls = 0.0
        for name in sorted(timer.ms, key=lambda key: -timer.ms[key]):
            per = timer.ms[name] / count
            in_calls += per
            emit(f"   {name:<36} ×{timer.count[name] / count:.2f}  {per:7.2f} ms  {per / base.p50:5.2f}×")
        emit(f"   fora das chamadas AWS (Python do serviço, do botocore e do gateway): {plain - in_calls:.2f} ms "
             f"= {(plain - in_calls) / base.p50:.2f}×")
        emit(f"   contra um GetItem tomado logo antes de cada requisição (p50 {paired.p50:.2f} ms, p99 "
             f"{paired.p99:.2f} ms): requisição p50 {timed.p50:.2f} ms = {timed.p50 / paired.p50:.2f}×, p99 "
             f"{timed.p99:.2f} ms = {timed.p99 / paired.p50:.2f}× (o p99 do GetItem = {paired.p99 / paired.p50:.2f}×)")
        profile = cProfile.Profile()
        began = time.perf_counter()
        profile.enable()
        for n in range(20 + count, 20 + 2 * count):
            one(n)
        profile.disable()
        elapsed = (time.perf_counter() - began) / count * 1000.0
        emit(f"{label}: {count} requisições pelo gateway local (sem TCP), {elapsed:.2f} ms cada sob o cProfile "
             f"= {elapsed / base.p50:.2f}× o GetItem (p50 {base.p50:.2f} ms)")
        for line in report(profile, count, base.p50):
            emit(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
