"""The DynamoDB client of Powertools' idempotency records, made safe against a lost response.

Powertools writes the in-progress record with a conditional PutItem. When DynamoDB applies it but
the response is lost, botocore sends it again, the condition now fails on the record this very call
wrote, and Powertools reports "already in progress" — the request (or event) then waits for its own
record to expire. Each PutItem here carries an owner token; a condition failure on an item bearing
the same token is the call's own write, answered as the success it was. Everything else is the
plain boto3 client.
"""

from __future__ import annotations

import uuid
from typing import Any

OWNER_ATTRIBUTE = "dono_registro"
STORE_MAX_ATTEMPTS = 5  # retries after the first call, botocore's standard mode


class OwnedPutsClient:
    """Wraps a boto3 DynamoDB client; only ``put_item`` changes."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_item(self, **kwargs: Any) -> Any:
        from botocore.exceptions import ClientError

        owner = uuid.uuid4().hex
        kwargs["Item"] = {**kwargs["Item"], OWNER_ATTRIBUTE: {"S": owner}}
        kwargs.setdefault("ReturnValuesOnConditionCheckFailure", "ALL_OLD")
        try:
            return self._client.put_item(**kwargs)
        except ClientError as error:
            item = error.response.get("Item") or {}
            if (error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
                    and item.get(OWNER_ATTRIBUTE, {}).get("S") == owner):
                return {}
            raise


def idempotency_client(region: str, endpoint_url: str | None) -> OwnedPutsClient:
    from courtlib import aws

    return OwnedPutsClient(aws.client("dynamodb", region=region, endpoint_url=endpoint_url,
                                      max_attempts=STORE_MAX_ATTEMPTS))
