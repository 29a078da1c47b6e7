"""Partner courts: an API key id plus an HMAC-SHA256 signature of the request.

A partner sends four headers:

- ``X-Parceiro-Id``: its key id;
- ``X-Parceiro-Data``: the request time, RFC 3339 in UTC (``2026-11-25T19:00:00Z``), accepted
  within ±300 s of the server clock;
- ``X-Parceiro-Nonce``: 16 to 64 characters ``A-Z a-z 0-9 - _``, new for every request: a nonce already
  seen within the window is a replay (401 ``ASSINATURA_REPETIDA``);
- ``X-Parceiro-Assinatura``: lowercase hex HMAC-SHA256 with the shared secret of::

      METHOD \\n PATH \\n CANONICAL_QUERY \\n X-Parceiro-Data \\n X-Parceiro-Nonce \\n hex(SHA-256(body))

  ``PATH`` is the request path relative to the API's base URL (no stage, no query string);
  ``CANONICAL_QUERY`` is every ``name=value`` pair percent-encoded as in RFC 3986 (only
  ``A-Z a-z 0-9 - _ . ~`` left as is), sorted by name then value and joined with ``&`` (empty
  when there is no query); the body hash is of the exact bytes sent (empty body: hash of nothing).

:func:`sign_request` builds those headers (tests, demo, partner documentation); :func:`verify`
checks them in constant time, then claims the nonce in the key store (kept until the timestamp's window
closes, so a replay is refused for as long as the signature would be accepted). The key table lives in
:mod:`courtlib.auth.partner_keys` (re-exported here lazily, so signing needs neither PynamoDB nor boto3).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, quote

from courtlib import clock

if TYPE_CHECKING:
    from courtlib.auth.partner_keys import PartnerKeyItem, TablePartnerKeyStore

HEADER_ID = "X-Parceiro-Id"
HEADER_DATE = "X-Parceiro-Data"
HEADER_SIGNATURE = "X-Parceiro-Assinatura"
HEADER_NONCE = "X-Parceiro-Nonce"
HEADERS = (HEADER_ID, HEADER_DATE, HEADER_NONCE, HEADER_SIGNATURE)
MAX_SKEW_SECONDS = 300

QueryLike = Mapping[str, str | Sequence[str]] | Sequence[tuple[str, str]] | str | None

_PARTNER_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_UNUSED_SECRET = "x" * 32  # keeps the work done for an unknown partner close to a known one's


class PartnerKeyStore(Protocol):
    def secret_for(self, partner_id: str) -> str | None:
        """The partner's active secret, or None (unknown or inactive)."""

    def claim_nonce(self, partner_id: str, nonce: str, expires_at: float, *, now: float) -> bool:
        """Records the nonce until ``expires_at`` (epoch seconds); False if it is recorded and not expired at ``now``
        (a replay)."""


class StaticPartnerKeyStore:
    """Secrets held in memory: ``StaticPartnerKeyStore({"TJSC": "segredo"})`` (tests, demo)."""

    def __init__(self, secrets: Mapping[str, str] | None = None) -> None:
        self._secrets = dict(secrets or {})

    def secret_for(self, partner_id: str) -> str | None:
        return self._secrets.get(partner_id)

    def claim_nonce(self, partner_id: str, nonce: str, expires_at: float, *, now: float) -> bool:
        self._nonces = {k: t for k, t in getattr(self, "_nonces", {}).items() if t >= now}
        if (partner_id, nonce) in self._nonces:
            return False
        self._nonces[(partner_id, nonce)] = expires_at
        return True


