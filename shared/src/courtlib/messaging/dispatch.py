"""Eager dispatch: the events of a committed transaction go to their queues at once, from the request that made them.

The outbox item is written in the state change's transaction; the stream relay (:mod:`courtlib.messaging.relay`)
publishes it when Lambda's poll of the table's stream (4 times a second) brings it, which costs each event
a quarter to half a second before any consumer sees it. So :class:`courtlib.messaging.outbox.UnitOfWork`,
once its transaction is written, hands its events to :class:`EagerDispatcher`: one SendMessageBatch per
destination queue.

Best effort, never more: a failure (SQS down, throttled, a refused entry, no queue configured) is logged and
counted, never raised, and costs the request at most one short attempt (no retries, short timeouts). The
outbox item is committed whatever happens here, and the stream relay publishes it as before: the relay is the
safety net, so an event is never lost.

Nothing is marked as sent. The relay publishes every event again with the same MessageDeduplicationId (the event
id): SQS FIFO drops it within its 5-minute deduplication window, even after the first copy was consumed; past
the window (the sweeper's late relays) the consumer's Powertools idempotency record and inbox marker make the second
delivery change nothing. Marking would cost every request one more DynamoDB write (UpdateItem of the outbox
item) after the send, and the relay one read per event to see the mark, to save a send that SQS drops anyway
(README, "Events": the figures, from ``python -m bench.event_latency``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

from courtlib import aws
from courtlib.messaging.contracts import Envelope
from courtlib.messaging.publisher import SqsPublisher
from courtlib.observability import count, logger
from courtlib.settings import ServiceSettings

# A transaction with more events than this is a batch job's chunk (the cooperation close writes 50 at a time): nobody
# waits on it, and one SendMessageBatch per ten events would lengthen a job that must fit its Lambda's time, so
# the relay publishes those. A person's request emits a few, sent in one SendMessageBatch per destination queue.
EAGER_MAX_EVENTS = 10
# One attempt, and short waits: a slow SQS must not hold the user's request (the relay will publish instead).
CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 2.0

Outgoing = tuple[Envelope, str, Sequence[str]]  # an event, its FIFO message group, the services that consume it


class EagerDispatcher:
    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client
        self._publisher: SqsPublisher | None = None

    @property
    def publisher(self) -> SqsPublisher:
        if self._publisher is None:
            client = self._client or aws.client("sqs", self._settings, max_attempts=0,
                                                connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S)
            self._publisher = SqsPublisher(self._settings, client)
        return self._publisher

    def dispatch(self, events: Sequence[Outgoing]) -> int:
        """Sends ``events`` to their destinations, in order; returns how many messages SQS accepted. Never raises.

        The destination queues are sent to side by side (one SendMessageBatch each): the request waits for the
        slowest, not for their sum.
        """
        by_destination: dict[str, list[tuple[Envelope, str]]] = defaultdict(list)
        for envelope, group, destinations in events:
            for service in destinations:
                by_destination[str(service)].append((envelope, group))
        if len(by_destination) == 1:
            results = [self._send(*next(iter(by_destination.items())))]
        else:
            results = list(_pool().map(lambda pair: self._send(*pair), by_destination.items()))
        sent, failed = sum(r[0] for r in results), sum(r[1] for r in results)
        if sent:
            count("EventosDespachadosNaHora", sent)
        if failed:
            count("EventosDespachoFalhou", failed)
        return sent

    def _send(self, service: str, entries: list[tuple[Envelope, str]]) -> tuple[int, int]:
        """(sent, failed) of one destination's batch; logs what failed, never raises."""
        try:
            refused = self.publisher.publish_batch(service, entries)
        except Exception as error:  # best effort: whatever went wrong, the relay publishes these from the stream
            logger.warning("envio imediato falhou; o relay publicará os eventos",
                           extra={"destination": service, "event_ids": [e.id for e, _ in entries],
                                  "error": f"{type(error).__name__}: {error}"})
            return 0, len(entries)
        if refused:
            logger.warning("envio imediato recusado pelo SQS; o relay publicará os eventos",
                           extra={"destination": service, "event_ids": refused})
        return len(entries) - len(refused), len(refused)


@cache
def _pool() -> ThreadPoolExecutor:
    """Threads for the side-by-side sends (made on first use; an event has at most 4 destinations)."""
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="envio-imediato")


def dispatcher_for(settings: ServiceSettings) -> EagerDispatcher | None:
    """A dispatcher for ``settings`` (None when ``eager_dispatch`` is off); its SQS client is the process's own."""
    return EagerDispatcher(settings) if settings.eager_dispatch else None
