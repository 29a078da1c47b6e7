"""What plantao-svc's handlers reach through ``ctx.deps``: repository, documents, notices, clock, use cases.

Built by ``courtlib.bootstrap`` from the settings (a test may give its own adapters). ``clock`` is a plain
attribute so a test can travel in time (PLAN-03 embargo, served duties); the service is built per call
from whatever the deps hold at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.plantao.adapters.documents import Notifier, PortariaStore
from chalicelib.plantao.adapters.dynamodb import PlantaoRepository
from chalicelib.plantao.service import PlantaoService

from courtlib.bootstrap import adapter
from courtlib.clock import local_now
from courtlib.service import ServiceDeps


@dataclass
class PlantaoDeps(ServiceDeps):
    repository: PlantaoRepository = adapter(PlantaoRepository)
    documents: PortariaStore = adapter(PortariaStore)
    notifier: Notifier = adapter(Notifier)
    clock: Callable[[], datetime] = field(default=local_now)

    @property
    def service(self) -> PlantaoService:
        return PlantaoService(self.repository, self.calendar, self.config, self.settings, self.clock, self.documents,
                              self.notifier)
