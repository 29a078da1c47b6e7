"""Transactional outbox (and inbox): a state change and its events are one DynamoDB transaction.

A :class:`UnitOfWork` collects the items a use case writes, the events it emits (outbox items in
the same table) and, for a consumer, the id of the event it applies (an inbox marker written only
if absent). ``commit()`` sends them as one TransactWriteItems: either all happen or none does, and
an event applied twice is refused by the marker's condition (:class:`AlreadyApplied`). The table's
stream carries each new outbox item to :mod:`courtlib.messaging.relay`.

``audit(...)`` adds the act's audit record (:mod:`courtlib.audit`) and its chain head to the same
transaction: no act commits without its record, and no record without its act.

Once written, the transaction's events are sent to their queues at once (:mod:`courtlib.messaging.dispatch`,
best effort); the relay stays the safety net for any that were not.

Every commit carries a ``ClientRequestToken`` (:func:`courtlib.persistence.client_request_token`), so
a transaction whose response was lost and that is sent again is not applied twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from pynamodb.attributes import ListAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from courtlib import clock
from courtlib.audit.record import Target
from courtlib.audit.store import AuditChains, PendingAct, pending_act
from courtlib.aws_failures import is_aws_failure
from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import CATALOGUE, Envelope, message_group
from courtlib.messaging.dispatch import EAGER_MAX_EVENTS, EagerDispatcher, Outgoing, dispatcher_for
from courtlib.persistence import TableItem, bind, client_request_token
from courtlib.settings import ServiceSettings

OUTBOX_PREFIX = "OUTBOX#"
PENDING = "OUTBOX#PENDENTE"
MAX_TRANSACTION_ITEMS = 100  # AWS limit (moto accepts more: never learn limits from moto)
OUTBOX_RETENTION = timedelta(days=7)
# A commit whose TransactWriteItems failed for AWS's reasons (after botocore's own retries) is sent again, with
# the same ClientRequestToken: if the first one was applied and only its response was lost, DynamoDB answers
# success without applying it twice.
COMMIT_ATTEMPTS = 3
COMMIT_BACKOFF_S = 0.05
# Another act advanced an audit chain head between our read and our commit: read the heads again and resend.
AUDIT_HEAD_ATTEMPTS = 5
INBOX_RETENTION = timedelta(days=30)


class OutboxItem(TableItem):
    """An event waiting to be relayed; ``gsi1pk`` is set only while pending (sparse index for the sweeper)."""

    event_type = UnicodeAttribute()
    envelope = UnicodeAttribute()
    message_group = UnicodeAttribute()
    destinations = ListAttribute(of=UnicodeAttribute)
    created_at = UTCDateTimeAttribute()
    relayed_at = UTCDateTimeAttribute(null=True)

    def to_envelope(self) -> Envelope:
        return Envelope.model_validate_json(self.envelope)


class InboxItem(TableItem):
    """Marks an event as applied by this service."""

    event_type = UnicodeAttribute()
    applied_at = UTCDateTimeAttribute()


def inbox_key(event_id: str) -> tuple[str, str]:
    """The (pk, sk) of the marker that says this service applied the event ``event_id``."""
    return f"INBOX#{event_id}", "APLICADO"


def applied_before(settings: ServiceSettings, event_id: str) -> bool:
    """Whether this service's table holds the event's inbox marker (one consistent GetItem)."""
    inbox = bind(InboxItem, settings)
    try:
        inbox.get(*inbox_key(event_id), consistent_read=True, attributes_to_get=["pk"])
    except inbox.DoesNotExist:
        return False
    return True


class AlreadyApplied(Exception):
    """The event was applied before: nothing was written."""


class ConditionFailed(Exception):
    """A condition the use case put on one of its writes did not hold: nothing was written."""

    def __init__(self, index: int) -> None:
        super().__init__(f"condição da operação {index} não atendida")
        self.index = index


class TransactionTooLarge(ValueError):
    pass


def outbox_item(model: type[OutboxItem], envelope: Envelope, now: datetime) -> OutboxItem:
    spec = CATALOGUE[envelope.type]
    return model(
        pk=f"{OUTBOX_PREFIX}{envelope.id}",
        sk="EVENTO",
        gsi1pk=PENDING,
        gsi1sk=f"{now.isoformat()}#{envelope.id}",
        expiration=int((now + OUTBOX_RETENTION).timestamp()),
        event_type=envelope.type,
        envelope=envelope.model_dump_json(),
        message_group=message_group(envelope),
        destinations=list(spec.consumers),
        created_at=now,
    )


class UnitOfWork:
    """Collects writes for one transaction in ``settings``' table. Use once: build, then ``commit()``."""

    def __init__(self, settings: ServiceSettings, dispatcher: EagerDispatcher | None = None) -> None:
        """``dispatcher``: who sends the events once committed (default: the settings', none if ``eager_dispatch``
        is off)."""
        self._settings = settings
        self._dispatcher = dispatcher if dispatcher is not None else dispatcher_for(settings)
        self._outbox = bind(OutboxItem, settings)
        self._inbox = bind(InboxItem, settings)
        self._ops: list[tuple[str, Any, Any]] = []  # (operation, item or model class, its arguments)
        self._inbox_index: int | None = None
        self._after_commit: list[Callable[[], None]] = []
        self._audits: list[PendingAct] = []
        self.events: list[Envelope] = []

    def save(self, item: Model, condition: Condition | None = None) -> None:
        self._ops.append(("save", item, condition))

    def delete(self, item: Model, condition: Condition | None = None) -> None:
        self._ops.append(("delete", item, condition))

    def update(self, item: Model, actions: list[Any], condition: Condition | None = None) -> None:
        self._ops.append(("update", item, (actions, condition)))

    def condition_check(self, model: type[Model], hash_key: str, range_key: str, condition: Condition) -> None:
        self._ops.append(("check", model, (hash_key, range_key, condition)))

    def emit(self, envelope: Envelope) -> None:
        self.events.append(envelope)

    def audit(self, act: str, target: Target | tuple[str, str], *, rules: Sequence[str] = (),
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        """Records ``act`` on ``target`` in this transaction, by whoever acts now (:mod:`courtlib.audit.actor`).

        ``uow.audit("PLAN.IMPEDIMENTO", ("escala", "2027-01"), rules=["PLAN-07"], before={...}, after={...})``.
        """
        self._audits.append(pending_act(act, target, rules=rules, before=before, after=after))

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Runs ``callback`` once the transaction is written (e.g. to drop a cache)."""
        self._after_commit.append(callback)

    def applies(self, envelope: Envelope) -> None:
        """This transaction applies ``envelope``: it fails with :class:`AlreadyApplied` if it was applied before."""
        now = clock.now()
        pk, sk = inbox_key(envelope.id)
        marker = self._inbox(
            pk=pk, sk=sk, event_type=envelope.type, applied_at=now,
            expiration=int((now + INBOX_RETENTION).timestamp()),
        )
        self._inbox_index = len(self._ops)
        self._ops.append(("save", marker, self._inbox.pk.does_not_exist()))

    def commit(self) -> None:
        now = clock.now()
        outgoing: list[Outgoing] = []
        for envelope in self.events:
            item = outbox_item(self._outbox, envelope, now)
            self._ops.append(("save", item, self._outbox.pk.does_not_exist()))
            outgoing.append((envelope, item.message_group, [str(name) for name in item.destinations]))
        if not self._ops and not self._audits:
            return
        if not self._audits:
            self._send()
        else:
            self._send_with_audit()
        if outgoing and len(outgoing) <= EAGER_MAX_EVENTS and self._dispatcher is not None:
            self._dispatcher.dispatch(outgoing)  # never raises: what it could not send, the relay publishes
        for callback in self._after_commit:
            callback()

    def _send_with_audit(self) -> None:
        chains = AuditChains(self._settings)
        own = len(self._ops)
        for attempt in range(1, AUDIT_HEAD_ATTEMPTS + 1):
            del self._ops[own:]
            self._ops.extend(chains.operations(self._audits, fresh=attempt > 1))
            try:
                self._send()
                chains.committed()
                return
            except ConditionFailed as error:
                if error.index < own:  # the use case's own condition: its refusal, not a race on a chain head
                    raise
                if attempt == AUDIT_HEAD_ATTEMPTS:
                    raise WriteConflict("cadeia de auditoria disputada") from error
                time.sleep(COMMIT_BACKOFF_S * attempt)

    def _send(self) -> None:
        if len(self._ops) > MAX_TRANSACTION_ITEMS:
            raise TransactionTooLarge(f"{len(self._ops)} itens numa transação (máximo {MAX_TRANSACTION_ITEMS})")
        token = client_request_token(self._ops)
        try:
            for attempt in range(1, COMMIT_ATTEMPTS + 1):
                try:
                    self._transact(token)
                    break
                except TransactWriteError as error:
                    if attempt == COMMIT_ATTEMPTS or not is_aws_failure(error):
                        raise
                    time.sleep(COMMIT_BACKOFF_S * attempt)
        except TransactWriteError as error:
            failed = self._failed_operations(error)
            if self._inbox_index is not None and self._inbox_index in failed:
                raise AlreadyApplied() from error
            if failed:
                raise ConditionFailed(failed[0]) from error
            raise

    def _transact(self, token: str) -> None:
        with TransactWrite(connection=_connection(self._settings.region, self._settings.dynamodb_endpoint),
                           client_request_token=token) as transaction:
            for op, item, extra in self._ops:
                if op == "save":
                    transaction.save(item, condition=extra)
                elif op == "delete":
                    transaction.delete(item, condition=extra)
                elif op == "update":
                    actions, condition = extra
                    transaction.update(item, actions=actions, condition=condition)
                else:
                    hash_key, range_key, condition = extra
                    transaction.condition_check(item, hash_key, range_key, condition=condition)

    def _failed_operations(self, error: TransactWriteError) -> list[int]:
        """Indexes, in call order, of the operations whose condition failed."""
        sent = sorted(range(len(self._ops)), key=lambda index: (_SEND_ORDER[self._ops[index][0]], index))
        reasons = error.cancellation_reasons or []
        return sorted(sent[position] for position, reason in enumerate(reasons)
                      if reason is not None and reason.code == "ConditionalCheckFailed" and position < len(sent))


@cache
def _connection(region: str, host: str | None) -> Connection:
    """One connection (one botocore client: creating one costs ~50 ms) per endpoint, shared by all transactions."""
    return Connection(region=region, host=host)


# PynamoDB sends condition checks first, then deletes, puts and updates, whatever the call order.
_SEND_ORDER = {"check": 0, "delete": 1, "save": 2, "update": 3}
