"""A service's HTTP routes listed ahead of time, so that ``app.py`` registers them without importing them.

Why this exists: on Lambda, ``import app`` is most of the cold start a clerk waits for. Chalice needs every
route registered when ``app`` is imported, but only its path, methods, name, authorizer and content types;
the handlers, their request models and the use cases behind them (``api*.py`` → ``schemas.py``,
``service.py``, ``domain/``) are needed only when a request arrives. ``scripts/route_tables.py --write``
writes each service's ``route_table.json`` from its declared route sets (with the operational routes of
:mod:`courtlib.service`); :func:`register_routes` registers those entries with views that import the route
sets on the first request and hand it to the same :class:`~courtlib.http.dispatch.Dispatcher` as before.

The table carries a fingerprint of the source files that declare the routes. If a route file changed since
the table was written, :func:`register_routes` registers the route sets eagerly instead (same behaviour,
slower start), and ``tests/unit/test_route_tables.py`` fails until the table is written again.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from courtlib.http.chalice_errors import chalice_refusals_as_problems
from courtlib.http.cors import cors_config
from courtlib.observability import observed

if TYPE_CHECKING:
    from chalice.app import Authorizer, Chalice

    from courtlib.http.dispatch import Dispatcher
    from courtlib.http.routing import RouteSet
    from courtlib.service import HttpRuntime

TABLE_FILE = "route_table.json"
# The modules that declare every service's operational routes (ops_routes and the helpers it calls).
SHARED_ROUTE_MODULES = ("courtlib.service", "courtlib.audit.api", "courtlib.http.routing", "courtlib.route_table")


def describe(route_sets: Iterable[RouteSet]) -> list[dict[str, Any]]:
    """What Chalice needs of each declared route, in declaration order."""
    return [{"path": spec.path, "methods": list(spec.methods), "name": spec.name, "access": spec.access,
             "csv": spec.csv is not None}
            for route_set in route_sets for spec in route_set.routes]


def source_modules(route_sets: Iterable[RouteSet]) -> list[str]:
    """The modules whose text decides the table: those defining a handler, plus the shared ones."""
    return sorted({spec.handler.__module__ for route_set in route_sets for spec in route_set.routes}
                  | set(SHARED_ROUTE_MODULES))


def fingerprint(modules: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(module.encode() + b"\0" + _module_file(module).read_bytes() + b"\0")
    return digest.hexdigest()


def table_of(route_sets: Sequence[RouteSet]) -> dict[str, Any]:
    modules = source_modules(route_sets)
    return {"fingerprint": fingerprint(modules), "sources": modules, "routes": describe(route_sets)}


def render(table: dict[str, Any]) -> str:
    return json.dumps(table, ensure_ascii=False, indent=1) + "\n"


def load(path: Path) -> list[dict[str, Any]] | None:
    """The table's routes, or None when it is missing or a route file changed since it was written."""
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
        if fingerprint(table["sources"]) != table["fingerprint"]:
            return None
    except (OSError, ValueError, KeyError):
        return None
    routes: list[dict[str, Any]] = table["routes"]
    return routes


def register_routes(app: Chalice, *, table: Path, runtime: Callable[[], HttpRuntime], deps: Any, settings: Any,
                    authorizer: Authorizer) -> bool:
    """Registers the service's routes on ``app``: from ``table`` with lazy views if it is current, else from the
    route sets themselves (``runtime()``, imported now). Either way the app-wide middleware too. Returns whether
    the routes are lazy."""
    routes = load(table)
    if routes is None:
        from courtlib.http.dispatch import build_blueprint

        http = runtime()
        blueprints = [build_blueprint(routes, authorizer=authorizer, deps=deps, settings=settings,
                                      idempotency_store=http.idempotency, partner_keys=http.partner_keys)
                      for routes in http.route_sets]
        register_middleware(blueprints[-1])
        for built in blueprints:
            app.register_blueprint(built)
        return False
    blueprint = Blueprint(f"courtlib.http.{settings.service}")
    cors = cors_config(settings.cors_origin)
    dispatchers = _Dispatchers(blueprint, runtime, deps, settings)
    for entry in routes:
        view = _LazyView(dispatchers, entry["path"], entry["methods"][0], entry["name"])
        content_types = ["application/json", "text/csv"] if entry["csv"] else ["application/json"]
        blueprint.route(entry["path"], methods=list(entry["methods"]),
                        authorizer=authorizer if entry["access"] == "roles" else None, cors=cors,
                        name=entry["name"], content_types=content_types)(view)
    register_middleware(blueprint)
    app.register_blueprint(blueprint)
    return True


def register_middleware(blueprint: Blueprint) -> None:
    """The app-wide middleware (the queue, stream and schedule handlers too): registered once, on one blueprint."""
    blueprint.register_middleware(observed, "all")
    blueprint.register_middleware(chalice_refusals_as_problems, "http")


class _Dispatchers:
    """Every route's :class:`Dispatcher`, built from the route sets on the first request (once, thread-safe)."""

    def __init__(self, blueprint: Blueprint, runtime: Callable[[], HttpRuntime], deps: Any, settings: Any) -> None:
        self._blueprint = blueprint
        self._runtime = runtime
        self._deps = deps
        self._settings = settings
        self._built: dict[tuple[str, str], Dispatcher] | None = None
        self._lock = threading.Lock()

    def get(self, path: str, method: str) -> Dispatcher:
        built = self._built
        if built is None:
            with self._lock:
                built = self._built
                if built is None:
                    built = self._built = self._build()
        return built[(path, method)]

    def _build(self) -> dict[tuple[str, str], Dispatcher]:
        from courtlib.http.dispatch import Dispatcher

        http = self._runtime()
        built: dict[tuple[str, str], Dispatcher] = {}
        for route_set in http.route_sets:
            for spec in route_set.routes:
                dispatcher = Dispatcher(spec, self._blueprint, service=route_set.service, deps=self._deps,
                                        cursor_secret=self._settings.pagination_secret,
                                        idempotency_store=http.idempotency, partner_keys=http.partner_keys,
                                        token_verifier=None)
                for method in spec.methods:
                    built[(spec.path, method)] = dispatcher
        return built


class _LazyView:
    """The Chalice view of one route until the first request: it then finds the route's real dispatcher."""

    def __init__(self, dispatchers: _Dispatchers, path: str, method: str, name: str) -> None:
        self._dispatchers = dispatchers
        self._key = (path, method)
        self.__name__ = name

    def __call__(self, **path_params: str) -> Any:
        return self._dispatchers.get(*self._key)(**path_params)


def _module_file(module: str) -> Path:
    """The source file of ``module``, found from its top package without importing the module itself
    (``chalicelib`` is a namespace package spread over the services' directories: each is looked in)."""
    top, *rest = module.split(".")
    package = sys.modules.get(top) or importlib.import_module(top)
    for base in map(Path, package.__path__):
        for candidate in (base.joinpath(*rest).with_suffix(".py") if rest else base / "__init__.py",
                          base.joinpath(*rest, "__init__.py")):
            if candidate.is_file():
                return candidate
    raise FileNotFoundError(f"no source file for {module}")
