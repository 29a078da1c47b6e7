"""The chaos suite (issue 12): the local stack under 10 % AWS faults, driven over HTTP as clients would.

The stack runs in this process (moto, the four apps, their pollers) and :class:`tests.faults.FaultInjector`
faults ``CHAOS_RATE`` of every DynamoDB, SQS (send, receive, delete), S3 and SES call — throttling, 500s,
connection errors and lost responses (applied, then a timeout). During the faults: distributions, ponto
records, a monthly close, a plantão scale approved with its portaria and notices, a payments run and
the events between the services. Clients retry a 503 (and a 409 IDEMPOTENCIA_EM_ANDAMENTO) with the same
Idempotency-Key. Then, without faults: nothing lost, nothing applied twice, the draw log verifies with the
standalone verifier, no key stayed in progress past the request's budget, every event reached its consumer.
E-mails are the exception the suite reports rather than refuses: SES has no idempotency token, so a lost
SendEmail response that botocore resends is a repeated notice (counted as ``repetidos``).

``make chaos`` runs it (``CHAOS=1``); counts come from ``CHAOS_DRAWS``/``CHAOS_PONTOS``/``CHAOS_RATE``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests

from tests.faults import FaultInjector

pytestmark = pytest.mark.chaos
ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "distribuicao-svc" / "scripts" / "verify_draws.py"
TZ = ZoneInfo("America/Sao_Paulo")
RATE = float(os.environ.get("CHAOS_RATE", "0.1"))
DRAWS = int(os.environ.get("CHAOS_DRAWS", "200"))
PONTOS = int(os.environ.get("CHAOS_PONTOS", "200"))
CLIENTS = int(os.environ.get("CHAOS_CLIENTS", "4"))
SEED = int(os.environ.get("CHAOS_SEED", "12"))
REQUEST_BUDGET_S = 30  # the in-progress expiry of an idempotency record (the request's own budget)
MAX_ATTEMPTS = 30
TIMEOUT = 30


class Outcomes:
    """What the clients saw: operations, 503s retried, wrong answers, 5xx other than a clean 503, stuck keys."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.wrong: list[str] = []
        self.in_progress_since: dict[str, float] = {}
        self.longest_in_progress = 0.0
        self._lock = threading.Lock()

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            self.counts[name] += n

    def bad(self, what: str) -> None:
        with self._lock:
            self.wrong.append(what[:400])


class Clients:
    def __init__(self, stack, outcomes: Outcomes) -> None:
        self.stack, self.outcomes = stack, outcomes
        self._local = threading.local()

    def _http(self) -> requests.Session:
        if not hasattr(self._local, "http"):
            self._local.http = requests.Session()
            self._local.http.trust_env = False
        return self._local.http

    def call(self, method: str, service: str, path: str, user: str, body=None, expect=(200, 201), **params):
        """One operation: retried with the same Idempotency-Key while it answers a clean 503 or in-progress 409."""
        key = f"chaos-{uuid.uuid4()}"
        headers = {"Authorization": f"Bearer {self.stack.tokens[user]}", "Idempotency-Key": key}
        url = f"{self.stack.urls[service]}{path}"
        self.outcomes.add("operacoes")
        for _ in range(MAX_ATTEMPTS):
            response = self._http().request(method, url, json=body, headers=headers, params=params or None,
                                            timeout=TIMEOUT)
            status = response.status_code
            if status == 503:
                clean = (response.headers.get("Content-Type", "").startswith("application/problem+json")
                         and response.headers.get("Retry-After"))
                self.outcomes.add("503 limpos" if clean else "5xx")
                if not clean:
                    self.outcomes.bad(f"{method} {path}: 503 sem problem+json/Retry-After: {response.text}")
                time.sleep(0.05)
                continue
            if status == 409 and response.json().get("code") == "IDEMPOTENCIA_EM_ANDAMENTO":
                now = time.monotonic()
                first = self.outcomes.in_progress_since.setdefault(key, now)
                self.outcomes.longest_in_progress = max(self.outcomes.longest_in_progress, now - first)
                self.outcomes.add("409 em andamento")
                time.sleep(0.2)
                continue
            if status >= 500:
                self.outcomes.add("5xx")
                self.outcomes.bad(f"{method} {path}: {status} {response.text}")
                return response
            if status not in expect:
                self.outcomes.add("respostas erradas")
                self.outcomes.bad(f"{method} {path}: {status} {response.text}")
            return response
        self.outcomes.add("chaves presas")
        self.outcomes.bad(f"{method} {path}: gave up after {MAX_ATTEMPTS} attempts")
        return response


