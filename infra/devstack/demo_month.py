"""``make demo``: a month of the court on the local stack, through the public HTTP API only (issue 11 §2).

It starts the stack on ephemeral ports with its clock on ``START`` (or uses a running one:
``--ready-file`` of ``make run``'s ``--ready-file``, or ``--control URL``), then plays a scripted month as
the frontends and the partner courts would: staff requests carry the demo users' ID tokens (fresh ones
from the control endpoint's ``GET /tokens`` after each move of the clock), partner requests the
``X-Parceiro-*`` HMAC signature of ``courtlib.auth.partners.sign_request``. Between steps it moves the
clock (``POST /relogio``), which fires every schedule due on the way.

Each step prints one line (``[07/24] ...  ok``); a step whose answer is not the expected one stops the
demo with exit code 1, naming the step, what was expected and what was received. At the end: a summary
table and where each document is, with a command to open it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import requests

from devstack.process import ROOT, StackDidNotStart, stack_process  # noqa: F401 - ROOT for the steps

START = "2027-03-01T08:00:00-03:00"  # a Monday; next month's scales are generated on the 20th
MONTH, NEXT_MONTH = "2027-03", "2027-04"
CUIABA = "5103403"
TIMEOUT = 60
ORGAO = "PLENO"


class StepFailed(Exception):
    def __init__(self, expected: str, received: Any) -> None:
        super().__init__(expected)
        self.expected, self.received = expected, received


def expect(condition: Any, expected: str, received: Any) -> None:
    if not condition:
        raise StepFailed(expected, received)


@dataclass
class Demo:
    urls: dict[str, str]
    control: str
    tokens: dict[str, str]
    http: requests.Session = field(default_factory=requests.Session)
    facts: dict[str, Any] = field(default_factory=dict)
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # (what, where, command)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="demo-documentos-")))

    def save(self, name: str, content: bytes) -> Path:
        """A copy of a document fetched over HTTP: the stack (and its bucket) stops with the demo."""
        path = self.folder / name
        path.write_bytes(content)
        return path

    # --- calls ---------------------------------------------------------------------------------------------
    def call(self, service: str, method: str, path: str, user: str | None = None, body: Any = None,
             expected: tuple[int, ...] = (200, 201), headers: dict[str, str] | None = None,
             params: dict[str, Any] | None = None) -> requests.Response:
        sent = dict(headers or {})
        if user:
            sent["Authorization"] = f"Bearer {self.tokens[user]}"
        if method in ("POST", "PUT", "PATCH"):
            sent.setdefault("Idempotency-Key", f"demo-{uuid.uuid4()}")
        response = self.send(method, self.urls[service] + path, json=body, headers=sent, params=params)
        expect(response.status_code in expected, f"{method} {service}{path} → {'/'.join(map(str, expected))}",
               f"{response.status_code} {response.text[:400]}")
        return response

    def send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request, sent again once (same headers, so the same Idempotency-Key) if the local server dropped
        the connection without answering: a pooled keep-alive connection it closed while the clock moved."""
        try:
            return self.http.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.ConnectionError:
            return self.http.request(method, url, timeout=TIMEOUT, **kwargs)

    def json(self, *args: Any, **kwargs: Any) -> Any:
        response = self.call(*args, **kwargs)
        return response.json() if response.content else None

    def signed(self, service: str, method: str, path: str, partner: str, secret: str, body: Any = None,
               expected: tuple[int, ...] = (200, 201)) -> Any:
        from datetime import datetime

        from courtlib.auth.partners import sign_request

        raw = json.dumps(body) if body is not None else ""
        stamp = datetime.fromisoformat(self.today_state()["agora_utc"])  # the partner's clock agrees with the court's
        headers = {"Content-Type": "application/json",
                   **sign_request(partner, secret, method, path, body=raw, timestamp=stamp)}
        response = self.send(method, self.urls[service] + path, data=raw or None, headers=headers)
        expect(response.status_code in expected, f"{method} {service}{path} (assinado) → {expected}",
               f"{response.status_code} {response.text[:400]}")
        return response.json()

    # --- the clock -------------------------------------------------------------------------------------------
    def clock(self, body: dict[str, str]) -> dict[str, Any]:
        response = self.http.post(f"{self.control}/relogio", json=body, timeout=900)
        expect(response.status_code == 200, f"POST /relogio {body} → 200",
               f"{response.status_code} {response.text[:300]}")
        answer = response.json()
        errors = [run for run in answer.get("disparados", []) if "erro" in run or run.get("eventos_pendentes")]
        expect(not errors, "agendamentos sem erro e com os eventos aplicados", errors[:3])
        self.refresh_tokens()
        return answer

    def advance_to(self, moment: str) -> dict[str, Any]:
        """Advances (never sets) the clock to ``moment``: every schedule in between fires."""
        from datetime import datetime

        now = datetime.fromisoformat(self.today_state()["agora"])
        target = datetime.fromisoformat(moment)
        seconds = int((target - now).total_seconds())
        if seconds <= 0:  # already there (a running stack replayed): the clock never goes back
            return {}
        return self.clock({"avancar": f"PT{seconds}S"})

    def today_state(self) -> dict[str, Any]:
        return self.http.get(f"{self.control}/relogio", timeout=TIMEOUT).json()

    def today(self) -> date:
        return date.fromisoformat(self.today_state()["hoje"])

    def refresh_tokens(self) -> None:
        response = self.http.get(f"{self.control}/tokens", timeout=TIMEOUT)
        if response.status_code == 200:
            body = response.json()
            self.tokens.update(body.get("tokens", body) if isinstance(body, dict) else {})

    def eventually(self, check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = check()
            except StepFailed as failed:
                last = failed.received
            else:
                if last:
                    return last
            time.sleep(0.2)
        raise StepFailed(what, last)


# --- running it ---------------------------------------------------------------------------------------------


def play(demo: Demo, out: Any = sys.stdout) -> int:
    from devstack.demo_month_steps import STEPS

    total = len(STEPS)
    demo.refresh_tokens()  # a running stack's ready file may hold tokens its clock has already expired
    for index, (title, fn) in enumerate(STEPS, start=1):
        began = time.monotonic()
        try:
            detail = fn(demo)
        except StepFailed as failed:
            out.write(f"[{index:02d}/{total}] {title}  FALHOU\n"
                      f"  passo:    {title}\n  esperado: {failed.expected}\n  recebido: {failed.received}\n")
            return 1
        except (requests.RequestException, KeyError, ValueError, TypeError) as error:  # an answer of another shape
            request = getattr(error, "request", None)
            where = f" em {request.method} {request.url}" if request else ""
            out.write(f"[{index:02d}/{total}] {title}  FALHOU\n  passo:    {title}\n"
                      f"  recebido: {type(error).__name__}: {error}{where}\n")
            return 1
        out.write(f"[{index:02d}/{total}] {title}{': ' + detail if detail else ''}  ok "
                  f"({time.monotonic() - began:.1f} s)\n")
        out.flush()
    from devstack.demo_month_summary import summary

    out.write(summary(demo))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack demo",
                                     description="Um mês do tribunal na pilha local, pela API HTTP pública.")
    parser.add_argument("--ready-file", help="usa a pilha já rodando que escreveu este arquivo (--ready-file do run)")
    args = parser.parse_args(argv)
    began = time.monotonic()
    with contextlib.ExitStack() as running:
        if args.ready_file:
            ready = json.loads(Path(args.ready_file).read_text())
        else:
            workdir = Path(tempfile.mkdtemp(prefix="demo-"))
            sys.stdout.write(f"subindo a pilha local (relógio em {START}; log em {workdir / 'stack.log'})...\n")
            sys.stdout.flush()
            try:
                ready = running.enter_context(stack_process(workdir, now=START, stop_timeout=30,
                                                            parameters={"QueueVisibilityTimeout": "1"})).ready
            except StackDidNotStart as error:
                raise SystemExit(str(error)) from None
        demo = Demo(urls=ready["urls"], control=ready["control_url"], tokens=dict(ready["tokens"]))
        demo.facts["outputs"] = ready.get("outputs", {})
        code = play(demo)
    sys.stdout.write(f"\ndemo {'concluída' if code == 0 else 'interrompida'} em {time.monotonic() - began:.1f} s\n")
    return code


if __name__ == "__main__":  # the same module as `python -m devstack demo` imports (one StepFailed class)
    from devstack import demo_month

    sys.exit(demo_month.main())
