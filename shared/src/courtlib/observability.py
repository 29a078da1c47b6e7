"""The one place for Powertools observability: JSON logs and metrics, and the Chalice middleware that wires them.

The service name comes from ``POWERTOOLS_SERVICE_NAME`` (each Lambda's configuration). Metrics are
created on first use so importing this module stays cheap.

:func:`observed` is registered once per app (``courtlib.route_table.register_middleware``) for every kind of
invocation: each log line carries the function's name and request id (and, for HTTP, the correlation
id), and the metrics an invocation counted are published when it returns or fails. A consumer takes
the correlation id of each event it applies from the event's envelope (``correlationid``), so logs
follow a request across the queues. There is no tracer: nothing here sent traces, and the X-Ray SDK
(the ``tracer`` extra) only added to every Lambda package and, once a Tracer is made, to its cold start.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "tribunal"))

_INVOCATION_KEYS = ("function_name", "function_request_id", "cold_start", "correlation_id", "parceiro")
_cold = [True]  # the first invocation of this process


@cache
def metrics() -> Metrics:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "TribunalBackOffice"))


def count(name: str, value: int = 1) -> None:
    """Adds to a CloudWatch metric (EMF), published when the invocation ends (:func:`observed`). Nothing when
    metrics are disabled (the local stack, the bench): Powertools prints a metric's 100th value at once whatever
    ``POWERTOOLS_METRICS_DISABLED`` says, which put EMF lines among the bench's figures."""
    from aws_lambda_powertools.metrics import MetricUnit
    from aws_lambda_powertools.metrics.functions import is_metrics_disabled

    if is_metrics_disabled():
        return

    metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def flush() -> None:
    """Publishes the metrics counted during this invocation."""
    if metrics().metric_set:
        metrics().flush_metrics()


def observed(event: Any, get_response: Callable[[Any], Any]) -> Any:
    """Chalice middleware for every event type: the invocation's logger context, then the metrics flush.

    Written here rather than ``ConvertToMiddleware(logger.inject_lambda_context)``: that decorator needs
    a real Lambda context, which ``chalice.test``, ``chalice local`` and the local stack do not always give.
    """
    http = hasattr(event, "lambda_context")  # a chalice Request; queue, stream and schedule events have .context
    context = event.lambda_context if http else getattr(event, "context", None)
    keys: dict[str, Any] = {"function_name": getattr(context, "function_name", None),
                            "function_request_id": getattr(context, "aws_request_id", None),
                            "cold_start": _cold[0]}
    _cold[0] = False
    with contextlib.ExitStack() as request_scope:
        if http:
            from courtlib.http.correlation import correlation_scope

            keys["correlation_id"] = request_scope.enter_context(correlation_scope(event.headers))
        logger.append_keys(**keys)
        try:
            return get_response(event)
        finally:
            flush()
            logger.remove_keys(list(_INVOCATION_KEYS))
