"""HTTP conventions of every service: declared routes, problem+json, pagination, idempotency, OpenAPI.

Typical use (``chalicelib/<svc>/api.py``)::

    routes = RouteSet(service="plantao", title="Plantão judiciário")

    @routes.route("/calendario/dias", methods=["POST"], roles={"admin"}, body=DiaIn, response=DiaOut,
                  status=201, idempotent=True, summary="Registra um dia sem expediente")
    def register_day(ctx: RequestContext, body: DiaIn) -> DiaOut: ...

A route set only declares. ``courtlib.service.http_blueprints`` builds the service's blueprints with
``courtlib.http.dispatch.build_blueprint(routes, authorizer=..., deps=..., settings=...,
idempotency_store=..., partner_keys=...)``, and ``openapi_document(*route_sets)`` describes them.
"""

from courtlib.http.context import RequestContext
from courtlib.http.idempotency import http_idempotency_layer
from courtlib.http.openapi import openapi_document
from courtlib.http.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageQuery, decode_cursor, encode_cursor
from courtlib.http.problems import ProblemError
from courtlib.http.routing import RouteSet, RouteSpec

__all__ = [
    "DEFAULT_LIMIT", "MAX_LIMIT", "Page", "PageQuery", "ProblemError", "RequestContext", "RouteSet", "RouteSpec",
    "decode_cursor", "encode_cursor", "http_idempotency_layer", "openapi_document",
]
