"""How long `make run` takes to be ready, demo data included: the goal the README states (≤5 s).

Each run starts ``python -m devstack run`` as `make run` does (its own process, demo users and data), on
ephemeral ports, and times from the start of the process to the ready file it writes once the banner is
printed. The banner's own first line (where the time went) is shown with it. The median of the runs is
compared with the goal; a wall-clock goal is the point of this figure, so it is in seconds, not a ratio.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.stats import median

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 5.0
RUNS = 3
START_TIMEOUT_S = 90.0
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")


def _command(ready_file: Path) -> list[str]:
    command = [sys.executable, "-m", "devstack", "run", "--moto-port", "0", "--control-port", "0",
               "--ready-file", str(ready_file)]
    for service in SERVICES:
        command += ["--port", f"{service}=0"]
    return command


def start_once(folder: Path) -> tuple[float, str]:
    """Seconds from spawning the stack to its ready file, and the banner's first line; the stack is stopped."""
    ready_file, out = folder / "ready.json", folder / "stdout.txt"
    ready_file.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / "shared" / "src", ROOT / "infra",
                                                                         ROOT))}
    env.pop("AWS_ENDPOINT_URL", None)
    with out.open("w") as stdout:
        began = time.monotonic()
        process = subprocess.Popen(_command(ready_file), cwd=ROOT, env=env, stdout=stdout,
                                   stderr=subprocess.STDOUT)
        try:
            while not ready_file.exists():
                if process.poll() is not None or time.monotonic() - began > START_TIMEOUT_S:
                    raise RuntimeError("a pilha não ficou pronta: " + out.read_text()[-500:])
                time.sleep(0.02)
            seconds = time.monotonic() - began
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    banner = next((line for line in out.read_text().splitlines() if line.startswith("pronto em")), "")
    return seconds, banner


def run(emit: Callable[[str], None], runs: int = RUNS) -> bool:
    emit(f"make run: pronto com os dados de demonstração (do início do processo ao arquivo de prontidão; "
         f"mediana de {runs})")
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-readiness-") as folder:
        for number in range(runs):
            try:
                seconds, banner = start_once(Path(folder))
            except RuntimeError as error:
                emit(f"  execução {number + 1}: falhou ({error})")
                return False
            times.append(seconds)
            emit(f"  execução {number + 1}: {seconds:.1f} s — banner: {banner}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    emit(f"  carga média do sistema ao fim (1 min): {load:.1f} em {os.cpu_count()} núcleo(s); o tempo cresce com ela")
    middle = median(times)
    verdict = "atingida" if middle <= GOAL_S else "NÃO atingida"
    emit(f"  mediana {middle:.1f} s (mín. {min(times):.1f} s, máx. {max(times):.1f} s); meta ≤{GOAL_S:.0f} s: {verdict}")
    return True


if __name__ == "__main__":
    sys.exit(0 if run(lambda line: print(line, flush=True)) else 1)
