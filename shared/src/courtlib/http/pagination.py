"""Cursor pagination: ``{"itens": [...], "proximo": "<cursor>" | null}`` and ``?limite=&cursor=``.

A cursor is DynamoDB's ``LastEvaluatedKey`` as URL-safe base64 JSON plus an HMAC (with the
``PAGINATION_SECRET``), so a client can hand it back but cannot forge a key. The optional
``scope`` (the route) is part of the MAC: a cursor of one listing is refused by another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import Field

from courtlib.http.problems import INVALID_CURSOR, ProblemError
from courtlib.schema import Schema

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_MAC_BYTES = 16


class Page(Schema, Generic[T]):
    """One page of a listing; ``proximo`` is the cursor of the next page (absent on the last)."""

    itens: list[T]
    proximo: str | None = Field(None, description="Cursor da próxima página; nulo na última")


class PageQuery(Schema):
    """Base of listing query models: subclass it and add the filters."""

    limite: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Itens por página")
    cursor: str | None = Field(None, max_length=2048, description="Valor de `proximo` da página anterior")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, scope: str, payload: bytes) -> bytes:
    message = scope.encode("utf-8") + b"\x00" + payload
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()[:_MAC_BYTES]


def encode_cursor(last_evaluated_key: Mapping[str, Any], secret: str, scope: str = "") -> str:
    """Opaque cursor of a JSON-serialisable key (PynamoDB's ``last_evaluated_key`` is)."""
    payload = json.dumps(last_evaluated_key, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return f"{_b64(payload)}.{_b64(_mac(secret, scope, payload))}"


def decode_cursor(cursor: str, secret: str, scope: str = "") -> dict[str, Any]:
    """The key inside a cursor made by :func:`encode_cursor`, else 400 ``CURSOR_INVALIDO``."""
    try:
        payload_text, mac_text = cursor.split(".", 1)
        payload, mac = _unb64(payload_text), _unb64(mac_text)
        if not hmac.compare_digest(mac, _mac(secret, scope, payload)):
            raise ValueError("bad mac")
        key = json.loads(payload)
        if not isinstance(key, dict):
            raise ValueError("not an object")
        return key
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise ProblemError(400, INVALID_CURSOR, "O cursor de paginação é inválido ou foi alterado.",
                           field="cursor") from error
