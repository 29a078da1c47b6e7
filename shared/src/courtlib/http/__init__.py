"""HTTP conventions of every service: declared routes, problem+json, pagination, idempotency, OpenAPI.

Typical use (``chalicelib/<svc>/api.py``)::

    routes = RouteSet(service="plantao", title="Plantão judiciário")

    @routes.route("/calendario/dias", methods=["POST"], roles={"admin"}, body=DiaIn, response=DiaOut,
                  status=201, idempotent=True, summary="Registra um dia sem expediente")
    def register_day(ctx: RequestContext, body: DiaIn) -> DiaOut: ...

A route set only declares. ``courtlib.route_table`` registers a service's routes (lazily) and builds their
dispatchers, as ``courtlib.route_table.http_blueprints`` builds blueprints eagerly with
``courtlib.http.dispatch.build_blueprint(routes, authorizer=..., deps=..., settings=...,
idempotency_store=..., partner_keys=...)``, and ``openapi_document(*route_sets)`` describes them.

The names below are imported from their modules on first use (PEP 562), not when the package is: ``app.py``
imports a few light modules of this package (``cors``, ``chalice_errors``) at a cold start, and importing the
package must not bring in OpenAPI, idempotency and pagination with them (see :mod:`courtlib.route_table`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from courtlib.http.context import RequestContext
    from courtlib.http.idempotency import http_idempotency_layer
    from courtlib.http.openapi import openapi_document
    from courtlib.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageQuery, decode_cursor, encode_cursor
    from courtlib.http.problems import ProblemError
    from courtlib.http.routing import RouteSet, RouteSpec

_WHERE = {
    "RequestContext": "context", "http_idempotency_layer": "idempotency", "openapi_document": "openapi",
    "DEFAULT_LIMIT": "pagination", "MAX_LIMIT": "pagination", "Page": "pagination", "PageQuery": "pagination",
    "decode_cursor": "pagination", "encode_cursor": "pagination", "ProblemError": "problems",
    "RouteSet": "routing", "RouteSpec": "routing",
}

__all__ = [
    "DEFAULT_LIMIT", "MAX_LIMIT", "Page", "PageQuery", "ProblemError", "RequestContext", "RouteSet", "RouteSpec",
    "decode_cursor", "encode_cursor", "http_idempotency_layer", "openapi_document",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'courtlib.http' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"courtlib.http.{module}"), name)
    globals()[name] = value
    return value
