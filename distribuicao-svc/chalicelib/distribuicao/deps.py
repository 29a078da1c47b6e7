"""What distribuicao-svc's handlers reach through ``ctx.deps``: the use cases (``service``, ``precatorias``) and
the queries (``editais``' links), built on the adapters held here.

Built by ``courtlib.bootstrap`` from the settings (a test may give its own adapters). ``clock`` and
``seeds`` are plain attributes so a test (or a replay tool) can set them: the use cases are built per
call from whatever the deps hold at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.distribuicao.adapters.dynamodb import DistribuicaoRepository
from chalicelib.distribuicao.adapters.edital import EditalStore
from chalicelib.distribuicao.adapters.precatorias import PrecatoriaRepository
from chalicelib.distribuicao.adapters.seeds import SeedStore
from chalicelib.distribuicao.config import distribuicao_config
from chalicelib.distribuicao.precatorias import PrecatoriaService
from chalicelib.distribuicao.queries import EditalQueries
from chalicelib.distribuicao.service import DistribuicaoService

from courtlib.bootstrap import adapter
from courtlib.clock import local_now
from courtlib.service import ServiceDeps


@dataclass
class DistribuicaoDeps(ServiceDeps):
    repository: DistribuicaoRepository = adapter(DistribuicaoRepository)
    seeds: SeedStore = adapter(SeedStore)
    editais: EditalStore = adapter(EditalStore)
    precatoria_repository: PrecatoriaRepository = adapter(PrecatoriaRepository)
    clock: Callable[[], datetime] = field(default=local_now)

    @property
    def service(self) -> DistribuicaoService:
        return DistribuicaoService(self.repository, self.seeds, clock=self.clock,
                                   config=distribuicao_config(self.config), settings=self.settings)

    @property
    def precatorias(self) -> PrecatoriaService:
        return PrecatoriaService(self.precatoria_repository, self.seeds, clock=self.clock,
                                 config=distribuicao_config(self.config))

    @property
    def edital_queries(self) -> EditalQueries:
        return EditalQueries(self.editais, self.clock)
