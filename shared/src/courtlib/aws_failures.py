"""Which exceptions are a failure of AWS (throttling, 5xx, a dropped connection, a timeout), not of the request.

The HTTP dispatcher answers them 503 with ``Retry-After`` (the client retries with the same
Idempotency-Key); a genuine refusal (a failed condition, a validation error) is not one of them.
PynamoDB wraps botocore's errors (``GetError``, ``PutError``, ``QueryError``, ``TransactWriteError``…)
with the original in ``cause``; Powertools' idempotency wraps them in ``IdempotencyPersistenceLayerError``.
"""

from __future__ import annotations

from typing import Any

RETRY_AFTER_SECONDS = 1

TRANSIENT_CODES = frozenset({
    "ThrottlingException", "Throttling", "ThrottledException", "ProvisionedThroughputExceededException",
    "RequestLimitExceeded", "TooManyRequestsException", "SlowDown", "RequestThrottled",
    "RequestThrottledException", "InternalServerError", "InternalError", "InternalFailure",
    "ServiceUnavailable", "ServiceUnavailableException", "ThrottlingError", "TransactionInProgressException",
    "RequestTimeout", "RequestTimeoutException",
})
# Cancellation reasons of a TransactWriteItems that say "AWS could not do it now", not "a condition failed".
TRANSIENT_CANCELLATION_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "InternalError",
                                            "TransactionConflict"})


def is_aws_failure(error: BaseException | None) -> bool:
    """True if ``error`` (or what it wraps) is a transient failure of an AWS call."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if _is_transient(error):
            return True
        error = getattr(error, "cause", None) or error.__cause__
    return False


def _is_transient(error: BaseException) -> bool:
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(error, (ConnectionError, HTTPClientError)):  # EndpointConnectionError, ReadTimeoutError, …
        return True
    if isinstance(error, ClientError):
        return _client_error_is_transient(error.response)
    if type(error).__name__ == "TransactWriteError":
        reasons = {reason.code for reason in (getattr(error, "cancellation_reasons", None) or []) if reason}
        if reasons - {"None"} and reasons - {"None"} <= TRANSIENT_CANCELLATION_REASONS:
            return True
    code = getattr(error, "cause_response_code", None)  # PynamoDB's PynamoDBException
    if code in TRANSIENT_CODES:
        return True
    return isinstance(error, (TimeoutError, ConnectionResetError, ConnectionRefusedError))


def _client_error_is_transient(response: Any) -> bool:
    error = (response or {}).get("Error") or {}
    status = ((response or {}).get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
    return error.get("Code") in TRANSIENT_CODES or int(status) >= 500
