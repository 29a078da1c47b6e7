"""Sections: the monthly run of pagamentos-svc (PAG-01), on the local stack and, doubled, on DynamoDB Local.

A month of facts is written straight into pagamentos' table (batch writes, as the consumers and the HTTP
records would leave them); then ``POST /execucoes`` as ``dimag.folha`` builds the nine memos. Printed: the
time of the run, its DynamoDB calls per operation (request threads only) and that no Scan was made.
:func:`run_doubling` runs the same use case in-process on DynamoDB Local with N and then twice the people
and facts (goal: ≤ 2.2× the time).

Standalone: ``PYTHONPATH=shared/src:infra:. python -m bench.pagamentos [magistrados servidores]``.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from bench import goals
from bench.http_reads import AwsCallCounter, describe_calls, requested_run, stdout_handlers_to_devnull

if TYPE_CHECKING:  # the service's modules are imported once its directory is on sys.path
    from chalicelib.pagamentos.domain.model import DesignationKind, Entrancia

SERVICE = "pagamentos"
USER = "dimag.folha"
MAGISTRATES, SERVANTS = 5_000, 1_000
GOAL_SECONDS, GOAL_RATIO = 60.0, 2.2
RUN_TIMEOUT_S = 900.0
ENTRANCIAS: tuple[Entrancia, ...] = ("inicial", "final", "especial")
MUNICIPIOS = ("5103403", "5108402", "5103007")


def _facts(repo: Any, prefix: str, magistrates: int, servants: int, month: tuple[int, int]) -> tuple[list, list]:
    """People and a month of facts (designations, compensations, vacations, sessions, cooperation)."""
    from decimal import Decimal

    from chalicelib.pagamentos import codec
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

        def designation(kind: DesignationKind, pid: str = pid, start: int = start, **kw: Any) -> None:  # this judge
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
        facts.append((m, "SESSAO", f"{session.day.isoformat()}#{session.id}", codec.session_to(session)))
    for n in range(servants):
        sid = f"{prefix}.s{n}"
        people.append(Person(sid, f"Servidor {prefix} {n}", "servidor", "servidor"))
        minutes = 60 * (1 + n % 40)
        bonus = CooperationBonus(f"{sid}-{m}-r1", sid, sid, str(m), "apuracao", 1, minutes, Decimal("45.00"),
                                 Decimal(minutes) * Decimal("0.75"))
        facts.append((m, "COOP", bonus.assessment_id, codec.cooperation_to(bonus)))
    return people, facts


def _populate(repo: Any, people: list, facts: list) -> float:
    began = time.perf_counter()
    items = [repo.person_item(p) for p in people]
    items += [repo.fact_item(month, kind, key, body) for month, kind, key, body in facts]
    repo.batch_save(items)
    return time.perf_counter() - began


def _run(http: Any, url: str, month: str, counter: AwsCallCounter) -> tuple[float, Counter[str], dict[str, Any]]:
    """``POST /execucoes`` (202) and its status polled until the consumer concluded the run: the seconds, the AWS
    calls of every thread meanwhile (the run is on the queue's consumer now) and the run's results."""
    mark = counter.mark()
    elapsed, status = requested_run(http, url, "/execucoes", {"competencia": month}, RUN_TIMEOUT_S)
    return elapsed, counter.calls_since(mark), status["resumo"]


class _ThreadCalls:
    """DynamoDB calls made by this thread (a botocore hook around Endpoint.make_request)."""

    def __enter__(self) -> Counter[str]:
        import threading

        from botocore.endpoint import Endpoint

        self.calls: Counter[str] = Counter()
        self._original = original = Endpoint.make_request
        me = threading.current_thread()
        calls = self.calls

        def make_request(endpoint: Any, operation_model: Any, request_dict: Any) -> Any:
            if threading.current_thread() is me:
                calls[f"{operation_model.service_model.service_id} {operation_model.name}"] += 1
            return original(endpoint, operation_model, request_dict)

        Endpoint.make_request = make_request
        return self.calls

    def __exit__(self, *exc: object) -> None:
        from botocore.endpoint import Endpoint

        Endpoint.make_request = self._original


def run(emit: Callable[[str], None], stack: Any, base: Any, counter: AwsCallCounter,
        magistrates: int = MAGISTRATES, servants: int = SERVANTS) -> bool:
    """Prints the section; False on a harness or app error (not on a missed goal).

    (a) over HTTP on the stack's own table: N people, a month of facts, ``POST /execucoes`` twice.
    The doubling is :func:`run_doubling`, on DynamoDB Local.
    """
    import requests

    from devstack.apps import load_app

    load_app(SERVICE)
    app_deps = sys.modules[f"{SERVICE}_app"].deps
    emit(f"Apuração mensal (PAG-01, {SERVICE}-svc): {magistrates} magistrados e {servants} servidores com um mês de "
         "fatos (o dobro: no DynamoDB Local)")
    if (magistrates, servants) != (MAGISTRATES, SERVANTS):
        emit(f"   ATENÇÃO: tamanhos reduzidos (meta do enunciado: {MAGISTRATES} magistrados e {SERVANTS} servidores)")
    url = stack.urls[SERVICE]
    with stdout_handlers_to_devnull(), requests.Session() as http:
        http.trust_env = False
        http.headers.update({"Authorization": f"Bearer {stack.tokens[USER]}", "Content-Type": "application/json"})
        people, facts = _facts(app_deps.repository, "bA", magistrates, servants, (2021, 3))
        written = _populate(app_deps.repository, people, facts)
        elapsed, calls, result = _run(http, url, "2021-03", counter)
        again, calls_again, _ = _run(http, url, "2021-03", counter)
    dynamo = Counter({k: v for k, v in calls.items() if k.startswith("DynamoDB")})
    dynamo_again = Counter({k: v for k, v in calls_again.items() if k.startswith("DynamoDB")})
    lines = sum(m.get("linhas", 0) for m in result["memorandos"].values())
    scans = sum(v for k, v in (calls + calls_again).items() if "Scan" in k)
    emit(f"   (a) POST /execucoes como {USER}: {len(people)} pessoas, {len(facts)} fatos (gravados em {written:.1f} s);"
         f" {lines} linhas em 9 memorandos")
    met = goals.at_most("execução mensal (HTTP)", elapsed, GOAL_SECONDS, " s")
    emit(f"      execução: {elapsed:.2f} s  meta ≤{GOAL_SECONDS:.0f} s  {met};"
         f" {sum(dynamo.values())} chamadas DynamoDB ({describe_calls(dynamo)}); Scan: {scans}")
    emit(f"      repetida (nada muda): {again:.2f} s, {sum(dynamo_again.values())} chamadas "
         f"({describe_calls(dynamo_again)})")
    if scans:
        emit("      ERRO: houve Scan")
        return False

    return True


def run_doubling(emit: Callable[[str], None], endpoint: str, magistrates: int = MAGISTRATES,
                 servants: int = SERVANTS) -> bool:
    """The same run called in-process on DynamoDB Local, at N and then 2N people, each on a fresh table (moto's
    deep copies make a 2N table there grow the process past the machine's memory)."""
    import os
    import uuid

    from chalicelib.pagamentos.deps import PagamentosDeps
    from chalicelib.pagamentos.domain.model import Month
    from chalicelib.pagamentos.settings import PagamentosSettings

    from bench.dynamodb_local import create_service_table
    from courtlib.audit import Actor, acting_as

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    emit(f"Apuração mensal no DynamoDB Local (PAG-01, PagamentosService.run, sem HTTP): {magistrates} magistrados e "
         f"{servants} servidores, depois o dobro")
    figures: list[tuple[float, int]] = []
    for factor in (1, 2):
        name = f"tribunal-bench-pagamentos-{uuid.uuid4().hex[:6]}"
        create_service_table(endpoint, name)
        deps = PagamentosDeps(PagamentosSettings(table_name=name, endpoint_url=endpoint, pagination_secret="bench"))
        phase_people, phase_facts = [], []
        for prefix in ("cA", "cB")[:factor]:
            p, f = _facts(deps.repository, prefix, magistrates, servants, (2030, 5))
            phase_people += p
            phase_facts += f
        written = _populate(deps.repository, phase_people, phase_facts)
        with _ThreadCalls() as thread_calls:
            began = time.perf_counter()
            with acting_as(Actor.system("agenda:execucao-mensal")):  # the run records its act as the schedule's
                deps.service.run(Month(2030, 5))
            took = time.perf_counter() - began
        total = sum(v for k, v in thread_calls.items() if k.startswith("DynamoDB"))
        if any("Scan" in k for k in thread_calls):
            emit("      ERRO: houve Scan")
            return False
        figures.append((took, total))
        met = goals.at_most("execução mensal (caso de uso)", took, GOAL_SECONDS, " s") if factor == 1 else ""
        verdict = f"  meta ≤{GOAL_SECONDS:.0f} s  {met}" if factor == 1 else ""
        emit(f"   {factor}N = {len(phase_people)} pessoas, {len(phase_facts)} fatos (gravados em {written:.1f} s): "
             f"{took:.2f} s{verdict}; {total} chamadas DynamoDB "
             f"({describe_calls(Counter({k: v for k, v in thread_calls.items()}))})")
    ratio = figures[1][0] / figures[0][0] if figures[0][0] else float("inf")
    emit(f"   dobro das pessoas: {ratio:.2f}× o tempo, {figures[1][1] / max(figures[0][1], 1):.2f}× as chamadas  "
         f"meta ≤{GOAL_RATIO}×  {goals.at_most('execução mensal: crescimento ao dobrar', ratio, GOAL_RATIO)}")
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
    from bench.dynamodb_local import dynamodb_local

    with dynamodb_local() as endpoint:
        ok = run_doubling(emit, endpoint, magistrates, servants) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
