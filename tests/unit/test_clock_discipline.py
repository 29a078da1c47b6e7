"""One clock for every service (issue 11 §1): nothing reads the wall clock but ``courtlib.clock``.

The source of courtlib, the services and the local stack is scanned with ``ast`` for
``datetime.now``/``datetime.utcnow``/``date.today``/``datetime.today``/``time.time`` calls.
``time.monotonic``/``perf_counter`` (durations) are fine.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")
CLOCK_MODULE = ROOT / "shared" / "src" / "courtlib" / "clock.py"
# (file, call) allowed outside the clock module, each with its reason.
ALLOWED = {
    # A fake of Powertools' persistence layer for tests: it compares with the in-progress deadline
    # that Powertools itself computes from the system clock (time.time), so it must read the same.
    ("shared/src/courtlib/http/testing.py", "time.time"),
}
FORBIDDEN_ATTRS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                   ("time", "time")}


def _source_files() -> list[Path]:
    roots = [ROOT / "shared" / "src", ROOT / "infra" / "devstack"]
    roots += [ROOT / f"{service}-svc" for service in SERVICES]
    files = [p for root in roots if root.exists() for p in root.rglob("*.py")]
    return sorted(p for p in files if p != CLOCK_MODULE and ".chalice" not in p.parts and "vendor" not in p.parts)


def wall_clock_calls(source: str, filename: str = "<source>") -> list[str]:
    """``"<line>: datetime.now"`` for each wall-clock call (``datetime.datetime.now`` and aliases too)."""
    tree = ast.parse(source, filename=filename)
    from_imports = {}  # local name -> "module.attr" for `from time import time` and the like
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            for alias in node.names:
                from_imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if isinstance(owner, ast.Name) and owner.id in from_imports:
                owner_name = from_imports[owner.id].rsplit(".", 1)[-1]
            if (owner_name, func.attr) in FORBIDDEN_ATTRS:
                found.append(f"{node.lineno}: {owner_name}.{func.attr}")
        elif isinstance(func, ast.Name) and from_imports.get(func.id) == "time.time":
            found.append(f"{node.lineno}: time.time")
    return sorted(found, key=lambda item: int(item.split(":")[0]))


@pytest.mark.parametrize("path", _source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_wall_clock_outside_courtlib_clock(path):
    relative = str(path.relative_to(ROOT))
    calls = [c for c in wall_clock_calls(path.read_text(), relative)
             if (relative, c.split(": ", 1)[1]) not in ALLOWED]
    assert not calls, f"{relative} reads the wall clock directly (use courtlib.clock): {calls}"


def test_the_scan_sees_each_form_of_wall_clock_call():
    source = ("import datetime, time\nfrom datetime import date, datetime as dt\nfrom time import time as now\n"
              "datetime.datetime.now()\ndt.now(tz)\ndate.today()\ndatetime.datetime.utcnow()\ntime.time()\n"
              "now()\ntime.monotonic()\ndt.fromisoformat('2027-01-01')\n")
    calls = wall_clock_calls(source)
    assert calls == ["4: datetime.now", "5: datetime.now", "6: date.today", "7: datetime.utcnow", "8: time.time",
                     "9: time.time"]


def test_the_scan_covers_every_service_and_the_local_stack():
    files = {str(p.relative_to(ROOT)).split("/")[0] for p in _source_files()}
    assert {"shared", "infra", *(f"{s}-svc" for s in SERVICES)} <= files
