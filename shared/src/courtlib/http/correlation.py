"""The correlation id: taken from ``X-Correlation-Id`` when sane, else a new UUID4; echoed on every response."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

HEADER = "X-Correlation-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def correlation_id_from(headers: Mapping[str, str] | None) -> str:
    """The caller's id if it is a plain token (no spaces, ≤128 chars: it goes into logs and headers)."""
    value = ""
    if headers:
        value = (headers.get(HEADER.lower()) or headers.get(HEADER) or "").strip()
    return value if _SANE.match(value) else str(uuid.uuid4())
