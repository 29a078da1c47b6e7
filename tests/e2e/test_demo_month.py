"""`make demo` as CI runs it (issue 11 §2): its own stack, the scripted month through the HTTP API, exit 0.

Each step checks its own expected answer (the demo exits 1 naming the step otherwise); this test asserts the
whole month passed, every step printed its line with the progress count, and the summary names the documents.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_make_demo_plays_the_month_and_prints_the_summary():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / "shared" / "src", ROOT / "infra", ROOT))}
    env.pop("AWS_ENDPOINT_URL", None)
    done = subprocess.run([sys.executable, "-m", "devstack", "demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    lines = [line for line in done.stdout.splitlines() if re.match(r"^\[\d\d/\d\d\] ", line)]
    total = int(lines[0][4:6])
    assert [int(line[1:3]) for line in lines] == list(range(1, total + 1))
    assert all(" ok (" in line for line in lines)
    for needed in ("verificador independente", "edital", "D−5", "41ª hora", "precatória", "ajuste"):
        assert any(needed in line for line in lines), needed
    assert "Processos por relator e classe" in done.stdout and "diferença (máx − mín)" in done.stdout
    assert "Documentos:" in done.stdout and "memorando 2027-03-gratificacao_cooperacao (PDF" in done.stdout
