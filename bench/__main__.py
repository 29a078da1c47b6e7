"""``make bench``: header, import times, HTTP reads, then each service's section and the event latency on the same
local stack (its tables on DynamoDB Local when Java is there, on moto otherwise: said in section 2), then the
use cases on a bare DynamoDB Local. Exit 0 even when a goal is missed; 1 when a section could not measure.
Each HTTP section also runs alone on its own stack: ``python -m bench.draws`` (``cooperacao``, ``event_latency``)."""

from __future__ import annotations

import logging
import os
import platform
import secrets
import sys
import time
from datetime import datetime
from importlib import metadata
from typing import Any
from zoneinfo import ZoneInfo

from bench import (
    cooperacao,
    cooperacao_dynamodb_local,
    demo,
    draws,
    draws_dynamodb_local,
    event_latency,
    goals,
    http_reads,
    imports,
    pagamentos,
    plantao,
    readiness,
    sizing,
)
from bench.dynamodb_local import ROOT, Unavailable, dynamodb_local
from bench.http_reads import AwsCallCounter
from bench.local_stack import after_prior_work
from bench.stats import Summary

# the closing table's name of each section (bench.goals)
TITLES = {
    "bench.imports": "Import e partida a frio", "bench.readiness": "Pilha pronta", "bench.draws": "Sorteios (HTTP)",
    "bench.plantao": "Plantão (HTTP)", "bench.cooperacao": "Cooperação (HTTP)", "bench.pagamentos": "Pagamentos",
    "bench.event_latency": "Eventos", "bench.draws_dynamodb_local": "Sorteios (caso de uso)",
    "bench.cooperacao_dynamodb_local": "Fechamento (caso de uso)", "bench.sizing": "Dimensionamento",
    "bench.demo": "Demonstração",
}


def titled(section: Any) -> Any:
    """The section, naming itself to bench.goals before it runs."""
    def run(*args: Any) -> Any:
        goals.section(TITLES.get(section.__module__, section.__module__))
        return section(*args)
    return run


PACKAGES = ("boto3", "botocore", "pynamodb", "aws-lambda-powertools", "chalice", "moto", "pydantic")


def emit(line: str = "") -> None:
    """The figures are this tool's output: straight to stdout, flushed line by line."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def header() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    emit(f"Benchmark tribunal-backoffice — {datetime.now(ZoneInfo('America/Sao_Paulo')):%Y-%m-%d %H:%M %Z}")
    emit(f"Python {platform.python_version()} ({platform.python_implementation()}) em {platform.platform()}; "
         f"{cores} núcleo(s) disponível(is) de {os.cpu_count()}")
    emit("Versões: " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES))
    emit("Cada tempo aparece em ms e como razão a uma referência medida nesta mesma execução.")
    emit("")


def dynamodb_local_sections() -> bool:
    """The figures moto distorts (throughput, work at the issues' sizes), each section on a fresh DynamoDB Local:
    one instance for all made the later sections several times slower."""
    sections = tuple(titled(s) for s in (draws_dynamodb_local.run, cooperacao_dynamodb_local.run,
                                            pagamentos.run_doubling, sizing.run))
    for service in ("distribuicao", "cooperacao", "pagamentos"):  # their chalicelib, also when run alone
        path = str(ROOT / f"{service}-svc")
        if path not in sys.path:
            sys.path.append(path)
    ok = True
    for number, section in enumerate(sections):
        if number:
            emit("")
        try:
            with dynamodb_local() as endpoint:
                ok = section(emit, endpoint) and ok
        except Unavailable as missing:
            emit(f"DynamoDB Local: seção pulada ({missing})")
        except Exception as failure:  # one section's failure is reported, and the next sections still measure
            logging.exception("seção falhou")
            emit(f"   SEÇÃO FALHOU: {type(failure).__name__}: {failure} (rastreio na saída de erros)")
            ok = False
    return ok


def main() -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    # The figures are stdout; the apps run in this process and would log every request and event there, and
    # flush their metrics there (EMF), from background threads too.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("PAGINATION_SECRET", secrets.token_urlsafe(32))  # the apps refuse to start without one
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    began = time.monotonic()
    header()
    titled(imports.run)(emit)
    emit("")
    ready_ok = titled(readiness.run)(emit)
    emit("")
    # each service's section runs on the stack of section 2, against its bare-GetItem base
    sections = tuple(titled(s) for s in (draws.run, plantao.run, cooperacao.run, pagamentos.run, event_latency.run))

    def on_the_stack(stack: Any, base: Summary, counter: AwsCallCounter) -> bool:
        results = []
        for number, section in enumerate(sections):
            if number:
                emit("")
                after_prior_work(stack, emit)
            results.append(section(emit, stack, base, counter))
        return all(results)

    reads_ok = http_reads.run(emit, then=on_the_stack)
    emit("")
    local_ok = dynamodb_local_sections()
    emit("")
    demo_ok = titled(demo.run)(emit)
    emit("")
    goals.table(emit)
    emit("")
    emit(f"Duração total: {time.monotonic() - began:.1f} s")
    return 0 if reads_ok and local_ok and ready_ok and demo_ok else 1


if __name__ == "__main__":
    sys.exit(main())
