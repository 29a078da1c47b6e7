"""Publishes envelopes to the consuming services' FIFO queues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from courtlib import aws
from courtlib.messaging.contracts import Envelope
from courtlib.settings import ServiceSettings


class UnroutableEvent(RuntimeError):
    """No queue is configured for a consumer: the event stays in the outbox for a later retry."""


class SqsPublisher:
    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client

    @property
    def _sqs(self) -> Any:
        if self._client is None:
            self._client = aws.client("sqs", self._settings)  # on first use: handlers that never publish skip it
        return self._client

    def publish(self, envelope: Envelope, group: str, destinations: Iterable[str]) -> None:
        """Send ``envelope`` to every destination; the event id is the FIFO deduplication id."""
        urls = self._settings.peer_queue_urls
        for service in destinations:
            url = urls.get(service)
            if not url:
                raise UnroutableEvent(f"sem fila configurada para o serviço {service!r}")
            self._sqs.send_message(
                QueueUrl=url,
                MessageBody=envelope.model_dump_json(),
                MessageGroupId=group,
                MessageDeduplicationId=envelope.id,
                MessageAttributes={
                    "type": {"DataType": "String", "StringValue": envelope.type},
                    "correlationid": {"DataType": "String", "StringValue": envelope.correlationid},
                },
            )
