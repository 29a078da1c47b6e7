"""SQS FIFO deduplication as AWS does it, for the local stack: an id is remembered 5 minutes after it was sent.

moto 5.2.5's ``Queue.add_message`` drops a FIFO message only if a message with the same deduplication id is
*still in the queue*; once the first copy was received and deleted, a second send is delivered again. SQS
remembers the id for 5 minutes from the first send, whatever happened to the message. The services rely on it:
the request's eager dispatch sends an event and the stream relay sends it again (same id, the event id) a moment
later (courtlib.messaging.dispatch). Without this patch every event reached each consumer twice locally (the
second applied as nothing, by the consumer's idempotency, but at the cost of a second invocation).

Applied by the local stack only (``devstack.aws``); the tests' moto keeps moto's behaviour, which delivers the
duplicates and so exercises the consumers' own deduplication. It patches only moto 5.2.5 and can go when moto's
``Queue.add_message`` keeps deduplication ids after deletion.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from devstack.moto_patches import PATCHED_MOTO_VERSION, moto_version

_lock = threading.Lock()
_original: Any = None


def apply(expected_version: str = PATCHED_MOTO_VERSION) -> bool:
    """Patches ``Queue.add_message`` once (idempotent); False on a moto version it was not written for."""
    global _original
    from moto.sqs.models import Queue

    with _lock:
        if _original is not None:
            return True
        if moto_version() != expected_version:
            return False
        _original = original = Queue.add_message

        def add_message(queue: Any, message: Any) -> None:
            if queue.fifo_queue and message.deduplication_id and _seen_recently(queue, message):
                return
            original(queue, message)

        Queue.add_message = add_message  # type: ignore[method-assign,assignment]
        return True


def remove() -> None:
    """Puts moto's own ``add_message`` back (a test that applied the patch)."""
    global _original
    from moto.sqs.models import Queue

    with _lock:
        if _original is not None:
            Queue.add_message = _original  # type: ignore[method-assign]
            _original = None


def _seen_recently(queue: Any, message: Any) -> bool:
    """True if the id was sent to ``queue`` in the last 5 minutes; otherwise remembers it now."""
    from moto.sqs.models import DEDUPLICATION_TIME_IN_SECONDS

    window_ms = DEDUPLICATION_TIME_IN_SECONDS * 1000
    now = message.sent_timestamp
    with _lock:
        seen: OrderedDict[str, int] = queue.__dict__.setdefault("_deduplication_ids", OrderedDict())
        while seen and next(iter(seen.values())) <= now - window_ms:  # oldest first: forget the expired
            seen.popitem(last=False)
        if message.deduplication_id in seen:
            return True
        seen[message.deduplication_id] = now
        return False
