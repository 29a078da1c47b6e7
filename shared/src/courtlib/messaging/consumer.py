"""Idempotent consumption of the service's inbound FIFO queue.

Each SQS record is parsed into an :class:`Envelope` and its typed payload, and applied by the
handler registered for its type inside a :class:`UnitOfWork` that also records the event as
applied (the inbox marker ``INBOX#<event id>``, written only if absent): a redelivered event is refused by
that condition (:class:`AlreadyApplied`), changes nothing and is counted ``EventosRepetidos``.

**One guarantee, one mechanism per handler.** For a handler whose every effect is a DynamoDB write staged on the
consumer's unit of work (the calendar's copies, pagamentos' inputs), the inbox marker in the same transaction is
the whole guarantee, also for two deliveries of one event at the same time: one commits, the other is refused.
Such a handler has no other record: a Powertools idempotency record there cost a PutItem ("in progress") and an
UpdateItem ("completed") per message for a guarantee the transaction already gave.

A handler that commits its own transactions, conditioned on what it read (a requested run: a close, a payments
run, a scale's generation, each on its request's version), is declared :func:`commits_itself`: its commits come
before the consumer's transaction, so the consumer reads the same inbox marker first (one consistent GetItem) and
skips an event applied before. Without that read a late copy of a request that ended refused would run it again
once the refusal's cause is gone. Two copies at the same time both pass the read; the handler's own conditions let
one of them act.

A handler that acts outside DynamoDB where two deliveries running at once could both act — plantão's portaria:
both read "notice not sent", both send an e-mail, SES has no idempotency token — is declared
:func:`exclusive_delivery`. Only it keeps Powertools' idempotency (the well-kept library, already the HTTP
layer's: :mod:`courtlib.http.idempotency`) around its application, keyed by the event id in the service's own
table (``IDEMPOTENCIA#eventos``): the first delivery writes the "in progress" record with a condition, a
concurrent copy finds it and fails (the queue delivers it again, soon), a later copy gets the stored answer. A
failed application deletes the record, so its redelivery runs again. A lease item of our own would have been a
second implementation of exactly that record (conditional put, expiry tied to the Lambda's remaining time).
Outside Lambda (no context) an "in progress" record left by a process that died lasts until its TTL.

Every consumed event's handler is classified so (``tests/integration/test_consumer_once.py`` lists them: a new
consumed event fails it until it is classified).

Powertools batch processing reports partial failures (FIFO: the failed record and the rest of its group are
retried, then go to the DLQ), and each failed record is given a short visibility of its own
(:mod:`courtlib.messaging.redelivery`), so it comes back in seconds or minutes, not after the queue's whole
visibility timeout. A message that cannot be parsed or has no handler fails too: it is never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from courtlib.audit.actor import acting_as
from courtlib.audit.record import Actor
from courtlib.messaging.contracts import Envelope, Payload, parse_event
from courtlib.messaging.outbox import AlreadyApplied, UnitOfWork, applied_before
from courtlib.messaging.redelivery import Redelivery
from courtlib.observability import count, logger
from courtlib.settings import ServiceSettings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
    from aws_lambda_powertools.utilities.idempotency.persistence.base import BasePersistenceLayer
    from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

EventHandler = Callable[[Payload, Envelope, UnitOfWork], None]
IDEMPOTENCY_TTL = timedelta(days=7)


class NoHandler(LookupError):
    pass


@dataclass(frozen=True)
class DeclaredHandler:
    """A handler with a declaration for the consumer: called as the handler it wraps."""

    handler: EventHandler

    def __call__(self, payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        self.handler(payload, envelope, uow)


class ExclusiveHandler(DeclaredHandler):
    """Declared with :func:`exclusive_delivery`."""


class SelfCommittingHandler(DeclaredHandler):
    """Declared with :func:`commits_itself`."""


def commits_itself(handler: EventHandler) -> EventHandler:
    """Declares that ``handler`` commits its own conditional transactions instead of staging its writes on the
    consumer's unit of work: the consumer reads the event's inbox marker before calling it (see the module's
    docstring)."""
    return SelfCommittingHandler(handler)


def exclusive_delivery(handler: EventHandler) -> EventHandler:
    """Declares that ``handler`` acts outside DynamoDB (an e-mail, …) where two deliveries of one event at the same
    time could both act: the consumer lets only one of them run it at a time (Powertools' idempotency record, see
    the module's docstring). A handler whose effects are all conditional DynamoDB writes needs no declaration."""
    return ExclusiveHandler(handler)


def idempotency_layer(settings: ServiceSettings, name: str) -> DynamoDBPersistenceLayer:
    """Powertools idempotency records in the service's own table (pk static per use, sk = key hash)."""
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    from courtlib.idempotency_store import idempotency_client

    client = idempotency_client(settings.region, settings.dynamodb_endpoint)
    return DynamoDBPersistenceLayer(table_name=settings.table_name, key_attr="pk", sort_key_attr="sk",
                                    static_pk_value=f"IDEMPOTENCIA#{name}", boto3_client=client)


class EventConsumer:
    def __init__(self, settings: ServiceSettings,
                 handlers: dict[str, EventHandler] | Callable[[], dict[str, EventHandler]],
                 persistence: BasePersistenceLayer | None = None, redelivery: Redelivery | None = None) -> None:
        """``handlers`` may be a function giving them, called on the first event (a cold start imports no use case).
        ``persistence``: where the idempotency records of :func:`exclusive_delivery` handlers go (default: the
        service's table)."""
        self._settings = settings
        self._handlers_of = handlers if callable(handlers) else (lambda: handlers)
        self._handlers: dict[str, EventHandler] | None = None
        self._config: IdempotencyConfig | None = None
        self._persistence = persistence
        self._apply_exclusively: Callable[..., Any] | None = None
        self._context: Any = None  # the invocation's Lambda context, for the "in progress" record's expiry
        self._redelivery = redelivery or Redelivery(settings)

    def handle_sqs(self, event: dict[str, Any], context: Any = None) -> dict[str, Any]:
        """Lambda handler body for the inbound queue: returns the partial batch failures."""
        self._context = context
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
        """Builds now what the first event would (the handlers, with the use cases they import, and — when one of
        them is exclusive — the idempotency layer's client): for a long-lived process, the local stack, not for a
        Lambda's cold start."""
        if any(isinstance(handler, ExclusiveHandler) for handler in self._all_handlers().values()):
            self._exclusive()

    def _all_handlers(self) -> dict[str, EventHandler]:
        if self._handlers is None:
            self._handlers = self._handlers_of()
        return self._handlers

    def _record(self, record: SQSRecord) -> None:
        envelope = Envelope.model_validate_json(record.body)
        logger.append_keys(correlation_id=envelope.correlationid)
        handler = self._all_handlers().get(envelope.type)
        if handler is None:
            raise NoHandler(f"{self._settings.service} não trata eventos do tipo {envelope.type}")
        if isinstance(handler, ExclusiveHandler):
            self._exclusive()(envelope=envelope.model_dump(mode="json"))
        elif isinstance(handler, SelfCommittingHandler) and applied_before(self._settings, envelope.id):
            _repeat(envelope)
        else:
            self._apply(envelope, handler)

    def _exclusive(self) -> Callable[..., Any]:
        """The application wrapped in Powertools' idempotency (built on the first exclusive event)."""
        if self._apply_exclusively is None:
            from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

            self._config = IdempotencyConfig(event_key_jmespath="id", response_hook=_repeated,
                                             expires_after_seconds=int(IDEMPOTENCY_TTL.total_seconds()))
            persistence = self._persistence or idempotency_layer(self._settings, "eventos")

            def apply(envelope: dict[str, Any]) -> dict[str, str]:
                event = Envelope.model_validate(envelope)
                return self._apply(event, self._all_handlers()[event.type])

            self._apply_exclusively = idempotent_function(data_keyword_argument="envelope", config=self._config,
                                                          persistence_store=persistence)(apply)
        if self._context is not None:  # the "in progress" record expires with the Lambda's remaining time
            assert self._config is not None
            self._config.register_lambda_context(self._context)
        return self._apply_exclusively

    def _apply(self, event: Envelope, handler: EventHandler) -> dict[str, str]:
        payload = parse_event(event)
        uow = UnitOfWork(self._settings)
        with acting_as(Actor.system(f"evento:{event.type}"), correlation_id=event.correlationid):
            handler(payload, event, uow)
        uow.applies(event)
        try:
            uow.commit()
        except AlreadyApplied:
            _repeat(event)
            return {"resultado": "ja_aplicado"}
        logger.info("evento aplicado", extra={"event_id": event.id, "event_type": event.type})
        count("EventosAplicados")
        return {"resultado": "aplicado"}


def _repeat(event: Envelope) -> None:
    logger.info("evento já aplicado", extra={"event_id": event.id, "event_type": event.type})
    count("EventosRepetidos")


def _repeated(response: Any, idempotent_data: DataRecord) -> Any:
    """Powertools answered an exclusive handler's event from its record (applied before): a repeat too."""
    count("EventosRepetidos")
    return response
