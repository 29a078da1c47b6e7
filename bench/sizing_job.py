"""One monthly job of ``bench.sizing``, in its own process: ``seed`` writes its data, ``run`` times it.

    python -m bench.sizing_job <job> seed|run <fraction> <endpoint> <table> [--trace] [--profile]

``fraction`` is the size as a fraction of the largest court (2,500 magistrates, 40,000 servants). ``seed`` and
``run`` are separate processes so that the run's peak RSS (``bench.memory.peak_rss_mb``) is the job's own and not the
data builder's. ``run`` prints one JSON line: seconds, a GetItem p50 timed just before (the reference of its
ratio), peak RSS before and after the job, and with ``--trace``
the tracemalloc peak (tracing slows allocation, so the timed run and the traced run are different processes).
DynamoDB goes to DynamoDB Local at ``endpoint``; plantão's S3 and SES go to moto, in process.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench.dynamodb_local import ROOT, client
from bench.memory import peak_rss_mb

MAGISTRATES, SERVANTS = 2_500, 40_000  # the largest Brazilian court
COOPERACAO_MONTH = "2026-08"
PAGAMENTOS_MONTH = (2030, 5)
PLANTAO_MONTH = "2030-03"
PLANTAO_KINDS = ("estadual", "municipal", "noturno", "segundo_grau")
MIN_DESEMBARGADORES = 30
NOTICE_DOMAIN = "tribunal.example.jus.br"  # infra/identity.yaml's SES identity


def _service_path(service: str) -> None:
    sys.path.insert(0, str(ROOT / f"{service}-svc"))
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "sa-east-1")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")


def getitem_p50_ms(endpoint: str, table: str, samples: int = 60) -> float:
    """One GetItem's p50 on the same DynamoDB Local, timed by this process just before its job: the load of these
    shared cores changes within minutes, so each job's time is kept as a ratio to its own reference."""
    from bench.stats import median

    dynamodb = client(endpoint)
    key = {"pk": {"S": "BENCH#REF"}, "sk": {"S": "REF"}}
    dynamodb.put_item(TableName=table, Item={**key, "data": {"S": "x" * 200}})
    timings = []
    for n in range(samples + 10):
        began = time.perf_counter()
        dynamodb.get_item(TableName=table, Key=key)
        if n >= 10:
            timings.append((time.perf_counter() - began) * 1000)
    dynamodb.delete_item(TableName=table, Key=key)
    return median(timings)


def _rss_mb() -> float:
    return peak_rss_mb()


# cooperação: the monthly close (COOP-11) ----------------------------------------------------------------------


def _cooperacao_deps(endpoint: str, table: str) -> Any:
    """cooperação as production runs it: the close in 64 parts (``fechamento_partes``, whatever this process's
    COOPERACAO_FECHAMENTO_PARTES says: the local stack and the tests run 4), so one part is 1/64 of the court."""
    _service_path("cooperacao")
    from chalicelib.cooperacao.deps import CooperacaoDeps
    from chalicelib.cooperacao.settings import CooperacaoSettings
    from chalicelib.cooperacao.shards import MONTH_SHARDS

    return CooperacaoDeps(CooperacaoSettings(table_name=table, endpoint_url=endpoint, pagination_secret="bench",
                                             fechamento_partes=MONTH_SHARDS))


def cooperacao_seed(fraction: float, endpoint: str, table: str) -> dict[str, Any]:
    from bench.cooperacao import write_month_totals

    servants = round(SERVANTS * fraction)
    write_month_totals(client(endpoint), table, COOPERACAO_MONTH, servants, "sz")
    return {"servidores": servants}


def cooperacao_run(fraction: float, endpoint: str, table: str) -> Callable[[], dict[str, Any]]:
    service = _cooperacao_deps(endpoint, table).service

    def job() -> dict[str, Any]:
        result = service.close_month(COOPERACAO_MONTH, "bench-sizing", "bench")
        return {"eventos": result.published, "transacoes": result.batches}

    return job


