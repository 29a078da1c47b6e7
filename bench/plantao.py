"""Section: plantao-svc on the local stack — a month of the four kinds for a whole state, and the public read.

A state like TJRJ's: 10 regions, 90 comarcas with 10 juízos each (900 judges), 180 desembargadores in 12
órgãos julgadores (administration and school director excluded from the 2nd-degree scale), four night judges.
(a) ``POST /escalas`` for estadual, municipal, noturno and 2º grau of one month (202 each; plantao's consumer makes
    the drafts): seconds until the last one is ``concluida`` at ``GET /geracoes/{escala}``, and the DynamoDB calls
    made on the request threads (each request: a few reads + one TransactWriteItems);
(b) the four scales approved (their portarias and notices follow on plantao's own queue);
(c) ``GET /publico/escalas/{mes}`` (public, under the embargo) p50/p99 as ratios to the bare GetItem p50, with
    the per-container cache of approved scales (10 s) and (d) without it (one BatchGetItem per read).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import goals
from bench.http_reads import (
    HTTP_TIMEOUT_S,
    AwsCallCounter,
    describe_calls,
    stdout_handlers_to_devnull,
    time_series,
)
from bench.stats import Summary, figure

SERVICE = "plantao"
MONTH = "2030-03"
KINDS = ("estadual", "municipal", "noturno", "segundo_grau")
REGIONS, COMARCAS_PER_REGION, JUIZOS_PER_COMARCA, DESEMBARGADORES = 10, 9, 10, 180
GOAL_SECONDS, GOAL_P50, GOAL_P99 = 2.0, 3.0, 6.0


DOCUMENTS_BUDGET_S = 300.0  # the 4 portarias' PDFs and notices, by plantao's consumer
GENERATION_BUDGET_S = 300.0  # the 4 drafts, by plantao's consumer


def _municipio(r: int, c: int) -> str:
    """Comarca C<r><c>'s municipality: the capital for the first, then the other registered ones (CAL-01)."""
    from courtlib.config import TribunalConfig

    capital = TribunalConfig().capital.ibge
    if (r, c) == (0, 0):
        return capital
    others = sorted(code for code in TribunalConfig().municipios_registrados if code != capital)
    return others[r * COMARCAS_PER_REGION + c - 1]


def state() -> dict[str, Any]:
    """Reference data of a whole state (≈900 judges, 90 comarcas, ≈180 desembargadores)."""
    regions: list[dict[str, Any]] = []
    comarcas: list[dict[str, Any]] = []
    juizos: list[dict[str, Any]] = []
    magistrates: list[dict[str, Any]] = []
    for r in range(REGIONS):
        regions.append({"id": f"R{r + 1:02d}", "nome": f"{r + 1}ª Região", "ordem": r + 1})
        for c in range(COMARCAS_PER_REGION):
            comarca = f"C{r:02d}{c:02d}"
            municipio = _municipio(r, c)
            comarcas.append({"id": comarca, "nome": f"Comarca {comarca}", "municipio": municipio,
                             "regiao": f"R{r + 1:02d}", "ordem": c + 1,
                             "entrancia": "especial" if r == 0 else "inicial"})
            for v in range(JUIZOS_PER_COMARCA):
                judge = f"jz.{comarca.lower()}.{v}"
                juizos.append({"id": f"V{v}-{comarca}", "nome": f"{v + 1}ª Vara da Comarca {comarca}",
                               "comarca": comarca, "ordem": v + 1, "juiz": judge})
                magistrates.append({"id": judge, "nome": f"Juiz(a) {judge}", "antiguidade": 1000 + len(magistrates),
                                    "juizo": f"V{v}-{comarca}"})
    for d in range(DESEMBARGADORES):
        magistrates.append({"id": f"des.{d:03d}", "nome": f"Des. {d:03d}", "antiguidade": d + 1, "desembargador": True,
                            "orgao": f"CAMARA-{d % 12 + 1:02d}", "administracao": d < 5, "diretor_escola": d == 5})
    night = [m["id"] for m in magistrates[:4]]
    year = int(MONTH[:4])
    return {"regioes": regions, "comarcas": comarcas, "juizos": juizos, "magistrados": magistrates,
            "noturno": [{"ano": year, "quadrimestre": q, "juizes": night} for q in (1, 2, 3)]}


