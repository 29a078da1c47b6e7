"""One step of the demo seeding: a call to a service's HTTP API, made as the admin demo user.

Its own module so that each service's demo data (``demo_<service>.py``) and the list that joins them
(``demo.py``) import it without importing each other.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SeedStep:
    """``batch``: steps of one service with the same batch, one after another in the list, run side by side
    (each must depend on none of the others, and their order must not show in the data: no counter)."""

    service: str
    method: str
    path: str
    body: Mapping[str, Any] | None = None
    batch: str | None = None

    @property
    def idempotency_key(self) -> str:  # the batch is how the step is run, not what it does: not in the key
        text = json.dumps([self.service, self.method, self.path, self.body], sort_keys=True, default=str)
        return "demo-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
