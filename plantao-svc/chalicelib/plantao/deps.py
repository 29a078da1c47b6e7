"""What plantao-svc's handlers reach through ``ctx.deps``: the use cases (``service``) and the reads (``queries``),
built on the adapters held here (repository, documents, notices, clock).

Built by ``courtlib.bootstrap`` from the settings (a test may give its own adapters). ``clock`` is a plain
attribute so a test can travel in time (PLAN-03 embargo, served duties); the service is built per call
from whatever the deps hold at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.plantao.adapters.documents import Notifier, PortariaStore, render_portaria_pdf
from chalicelib.plantao.adapters.dynamodb import PlantaoRepository
from chalicelib.plantao.queries import PlantaoQueries
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
        return PlantaoService(self.repository, self.calendar, self.config, self.settings.tribunal, self.clock,
                              self.documents, self.notifier, render_portaria_pdf)

    @property
    def queries(self) -> PlantaoQueries:
        return PlantaoQueries(self.repository, self.documents, self.config, self.clock)