def _aws(stack, name: str):
    return boto3.client(name, endpoint_url=stack.endpoint, region_name="sa-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _weekend_slots(first: date, last: date, count: int) -> list[tuple[str, str]]:
    """``count`` 10-minute slots on the weekend days of the month (no expediente), 08:00 onwards."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() >= 5]
    per_day = -(-count // len(days))
    slots = []
    for day in days:
        for n in range(per_day):
            start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=TZ) + timedelta(minutes=10 * n)  # COOP-08
            slots.append((start.isoformat(), (start + timedelta(minutes=10)).isoformat()))
    return slots[:count]


@pytest.fixture(scope="module")
def stack():
    from devstack.stack import EPHEMERAL, LocalStack

    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    with LocalStack(ports=EPHEMERAL, moto_port=0, control_port=0,
                    parameters={"Stage": "chaos", "QueueVisibilityTimeout": "1"}) as running:
        yield running


def _setup_cooperacao(clients: Clients, today: date) -> tuple[str, dict[str, str], str]:
    tag = uuid.uuid4().hex[:6].upper()
    home, unit, gab = f"CH-H-{tag}", f"CH-C-{tag}", f"CH-G-{tag}"
    put = lambda path, body: clients.call("PUT", "cooperacao", path, "admin.ti", body)  # noqa: E731
    for uid, kind, manager in ((home, "cartorio", None), (unit, "cartorio", "gestor.vara1"), (gab, "gabinete", None)):
        put(f"/unidades/{uid}", {"nome": f"Unidade {uid}", "tipo": kind, "predio": "FORUM", "gestor": manager})
    put("/servidores/servidor.ana", {"nome": "Ana Servidora", "efetivo": True, "graduacao_direito": True,
                                     "lotacao": home})
    put("/servidores/servidor.bruno", {"nome": "Bruno Servidor", "efetivo": True,
                                       "cargo_comissao": "assessor_gabinete", "lotacao": gab})
    put("/norma", {"data_final": "2099-12-31"})
    put("/anexos/IV", {"unidades": {unit: 5}})
    first, _ = _previous_month(today)
    imported = clients.call("POST", "cooperacao", "/cooperacoes/importacao", "admin.ti", {"cooperacoes": [
        {"servidor": s, "unidade_lotacao": h, "unidade_cooperada": unit, "modalidade": "M4",
         "inicio": first.isoformat(), "fim": (today + timedelta(days=3)).isoformat(), "meta": "20 minutas/mês",
         "deferido_em": (first - timedelta(days=2)).isoformat()}
        for s, h in (("servidor.ana", home), ("servidor.bruno", gab))]}).json()
    return unit, {c["servidor"]: c["id"] for c in imported["itens"]}, f"{first:%Y-%m}"


def test_chaos_nothing_lost_nothing_doubled_every_answer_right_or_a_clean_503(stack):
    from devstack import demo_plantao

    outcomes = Outcomes()
    clients = Clients(stack, outcomes)
    today = datetime.now(TZ).date()
    began = time.monotonic()

    # set-up without faults: the órgão, the cooperations, the plantão reference data
    orgao = f"CHAOS-{uuid.uuid4().hex[:6]}"
    judges = [{"id": f"J{n}", "nome": f"Juiz {n}", "antiguidade": n, "cadeira": f"C{n}", "presidente": n == 1}
              for n in range(1, 8)]
    clients.call("PUT", "distribuicao", f"/orgaos/{orgao}", "admin.ti", {
        "nome": "Pleno (caos)", "classes": ["AIME", "HC", "PC", "RE"],
        "cadeiras": [{"id": f"C{n}"} for n in range(1, 8)],
        "juizes": judges})
    _, coops, month = _setup_cooperacao(clients, today)
    clients.call("PUT", "plantao", "/referencia", "admin.ti", demo_plantao.REFERENCE)
    scale_month = (today.replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    setup_counts = Counter(outcomes.counts)

    from chalicelib.distribuicao.domain.cnj import CnjNumber

    base_number = int(uuid.uuid4().int % 9_000_000)
    numbers = [str(CnjNumber.build(base_number + n, 2026, 6, 11, 1)) for n in range(DRAWS)]
    first, last = _previous_month(today)
    slots = _weekend_slots(first, last, PONTOS)
    ponto_jobs = [("servidor.ana" if n % 2 == 0 else "servidor.bruno", slot) for n, slot in enumerate(slots)]
    ses = _aws(stack, "ses")
    sent_before = ses.get_send_quota()["SentLast24Hours"]
    calendar_day = f"2032-0{1 + uuid.uuid4().int % 9}-1{uuid.uuid4().int % 9}"

    injector = FaultInjector(RATE, seed=SEED).install()
    draws: dict[str, dict] = {}
    try:
        def draw(numero: str) -> None:
            response = clients.call("POST", "distribuicao", "/distribuicoes", "distribuidor", {
                "numero_processo": numero, "orgao": orgao, "classe": "RE", "partes": ["A", "B"]})
            if response.status_code == 201:
                draws[numero] = response.json()

        def ponto(job) -> None:
            servant, (inicio, fim) = job
            clients.call("POST", "cooperacao", f"/cooperacoes/{coops[servant]}/pontos", servant,
                         {"inicio": inicio, "fim": fim}, expect=(201,))

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(draw, numbers))
            list(pool.map(ponto, ponto_jobs))
        closed = clients.call("POST", "cooperacao", "/fechamentos", "dimag.folha", {"competencia": month},
                              expect=(202,))  # the close runs on cooperacao's own queue, checked below
        generated = clients.call("POST", "plantao", "/escalas", "presidente", {"mes": scale_month,
                                                                               "tipo": "segundo_grau"}, expect=(202,))
        scale_id = generated.json()["escala"]
        status = generated.json()
        for _ in range(240):  # the draft is made on plantao's own queue, under the same faults
            if status["situacao"] == "concluida" or (status["situacao"] == "falhou"
                                                     and not status["motivo"].startswith("falha inesperada")):
                break  # an unexpected failure is retried by the queue: keep waiting
            time.sleep(0.25)
            status = clients.call("GET", "plantao", f"/geracoes/{scale_id}", "presidente").json()
        assert status["situacao"] == "concluida", status
        approved = clients.call("POST", "plantao", f"/escalas/{scale_id}/aprovacao", "presidente")
        clients.call("POST", "plantao", "/calendario/dias", "admin.ti", {
            "data": calendar_day, "tipo": "ponto_facultativo", "descricao": "Caos", "decretado_em": "2031-12-01"})
        clients.call("POST", "pagamentos", "/execucoes", "dimag.folha", {"competencia": month}, expect=(202,))
        with injector.exempt():  # the harness's own queue reads
            assert stack.wait_for_idle(60), "the events did not settle under faults"
    finally:
        injector.uninstall()
    load_seconds = time.monotonic() - began

    # ------------------------------------------------------------------ checks, without faults
    assert stack.wait_for_idle(60)
    http = requests.Session()
    http.trust_env = False
    staff = {"Authorization": f"Bearer {stack.tokens['distribuidor']}"}
    state = http.get(f"{stack.urls['distribuicao']}/orgaos/{orgao}", headers=staff, timeout=TIMEOUT).json()
    drawn = state["log"]["seq"]
    lost_draws = DRAWS - len(draws)
    doubled_draws = drawn - len(draws)
    ids = Counter(d["sorteio"]["id"] for d in draws.values())
    assert all(v == 1 for v in ids.values()), "two answers name the same draw"

    ponto_counts = {}
    for servant in coops:
        listing = http.get(f"{stack.urls['cooperacao']}/servidores/{servant}/pontos", params={"competencia": month},
                           headers={"Authorization": f"Bearer {stack.tokens[servant]}"}, timeout=TIMEOUT).json()
        ponto_counts[servant] = len(listing["itens"])
    expected_pontos = Counter(s for s, _ in ponto_jobs)
    lost_pontos = sum(max(0, expected_pontos[s] - ponto_counts[s]) for s in coops)
    doubled_pontos = sum(max(0, ponto_counts[s] - expected_pontos[s]) for s in coops)

    def calendar_everywhere() -> bool:
        return all(http.get(f"{stack.urls[s]}/calendario/situacao/{calendar_day}", timeout=TIMEOUT).json()
                   ["dia_util"] is False for s in ("cooperacao", "distribuicao", "pagamentos"))

    dimag = {"Authorization": f"Bearer {stack.tokens['dimag.folha']}"}
    deadline = time.monotonic() + 120  # the close runs in 64 parts on cooperacao's queue before pagamentos sees it
    while True:
        http.post(f"{stack.urls['pagamentos']}/execucoes", json={"competencia": month}, headers=dimag, timeout=TIMEOUT)
        memo = http.get(f"{stack.urls['pagamentos']}/memorandos/{month}-gratificacao_cooperacao", headers=dimag,
                        timeout=TIMEOUT)
        lines = memo.json().get("linhas", []) if memo.status_code == 200 else []
        if {line["pessoa"] for line in lines} >= set(coops) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    memo_people = Counter(line["pessoa"] for line in lines)
    if approved.status_code == 200:  # PLAN-04: the portaria's document and notices come from plantao's own queue
        scale_url = f"{stack.urls['plantao']}/escalas/{approved.json()['id']}"
        presidency = {"Authorization": f"Bearer {stack.tokens['presidente']}"}
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
                p["documento"] != "pronto"
                for p in http.get(scale_url, headers=presidency, timeout=TIMEOUT).json().get("portarias", [])):
            time.sleep(0.5)
    # read before the clock moves on below (the tokens are the day's)
    close_status = http.get(f"{stack.urls['cooperacao']}/fechamentos/{month}", headers=dimag, timeout=TIMEOUT).json()
    sqs = _aws(stack, "sqs")
    dlq = {service: int(sqs.get_queue_attributes(QueueUrl=stack.outputs[f"{service}DlqUrl"],
                                                  AttributeNames=["ApproximateNumberOfMessages"])
                        ["Attributes"]["ApproximateNumberOfMessages"])
           for service in ("Pagamentos", "Cooperacao", "Plantao", "Distribuicao")}
    notices = ses.get_send_quota()["SentLast24Hours"] - sent_before

    # The day's seed is revealed the next day (DIST-11): the clock moves a day on, the reveal schedule runs, and
    # the standalone verifier re-derives every draw made under faults from the exported log.
    stack.advance_clock(timedelta(days=1))
    export = http.get(f"{stack.urls['distribuicao']}/sorteios/exportacao", params={"log": orgao},
                      timeout=TIMEOUT).json()
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"chaos-export-{orgao}.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    verified = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=120)
    path.unlink()
    designated = ({p["magistrado"] for p in approved.json().get("plantoes", [])}
                  if approved.status_code == 200 else set())

    load = Counter(outcomes.counts)
    load.subtract(setup_counts)
    report = {
        "duracao_s": round(load_seconds, 1),
        "faltas_injetadas": injector.summary(),
        "chamadas_aws_observadas": dict(injector.calls),
        "operacoes": load["operacoes"],
        "503_limpos_repetidos": load["503 limpos"],
        "409_em_andamento_repetidos": load["409 em andamento"],
        "respostas_erradas": load["respostas erradas"],
        "5xx": load["5xx"],
        "perdidos": lost_draws + lost_pontos,
        "duplicados": doubled_draws + doubled_pontos,
        "chaves_presas": load["chaves presas"],
        "maior_espera_em_andamento_s": round(outcomes.longest_in_progress, 1),
        "sorteios": {"pedidos": DRAWS, "respondidos_201": len(draws), "no_log": drawn},
        "pontos": {"pedidos": dict(expected_pontos), "gravados": ponto_counts},
        "verificador": verified.stdout.strip().splitlines()[-1] if verified.stdout else verified.stderr[-300:],
        "fechamento": [closed.status_code, close_status.get("situacao")], "aprovacao_escala": approved.status_code,
        # SES has no idempotency token: a lost SendEmail response resent by botocore is a repeated e-mail.
        "avisos_ses": {"designados": len(designated), "enviados": int(notices),
                       "repetidos": max(0, int(notices) - len(designated))},
        "memorando_gratificacao": dict(memo_people),
        "dlq": dlq,
        "erros": outcomes.wrong[:10],
    }
    print("\nCAOS " + json.dumps(report, ensure_ascii=False, indent=1))

    assert verified.returncode == 0 and "íntegro" in verified.stdout, verified.stdout
    assert outcomes.wrong == [], outcomes.wrong[:10]
    assert report["perdidos"] == 0 and report["duplicados"] == 0
    assert report["chaves_presas"] == 0 and outcomes.longest_in_progress <= REQUEST_BUDGET_S
    assert calendar_everywhere(), "the calendar event did not reach every consumer"
    assert all(memo_people[s] == 1 for s in coops), memo_people
    assert approved.status_code == 200 and closed.status_code == 202
    assert close_status.get("situacao") == "concluida", close_status  # run on the queue under faults, to its end
    assert notices >= len(designated) >= 1, "a notice was lost"
    assert sum(dlq.values()) == 0, dlq
