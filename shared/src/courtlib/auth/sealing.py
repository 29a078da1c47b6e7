"""Secrets sealed at rest with KMS envelope encryption.

``seal`` asks KMS for a fresh data key (``GenerateDataKey``, AES-256), encrypts the secret locally with
AES-GCM (``cryptography``) and keeps only the data key *as KMS encrypted it*; ``open`` has KMS decrypt
that data key and opens the secret. The encryption context (``servico``, ``parceiro``…) binds a sealed
value to its item: copied onto another partner's item it no longer opens. The plaintext secret and the
plaintext data key never leave the process.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12  # AES-GCM's standard nonce


class SealingNotConfigured(RuntimeError):
    """No KMS key is configured: secrets are not stored in the clear instead."""


@dataclass(frozen=True)
class Sealed:
    data_key: str
    """The data key encrypted by KMS (base64 ``CiphertextBlob``)."""
    ciphertext: str
    """base64 of nonce ‖ AES-GCM(secret)."""


class KmsSealer:
    def __init__(self, key_id: str | None, region: str, endpoint_url: str | None = None) -> None:
        self._key_id = key_id
        self._region = region
        self._endpoint_url = endpoint_url

    def seal(self, secret: str, context: Mapping[str, str]) -> Sealed:
        if not self._key_id:
            raise SealingNotConfigured("PARTNER_KEYS_KMS_KEY_ARN não configurada: segredo não será gravado")
        key = self._kms().generate_data_key(KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=dict(context))
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = _aes_gcm(key["Plaintext"]).encrypt(nonce, secret.encode("utf-8"), _aad(context))
        return Sealed(_b64(key["CiphertextBlob"]), _b64(nonce + ciphertext))

    def open(self, sealed: Sealed, context: Mapping[str, str]) -> str:
        key = self._kms().decrypt(CiphertextBlob=base64.b64decode(sealed.data_key), EncryptionContext=dict(context))
        raw = base64.b64decode(sealed.ciphertext)
        plaintext = _aes_gcm(key["Plaintext"]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(context))
        return plaintext.decode("utf-8")

    def _kms(self) -> Any:
        from courtlib import aws

        return aws.client("kms", region=self._region, endpoint_url=self._endpoint_url)


def _aes_gcm(key: bytes) -> AESGCM:
    # Imported on first use: loading cryptography's native bindings is a large share of a cold start, and
    # only the requests that register or check a partner's key need it.
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _aad(context: Mapping[str, str]) -> bytes:
    return "&".join(f"{name}={context[name]}" for name in sorted(context)).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
