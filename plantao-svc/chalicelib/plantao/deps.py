"""What plantao-svc's handlers reach through ``ctx.deps``: the use cases (``service``) and the reads (``queries``),
built on the adapters held here (repository, documents, notices, clock).

``clock`` is a plain attribute so a test can travel in time (PLAN-03 embargo, served duties); the service
is built per call from whatever the deps hold at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.plantao.adapters.documents import Notifier, PortariaStore, render_portaria_pdf
from chalicelib.plantao.adapters.dynamodb import PlantaoRepository
from chalicelib.plantao.queries import PlantaoQueries
from chalicelib.plantao.service import PlantaoService

from courtlib import clock
from courtlib.service import ServiceDeps

TZ = ZoneInfo("America/Sao_Paulo")


def wall_clock() -> datetime:
    return clock.now().astimezone(TZ)


@dataclass
class PlantaoDeps(ServiceDeps):
    repository: PlantaoRepository = None  # type: ignore[assignment]
    documents: PortariaStore = None  # type: ignore[assignment]
    notifier: Notifier = None  # type: ignore[assignment]
    clock: Callable[[], datetime] = field(default=wall_clock)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.repository is None:
            self.repository = PlantaoRepository(self.settings)
        if self.documents is None:
            self.documents = PortariaStore(self.settings)
        if self.notifier is None:
            self.notifier = Notifier(self.settings)

    @property
    def service(self) -> PlantaoService:
        return PlantaoService(self.repository, self.calendar, self.config, self.settings.tribunal, self.clock,
                              self.documents, self.notifier, render_portaria_pdf)

    @property
    def queries(self) -> PlantaoQueries:
        return PlantaoQueries(self.repository, self.documents, self.config, self.clock)
