"""PynamoDB on the single-table design every service shares.

Each service owns one table (``pk``/``sk``, GSIs ``gsi1``/``gsi2``, TTL ``expiration``, a stream).
Models are declared once, unbound, and bound to a service's table with :func:`bind`, which returns
a subclass whose ``Meta`` carries the table name, region and endpoint from that service's settings.
Four services can therefore use the same shared models (outbox, calendar…) in one process.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime
from typing import Any, TypeVar

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from courtlib import clock
from courtlib.settings import ServiceSettings

M = TypeVar("M", bound=Model)


class Gsi1(GlobalSecondaryIndex):  # type: ignore[type-arg,no-untyped-call]  # pynamodb's untyped index
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex):  # type: ignore[type-arg,no-untyped-call]
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class TableItem(Model):
    """Base of every item: generic keys, two optional (sparse) index keys and an optional TTL."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    expiration = NumberAttribute(null=True)
    by_gsi1 = Gsi1()
    by_gsi2 = Gsi2()


class VersionedItem(TableItem):
    """An item two writers can race on: every save is conditional on the version read (optimistic lock)."""

    version = VersionAttribute()
    updated_at = UTCDateTimeAttribute(null=True)

    def save(self, *args: Any, **kwargs: Any) -> Any:
        self.updated_at = clock.now()
        return super().save(*args, **kwargs)


_bound: dict[tuple[type[Model], str, str | None], type[Model]] = {}


def bind(model: type[M], settings: ServiceSettings) -> type[M]:
    """The subclass of ``model`` stored in ``settings``' table (cached, so one class per table)."""
    key = (model, settings.table_name, settings.dynamodb_endpoint)
    if key not in _bound:
        meta_attrs: dict[str, Any] = {"table_name": settings.table_name, "region": settings.region}
        if settings.dynamodb_endpoint:
            meta_attrs["host"] = settings.dynamodb_endpoint
        meta = type("Meta", (), meta_attrs)
        bound = type(model.__name__, (model,), {"Meta": meta, "__module__": model.__module__})
        for index_name in ("by_gsi1", "by_gsi2"):
            index = getattr(model, index_name, None)
            if index is not None:
                # Indexes keep a reference to their model; give the bound class its own.
                fresh = type(index)()
                setattr(bound, index_name, fresh)
                fresh._model = bound
        _bound[key] = bound
    return _bound[key]  # type: ignore[return-value]


def utc_now() -> datetime:
    return clock.now()


# The request a write belongs to (its idempotency scope and key), set by the HTTP dispatcher.
_write_scope: ContextVar[str | None] = ContextVar("write_scope", default=None)


@contextlib.contextmanager
def write_scope(scope: str | None) -> Iterator[None]:
    """Writes made inside belong to the request identified by ``scope`` (service, route, caller, Idempotency-Key)."""
    reset = _write_scope.set(scope)
    try:
        yield
    finally:
        _write_scope.reset(reset)


def client_request_token(operations: Any) -> str:
    """The ``ClientRequestToken`` of a TransactWriteItems (≤36 characters).

    Derived from the request's idempotency scope and the transaction's content: botocore's retries,
    the unit of work's retries and a client's retry with the same Idempotency-Key that rebuilds the
    same transaction all send the same token, so DynamoDB applies it once (within its 10-minute
    window). Outside a request (a consumer, a schedule), a token per transaction.
    """
    scope = _write_scope.get()
    if scope is None:
        return str(uuid.uuid4())
    digest = hashlib.sha256(scope.encode())
    for op, item, extra in operations:
        serialised = (item.__name__ if isinstance(item, type) else
                      sorted(item.serialize(null_check=False).items()) if hasattr(item, "serialize") else repr(item))
        digest.update(repr((op, serialised, str(extra))).encode())
    return digest.hexdigest()[:36]
