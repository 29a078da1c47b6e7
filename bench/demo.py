"""``make demo``'s run, timed as a reader would feel it (issue 11 §2): the stack's start plus the scripted month.

Runs ``python -m devstack demo`` as a child process (its own stack on ephemeral ports) and prints the seconds
and whether the ≤90 s goal on the reference machine (2 cores) is met. Alone: ``python -m bench.demo``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import goals

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 90.0


def run(emit: Callable[[str], None]) -> bool:
    emit("make demo (um mês do tribunal pela API HTTP, pilha incluída)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / "shared" / "src", ROOT / "infra", ROOT))}
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "devstack", "demo"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    seconds = time.monotonic() - began
    if done.returncode != 0:
        emit(f"  não mediu: a demo falhou (código {done.returncode})")
        emit("  " + "\n  ".join(done.stdout.strip().splitlines()[-6:]))
        return False
    steps = sum(1 for line in done.stdout.splitlines() if line.startswith("[") and line.rstrip().endswith("s)"))
    emit(f"  {steps} passos em {seconds:.1f} s; meta ≤{GOAL_SECONDS:.0f} s: "
         f"{goals.at_most('demonstração do mês', seconds, GOAL_SECONDS, ' s')}")
    return True


if __name__ == "__main__":
    sys.exit(0 if run(print) else 1)
