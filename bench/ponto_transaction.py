"""What each item of a time record's transaction (COOP-06/08) costs on DynamoDB Local, as ratios to a GetItem.

``python -m bench.ponto_transaction [N]`` starts a fresh DynamoDB Local, writes items shaped like the service's
(the month's total with its copy of the records and gsi1 keys, the former PONTO item, the audit record with its
two index keys and ~700 bytes of canonical JSON, the chain head) and times, interleaved round by round so that
they share the machine's noise, N TransactWriteItems of each shape next to N bare GetItems. Each shape keeps the
real conditions (the month's cap and version, the record's and the head's). Prints p50/p99 and the ratio of each
p50 to the GetItem's p50: the marginal cost of an item is the difference between two shapes.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.dynamodb_local import client, create_service_table, dynamodb_local
from bench.stats import Summary, format_ratio, ratio

SERVANTS = 20
CAP_MINUTES = 2400


def _s(value: str) -> dict[str, str]:
    return {"S": value}


class Shapes:
    """The transaction shapes, each on its own keys (a prefix per shape), with the state their conditions need."""

    def __init__(self, dynamodb: Any, table: str) -> None:
        self.dynamodb, self.table = dynamodb, table
        self.versions: dict[str, int] = {}
        self.heads: dict[str, int] = {}
        self.sequence = 0

    def month_update(self, shape: str, servant: int, n: int, *, rewrite: bool) -> dict[str, Any]:
        key = f"{shape}#SERVIDOR#s{servant}"
        version = self.versions.get(key, 0)
        names = {"#m": "minutos", "#v": "version", "#p": "pontos"}
        values: dict[str, Any] = {":m": {"N": "1"}, ":one": {"N": "1"}, ":empty": {"L": []},
                                  ":p": {"L": [_s(json.dumps([f"2026-12-05T{n // 60 % 24:02d}:{n % 60:02d}:00-03:00",
                                                              "…", "c-1"]))]}}
        expression = "ADD #m :m, #v :one SET #p = list_append(if_not_exists(#p, :empty), :p)"
        if rewrite or version == 0:  # what the month's first record writes, and what every record rewrote before
            names.update({"#k": "kind", "#d": "data", "#g": "gsi1pk", "#gs": "gsi1sk"})
            values.update({":k": _s("mes"), ":d": _s(json.dumps({"servidor": f"s{servant}", "nome": "Servidor",
                                                                  "competencia": "2026-12"})),
                           ":g": _s(f"{shape}#MES#2026-12#{servant % 64:02d}"), ":gs": _s(f"s{servant}")})
            expression += ", #k = :k, #d = :d, #g = :g, #gs = :gs"
        if version == 0:
            condition = "attribute_not_exists(pk)"
        else:
            condition = "#m <= :cap AND #v = :version"
            values.update({":cap": {"N": str(CAP_MINUTES - 1)}, ":version": {"N": str(version)}})
        self.versions[key] = version + 1
        return {"Update": {"TableName": self.table, "Key": {"pk": _s(key), "sk": _s("MES#2026-12")},
                           "UpdateExpression": expression, "ConditionExpression": condition,
                           "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}

    def ponto_item(self, shape: str, servant: int, n: int) -> dict[str, Any]:
        return {"Put": {"TableName": self.table, "ConditionExpression": "attribute_not_exists(pk)", "Item": {
            "pk": _s(f"{shape}#SERVIDOR#s{servant}"), "sk": _s(f"MES#2026-12#PONTO#{n:06d}"), "kind": _s("ponto"),
            "data": _s(json.dumps({"servidor": f"s{servant}", "cooperacao": "c-1", "inicio": "2026-12-05T00:00:00",
                                   "fim": "2026-12-05T00:01:00", "minutos": 1,
                                   "registrado_em": "2026-12-05T00:00:00"}))}}}

    def audit_items(self, shape: str, servant: int) -> list[dict[str, Any]]:
        chain = f"{shape}#cooperacao#2026-12-05#{servant % 64}"
        length = self.heads.get(chain, 0)
        self.sequence += 1
        record = {"servico": "cooperacao", "dia": "2026-12-05", "cadeia": servant % 64, "sequencia": length + 1,
                  "quando": "2026-12-05T00:00:00.000000+00:00", "quem": {"tipo": "usuario", "id": str(uuid.uuid4()),
                                                                         "nome": f"s{servant}", "papeis": ["servidor"]},
                  "ato": "COOP.PONTO.REGISTRAR", "regras": ["COOP-08", "COOP-06"],
                  "alvo": {"tipo": "cooperacao", "id": "c-1"}, "correlacao": str(uuid.uuid4()),
                  "antes": {"competencia": "2026-12", "minutos_mes": 10},
                  "depois": {"competencia": "2026-12", "minutos_mes": 11, "inicio": "2026-12-05T00:00:00-03:00",
                             "fim": "2026-12-05T00:01:00-03:00", "minutos": 1},
                  "hash_anterior": "0" * 64, "hash": "f" * 64}
        when = f"2026-12-05T00:00:00.{self.sequence:06d}+00:00#{chain}#{length + 1:010d}"
        put = {"Put": {"TableName": self.table, "ConditionExpression": "attribute_not_exists(pk)", "Item": {
            "pk": _s(f"AUDIT#{chain}"), "sk": _s(f"{length + 1:010d}"),
            "gsi1pk": _s(f"AUDIT#ALVO#{shape}#cooperacao:c-{servant}"), "gsi1sk": _s(when),
            "gsi2pk": _s(f"AUDIT#PESSOA#{shape}#s{servant}"), "gsi2sk": _s(when),
            "act": _s("COOP.PONTO.REGISTRAR"), "actor_id": _s(f"s{servant}"),
            "registro": _s(json.dumps(record, ensure_ascii=False)), "guardar_ate": _s("2031-12-05")}}}
        head: dict[str, Any] = {"TableName": self.table, "Item": {
            "pk": _s(f"AUDITHEAD#{chain}"), "sk": _s("CABECA"), "length": {"N": str(length + 1)},
            "last_hash": _s("f" * 64)}}
        if length == 0:
            head["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            head.update({"ConditionExpression": "#l = :l", "ExpressionAttributeNames": {"#l": "length"},
                         "ExpressionAttributeValues": {":l": {"N": str(length)}}})
        self.heads[chain] = length + 1
        return [put, {"Put": head}]


# name → what its transaction holds (and a short label for the table)
SHAPES: dict[str, Callable[[Shapes, str, int, int], list[dict[str, Any]]]] = {
    "antes: mês regravado + PONTO + auditoria + cabeça (4)": lambda s, k, v, n: [
        s.month_update(k, v, n, rewrite=True), s.ponto_item(k, v, n), *s.audit_items(k, v)],
    "agora: mês + auditoria + cabeça (3)": lambda s, k, v, n: [s.month_update(k, v, n, rewrite=False),
                                                               *s.audit_items(k, v)],
    "mês + PONTO (2, sem auditoria)": lambda s, k, v, n: [s.month_update(k, v, n, rewrite=False),
                                                           s.ponto_item(k, v, n)],
    "mês regravado (1)": lambda s, k, v, n: [s.month_update(k, v, n, rewrite=True)],
    "mês (1)": lambda s, k, v, n: [s.month_update(k, v, n, rewrite=False)],
}


def measure(endpoint: str, rounds: int) -> tuple[Summary, dict[str, Summary]]:
    dynamodb = client(endpoint)
    table = f"tribunal-bench-ponto-{uuid.uuid4().hex[:6]}"
    create_service_table(endpoint, table)
    base_key = {"pk": _s("BASE"), "sk": _s("BASE")}
    dynamodb.put_item(TableName=table, Item={**base_key, "valor": _s("x" * 200)})
    shapes = Shapes(dynamodb, table)
    timings: dict[str, list[float]] = {name: [] for name in SHAPES}
    base: list[float] = []
    for n in range(rounds + 20):  # the first 20 rounds warm up (and create each month)
        began = time.perf_counter()
        dynamodb.get_item(TableName=table, Key=base_key)
        if n >= 20:
            base.append((time.perf_counter() - began) * 1000.0)
        for index, (name, build) in enumerate(SHAPES.items()):
            items = build(shapes, f"F{index}", n % SERVANTS, n)
            began = time.perf_counter()
            dynamodb.transact_write_items(TransactItems=items)
            if n >= 20:
                timings[name].append((time.perf_counter() - began) * 1000.0)
    dynamodb.delete_table(TableName=table)
    return Summary.of(base), {name: Summary.of(values) for name, values in timings.items()}


def main(argv: list[str]) -> int:
    import os

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    rounds = int(argv[0]) if argv else 300
    with dynamodb_local() as endpoint:
        base, shapes = measure(endpoint, rounds)
    print(f"DynamoDB Local, {rounds} rodadas intercaladas; base: GetItem p50 {base.p50:.2f} ms, p99 {base.p99:.2f} ms")
    print(f"   {'transação do registro de ponto':<54} {'p50':>8} {'':>7} {'p99':>8} {'':>7}")
    for name, summary in shapes.items():
        print(f"   {name:<54} {summary.p50:6.2f} ms {format_ratio(ratio(summary.p50, base.p50)):>7} "
              f"{summary.p99:6.2f} ms {format_ratio(ratio(summary.p99, base.p50)):>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
