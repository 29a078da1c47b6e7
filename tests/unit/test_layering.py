"""The layering rules: domain code knows nothing of AWS; the use cases, reads, ports, schemas and routes know
the ports only (no PynamoDB, boto3 or adapter: those live in ``adapters/``, composed by ``deps.py``); handlers
reach use cases and reads, never an adapter; app.py only composes."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")
FORBIDDEN_IN_DOMAIN = ("boto3", "botocore", "pynamodb", "chalice", "aws_lambda_powertools", "moto")
PURE_SHARED_MODULES = ("calendar/__init__.py", "config.py")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _domain_files() -> list[Path]:
    files = [p for s in SERVICES for p in (ROOT / f"{s}-svc" / "chalicelib" / s / "domain").rglob("*.py")]
    files += [ROOT / "shared" / "src" / "courtlib" / name for name in PURE_SHARED_MODULES]
    return [f for f in files if f.exists()]


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_code_imports_no_aws(path):
    offending = {name for name in _imports(path) if name.split(".")[0] in FORBIDDEN_IN_DOMAIN}
    offending |= {name for name in _imports(path) if name.startswith(("courtlib.persistence", "courtlib.messaging"))}
    offending |= {name for name in _imports(path) if ".adapters" in name}
    assert not offending, f"{path.name} imports {sorted(offending)}"


# The composition (deps.py builds the adapters; consumers.py and settings.py wire the Lambda handlers).
COMPOSITION = {"deps.py", "consumers.py", "settings.py", "__init__.py"}
STORE_MODULES = ("courtlib.persistence", "courtlib.messaging.outbox", "courtlib.calendar_store",
                 "courtlib.calendar.store")
# What a handler may reach through ``ctx.deps``: use cases and reads, never an adapter.
USE_CASES_AND_READS = {"service", "draws", "queries", "judicial", "precatorias", "edital_queries"}


def _above_the_adapters() -> list[Path]:
    return [path for service in SERVICES
            for path in sorted((ROOT / f"{service}-svc" / "chalicelib" / service).glob("*.py"))
            if path.name not in COMPOSITION]


def _store_offences(path: Path) -> set[str]:
    imported = _imports(path)
    return ({name for name in imported if name.split(".")[0] in FORBIDDEN_IN_DOMAIN and name != "chalice"}
            | {name for name in imported if ".adapters" in name or name.startswith(STORE_MODULES)})


@pytest.mark.parametrize("path", _above_the_adapters(), ids=lambda p: str(p.relative_to(ROOT)))
def test_use_cases_reads_ports_schemas_and_routes_know_no_store(path):
    assert not _store_offences(path), f"{path.name} imports {sorted(_store_offences(path))}"


@pytest.mark.parametrize("path", [p for p in _above_the_adapters() if p.name.startswith("api")],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_handlers_reach_only_use_cases_and_reads_and_translate_no_error(path):
    source = path.read_text()
    reached = set(re.findall(r"ctx\.deps\.(\w+)", source))
    assert reached <= USE_CASES_AND_READS, f"{path.name} reaches {sorted(reached - USE_CASES_AND_READS)}"
    tree = ast.parse(source)
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Try)], \
        "errors are raised as courtlib.errors types and answered by the dispatcher, not caught in a route"


def test_the_layering_check_sees_an_offence(tmp_path):
    bad = tmp_path / "rules.py"
    bad.write_text("from pynamodb.models import Model\nimport boto3\n")
    assert {"pynamodb.models", "boto3"} <= _imports(bad)
    service = tmp_path / "service.py"
    service.write_text("from pynamodb.exceptions import PutError\nfrom chalicelib.x.adapters.dynamodb import Store\n")
    assert _store_offences(service) == {"pynamodb.exceptions", "chalicelib.x.adapters.dynamodb"}


@pytest.mark.parametrize("service", SERVICES)
def test_service_layout(service):
    base = ROOT / f"{service}-svc"
    package = base / "chalicelib" / service
    for required in ("app.py", ".chalice/config.json", "requirements.txt"):
        assert (base / required).is_file(), required
    for required in ("api.py", "consumers.py", "settings.py", "domain/__init__.py", "adapters/__init__.py"):
        assert (package / required).is_file(), required
    assert not (base / "chalicelib" / "__init__.py").exists(), "chalicelib must stay a namespace package"


@pytest.mark.parametrize("service", SERVICES)
def test_app_py_is_only_a_composition_root(service):
    source = (ROOT / f"{service}-svc" / "app.py").read_text()
    tree = ast.parse(source)
    functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    assert not functions, "handlers belong in chalicelib/<service>/api.py or consumers.py"
    assert len(source.splitlines()) <= 30
