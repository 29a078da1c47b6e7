"""Route declarations: every route says who may call it, what it takes and what it returns.

A :class:`RouteSet` is declared at module level (no AWS, no settings at import) and only declares:
:func:`courtlib.http.dispatch.build_blueprint` turns it into a Chalice blueprint with the runtime pieces
(authorizer, dependencies, idempotency store, partner keys, settings), and
:func:`courtlib.http.openapi.openapi_document` turns the same declarations into the OpenAPI document.
This module imports neither of them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel

from courtlib.auth.principal import ROLES

F = TypeVar("F", bound=Callable[..., Any])
Access = Literal["roles", "public", "partner"]

_PATH_PARAM = re.compile(r"{(\w+)}")
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class RouteSpec:
    """One declared route (one or more methods on one path template)."""

    path: str
    methods: tuple[str, ...]
    handler: Callable[..., Any]
    name: str
    roles: frozenset[str]
    public: bool
    partner: bool
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: Any
    status: int
    idempotent: bool
    summary: str | None
    description: str | None
    tags: tuple[str, ...]
    path_params: tuple[str, ...]
    path_args: tuple[str, ...]
    """Path parameters also passed to the handler as keyword arguments (those it declares)."""
    csv: Callable[[str], dict[str, Any]] | None = None
    """Turns a ``text/csv`` body into the JSON-shaped body (see :mod:`courtlib.http.csvbody`)."""
    errors: frozenset[int] = frozenset()
    """Refusal statuses the handler itself raises beyond those the mechanism derives (see ``openapi.refusals``)."""
    other_status: int | None = None
    """A second success status with the same body: 201 when a PUT creates, 200 when a POST finds it again."""
    owner: str | None = None
    """Path parameter naming the record's owner (a username): anyone else needs one of ``owner_unless``."""
    owner_unless: frozenset[str] = frozenset()
    accepted: type[BaseModel] | None = None
    """The body of a 202: the request was registered and completes later (``Location``: where to follow it)."""

    @property
    def access(self) -> Access:
        return "public" if self.public else "partner" if self.partner else "roles"


class RouteSet:
    """Routes of one service area: ``routes = RouteSet(service="plantao", title="Plantão judiciário")``."""

    def __init__(self, service: str, title: str | None = None, *, tag: str | None = None) -> None:
        self.service = service
        self.title = title or service
        self.tag = tag or self.title
        self.routes: list[RouteSpec] = []

    def route(self, path: str, *, methods: Iterable[str] = ("GET",), roles: Iterable[str] | None = None,
              public: bool = False, partner: bool = False, body: type[BaseModel] | None = None,
              query: type[BaseModel] | None = None, response: Any = None, status: int = 200,
              idempotent: bool = False, summary: str | None = None, description: str | None = None,
              tags: Iterable[str] | None = None, name: str | None = None,
              csv: Callable[[str], dict[str, Any]] | None = None,
              errors: Iterable[int] = (), other_status: int | None = None, owner: str | None = None,
              owner_unless: Iterable[str] = (), accepted: type[BaseModel] | None = None) -> Callable[[F], F]:
        """Declares a route; the handler is called as ``handler(ctx, body=…, query=…, <path params it names>)``.

        Exactly one of ``roles`` (Cognito groups, any of), ``public=True`` or ``partner=True``.
        ``errors`` names the refusal statuses the handler raises that the mechanism cannot know of
        (a 404 of a lookup without path parameters, a 409 of a state conflict…); the OpenAPI declares them.
        ``other_status`` is a second success status the handler answers with the same body.
        ``accepted``: the model of a 202 the handler may answer (registered, completed later), which carries
        ``Location`` (the status resource) and ``Retry-After``.
        ``owner`` names the path parameter holding the owner's username: the dispatcher answers 403,
        before reading the body, to a caller who is neither that user nor holds one of ``owner_unless``.
        """
        methods_ = tuple(dict.fromkeys(m.upper() for m in methods))
        errors_ = frozenset(int(status) for status in errors)
        if any(not 400 <= status <= 599 for status in errors_):
            raise TypeError(f"{path}: errors= are refusal statuses (4xx/5xx), got {sorted(errors_)}")
        owner_unless_ = frozenset(owner_unless)
        if owner is not None and (f"{{{owner}}}" not in path or roles is None):
            raise TypeError(f"{path}: owner= names a path parameter of a route with roles=, got {owner!r}")
        if owner_unless_ - ROLES:
            raise TypeError(f"{path}: unknown roles in owner_unless {sorted(owner_unless_ - ROLES)}")
        if other_status is not None and not (200 <= other_status < 300 and other_status != status):
            raise TypeError(f"{path}: other_status= is a second 2xx status, got {other_status}")
        if accepted is not None and not (isinstance(accepted, type) and issubclass(accepted, BaseModel)):
            raise TypeError(f"{path}: accepted= must be a pydantic model class, got {accepted!r}")
        if isinstance(roles, str):
            raise TypeError(f"{path}: roles= must be a set of group names, not a string")
        roles_ = frozenset(roles) if roles is not None else frozenset()
        _check_access(path, roles_ if roles is not None else None, public, partner)
        unknown = roles_ - ROLES
        if unknown:
            raise TypeError(f"{path}: unknown roles {sorted(unknown)} (known: {sorted(ROLES)})")
        if not path.startswith("/"):
            raise TypeError(f"route path must start with '/': {path!r}")
        for label, model in (("body", body), ("query", query)):
            if model is not None and not (isinstance(model, type) and issubclass(model, BaseModel)):
                raise TypeError(f"{path}: {label}= must be a pydantic model class, got {model!r}")
        if body is not None and not set(methods_) <= _BODY_METHODS:
            raise TypeError(f"{path}: a body is only for {sorted(_BODY_METHODS)}, not {methods_}")
        if csv is not None and body is None:
            raise TypeError(f"{path}: csv= converts a CSV body into body=, which is missing")
        if idempotent and not set(methods_) <= _WRITE_METHODS:
            raise TypeError(f"{path}: idempotent=True is for {sorted(_WRITE_METHODS)} routes")

        def register(handler: F) -> F:
            params = inspect.signature(handler).parameters
            takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
            for needed, model in (("body", body), ("query", query)):
                if model is not None and needed not in params and not takes_any:
                    raise TypeError(f"{handler.__name__} must accept a '{needed}' argument")
            path_params = tuple(_PATH_PARAM.findall(path))
            spec = RouteSpec(
                path=path, methods=methods_, handler=handler, name=name or handler.__name__, roles=roles_,
                public=public, partner=partner, body=body, query=query, response=response, status=status,
                idempotent=idempotent, summary=summary, description=description or inspect.getdoc(handler),
                tags=tuple(tags) if tags is not None else (self.tag,), path_params=path_params,
                path_args=tuple(p for p in path_params if takes_any or p in params), csv=csv,
                errors=errors_, other_status=other_status, owner=owner, owner_unless=owner_unless_,
                accepted=accepted,
            )
            for existing in self.routes:
                if existing.path == path and set(existing.methods) & set(methods_):
                    raise ValueError(f"duplicate route {methods_} {path}")
            self.routes.append(spec)
            return handler

        return register


def _check_access(path: str, roles: frozenset[str] | None, public: bool, partner: bool) -> None:
    given = [label for label, on in (("roles", roles is not None), ("public", public), ("partner", partner)) if on]
    if len(given) != 1:
        raise TypeError(f"{path}: declare exactly one of roles=, public=True, partner=True (got {given or 'none'})")
    if roles is not None and not roles:
        raise TypeError(f"{path}: roles= must be a non-empty set of group names")
