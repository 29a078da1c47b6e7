"""The caller of a request: a Cognito user (claims of its ID token), a partner court, or nobody.

API Gateway's Cognito authorizer hands the verified claims to the Lambda in
``requestContext.authorizer.claims``; ``cognito:groups`` arrives there as a string (``"[a, b]"``),
while a decoded token carries a list — :func:`parse_groups` reads every form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_SEPARATORS = re.compile(r"[,\s]+")

# The Cognito groups of infra/identity.yaml (route declarations are checked against them).
ROLES: frozenset[str] = frozenset({
    "servidor", "gestor", "presidencia", "corregedoria", "nucleo_cooperacao", "distribuicao", "dimag", "admin",
})


def parse_groups(raw: Any) -> frozenset[str]:
    """Groups from a list, a JSON-ish string ``'["a", "b"]'`` / ``"[a, b]"``, ``"a,b"`` or ``"a b"``."""
    if raw is None:
        return frozenset()
    if isinstance(raw, str):
        items: Iterable[Any] = _SEPARATORS.split(raw.strip().strip("[]"))
    elif isinstance(raw, Iterable):
        items = raw
    else:
        items = [raw]
    return frozenset(name for item in items if (name := str(item).strip().strip("\"'").strip()))


@dataclass(frozen=True)
class Principal:
    """An authenticated user, a partner court (``partner_id``) or the anonymous caller."""

    username: str | None = None
    sub: str | None = None
    email: str | None = None
    groups: frozenset[str] = frozenset()
    partner_id: str | None = None
    claims: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False, compare=False)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> Principal:
        return cls(
            username=_text(claims.get("cognito:username") or claims.get("username")),
            sub=_text(claims.get("sub")),
            email=_text(claims.get("email")),
            groups=parse_groups(claims.get("cognito:groups")),
            claims=MappingProxyType(dict(claims)),
        )

    @classmethod
    def partner(cls, partner_id: str) -> Principal:
        return cls(username=f"parceiro:{partner_id}", partner_id=partner_id)

    @property
    def is_partner(self) -> bool:
        return self.partner_id is not None

    @property
    def is_authenticated(self) -> bool:
        return self.is_partner or bool(self.username or self.sub)

    @property
    def id(self) -> str:
        """A stable identifier (Cognito ``sub`` first: usernames can be reused after a deletion)."""
        if self.partner_id is not None:
            return f"parceiro:{self.partner_id}"
        return self.sub or self.username or "anonimo"

    def has_role(self, *roles: str) -> bool:
        """True when the principal is in any of ``roles``."""
        return not self.groups.isdisjoint(roles)


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


ANONYMOUS = Principal()
