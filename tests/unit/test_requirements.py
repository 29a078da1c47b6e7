"""The runtime dependencies are listed once (shared/pyproject.toml); each service's requirements.txt is
generated from them by scripts/requirements.py, pinned to the lock (requirements-dev.txt)."""

from __future__ import annotations

import ast
import importlib.util
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")


def _script():
    spec = importlib.util.spec_from_file_location("requirements_script", ROOT / "scripts" / "requirements.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


requirements = _script()
PINS = requirements.locked_versions((ROOT / "requirements-dev.txt").read_text())


def test_every_service_requirements_txt_is_what_the_script_generates():
    files = requirements.expected()
    assert sorted(path.parent.name for path in files) == sorted(f"{s}-svc" for s in SERVICES)
    assert requirements.stale(files) == [], "rode `make requirements`"


@pytest.mark.parametrize("service", SERVICES)
def test_service_requirements_pin_the_shared_library_dependencies_to_the_lock(service):
    """courtlib is vendored without its dependencies, so each service lists them, at the lock's version."""
    shared = tomllib.loads((ROOT / "shared" / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (ROOT / f"{service}-svc" / "requirements.txt").read_text().splitlines()
    pinned = {canonicalize_name(line.split("==")[0]): line.split("==")[1] for line in lines if "==" in line}
    assert all(not line.strip() or line.startswith("#") or "==" in line for line in lines)
    for dependency in map(Requirement, shared):
        name = canonicalize_name(dependency.name)
        assert pinned.get(name) == PINS[name][1], f"{service}-svc: {name}"


def test_only_the_services_that_render_a_pdf_ship_fpdf2():
    shipping = {s for s in SERVICES if "fpdf2==" in (ROOT / f"{s}-svc" / "requirements.txt").read_text()}
    assert shipping == {"plantao", "distribuicao", "pagamentos"}


def test_every_pin_of_the_lock_carries_hashes():
    text = (ROOT / "requirements-dev.txt").read_text()
    entries = [e for e in text.replace("\\\n", " ").splitlines() if e and not e.startswith((" ", "#"))]
    assert len(entries) >= len(PINS) > 50  # PINS: only those that apply on Lambda
    assert all("==" in e and "--hash=sha256:" in e for e in entries), [e for e in entries if "--hash" not in e]


def test_the_lock_is_what_is_installed():
    wrong = {name: version for name, (_, version) in PINS.items() if _installed(name) not in (version, None)}
    assert not wrong, "rode `make` para instalar o lock"


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # a marker excludes it here (e.g. Windows-only)
        return None


def _imported_top_levels() -> set[str]:
    sources = [*(ROOT / "shared" / "src").rglob("*.py"),
               *(p for s in SERVICES for p in (ROOT / f"{s}-svc" / "chalicelib").rglob("*.py"))]
    names = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_every_runtime_dependency_and_extra_is_imported_by_the_code_it_ships_with():
    """No dependency, and no extra of one (Powertools' [tracer] was shipped and never used), rides along unused."""
    project = tomllib.loads((ROOT / "shared" / "pyproject.toml").read_text())["project"]
    declared = [Requirement(line) for line in project["dependencies"]]
    declared += [Requirement(line) for lines in project["optional-dependencies"].values() for line in lines]
    modules_of = metadata.packages_distributions()
    imported = {canonicalize_name(dist) for module in _imported_top_levels() for dist in modules_of.get(module, [])}
    assert [str(r) for r in declared if canonicalize_name(r.name) not in imported] == []
    assert [str(r) for r in declared if r.extras] == []


def test_of_a_package_pinned_per_platform_the_lambda_pin_is_taken():
    lock = ("a==1 ; sys_platform == 'win32' \\\n    --hash=sha256:00\n"
            "b==2 ; sys_platform == 'linux' \\\n    --hash=sha256:01\n"
            "b==3 ; sys_platform != 'linux' \\\n    --hash=sha256:02\n"
            "c==4 \\\n    --hash=sha256:03\n    # via b\n")
    assert requirements.locked_versions(lock) == {"b": ("b", "2"), "c": ("c", "4")}


def test_the_closure_follows_extras_and_lambda_markers_only():
    pins = {name: (name, "1") for name in ("a", "b", "c", "d", "e")}
    graph = {
        "a": ["b", "c ; extra == 'x'", "d ; sys_platform == 'win32'"],
        "b": ["e ; python_version < '3.12'"],
        "c": [], "d": [], "e": [],
    }
    closure = requirements.closure([Requirement("a")], pins, requires=lambda n: [Requirement(r) for r in graph[n]],
                                   version=lambda n: "1")
    assert sorted(closure) == ["a", "b", "e"]
    with_x = requirements.closure([Requirement("a[x]")], pins,
                                  requires=lambda n: [Requirement(r) for r in graph[n]], version=lambda n: "1")
    assert sorted(with_x) == ["a", "b", "c", "e"]


def test_the_closure_refuses_a_package_installed_at_another_version_than_the_lock():
    with pytest.raises(requirements.LockMismatch):
        requirements.closure([Requirement("a")], {"a": ("a", "1")}, requires=lambda n: [], version=lambda n: "2")
    with pytest.raises(requirements.LockMismatch):
        requirements.closure([Requirement("zz")], {}, requires=lambda n: [], version=lambda n: "1")
