"""Who is acting right now: set once by whatever starts the work (HTTP dispatcher, event consumer, schedule).

Use cases never take the actor as an argument: :meth:`courtlib.messaging.outbox.UnitOfWork.audit` reads
it from here, so an act cannot be recorded under someone the entry point did not establish.

- HTTP: the dispatcher runs the handler inside ``acting_as(actor_of(principal), correlation_id=...)``;
- event consumer: ``acting_as(Actor.system(f"evento:{type}"), correlation_id=envelope.correlationid)``;
- schedule: decorate the handler with ``@as_system("agenda:<name>")``.

Outside all of them there is no actor, and auditing an act fails (:class:`NoActor`) rather than record a
made-up one.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from courtlib.audit.record import Actor

if TYPE_CHECKING:
    from courtlib.auth.principal import Principal

F = TypeVar("F", bound=Callable[..., Any])


class NoActor(RuntimeError):
    """An act was audited outside any entry point that says who acts."""


@dataclass(frozen=True)
class Acting:
    actor: Actor
    correlation_id: str


_acting: ContextVar[Acting | None] = ContextVar("audit_acting", default=None)


def actor_of(principal: Principal) -> Actor:
    """The actor of an authenticated HTTP caller (a user or a partner court)."""
    if principal.partner_id is not None:
        return Actor.partner(principal.partner_id)
    return Actor.user(principal.id, principal.username, principal.groups)


@contextlib.contextmanager
def acting_as(actor: Actor, *, correlation_id: str | None = None) -> Iterator[Acting]:
    """Work done inside is done by ``actor`` (in the request or event ``correlation_id``; a new one if None)."""
    token = _acting.set(Acting(actor, correlation_id or str(uuid.uuid4())))
    try:
        yield _acting.get()  # type: ignore[misc]
    finally:
        _acting.reset(token)


def as_system(source: str) -> Callable[[F], F]:
    """Decorates a schedule's handler: its acts are the system's, named ``source`` (``agenda:<name>``)."""

    def decorate(handler: F) -> F:
        @wraps(handler)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with acting_as(Actor.system(source)):
                return handler(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def current() -> Acting:
    acting = _acting.get()
    if acting is None:
        raise NoActor("ato auditado sem autor: a entrada (HTTP, evento ou agenda) não definiu quem age")
    return acting


def current_or_none() -> Acting | None:
    return _acting.get()
