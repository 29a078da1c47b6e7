"""What distribuicao-svc's handlers reach through ``ctx.deps``: the use cases (``service``, ``precatorias``) and
the queries (``editais``' links), built on the adapters held here.

``clock`` and ``seeds`` are plain attributes so a test (or a replay tool) can set them: the use cases
are built per call from whatever the deps hold at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.distribuicao.adapters.dynamodb import DistribuicaoRepository
from chalicelib.distribuicao.adapters.edital import EditalStore
from chalicelib.distribuicao.adapters.precatorias import PrecatoriaRepository
from chalicelib.distribuicao.adapters.seeds import SeedStore
from chalicelib.distribuicao.precatorias import PrecatoriaService
from chalicelib.distribuicao.queries import EditalQueries
from chalicelib.distribuicao.service import DistribuicaoService

from courtlib import clock
from courtlib.service import ServiceDeps

TZ = ZoneInfo("America/Sao_Paulo")


def wall_clock() -> datetime:
    return clock.now().astimezone(TZ)


@dataclass
class DistribuicaoDeps(ServiceDeps):
    repository: DistribuicaoRepository = None  # type: ignore[assignment]
    seeds: SeedStore = None  # type: ignore[assignment]
    editais: EditalStore = None  # type: ignore[assignment]
    precatoria_repository: PrecatoriaRepository = None  # type: ignore[assignment]
    clock: Callable[[], datetime] = field(default=wall_clock)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.repository is None:
            self.repository = DistribuicaoRepository(self.settings)
        if self.seeds is None:
            self.seeds = SeedStore(self.settings)
        if self.editais is None:
            self.editais = EditalStore(self.settings)
        if self.precatoria_repository is None:
            self.precatoria_repository = PrecatoriaRepository(self.settings)

    @property
    def service(self) -> DistribuicaoService:
        return DistribuicaoService(self.repository, self.seeds, clock=self.clock, config=self.config.distribuicao,
                                   settings=self.settings)

    @property
    def precatorias(self) -> PrecatoriaService:
        return PrecatoriaService(self.precatoria_repository, self.seeds, clock=self.clock,
                                 config=self.config.distribuicao)

    @property
    def edital_queries(self) -> EditalQueries:
        return EditalQueries(self.editais, self.clock)
