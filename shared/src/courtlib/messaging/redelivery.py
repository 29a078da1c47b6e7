"""A message its consumer failed comes back soon, not after its queue's whole visibility timeout.

Each queue stays invisible at least 6 × its consumer's timeout (AWS's rule for SQS event sources: up to 90 min for
the queues whose consumer runs a long job), and a record the consumer reports in ``batchItemFailures`` would stay
invisible that long. So, before it answers, the consumer gives each failed record a short visibility of its own
(``ChangeMessageVisibilityBatch`` with the records' receipt handles): :data:`FIRST_DELAY_S` after its first
receive, then ×:data:`GROWTH` per receive (30 s, 2 min, 8 min, 32 min), never more than the queue's own visibility
(the local stack's queues have a few seconds, so there nothing changes). With the queues' ``maxReceiveCount`` of 5,
a message that keeps failing reaches its DLQ after about 42 minutes of retries, enough for SES or DynamoDB to come
back from a short outage, and a single refusal is retried after 30 s.

FIFO: Powertools' ``SqsFifoPartialProcessor(skip_group_on_error=True)`` reports the failed record and every later
record of its message group in the batch; all of them are rescheduled here. SQS delivers nothing of a group while
one of its messages is in flight, so the group waits for its slowest member and then comes back in its order, the
failed message first: the order of a group is kept, and the other groups go on. (A queue of its own for the
failing step, e.g. plantão's notices, would also retry soon, but needs another queue, DLQ, consumer and policy per
service and splits one event's effects across two queues; this keeps one event on one queue.)

Best effort: when the change is refused (an expired receipt handle, SQS down), the message comes back after the
queue's visibility as before: later, never lost or duplicated. The formula is two lines of arithmetic, so no
retry library is used for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from courtlib import aws
from courtlib.observability import count, logger
from courtlib.settings import ServiceSettings

FIRST_DELAY_S = 30
GROWTH = 4
MAX_VISIBILITY_S = 43_200  # SQS's maximum visibility timeout (12 h)
BATCH = 10  # ChangeMessageVisibilityBatch's limit (a Lambda SQS batch here is ≤ 10 records)


def delay_for(receive_count: int, queue_visibility_s: int) -> int:
    """Seconds a message received ``receive_count`` times stays invisible after its consumer failed it."""
    step: int = FIRST_DELAY_S * GROWTH ** (max(receive_count, 1) - 1)
    return max(0, min(step, queue_visibility_s, MAX_VISIBILITY_S))


def retry_schedule(max_receive_count: int, queue_visibility_s: int) -> list[int]:
    """The waits of a message that fails every time, before SQS moves it to the DLQ (after its last receive)."""
    return [delay_for(n, queue_visibility_s) for n in range(1, max_receive_count)]


class Redelivery:
    """Reschedules failed records of the service's own queue (``settings.queue_url``)."""

    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client
        self._visibility: int | None = None

    def _sqs(self) -> Any:
        if self._client is None:
            self._client = aws.client("sqs", self._settings)
        return self._client

    def queue_visibility(self) -> int:
        """The queue's own visibility timeout, read once per container (the upper bound of every delay)."""
        if self._visibility is None:
            attributes = self._sqs().get_queue_attributes(QueueUrl=self._settings.queue_url,
                                                          AttributeNames=["VisibilityTimeout"])["Attributes"]
            self._visibility = int(attributes["VisibilityTimeout"])
        return self._visibility

    def soon(self, records: Sequence[Mapping[str, Any]]) -> int:
        """Gives each of ``records`` (Lambda SQS records) its retry delay; returns how many SQS accepted. Never
        raises: a record left as it was comes back after the queue's visibility."""
        if not records or not self._settings.queue_url:
            return 0
        changed = 0
        try:
            visibility = self.queue_visibility()
            for start in range(0, len(records), BATCH):
                chunk = records[start:start + BATCH]
                entries = [{"Id": str(i), "ReceiptHandle": record["receiptHandle"],
                            "VisibilityTimeout": delay_for(_receive_count(record), visibility)}
                           for i, record in enumerate(chunk)]
                response = self._sqs().change_message_visibility_batch(QueueUrl=self._settings.queue_url,
                                                                       Entries=entries)
                changed += len(response.get("Successful", []))
                for failure in response.get("Failed", []):
                    logger.warning("visibilidade da mensagem com falha não alterada; ela volta após o visibility "
                                   "timeout da fila", extra={"falha": failure})
        except Exception:
            logger.warning("visibilidade das mensagens com falha não alterada; elas voltam após o visibility "
                           "timeout da fila", exc_info=True)
        if changed:
            count("EventosReagendados", changed)
        return changed


def _receive_count(record: Mapping[str, Any]) -> int:
    try:
        return int((record.get("attributes") or {}).get("ApproximateReceiveCount", 1))
    except (TypeError, ValueError):
        return 1
