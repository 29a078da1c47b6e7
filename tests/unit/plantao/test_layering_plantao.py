"""plantao-svc's layers beyond domain/ (which tests/unit/test_layering.py keeps pure): the use cases, the reads,
the ports, the schemas and the routes know no store (PynamoDB, boto3) and no adapter; the handlers reach the
use cases and the reads only, never an adapter through ``ctx.deps``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "plantao-svc" / "chalicelib" / "plantao"
ABOVE_THE_ADAPTERS = ("service.py", "queries.py", "ports.py", "schemas.py", "codec.py", "api.py")
FORBIDDEN = ("pynamodb", "boto3", "botocore", "moto")
STORE_MODULES = ("courtlib.persistence", "courtlib.messaging.outbox", "courtlib.calendar.store")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _offences(path: Path) -> set[str]:
    imported = _imports(path)
    return ({n for n in imported if n.split(".")[0] in FORBIDDEN} | {n for n in imported if ".adapters" in n}
            | {n for n in imported if n.startswith(STORE_MODULES)})


@pytest.mark.parametrize("name", ABOVE_THE_ADAPTERS)
def test_use_cases_reads_ports_and_routes_import_no_store_and_no_adapter(name):
    assert not _offences(PACKAGE / name), f"{name} imports {sorted(_offences(PACKAGE / name))}"


def test_the_check_sees_an_offence(tmp_path):
    bad = tmp_path / "service.py"
    bad.write_text("from pynamodb.exceptions import PutError\nfrom chalicelib.plantao.adapters.dynamodb import X\n")
    assert _offences(bad) == {"pynamodb.exceptions", "chalicelib.plantao.adapters.dynamodb"}


def test_handlers_reach_only_the_use_cases_and_the_reads():
    """No ``ctx.deps.repository`` (or documents, notifier…) in a route, and no error translation of its own."""
    tree = ast.parse((PACKAGE / "api.py").read_text())
    reached = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
               and isinstance(node.value, ast.Attribute) and node.value.attr == "deps"}
    assert reached == {"service", "queries"}
    caught = [node for node in ast.walk(tree) if isinstance(node, ast.Try | ast.With)]
    assert not caught, "errors are raised as courtlib.errors types and answered by the dispatcher"
