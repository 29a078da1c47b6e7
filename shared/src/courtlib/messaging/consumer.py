"""Idempotent consumption of the service's inbound FIFO queue.

Each SQS record is parsed into an :class:`Envelope` and its typed payload, and applied by the
handler registered for its type inside a :class:`UnitOfWork` that also records the event as
applied — so a redelivered message changes nothing even if Powertools' idempotency record was lost.
Powertools idempotency short-cuts redeliveries; Powertools batch processing reports partial
failures (FIFO: the failed record and the rest of its group are retried, then go to the DLQ), and each
failed record is given a short visibility of its own (:mod:`courtlib.messaging.redelivery`), so it comes
back in seconds or minutes, not after the queue's whole visibility timeout.
A message that cannot be parsed or has no handler fails too: it is never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer

from courtlib.audit.actor import acting_as
from courtlib.audit.record import Actor
from courtlib.messaging.contracts import Envelope, Payload, parse_event
from courtlib.messaging.outbox import AlreadyApplied, UnitOfWork
from courtlib.messaging.redelivery import Redelivery
from courtlib.observability import count, logger
from courtlib.settings import ServiceSettings

EventHandler = Callable[[Payload, Envelope, UnitOfWork], None]
IDEMPOTENCY_TTL = timedelta(days=7)


class NoHandler(LookupError):
    pass


def idempotency_layer(settings: ServiceSettings, name: str) -> DynamoDBPersistenceLayer:
    """Powertools idempotency records in the service's own table (pk static per use, sk = key hash)."""
    from courtlib.idempotency_store import idempotency_client

    client = idempotency_client(settings.region, settings.dynamodb_endpoint)
    return DynamoDBPersistenceLayer(table_name=settings.table_name, key_attr="pk", sort_key_attr="sk",
                                    static_pk_value=f"IDEMPOTENCIA#{name}", boto3_client=client)


class EventConsumer:
    def __init__(self, settings: ServiceSettings,
                 handlers: dict[str, EventHandler] | Callable[[], dict[str, EventHandler]],
                 persistence: BasePersistenceLayer | None = None, redelivery: Redelivery | None = None) -> None:
        """``handlers`` may be a function giving them, called on the first event (a cold start imports no use case)."""
        self._settings = settings
        self._handlers_of = handlers if callable(handlers) else (lambda: handlers)
        self._handlers: dict[str, EventHandler] | None = None
        self._config = IdempotencyConfig(event_key_jmespath="id",
                                         expires_after_seconds=int(IDEMPOTENCY_TTL.total_seconds()))
        self._persistence = persistence
        self._apply_once: Callable[..., Any] | None = None
        self._redelivery = redelivery or Redelivery(settings)

    def handle_sqs(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """Lambda handler body for the inbound queue: returns the partial batch failures."""
        if context is not None:
            self._config.register_lambda_context(context)
        processor = SqsFifoPartialProcessor(skip_group_on_error=True)
        # A batch whose every record failed is reported like a partial one (not raised), so that its records are
        # rescheduled below too: a batch of one failed event is the common case.
        processor.raise_on_entire_batch_failure = False
        response = process_partial_response(event=event, record_handler=self._record,
                                            processor=processor, context=context)
        failures = response["batchItemFailures"]
        if failures:
            count("EventosComFalha", len(failures))
            failed = {item["itemIdentifier"] for item in failures}
            self._redelivery.soon([record for record in event.get("Records", []) if record.get("messageId") in failed])
        return dict(response)

    def warm(self) -> None:
        """Builds now what the first event would (the handlers, with the use cases they import, and the idempotency
        layer's client): for a long-lived process, the local stack, not for a Lambda's cold start."""
        if self._handlers is None:
            self._handlers = self._handlers_of()
        self._idempotent()

    def _record(self, record: SQSRecord) -> None:
        envelope = Envelope.model_validate_json(record.body)
        logger.append_keys(correlation_id=envelope.correlationid)
        self._idempotent()(envelope=envelope.model_dump(mode="json"))

    def _idempotent(self) -> Callable[..., Any]:
        if self._apply_once is None:
            persistence = self._persistence or idempotency_layer(self._settings, "eventos")
            self._apply_once = idempotent_function(data_keyword_argument="envelope", config=self._config,
                                                   persistence_store=persistence)(self._apply)
        return self._apply_once

    def _apply(self, envelope: dict[str, Any]) -> dict[str, str]:
        event = Envelope.model_validate(envelope)
        if self._handlers is None:
            self._handlers = self._handlers_of()
        handler = self._handlers.get(event.type)
        if handler is None:
            raise NoHandler(f"{self._settings.service} não trata eventos do tipo {event.type}")
        payload = parse_event(event)
        uow = UnitOfWork(self._settings)
        with acting_as(Actor.system(f"evento:{event.type}"), correlation_id=event.correlationid):
            handler(payload, event, uow)
        uow.applies(event)
        try:
            uow.commit()
        except AlreadyApplied:
            logger.info("evento já aplicado", extra={"event_id": event.id, "event_type": event.type})
            count("EventosRepetidos")
            return {"resultado": "ja_aplicado"}
        logger.info("evento aplicado", extra={"event_id": event.id, "event_type": event.type})
        count("EventosAplicados")
        return {"resultado": "aplicado"}
