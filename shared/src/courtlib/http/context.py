"""What a route handler receives besides its body/query: who calls, path and query, correlation id, deps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from courtlib.auth.principal import ANONYMOUS, Principal
from courtlib.http.pagination import decode_cursor, encode_cursor
from courtlib.http.problems import ProblemError


@dataclass
class RequestContext:
    principal: Principal = ANONYMOUS
    path: dict[str, str] = field(default_factory=dict)
    """Path parameters of the route template (strings, as received)."""
    query: dict[str, str] = field(default_factory=dict)
    """Raw query parameters (last value of each); the validated ones come as the ``query`` argument."""
    headers: Mapping[str, str] = field(default_factory=dict)
    correlation_id: str = ""
    deps: Any = None
    method: str = "GET"
    route: str = "/"
    """The route template, e.g. ``/calendario/dias/{data}``."""
    instance: str = "/"
    """The request path, as used for the problem ``instance``."""
    request: Any = None
    """The Chalice ``Request`` (escape hatch: raw body, context, stage variables)."""
    cursor_secret: str = field(default="", repr=False)

    def require_owner(self, owner_username: str | None, *, unless_roles: Iterable[str] = ()) -> None:
        """403 unless the principal is ``owner_username`` or holds one of ``unless_roles``."""
        if owner_username is not None and self.principal.username == owner_username:
            return
        if self.principal.has_role(*unless_roles):
            return
        raise ProblemError.forbidden("Você só pode acessar os seus próprios registros.")

    def require_role(self, *roles: str) -> None:
        """403 unless the principal holds one of ``roles`` (for checks finer than the route's)."""
        if not self.principal.has_role(*roles):
            raise ProblemError.forbidden()

    @property
    def cursor_scope(self) -> str:
        return f"{self.method} {self.route}"

    def next_cursor(self, last_evaluated_key: Mapping[str, Any] | None) -> str | None:
        """The ``proximo`` of a page: None when DynamoDB returned no ``LastEvaluatedKey``."""
        if not last_evaluated_key:
            return None
        return encode_cursor(last_evaluated_key, self.cursor_secret, self.cursor_scope)

    def decode_cursor(self, cursor: str | None) -> dict[str, Any] | None:
        """The ``ExclusiveStartKey`` for ``?cursor=`` (None on the first page); 400 if tampered."""
        if not cursor:
            return None
        return decode_cursor(cursor, self.cursor_secret, self.cursor_scope)
