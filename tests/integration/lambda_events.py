"""Lambda events shaped as AWS delivers them (chalice's generator gives every record one messageId)."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any


def sqs_event(bodies: list[str], queue_url: str, groups: list[str] | None = None) -> dict[str, Any]:
    arn = "arn:aws:sqs:sa-east-1:123456789012:" + queue_url.rsplit("/", 1)[-1]
    records = []
    for index, body in enumerate(bodies):
        records.append({
            "messageId": str(uuid.uuid4()),
            "receiptHandle": str(uuid.uuid4()),
            "body": body,
            "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "0",
                           "MessageGroupId": (groups or ["g"] * len(bodies))[index],
                           "MessageDeduplicationId": str(uuid.uuid4()), "SequenceNumber": str(index)},
            "messageAttributes": {},
            "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
            "eventSource": "aws:sqs",
            "eventSourceARN": arn,
            "awsRegion": "sa-east-1",
        })
    return {"Records": records}


def stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """A DynamoDB stream event from ``dynamodbstreams.get_records`` records."""
    return {"Records": [{**record, "eventSourceARN": stream_arn} for record in records]}
