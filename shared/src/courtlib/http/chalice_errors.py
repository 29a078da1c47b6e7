"""Chalice's own refusals as problem+json.

Chalice answers two refusals itself, before any courtlib dispatcher runs: a method the path does not
have (405) and a Content-Type the route does not accept (415). Deployed, those reach the caller as
``{"Code": "UnsupportedMediaType", "Message": …}`` — API Gateway's GatewayResponses cannot reach them,
since they come out of the Lambda. This HTTP middleware, registered once per app, rewrites them into
the project's problem+json with a correlation id, so every refusal has one shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalice.app import Response

from courtlib.http.correlation import HEADER, correlation_id_from, current_correlation_id
from courtlib.http.problems import PROBLEM_CONTENT_TYPE, ProblemError

_REFUSALS: dict[int, tuple[str, str]] = {
    405: ("METODO_NAO_PERMITIDO", "Este recurso não aceita este método."),
    415: ("TIPO_NAO_SUPORTADO", "Content-Type não aceito por esta operação (use application/json)."),
}


def chalice_refusals_as_problems(request: Any, get_response: Callable[[Any], Response]) -> Response:
    response = get_response(request)
    refusal = _REFUSALS.get(response.status_code)
    body = response.body
    if refusal is None or not (isinstance(body, dict) and set(body) == {"Code", "Message"}):
        return response
    code, detail = refusal
    correlation_id = current_correlation_id() or correlation_id_from(getattr(request, "headers", None))
    problem = ProblemError(response.status_code, code, detail,
                           field="Content-Type" if response.status_code == 415 else None)
    headers = {**(response.headers or {}), "Content-Type": PROBLEM_CONTENT_TYPE, HEADER: correlation_id}
    return Response(body=json.dumps(problem.body(getattr(request, "path", None), correlation_id),
                                    ensure_ascii=False),
                    status_code=response.status_code, headers=headers)
