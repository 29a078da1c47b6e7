"""The local stack the HTTP sections run on, and how a section runs alone (``python -m bench.<section>``).

The HTTP sections run on DynamoDB Local when Java is there (``LocalStack(dynamodb="local")``: AWS's own
emulator, whose writes and throughput moto does not reproduce), on moto otherwise — and the section says
which. Every ratio's base is one bare ``GetItem`` on that same DynamoDB, timed in the same run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from bench.stats import Summary

Section = Callable[[Callable[[str], None], Any, Summary, Any], bool]  # run(emit, stack, base, counter)
BASE_SAMPLES = 300
BASE_TABLE_OUTPUT = "PagamentosTableName"
BASE_KEY = {"pk": {"S": "BENCH#base"}, "sk": {"S": "1"}}


def backend() -> tuple[str, str]:
    """``("local", "")`` when DynamoDB Local can run, else ``("moto", why not)``."""
    from devstack.dynamodb_local import java_missing

    if os.environ.get("BENCH_DYNAMODB") == "moto":
        return "moto", "BENCH_DYNAMODB=moto"
    missing = java_missing()
    return ("moto", missing) if missing else ("local", "")


def describe_backend(stack: Any, why_not_local: str = "") -> str:
    if stack.dynamodb == "local":
        return f"DynamoDB Local ({stack.dynamodb_endpoint}); SQS, S3, SES, KMS e Cognito no moto"
    reason = f" — DynamoDB Local indisponível: {why_not_local}" if why_not_local else ""
    return f"moto ({stack.endpoint}){reason}; figuras de escrita e vazão do moto não são as do DynamoDB"


def dynamodb_client(stack: Any) -> Any:
    """A plain boto3 DynamoDB client on the stack's DynamoDB (moto or DynamoDB Local)."""
    import boto3

    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                 region_name="sa-east-1").client("dynamodb", endpoint_url=stack.dynamodb_endpoint)


def base_getitem(stack: Any, samples: int = BASE_SAMPLES, warmup: int = 20) -> Summary:
    """The ratios' base: one bare GetItem of a 200-byte item on the stack's DynamoDB, ``samples`` times."""
    dynamodb = dynamodb_client(stack)
    table = stack.outputs[BASE_TABLE_OUTPUT]
    dynamodb.put_item(TableName=table, Item={**BASE_KEY, "valor": {"S": "x" * 200}})
    for _ in range(warmup):
        dynamodb.get_item(TableName=table, Key=BASE_KEY)
    timed = []
    for _ in range(samples):
        began = time.perf_counter()
        dynamodb.get_item(TableName=table, Key=BASE_KEY)
        timed.append((time.perf_counter() - began) * 1000.0)
    return Summary.of(timed)


BEACON_PERIOD_S = 3  # quicknet's


PRIOR_WORK_TIMEOUT_S = 600.0  # a whole make bench's backlog, bounded


def after_prior_work(stack: Any, emit: Callable[[str], None]) -> None:
    """Waits (bounded) until the stack finished what the sections before left on it, and says so: the
    portarias' PDFs and e-mails, the payments run's memos and events ran on the stack's consumers in this process
    while the next section measured (a time record p50 150× a GetItem, an event p50 43 s), so each section's
    figures were partly the previous section's work."""
    began = time.monotonic()
    idle = stack.wait_for_idle(PRIOR_WORK_TIMEOUT_S)
    waited = time.monotonic() - began
    if waited >= 1.0 or not idle:
        emit(f"   (a pilha terminou o trabalho das seções anteriores em {waited:.1f} s"
             + (")" if idle else f"; ainda ocupada após {PRIOR_WORK_TIMEOUT_S:.0f} s: as medidas o incluem)"))


@contextlib.contextmanager
def bench_stack(dynamodb: str | None = None) -> Iterator[tuple[Any, str]]:
    """A local stack on ephemeral ports (Stage bench, no demo data), and why it is not on DynamoDB Local
    ("" when it is)."""
    from devstack.stack import EPHEMERAL, LocalStack

    chosen, why = (dynamodb, "") if dynamodb else backend()
    # Stage bench has no section in .chalice/config.json: the close runs in the local stage's parts (its one
    # in-process consumer runs them in turn; one part of production's 64 is measured in bench.sizing)
    os.environ.setdefault("COOPERACAO_FECHAMENTO_PARTES", "4")
    # the stack's local beacon at quicknet's period (3 s): bench.draws phase (e) measures the wait for a round
    with LocalStack(ports=EPHEMERAL, moto_port=0, control_port=0, parameters={"Stage": "bench"}, seed=False,
                    dynamodb=chosen, beacon_period_s=BEACON_PERIOD_S) as stack:
        yield stack, why


def emit(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def standalone(section: Section) -> int:
    """Runs one HTTP section on its own stack, with its own base: exit 0 when it measured (goals met or not)."""
    from bench.http_reads import AwsCallCounter, stdout_handlers_to_devnull

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("PAGINATION_SECRET", secrets.token_urlsafe(32))
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    began = time.monotonic()
    with AwsCallCounter() as counter, bench_stack() as (stack, why):
        emit(f"pilha local pronta em {time.monotonic() - began:.1f} s; DynamoDB: {describe_backend(stack, why)}")
        with stdout_handlers_to_devnull():
            base = base_getitem(stack)
        emit(f"   {'base: GetItem (boto3 direto) no mesmo DynamoDB':<44} p50 {base.p50:6.2f} ms   "
             f"p99 {base.p99:6.2f} ms   (n={base.n}; = 1.00×)")
        emit("")
        return 0 if section(emit, stack, base, counter) else 1
