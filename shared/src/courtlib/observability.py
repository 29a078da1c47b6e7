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
def tracer() -> "Tracer":
    from aws_lambda_powertools import Tracer

    return Tracer(service=os.environ.get("POWERTOOLS_SERVICE_NAME", "tribunal"))


@cache
def metrics() -> "Metrics":
    from aws_lambda_powertools import Metrics

    return Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "TribunalBackOffice"))
