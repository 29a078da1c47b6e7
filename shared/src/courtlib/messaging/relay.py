"""Relays outbox items to SQS: from the table's stream, and by a sweeper for anything the stream missed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from courtlib import clock
from courtlib.messaging.outbox import OUTBOX_PREFIX, PENDING, OutboxItem
from courtlib.messaging.publisher import SqsPublisher
from courtlib.observability import count, logger
from courtlib.persistence import bind
from courtlib.settings import ServiceSettings

SWEEP_AFTER = timedelta(minutes=2)


class OutboxRelay:
    def __init__(self, settings: ServiceSettings, publisher: SqsPublisher | None = None) -> None:
        self._outbox = bind(OutboxItem, settings)
        self._publisher = publisher or SqsPublisher(settings)

    def handle_stream(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """Lambda handler body for the table stream: relays new outbox items, reports partial failures."""
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
        return dict(process_partial_response(event=event, record_handler=self._relay_record,
                                             processor=processor, context=context))

    def _relay_record(self, record: DynamoDBRecord) -> None:
        image = record.raw_event.get("dynamodb", {}).get("NewImage") or {}
        is_outbox = image.get("pk", {}).get("S", "").startswith(OUTBOX_PREFIX)
        if record.raw_event.get("eventName") != "INSERT" or not is_outbox:
            return  # the stream also carries ordinary state changes: only new outbox items are relayed
        self.relay(self._outbox.from_raw_data(image))

    def relay(self, item: OutboxItem) -> None:
        envelope = item.to_envelope()
        self._publisher.publish(envelope, item.message_group, [str(name) for name in item.destinations])
        item.update(actions=[self._outbox.gsi1pk.remove(), self._outbox.gsi1sk.remove(),
                             self._outbox.relayed_at.set(clock.now())])
        count("EventosPublicados")
        logger.info("evento publicado", extra={"event_id": envelope.id, "event_type": envelope.type,
                                               "destinations": item.destinations,
                                               "correlation_id": envelope.correlationid})

    def sweep(self, older_than: timedelta = SWEEP_AFTER) -> int:
        """Relays items still pending after ``older_than`` (a Query on the sparse index, never a Scan)."""
        cutoff = (clock.now() - older_than).isoformat()
        relayed = 0
        for item in self._outbox.by_gsi1.query(PENDING, self._outbox.gsi1sk < cutoff):
            try:
                self.relay(self._outbox.get(item.pk, item.sk))
                relayed += 1
            except Exception:
                logger.exception("falha ao publicar evento pendente", extra={"outbox": item.pk})
        return relayed