def cooperacao_part_seed(fraction: float, endpoint: str, table: str) -> dict[str, Any]:
    """One part of a requested close at a court ``fraction`` × the largest, in production's part count (64, one
    shard each): its share of the servants (1/64) all in shard 0 (part 0's only shard), a request fanned out (the
    run's request and its 64 parts' events)."""
    _service_path("cooperacao")
    from chalicelib.cooperacao.shards import MONTH_SHARDS

    from bench.cooperacao import write_month_totals
    from courtlib.audit.actor import as_system
    from courtlib.messaging.contracts import MonthlyCloseRequested

    in_part = round(SERVANTS * fraction / MONTH_SHARDS)
    write_month_totals(client(endpoint), table, COOPERACAO_MONTH, in_part, "szp", shard=0)
    service = _cooperacao_deps(endpoint, table).service

    @as_system("bench:dimensionamento")
    def fan_out() -> None:
        request = service.request_close(COOPERACAO_MONTH, "bench-sizing", "bench")
        service.run_requested_close(MonthlyCloseRequested(competencia=COOPERACAO_MONTH, execucao=request.execucao,
                                                          solicitado_por="bench"), "bench-sizing")

    fan_out()
    return {"servidores": in_part * MONTH_SHARDS, "servidores_parte": in_part, "partes": MONTH_SHARDS}


def cooperacao_part_run(fraction: float, endpoint: str, table: str) -> Callable[[], dict[str, Any]]:
    """The consumer's work for part 0 of 64 (``close_part``): what one invocation of ``consume_events`` does."""
    _service_path("cooperacao")
    from chalicelib.cooperacao.shards import MONTH_SHARDS

    from courtlib.audit.actor import as_system
    from courtlib.messaging.contracts import MonthlyClosePartRequested

    service = _cooperacao_deps(endpoint, table).service

    @as_system("bench:dimensionamento")
    def job() -> dict[str, Any]:
        found = service.repository.close_request(COOPERACAO_MONTH)
        assert found is not None
        payload = MonthlyClosePartRequested(competencia=COOPERACAO_MONTH, execucao=found[0]["execucao"], parte=0,
                                            partes=MONTH_SHARDS, solicitado_por="bench")
        service.close_part(payload, "bench-sizing")
        [part] = service.repository.close_parts(COOPERACAO_MONTH, payload.execucao).values()
        return {"eventos": part["publicados"], "transacoes": part["lotes"]}

    return job


# pagamentos: the monthly run (PAG-01) -----------------------------------------------------------------------


def _pagamentos_deps(endpoint: str, table: str) -> Any:
    _service_path("pagamentos")
    from chalicelib.pagamentos.deps import PagamentosDeps
    from chalicelib.pagamentos.settings import PagamentosSettings

    return PagamentosDeps(PagamentosSettings(table_name=table, endpoint_url=endpoint, pagination_secret="bench"))


def pagamentos_seed(fraction: float, endpoint: str, table: str) -> dict[str, Any]:
    from bench.pagamentos import _facts, _populate

    deps = _pagamentos_deps(endpoint, table)
    magistrates, servants = round(MAGISTRATES * fraction), round(SERVANTS * fraction)
    people, facts = _facts(deps.repository, "sz", magistrates, servants, PAGAMENTOS_MONTH)
    _populate(deps.repository, people, facts)
    return {"magistrados": magistrates, "servidores": servants, "fatos": len(facts)}


def pagamentos_run(fraction: float, endpoint: str, table: str) -> Callable[[], dict[str, Any]]:
    deps = _pagamentos_deps(endpoint, table)
    service = deps.service
    from chalicelib.pagamentos.domain.model import Month

    def job() -> dict[str, Any]:
        service.run(Month(*PAGAMENTOS_MONTH))
        return {}

    return job


# plantão: a state's month of the four kinds (PLAN-02) and its approval (PLAN-04) ----------------------------


def _plantao_deps(table: str) -> Any:
    """DynamoDB on DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB, set by :func:`main`), S3 and SES on moto in process:
    no endpoint in the settings, so each client takes its own."""
    _service_path("plantao")
    from chalicelib.plantao.deps import PlantaoDeps
    from chalicelib.plantao.settings import PlantaoSettings

    settings = PlantaoSettings(table_name=table, pagination_secret="bench", documents_bucket=f"{table}-docs",
                               notice_sender=f"plantao@{NOTICE_DOMAIN}")
    return PlantaoDeps(settings)


