"""AWS faults injected under botocore, for the lost-response tests and the chaos suite.

Every botocore client in the process sends its requests through ``Endpoint._do_get_response`` (the
step that emits ``before-send`` and sends; botocore's retry loop is around it). The injector wraps
that one method, so it reaches every client the apps made — PynamoDB's cached connections,
Powertools' and boto3's clients alike — including those created before it was installed, which
per-client event handlers would miss. Faults, as botocore sees them:

- ``throttle``: a 400 ``ThrottlingException`` (S3: 503 ``SlowDown``); nothing applied;
- ``error500``: a 500 ``InternalServerError`` (S3, SQS: ``InternalError``); nothing applied;
- ``connection``: ``EndpointConnectionError``; nothing sent;
- ``lost``: the request is applied, then ``ReadTimeoutError`` (its response is lost).

botocore retries each as it would a real one. With moto in-process (``mock_aws``) the request is
applied by moto's own ``before-send`` handler inside the wrapped method; over HTTP, by the send.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

KINDS = ("throttle", "error500", "connection", "lost")
SERVICES = frozenset({"dynamodb", "sqs", "s3", "email"})  # endpoint prefixes: SES is "email"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _error_response(request: Any, status: int, code: str) -> tuple[tuple[Any, dict[str, Any]], None]:
    from botocore.awsrequest import AWSResponse

    response = AWSResponse(request.url, status, {}, _Raw(b""))
    parsed = {"Error": {"Code": code, "Message": "falha injetada"}, "ResponseMetadata": {"HTTPStatusCode": status,
                                                                                          "HTTPHeaders": {}}}
    return (response, parsed), None


class FaultInjector:
    """``rate`` of the calls to ``services`` fail with one of ``kinds`` (seeded); ``force`` queues faults."""

    def __init__(self, rate: float = 0.0, *, kinds: Iterable[str] = KINDS, services: Iterable[str] = SERVICES,
                 seed: int = 12, skip_operations: Iterable[str] = ()) -> None:
        self.rate = rate
        self.kinds = tuple(kinds)
        self.services = frozenset(services)
        self.skip_operations = frozenset(skip_operations)
        self.injected: Counter[tuple[str, str]] = Counter()  # (kind, service)
        self.calls: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._forced: list[tuple[str, str]] = []  # (operation, kind)
        self._lock = threading.Lock()
        self._local = threading.local()
        self._original: Any = None

    # ------------------------------------------------------------------ control

    def force(self, operation: str, kind: str, times: int = 1) -> None:
        """The next ``times`` calls of ``operation`` (e.g. ``TransactWriteItems``) fail with ``kind``."""
        with self._lock:
            self._forced += [(operation, kind)] * times

    @contextmanager
    def exempt(self) -> Iterator[None]:
        """Calls made by this thread inside are never faulted (the test's own checks)."""
        self._local.exempt = True
        try:
            yield
        finally:
            self._local.exempt = False

    def install(self) -> FaultInjector:
        from botocore.endpoint import Endpoint

        if self._original is not None:
            return self
        self._original = original = Endpoint._do_get_response
        injector = self

        def _do_get_response(endpoint: Any, request: Any, operation_model: Any, context: Any) -> Any:
            kind = injector._pick(operation_model)
            if kind is None:
                return original(endpoint, request, operation_model, context)
            service = operation_model.service_model.endpoint_prefix
            with injector._lock:
                injector.injected[(kind, service)] += 1
            if kind == "connection":
                from botocore.exceptions import EndpointConnectionError

                return None, EndpointConnectionError(endpoint_url=request.url)
            if kind == "lost":
                from botocore.exceptions import ReadTimeoutError

                original(endpoint, request, operation_model, context)  # applied…
                return None, ReadTimeoutError(endpoint_url=request.url)  # …and its response lost
            if kind == "throttle":
                return _error_response(request, *((503, "SlowDown") if service == "s3" else
                                                  (400, "ThrottlingException")))
            return _error_response(request, 500, "InternalError" if service in {"s3", "sqs"} else
                                   "InternalServerError")

        Endpoint._do_get_response = _do_get_response  # type: ignore[method-assign]
        return self

    def uninstall(self) -> None:
        from botocore.endpoint import Endpoint

        if self._original is not None:
            Endpoint._do_get_response = self._original  # type: ignore[method-assign]
            self._original = None

    def __enter__(self) -> FaultInjector:
        return self.install()

    def __exit__(self, *_: Any) -> None:
        self.uninstall()

    # ------------------------------------------------------------------ choice

    def _pick(self, operation_model: Any) -> str | None:
        if getattr(self._local, "exempt", False):
            return None
        service = operation_model.service_model.endpoint_prefix
        if service not in self.services:
            return None
        operation = operation_model.name
        with self._lock:
            self.calls[service] += 1
            for index, (forced_operation, kind) in enumerate(self._forced):
                if forced_operation == operation:
                    del self._forced[index]
                    return kind
            if operation in self.skip_operations or self.rate <= 0 or self._random.random() >= self.rate:
                return None
            return self._random.choice(self.kinds)

    def summary(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for (kind, service), count in sorted(self.injected.items()):
            out.setdefault(kind, {})[service] = count
        return out
