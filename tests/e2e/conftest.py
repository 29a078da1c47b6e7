"""End-to-end tests drive the local stack exactly as `make run` starts it: a separate process on localhost.

It runs on ephemeral ports (so a `make run` already up does not disturb it), with a short queue
visibility timeout so retries and dead-lettering happen within seconds, and stops by itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    ready_file = tmp_path_factory.mktemp("stack") / "ready.json"
    log_file = (ready_file.parent / "stack.log").open("w")
    command = [sys.executable, "-m", "devstack", "run", "--moto-port", "0", "--control-port", "0",
               "--parameter", "QueueVisibilityTimeout=1", "--ready-file", str(ready_file)]
    for service in ("cooperacao", "plantao", "distribuicao", "pagamentos"):
        command += ["--port", f"{service}=0"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / 'shared' / 'src', ROOT / 'infra', ROOT))}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"local stack did not start: see {log_file.name}\n" + Path(log_file.name).read_text()[-3000:])
        time.sleep(0.1)
    yield json.loads(ready_file.read_text())
    process.send_signal(signal.SIGINT)
    try:
        assert process.wait(timeout=20) == 0, "Ctrl-C must stop the stack cleanly"
    finally:
        if process.poll() is None:
            process.kill()
        log_file.close()
