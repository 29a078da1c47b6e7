"""Each service's route table (``chalicelib/<svc>/route_table.json``) against its declared routes: the table is
current, the app registers from it the same Chalice routes as an eager registration would, imports no route module
with ``app`` (the cold start), and serves the same OpenAPI document.

When a route is added or changed: ``python scripts/route_tables.py --write``."""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")


def _script():
    spec = importlib.util.spec_from_file_location("route_tables", ROOT / "scripts" / "route_tables.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


route_tables = _script()


@cache
def inspected(service: str) -> dict:
    return route_tables.inspect(service)


@pytest.mark.parametrize("service", SERVICES)
def test_the_route_table_is_what_the_declared_routes_make(service):
    expected = inspected(service)["table"]
    assert route_tables.table_path(service).read_text(encoding="utf-8") == expected, (
        "run: python scripts/route_tables.py --write")


@pytest.mark.parametrize("service", SERVICES)
def test_the_app_imports_no_route_module_and_registers_the_same_routes_as_an_eager_app(service):
    result = inspected(service)
    assert result["lazy_at_import"]
    assert result["lazy"] == result["eager"]
    assert len(result["lazy"]) > 30


@pytest.mark.parametrize("service", SERVICES)
def test_openapi_json_is_the_same_document_as_before_the_table(service):
    result = inspected(service)
    assert result["openapi_lazy"]["paths"]
    assert result["openapi_lazy"] == result["openapi_eager"]
