"""Partner courts' signing keys in the service table: ``pk = PARCEIRO#<id>``, ``sk = CHAVE``.

The HMAC needs the secret itself, so it is kept *sealed* (:mod:`courtlib.auth.sealing`: KMS envelope
encryption, the encryption context naming the service and the partner): the table holds only the
KMS-encrypted data key and the AES-GCM ciphertext, never the secret. Lookups are cached briefly (a revoked
key stops working within ``cache_seconds``).

Registering, replacing and revoking a key are audited acts (``ADM.PARCEIRO.CHAVE.CADASTRAR``,
``.TROCAR``, ``.REVOGAR``) written in the same transaction as the key; each replacement raises the key's
``geracao``, so a re-registration is a new act, never a silent overwrite.
"""

from __future__ import annotations

import hashlib
import secrets as _secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition

from courtlib import clock
from courtlib.auth.sealing import KmsSealer, Sealed
from courtlib.errors import WriteConflict
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

PARTNER_PREFIX = "PARCEIRO#"
KEY_SK = "CHAVE"
NONCE_PREFIX = "NONCE#"
# Judicial cooperation between courts (CNJ Res. 350/2020): what a partner court's key exists for.
PARTNER_RULES = ("COOP-12",)
ACT_REGISTER = "ADM.PARCEIRO.CHAVE.CADASTRAR"
ACT_REPLACE = "ADM.PARCEIRO.CHAVE.TROCAR"
ACT_REVOKE = "ADM.PARCEIRO.CHAVE.REVOGAR"
REPLAY_WINDOW = timedelta(hours=24)  # as courtlib.http.idempotency's stored answers


class PartnerKeyItem(TableItem):
    tribunal_name = UnicodeAttribute(null=True)  # null on a nonce item (same partition)
    secret = UnicodeAttribute(null=True)  # legacy items only (plaintext): read until re-registered, never written
    sealed_secret = UnicodeAttribute(null=True, attr_name="segredo_selado")
    sealed_data_key = UnicodeAttribute(null=True, attr_name="chave_de_dados")
    generation = NumberAttribute(null=True, attr_name="geracao")
    active = BooleanAttribute(default=True)
    request_digest = UnicodeAttribute(null=True, attr_name="pedido")  # SHA-256 of the registering request
    registered_at = UTCDateTimeAttribute(null=True, attr_name="registrada_em")


@dataclass(frozen=True)
class RegisteredKey:
    """A key just registered: the only moment its secret is shown."""

    partner_id: str
    tribunal_name: str
    secret: str
    active: bool
    generation: int
    item: PartnerKeyItem
    replayed: bool = False


def new_secret() -> str:
    return _secrets.token_urlsafe(32)


