"""The audit walk (issue 17): every state-changing operation of a service writes exactly one complete record.

Each service's ``test_audit_walk_<service>.py`` declares one scenario per state-changing HTTP operation
(enumerated here from the service's own OpenAPI, so a new route without a scenario fails the walk), per
schedule (from the app's event sources) and per consumed event type, and checks with :class:`AuditLedger`
that the operation wrote exactly one record holding who, when, the act, its rules, the target, the
correlation id and before/after.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import boto3

WRITE_METHODS = {"post", "put", "patch", "delete"}
# Operational mechanisms that move messages, not acts of the court: the outbox relay and its sweep publish
# what an audited act already committed; they change no state a person decided.
MECHANISMS = frozenset({"relay_outbox", "sweep_outbox", "consume_events"})


def state_changing_operations(client: Any) -> set[tuple[str, str]]:
    """``{("POST", "/escalas/{id}/impedimentos"), ...}`` from the service's ``GET /openapi.json``."""
    answer = client.http.get("/openapi.json")
    assert answer.status_code == 200, answer.body
    return {(method.upper(), path) for path, operations in answer.json_body["paths"].items()
            for method in operations if method in WRITE_METHODS}


def schedules(app: Any) -> set[str]:
    """The names of the app's scheduled handlers (its EventBridge rules), the mechanisms left out."""
    from chalice.app import ScheduledEventConfig

    return {source.name for source in app.event_sources
            if isinstance(source, ScheduledEventConfig) and source.name not in MECHANISMS}


class AuditLedger:
    """The audit records of one table, read straight from DynamoDB (not through the API under test)."""

    def __init__(self, table_name: str, region: str) -> None:
        self._table, self._client = table_name, boto3.client("dynamodb", region_name=region)
        self._seen: set[tuple[str, str]] = set()

    def _all(self) -> dict[tuple[str, str], dict[str, Any]]:
        records: dict[tuple[str, str], dict[str, Any]] = {}
        paginator = self._client.get_paginator("scan")
        for page in paginator.paginate(TableName=self._table, ConsistentRead=True):
            for item in page["Items"]:
                if item["pk"]["S"].startswith("AUDIT#") and "registro" in item:
                    records[(item["pk"]["S"], item["sk"]["S"])] = json.loads(item["registro"]["S"])
        return records

    def mark(self) -> None:
        """Forgets every record written so far: :meth:`new` answers only what comes after."""
        self._seen = set(self._all())

    def new(self) -> list[dict[str, Any]]:
        """The records written since the last :meth:`mark` (or :meth:`new`), oldest first."""
        records = self._all()
        fresh = [record for key, record in records.items() if key not in self._seen]
        self._seen = set(records)
        return sorted(fresh, key=lambda r: (r["quando"], r["cadeia"], r["sequencia"]))


def assert_one_complete_record(records: Iterable[dict[str, Any]], *, act: str | None = None,
                               who: str | None = None, target_type: str | None = None,
                               change: bool = True, named_rules: bool = True) -> dict[str, Any]:
    """Exactly one record, holding every field the issue asks for; answers it.

    ``who``: ``"usuario"``, ``"parceiro"`` or ``"sistema"``. ``change``: the act changes an existing target,
    so ``antes`` or ``depois`` is set (a creation has ``antes`` None, a deletion ``depois`` None).
    ``named_rules=False`` only for operational acts that apply no rule of the rulebook (a DLQ redrive).
    """
    records = list(records)
    assert len(records) == 1, f"expected exactly one audit record, got {[r['ato'] for r in records]}"
    [record] = records
    assert record["ato"] and record["ato"] == record["ato"].upper(), record
    if act is not None:
        assert record["ato"] == act, record
    assert isinstance(record["regras"], list) and all(isinstance(rule, str) and rule for rule in record["regras"])
    if named_rules:
        assert record["regras"], f"{record['ato']}: no rule or legal basis named"
    assert record["quem"]["id"] and record["quem"]["tipo"] in {"usuario", "parceiro", "sistema"}, record
    if who is not None:
        assert record["quem"]["tipo"] == who, record
    if record["quem"]["tipo"] == "usuario":
        assert record["quem"]["nome"] and record["quem"]["papeis"], record
    datetime.fromisoformat(record["quando"])
    assert record["alvo"]["tipo"] and record["alvo"]["id"], record
    if target_type is not None:
        assert record["alvo"]["tipo"] == target_type, record
    assert record["correlacao"], record
    if change:
        assert record["antes"] is not None or record["depois"] is not None, f"{record['ato']}: no before/after"
    return record
