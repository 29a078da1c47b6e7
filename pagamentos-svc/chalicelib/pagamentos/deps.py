"""What pagamentos-svc's handlers reach through ``ctx.deps``: repository, documents, clock and the use cases.

``clock`` is a plain attribute so a test can travel in time; the service is built per call from the deps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.pagamentos.adapters.documents import MemoDocumentStore
from chalicelib.pagamentos.adapters.dynamodb import PagamentosRepository
from chalicelib.pagamentos.service import PagamentosService

from courtlib import clock
from courtlib.service import ServiceDeps

TZ = ZoneInfo("America/Sao_Paulo")


def wall_clock() -> datetime:
    return clock.now().astimezone(TZ)


@dataclass
class PagamentosDeps(ServiceDeps):
    repository: PagamentosRepository = None  # type: ignore[assignment]
    documents: MemoDocumentStore = None  # type: ignore[assignment]
    clock: Callable[[], datetime] = field(default=wall_clock)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.repository is None:
            self.repository = PagamentosRepository(self.settings)
        if self.documents is None:
            self.documents = MemoDocumentStore(self.settings)

    @property
    def service(self) -> PagamentosService:
        return PagamentosService(self.repository, self.documents, self.calendar, self.config, self.settings,
                                 clock=self.clock)
