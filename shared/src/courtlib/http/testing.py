"""Test helpers for services' HTTP tests (no AWS): unsigned tokens and an in-memory idempotency store.

``chalice.test.Client`` goes through Chalice's LocalGateway, which decodes — without verifying —
the JWT in the ``Authorization`` header of routes with a Cognito authorizer and hands its claims to
the app as API Gateway would.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import STATUS_CONSTANTS, DataRecord


def _segment(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned_jwt(claims: dict[str, Any]) -> str:
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."


def bearer(username: str, *groups: str, **claims: Any) -> dict[str, str]:
    """``Authorization`` header of a Cognito user (``cognito:groups`` as a list, as in the token)."""
    payload = {"cognito:username": username, "sub": f"sub-{username}", "email": f"{username}@tribunal.example",
               "cognito:groups": list(groups), **claims}
    return {"Authorization": f"Bearer {unsigned_jwt(payload)}"}


class InMemoryIdempotencyStore(BasePersistenceLayer):
    """Powertools idempotency records in a dict, with DynamoDB's conditional-put semantics."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Powertools' base leaves __init__ unannotated
        self.records: dict[str, DataRecord] = {}

    def _get_record(self, idempotency_key: str) -> DataRecord:
        try:
            return self.records[idempotency_key]
        except KeyError as error:
            raise IdempotencyItemNotFoundError from error

    def _put_record(self, data_record: DataRecord) -> None:
        existing = self.records.get(data_record.idempotency_key)
        if existing is not None and existing.status != STATUS_CONSTANTS["EXPIRED"] and not _timed_out(existing):
            raise IdempotencyItemAlreadyExistsError
        self.records[data_record.idempotency_key] = data_record

    def _update_record(self, data_record: DataRecord) -> None:
        self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.records.pop(data_record.idempotency_key, None)


def _timed_out(record: DataRecord) -> bool:
    """An in-progress record whose invocation's time is over may be taken over (as the DynamoDB layer does)."""
    deadline = record.in_progress_expiry_timestamp
    return record.status == STATUS_CONSTANTS["INPROGRESS"] and deadline is not None and deadline < time.time() * 1000
