"""The one place for Powertools observability: JSON logs, metrics, traces.

The service name comes from ``POWERTOOLS_SERVICE_NAME`` (each Lambda's configuration). Tracer and
Metrics are created on first use so importing this module stays cheap.
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Metrics, Tracer

logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "tribunal"))


@cache
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "tribunal"))


@cache
def metrics() -> Metrics:
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "TribunalBackOffice"))


def count(name: str, value: int = 1) -> None:
    """Adds to a CloudWatch metric (EMF), published when the handler ends (:func:`flush`)."""
    from aws_lambda_powertools.metrics import MetricUnit

    metrics().add_metric(name=name, unit=MetricUnit.Count, value=value)


def flush() -> None:
    """Publishes the metrics counted during this invocation (a Lambda handler calls it on its way out)."""
    if metrics().metric_set:
        metrics().flush_metrics()