def _municipal_holidays() -> list[dict[str, Any]]:
    """A weekday holiday in 30 interior comarcas (3 per region), spread over the month's weekdays."""
    from datetime import date, timedelta

    first = date(int(MONTH[:4]), int(MONTH[5:]), 1)
    weekdays = [first + timedelta(days=n) for n in range(28) if (first + timedelta(days=n)).weekday() < 5]
    out = []
    for r in range(REGIONS):
        for c in range(1, 4):
            day = weekdays[(r * 3 + c) % len(weekdays)]
            out.append({"data": day.isoformat(), "tipo": "feriado_municipal", "municipio": _municipio(r, c),
                        "descricao": f"Aniversário da Comarca C{r:02d}{c:02d} (bench)", "decretado_em": "2029-12-01"})
    return out


def _wait_for_events(stack: Any, budget_s: float = 20.0) -> bool:
    """Until the calendar events are relayed and every consumer queue is empty (twice in a row)."""
    import boto3

    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name="sa-east-1", aws_access_key_id="testing",
                       aws_secret_access_key="testing")
    urls = [v for k, v in stack.outputs.items() if k.endswith("QueueUrl")]
    deadline, quiet = time.monotonic() + budget_s, 0
    while time.monotonic() < deadline:
        time.sleep(0.5)
        busy = sum(int(value) for url in urls for value in sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"].values())
        quiet = quiet + 1 if busy == 0 else 0
        if quiet >= 2:
            return True
    return False


def _session(token: str) -> Any:
    import requests

    http = requests.Session()
    http.trust_env = False
    http.headers.update({"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return http


def run(emit: Callable[[str], None], stack: Any, base: Summary, counter: AwsCallCounter) -> bool:
    """Prints the plantão section; False on a harness or app error (not on a missed goal)."""
    import requests

    emit(f"Plantão ({SERVICE}-svc): um mês ({MONTH}) dos quatro tipos para um estado inteiro "
         f"({REGIONS * COMARCAS_PER_REGION * JUIZOS_PER_COMARCA} juízes, {REGIONS * COMARCAS_PER_REGION} comarcas, "
         f"{DESEMBARGADORES} desembargadores)")
    url = stack.urls[SERVICE]
    with stdout_handlers_to_devnull(), _session(stack.tokens["admin.ti"]) as admin, \
            _session(stack.tokens["presidente"]) as presidency, requests.Session() as public:
        public.trust_env = False
        began = time.perf_counter()
        loaded = admin.put(f"{url}/referencia", json=state(), timeout=120)
        if loaded.status_code != 200:
            emit(f"   ERRO ao importar os dados de referência: HTTP {loaded.status_code} {loaded.text[:300]}")
            return False
        emit(f"   importação dos dados de referência: {time.perf_counter() - began:.2f} s")
        holidays = _municipal_holidays()
        for body in holidays:  # municipal holidays on weekdays of the month, so the municipal scale has work
            made = admin.post(f"{url}/calendario/dias", json=body, timeout=HTTP_TIMEOUT_S)
            if made.status_code != 201:
                emit(f"   ERRO ao registrar feriado municipal: HTTP {made.status_code} {made.text[:300]}")
                return False
        settled = _wait_for_events(stack)  # the holidays' events go to three services: not during the timing
        delivered = "sim" if settled else "NÃO (20 s)"
        emit(f"   {len(holidays)} feriados municipais registrados; eventos entregues: {delivered}")

        mark = counter.mark()
        began = time.perf_counter()
        for kind in KINDS:  # 202 at once: the drafts are made by plantao's consumer, followed at GET /geracoes/…
            response = presidency.post(f"{url}/escalas", json={"mes": MONTH, "tipo": kind}, timeout=120)
            if response.status_code != 202:
                emit(f"   ERRO ao pedir {kind}: HTTP {response.status_code} {response.text[:300]}")
                return False
        asked = time.perf_counter() - began
        calls = counter.request_calls_since(mark)
        per_kind = _generations_done(presidency, url)
        elapsed = time.perf_counter() - began
        if per_kind is None:
            emit(f"   ERRO: as gerações não terminaram em {GENERATION_BUDGET_S:.0f} s")
            return False
        failed = {k: v for k, v in per_kind.items() if isinstance(v, str)}
        if failed:
            emit(f"   ERRO: geração falhou: {failed}")
            return False
        dynamo = Counter({k: v for k, v in calls.items() if k.startswith("DynamoDB")})
        emit(f"   (a) geração dos 4 tipos (pedidos e fila até a última concluída): {elapsed:.2f} s  "
             f"meta ≤{GOAL_SECONDS:.0f} s  "
             f"{goals.at_most('geração dos 4 tipos de um estado', elapsed, GOAL_SECONDS, ' s')}; plantões: "
             + ", ".join(f"{k} {n}" for k, n in per_kind.items()))
        emit(f"       os 4 pedidos (202) em {asked:.2f} s; chamadas ao DynamoDB nas requisições: "
             f"{sum(dynamo.values())} ({describe_calls(dynamo)}); a geração, no consumidor: cada tipo lido uma vez e "
             "gravado numa TransactWriteItems, nenhuma chamada por dia")

        mark = counter.mark()
        began = time.perf_counter()
        for kind in KINDS:
            response = presidency.post(f"{url}/escalas/{MONTH}-{kind}/aprovacao", timeout=120)
            if response.status_code != 200:
                emit(f"   ERRO ao aprovar {kind}: HTTP {response.status_code} {response.text[:300]}")
                return False
        emit(f"   (b) aprovação dos 4 (portaria e evento; documento e avisos depois, na fila): "
             f"{time.perf_counter() - began:.2f} s; {describe_calls(counter.request_calls_since(mark))}")
        ready_s = _documents_ready(presidency, url)
        if ready_s is None:
            emit(f"   ERRO: as portarias não ficaram prontas em {DOCUMENTS_BUDGET_S:.0f} s")
            return False
        # the stack runs the consumers in this process: the next figures are taken once they are idle again
        emit(f"       documentos (PDF e texto no S3) e avisos prontos {ready_s:.1f} s após a última aprovação "
             "(consumidor da fila do plantão)")

        path = f"{url}/publico/escalas/{MONTH}"
        size = len(public.get(path, timeout=HTTP_TIMEOUT_S).content)
        mark = counter.mark()
        samples = Summary.of(time_series(lambda: public.get(path, timeout=HTTP_TIMEOUT_S), warmup=10, timed=200))
        calls = counter.request_calls_since(mark)
        emit(f"   (c) GET /publico/escalas/{MONTH} (público, {size / 1024:.0f} KiB, "
             f"{describe_calls(calls, per=samples.n + 10)} por leitura):")
        emit("     " + figure("p50", samples.p50, base.p50, GOAL_P50, width=4))
        emit("     " + figure("p99", samples.p99, base.p50, GOAL_P99, width=4, name="leitura pública do mês, p99"))
        repository = _repository()
        if repository is not None:  # the same read with the per-container cache off (a cold container)
            saved, repository.public_cache_seconds = repository.public_cache_seconds, 0.0
            try:
                mark = counter.mark()
                cold = Summary.of(time_series(lambda: public.get(path, timeout=HTTP_TIMEOUT_S), warmup=10, timed=200))
                calls = counter.request_calls_since(mark)
            finally:
                repository.public_cache_seconds = saved
            per_read = describe_calls(calls, per=cold.n + 10)
            emit(f"   (d) a mesma leitura sem o cache do contêiner ({per_read} por leitura):")
            emit("     " + figure("p50", cold.p50, base.p50, GOAL_P50, width=4))
            emit("     " + figure("p99", cold.p99, base.p50, GOAL_P99, width=4))
    return True


def _generations_done(presidency: Any, url: str) -> dict[str, int | str] | None:
    """Once every generation asked ended: per kind, its shifts (concluida) or its reason (falhou); None past the
    budget."""
    began = time.perf_counter()
    while time.perf_counter() - began < GENERATION_BUDGET_S:
        status = {kind: presidency.get(f"{url}/geracoes/{MONTH}-{kind}", timeout=HTTP_TIMEOUT_S).json()
                  for kind in KINDS}
        if all(s.get("situacao") in ("concluida", "falhou") for s in status.values()):
            return {kind: s["resumo"]["plantoes"] if s["situacao"] == "concluida" else str(s.get("motivo"))
                    for kind, s in status.items()}
        time.sleep(0.1)
    return None


def _documents_ready(presidency: Any, url: str) -> float | None:
    """Seconds until every portaria of the month's 4 scales says ``documento: pronto`` (None past the budget)."""
    began = time.perf_counter()
    while time.perf_counter() - began < DOCUMENTS_BUDGET_S:
        scales = [presidency.get(f"{url}/escalas/{MONTH}-{kind}", timeout=HTTP_TIMEOUT_S).json() for kind in KINDS]
        portarias = [p for scale in scales for p in scale["portarias"]]
        if portarias and all(p["documento"] == "pronto" for p in portarias):
            return time.perf_counter() - began
        time.sleep(0.2)
    return None


def _repository() -> Any:
    """plantao-svc's repository in this process (the local stack runs the apps in-process), if loaded."""
    import sys

    module = sys.modules.get("plantao_app")
    return None if module is None else module.deps.repository
