"""The web frontends in a real browser: Debian's headless Chromium driven by Playwright, over the local stack.

No browser is downloaded: Playwright launches the system Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``).
Without one these tests FAIL (they are part of ``make test``) with the command that installs it; ``.ci/run``
installs it with apt when it is missing.

One stack per module (ephemeral ports, its clock set where the journey begins); each test opens its own
browser context (no shared session). Screenshots go to ``.local/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".local" / "screenshots"
THIRD_PARTY = Path(__file__).parent / "third_party"
DEMO_PASSWORD = "Tribunal#Demo2026"
INSTALL_HINT = ("instale o Chromium do Debian: `sudo apt-get install -y chromium` (ou aponte $CHROMIUM para o "
                "executável); o .ci/run instala sozinho quando roda como root")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def chromium_executable() -> str | None:
    """$CHROMIUM, else Debian's chromium (or chromium-browser/google-chrome) on the PATH."""
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = chromium_executable()
    if executable is None:
        pytest.fail(f"Chromium não encontrado: os testes de navegador não podem rodar; {INSTALL_HINT}", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright não instalado: `make .venv/.installed` (requirements-dev.txt)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--lang=pt-BR"])
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """``new_page(width=1280, bypass_csp=False, timezone="America/Sao_Paulo")``: a page in a fresh context (pt-BR,
    Brasília time unless ``timezone`` says where the browser is)."""
    contexts = []

    def make(width: int = 1280, height: int = 900, bypass_csp: bool = False,
             timezone: str = "America/Sao_Paulo") -> Any:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="pt-BR",
                                       timezone_id=timezone, bypass_csp=bypass_csp, accept_downloads=True)
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_source() -> str:
    """The vendored axe-core, checked against the manifest's sha256 (scripts/vendor_web.py refreshes it)."""
    manifest = json.loads((THIRD_PARTY / "manifest.json").read_text())
    entry = next(e for e in manifest["arquivos"] if e["pacote"] == "axe-core")
    data = (ROOT / entry["destino"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], "axe.min.js difere do manifesto (scripts/vendor_web.py)"
    return data.decode("utf-8")


def axe_violations(page: Any) -> list[dict]:
    """Serious and critical axe-core violations of the page as it is now (WCAG 2.x A/AA rules and best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def login(page: Any, web_url: str, user: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{web_url}/console.html")
    page.fill("#usuario", user)
    page.fill("#senha", password)
    page.click("#login button[type=submit]")
    page.wait_for_selector("#sessao:not([hidden])")


class Api:
    """Calls to the stack under test (setup and assertions): fresh tokens by the stack's clock, the clock control."""

    def __init__(self, ready: dict[str, Any]) -> None:
        self.ready = ready
        self.urls = ready["urls"]
        self.web = ready["web_url"]
        self.control = ready["control_url"]
        self.http = requests.Session()

    def token(self, user: str) -> str:
        answer = self.http.post(f"{self.control}/login", json={"usuario": user, "senha": DEMO_PASSWORD}, timeout=30)
        answer.raise_for_status()
        return answer.json()["id_token"]

    def call(self, service: str, method: str, path: str, user: str | None = None, body: Any = None,
             expected: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token(user)}"} if user else {}
        answer = self.http.request(method, self.urls[service] + path, json=body, headers=headers, timeout=60, **kwargs)
        assert answer.status_code in expected, f"{method} {path} → {answer.status_code}: {answer.text[:400]}"
        return answer.json() if answer.content and "json" in answer.headers.get("Content-Type", "") else answer

    def generate_scale(self, month: str, kind: str, user: str = "presidente") -> str:
        """``POST /escalas`` (202: the draft is made on plantão's queue), then its status until it ends (bounded);
        answers the scale's id."""
        import time

        status = self.call("plantao", "POST", "/escalas", user, {"mes": month, "tipo": kind}, expected=(202,))
        for _ in range(240):
            if status["situacao"] in ("concluida", "falhou"):
                break
            time.sleep(0.5)
            status = self.call("plantao", "GET", f"/geracoes/{status['escala']}", user)
        assert status["situacao"] == "concluida", status
        return str(status["escala"])

    def advance_to(self, moment: str) -> dict[str, Any]:
        """Advances (never sets) the clock to ``moment``: every schedule in between fires, as on AWS."""
        from datetime import datetime

        now = datetime.fromisoformat(self.http.get(f"{self.control}/relogio", timeout=30).json()["agora"])
        seconds = int((datetime.fromisoformat(moment) - now).total_seconds())
        assert seconds > 0, f"o relógio da pilha ({now}) já passou de {moment}"
        return self.advance(f"PT{seconds}S")

    def advance(self, duration: str) -> dict[str, Any]:
        answer = self.http.post(f"{self.control}/relogio", json={"avancar": duration}, timeout=900)
        assert answer.status_code == 200, answer.text
        return answer.json()
