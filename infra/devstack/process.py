"""The local stack as `make run` starts it, in a process of its own on ephemeral ports.

One way to spawn it for everything that drives a stack from outside: `make demo`, the readiness bench
and the end-to-end tests. The stack writes its ready file (urls, tokens, outputs, control_url) once
the banner is printed; Ctrl-C (SIGINT) stops it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")


class StackDidNotStart(RuntimeError):
    """The process ended, or the timeout passed, before the ready file; the message ends with its log."""


@dataclass
class StackProcess:
    ready: dict[str, Any]
    seconds_to_ready: float  # from spawning the process to its ready file
    log: Path
    returncode: int | None = field(default=None)  # once stopped
    cpu_seconds_to_ready: float | None = field(default=None)  # the process's CPU time (user + system) by then


def command(ready_file: Path, *, parameters: Mapping[str, str] | None = None, now: str | None = None,
            dynamodb: str = "moto", beacon_period_s: int | None = None) -> list[str]:
    argv = [sys.executable, "-m", "devstack", "run", "--moto-port", "0", "--control-port", "0", "--web-port", "0",
            "--ready-file", str(ready_file), "--dynamodb", dynamodb]
    for name, value in (parameters or {}).items():
        argv += ["--parameter", f"{name}={value}"]
    if now is not None:
        argv += ["--agora", now]
    if beacon_period_s is not None:
        argv += ["--farol-periodo", str(beacon_period_s)]
    for service in (*SERVICES, "farol"):  # the local beacon too (devstack.beacon)
        argv += ["--port", f"{service}=0"]
    return argv


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def stack_process(directory: Path, *, parameters: Mapping[str, str] | None = None, now: str | None = None,
                  start_timeout: float = 90.0, stop_timeout: float = 60.0,
                  dynamodb: str = "moto", beacon_period_s: int | None = None) -> Iterator[StackProcess]:
    """Spawns the stack (its clock at ``now``, ISO 8601, if given; its tables on ``dynamodb``: moto or DynamoDB
    Local; its local beacon's period, ``--farol-periodo``) with its output in ``directory/stack.log``,
    yields once it is ready, and stops it with Ctrl-C (killed after ``stop_timeout``); the exit code is left
    in ``returncode``. :class:`StackDidNotStart` if it is not ready within ``start_timeout``."""
    ready_file, log = directory / "ready.json", directory / "stack.log"
    ready_file.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / "shared" / "src", ROOT / "infra",
                                                                         ROOT))}
    env.pop("AWS_ENDPOINT_URL", None)
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    with log.open("w") as output:
        began = time.monotonic()
        argv = command(ready_file, parameters=parameters, now=now, dynamodb=dynamodb, beacon_period_s=beacon_period_s)
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            while not ready_file.exists():
                if process.poll() is not None or time.monotonic() - began > start_timeout:
                    raise StackDidNotStart(f"a pilha local não subiu (log em {log}):\n" + log.read_text()[-3000:])
                time.sleep(0.02)
            seconds = time.monotonic() - began
            running = StackProcess(json.loads(ready_file.read_text()), seconds, log,
                                   cpu_seconds_to_ready=cpu_seconds(process.pid))
            yield running
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    running.returncode = process.returncode
