"""DynamoDB calls per consumed event, per service: what a consumer's handler waits on (issue 15, event latency).

``python -m bench.consumer_calls`` loads the four apps on moto in-process (the template deployed, as the tests do)
and gives one event of each kind below to the app's own ``consume_events``, counting the DynamoDB API calls made
while it runs (botocore's, through :class:`bench.http_reads.AwsCallCounter`; each call once, whatever botocore's
retries). A count does not depend on the machine's load, unlike a time. The events:

- the calendar's ``dia-registrado`` in cooperação, distribuição and pagamentos (``bench.event_latency``'s event);
- pagamentos: a compensation for a substitute it does not know (parked with its reason);
- plantão: a requested generation (the draft of 2027-02 estadual) and the approval's portaria (its document and
  notices), set up through plantão's HTTP routes with the demo reference data.

Run on two checkouts to compare their consumers: the scenario is the same code path on both.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
import warnings
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.http_reads import AwsCallCounter

ROOT = Path(__file__).resolve().parents[1]
REGION = "sa-east-1"
TZ = ZoneInfo("America/Sao_Paulo")


def _deploy() -> None:
    import boto3

    from courtlib.settings import env_from_outputs

    cloudformation = boto3.client("cloudformation", region_name=REGION)
    cloudformation.create_stack(StackName="tribunal-local", TemplateBody=(ROOT / "infra" / "template.yaml").read_text(),
                                Parameters=[{"ParameterKey": "Stage", "ParameterValue": "local"}])
    stack = cloudformation.describe_stacks(StackName="tribunal-local")["Stacks"][0]
    os.environ.update(env_from_outputs({o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}))
    boto3.client("ses", region_name=REGION).verify_domain_identity(Domain="tribunal.example.jus.br")


def _sqs_event(body: str) -> dict[str, Any]:
    return {"Records": [{"messageId": str(uuid.uuid4()), "receiptHandle": str(uuid.uuid4()), "body": body,
                         "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0", "MessageGroupId": "g",
                                        "MessageDeduplicationId": str(uuid.uuid4()), "SequenceNumber": "1"},
                         "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                         "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:fila.fifo", "awsRegion": REGION}]}


def _outbox_event(table: str, suffix: str) -> str:
    """The envelope of the one outbox item of ``table`` whose type ends with ``suffix``."""
    import boto3

    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]
    [envelope] = [i["envelope"]["S"] for i in items
                  if i["pk"]["S"].startswith("OUTBOX#") and i["event_type"]["S"].endswith(suffix)]
    return str(envelope)


class Consumers:
    def __init__(self) -> None:
        from devstack.apps import load_app

        self.apps = {service: load_app(service) for service in ("cooperacao", "distribuicao", "pagamentos", "plantao")}
        self.counter = AwsCallCounter()
        self.rows: list[tuple[str, str, Counter[str]]] = []

    def deliver(self, service: str, label: str, body: str) -> None:
        mark = self.counter.mark()
        answer = self.apps[service].handler_map["consume_events"](_sqs_event(body), None)
        if answer != {"batchItemFailures": []}:
            raise SystemExit(f"{service} {label}: {answer}")
        calls = Counter({name.removeprefix("DynamoDB "): n for name, n in self.counter.calls_since(mark).items()
                         if name.startswith("DynamoDB ")})
        self.rows.append((service, label, calls))


def _calendar_day() -> str:
    from courtlib.messaging.contracts import CalendarDayRegistered, new_event

    payload = CalendarDayRegistered(data=date(2031, 3, 3), tipo="ponto_facultativo", municipio=None,
                                    descricao="Medição de chamadas", decretado_em=date(2030, 12, 1))
    return new_event(payload, tribunal="TRE-MT", correlation_id="c-chamadas").model_dump_json()


def _unknown_substitute() -> str:
    from courtlib.messaging.contracts import CompensationUsed, new_event

    payload = CompensationUsed(compensacao_id="comp-medicao", magistrado="jz.alves", nome="Juiz André Alves",
                               juizo="1VC-CBA", substituto="jz.desconhecido", substituto_nome="Juiz Desconhecido",
                               juizo_substituto="2VC-CBA", dias=[date(2031, 3, 4)],
                               aprovado_em=datetime(2031, 3, 1, 10, tzinfo=TZ), aprovado_por="presidente")
    return new_event(payload, tribunal="TRE-MT", correlation_id="c-chamadas").model_dump_json()


def _plantao(consumers: Consumers) -> None:
    from chalice.test import Client

    from courtlib.http.testing import bearer
    from devstack.demo_plantao import REFERENCE

    deps = sys.modules["plantao_app"].deps
    deps.clock = lambda: datetime(2027, 1, 20, 10, tzinfo=TZ)
    table = deps.settings.table_name
    with Client(consumers.apps["plantao"]) as client:
        def call(method: str, path: str, body: dict[str, Any], who: dict[str, str]) -> None:
            response = getattr(client.http, method)(path, body=json.dumps(body),
                                                    headers={"Content-Type": "application/json", **who})
            if response.status_code >= 300:
                raise SystemExit(f"plantao {method.upper()} {path}: {response.status_code} {response.body!r}")

        call("put", "/referencia", REFERENCE, bearer("admin.ti", "admin"))
        call("post", "/escalas", {"mes": "2027-02", "tipo": "estadual"}, bearer("presidente", "presidencia"))
        consumers.deliver("plantao", "geracao-solicitada (PLAN-01/02)", _outbox_event(table, "geracao-solicitada.v1"))
        call("post", "/escalas/2027-02-estadual/aprovacao", {}, bearer("presidente", "presidencia"))
        consumers.deliver("plantao", "portaria-emitida (PLAN-04)", _outbox_event(table, "portaria-emitida.v1"))


def main() -> int:
    from moto import mock_aws

    from devstack import moto_patches

    moto_patches.apply()
    warnings.filterwarnings("ignore", category=UserWarning)  # chalice's local authorizer, Powertools' missing context
    for name, value in {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": REGION,
                        "AWS_REGION": REGION, "PAGINATION_SECRET": "bench-pagination-secret-0123456789abcdef",
                        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled", "POWERTOOLS_METRICS_DISABLED": "true"}.items():
        os.environ.setdefault(name, value)  # moto in-process, as the tests' conftest sets it
    os.environ.pop("AWS_ENDPOINT_URL", None)
    with mock_aws():
        _deploy()
        consumers = Consumers()
        with consumers.counter:
            day = _calendar_day()
            for service in ("cooperacao", "distribuicao", "pagamentos"):
                consumers.deliver(service, "calendario.dia-registrado", day)
            consumers.deliver("pagamentos", "compensacao-utilizada (estacionado)", _unknown_substitute())
            _plantao(consumers)
    print("Chamadas ao DynamoDB por evento consumido (um evento de cada, consumidor aquecido pelo anterior)")
    for service, label, calls in consumers.rows:
        detail = ", ".join(f"{name} {n}" for name, n in sorted(calls.items()))
        print(f"  {service:<13} {label:<38} {sum(calls.values()):>3}   ({detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
