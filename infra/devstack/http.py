"""HTTP on localhost: each app through chalice's local gateway (tokens verified), and the control endpoint.

Each app is served by chalice's ``LocalDevServer`` with its threaded HTTP server (a slow request
does not block the others) and a request handler that (a) reuses one gateway per app whose
authorizer verifies Cognito tokens (``devstack.auth``) and (b) logs nothing per request.
``create_local_server`` is not used as is: it takes no handler class, and it re-parents one shared
class (``CustomLocalChalice``) for every app — a second call for the same app object (a second
``LocalStack`` in a test session) raises TypeError. The same thread-local ``current_request`` is
given here with a subclass per app.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from chalice.app import Chalice
from chalice.config import Config
from chalice.local import (
    ChaliceRequestHandler,
    ForbiddenError,
    LocalChalice,
    LocalDevServer,
    LocalGateway,
    LocalGatewayException,
)

from courtlib.http.problems import TOKEN_EXPIRED, TOKEN_EXPIRED_DETAIL
from devstack.auth import SessionExpired, TokenVerifier, VerifyingAuthorizer
from devstack.logs import access, acting_as

log = logging.getLogger("devstack")


_NO_ROUTE = (b'{"message": "Missing Authentication Token"', b'{"message": "Authorization header requires')


class GatewayAnswer(LocalGatewayException):
    """An answer of the gateway itself, with its own status (chalice's local exceptions fix one per class)."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        super().__init__(headers, body)
        self.CODE = status


# What infra/merge/sqs-and-stream.json's GatewayResponses answer in AWS, by status.
_GATEWAY_PROBLEMS: dict[int, tuple[str, str, str]] = {
    400: ("CORPO_INVALIDO", "Requisição inválida", "A requisição não é válida."),
    401: ("NAO_AUTENTICADO", "Não autenticado", "Envie um token válido no cabeçalho Authorization (Bearer)."),
    403: ("PROIBIDO", "Proibido", "O seu perfil não tem acesso a esta operação."),
    404: ("NAO_ENCONTRADO", "Não encontrado", "Recurso ou método inexistente."),
    405: ("METODO_NAO_PERMITIDO", "Método não permitido", "Este recurso não aceita este método."),
    413: ("CORPO_GRANDE_DEMAIS", "Corpo grande demais", "O corpo da requisição passa do limite aceito."),
    415: ("TIPO_NAO_SUPORTADO", "Tipo de conteúdo não suportado",
          "Content-Type não aceito por esta operação (use application/json)."),
}


_SESSION_EXPIRED = (TOKEN_EXPIRED, "Não autenticado", TOKEN_EXPIRED_DETAIL)


def gateway_problem(status: int, instance: str | None = None, *,
                    expired: bool = False) -> tuple[dict[str, str], bytes]:
    """Headers and body of a gateway answer: problem+json, the request's path as ``instance`` (as the app's own
    problems and the template's ``$context.path``), a correlation id, nothing else of the request echoed.
    ``expired``: the 401 of a genuine token past its exp ("Sessão expirada"), not the generic one."""
    code, title, detail = _SESSION_EXPIRED if expired else _GATEWAY_PROBLEMS.get(
        status, ("REQUISICAO_RECUSADA", "Requisição recusada", "A requisição foi recusada pelo gateway."))
    correlation = str(uuid.uuid4())
    body: dict[str, Any] = {"type": f"https://tribunal.example/problemas/{code}", "title": title, "status": status,
                            "code": code, "detail": detail}
    if instance:
        body["instance"] = instance
    body["correlation_id"] = correlation
    headers = {"Content-Type": "application/problem+json", "X-Correlation-Id": correlation,
               # as the template's GatewayResponses: a browser on the web origin must be able to read the refusal
               "Access-Control-Allow-Origin": os.environ.get("CORS_ALLOW_ORIGIN") or "*",
               "Access-Control-Expose-Headers": "X-Correlation-Id,Retry-After"}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return headers, json.dumps(body, ensure_ascii=False).encode("utf-8")


def _path_only(path: str) -> str:
    """The request's path without its query string (which may carry anything the caller typed)."""
    return urlsplit(path or "").path


def _content_type(headers: dict[str, Any]) -> str:
    return next((str(v) for k, v in (headers or {}).items() if k.lower() == "content-type"), "")


class VerifyingGateway(LocalGateway):
    def __init__(self, app_object: Chalice, config: Config, verifier: TokenVerifier) -> None:
        super().__init__(app_object, config)
        self._authorizer = VerifyingAuthorizer(app_object, verifier)

    def handle_request(self, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        """As API Gateway with the template's GatewayResponses: an unknown route is a 404 (chalice's local
        gateway answers 403 quoting the Authorization header), and every answer that is not the app's own
        problem (401/403 of the authorizer, chalice's 405 and 415) becomes problem+json."""
        try:
            response = super().handle_request(method, path, headers, body)
        except LocalGatewayException as error:
            # chalice's answer for a path no route matches (its body quotes the Authorization header, if any)
            unknown_route = isinstance(error, ForbiddenError) and (error.body or b"").startswith(_NO_ROUTE)
            status = 404 if unknown_route else error.CODE
            expired = isinstance(error, SessionExpired)
            raise GatewayAnswer(status, *gateway_problem(status, _path_only(path), expired=expired)) from None
        status = int(response.get("statusCode", 200))
        if status >= 400 and not _content_type(response.get("headers", {})).startswith("application/problem+json"):
            kept = {k: v for k, v in response.get("headers", {}).items() if k.lower() in ("allow", "retry-after")}
            problem_headers, problem_body = gateway_problem(status, _path_only(path))
            return {**response, "headers": {**kept, **problem_headers}, "multiValueHeaders": {},
                    "body": problem_body.decode("utf-8"), "isBase64Encoded": False}
        return response


class _QuietRequestHandler(ChaliceRequestHandler):
    # Headers and body go out in two writes on a keep-alive connection: with Nagle on, the client's
    # delayed ACK adds ~40 ms to every request.
    disable_nagle_algorithm = True

    def __init__(self, request: Any, client_address: Any, server: Any, app_object: Chalice, config: Config,
                 gateway: LocalGateway, service: str = "") -> None:
        self.local_gateway = gateway  # what ChaliceRequestHandler.__init__ would build on every request
        self.service = service
        self._status = 0
        BaseHTTPRequestHandler.__init__(self, request, client_address, server)

    def handle_one_request(self) -> None:
        """One request, its logs in its service's file, then one access line (method, path, status, ms)."""
        began = time.perf_counter()
        self._status = 0
        with acting_as(self.service):
            super().handle_one_request()
            if self._status:
                access(self.command or "-", self.path or "-", self._status, (time.perf_counter() - began) * 1000)

    def send_response(self, code: int, message: str | None = None) -> None:
        self._status = code
        super().send_response(code, message)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _as_local_chalice(app: Chalice) -> None:
    """``current_request`` per thread (what create_local_server does), idempotent, one subclass per app."""
    if not isinstance(app, LocalChalice):
        app.__class__ = type(f"Local{type(app).__name__}", (LocalChalice, type(app)), {})


@dataclass
class ServedApp:
    service: str
    server: LocalDevServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        return self.server.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server.server_close()
        self.thread.join(timeout=5)


def serve_app(service: str, app: Chalice, config: Config, verifier: TokenVerifier, port: int = 0,
              host: str = "127.0.0.1") -> ServedApp:
    _as_local_chalice(app)
    gateway = VerifyingGateway(app, config, verifier)

    def handler(request: Any, client_address: Any, server: Any, app_object: Chalice,
                config: Config) -> _QuietRequestHandler:  # chalice passes app_object and config by name
        return _QuietRequestHandler(request, client_address, server, app_object=app_object, config=config,
                                    gateway=gateway, service=service)

    try:
        server = LocalDevServer(app, config, host, port, handler_cls=handler)
    except OSError as error:
        raise OSError(error.errno, f"porta {port} ({service}) em uso: {error.strerror}") from None
    thread = threading.Thread(target=server.server.serve_forever, kwargs={"poll_interval": 0.2},
                              name=f"http:{service}", daemon=True)
    thread.start()
    return ServedApp(service, server, thread)


# ---------------------------------------------------------------- control endpoint

_FIRE = re.compile(r"^/agendamentos/([^/]+)/([^/]+)/?$")


class BackgroundServer:
    """An HTTP server on its own daemon thread (the control endpoint, the web portal): start, url, stop."""

    def __init__(self, name: str, label: str, host: str, port: int, handler: Callable[..., Any]) -> None:
        try:
            self.server = ThreadingHTTPServer((host, port), handler)
        except OSError as error:
            raise OSError(error.errno, f"porta {port} ({label}) em uso: {error.strerror}") from None
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2},
                                       name=name, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class ControlServer(BackgroundServer):
    """The local stack's control endpoint (never part of a deployed app):

    - ``GET /`` the state of the stack; ``POST /agendamentos/<service>/<handler>`` fires a schedule now;
    - ``GET /tokens`` fresh ID tokens of the demo users; ``POST /login {"usuario", "senha"}`` → ``{"id_token"}``;
    - ``GET /relogio`` the clock; ``POST /relogio {"agora": ...}`` sets it, ``{"avancar": "P1D"}`` advances it.
    """

    def __init__(self, describe: Callable[[], dict[str, Any]], fire: Callable[[str, str], Any],
                 tokens: Callable[[], dict[str, str]], port: int = 8000, host: str = "127.0.0.1", *,
                 clock_state: Callable[[], dict[str, Any]] | None = None,
                 clock_move: Callable[[Any], dict[str, Any]] | None = None,
                 login: Callable[[str, str], str] | None = None) -> None:
        control = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # see _QuietRequestHandler

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0].rstrip("/")
                if path == "":
                    self._send(200, control.describe())
                elif path == "/tokens":
                    self._send(200, control.tokens())
                elif path == "/relogio" and control.clock_state is not None:
                    self._send(200, control.clock_state())
                else:
                    self._send(404, {"erro": f"rota desconhecida: {self.path}"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0].rstrip("/")
                if path in ("/relogio", "/login"):
                    self._json_route(path, raw)
                    return
                match = _FIRE.match(self.path.split("?", 1)[0])
                if not match:
                    self._send(404, {"erro": f"rota desconhecida: {self.path}"})
                    return
                try:
                    result = control.fire(match.group(1), match.group(2))
                except KeyError as error:
                    self._send(404, {"erro": str(error.args[0] if error.args else error)})
                except Exception as error:
                    log.exception("agendamento %s/%s falhou", match.group(1), match.group(2))
                    self._send(500, {"erro": f"{type(error).__name__}: {error}"})
                else:
                    self._send(200, {"servico": match.group(1), "handler": match.group(2), "resultado": result})

            def _json_route(self, path: str, raw: bytes) -> None:
                from devstack.auth import InvalidCredentials
                from devstack.clock_control import ClockRequestError

                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._problem(422, "JSON_INVALIDO", None, "O corpo não é JSON válido.")
                    return
                try:
                    if path == "/relogio" and control.clock_move is not None:
                        self._send(200, control.clock_move(body))
                    elif path == "/login" and control.login is not None:
                        self._login(control.login, body)
                    else:
                        self._send(404, {"erro": f"rota desconhecida: {self.path}"})
                except ClockRequestError as error:
                    self._send(error.status, error.problem(), "application/problem+json")
                except InvalidCredentials:
                    self._problem(401, "CREDENCIAIS_INVALIDAS", None, "Usuário ou senha inválidos.")
                except Exception as error:
                    log.exception("controle %s falhou", path)
                    self._send(500, {"erro": f"{type(error).__name__}: {error}"})

            def _login(self, login: Callable[[str, str], str], body: Any) -> None:
                user = body.get("usuario") if isinstance(body, dict) else None
                password = body.get("senha") if isinstance(body, dict) else None
                if not isinstance(user, str) or not user or not isinstance(password, str) or not password:
                    self._problem(422, "LOGIN_INVALIDO", "usuario" if not isinstance(user, str) or not user
                                  else "senha", 'Informe "usuario" e "senha".')
                    return
                self._send(200, {"id_token": login(user, password)})

            def _problem(self, status: int, code: str, field: str | None, detail: str) -> None:
                body = {"type": "about:blank", "title": "Pedido recusado", "status": status, "code": code,
                        "detail": detail}
                if field:
                    body["field"] = field
                self._send(status, body, "application/problem+json")

            def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
                data = json.dumps(body, default=str, ensure_ascii=False, indent=2).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{content_type}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.describe, self.fire, self.tokens = describe, fire, tokens
        self.clock_state, self.clock_move, self.login = clock_state, clock_move, login
        super().__init__("control", "controle", host, port, Handler)
