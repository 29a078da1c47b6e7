"""Section: the monthly run of pagamentos-svc (PAG-01) on the local stack, at N and at 2N people.

A month of facts is written straight into pagamentos' table (batch writes, as the consumers and the HTTP
records would leave them); then ``POST /execucoes`` as ``dimag.folha`` builds the nine memos. Printed: the
time of the run, its DynamoDB calls per operation (request threads only) and that no Scan was made; then
the same with twice the people and twice the facts (goal: ≤ 2.2× the time).

Standalone: ``PYTHONPATH=shared/src:infra:. python -m bench.pagamentos [magistrados servidores]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from bench.http_reads import AwsCallCounter, describe_calls, stdout_handlers_to_devnull

SERVICE = "pagamentos"
USER = "dimag.folha"
MAGISTRATES, SERVANTS = 5_000, 1_000
GOAL_SECONDS, GOAL_RATIO = 60.0, 2.2
RUN_TIMEOUT_S = 900.0
ENTRANCIAS = ("inicial", "final", "especial")
MUNICIPIOS = ("5103403", "5108402", "5103007")


def _facts(repo: Any, prefix: str, magistrates: int, servants: int, month: tuple[int, int]) -> tuple[list, list]:
    """People and a month of facts (designations, compensations, vacations, sessions, cooperation)."""
    from chalicelib.pagamentos.adapters import codec
    from chalicelib.pagamentos.domain.model import (
        Attendance,
        CompensationDays,
        CooperationBonus,
        Designation,
        Month,
        Period,
        Person,
        Session,
        Vacation,
    )
    from decimal import Decimal

    rng = random.Random(f"{prefix}-{month}")
    m = Month(*month)
    people, facts = [], []

    def day(n: int) -> date:
        return m.first + timedelta(days=min(n, (m.last - m.first).days))

    desembargadores = max(10, magistrates // 50)
    for n in range(magistrates):
        pid = f"{prefix}.j{n}"
        if n < desembargadores:
            people.append(Person(pid, f"Des. {prefix} {n}", "magistrado", "desembargador"))
            if n % 7 == 0:
                facts.append((m, "FERIAS", f"v-{pid}", codec.vacation_to(Vacation(f"v-{pid}", pid,
                                                                                  Period(day(2), day(2 + n % 6))))))
            continue
        entrancia = ENTRANCIAS[n % 3]
        people.append(Person(pid, f"Juiz {prefix} {n}", "magistrado", "juiz", entrancia, f"J-{pid}",
                             MUNICIPIOS[n % 3]))
        start = rng.randrange(0, 20)

        def designation(kind: str, **kw: Any) -> None:
            d = Designation(f"{kind}-{pid}", kind, pid, kw.pop("juizo", f"X-{pid}"),
                            Period(day(start), day(start + kw.pop("days", 10))), **kw)
            facts.append((m, "DESIG", d.id, codec.designation_to(d)))

        roll = n % 20
        if roll < 6:
            designation("cumulacao")
        elif roll < 8:
            designation("auxilio", juizo=f"X-{prefix}.j{n - 1}")
        elif roll == 8:
            designation("convocacao", quorum=n % 40 == 8)
        elif roll == 9:
            designation("substituicao", entrancia_destino="especial", plena=True)
        elif roll < 12:
            designation("diarias", municipio=MUNICIPIOS[(n + 1) % 3], days=5)
        elif roll == 12:
            designation("funcao", funcao="direcao_foro", days=40)
        elif roll < 15:
            dias = (day(start), day(start + 1))
            facts.append((m, "COMPENSACAO", f"c-{pid}", codec.compensation_to(
                CompensationDays(f"c-{pid}", pid, f"Y-{pid}", f"{prefix}.j{n + 1}", dias))))
        elif roll == 15:
            facts.append((m, "FERIAS", f"v-{pid}", codec.vacation_to(Vacation(f"v-{pid}", pid,
                                                                              Period(day(start), day(start + 29))))))
    members = [p.id for p in people[:7]]
    for s in range(8):
        session = Session(f"S{s}", day(1 + 3 * s), tuple(Attendance(x, "presente") for x in members))
        facts.append((m, "SESSAO", f"{session.data.isoformat()}#{session.id}", codec.session_to(session)))
    for n in range(servants):
        sid = f"{prefix}.s{n}"
        people.append(Person(sid, f"Servidor {prefix} {n}", "servidor", "servidor"))
        minutes = 60 * (1 + n % 40)
        bonus = CooperationBonus(f"{sid}-{m}-r1", sid, sid, str(m), "apuracao", 1, minutes, Decimal("45.00"),
                                 Decimal(minutes) * Decimal("0.75"))
        facts.append((m, "COOP", bonus.apuracao_id, codec.cooperation_to(bonus)))
    return people, facts


def _populate(repo: Any, people: list, facts: list) -> float:
    began = time.perf_counter()
    items = [repo.person_item(p) for p in people]
    items += [repo.fact_item(month, kind, key, body) for month, kind, key, body in facts]
    repo.batch_save(items)
    return time.perf_counter() - began


def _run(http: Any, url: str, month: str, counter: AwsCallCounter) -> tuple[float, Counter[str], dict[str, Any]]:
    mark = counter.mark()
    began = time.perf_counter()
    response = http.post(f"{url}/execucoes", json={"competencia": month}, timeout=RUN_TIMEOUT_S)
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"POST /execucoes: HTTP {response.status_code} {response.text[:300]}")
    return elapsed, counter.request_calls_since(mark), response.json()


def run(emit: Callable[[str], None], stack: Any, base: Any, counter: AwsCallCounter,
        magistrates: int = MAGISTRATES, servants: int = SERVANTS) -> bool:
    """Prints the section; False on a harness or app error (not on a missed goal)."""
    import requests

    from devstack.apps import load_app

    load_app(SERVICE)
    repo = sys.modules[f"{SERVICE}_app"].deps.repository
    emit(f"Apuração mensal (POST /execucoes, {SERVICE}-svc, usuário {USER}): {magistrates} magistrados e "
         f"{servants} servidores com um mês de fatos, depois o dobro")
    if (magistrates, servants) != (MAGISTRATES, SERVANTS):
        emit(f"   ATENÇÃO: tamanhos reduzidos (meta do enunciado: {MAGISTRATES} magistrados e {SERVANTS} servidores)")
    url = stack.urls[SERVICE]
    figures = []
    with stdout_handlers_to_devnull(), requests.Session() as http:
        http.trust_env = False
        http.headers.update({"Authorization": f"Bearer {stack.tokens[USER]}", "Content-Type": "application/json"})
        for label, prefix, month, factor in (("N", "bA", (2030, 3), 1), ("2N", "bB", (2030, 4), 2)):
            people, facts = [], []
            # 2N: the first N again (they exist already; their April facts are new) plus N new people
            for part, pfx in enumerate(("bA", "bB")[:factor]):
                p, f = _facts(repo, pfx, magistrates, servants, month)
                people += p if pfx == prefix else []
                facts += f
            written = _populate(repo, people, facts)
            competencia = f"{month[0]:04d}-{month[1]:02d}"
            elapsed, calls, result = _run(http, url, competencia, counter)
            again, calls_again, _ = _run(http, url, competencia, counter)
            dynamo = Counter({k: v for k, v in calls.items() if k.startswith("DynamoDB")})
            lines = sum(m.get("linhas", 0) for m in result["memorandos"].values())
            scans = sum(v for k, v in calls.items() if "Scan" in k) + sum(v for k, v in calls_again.items()
                                                                          if "Scan" in k)
            emit(f"   {label}: {len(people) if label == 'N' else 2 * (magistrates + servants)} pessoas, "
                 f"{len(facts)} fatos (gravados em {written:.1f} s); {lines} linhas em 9 memorandos")
            emit(f"      execução: {elapsed:.2f} s  meta ≤{GOAL_SECONDS:.0f} s  "
                 f"{'OK' if elapsed <= GOAL_SECONDS else 'ACIMA DA META'}; chamadas DynamoDB: {sum(dynamo.values())}"
                 f" ({describe_calls(dynamo)}); Scan: {scans}")
            emit(f"      repetida (nada muda): {again:.2f} s, {sum(v for k, v in calls_again.items() if k.startswith('DynamoDB'))} "
                 f"chamadas ({describe_calls(Counter({k: v for k, v in calls_again.items() if k.startswith('DynamoDB')}))})")
            figures.append(elapsed)
            if scans:
                emit("      ERRO: houve Scan")
                return False
    ratio = figures[1] / figures[0] if figures[0] else float("inf")
    emit(f"   dobro das pessoas: {ratio:.2f}× o tempo  meta ≤{GOAL_RATIO}×  {'OK' if ratio <= GOAL_RATIO else 'ACIMA DA META'}")
    return True


def main(argv: list[str]) -> int:
    import logging

    from devstack.stack import EPHEMERAL, LocalStack

    logging.basicConfig(level=logging.WARNING)
    magistrates = int(argv[0]) if argv else MAGISTRATES
    servants = int(argv[1]) if len(argv) > 1 else SERVANTS

    def emit(line: str = "") -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    began = time.monotonic()
    with AwsCallCounter() as counter, LocalStack(ports=EPHEMERAL, moto_port=0, control_port=0,
                                                 parameters={"Stage": "bench"}, seed=False) as stack:
        emit(f"pilha local pronta em {time.monotonic() - began:.1f} s")
        ok = run(emit, stack, None, counter, magistrates, servants)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
