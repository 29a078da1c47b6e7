"""Each service's requirements.txt, generated from the one list of runtime dependencies.

The source is courtlib's ``[project] dependencies`` in shared/pyproject.toml, plus the extras a service
asks for in the root pyproject.toml (``[tool.requirements.services]``). Every package that list needs on
Lambda (python3.11, linux x86_64), transitive ones included, is written pinned (``==``) to the version the
lock (requirements-dev.txt) has, so ``chalice package`` ships the versions the tests ran on. The graph is
read from the installed packages' metadata, which must match the lock (``make`` installs it).

    python scripts/requirements.py            # print what each requirements.txt should be
    python scripts/requirements.py --write    # rewrite them
    python scripts/requirements.py --check    # exit 1 when one is out of date
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from importlib import metadata
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK, SHARED, CONFIG = "requirements-dev.txt", "shared/pyproject.toml", "pyproject.toml"  # under the root
# The Lambda runtime the services are packaged for (infra/package.sh: python3.11, x86_64).
LAMBDA_ENVIRONMENT = {
    "implementation_name": "cpython",
    "implementation_version": "3.11.0",
    "os_name": "posix",
    "platform_machine": "x86_64",
    "platform_python_implementation": "CPython",
    "platform_release": "",
    "platform_system": "Linux",
    "platform_version": "",
    "python_full_version": "3.11.0",
    "python_version": "3.11",
    "sys_platform": "linux",
}
_LOCK_LINE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;([^\\]+))?")


class LockMismatch(Exception):
    """The installed packages are not the lock's: the dependency graph read from them would be wrong."""


def locked_versions(lock_text: str) -> dict[str, tuple[str, str]]:
    """canonical name -> (name as the lock spells it, pinned version), of the pins that apply on Lambda.

    A universal lock may pin a package twice under exclusive markers (one version per platform)."""
    pins: dict[str, tuple[str, str]] = {}
    for line in lock_text.splitlines():
        match = _LOCK_LINE.match(line)
        if match and (match.group(3) is None or _evaluate(Marker(match.group(3).strip()), "")):
            pins[canonicalize_name(match.group(1))] = (match.group(1), match.group(2))
    return pins


def service_extras(config_text: str) -> dict[str, list[str]]:
    """service -> the courtlib extras its requirements.txt carries."""
    services: dict[str, list[str]] = tomllib.loads(config_text)["tool"]["requirements"]["services"]
    return services


def courtlib_requirements(shared_text: str, extras: Iterable[str]) -> list[Requirement]:
    project = tomllib.loads(shared_text)["project"]
    lines = list(project["dependencies"])
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        if extra not in optional:
            raise KeyError(f"shared/pyproject.toml não declara o extra {extra!r}")
        lines += optional[extra]
    return [Requirement(line) for line in lines]


def _applies(requirement: Requirement, extras: Iterable[str]) -> bool:
    """On Lambda, with these extras asked of the package that lists it (``extra == "x"`` needs ``x``)."""
    if requirement.marker is None:
        return True
    return any(_evaluate(requirement.marker, extra) for extra in (*extras, ""))


def _evaluate(marker: Marker, extra: str) -> bool:
    return marker.evaluate({**LAMBDA_ENVIRONMENT, "extra": extra})


def installed_requires(name: str) -> list[Requirement]:
    return [Requirement(line) for line in metadata.requires(name) or []]


def closure(roots: Iterable[Requirement], pins: Mapping[str, tuple[str, str]],
            requires: Callable[[str], list[Requirement]] = installed_requires,
            version: Callable[[str], str] = metadata.version) -> dict[str, str]:
    """Every package ``roots`` need on Lambda: canonical name -> the lock's version.

    ``requires`` and ``version`` read the installed packages (parameters so a test can give a graph)."""
    needed: dict[str, set[str]] = {}  # canonical name -> the extras asked of it
    pending = [r for r in roots if _applies(r, ())]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name not in pins:
            raise LockMismatch(f"{requirement.name} não está em requirements-dev.txt: rode `make lock`")
        asked = set(requirement.extras)
        if name in needed and asked <= needed[name]:
            continue
        needed[name] = needed.get(name, set()) | asked
        installed = version(name)
        if installed != pins[name][1]:
            raise LockMismatch(f"{name} {installed} instalado, {pins[name][1]} no lock: rode `make` para reinstalar")
        pending += [r for r in requires(name) if _applies(r, needed[name])]
    return {name: pins[name][1] for name in needed}


def render(service: str, extras: list[str], packages: Mapping[str, str],
           pins: Mapping[str, tuple[str, str]]) -> str:
    extras_note = f" with its extras {', '.join(extras)}" if extras else ""
    header = [
        f"# {service}-svc's runtime dependencies, generated by scripts/requirements.py (make requirements)",
        f"# from courtlib's in shared/pyproject.toml{extras_note}: all that Lambda needs of them, pinned to the",
        "# lock (requirements-dev.txt). Packaged by `chalice package`; courtlib is vendored by infra/package.sh.",
    ]
    lines = [f"{pins[name][0]}=={packages[name]}" for name in sorted(packages)]
    return "\n".join(header + lines) + "\n"


def expected(root: Path = ROOT) -> dict[Path, str]:
    """requirements.txt path -> its content."""
    pins = locked_versions((root / LOCK).read_text())
    shared_text = (root / SHARED).read_text()
    files = {}
    for service, extras in service_extras((root / CONFIG).read_text()).items():
        packages = closure(courtlib_requirements(shared_text, extras), pins)
        files[root / f"{service}-svc" / "requirements.txt"] = render(service, extras, packages, pins)
    return files


def stale(files: Mapping[Path, str]) -> list[Path]:
    return [path for path, text in files.items() if not path.is_file() or path.read_text() != text]


def main(argv: list[str]) -> int:
    try:
        files = expected()
    except LockMismatch as mismatch:
        sys.stderr.write(f"requirements.py: {mismatch}\n")
        return 1
    if "--write" in argv:
        for path, text in files.items():
            path.write_text(text)
        return 0
    if "--check" in argv:
        for path in stale(files):
            sys.stderr.write(f"{path.relative_to(ROOT)} desatualizado: rode `make requirements`\n")
        return 1 if stale(files) else 0
    for path, text in files.items():
        sys.stdout.write(f"==> {path.relative_to(ROOT)}\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
