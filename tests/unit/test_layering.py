"""The layering rules of the issue "Platform": domain code knows nothing of AWS; app.py only composes."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")
FORBIDDEN_IN_DOMAIN = ("boto3", "botocore", "pynamodb", "chalice", "aws_lambda_powertools", "moto")
PURE_SHARED_MODULES = ("calendar.py", "config.py")


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


def test_the_layering_check_sees_an_offence(tmp_path):
    bad = tmp_path / "rules.py"
    bad.write_text("from pynamodb.models import Model\nimport boto3\n")
    assert {"pynamodb.models", "boto3"} <= _imports(bad)


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