def _plantao_moto(table: str) -> Any:
    import boto3
    from moto import mock_aws

    mock = mock_aws()
    mock.start()
    boto3.client("s3", region_name="sa-east-1").create_bucket(
        Bucket=f"{table}-docs", CreateBucketConfiguration={"LocationConstraint": "sa-east-1"})
    boto3.client("ses", region_name="sa-east-1").verify_domain_identity(Domain=NOTICE_DOMAIN)
    return mock


def _plantao_state(fraction: float) -> dict[str, Any]:
    """bench.plantao's state (10 regions, 90 comarcas) with as many juízos per comarca and desembargadores as make
    ``fraction`` × 2,500 magistrates (9/10 judges, 1/10 desembargadores)."""
    from bench import plantao

    magistrates = round(MAGISTRATES * fraction)
    comarcas = plantao.REGIONS * plantao.COMARCAS_PER_REGION
    plantao.JUIZOS_PER_COMARCA = max(1, round(magistrates * 0.9 / comarcas))  # this process only
    # at least two per órgão julgador (12 câmaras) besides the administration: the 2nd-degree rotation needs them
    plantao.DESEMBARGADORES = max(MIN_DESEMBARGADORES, magistrates - plantao.JUIZOS_PER_COMARCA * comarcas)
    return plantao.state()


def plantao_seed(fraction: float, endpoint: str, table: str, *, generated: bool = False) -> dict[str, Any]:
    mock = _plantao_moto(table)
    try:
        service = _plantao_deps(table).service
        from chalicelib.plantao.schemas import ReferenciaIn

        state = _plantao_state(fraction)
        service.import_reference(ReferenciaIn.model_validate(state).parts())  # as PUT /referencia does
        if generated:
            _plantao_generate(service)
        return {"magistrados": len(state["magistrados"]), "comarcas": len(state["comarcas"])}
    finally:
        mock.stop()


def _plantao_generate(service: Any) -> dict[str, Any]:
    from chalicelib.plantao.domain.scales import Kind, Month

    month = Month.parse(PLANTAO_MONTH)
    return {kind: len(service.generate(month, Kind(kind)).scale.plantoes) for kind in PLANTAO_KINDS}


def plantao_generation_seed(fraction: float, endpoint: str, table: str) -> dict[str, Any]:
    """The state, and the month's 4 generations asked as ``POST /escalas`` asks them (request, act and event)."""
    seeded = plantao_seed(fraction, endpoint, table)  # puts plantao-svc on the path
    from chalicelib.plantao.domain.scales import Kind, Month

    mock = _plantao_moto(table)
    try:
        service = _plantao_deps(table).service
        for kind in PLANTAO_KINDS:
            service.request_generation(Month.parse(PLANTAO_MONTH), Kind(kind), f"bench-{kind}", "bench")
    finally:
        mock.stop()
    return seeded


def plantao_generation_run(fraction: float, endpoint: str, table: str) -> Callable[[], dict[str, Any]]:
    """plantao's consumer of ``plantao.geracao-solicitada`` for the month's 4 requests, one after the other as one
    function's batch would (each event is one invocation's work on AWS: the 4 together bound one invocation)."""
    service = _plantao_deps(table).service
    from courtlib.messaging.contracts import ScaleGenerationRequested

    def job() -> dict[str, Any]:
        made: dict[str, Any] = {}
        slowest = 0.0
        for kind in PLANTAO_KINDS:
            began = time.perf_counter()
            ended = service.run_requested_generation(ScaleGenerationRequested(mes=PLANTAO_MONTH, tipo=kind,
                                                                              execucao=1, solicitado_por="bench"))
            slowest = max(slowest, time.perf_counter() - began)
            assert ended is not None and ended.situacao == "concluida", ended
            made[kind] = (ended.resumo or {})["plantoes"]
        return {"plantoes": made, "maior_geracao_s": round(slowest, 3)}

    return job


def plantao_approval_seed(fraction: float, endpoint: str, table: str) -> dict[str, Any]:
    return plantao_seed(fraction, endpoint, table, generated=True)


def plantao_approval_run(fraction: float, endpoint: str, table: str) -> Callable[[], dict[str, Any]]:
    service = _plantao_deps(table).service
    from chalicelib.plantao.domain import scales as rules
    from chalicelib.plantao.domain.scales import Kind, Month

    month = Month.parse(PLANTAO_MONTH)

    def job() -> dict[str, Any]:
        slowest = 0.0
        for kind in PLANTAO_KINDS:  # the request: the decision, its portaria's record and event (PLAN-04)
            began = time.perf_counter()
            service.approve(rules.scale_id(month, Kind(kind)), "bench")
            slowest = max(slowest, time.perf_counter() - began)
        return {"maior_aprovacao_s": round(slowest, 3)}

    return job


