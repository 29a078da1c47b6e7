"""pagamentos-svc's layers: the use cases (service, queries), the ports, the routes and the schemas know nothing
of PynamoDB, boto3 or the adapters; only ``adapters/`` (and the composition in deps.py) do."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "pagamentos-svc" / "chalicelib" / "pagamentos"
NO_AWS = ("service.py", "queries.py", "ports.py", "snapshot.py", "api.py", "schemas.py", "codec.py")
FORBIDDEN = ("boto3", "botocore", "pynamodb", "moto")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("name", NO_AWS)
def test_use_cases_routes_and_schemas_import_no_aws_and_no_adapter(name):
    imports = _imports(PACKAGE / name)
    offending = {i for i in imports if i.split(".")[0] in FORBIDDEN or ".adapters" in i
                 or i.startswith(("courtlib.persistence", "courtlib.messaging.outbox"))}
    assert not offending, f"{name} imports {sorted(offending)}"


@pytest.mark.parametrize("name", ("api.py",))
def test_no_handler_reaches_an_adapter(name):
    source = (PACKAGE / name).read_text()
    assert "deps.repository" not in source and "deps.documents" not in source


def test_the_check_sees_an_offence(tmp_path):
    bad = tmp_path / "service.py"
    bad.write_text("from pynamodb.exceptions import PutError\nfrom chalicelib.pagamentos.adapters import x\n")
    assert {"pynamodb.exceptions", "chalicelib.pagamentos.adapters"} <= _imports(bad)
