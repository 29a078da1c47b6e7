"""Handler results to Chalice responses: models, lists, dicts, None (204) or a ``Response`` as is."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from chalice.app import Response
from pydantic import BaseModel

from courtlib.http.problems import PROBLEM_CONTENT_TYPE, ProblemError

JSON_CONTENT_TYPE = "application/json"


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Decimal):
        return str(value)  # money stays exact: never a float
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID,)):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> str:
    if isinstance(value, BaseModel):
        return value.model_dump_json(by_alias=True)
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def to_response(result: Any, status: int) -> Response:
    """A Chalice response for what a handler returned (``status`` for anything but a ``Response``)."""
    if isinstance(result, Response):
        headers = dict(result.headers)
        body = result.body
        if body is not None and not isinstance(body, (str, bytes)):
            body = dumps(body)
            headers.setdefault("Content-Type", JSON_CONTENT_TYPE)
        return Response(body=body if body is not None else "", headers=headers, status_code=result.status_code)
    if result is None:
        return Response(body="", headers={}, status_code=204)
    return Response(body=dumps(result), headers={"Content-Type": JSON_CONTENT_TYPE}, status_code=status)


def problem_response(error: ProblemError, instance: str | None, correlation_id: str | None) -> Response:
    headers: dict[str, str | list[str]] = {**error.headers, "Content-Type": PROBLEM_CONTENT_TYPE}
    return Response(body=dumps(error.body(instance, correlation_id)), headers=headers, status_code=error.status)


def require_accept(headers: Mapping[str, str], media_type: str) -> None:
    """406 problem+json unless the request's ``Accept`` names ``media_type``: API Gateway (and chalice locally)
    delivers a binary body only to a request that asks for its type, and would otherwise answer a bare 400."""
    accept = next((v for k, v in headers.items() if k.lower() == "accept"), "")
    offered = {part.split(";", 1)[0].strip().lower() for part in accept.split(",")}
    if media_type not in offered:
        raise ProblemError(406, "FORMATO_NAO_ACEITO", f"Este recurso é um {media_type}: envie Accept: {media_type}.",
                           field="Accept")
