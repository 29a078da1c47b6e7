"""Each service's route table (``chalicelib/<svc>/route_table.json``) against its declared routes: the table is
current, the app registers from it the same Chalice routes as an eager registration would, imports no route module
with ``app`` (the cold start), and serves the same OpenAPI document.

When a route is added or changed: ``python scripts/route_tables.py --write``."""

from __future__ import annotations

import importlib.util
import json
import subprocess
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


_FIRST_REFUSED = """
import json, sys
sys.path.insert(0, {directory!r})
import app
{request}
loaded = sorted(name for name in sys.modules if name.split(".")[0] in {{"pynamodb", "botocore", "boto3", "chalicelib"}})
sys.stdout.write(chr(10) + json.dumps(loaded))
"""


@pytest.mark.parametrize("service", SERVICES)
def test_a_first_request_refused_for_its_body_imports_neither_the_route_module_nor_pynamodb(service):
    """The bench's cold start (``bench/imports.py``): ``import app`` and a POST its route refuses with 422. The
    answer comes from the route's table entry and body model; its use cases and the AWS clients stay unimported."""
    from bench.imports import _FIRST_REQUEST, FIRST_REQUESTS

    route, group = FIRST_REQUESTS[service]
    directory = ROOT / f"{service}-svc"
    code = _FIRST_REFUSED.format(directory=str(directory), request=_FIRST_REQUEST.format(route=route, group=group))
    done = subprocess.run([sys.executable, "-c", code], cwd=directory, env=route_tables.environment(service),
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # botocore's package itself is imported with Powertools (for its version); its client, session… are not
    assert not [name for name in loaded if name.startswith(("pynamodb", "boto3", "botocore."))]
    assert f"chalicelib.{service}.schemas" in loaded
    route_modules = tuple(f"chalicelib.{service}.{name}" for name in ("api", "adapters", "deps"))
    assert not [name for name in loaded if name.startswith(route_modules)]
