"""The one retry of the back office: a use case whose transaction met a concurrent write is read and decided
again (fresh reads, so a second record at a cap is refused by its rule, not lost), with full-jitter
exponential back-off; when every attempt lost, :class:`courtlib.errors.Busy` (nothing was written).

Usage::

    @retry_on_conflict()
    def record(self, ...): ...            # or retry_on_conflict()(lambda: ...)()

``conflicts`` says which exceptions mean "another writer won" (by default
:class:`courtlib.errors.WriteConflict`, what the adapters raise on a failed version condition). A rule's own
refusal is never retried. Built on tenacity.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from courtlib.errors import Busy, WriteConflict

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

ATTEMPTS = 10  # the first try and 9 retries: eight clients on one órgão rarely exhaust them
FIRST_PAUSE_S = 0.005
MAX_PAUSE_S = 0.2


def retry_on_conflict(*, attempts: int = ATTEMPTS, conflicts: tuple[type[BaseException], ...] = (WriteConflict,),
                      busy_detail: str = "Gravações simultâneas demais neste registro. Tente de novo.",
                      sleep: Callable[[float], None] | None = None) -> Callable[[F], F]:
    """A decorator that runs the function again on ``conflicts``, then raises :class:`Busy`."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            pause: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
            retrying = Retrying(stop=stop_after_attempt(attempts), reraise=False,
                                retry=retry_if_exception_type(conflicts),
                                wait=wait_random_exponential(multiplier=FIRST_PAUSE_S, max=MAX_PAUSE_S), **pause)
            try:
                return retrying(function, *args, **kwargs)
            except RetryError:
                raise Busy(busy_detail) from None

        return wrapper  # type: ignore[return-value]

    return decorate
