"""Import time of each service's ``app`` module vs the bare stack every app needs, in fresh processes.

Each measurement is one child interpreter that times ``import …`` after its own start-up, so interpreter
start is not counted: wall time (``time.perf_counter``) and CPU time (``time.process_time``). The goals are
judged on CPU time, which the other processes of a shared machine disturb far less than wall time; the wall
figures are printed beside them. Children run interleaved (base, apps, base, apps…)
so that a noisy moment weighs on every target alike; one discarded run per target first fills the
bytecode caches. Then a cold start whose first request reaches DynamoDB (a stub on 127.0.0.1), held to the same
cold-start goal, and the floor of such a start (:data:`ACCEPTED_REQUESTS`), printed without goal.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.stats import figure, format_ratio, median, ratio

ROOT = Path(__file__).resolve().parents[1]
SERVICES: tuple[str, ...] = ("cooperacao", "plantao", "distribuicao", "pagamentos")
GOAL = 1.1
RUNS = 7
CHILD_TIMEOUT_S = 30.0
SECTION_BUDGET_S = 60.0  # if exceeded, fewer runs are made (and said)

BASELINE_IMPORTS = (
    "import boto3\n"
    "import pynamodb.models\n"
    "from aws_lambda_powertools import Logger, Metrics\n"
    "from aws_lambda_powertools.utilities.batch import BatchProcessor\n"
    "from aws_lambda_powertools.utilities.idempotency import idempotent_function\n"
    "import pydantic\n"
)
APP_IMPORT = "import app\n"
COLD_START_GOAL = 1.3
# A cold start is the import plus the first request. The request is one each service's clerks make, with a body
# that the route refuses before any AWS call (422), so the figure has no network in it: the dispatcher, the
# caller's claims, the body's model (built on first use) and the problem+json answer.
FIRST_REQUESTS: dict[str, tuple[str, str]] = {
    "cooperacao": ("/cooperacoes", "servidor"), "plantao": ("/escalas", "presidencia"),
    "distribuicao": ("/distribuicoes", "distribuicao"), "pagamentos": ("/execucoes", "dimag"),
}
_FIRST_REQUEST = """import json
route, group = {route!r}, {group!r}
event = {{"resource": route, "path": route, "httpMethod": "POST", "headers": {{"Content-Type": "application/json"}},
         "multiValueHeaders": {{"Content-Type": ["application/json"]}}, "queryStringParameters": None,
         "multiValueQueryStringParameters": None, "pathParameters": None, "stageVariables": None,
         "requestContext": {{"resourcePath": route, "httpMethod": "POST", "requestId": "bench", "path": route,
                            "stage": "api", "authorizer": {{"claims": {{"sub": "bench", "cognito:username": "bench",
                                                                       "cognito:groups": group}}}}}},
         "body": json.dumps({{"campo_desconhecido": 1}}), "isBase64Encoded": False}}
class _Context:
    function_name, aws_request_id, memory_limit_in_mb = "api_handler", "bench", 512
    def get_remaining_time_in_millis(self): return 29000
answer = app.app(event, _Context())
assert answer["statusCode"] == 422, answer
"""

# A refused request imports neither the route's use cases nor the AWS clients (the route table checks it; see
# courtlib.route_table). A request that reaches DynamoDB cannot avoid botocore, PynamoDB and the DynamoDB client (its
# service model and endpoint rules): these figures, printed beside the goal's, say what such a cold start costs. The
# read goes to a stub on 127.0.0.1 that answers every call with an empty result, so the route answers 404.
ACCEPTED_REQUESTS: dict[str, tuple[str, str, dict[str, str], str]] = {
    "cooperacao": ("/cooperacoes/{id}", "/cooperacoes/bench-1", {"id": "bench-1"}, "servidor"),
    "plantao": ("/escalas/{escala}", "/escalas/2031-01-ordinario", {"escala": "2031-01-ordinario"}, "presidencia"),
    "distribuicao": ("/orgaos/{orgao}", "/orgaos/bench-1", {"orgao": "bench-1"}, "distribuicao"),
    "pagamentos": ("/pessoas/{pessoa}", "/pessoas/bench-1", {"pessoa": "bench-1"}, "dimag"),
}
_ACCEPTED_REQUEST = """import json
template, route, params, group = {template!r}, {route!r}, {params!r}, {group!r}
event = {{"resource": template, "path": route, "httpMethod": "GET", "headers": {{}}, "multiValueHeaders": {{}},
         "queryStringParameters": None, "multiValueQueryStringParameters": None, "pathParameters": params,
         "stageVariables": None,
         "requestContext": {{"resourcePath": template, "httpMethod": "GET", "requestId": "bench", "path": route,
                            "stage": "api", "authorizer": {{"claims": {{"sub": "bench", "cognito:username": "bench",
                                                                       "cognito:groups": group}}}}}},
         "body": None, "isBase64Encoded": False}}
