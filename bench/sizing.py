"""Section: production sizing — each monthly job's time and peak memory against its function's declared limits.

Each job (``bench.sizing_job``) runs on a fresh table of one DynamoDB Local, in a fresh process per size (its
data written by another process first), at a fraction ``f`` of the largest court (2,500 magistrates, 40,000
servants) and at ``2f``; a third process repeats ``f`` under tracemalloc. Time and peak RSS are extrapolated
linearly to the largest court (1×) and to the design size (4×), which is valid where the doubling took ×≤2.2.
Printed per function, as ratios to references of the same run (time: one GetItem p50 on the same DynamoDB
Local; memory: the peak RSS of a bare interpreter that imported boto3 and made one call): the figures, the
declared timeout/memory (``<svc>-svc/.chalice/config.json``, stage ``prod``) and met / not met, where met is
time × 2 × CPU share ≤ timeout and peak RSS × 2 ≤ memory (Lambda gives a whole vCPU only at 1,769 MB; below,
a share in proportion, so a time measured on one whole core here counts ``1769 / memory`` times).

The figures and the date go to ``bench/sizing.json``; tests/unit/test_function_limits.py holds the declared
limits to them. Alone: ``python -m bench.sizing [--fracao F] [--trabalhos a,b] [--saida FILE] [--sem-gravar]``;
``--do-arquivo [FILE...]`` reports the last figures (merged with FILEs') against the current config, measuring
nothing.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench import goals

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "bench" / "sizing.json"
DESIGN = 4.0  # the design size: 4× the largest court (10,000 magistrates, 160,000 servants)
HEADROOM = 2.0
MAGISTRATES, SERVANTS = 2_500, 40_000  # the largest Brazilian court (bench.sizing_job builds its data to these)
FULL_VCPU_MB = 1769  # Lambda: one whole vCPU at 1,769 MB, a proportional share below
MAX_TIMEOUT_S, API_TIMEOUT_S = 900, 29  # Lambda's limit; API Gateway answers 504 at 29 s
GOAL_GROWTH = 2.2
# One GetItem p50 on DynamoDB Local on these 2 cores when quiet (README, 25/11/2026): converts a time measured as a
# ratio to this run's GetItem back to seconds. On AWS a GetItem in the region takes a few ms too.
QUIET_GETITEM_MS = 2.0
JOB_TIMEOUT_S = 600.0  # one process of one job

# job -> (fraction measured by default, the functions it sizes (service, function))
JOBS: dict[str, tuple[float, tuple[tuple[str, str], ...]]] = {
    # Fractions that keep the section near its bound on 2 shared cores; ``--fracao 1`` measures at the largest
    # court itself. README's row of the close at 20,000 / 40,000 servants (×1.98) shows it linear that far.
    # The close runs in parts on the queue (one per gsi1 shard of the month, 64): the job is ONE part, whose size
    # is the court's servants / 64; at f = 2 and 2f = 4 the second measure IS the design size (2,500 servants).
    "cooperacao.fechamento_parte": (2.0, (("cooperacao", "consume_events"),)),
    # At 1/64 and 1/32 the run took 1.42 s and 1.45 s: its fixed part, so the line through them was flat (8 s at
    # the design size); at 1/8 and 1/4, 1.50 s and 2.22 s give 24 s, as the doubling section's 6,000 → 12,000 people.
    "pagamentos.apuracao": (1 / 8, (("pagamentos", "monthly_run"), ("pagamentos", "consume_events"))),
    # POST /escalas and the schedule generate_monthly_scales only ask (one request and event per kind: a few reads
    # and one transaction each, as api_handler's request; not a job to size): the drafts are made by plantao's
    # consume_events, one event per kind. The job is the 4 kinds one after the other and sizes consume_events for
    # all 4, not for the largest kind alone (``maior_geracao_s``, 87–92% of the 4 in the last figures): its SQS
    # event source takes batches of up to 10 records, so the month's 4 events, committed together, may reach one
    # invocation.
    "plantao.geracao": (1 / 16, (("plantao", "consume_events"),)),
    "plantao.aprovacao": (1 / 16, (("plantao", "api_handler"),)),
    "plantao.portaria": (1 / 16, (("plantao", "consume_events"),)),
}
HTTP_TRIGGER = {  # the manual trigger of the job: on api_handler (synchronous) or on consume_events (202, queued)
    "cooperacao.fechamento_parte": "POST /fechamentos ou o agendamento: uma parte, na fila",
    "pagamentos.apuracao": "POST /execucoes, na fila",
    "plantao.geracao": "POST /escalas ou o agendamento mensal, na fila própria: os 4 tipos",
    "plantao.aprovacao": "POST /escalas/{id}/aprovacao (as 4)",
    "plantao.portaria": "evento portaria-emitida das 4 aprovações, na fila própria",
}


# pure: limits, extrapolation, verdicts (unit-tested) ---------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    timeout_s: int
    memory_mb: int


def declared_limits(service: str, function: str, stage: str = "prod", root: Path = ROOT) -> Limits:
    """The limits chalice gives ``function`` in ``stage``: the stage's ``lambda_functions`` entry, else the
    stage's, else the top level's (chalice's own precedence)."""
    config = json.loads((root / f"{service}-svc" / ".chalice" / "config.json").read_text())
    stage_config = config.get("stages", {}).get(stage, {})
    layers = [stage_config.get("lambda_functions", {}).get(function, {}), stage_config,
              config.get("lambda_functions", {}).get(function, {}), config]
    timeout = next(layer["lambda_timeout"] for layer in layers if "lambda_timeout" in layer)
    memory = next(layer["lambda_memory_size"] for layer in layers if "lambda_memory_size" in layer)
    return Limits(int(timeout), int(memory))


def cpu_share(memory_mb: int) -> float:
    """How many times slower than one whole core a function of ``memory_mb`` runs CPU-bound code."""
    return max(1.0, FULL_VCPU_MB / memory_mb)


def required(seconds: float, peak_mb: float, memory_mb: int) -> tuple[float, float]:
    """(timeout, memory) a job measured at ``seconds`` and ``peak_mb`` needs with the headroom, in a function of
    ``memory_mb``."""
    return seconds * HEADROOM * cpu_share(memory_mb), peak_mb * HEADROOM


def extrapolate(x1: float, y1: float, x2: float, y2: float, x: float) -> float:
    """The line through (x1, y1) and (x2, y2) at ``x`` (never below the larger measured value)."""
    return max(y2, y1 + (y2 - y1) * (x - x1) / (x2 - x1))


def seconds_to_fit(design: dict[str, Any]) -> float:
    """The design-size time a function must fit: the larger of the quiet machine's (from the ratios) and the one
    extrapolated from the seconds measured here. Each run's ratio has its own GetItem reference, and a reference
    that rose between f and 2f flattens the ratios' line: the payments run read 255× a GetItem (0.5 s quiet) at
    the design size while its seconds grew to 76 s."""
    return max(design["segundos"], design.get("segundos_medidos", 0.0))


def fits(seconds: float, peak_mb: float, limits: Limits) -> tuple[bool, bool]:
    need_s, need_mb = required(seconds, peak_mb, limits.memory_mb)
    return need_s <= limits.timeout_s, need_mb <= limits.memory_mb


# measurement -----------------------------------------------------------------------------------------------


def _child(args: list[str]) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "infra"), str(ROOT)])}
    done = subprocess.run([sys.executable, "-m", "bench.sizing_job", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=JOB_TIMEOUT_S)
    if done.returncode != 0:
        raise RuntimeError(f"bench.sizing_job {' '.join(args[:3])}: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure(endpoint: str, job: str, fraction: float, trace: bool = False) -> dict[str, Any]:
    from bench.dynamodb_local import client, create_service_table

    table = f"tribunal-sizing-{uuid.uuid4().hex[:8]}"
    create_service_table(endpoint, table)
    try:
        seeded = _child([job, "seed", str(fraction), endpoint, table])
        ran = _child([job, "run", str(fraction), endpoint, table, *(["--trace"] if trace else [])])
    finally:
        client(endpoint).delete_table(TableName=table)  # DynamoDB Local keeps tables in its heap
    return {"fracao": fraction, **seeded, **ran}


def _getitem_p50_ms(endpoint: str) -> float:
    from bench.dynamodb_local import client, create_service_table
    from bench.stats import median

    table = f"tribunal-sizing-ref-{uuid.uuid4().hex[:6]}"
    create_service_table(endpoint, table)
    dynamodb = client(endpoint)
    key = {"pk": {"S": "REF"}, "sk": {"S": "REF"}}
    dynamodb.put_item(TableName=table, Item={**key, "data": {"S": "x" * 200}})
    samples = []
    for n in range(230):
        began = time.perf_counter()
        dynamodb.get_item(TableName=table, Key=key)
        if n >= 30:
            samples.append((time.perf_counter() - began) * 1000)
    dynamodb.delete_table(TableName=table)
    return median(samples)


def _bare_rss_mb(endpoint: str) -> float:
    code = ("import boto3, sys; boto3.client('dynamodb', endpoint_url=sys.argv[1], region_name='sa-east-1', "
            "aws_access_key_id='t', aws_secret_access_key='t').list_tables(); "
            "from bench.memory import peak_rss_mb; print(peak_rss_mb())")
    done = subprocess.run([sys.executable, "-c", code, endpoint], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=60)
    return float(done.stdout.strip())


def measure(endpoint: str, jobs: Iterable[str], fraction: float | None,
            emit: Callable[[str], None]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for job in jobs:
        f = fraction if fraction is not None else JOBS[job][0]
        began = time.monotonic()
        runs = []
        for size in (f, 2 * f):
            runs.append(_measure(endpoint, job, size))
            last = runs[-1]
            emit(f"      {job} em {size:g}: {last['segundos']:.2f} s (GetItem {last['getitem_p50_ms']:.1f} ms), "
                 f"pico RSS {last['rss_mb']:.0f} MB")
        traced = _measure(endpoint, job, f, trace=True)
        figures[job] = {"medicoes": runs, "tracemalloc": traced, "duracao_s": round(time.monotonic() - began, 1)}
        emit(f"   {job}: medido em {figures[job]['duracao_s']:.0f} s")
    return figures


def _size(run: dict[str, Any]) -> float:
    """The size a run had, as a fraction of the largest court: what the data builder actually wrote (plantão's
    state rounds juízos per comarca and keeps a minimum of desembargadores), else the fraction asked for."""
    if "servidores" in run:
        return float(run["servidores"]) / SERVANTS
    if "magistrados" in run:
        return float(run["magistrados"]) / MAGISTRATES
    return float(run["fracao"])


def project(job_figures: dict[str, Any], getitem_ms: float) -> dict[str, Any]:
    """Time and peak RSS at 1× and at the design size, from the two measured sizes (tracemalloc's peak is printed
    at f only: over such a range its fixed part would be multiplied with the rest).

    The time is kept as a ratio to this run's GetItem p50 (``getitem_vezes``) and, from it, in seconds of a quiet
    machine (``segundos``: the ratio × :data:`QUIET_GETITEM_MS`); ``segundos_medidos`` is the raw extrapolation.
    On these 2 shared cores the load varies tenfold within an hour, and the ratio is what stays comparable."""
    one, two = job_figures["medicoes"]
    x1, x2 = _size(one), _size(two)
    r1, r2 = (run["segundos"] * 1000 / run.get("getitem_p50_ms", getitem_ms) for run in (one, two))
    growth = r2 / r1 if r1 else math.inf
    out: dict[str, Any] = {"crescimento": round(growth, 2), "linear": growth <= GOAL_GROWTH}
    for label, x in (("1x", 1.0), ("projeto", DESIGN)):
        times = extrapolate(x1, r1, x2, r2, x)
        out[label] = {
            "getitem_vezes": round(times),
            "segundos": round(times * QUIET_GETITEM_MS / 1000, 2),
            "segundos_medidos": round(extrapolate(x1, one["segundos"], x2, two["segundos"], x), 2),
            "rss_mb": round(extrapolate(x1, one["rss_mb"], x2, two["rss_mb"], x), 1),
        }
    return out


# report ----------------------------------------------------------------------------------------------------


def evaluate(figures: dict[str, Any], root: Path = ROOT) -> dict[str, Any]:
    """Per function: the design-size figures of the jobs it runs (the largest), its limits, met / not met."""
    functions: dict[str, Any] = {}
    for job, job_figures in figures["trabalhos"].items():
        projected = project(job_figures, figures["referencias"]["getitem_p50_ms"])
        for service, function in JOBS[job][1]:
            name = f"{service}.{function}"
            design = projected["projeto"]
            current = functions.get(name)
            if current is not None and seconds_to_fit(current["projeto"]) >= seconds_to_fit(design):
                continue
            limits = declared_limits(service, function, root=root)
            time_ok, memory_ok = fits(seconds_to_fit(design), design["rss_mb"], limits)
            manual = function in ("api_handler", "consume_events")
            functions[name] = {"trabalho": f"{job} ({HTTP_TRIGGER[job]})" if manual else job,
                               "projeto": design, "1x": projected["1x"], "crescimento": projected["crescimento"],
                               "declarado": {"timeout_s": limits.timeout_s, "memoria_mb": limits.memory_mb},
                               "cumpre_tempo": time_ok, "cumpre_memoria": memory_ok}
    return functions


def report(figures: dict[str, Any], emit: Callable[[str], None]) -> bool:
    base_ms, base_mb = figures["referencias"]["getitem_p50_ms"], figures["referencias"]["rss_base_mb"]
    emit(f"   referências: GetItem p50 {base_ms:.2f} ms no mesmo DynamoDB Local; RSS do interpretador com boto3 "
         f"{base_mb:.0f} MB")
    for job, job_figures in figures["trabalhos"].items():
        one, two = job_figures["medicoes"]
        traced = job_figures["tracemalloc"]
        projected = project(job_figures, base_ms)
        size = ", ".join(f"{k} {v}" for k, v in one.items() if k in ("magistrados", "servidores", "fatos", "partes"))
        emit(f"   {job} (f = {one['fracao']:g} do maior tribunal: {size})")
        for label, run in (("f", one), ("2f", two)):
            reference = run.get("getitem_p50_ms", base_ms)
            emit(f"      {label:<7} {run['segundos']:8.2f} s = {run['segundos'] * 1000 / reference:9.0f}× o GetItem "
                 f"medido logo antes ({reference:.1f} ms); pico RSS {run['rss_mb']:6.0f} MB = "
                 f"{run['rss_mb'] / base_mb:4.1f}× a base")
        emit(f"      tracemalloc em f: pico {traced['tracemalloc_mb']:.1f} MB; 2f/f no tempo "
             f"{projected['crescimento']:.2f}× (meta ≤{GOAL_GROWTH}×: "
             f"{'linear, extrapolado' if projected['linear'] else 'NÃO linear: extrapolação otimista'})")
        for label in ("1x", "projeto"):
            p = projected[label]
            emit(f"      {'1×' if label == '1x' else 'projeto':<7} {p['getitem_vezes']:9.0f}× GetItem = "
                 f"{p['segundos']:7.1f} s em máquina quieta ({p['segundos_medidos']:.0f} s nesta); pico RSS "
                 f"{p['rss_mb']:6.0f} MB = {p['rss_mb'] / base_mb:4.1f}× a base (extrapolado)")
    emit("   função: tempo (o maior: quieto ou medido nesta) e pico no porte de projeto × 2 (× fatia de CPU) contra o "
         "declarado")
    ok = True
    for name, f in figures["funcoes"].items():
        design, declared = f["projeto"], f["declarado"]
        need_s, need_mb = required(seconds_to_fit(design), design["rss_mb"], declared["memoria_mb"])
        met = f["cumpre_tempo"] and f["cumpre_memoria"]
        verdict = goals.check(f"{name} cabe no porte de projeto", f"{need_s:.0f} s / {need_mb:.0f} MB",
                              f"{declared['timeout_s']} s / {declared['memoria_mb']} MB", met)
        ok = ok and met
        emit(f"      {name:<38} precisa {need_s:7.0f} s / {need_mb:5.0f} MB; declarado {declared['timeout_s']:4d} s / "
             f"{declared['memoria_mb']:5d} MB  {verdict}  ({f['trabalho']})")
    return ok


def run(emit: Callable[[str], None], endpoint: str, fraction: float | None = None, write: bool = True,
        jobs: Iterable[str] = (), output: Path = FIGURES) -> bool:
    emit("Dimensionamento (issue 15): cada trabalho mensal no DynamoDB Local, processo novo por medida; "
         f"extrapolado ao maior tribunal (1×) e ao porte de projeto ({DESIGN:g}×)")
    load = os.getloadavg()[0]
    emit(f"   carga da máquina no início: {load:.1f} em {os.cpu_count()} núcleos")
    figures: dict[str, Any] = {
        "data": date.today().isoformat(), "carga_inicial": round(load, 1),
        "referencias": {"getitem_p50_ms": round(_getitem_p50_ms(endpoint), 3),
                        "rss_base_mb": round(_bare_rss_mb(endpoint), 1)},
    }
    figures["trabalhos"] = {}
    for job in jobs or JOBS:
        figures["trabalhos"].update(measure(endpoint, [job], fraction, emit))
        if write:  # after each job: a later failure keeps what was measured
            output.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
    figures["funcoes"] = evaluate(figures)
    report(figures, emit)
    if write:
        output.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
        emit(f"   gravado em {output}")
    return True


def main(argv: list[str]) -> int:
    from bench.dynamodb_local import Unavailable, dynamodb_local

    def emit(line: str = "") -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    fraction = float(argv[argv.index("--fracao") + 1]) if "--fracao" in argv else None
    jobs = argv[argv.index("--trabalhos") + 1].split(",") if "--trabalhos" in argv else []
    output = Path(argv[argv.index("--saida") + 1]) if "--saida" in argv else FIGURES
    if "--do-arquivo" in argv:  # the last figures against the current config, nothing measured; more files merged
        figures = json.loads(FIGURES.read_text())
        for extra in argv[argv.index("--do-arquivo") + 1:]:
            if not extra.startswith("--"):
                figures["trabalhos"].update(json.loads(Path(extra).read_text())["trabalhos"])
        figures["funcoes"] = evaluate(figures)
        report(figures, emit)
        FIGURES.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n")
        return 0

    for attempt in (1, 2):  # on a loaded machine the JVM may miss its start-up bound once
        try:
            with dynamodb_local() as endpoint:
                return 0 if run(emit, endpoint, fraction, write="--sem-gravar" not in argv, jobs=jobs,
                                output=output) else 1
        except Unavailable as missing:
            if attempt == 2:
                emit(f"DynamoDB Local: seção pulada ({missing})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
