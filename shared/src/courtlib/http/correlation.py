"""The correlation id: taken from ``X-Correlation-Id`` when sane, else a new UUID4; echoed on every response.

The app's middleware (:func:`courtlib.observability.observed`) reads it once per request
(:func:`correlation_scope`), so the logs, the dispatcher's answer and the events the request causes
carry the same id, generated ones included.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

HEADER = "X-Correlation-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def correlation_id_from(headers: Mapping[str, str] | None) -> str:
    """The caller's id if it is a plain token (no spaces, ≤128 chars: it goes into logs and headers)."""
    value = ""
    if headers:
        value = (headers.get(HEADER.lower()) or headers.get(HEADER) or "").strip()
    return value if _SANE.match(value) else str(uuid.uuid4())


def current_correlation_id() -> str | None:
    """The id of the request being served, when the middleware read it."""
    return _current.get()


@contextlib.contextmanager
def correlation_scope(headers: Mapping[str, str] | None) -> Iterator[str]:
    """The request's id (read or made) is the current one until the request is answered."""
    token = _current.set(correlation_id_from(headers))
    try:
        yield _current.get() or ""
    finally:
        _current.reset(token)