class _Context:
    function_name, aws_request_id, memory_limit_in_mb = "api_handler", "bench", 512
    def get_remaining_time_in_millis(self): return 29000
answer = app.app(event, _Context())
assert answer["statusCode"] == 404, answer
"""
# The floor of such a cold start: the app, then what any DynamoDB call needs (PynamoDB imports botocore).
_DYNAMODB_FLOOR = ("import pynamodb.models, botocore.session\n"
                   "botocore.session.get_session().create_client('dynamodb', region_name='sa-east-1')\n")
ACCEPTED_RUNS = 3

_CHILD = """\
import sys, time
{path_setup}t0, c0 = time.perf_counter(), time.process_time()
{imports}t1, c1 = time.perf_counter(), time.process_time()
sys.stdout.write(chr(10) + repr(((t1 - t0) * 1000.0, (c1 - c0) * 1000.0)))
"""

_IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s*\|\s*(\d+)\s*\|( *)(\S+)\s*$")


@dataclass(frozen=True)
class Target:
    name: str
    imports: str
    cwd: Path
    env: dict[str, str]
    path: Path | None = None  # put first on the child's sys.path

    def code(self) -> str:
        setup = f"sys.path.insert(0, {str(self.path)!r})\n" if self.path else ""
        return _CHILD.format(path_setup=setup, imports=self.imports)


@dataclass(frozen=True)
class Timing:
    wall_ms: float
    cpu_ms: float


@dataclass(frozen=True)
class ImportEntry:
    module: str
    self_us: int
    cumulative_us: int
    depth: int


def parse_importtime(stderr: str) -> list[ImportEntry]:
    """The entries of ``python -X importtime`` output (other lines ignored)."""
    entries = []
    for line in stderr.splitlines():
        match = _IMPORTTIME_LINE.match(line)
        if match:
            entries.append(ImportEntry(module=match.group(4), self_us=int(match.group(1)),
                                       cumulative_us=int(match.group(2)), depth=len(match.group(3)) // 2))
    return entries


def base_env() -> dict[str, str]:
    """The parent's environment without AWS/Python-path settings, plus region and fake credentials."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "POWERTOOLS_", "PYTHON")) and not k.endswith(("_TABLE_NAME", "_QUEUE_NAME"))}
    env.update(AWS_DEFAULT_REGION="sa-east-1", AWS_REGION="sa-east-1", AWS_ACCESS_KEY_ID="testing",
               AWS_SECRET_ACCESS_KEY="testing", PYTHONHASHSEED="0",
               PAGINATION_SECRET=os.environ.get("PAGINATION_SECRET") or "bench-pagination-secret-0123456789")
    return env


def service_env(service: str) -> dict[str, str]:
    prefix = service.upper()
    return {**base_env(),
            f"{prefix}_TABLE_NAME": f"tribunal-bench-{service}",
            f"{prefix}_QUEUE_NAME": f"tribunal-bench-{service}-eventos.fifo",
            f"{prefix}_STREAM_ARN": (f"arn:aws:dynamodb:sa-east-1:123456789012:table/tribunal-bench-{service}"
                                     "/stream/2026-01-01T00:00:00.000"),
            "POWERTOOLS_SERVICE_NAME": service}


def targets(root: Path = ROOT) -> tuple[Target, list[Target]]:
    baseline = Target("base (boto3+pynamodb+powertools)", BASELINE_IMPORTS, root, base_env())
    apps = [Target(service, APP_IMPORT, root / f"{service}-svc", service_env(service), root / f"{service}-svc")
            for service in SERVICES if (root / f"{service}-svc" / "app.py").is_file()]
    return baseline, apps


def cold_start_targets(apps: list[Target]) -> list[Target]:
    """Each app's import followed by its first request (:data:`FIRST_REQUESTS`)."""
    return [Target(f"{app.name} (import + 1ª requisição)",
                   APP_IMPORT + _FIRST_REQUEST.format(route=FIRST_REQUESTS[app.name][0],
                                                     group=FIRST_REQUESTS[app.name][1]),
                   app.cwd, app.env, app.path)
            for app in apps if app.name in FIRST_REQUESTS]


