"""drand's relay HTTP API for the local beacon, over the standard library's HTTP server.

Routes (drand v1): ``/info`` and ``/<chain hash>/info`` (the chain's info document),
``/public/latest``, ``/public/<round>``, ``/<chain hash>/public/latest`` and ``/<chain hash>/public/<round>``.
A round not yet published answers 425 (Too Early) — the client waits and asks again; another chain's hash
answers 404. ``LocalTransport`` answers the same routes in-process (tests, and services that share the
process with the local stack).

    python -m courtlib.beacon.server --port 0 --ready-file /tmp/farol.json   # prints/writes the URL and chain

The standard library's server is enough here: a handful of small GETs on 127.0.0.1, no framework to add.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .client import Response
from .errors import NotYetPublished
from .local import LocalBeacon

_ROUTE = re.compile(r"^/(?:(?P<chain>[0-9a-f]{64})/)?(?:(?P<info>info)|public/(?P<round>latest|[0-9]{1,19}))/?$")


def answer(beacon: LocalBeacon, path: str) -> tuple[int, dict[str, Any]]:
    """(status, JSON body) of the relay API for ``path``."""
    match = _ROUTE.match(path.split("?", 1)[0])
    if match is None:
        return 404, {"erro": "rota desconhecida"}
    if match["chain"] is not None and match["chain"] != beacon.info.hash_hex:
        return 404, {"erro": "cadeia desconhecida neste farol"}
    if match["info"]:
        return 200, beacon.info.to_json()
    try:
        round_ = beacon.latest() if match["round"] == "latest" else beacon.round(int(match["round"]))
    except NotYetPublished as error:
        return 425, {"erro": str(error)}
    return 200, round_.to_json()


class LocalTransport:
    """A :class:`courtlib.beacon.client.Transport` that asks ``beacon`` directly, whatever the host."""

    def __init__(self, beacon: LocalBeacon) -> None:
        self.beacon = beacon

    def get(self, url: str, timeout_s: float) -> Response:
        status, body = answer(self.beacon, urlsplit(url).path or "/")
        return Response(status, json.dumps(body).encode())


def make_server(beacon: LocalBeacon, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = answer(beacon, self.path)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def start(beacon: LocalBeacon, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serves ``beacon`` on a background thread; returns the server (``shutdown()`` it) and its base URL."""
    server = make_server(beacon, host, port)
    threading.Thread(target=server.serve_forever, name="farol-local", daemon=True).start()
    return server, f"http://{host}:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Farol local (esquema do drand, chave de demonstração).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file", help="onde escrever a URL e a cadeia quando estiver pronto")
    args = parser.parse_args(argv)
    beacon = LocalBeacon()
    server = make_server(beacon, args.host, args.port)
    ready = {"url": f"http://{args.host}:{server.server_address[1]}", "info": beacon.info.to_json()}
    if args.ready_file:  # written whole, then renamed: a reader never sees half of it
        partial = Path(args.ready_file + ".partial")
        partial.write_text(json.dumps(ready), encoding="utf-8")
        partial.replace(args.ready_file)
    print(json.dumps(ready), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
