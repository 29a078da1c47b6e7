"""A service's HTTP routes listed ahead of time, so that ``app.py`` registers them without importing them.

Why this exists: on Lambda, ``import app`` is most of the cold start a clerk waits for. Chalice needs every
route registered when ``app`` is imported, but only its path, methods, name, authorizer and content types;
the handlers, their request models and the use cases behind them (``api*.py`` → ``schemas.py``,
``service.py``, ``domain/``) are needed only when a request arrives. ``scripts/route_tables.py --write``
writes each service's ``route_table.json`` from its declared route sets; :func:`register_routes` registers
those entries with views that import the route sets on the first request and hand it to the same
:class:`~courtlib.http.dispatch.Dispatcher` as an eager registration would. The service's own routes and the
operational ones (``courtlib.service.ops_routes``: health, OpenAPI, DLQ, partners, audit) are two groups,
each imported on the first request that needs it.

The table carries a fingerprint of the source files that declare the routes. If a route file changed since
the table was written, :func:`register_routes` registers the route sets eagerly instead (same behaviour,
slower start), and ``tests/unit/test_route_tables.py`` fails until the table is written again.

A route whose body and query models can be found by name (``module:qualname``) is a *stand-in* route: the table
also carries what the request pipeline checks before the handler (access, roles, owner, path arguments, status,
idempotency, the models' names). Its first request is served by a :class:`~courtlib.http.dispatch.Dispatcher`
built from those entries, which imports only the body's and query's model modules; the route's own module (its
use cases, domain and adapters, and with them PynamoDB and botocore) is imported when a request passes those
checks and reaches the handler. So a request refused for its caller or its body (401, 403, 422) never imports
them, and one that is accepted imports them once, as before.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from courtlib.http.chalice_errors import chalice_refusals_as_problems
from courtlib.http.cors import cors_config
from courtlib.lazy import Deferred
from courtlib.observability import observed

if TYPE_CHECKING:
    from chalice.app import Authorizer, Chalice

    from courtlib.http.dispatch import Dispatcher
    from courtlib.http.routing import RouteSet, RouteSpec
    from courtlib.settings import ServiceSettings

TABLE_FILE = "route_table.json"
SERVICE, OPS = "service", "ops"
# The modules that declare every service's operational routes (ops_routes and the helpers it calls).
SHARED_ROUTE_MODULES = ("courtlib.service", "courtlib.audit.api", "courtlib.http.routing", "courtlib.route_table",
                        "courtlib.auth.principal")


class ServiceRoutes:
    """A service's route sets: its own (``ROUTE_SETS`` and ``TITLE`` of the module ``api``, or what ``api()``
    gives) and the operational ones, with the partner keys and idempotency store their dispatchers share. Each
    group is imported when first asked for."""

    def __init__(self, settings: ServiceSettings,
                 api: str | Callable[[], tuple[Sequence[RouteSet], str]]) -> None:
        self.settings = settings
        self._load = cache(api if callable(api) else lambda: _route_sets_of(api))
        self.partner_keys: Any = Deferred(lambda: _table_partner_keys(settings))
        self.idempotency: Callable[[], Any] = cache(lambda: _idempotency_layer(settings))

    def group(self, name: str) -> list[RouteSet]:
        return self.service if name == SERVICE else [self.ops]

    @property
    def service(self) -> list[RouteSet]:
        return list(self._load()[0])

    @cached_property
    def ops(self) -> RouteSet:
        from courtlib.http.openapi import openapi_document
        from courtlib.service import ops_routes

        route_sets, title = self._load()
        ops: RouteSet = ops_routes(self.settings, self.partner_keys,
                                   openapi=lambda: openapi_document(*route_sets, ops, title=title))
        return ops

    @property
    def route_sets(self) -> list[RouteSet]:
        """Every route set, the operational one last."""
        return [*self.service, self.ops]


def _route_sets_of(module: str) -> tuple[Sequence[RouteSet], str]:
    api = importlib.import_module(module)
    return api.ROUTE_SETS, api.TITLE


def _table_partner_keys(settings: ServiceSettings) -> Any:
    from courtlib.auth.partner_keys import TablePartnerKeyStore

    return TablePartnerKeyStore(settings)


def _idempotency_layer(settings: ServiceSettings) -> Any:
    from courtlib.http.idempotency import http_idempotency_layer

    return http_idempotency_layer(settings)


def describe(routes: ServiceRoutes) -> list[dict[str, Any]]:
    """What Chalice needs of each declared route, in declaration order, with the group it belongs to; and for a
    stand-in route what the request pipeline checks before the handler (see the module's docstring)."""
    entries = []
    for group in (SERVICE, OPS):
        for route_set in routes.group(group):
            for spec in route_set.routes:
                entry = {"path": spec.path, "methods": list(spec.methods), "name": spec.name, "access": spec.access,
                         "csv": spec.csv is not None, "group": group}
                stand_in = _stand_in_entry(route_set.service, spec)
                entries.append({**entry, "stand_in": stand_in} if stand_in is not None else entry)
    return entries


def _stand_in_entry(service: str, spec: RouteSpec) -> dict[str, Any] | None:
    """What :func:`_stand_in_spec` needs to rebuild ``spec`` but its handler, or None when a model cannot be found
    again by its name (a model made at run time) or the route reads CSV (its converter is the route module's)."""
    models = {"body": _name_of(spec.body), "query": _name_of(spec.query)}
    if spec.csv is not None or any(name == "" for name in models.values()):
        return None
    return {"service": service, "roles": sorted(spec.roles), "public": spec.public, "partner": spec.partner,
            "owner": spec.owner, "owner_unless": sorted(spec.owner_unless), "path_params": list(spec.path_params),
            "path_args": list(spec.path_args), "status": spec.status, "idempotent": spec.idempotent, **models}


def _name_of(model: type | None) -> str | None:
    """``module:qualname`` of a model class, None for no model, "" when that name does not lead back to it."""
    if model is None:
        return None
    name = f"{model.__module__}:{model.__qualname__}"
    try:
        return name if _named(name) is model else ""
    except (ImportError, AttributeError):
        return ""


def _named(name: str) -> Any:
    module, qualname = name.split(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def source_modules(route_sets: Iterable[RouteSet]) -> list[str]:
    """The modules whose text decides the table: those defining a handler or a stand-in route's model, plus the
    shared ones."""
    specs = [spec for route_set in route_sets for spec in route_set.routes]
    models = {model.__module__ for spec in specs for model in (spec.body, spec.query) if model is not None}
    return sorted({spec.handler.__module__ for spec in specs} | models | set(SHARED_ROUTE_MODULES))


def fingerprint(modules: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for module in modules:
        digest.update(module.encode() + b"\0" + _module_file(module).read_bytes() + b"\0")
    return digest.hexdigest()


def table_of(routes: ServiceRoutes) -> dict[str, Any]:
    modules = source_modules(routes.route_sets)
    return {"fingerprint": fingerprint(modules), "sources": modules, "routes": describe(routes)}


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
    entries: list[dict[str, Any]] = table["routes"]
    return entries


def register_routes(app: Chalice, *, table: Path, routes: ServiceRoutes, deps: Any, authorizer: Authorizer) -> bool:
    """Registers the service's routes on ``app``: from ``table`` with lazy views if it is current, else from the
    route sets themselves (imported now). Either way the app-wide middleware too. Returns whether the routes are
    lazy."""
    entries = load(table)
    if entries is None:
        for built in eager_blueprints(routes, deps, authorizer):
            app.register_blueprint(built)
        return False
    settings = routes.settings
    blueprint = Blueprint(f"courtlib.http.{settings.service}")
    cors = cors_config(settings.cors_origin)
    dispatchers = _Dispatchers(blueprint, routes, deps)
    for entry in entries:
        view = _LazyView(dispatchers, entry)
        content_types = ["application/json", "text/csv"] if entry["csv"] else ["application/json"]
        blueprint.route(entry["path"], methods=list(entry["methods"]),
                        authorizer=authorizer if entry["access"] == "roles" else None, cors=cors,
                        name=entry["name"], content_types=content_types)(view)
    register_middleware(blueprint)
    app.register_blueprint(blueprint)
    return True


def eager_blueprints(routes: ServiceRoutes, deps: Any, authorizer: Authorizer) -> list[Blueprint]:
    """One blueprint per route set, built now (the operational one last, with the app-wide middleware)."""
    from courtlib.http.dispatch import build_blueprint

    blueprints = [build_blueprint(route_set, authorizer=authorizer, deps=deps, settings=routes.settings,
                                  idempotency_store=routes.idempotency, partner_keys=routes.partner_keys)
                  for route_set in routes.route_sets]
    register_middleware(blueprints[-1])
    return blueprints


def http_blueprints(deps: Any, route_sets: list[RouteSet], authorizer: Authorizer, title: str) -> list[Blueprint]:
    """Blueprints for ``route_sets`` plus the operational routes, built now (what an ``app.py`` did before the
    table; tests and tools that want every route at once)."""
    return eager_blueprints(ServiceRoutes(deps.settings, lambda: (route_sets, title)), deps, authorizer)


def register_middleware(blueprint: Blueprint) -> None:
    """The app-wide middleware (the queue, stream and schedule handlers too): registered once, on one blueprint."""
    blueprint.register_middleware(observed, "all")
    blueprint.register_middleware(chalice_refusals_as_problems, "http")


class _Dispatchers:
    """Each group's :class:`Dispatcher` s, built from its route sets on its first request (once, thread-safe)."""

    def __init__(self, blueprint: Blueprint, routes: ServiceRoutes, deps: Any) -> None:
        self._blueprint = blueprint
        self._routes = routes
        self._deps = deps
        self._built: dict[str, dict[tuple[str, str], Dispatcher]] = {}
        self._lock = threading.Lock()

    def get(self, group: str, path: str, method: str) -> Dispatcher:
        built = self._built.get(group)
        if built is None:
            with self._lock:
                built = self._built.get(group)
                if built is None:
                    built = self._built[group] = self._build(group)
        return built[(path, method)]

    def stand_in(self, entry: dict[str, Any]) -> Dispatcher:
        """The dispatcher of a stand-in route: its checks from the table, its handler the declared one, found on the
        first request that reaches it."""
        from courtlib.http.dispatch import Dispatcher

        group, path, method = entry["group"], entry["path"], entry["methods"][0]

        def handler(ctx: Any, **kwargs: Any) -> Any:
            return self.get(group, path, method).spec.handler(ctx, **kwargs)

        routes = self._routes
        return Dispatcher(_stand_in_spec(entry, handler), self._blueprint, service=entry["stand_in"]["service"],
                          deps=self._deps, cursor_secret=routes.settings.pagination_secret,
                          idempotency_store=routes.idempotency, partner_keys=routes.partner_keys, token_verifier=None)

    def _build(self, group: str) -> dict[tuple[str, str], Dispatcher]:
        from courtlib.http.dispatch import Dispatcher

        routes = self._routes
        built: dict[tuple[str, str], Dispatcher] = {}
        for route_set in routes.group(group):
            for spec in route_set.routes:
                dispatcher = Dispatcher(spec, self._blueprint, service=route_set.service, deps=self._deps,
                                        cursor_secret=routes.settings.pagination_secret,
                                        idempotency_store=routes.idempotency, partner_keys=routes.partner_keys,
                                        token_verifier=None)
                for method in spec.methods:
                    built[(spec.path, method)] = dispatcher
        return built


def _stand_in_spec(entry: dict[str, Any], handler: Callable[..., Any]) -> RouteSpec:
    """The route's declaration as the request pipeline reads it, rebuilt from its table entry (its models imported
    now); what only the OpenAPI document reads (summary, response, errors…) is left out."""
    from courtlib.http.routing import RouteSpec

    known = entry["stand_in"]
    return RouteSpec(
        path=entry["path"], methods=tuple(entry["methods"]), handler=handler, name=entry["name"],
        roles=frozenset(known["roles"]), public=known["public"], partner=known["partner"],
        body=_named(known["body"]) if known["body"] else None, query=_named(known["query"]) if known["query"] else None,
        response=None, status=known["status"], idempotent=known["idempotent"], summary=None, description=None,
        tags=(), path_params=tuple(known["path_params"]), path_args=tuple(known["path_args"]), owner=known["owner"],
        owner_unless=frozenset(known["owner_unless"]))


class _LazyView:
    """The Chalice view of one route until the first request: it then builds the route's stand-in dispatcher, or
    finds the real one of its group."""

    def __init__(self, dispatchers: _Dispatchers, entry: dict[str, Any]) -> None:
        self._dispatchers = dispatchers
        self._entry = entry
        self._dispatcher: Dispatcher | None = None
        self._lock = threading.Lock()
        self.__name__ = entry["name"]

    def __call__(self, **path_params: str) -> Any:
        return self._resolve()(**path_params)

    def _resolve(self) -> Dispatcher:
        if self._dispatcher is None:
            with self._lock:
                if self._dispatcher is None:
                    entry = self._entry
                    self._dispatcher = (self._dispatchers.stand_in(entry) if "stand_in" in entry else
                                        self._dispatchers.get(entry["group"], entry["path"], entry["methods"][0]))
        return self._dispatcher


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