def accepted_targets(apps: list[Target], endpoint: str) -> list[Target]:
    """Each app's import followed by a first read that reaches DynamoDB at ``endpoint``, and the floor (the import,
    PynamoDB and a DynamoDB client)."""
    made = []
    for app in apps:
        if app.name not in ACCEPTED_REQUESTS:
            continue
        template, route, params, group = ACCEPTED_REQUESTS[app.name]
        env = {**app.env, "AWS_ENDPOINT_URL_DYNAMODB": endpoint}
        made.append(replace(app, name=f"{app.name} (import + 1ª leitura aceita)", env=env,
                            imports=APP_IMPORT + _ACCEPTED_REQUEST.format(template=template, route=route,
                                                                          params=params, group=group)))
        made.append(replace(app, name=f"{app.name} (import + PynamoDB + cliente DynamoDB)", env=env,
                            imports=APP_IMPORT + _DYNAMODB_FLOOR))
    return made


class _EmptyDynamoDB(BaseHTTPRequestHandler):
    """DynamoDB's JSON protocol answering every call with an empty result (no item, no page)."""

    _NO_PAGE = {"Items": [], "Count": 0, "ScannedCount": 0}
    _EMPTY = {"Query": _NO_PAGE, "Scan": _NO_PAGE, "BatchGetItem": {"Responses": {}, "UnprocessedKeys": {}}}

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        operation = (self.headers.get("X-Amz-Target") or "").rpartition(".")[2]
        body = json.dumps(self._EMPTY.get(operation, {})).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def empty_dynamodb() -> Iterator[str]:
    """A stub DynamoDB on 127.0.0.1 (its endpoint URL), stopped on exit."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmptyDynamoDB)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_child(target: Target, importtime: bool = False) -> tuple[Timing, str]:
    """(the time spent importing, the child's stderr)."""
    args = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", target.code()]
    done = subprocess.run(args, cwd=target.cwd, env=target.env, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_S, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{target.name}: o processo filho falhou ({done.returncode}):\n{done.stderr[-2000:]}")
    wall, cpu = ast.literal_eval(done.stdout.strip().splitlines()[-1])  # the figure follows any log line
    return Timing(wall_ms=float(wall), cpu_ms=float(cpu)), done.stderr


def run(emit: Callable[[str], None]) -> None:
    baseline, apps = targets()
    cold = cold_start_targets(apps)
    everyone = [baseline, *apps, *cold]
    emit(f"1. Tempo de import (processo novo, mediana de {RUNS}; meta: app ≤{format_ratio(GOAL)} a base) e partida a "
         f"frio (import + primeira requisição; meta ≤{format_ratio(COLD_START_GOAL)} a base)")
    deadline = time.monotonic() + SECTION_BUDGET_S
    for target in everyone:  # warm-up: bytecode caches, page cache
        run_child(target)
    samples: dict[str, list[Timing]] = {t.name: [] for t in everyone}
    for _ in range(RUNS):
        if time.monotonic() > deadline:
            emit(f"   (orçamento de {SECTION_BUDGET_S:.0f} s esgotado: {len(samples[baseline.name])} rodadas)")
            break
        for target in everyone:
            samples[target.name].append(run_child(target)[0])

    def cpu(name: str) -> float:
        return median([t.cpu_ms for t in samples[name]])

    def wall(name: str) -> float:
        return median([t.wall_ms for t in samples[name]])

    base_cpu, base_ms = cpu(baseline.name), wall(baseline.name)
    emit(f"   {baseline.name:<31} {base_cpu:8.2f} ms CPU, {base_ms:8.2f} ms parede  (1.00×, a referência desta seção)")
    emit("   tempo de CPU (as metas):")
    for target in apps:
        emit("   " + figure(f"{target.name}-svc `import app`", cpu(target.name), base_cpu, GOAL, width=31,
                            name=f"{target.name}-svc `import app` (CPU)"))
    for target in cold:
        service = target.name.split(" ")[0]
        emit("   " + figure(f"{service}-svc partida a frio", cpu(target.name), base_cpu, COLD_START_GOAL, width=31,
                            name=f"{service}-svc partida a frio (CPU)"))
    emit("   tempo de parede (indicativo numa máquina compartilhada):")
    for target in apps:
        emit("   " + figure(f"{target.name}-svc `import app`", wall(target.name), base_ms, GOAL, width=31))
    for target in cold:
        emit("   " + figure(f"{target.name.split(' ')[0]}-svc partida a frio", wall(target.name), base_ms,
                            COLD_START_GOAL, width=31))
    if not apps:
        emit("   nenhum <svc>-svc/app.py encontrado")
        return
    _accepted(emit, apps, baseline, base_cpu)
    slowest = max(cold, key=lambda t: cpu(t.name))
    _explain(emit, slowest, baseline, base_ms, wall(slowest.name))


def _accepted(emit: Callable[[str], None], apps: list[Target], baseline: Target, base_cpu: float) -> None:
    """The indicative figures of a first request that reaches DynamoDB (:data:`ACCEPTED_REQUESTS`)."""
    with empty_dynamodb() as endpoint:
        targets_ = accepted_targets(apps, endpoint)
        for target in targets_:
            run_child(target)
        samples: dict[str, list[float]] = {t.name: [] for t in targets_}
        for _ in range(ACCEPTED_RUNS):
            for target in targets_:
                samples[target.name].append(run_child(target)[0].cpu_ms)
    emit(f"   CPU, mediana de {ACCEPTED_RUNS}: partida a frio cuja 1ª requisição chega ao DynamoDB (um GET por id; "
         "DynamoDB de mentira em 127.0.0.1; meta ≤1,3×), e o piso dela (app + PynamoDB/botocore + cliente DynamoDB):")
    for target in targets_:
        value = median(samples[target.name])
        if "aceita" in target.name:
            # The whole cold start a clerk meets: the goal holds for it too, so it goes to the closing
            # table; the floor beside it (PynamoDB, botocore, one client) says how much of it no route can avoid.
            service = target.name.split(" ")[0]
            emit("   " + figure(target.name, value, base_cpu, COLD_START_GOAL, width=52,
                                name=f"{service}-svc partida a frio, 1ª requisição aceita (CPU)"))
        else:
            emit(f"   {target.name:<52} {value:8.2f} ms  {format_ratio(ratio(value, base_cpu)):>7}")


def _slowest_per_module(entries: Iterable[ImportEntry]) -> list[ImportEntry]:
    """One entry per module (a package's ``__init__`` can be logged twice when a submodule re-enters it)."""
    kept: dict[str, ImportEntry] = {}
    for entry in entries:
        if entry.module not in kept or entry.cumulative_us > kept[entry.module].cumulative_us:
            kept[entry.module] = entry
    return list(kept.values())


def _explain(emit: Callable[[str], None], app: Target, baseline: Target, base_ms: float, app_ms: float) -> None:
    """The modules to look at first in the slowest app, from one ``-X importtime`` child of each."""
    _, app_err = run_child(app, importtime=True)
    _, base_err = run_child(baseline, importtime=True)
    entries = _slowest_per_module(e for e in parse_importtime(app_err) if e.module != "app")
    base_packages = {e.module.split(".")[0] for e in parse_importtime(base_err)}
    emit("")
    emit(f"   {app.name} (o mais lento; +{app_ms - base_ms:.0f} ms sobre a base, {ratio(app_ms, base_ms):.2f}×) "
         "— top 10 por tempo cumulativo (-X importtime, que infla os tempos):")
    for e in sorted(entries, key=lambda e: e.cumulative_us, reverse=True)[:10]:
        emit(f"     {e.cumulative_us / 1000:7.1f} ms cum  {e.self_us / 1000:6.1f} ms próprio  {e.module}")
    extra: dict[str, int] = {}
    for e in entries:
        top = e.module.split(".")[0]
        if top not in base_packages and top not in {"chalicelib", "courtlib", "app"}:
            extra[top] = max(extra.get(top, 0), e.cumulative_us)
    emit("   pacotes que a base não importa (maior tempo cumulativo de cada um; inclui a stdlib):")
    for top, us in sorted(extra.items(), key=lambda kv: kv[1], reverse=True)[:10]:
        emit(f"     {us / 1000:7.1f} ms  {top}")
    own = sorted((e for e in entries if e.module.split(".")[0] in {"chalicelib", "courtlib"}),
                 key=lambda e: e.self_us, reverse=True)[:5]
    emit("   código do projeto com maior tempo próprio (corpo do módulo, sem os imports):")
    for e in own:
        emit(f"     {e.self_us / 1000:7.1f} ms  {e.module}")
