"""Each service's ``chalicelib/<svc>/route_table.json``: the routes its ``app.py`` registers without importing them.

The table is made from the declared route sets themselves (``app.http_routes``: the service's and the operational
ones), in a fresh interpreter per service. See :mod:`courtlib.route_table` for why it exists.

    python scripts/route_tables.py            # say which tables are out of date
    python scripts/route_tables.py --write    # rewrite them
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")

_CHILD = """
import json, sys
sys.path.insert(0, {directory!r})
import app
lazy_at_import = "chalicelib.{service}.api" not in sys.modules and "courtlib.service" not in sys.modules
from chalice import Chalice
from courtlib.route_table import render, table_of
from courtlib.route_table import http_blueprints

def summary(chalice_app):
    return sorted([path, method, entry.view_name, getattr(entry.authorizer, "name", None), entry.content_types,
                   entry.api_key_required, entry.cors and entry.cors.get_access_control_headers()]
                  for path, methods in chalice_app.routes.items() for method, entry in methods.items())

lazy = summary(app.app)
eager_app = Chalice(app_name="eager")
api = sys.modules.get("chalicelib.{service}.api") or __import__("chalicelib.{service}.api", fromlist=["api"])
for blueprint in http_blueprints(app.deps, api.ROUTE_SETS, app.authorizer, title=api.TITLE):
    eager_app.register_blueprint(blueprint)
from chalice.test import Client
with Client(app.app) as lazy_client, Client(eager_app) as eager_client:
    openapi_lazy = lazy_client.http.get("/openapi.json").json_body
    openapi_eager = eager_client.http.get("/openapi.json").json_body
answer = {{"table": render(table_of(app.http_routes)), "lazy": lazy, "eager": summary(eager_app),
          "lazy_at_import": lazy_at_import, "openapi_lazy": openapi_lazy, "openapi_eager": openapi_eager}}
sys.stdout.write(chr(10) + json.dumps(answer))
"""


def table_path(service: str) -> Path:
    return ROOT / f"{service}-svc" / "chalicelib" / service / "route_table.json"


def environment(service: str) -> dict[str, str]:
    """Settings enough to import the app (nothing is reached: no AWS call is made)."""
    prefix = service.upper()
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))
            and not k.endswith(("_TABLE_NAME", "_QUEUE_NAME", "_STREAM_ARN"))}
    return {**keep, "AWS_DEFAULT_REGION": "sa-east-1", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", f"{prefix}_TABLE_NAME": f"tribunal-tabelas-{service}",
            f"{prefix}_QUEUE_NAME": f"tribunal-tabelas-{service}-eventos.fifo",
            f"{prefix}_STREAM_ARN": f"arn:aws:dynamodb:sa-east-1:123456789012:table/tribunal-tabelas-{service}"
                                    "/stream/2026-01-01T00:00:00.000",
            "PAGINATION_SECRET": "tabelas-de-rotas-0123456789abcdef", "POWERTOOLS_SERVICE_NAME": service}


def inspect(service: str) -> dict[str, Any]:
    """``table``: the text the table should have; ``lazy``/``eager``: the app's Chalice routes as registered now
    and as the route sets would register them eagerly (path, method, name, authorizer, content types, CORS);
    ``lazy_at_import``: no route module was imported with ``app``; ``openapi_lazy``/``openapi_eager``: what
    ``GET /openapi.json`` answers in each."""
    directory = ROOT / f"{service}-svc"
    done = subprocess.run([sys.executable, "-c", _CHILD.format(directory=str(directory), service=service)],
                          cwd=directory, env=environment(service), capture_output=True, text=True, check=False,
                          timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{service}: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])  # after any log line
    return result


def main(argv: list[str]) -> int:
    stale = []
    for service in SERVICES:
        expected = inspect(service)["table"]
        path = table_path(service)
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != expected:
            stale.append(service)
            if "--write" in argv:
                path.write_text(expected, encoding="utf-8")
    verb = "rewritten" if "--write" in argv else "out of date (run with --write)"
    print(f"route tables {verb}: {', '.join(stale)}" if stale else "route tables up to date")
    return 1 if stale and "--write" not in argv else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