def plantao_portaria_seed(fraction: float, endpoint: str, table: str) -> dict[str, Any]:
    """The state, the month's 4 scales generated and approved: their 4 portarias wait for the consumer."""
    seeded = plantao_seed(fraction, endpoint, table, generated=True)  # puts plantao-svc on the path
    from chalicelib.plantao.domain import scales as rules
    from chalicelib.plantao.domain.scales import Kind, Month

    mock = _plantao_moto(table)
    try:
        service = _plantao_deps(table).service
        for kind in PLANTAO_KINDS:
            service.approve(rules.scale_id(Month.parse(PLANTAO_MONTH), Kind(kind)), "bench")
    finally:
        mock.stop()
    return seeded


def plantao_portaria_run(fraction: float, endpoint: str, table: str) -> Callable[[], dict[str, Any]]:
    """The consumer of ``plantao.portaria-emitida`` for the month's 4 portarias, one after the other as one
    function's batch would: each rendered (text and PDF to S3) and its notices sent and recorded."""
    deps = _plantao_deps(table)
    service = deps.service

    def job() -> dict[str, Any]:
        from courtlib import clock

        year_now = clock.now().year  # the portarias are numbered in the approval's year (the seed's clock)
        slowest, notices, rows = 0.0, 0, 0
        for series in sorted({"MI", "M"}):
            number = 1
            while (record := deps.repository.portaria(series, year_now, number)) is not None:
                began = time.perf_counter()
                notices += service.publish_portaria(series, year_now, number)["avisos_enviados"]
                slowest = max(slowest, time.perf_counter() - began)
                rows += len(record["conteudo"]["linhas"])
                number += 1
        return {"avisos": notices, "linhas": rows, "maior_portaria_s": round(slowest, 3)}

    return job


JOBS: dict[str, tuple[Callable[..., dict[str, Any]], Callable[..., Callable[[], dict[str, Any]]]]] = {
    "cooperacao.fechamento": (cooperacao_seed, cooperacao_run),
    "cooperacao.fechamento_parte": (cooperacao_part_seed, cooperacao_part_run),
    "pagamentos.apuracao": (pagamentos_seed, pagamentos_run),
    "plantao.geracao": (plantao_generation_seed, plantao_generation_run),
    "plantao.aprovacao": (plantao_approval_seed, plantao_approval_run),
    "plantao.portaria": (plantao_portaria_seed, plantao_portaria_run),
}
NEEDS_MOTO = ("plantao.",)


def main(argv: list[str]) -> int:
    from courtlib.audit.actor import acting_as
    from courtlib.audit.record import Actor

    with acting_as(Actor.system("agenda:bench-sizing")):  # as the schedule's entry point establishes it
        return _main(argv)


def _main(argv: list[str]) -> int:
    job_name, phase, fraction_text, endpoint, table = argv[:5]
    trace = "--trace" in argv[5:]
    fraction = float(fraction_text)
    seed, run = JOBS[job_name]
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint  # PynamoDB and boto3 without an explicit endpoint
    if phase == "seed":
        print(json.dumps(seed(fraction, endpoint, table)))
        return 0
    reference_ms = getitem_p50_ms(endpoint, table)
    mock = _plantao_moto(table) if job_name.startswith(NEEDS_MOTO) else None
    try:
        job = run(fraction, endpoint, table)
        rss_before = _rss_mb()
        if trace:
            tracemalloc.start()
        profiler = cProfile.Profile() if "--profile" in argv[5:] else None
        began = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        detail = job()
        seconds = time.perf_counter() - began
        if profiler is not None:  # where the time goes: the 25 heaviest calls by cumulative time, to stderr
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        if trace:
            tracemalloc.stop()
    finally:
        if mock is not None:
            mock.stop()
    print(json.dumps({"segundos": seconds, "getitem_p50_ms": reference_ms, "rss_antes_mb": rss_before,
                      "rss_mb": _rss_mb(), "tracemalloc_mb": traced,
                      **detail}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
