"""distribuicao-svc's layers: the use cases and the routes know the ports, never the store (no PynamoDB, boto3,
botocore, nor the adapters), and no handler reaches an adapter through ``ctx.deps``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "distribuicao-svc" / "chalicelib" / "distribuicao"
AWS = ("pynamodb", "boto3", "botocore")
USE_CASES = ("service.py", "precatorias.py", "ports.py", "queries.py")
ROUTES = ("api.py", "api_precatorias.py", "api_editais.py", "schemas.py")
ADAPTERS_ALLOWED = {"queries.py": {"chalicelib.distribuicao.adapters.edital"}}  # the S3 keys of an edital (pure)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("name", USE_CASES + ROUTES)
def test_use_cases_and_routes_import_neither_the_store_nor_the_adapters(name):
    imports = _imports(PACKAGE / name)
    offending = {i for i in imports if i.split(".")[0] in AWS}
    offending |= {i for i in imports if ".adapters" in i} - ADAPTERS_ALLOWED.get(name, set())
    assert not offending, f"{name} imports {sorted(offending)}"


@pytest.mark.parametrize("name", ROUTES)
def test_no_handler_reaches_an_adapter_through_the_deps(name):
    source = (PACKAGE / name).read_text(encoding="utf-8")
    reached = set(re.findall(r"ctx\.deps\.(\w+)", source))
    assert reached <= {"service", "precatorias", "edital_queries"}, sorted(reached)


def test_the_check_sees_an_offence(tmp_path):
    bad = tmp_path / "service.py"
    bad.write_text("from pynamodb.models import Model\nfrom chalicelib.distribuicao.adapters.dynamodb import X\n")
    assert {"pynamodb.models", "chalicelib.distribuicao.adapters.dynamodb"} <= _imports(bad)
