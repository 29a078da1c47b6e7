"""The local stack as `make run` starts it, in a separate process on ephemeral ports, for tests over HTTP.

Used by the end-to-end tests and the fuzzer, each with its own stack (the fuzzer writes arbitrary
valid data, which must not reach the end-to-end scenarios).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")
START_TIMEOUT = 60
STOP_TIMEOUT = 60  # after a fuzzing run the embedded AWS holds thousands of items and takes longer to stop


@contextmanager
def running_stack(directory: Path, *, parameters: dict[str, str] | None = None,
                  now: str | None = None) -> Iterator[dict[str, Any]]:
    """Starts the stack (its clock at ``now``, ISO 8601, if given), yields its ready file (urls, tokens,
    outputs, control_url), stops it with Ctrl-C."""
    ready_file = directory / "ready.json"
    log_file = (directory / "stack.log").open("w")
    command = [sys.executable, "-m", "devstack", "run", "--moto-port", "0", "--control-port", "0",
               "--ready-file", str(ready_file)]
    for name, value in (parameters or {}).items():
        command += ["--parameter", f"{name}={value}"]
    if now is not None:
        command += ["--agora", now]
    for service in SERVICES:
        command += ["--port", f"{service}=0"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in (ROOT / "shared" / "src", ROOT / "infra", ROOT))}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"local stack did not start: see {log_file.name}\n" + Path(log_file.name).read_text()[-3000:])
        time.sleep(0.1)
    try:
        yield json.loads(ready_file.read_text())
    finally:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=STOP_TIMEOUT) == 0, "Ctrl-C must stop the stack cleanly"
        finally:
            if process.poll() is None:
                process.kill()
            log_file.close()


def demo_users_by_role() -> dict[str, list[str]]:
    """The demo users (``devstack.demo.USERS``) of each role, by role."""
    from devstack.demo import USERS

    by_role: dict[str, list[str]] = {}
    for user in USERS:
        for group in user.groups:
            by_role.setdefault(group, []).append(user.username)
    return by_role


def register_partner(base_url: str, admin_token: str, partner_id: str) -> str:
    """Registers (or re-keys) a partner court on one service; returns its signing secret."""
    import requests

    answer = requests.post(f"{base_url}/admin/parceiros", json={"id": partner_id, "nome": f"Tribunal {partner_id}"},
                           headers={"Authorization": f"Bearer {admin_token}",
                                    "Idempotency-Key": f"parceiro-{partner_id}-{time.time_ns()}"}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["segredo"]


def sign_prepared(prepared: Any, partner_id: str, secret: str) -> None:
    """Adds the partner headers to a ``requests.PreparedRequest`` as it will be sent."""
    from urllib.parse import parse_qsl, urlsplit

    from courtlib.auth.partners import sign_request

    url = urlsplit(prepared.url)
    body = prepared.body or b""
    prepared.headers.update(sign_request(partner_id, secret, prepared.method, url.path,
                                         query=parse_qsl(url.query, keep_blank_values=True),
                                         body=body.encode() if isinstance(body, str) else body))
