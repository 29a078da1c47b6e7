"""Dead-letter queue operations: list what failed, and send it back to the source queue."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from courtlib import aws, clock
from courtlib.settings import ServiceSettings


class DeadLetters:
    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings

    @property
    def _sqs(self) -> Any:
        return aws.client("sqs", self._settings)

    def count(self) -> int:
        attrs = self._sqs.get_queue_attributes(QueueUrl=self._settings.dlq_url,
                                               AttributeNames=["ApproximateNumberOfMessages"])
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])

    def peek(self, limit: int = 10) -> list[dict[str, Any]]:
        """Messages in the DLQ, left there (received with no visibility timeout)."""
        return [_describe(message) for message in self._receive(limit, visibility_timeout=0)]

    def redrive(self, limit: int = 100) -> int:
        """Moves up to ``limit`` messages back to the source queue; returns how many moved."""
        moved = 0
        while moved < limit:
            batch = self._receive(min(10, limit - moved))
            if not batch:
                break
            for message in batch:
                attributes = message.get("Attributes", {})
                self._sqs.send_message(
                    QueueUrl=self._settings.queue_url,
                    MessageBody=message["Body"],
                    MessageGroupId=attributes.get("MessageGroupId", "reprocessamento"),
                    # A fresh deduplication id: the original one may still be inside SQS's 5-minute window.
                    MessageDeduplicationId=f"{message['MessageId']}-{int(clock.now().timestamp())}",
                    MessageAttributes=message.get("MessageAttributes", {}),
                )
                self._sqs.delete_message(QueueUrl=self._settings.dlq_url, ReceiptHandle=message["ReceiptHandle"])
                moved += 1
        return moved

    def _receive(self, limit: int, visibility_timeout: int = 30) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(QueueUrl=self._settings.dlq_url,
                                             MaxNumberOfMessages=max(1, min(limit, 10)),
                                             VisibilityTimeout=visibility_timeout, AttributeNames=["All"],
                                             MessageAttributeNames=["All"], WaitTimeSeconds=0)
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages


def _describe(message: dict[str, Any]) -> dict[str, Any]:
    attributes = message.get("Attributes", {})
    message_attributes = message.get("MessageAttributes", {})
    sent = attributes.get("SentTimestamp")
    return {
        "id_mensagem": message["MessageId"],
        "tipo": message_attributes.get("type", {}).get("StringValue"),
        "grupo": attributes.get("MessageGroupId"),
        "tentativas": int(attributes.get("ApproximateReceiveCount", "0")),
        "enviada_em": datetime.fromtimestamp(int(sent) / 1000, UTC).isoformat() if sent else None,
        "corpo": message["Body"],
    }
