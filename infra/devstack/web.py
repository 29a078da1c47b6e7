"""The web frontends (``web/``) on localhost: static files, their ``config.json`` and the local sign-in.

``web/`` is static: in AWS it is an S3 bucket behind CloudFront with a ``config.json`` written at deploy
time (the API origins and the Cognito user pool client). Locally this server plays that part:

- ``GET /…`` the files of ``web/`` (no build step), with the same security headers CloudFront adds;
- ``GET /config.json`` the URLs of the services of this stack and how to sign in here;
- ``POST /login {"usuario", "senha"}`` → ``{"id_token"}``: the local equivalent of Cognito's
  ``USER_PASSWORD_AUTH`` (the stack's embedded Cognito checks the password; the token is signed by
  the stack's own key, see ``devstack.auth``), the same contract as the control endpoint's ``/login``,
  served from the portal's own origin so the browser needs no CORS for it.

The pages call the services directly, cross-origin, as a third-party frontend would.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from devstack.http import BackgroundServer

log = logging.getLogger("devstack")

WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
DEFAULT_PORT = 8080


def web_config(urls: Mapping[str, str]) -> dict[str, Any]:
    """The local ``config.json``: the services' origins and the local sign-in (same origin)."""
    return {"ambiente": "local", "apis": dict(urls), "login": {"tipo": "local", "url": "login"}}


def content_security_policy(urls: Mapping[str, str]) -> str:
    """Only this origin's scripts and styles; API calls only to the configured services."""
    apis = " ".join(sorted(set(urls.values())))
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            f"connect-src 'self' {apis}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")


class WebServer(BackgroundServer):
    """Serves ``root`` on 127.0.0.1:``port`` (0 = any free) in a thread; ``login(user, password)`` → ID token."""

    def __init__(self, urls: Callable[[], Mapping[str, str]], login: Callable[[str, str], str],
                 port: int = DEFAULT_PORT, root: Path = WEB_ROOT, host: str = "127.0.0.1") -> None:
        server = self

        class Handler(SimpleHTTPRequestHandler):
            extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                              ".mjs": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml"}

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def end_headers(self) -> None:
                self.send_header("Content-Security-Policy", content_security_policy(server.urls()))
                self.send_header("X-Content-Type-Options", "nosniff")
                self.send_header("Referrer-Policy", "no-referrer")
                self.send_header("Cache-Control", "no-store")
                super().end_headers()

            def do_GET(self) -> None:
                if self.path.split("?", 1)[0] == "/config.json":
                    self._send(200, web_config(server.urls()))
                else:
                    super().do_GET()

            def do_POST(self) -> None:
                if self.path.split("?", 1)[0] != "/login":
                    self._send(404, _problem(404, "NAO_ENCONTRADO", None, "Recurso inexistente."))
                    return
                from devstack.auth import InvalidCredentials

                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}") if length <= 10_000 else None
                except ValueError:
                    body = None
                user = body.get("usuario") if isinstance(body, dict) else None
                password = body.get("senha") if isinstance(body, dict) else None
                if not isinstance(user, str) or not user.strip():
                    self._send(422, _problem(422, "LOGIN_INVALIDO", "usuario", "Informe o usuário (matrícula)."))
                    return
                if not isinstance(password, str) or not password:
                    self._send(422, _problem(422, "LOGIN_INVALIDO", "senha", "Informe a senha."))
                    return
                try:
                    token = server.login(user.strip(), password)
                except InvalidCredentials:
                    self._send(401, _problem(401, "CREDENCIAIS_INVALIDAS", "senha", "Usuário ou senha inválidos."))
                    return
                except Exception:
                    log.exception("login local falhou")
                    self._send(503, _problem(503, "SERVICO_INDISPONIVEL", None,
                                             "O login está indisponível no momento. Tente novamente."))
                    return
                self._send(200, {"id_token": token})

            def _send(self, status: int, body: Any) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                kind = "application/problem+json" if status >= 400 else "application/json"
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.urls, self.login = urls, login
        super().__init__("web", "portal web", host, port, partial(Handler, directory=str(root)))


def _problem(status: int, code: str, field: str | None, detail: str) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": "Pedido recusado", "status": status, "code": code,
                            "detail": detail}
    if field:
        body["field"] = field
    return body
