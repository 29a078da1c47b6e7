"""Two overheads of moto's server that the local stack pays on every call, removed without changing an answer.

Measured on `make run`'s start (about 500 calls to the embedded AWS, most of them the demo calendar's
events fanning out to three services), in CPU time of this one process:

- **Finding the backend of a request.** moto's ``DomainDispatcherApplication.get_backend_for_host``
  lists moto's package folder (``os.listdir`` and an ``isdir`` per entry, ~250 of them) on every
  request, then tries hundreds of URL patterns for hosts such as ``sqs.sa-east-1.amazonaws.com``:
  about 0.5 ms a call. Its answer depends only on the host (the folder and the patterns do not
  change while the process runs), so it is remembered per host.
- **Serialising stream records.** ``GetRecords`` answers go through moto's model-driven serialiser,
  which walks every attribute value of every image: the dearest answer of the start. moto keeps the
  records already in DynamoDB's wire shape (``StreamRecord.to_json``), so they are written with
  ``json.dumps``, binary values in base64 and the creation time in epoch seconds, as the serialiser does.

When they can go: with a moto release whose server caches the backend lookup and serialises JSON
answers without the model walk (check ``get_backend_for_host`` and ``DynamoDBStreamsHandler.get_records``
on each moto upgrade). Like ``moto_patches``, they patch only the version they were written against.
"""

from __future__ import annotations

import base64
import calendar
import json
import logging
import threading
from datetime import UTC, datetime
from typing import Any

from devstack.moto_patches import PATCHED_MOTO_VERSION, moto_version

log = logging.getLogger("devstack")
_lock = threading.Lock()
_applied = False
ORIGINALS: dict[str, Any] = {}  # what each patch replaced, by "Class.method" (the tests compare answers)


def apply(expected_version: str = PATCHED_MOTO_VERSION) -> bool:
    """Applies both (idempotent); False, with a warning, on a moto version they were not written for."""
    global _applied
    with _lock:
        if _applied:
            return True
        if moto_version() != expected_version:
            log.warning("moto %s: as otimizações do servidor (escritas para %s) não foram aplicadas",
                        moto_version(), expected_version)
            return False
        _remember_backend_per_host()
        _stream_records_as_json()
        _applied = True
        return True


def _remember_backend_per_host() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    original = ORIGINALS["DomainDispatcherApplication.get_backend_for_host"] = \
        DomainDispatcherApplication.get_backend_for_host
    known: dict[str, Any] = {}

    def get_backend_for_host(self: Any, host: str | None) -> Any:
        if host is None:
            return original(self, host)
        if host not in known:
            known[host] = original(self, host)
        return known[host]

    DomainDispatcherApplication.get_backend_for_host = get_backend_for_host  # type: ignore[method-assign]


def _stream_records_as_json() -> None:
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    ORIGINALS["DynamoDBStreamsHandler.get_records"] = DynamoDBStreamsHandler.get_records

    def get_records(self: Any) -> tuple[str, dict[str, str]]:
        limit = self._get_param("Limit")
        result = self.backend.get_records(self._get_param("ShardIterator"), 1000 if limit is None else limit)
        return json.dumps(result, default=_wire_value), {"Content-Type": "application/x-amz-json-1.0"}

    DynamoDBStreamsHandler.get_records = get_records  # type: ignore[method-assign,assignment]


def _wire_value(value: Any) -> Any:
    """What moto's serialiser writes for the JSON protocol: binary as base64, a datetime as epoch seconds
    (naive = UTC, milliseconds kept)."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return calendar.timegm(value.timetuple()) + (value.microsecond // 1000) / 1000.0
    raise TypeError(f"{type(value).__name__} não serializável")