class TablePartnerKeyStore:
    """:class:`courtlib.auth.partners.PartnerKeyStore` over the service's table."""

    def __init__(self, settings: ServiceSettings, *, cache_seconds: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, sealer: KmsSealer | None = None) -> None:
        self._settings = settings
        self._model = bind(PartnerKeyItem, settings)
        self._sealer = sealer or KmsSealer(settings.partner_keys_kms_key, settings.region, settings.endpoint_url)
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, str | None]] = {}

    def secret_for(self, partner_id: str) -> str | None:
        cached = self._cache.get(partner_id)
        if cached is not None and self._clock() - cached[0] < self._cache_seconds:
            return cached[1]
        item = self._key(partner_id)
        secret = self._open(item) if item is not None and item.active else None
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
                 active: bool = True, request_key: str | None = None) -> RegisteredKey:
        """Creates or replaces a partner's key, sealed, with its audit record (by whoever acts now).

        ``request_key`` (the request's ``Idempotency-Key``): a retry of the request that registered the key in
        force, within 24 h, answers that key again and records nothing. The generic idempotency layer is not
        used here because it would keep the answer, secret included, in the clear in the table; the key item
        keeps only a digest of the request, and the secret stays sealed.
        """
        from courtlib.messaging.outbox import ConditionFailed, UnitOfWork

        existing = self._key(partner_id)
        digest = _request_digest(partner_id, tribunal_name, request_key) if request_key else None
        if existing is not None and digest is not None and existing.request_digest == digest and existing.active \
                and existing.registered_at is not None and clock.now() - existing.registered_at < REPLAY_WINDOW:
            shown = self._open(existing)
            if shown is not None:
                return RegisteredKey(partner_id, tribunal_name, shown, True, int(existing.generation or 1), existing,
                                     replayed=True)
        plaintext = secret or new_secret()
        sealed = self._sealer.seal(plaintext, self._context(partner_id))
        generation = int(existing.generation or 1) + 1 if existing is not None else 1
        item = self._model(f"{PARTNER_PREFIX}{partner_id}", KEY_SK, tribunal_name=tribunal_name, active=active,
                           sealed_secret=sealed.ciphertext, sealed_data_key=sealed.data_key, generation=generation,
                           request_digest=digest, registered_at=clock.now())
        uow = UnitOfWork(self._settings)
        condition: Condition
        if existing is None:
            condition = self._model.pk.does_not_exist()
        elif existing.generation is None:
            condition = self._model.generation.does_not_exist()
        else:
            condition = self._model.generation == int(existing.generation)
        uow.save(item, condition)
        uow.audit(ACT_REPLACE if existing is not None else ACT_REGISTER, ("parceiro", partner_id), rules=PARTNER_RULES,
                  before=_shown(existing), after=_shown(item))
        try:
            uow.commit()
        except ConditionFailed as error:
            raise WriteConflict(f"chave do parceiro {partner_id} alterada ao mesmo tempo") from error
        self._cache.pop(partner_id, None)
        return RegisteredKey(partner_id, tribunal_name, plaintext, active, generation, item)

    def deactivate(self, partner_id: str) -> bool:
        """Revokes the partner's key (kept for the record), audited; False when there is no such partner."""
        from courtlib.messaging.outbox import ConditionFailed, UnitOfWork

        item = self._key(partner_id)
        if item is None:
            return False
        before = _shown(item) or {}
        uow = UnitOfWork(self._settings)
        condition = (self._model.generation.does_not_exist() if item.generation is None
                     else self._model.generation == int(item.generation))
        uow.update(item, actions=[self._model.active.set(False)], condition=condition & self._model.pk.exists())
        uow.audit(ACT_REVOKE, ("parceiro", partner_id), rules=PARTNER_RULES, before=before,
                  after={**before, "ativo": False})
        try:
            uow.commit()
        except ConditionFailed as error:
            raise WriteConflict(f"chave do parceiro {partner_id} alterada ao mesmo tempo") from error
        self._cache.pop(partner_id, None)
        return True

    def _key(self, partner_id: str) -> PartnerKeyItem | None:
        try:
            return self._model.get(f"{PARTNER_PREFIX}{partner_id}", KEY_SK, consistent_read=True)
        except self._model.DoesNotExist:
            return None

    def _open(self, item: PartnerKeyItem) -> str | None:
        if item.sealed_secret and item.sealed_data_key:
            partner_id = item.pk.removeprefix(PARTNER_PREFIX)
            return self._sealer.open(Sealed(item.sealed_data_key, item.sealed_secret), self._context(partner_id))
        return item.secret  # a key stored before sealing: works until it is registered again

    def _context(self, partner_id: str) -> dict[str, str]:
        return {"servico": self._settings.service, "parceiro": partner_id}


def _request_digest(partner_id: str, tribunal_name: str, request_key: str) -> str:
    return hashlib.sha256(f"{partner_id}|{tribunal_name}|{request_key}".encode()).hexdigest()


def _shown(item: PartnerKeyItem | None) -> dict[str, Any] | None:
    """What the audit keeps of a key: never the secret, sealed or not."""
    if item is None:
        return None
    return {"nome": item.tribunal_name, "ativo": bool(item.active), "geracao": int(item.generation or 1)}
