"""The one retry of the back office: a use case whose transaction met a concurrent write is read and decided
again (fresh reads, so a second record at a cap is refused by its rule, not lost), with full-jitter
exponential back-off scaled to the store's latency; when every attempt lost, :class:`courtlib.errors.Busy`
(nothing was written).

Usage::

    @retry_on_conflict()
    def record(self, ...): ...            # or retry_on_conflict()(lambda: ...)()

``conflicts`` says which exceptions mean "another writer won" (by default
:class:`courtlib.errors.WriteConflict`, what the adapters raise on a failed version condition). A rule's own
refusal is never retried. Built on tenacity.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from courtlib.errors import Busy, WriteConflict

if TYPE_CHECKING:
    from tenacity import RetryCallState

F = TypeVar("F", bound=Callable[..., Any])

ATTEMPTS = 10  # the first try and 9 retries: eight clients on one órgão rarely exhaust them
MIN_SCALE_S = 0.01
MAX_PAUSE_S = 1.0


class LatencyScaledJitter:
    """The pause after the k-th lost attempt: ``U(0, max(MIN_SCALE_S, t)·2^k)``, capped at ``MAX_PAUSE_S``,
    where ``t`` is how long that attempt took.

    Why not tenacity's ``wait_random_exponential`` on a fixed scale: writers contending for one item (an
    órgão's draw head, a servant's month) collide in proportion to the store's latency, so the pause that
    spreads them must grow with it — on moto, 8 clients × 25 draws on one órgão took 2.3 transactions per draw
    and 2 Busy this way, 3.75 and 10 on a fixed 5 ms scale.

    A plain callable, as tenacity accepts for ``wait``; tenacity itself is imported on the first retried call,
    not with the module, to keep it out of a cold start."""

    def __call__(self, retry_state: RetryCallState) -> float:
        took = getattr(retry_state, "attempt_took", 0.0)
        scale = max(MIN_SCALE_S, took)
        return min(MAX_PAUSE_S, random.uniform(0, scale * 2 ** retry_state.attempt_number))


def _mark_attempt_start(retry_state: RetryCallState) -> None:
    retry_state.attempt_started = time.monotonic()  # type: ignore[attr-defined]


def _mark_attempt_end(retry_state: RetryCallState) -> None:
    """Runs after a lost attempt and before its pause is drawn (tenacity's ``after``)."""
    retry_state.attempt_took = time.monotonic() - retry_state.attempt_started  # type: ignore[attr-defined]


def retry_on_conflict(*, attempts: int = ATTEMPTS, conflicts: tuple[type[BaseException], ...] = (WriteConflict,),
                      busy_detail: str = "Gravações simultâneas demais neste registro. Tente de novo.",
                      sleep: Callable[[float], None] | None = None) -> Callable[[F], F]:
    """A decorator that runs the function again on ``conflicts``, then raises :class:`Busy`."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt

            pause: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
            retrying = Retrying(stop=stop_after_attempt(attempts), reraise=False,
                                retry=retry_if_exception_type(conflicts),
                                wait=LatencyScaledJitter(), before=_mark_attempt_start,
                                after=_mark_attempt_end, **pause)
            try:
                return retrying(function, *args, **kwargs)
            except RetryError:
                raise Busy(busy_detail) from None

        return wrapper  # type: ignore[return-value]

    return decorate
