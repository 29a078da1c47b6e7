"""Deployed apps cannot set the clock (issue 11 §1): no route, no variable a request can reach.

The packaged artifact is ``chalice package`` of each app (``infra/package.sh``): its API is the
app's route table and its functions are the app's handlers, so those are read here (running the
real packaging takes minutes). The source is read too: only the local stack (infra/devstack) and
tests install a settable clock.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from courtlib import clock

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")
CLOCKISH = re.compile(r"relogio|clock|agora|avancar", re.IGNORECASE)
SETTERS = {"SettableClock", "use", "using"}


@pytest.mark.parametrize("service", SERVICES)
def test_no_route_or_handler_of_a_deployed_app_touches_the_clock(service_app, service):
    app = service_app(service)
    paths = [path for path in app.routes if CLOCKISH.search(path)]
    handlers = [name for name in app.handler_map if CLOCKISH.search(name)]
    assert (paths, handlers) == ([], [])
    assert isinstance(clock.current(), clock.SystemClock), "importing an app installs no other clock"


def _setter_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == "courtlib.clock":
            found += [f"{node.lineno}: import {a.name}" for a in node.names if a.name in SETTERS | {"*"}]
        elif isinstance(node, ast.Attribute) and node.attr in SETTERS and getattr(node.value, "id", None) == "clock":
            found.append(f"{node.lineno}: clock.{node.attr}")
    return found


def _deployed_sources() -> list[Path]:
    files = [p for s in SERVICES for p in (ROOT / f"{s}-svc").rglob("*.py") if "vendor" not in p.parts]
    files += [p for p in (ROOT / "shared" / "src").rglob("*.py") if p.name != "clock.py"]
    return sorted(files)


def test_deployed_code_never_installs_a_settable_clock():
    offending = {str(p.relative_to(ROOT)): uses for p in _deployed_sources() if (uses := _setter_uses(p))}
    assert offending == {}


def test_the_source_check_sees_an_offence(tmp_path):
    bad = tmp_path / "app.py"
    bad.write_text("from courtlib import clock\nfrom courtlib.clock import SettableClock\nclock.use(None)\n")
    assert _setter_uses(bad) == ["2: import SettableClock", "3: clock.use"]


def test_no_deployed_configuration_names_a_clock_variable():
    documents = [ROOT / "infra" / "template.yaml", ROOT / "infra" / "identity.yaml",
                 *(ROOT / "infra" / "merge").glob("*.json"),
                 *(ROOT / f"{s}-svc" / ".chalice" / "config.json" for s in SERVICES)]
    for document in (d for d in documents if d.exists()):
        text = document.read_text()
        if document.suffix == ".json":
            text = json.dumps(json.loads(text))
        # an environment variable's or parameter's name (comments may speak of a queue's clock)
        assert not re.search(r"\b[A-Z0-9_]*(RELOGIO|CLOCK|FAKE_?TIME|AGORA)[A-Z0-9_]*\b|[Rr]elogio|[A-Za-z]+Clock\b",
                             text), document.name


def test_the_clock_reads_no_environment_variable_but_the_tribunal_it_serves():
    source = (ROOT / "shared" / "src" / "courtlib" / "clock.py").read_text()
    read = {node.args[0].value if isinstance(node.args[0], ast.Constant) else ast.unparse(node.args[0])
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and ast.unparse(node.func.value) == "os.environ" and node.args}
    assert read == {"TRIBUNAL_ID", "TRIBUNAL_CONFIG_ENV"}
