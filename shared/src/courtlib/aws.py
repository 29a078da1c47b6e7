"""The one factory of boto3 clients: region, endpoint (moto, the local stack) and retries from the settings.

    from courtlib import aws
    sqs = aws.client("sqs", settings)
    s3 = aws.client("s3", settings, signature_version="s3v4", addressing_style="path")

A client is made on first use and kept for the process (one per service name, region, endpoint and
options): boto3 clients are thread-safe once made, but making them from the default session is not,
so the first making is serialised by a lock. boto3 is imported only when a client is first asked for.
PynamoDB keeps its own connections (its models' ``Meta``, :func:`courtlib.persistence.bind`).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from courtlib.settings import ServiceSettings

RETRY_MODE = "standard"  # botocore's retry of throttling and transient errors, with backoff and jitter

_clients: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def client(service: str, settings: ServiceSettings | None = None, *, region: str | None = None,
           endpoint_url: str | None = None, max_attempts: int | None = None,
           signature_version: str | None = None, addressing_style: str | None = None,
           connect_timeout: float | None = None, read_timeout: float | None = None) -> Any:
    """The boto3 client of ``service`` for ``settings``' region and endpoint (or the ones given).

    ``max_attempts`` (retries after the first call, as botocore counts them) switches to botocore's
    standard retry mode; without it the client keeps botocore's default retries. ``signature_version`` and
    ``addressing_style`` are S3's (a presigned link needs SigV4 and, on a local endpoint, path style).
    ``connect_timeout``/``read_timeout`` (seconds) replace botocore's 60 s, for a best-effort call on a request's path.
    """
    if settings is not None:
        region = region or settings.region
        endpoint_url = endpoint_url or (settings.dynamodb_endpoint if service == "dynamodb" else settings.endpoint_url)
    key = (service, region, endpoint_url, max_attempts, signature_version, addressing_style, connect_timeout,
           read_timeout)
    made = _clients.get(key)
    if made is not None:
        return made
    with _lock:
        if key not in _clients:
            _clients[key] = _make(*key)
        return _clients[key]


def clear() -> None:
    """Forgets every client made (a test that changes credentials or endpoints)."""
    with _lock:
        _clients.clear()


def _make(service: str, region: str | None, endpoint_url: str | None, max_attempts: int | None,
          signature_version: str | None, addressing_style: str | None, connect_timeout: float | None,
          read_timeout: float | None) -> Any:
    import boto3  # imported on first use: handlers that never call AWS directly skip its cost
    from botocore.config import Config

    options: dict[str, Any] = {}
    if max_attempts is not None:
        options["retries"] = {"max_attempts": max_attempts, "mode": RETRY_MODE}
    if signature_version is not None:
        options["signature_version"] = signature_version
    if addressing_style is not None:
        options["s3"] = {"addressing_style": addressing_style}
    if connect_timeout is not None:
        options["connect_timeout"] = connect_timeout
    if read_timeout is not None:
        options["read_timeout"] = read_timeout
    return boto3.client(service, region_name=region, endpoint_url=endpoint_url, config=Config(**options))
