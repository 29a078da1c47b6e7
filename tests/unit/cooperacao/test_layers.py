"""cooperacao-svc's use cases, queries, ports and routes know nothing of the store (issue 13): PynamoDB and boto3
live in adapters/ only, and no handler reaches an adapter through ``ctx.deps``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "cooperacao-svc" / "chalicelib" / "cooperacao"
STORE_FREE = ("service.py", "judicial.py", "queries.py", "ports.py", "schemas.py", "api.py", "api_judicial.py",
              "schedules.py")
FORBIDDEN = ("pynamodb", "boto3", "botocore", "courtlib.persistence", "courtlib.messaging.outbox")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("name", STORE_FREE)
def test_use_cases_queries_ports_and_routes_import_no_store(name):
    imports = _imports(PACKAGE / name)
    offending = {i for i in imports if i.startswith(FORBIDDEN) or ".adapters" in i}
    assert not offending, f"{name} imports {sorted(offending)}"


@pytest.mark.parametrize("name", ["api.py", "api_judicial.py"])
def test_handlers_reach_use_cases_and_queries_only(name):
    source = (PACKAGE / name).read_text()
    reached = set(re.findall(r"ctx\.deps\.(\w+)", source))
    assert reached <= {"service", "queries", "judicial"}, sorted(reached)
    assert "ProblemError" not in source and "problems()" not in source


def test_the_check_sees_an_offence(tmp_path):
    bad = tmp_path / "service.py"
    bad.write_text("from pynamodb.models import Model\nfrom chalicelib.cooperacao.adapters.store import Store\n")
    assert {"pynamodb.models", "chalicelib.cooperacao.adapters.store"} <= _imports(bad)
