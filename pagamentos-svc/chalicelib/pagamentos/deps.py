"""What pagamentos-svc's handlers reach through ``ctx.deps``: the use cases (``service``) and the reads
(``queries``), built per call from the adapters (repository, documents, calendar) and the clock.

``clock`` is a plain attribute so a test can travel in time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from chalicelib.pagamentos.adapters.documents import MemoDocumentStore, render_memo_pdf
from chalicelib.pagamentos.adapters.dynamodb import PagamentosRepository
from chalicelib.pagamentos.queries import PagamentosQueries
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
        return PagamentosService(self.repository, self.documents, self.calendar, self.config, clock=self.clock,
                                 render_pdf=render_memo_pdf)

    @property
    def queries(self) -> PagamentosQueries:
        return PagamentosQueries(self.repository, self.config, render_memo_pdf, clock=self.clock)
