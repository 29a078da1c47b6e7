"""What distribuicao-svc's handlers reach through ``ctx.deps``: the use cases (``service``, ``draws``,
``precatorias``) and the queries (``editais``' links), built on the adapters held here.

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
from chalicelib.distribuicao.draws import DrawService
from chalicelib.distribuicao.ports import RoundSource
from chalicelib.distribuicao.precatorias import PrecatoriaService
from chalicelib.distribuicao.queries import EditalQueries
from chalicelib.distribuicao.service import DistribuicaoService

from courtlib.beacon.config import DEFAULT_RELAYS
from courtlib.beacon.local import LocalBeacon
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
    beacon: RoundSource | None = None  # built from the configuration on first use; a test may set its own
    beacon_wait_s: float | None = None  # None: the configuration's ``farol.espera_maxima_s``

    @property
    def round_source(self) -> RoundSource:
        """The beacon the draws wait for: the relays and chain of ``distribuicao.farol`` over HTTP (drand's
        quicknet by default; the local stack names its served local beacon there). Only where AWS is emulated
        (stage ``local`` or an endpoint of its own: no network) and no relay is configured — tests that run the
        app in process — is it the local beacon in process, on this clock, marked by its own chain."""
        if self.beacon is None:
            config = distribuicao_config(self.config)
            emulated = self.settings.stage == "local" or bool(self.settings.endpoint_url)
            if emulated and tuple(config.farol.relays) == DEFAULT_RELAYS:
                self.beacon = LocalBeacon(period=config.farol_local_periodo_s, now=lambda: self.clock())
            else:
                self.beacon = config.farol.client()
        return self.beacon

    @property
    def service(self) -> DistribuicaoService:
        config = distribuicao_config(self.config)
        return DistribuicaoService(self.repository, self.seeds, clock=self.clock, config=config,
                                   settings=self.settings, beacon=self.round_source,
                                   beacon_wait_s=config.farol.espera_maxima_s if self.beacon_wait_s is None
                                   else self.beacon_wait_s)

    @property
    def draws(self) -> DrawService:
        """The draws in two moments (distribution, manual draw, redistribution), on the same adapters."""
        return self.service.draws

    @property
    def precatorias(self) -> PrecatoriaService:
        config = distribuicao_config(self.config)
        return PrecatoriaService(self.precatoria_repository, self.seeds, clock=self.clock, config=config,
                                 beacon=self.round_source,
                                 beacon_wait_s=config.farol.espera_maxima_s if self.beacon_wait_s is None
                                 else self.beacon_wait_s)

    @property
    def edital_queries(self) -> EditalQueries:
        return EditalQueries(self.editais, self.clock)
