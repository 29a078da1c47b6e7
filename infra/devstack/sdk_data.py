"""One botocore data loader for every botocore session of the local stack's process.

Each botocore ``Session`` has its own loader, and each loader parses the SDK's JSON files again
(``endpoints.json``, the service models): about 40 ms per session here. PynamoDB makes a new session
for every model class's connection (``pynamodb.connection.base.Connection.session``), so the four
apps, run in one process, parsed the same files dozens of times during `make run`'s start. In AWS each
function is its own process and pays this once per model, which is out of the local stack's reach;
here every session shares one loader, which caches what it has parsed (as one session's clients
already share it). The loaded data are read-only to botocore, so sharing them is safe across threads.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_loaders: dict[Any, Any] = {}


def share_loaders() -> None:
    """Sessions made from now on share one loader per data path (``AWS_DATA_PATH``). Idempotent."""
    from botocore import loaders, session

    if getattr(session.Session._register_data_loader, "_shared", False):
        return

    def _register_data_loader(self: Any) -> None:
        def shared_loader() -> Any:
            path = self.get_config_variable("data_path")
            with _lock:
                if path not in _loaders:
                    _loaders[path] = loaders.create_loader(path)
                return _loaders[path]

        self._components.lazy_register_component("data_loader", shared_loader)

    _register_data_loader._shared = True  # type: ignore[attr-defined]
    session.Session._register_data_loader = _register_data_loader  # type: ignore[method-assign]