class SignatureError(Exception):
    """The request is not a valid partner request. ``missing`` names an absent header."""

    def __init__(self, reason: str, missing: str | None = None, *, replayed: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.replayed = replayed


def canonical_query(query: QueryLike) -> str:
    if query is None:
        return ""
    if isinstance(query, str):
        pairs: list[tuple[str, str]] = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    elif isinstance(query, Mapping):
        pairs = []
        for name, value in query.items():
            values = [value] if isinstance(value, str) else list(value)
            pairs.extend((name, str(v)) for v in values)
    else:
        pairs = [(str(name), str(value)) for name, value in query]
    return "&".join(f"{quote(n, safe='-_.~')}={quote(v, safe='-_.~')}" for n, v in sorted(pairs))


def string_to_sign(method: str, path: str, query: QueryLike, timestamp: str, body: bytes | str, *, nonce: str) -> str:
    raw = body.encode("utf-8") if isinstance(body, str) else (body or b"")
    return "\n".join([method.upper(), path, canonical_query(query), timestamp, nonce, hashlib.sha256(raw).hexdigest()])


def signature(secret: str, method: str, path: str, query: QueryLike, timestamp: str, body: bytes | str, *,
              nonce: str) -> str:
    message = string_to_sign(method, path, query, timestamp, body, nonce=nonce)
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_request(partner_id: str, secret: str, method: str, path: str, *, query: QueryLike = None,
                 body: bytes | str = b"", timestamp: datetime | str | None = None,
                 nonce: str | None = None) -> dict[str, str]:
    """The four ``X-Parceiro-*`` headers for a request (timestamp: now, nonce: a new random one, unless given)."""
    stamp = timestamp if isinstance(timestamp, str) else format_timestamp(timestamp or clock.now())
    once = nonce or secrets.token_urlsafe(24)
    return {
        HEADER_ID: partner_id,
        HEADER_DATE: stamp,
        HEADER_NONCE: once,
        HEADER_SIGNATURE: signature(secret, method, path, query, stamp, body, nonce=once),
    }


def verify(keys: PartnerKeyStore, *, method: str, path: str, query: QueryLike, headers: Mapping[str, str],
           body: bytes | str, now: datetime | None = None, max_skew_seconds: int = MAX_SKEW_SECONDS) -> str:
    """The partner id of a correctly signed, fresh request; :class:`SignatureError` otherwise."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for header in HEADERS:
        if not lowered.get(header.lower()):
            raise SignatureError(f"missing header {header}", missing=header)
    partner_id = lowered[HEADER_ID.lower()]
    stamp = lowered[HEADER_DATE.lower()]
    given = lowered[HEADER_SIGNATURE.lower()].strip().lower()
    nonce = lowered[HEADER_NONCE.lower()].strip()
    if not _PARTNER_ID.match(partner_id):
        raise SignatureError("malformed partner id")
    if not _NONCE.match(nonce):
        raise SignatureError("malformed nonce")
    moment = _parse_timestamp(stamp)
    now = now or clock.now()
    skew = abs((now - moment).total_seconds())
    if skew > max_skew_seconds:
        raise SignatureError(f"timestamp off by {skew:.0f}s")
    secret = keys.secret_for(partner_id)
    expected = signature(secret or _UNUSED_SECRET, method, path, query, stamp, body, nonce=nonce)
    matches = hmac.compare_digest(expected, given if _HEX_SHA256.match(given) else "0" * 64)
    if secret is None:
        raise SignatureError("unknown or inactive partner")
    if not matches:
        raise SignatureError("signature mismatch")
    # Kept until the last moment this signature would still be accepted (the timestamp plus the window).
    if not keys.claim_nonce(partner_id, nonce, moment.timestamp() + max_skew_seconds + 1, now=now.timestamp()):
        raise SignatureError("nonce already used", replayed=True)
    return partner_id


def _parse_timestamp(stamp: str) -> datetime:
    try:
        moment = datetime.fromisoformat(stamp.strip())
    except ValueError as error:
        raise SignatureError("malformed timestamp") from error
    if moment.tzinfo is None:
        raise SignatureError("timestamp without time zone")
    return moment


def __getattr__(name: str) -> Any:
    if name in ("PartnerKeyItem", "TablePartnerKeyStore"):
        from courtlib.auth import partner_keys

        return getattr(partner_keys, name)
    raise AttributeError(name)


__all__ = [
    "HEADERS", "HEADER_DATE", "HEADER_ID", "HEADER_NONCE", "HEADER_SIGNATURE", "MAX_SKEW_SECONDS", "PartnerKeyItem",
    "PartnerKeyStore", "SignatureError", "StaticPartnerKeyStore", "TablePartnerKeyStore", "canonical_query",
    "format_timestamp", "sign_request", "signature", "string_to_sign", "verify",
]
