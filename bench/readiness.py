"""How long `make run` takes to be ready, demo data included: the goal the README states (≤5 s).

Each run starts ``python -m devstack run`` as `make run` does (its own process, demo users and data), on
ephemeral ports, and times from the start of the process to the ready file it writes once the banner is
printed. The banner's own first line (where the time went) is shown with it. The median of the runs is
compared with the goal; a wall-clock goal is the point of this figure, so it is in seconds, not a ratio.

The machine is shared and the wall-clock time grows with its load, so each run also shows the CPU time
the stack's process used until ready (user + system), which does not: a change that makes the start
cheaper shows there even when the load hides it in the wall-clock time.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench import goals
from bench.stats import median
from devstack.process import StackDidNotStart, stack_process

GOAL_S = 5.0
RUNS = 3
START_TIMEOUT_S = 90.0


def start_once(folder: Path) -> tuple[float, float | None, str]:
    """Seconds from spawning the stack to its ready file, its CPU seconds by then, and the banner's first
    line; the stack is stopped."""
    try:
        with stack_process(folder, start_timeout=START_TIMEOUT_S, stop_timeout=20) as stack:
            seconds, cpu = stack.seconds_to_ready, stack.cpu_seconds_to_ready
    except StackDidNotStart as error:
        raise RuntimeError(str(error)[-500:]) from None
    banner = next((line for line in stack.log.read_text().splitlines() if line.startswith("pronto em")), "")
    return seconds, cpu, banner


def run(emit: Callable[[str], None], runs: int = RUNS) -> bool:
    emit(f"make run: pronto com os dados de demonstração (do início do processo ao arquivo de prontidão; "
         f"mediana de {runs})")
    times: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-readiness-") as folder:
        for number in range(runs):
            try:
                seconds, cpu, banner = start_once(Path(folder))
            except RuntimeError as error:
                emit(f"  execução {number + 1}: falhou ({error})")
                return False
            times.append(seconds)
            cpus += [cpu] if cpu is not None else []
            used = f" (CPU {cpu:.1f} s)" if cpu is not None else ""
            emit(f"  execução {number + 1}: {seconds:.1f} s{used} — banner: {banner}")
    if cpus:
        emit(f"  CPU do processo até pronto: mediana {median(cpus):.1f} s (muda bem menos com a carga da máquina)")

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    emit(f"  carga média do sistema ao fim (1 min): {load:.1f} em {os.cpu_count()} núcleo(s); o tempo cresce com ela")
    middle = median(times)
    verdict = goals.at_most("pilha pronta (mediana)", middle, GOAL_S, " s")
    emit(f"  mediana {middle:.1f} s (mín. {min(times):.1f} s, máx. {max(times):.1f} s); "
         f"meta ≤{GOAL_S:.0f} s: {verdict}")
    return True


if __name__ == "__main__":
    sys.exit(0 if run(lambda line: print(line, flush=True)) else 1)
