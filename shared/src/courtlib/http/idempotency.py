"""``Idempotency-Key`` for routes that create things, on Powertools idempotency.

The header is optional (a browser form may not send it) but honoured: with a key, the first 2xx
response (status, body, a few headers) is stored for 24 h under (service, method, path, principal,
key) and replayed to a retry with the same body and query; the same key with another body is
refused (422 ``IDEMPOTENCIA``), and a retry while the first is still running gets 409
``IDEMPOTENCIA_EM_ANDAMENTO``. A refused or failed request (problem, non-2xx, an AWS failure) stores
nothing: its record is deleted, so it can be corrected or retried with the same key. An in-progress
record left by a crashed invocation expires with the invocation's remaining time.

Powertools is used through its public API (``idempotent_function`` and the persistence layer).
Give the route set a persistence layer of its own: Powertools configures a layer once (key and
validation expressions), so sharing it with the event consumer would mix configurations.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from courtlib.http.problems import IDEMPOTENCY, IDEMPOTENCY_IN_PROGRESS, ProblemError

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer, DynamoDBPersistenceLayer

    from courtlib.settings import ServiceSettings

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
STATIC_PK = "IDEMPOTENCIA#http"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_REPLAYED_HEADERS = ("Content-Type", "Location")
SETTLE_ATTEMPTS = 3
DEFAULT_REQUEST_BUDGET_S = 30  # API Gateway's integration timeout
KEY_PREFIX = "http"  # the records' key prefix (Powertools: ``<prefix>#<hash>``)


def http_idempotency_layer(settings: ServiceSettings) -> DynamoDBPersistenceLayer:
    """The Powertools persistence layer for HTTP idempotency in the service's table."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from courtlib.idempotency_store import idempotency_client

    client = idempotency_client(settings.region, settings.dynamodb_endpoint)
    layer = DynamoDBPersistenceLayer(table_name=settings.table_name, key_attr="pk", sort_key_attr="sk",
                                     static_pk_value=STATIC_PK, expiry_attr="expiration", boto3_client=client)
    # Configured here, once, before any request can reach it. Powertools configures a layer on its first use,
    # marking it configured before it compiles the key's path: a second request arriving in that instant (a
    # threaded server, as the local stack's) found it configured without a key path and failed with a 500.
    # Later calls find it configured and return at once.
    layer.configure(_config(), key_prefix=KEY_PREFIX)
    return layer


def _config() -> Any:
    """The one configuration of the HTTP idempotency records (the request's context is registered per call)."""
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(event_key_jmespath="chave", payload_validation_jmespath="corpo",
                             raise_on_no_idempotency_key=True, hash_function="sha256",
                             expires_after_seconds=int(TTL.total_seconds()))


def idempotency_key_from(headers: Any) -> str | None:
    raw = headers.get(HEADER.lower()) or headers.get(HEADER)
    if raw is None:
        return None
    key = str(raw).strip()
    if not _KEY.match(key):
        raise ProblemError(400, IDEMPOTENCY, "O cabeçalho Idempotency-Key deve ter de 1 a 255 caracteres visíveis.",
                           field=HEADER)
    return key


class _NotStored(Exception):
    """Carries a non-2xx response out of the idempotent call, so Powertools deletes its record."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def run_idempotent(store: BasePersistenceLayer, *, scope: str, key: str, fingerprint: Any,
                   produce: Callable[[], Response], lambda_context: Any = None) -> Response:
    """``produce()`` once per (scope, key); later calls with the same ``fingerprint`` replay its response.

    Powertools' public ``idempotent_function`` does the bookkeeping: it records the call in progress,
    runs it, stores what it returns and hands a stored result back to a retry. Whether this call ran
    ``produce`` is known from ``outcome``: a replay never enters ``call``.
    """
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    config = _config()
    if lambda_context is None or not hasattr(lambda_context, "get_remaining_time_in_millis"):
        lambda_context = _Deadline(DEFAULT_REQUEST_BUDGET_S)
    config.register_lambda_context(lambda_context)  # an in-progress record then expires with the invocation
    payload = {"chave": f"{scope}#{key}", "corpo": _hash(fingerprint)}
    outcome: dict[str, Any] = {}

    def call(request: dict[str, Any]) -> dict[str, Any]:
        try:
            response = produce()
        except Exception as error:
            outcome["error"] = error
            raise
        if not 200 <= response.status_code < 300:
            outcome["error"] = _NotStored(response)
            raise outcome["error"]
        outcome["response"] = response
        outcome["stored"] = _stored(response)
        return dict(outcome["stored"])

    once = idempotent_function(call, data_keyword_argument="request", persistence_store=store, config=config,
                               key_prefix=KEY_PREFIX)
    try:
        try:
            result = once(request=payload)
        except IdempotencyPersistenceLayerError as failure:
            result = _settle(store, payload, outcome, failure)
    except _NotStored as refused:
        return refused.response
    except IdempotencyValidationError as error:
        raise ProblemError(422, IDEMPOTENCY, "Esta chave de idempotência já foi usada com outro conteúdo. "
                           "Use uma nova chave para uma nova requisição.", field=HEADER) from error
    except IdempotencyAlreadyInProgressError as error:
        raise ProblemError(409, IDEMPOTENCY_IN_PROGRESS, "Uma requisição com esta chave de idempotência ainda "
                           "está em processamento; tente novamente em instantes.", field=HEADER,
                           headers={"Retry-After": "1"}) from error
    if "response" in outcome:  # this call produced it
        response: Response = outcome["response"]
        return response
    return _replayed(result)


def _settle(store: BasePersistenceLayer, payload: dict[str, Any], outcome: dict[str, Any],
            failure: Exception) -> Any:
    """The request ran but its idempotency record could not be settled (an AWS failure): try again.

    A produced response is stored (then answered: the work is done); a failed request's record is
    deleted (then its own error is raised), so the key is not left in progress. If the store still
    fails, the request's own outcome is answered anyway; an unsettled record expires with the invocation.
    """
    if "stored" not in outcome and "error" not in outcome:
        raise failure  # the in-progress record itself could not be written: an AWS failure (503)
    for attempt in range(SETTLE_ATTEMPTS):
        try:
            if "stored" in outcome:
                store.save_success(data=payload, result=dict(outcome["stored"]))
            else:
                store.delete_record(data=payload, exception=outcome["error"])
            break
        except Exception:
            time.sleep(0.05 * (attempt + 1))
    if "stored" in outcome:
        return outcome["stored"]
    raise outcome["error"]


class _Deadline:
    """Outside Lambda (a test client): the in-progress record expires after the request's budget anyway."""

    def __init__(self, seconds: float) -> None:
        self._until = time.monotonic() + seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._until - time.monotonic()) * 1000))


def _hash(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


def _stored(response: Response) -> dict[str, Any]:
    """What is kept of a 2xx response for its replays: status, body and a few headers."""
    body = response.body.decode("utf-8") if isinstance(response.body, bytes) else response.body
    headers = {name: value for name, value in response.headers.items() if name in _REPLAYED_HEADERS}
    return {"status": response.status_code, "body": body, "headers": headers}


def _replayed(stored: dict[str, Any]) -> Response:
    headers = {**stored.get("headers", {}), REPLAYED_HEADER: "true"}
    return Response(body=stored.get("body") or "", headers=headers, status_code=int(stored["status"]))
