"""Publishes envelopes to the consuming services' FIFO queues."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from courtlib import aws
from courtlib.messaging.contracts import Envelope
from courtlib.settings import ServiceSettings

BATCH_ENTRIES = 10  # SendMessageBatch: at most 10 entries …
BATCH_BYTES = 256 * 1024  # … and 256 KiB of bodies and attributes together


class UnroutableEvent(RuntimeError):
    """No queue is configured for a consumer: the event stays in the outbox for a later retry."""


def message(envelope: Envelope, group: str) -> dict[str, Any]:
    """The SendMessage fields of ``envelope`` (without QueueUrl): the event id is the FIFO deduplication id."""
    return {
        "MessageBody": envelope.model_dump_json(),
        "MessageGroupId": group,
        "MessageDeduplicationId": envelope.id,
        "MessageAttributes": {
            "type": {"DataType": "String", "StringValue": envelope.type},
            "correlationid": {"DataType": "String", "StringValue": envelope.correlationid},
        },
    }


def _size(fields: dict[str, Any]) -> int:
    attributes = fields["MessageAttributes"].items()
    return len(fields["MessageBody"].encode()) + sum(
        len(name) + len(value["DataType"]) + len(value["StringValue"].encode()) for name, value in attributes)


def batches(entries: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``entries`` (SendMessage fields) in order, cut into SendMessageBatch-sized chunks (count and bytes)."""
    out: list[list[dict[str, Any]]] = []
    size = 0
    for entry in entries:
        entry_size = _size(entry)
        if not out or len(out[-1]) == BATCH_ENTRIES or size + entry_size > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(entry)
        size += entry_size
    return out


class SqsPublisher:
    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client

    @property
    def _sqs(self) -> Any:
        if self._client is None:
            self._client = aws.client("sqs", self._settings)  # on first use: handlers that never publish skip it
        return self._client

    def queue_url(self, service: str) -> str:
        url = self._settings.peer_queue_urls.get(service)
        if not url:
            raise UnroutableEvent(f"sem fila configurada para o serviço {service!r}")
        return url

    def publish(self, envelope: Envelope, group: str, destinations: Iterable[str]) -> None:
        """Send ``envelope`` to every destination; the event id is the FIFO deduplication id."""
        for service in destinations:
            self._sqs.send_message(QueueUrl=self.queue_url(service), **message(envelope, group))

    def publish_batch(self, service: str, entries: Sequence[tuple[Envelope, str]]) -> list[str]:
        """Sends ``(envelope, group)`` pairs to ``service``'s queue with SendMessageBatch, in order.

        Returns the ids of the events SQS refused (its ``Failed`` entries); a failed call raises.
        """
        url = self.queue_url(service)
        refused: list[str] = []
        for chunk in batches([message(envelope, group) for envelope, group in entries]):
            response = self._sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(index), **fields} for index, fields in enumerate(chunk)])
            refused += [chunk[int(failure["Id"])]["MessageDeduplicationId"] for failure in response.get("Failed", [])]
        return refused
