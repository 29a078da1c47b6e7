"""The local stack as `make run` starts it, in a separate process on ephemeral ports, for tests over HTTP.

Used by the end-to-end tests and the fuzzer, each with its own stack (the fuzzer writes arbitrary
valid data, which must not reach the end-to-end scenarios).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from devstack.process import SERVICES, StackDidNotStart, stack_process  # noqa: F401 - SERVICES for the fuzzer

START_TIMEOUT = 60
STOP_TIMEOUT = 60  # after a fuzzing run the embedded AWS holds thousands of items and takes longer to stop


@contextmanager
def running_stack(directory: Path, *, parameters: dict[str, str] | None = None,
                  now: str | None = None, beacon_period_s: int | None = None) -> Iterator[dict[str, Any]]:
    """Starts the stack (its clock at ``now``, ISO 8601, if given), yields its ready file (urls, tokens,
    outputs, control_url, farol), stops it with Ctrl-C."""
    try:
        with stack_process(directory, parameters=parameters, now=now, start_timeout=START_TIMEOUT,
                           stop_timeout=STOP_TIMEOUT, beacon_period_s=beacon_period_s) as stack:
            yield stack.ready
    except StackDidNotStart as error:
        pytest.fail(str(error))
    assert stack.returncode == 0, "Ctrl-C must stop the stack cleanly"


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


def requested_run(base_url: str, path: str, body: dict[str, Any], headers: dict[str, str],
                  timeout: float = 60.0) -> dict[str, Any]:
    """A monthly job asked by hand (``POST /fechamentos``, ``POST /execucoes``): 202 with its status at
    ``Location``, which is polled (bounded by ``timeout``) until the service's consumer ends it."""
    import requests

    asked = requests.post(f"{base_url}{path}", json=body, headers=headers, timeout=30)
    assert asked.status_code == 202, asked.text
    location = asked.headers["Location"]
    deadline = time.monotonic() + timeout
    while True:
        status = requests.get(f"{base_url}{location}", headers=headers, timeout=30)
        assert status.status_code == 200, status.text
        if status.json()["situacao"] in ("concluida", "falhou") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert status.json()["situacao"] == "concluida", status.text
    return dict(status.json())
