"""Partner courts' signing keys in the service table: ``pk = PARCEIRO#<id>``, ``sk = CHAVE``.

The HMAC needs the secret itself, so it is stored as is; the table is encrypted at rest and only
the service's role reads it. Lookups are cached briefly (a revoked key stops working within
``cache_seconds``).
"""

from __future__ import annotations

import secrets as _secrets
import time
from collections.abc import Callable

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

PARTNER_PREFIX = "PARCEIRO#"
KEY_SK = "CHAVE"
NONCE_PREFIX = "NONCE#"


class PartnerKeyItem(TableItem):
    tribunal_name = UnicodeAttribute(null=True)  # null on a nonce item (same partition)
    secret = UnicodeAttribute(null=True)
    active = BooleanAttribute(default=True)


def new_secret() -> str:
    return _secrets.token_urlsafe(32)


class TablePartnerKeyStore:
    """:class:`courtlib.auth.partners.PartnerKeyStore` over the service's table."""

    def __init__(self, settings: ServiceSettings, *, cache_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._model = bind(PartnerKeyItem, settings)
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, str | None]] = {}

    def secret_for(self, partner_id: str) -> str | None:
        cached = self._cache.get(partner_id)
        if cached is not None and self._clock() - cached[0] < self._cache_seconds:
            return cached[1]
        try:
            item = self._model.get(f"{PARTNER_PREFIX}{partner_id}", KEY_SK)
        except self._model.DoesNotExist:
            item = None
        secret = item.secret if item is not None and item.active else None
        self._cache[partner_id] = (self._clock(), secret)
        return secret

    def claim_nonce(self, partner_id: str, nonce: str, expires_at: float, *, now: float) -> bool:
        """A conditional put of ``PARCEIRO#<id>`` / ``NONCE#<nonce>`` with the table's TTL attribute: False when the
        nonce is already there and not yet expired (DynamoDB deletes expired items lazily)."""
        item = self._model(f"{PARTNER_PREFIX}{partner_id}", f"{NONCE_PREFIX}{nonce}", expiration=int(expires_at) + 1)
        try:
            item.save(condition=self._model.pk.does_not_exist() | (self._model.expiration < int(now)))
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def register(self, partner_id: str, tribunal_name: str, secret: str | None = None,
                 active: bool = True) -> PartnerKeyItem:
        """Creates or replaces a partner's key (seed data, administration); returns the stored item."""
        item = self._model(f"{PARTNER_PREFIX}{partner_id}", KEY_SK, tribunal_name=tribunal_name,
                           secret=secret or new_secret(), active=active)
        item.save()
        self._cache.pop(partner_id, None)
        return item

    def deactivate(self, partner_id: str) -> bool:
        """Revokes the partner's key (kept for the record); False when there is no such partner."""
        try:
            item = self._model.get(f"{PARTNER_PREFIX}{partner_id}", KEY_SK)
        except self._model.DoesNotExist:
            return False
        item.update(actions=[self._model.active.set(False)])
        self._cache.pop(partner_id, None)
        return True
