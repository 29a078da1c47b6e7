"""Schemathesis over each service's own ``/openapi.json``, on a local stack, as the callers each route admits.

Every operation gets ``FUZZ_EXAMPLES`` valid and as many invalid requests (seeded: the same cases on
every run), sent with a token of a role the operation allows (taking the allowed demo users in turn),
a partner court's signature on partner routes, nothing on public ones. Every answer must be:

- no 5xx;
- declared in the operation's OpenAPI responses;
- a refusal (4xx) as ``application/problem+json`` with ``status``, ``code`` and ``detail``.

All findings of a service are gathered, then reported together. ``make fuzz`` runs a larger budget.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.local_stack import SERVICES, demo_users_by_role, register_partner, sign_prepared

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
PARTNER = "FUZZ-PARCEIRO"
TIMEOUT = 30

@dataclass
class Findings:
    service: str
    sent: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    problems: dict[tuple[str, str, int, str], str] = field(default_factory=dict)

    def add(self, label: str, status: int, what: str, example: str) -> None:
        self.problems.setdefault((label, what, status, ""), example)

    def report(self) -> str:
        lines = [f"{label} → {status}: {what}\n    {example}" for (label, what, status, _), example
                 in sorted(self.problems.items())]
        return f"{self.service}: {len(self.problems)} finding(s)\n" + "\n".join(lines)


def _problem_defect(response: requests.Response) -> str | None:
    """Why a 4xx/5xx answer is not a proper problem document, or None."""
    content_type = response.headers.get("Content-Type", "")
    if not content_type.startswith("application/problem+json"):
        return f"Content-Type {content_type!r}, not application/problem+json"
    try:
        body = response.json()
    except ValueError:
        return "body is not JSON"
    if not isinstance(body, dict):
        return "body is not an object"
    if body.get("status") != response.status_code:
        return f"status member {body.get('status')!r} ≠ {response.status_code}"
    missing = [name for name in ("code", "detail") if not isinstance(body.get(name), str) or not body[name]]
    return f"missing {', '.join(missing)}" if missing else None


def _example(prepared: requests.PreparedRequest, response: requests.Response) -> str:
    body = prepared.body if isinstance(prepared.body, str) else (prepared.body or b"").decode("utf-8", "replace")
    return (f"{prepared.method} {prepared.url} body={body[:300]!r} → "
            f"{response.status_code} {response.headers.get('Content-Type')} {response.text[:300]!r}")


def _callers(operation: dict[str, Any], by_role: dict[str, list[str]]) -> list[str | None]:
    """The demo users who may call ``operation`` (None: no token — public and partner routes)."""
    if operation.get("x-acesso") != "perfis":
        return [None]
    return sorted({user for role in operation.get("x-roles", []) for user in by_role.get(role, [])})


@pytest.mark.parametrize("service", SERVICES)
def test_fuzz_service_answers_only_declared_statuses_as_problems(fuzz_stack, service):
    base = fuzz_stack["urls"][service]
    tokens = fuzz_stack["tokens"]
    document = requests.get(f"{base}/openapi.json", timeout=TIMEOUT).json()
    partner_routes = any(op.get("x-acesso") == "parceiro" for item in document["paths"].values()
                         for op in item.values())
    secret = register_partner(base, tokens["admin.ti"], PARTNER) if partner_routes else None
    schema = schemathesis.openapi.from_dict(document)
    by_role = demo_users_by_role()
    findings = Findings(service)
    session = requests.Session()

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(item) for item in document["paths"].values())

    def exercise_of(raw: dict[str, Any], declared: set[str], callers: Iterator[str | None],
                    label: str) -> Callable[[Any], None]:
        """The test body of one operation, its values bound here rather than read from the loop below."""

        def exercise(case: Any) -> None:
            user = next(callers)
            kwargs = case.as_transport_kwargs(base_url=base)
            # Schemathesis' invalid cases drop or garble the credential; the matrix covers that, here the
            # point is to reach the handler, so the caller's credential is always set.
            kwargs["headers"].pop("Authorization", None)
            if user is not None:
                kwargs["headers"]["Authorization"] = f"Bearer {tokens[user]}"
            request = requests.Request(method=kwargs["method"], url=kwargs["url"], headers=kwargs["headers"],
                                       params=kwargs.get("params"), json=kwargs.get("json"),
                                       data=kwargs.get("data"))
            try:
                prepared = session.prepare_request(request)
                if raw.get("x-acesso") == "parceiro":
                    sign_prepared(prepared, PARTNER, secret)
                response = session.send(prepared, timeout=TIMEOUT)
            except (ValueError, requests.exceptions.InvalidHeader, UnicodeError):
                findings.sent["unsendable"] += 1  # a header or URL no HTTP client would send
                return
            findings.sent[label] += 1
            status = response.status_code
            findings.statuses[status] += 1
            if status == 401 and (user is not None or raw.get("x-acesso") == "parceiro"):
                findings.add(label, status, "a caller the route admits was refused", _example(prepared, response))
            if status >= 500:
                findings.add(label, status, "server error", _example(prepared, response))
            if str(status) not in declared:
                findings.add(label, status, f"status not declared (declared: {sorted(declared)})",
                             _example(prepared, response))
            if status >= 400:
                defect = _problem_defect(response)
                if defect:
                    findings.add(label, status, defect, _example(prepared, response))

        return exercise

    for operation in operations:
        raw = operation.definition.raw
        declared = set(raw["responses"])
        callers = itertools.cycle(_callers(raw, by_role))
        label = f"{operation.method.upper()} {operation.path}"
        exercise = exercise_of(raw, declared, callers, label)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                           suppress_health_check=list(HealthCheck))(given(operation.as_strategy(mode))(exercise))
            run()

    total = sum(count for label, count in findings.sent.items() if label != "unsendable")
    print(f"\n{service}: {len(operations)} operations, {total} requests, statuses "
          f"{dict(sorted(findings.statuses.items()))}, unsendable {findings.sent['unsendable']}")
    assert not findings.problems, findings.report()
