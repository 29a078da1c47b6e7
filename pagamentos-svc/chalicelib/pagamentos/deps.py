"""What pagamentos-svc's handlers reach through ``ctx.deps``: the use cases (``service``) and the reads
(``queries``), built per call from the adapters (repository, documents, calendar) and the clock.

Built by ``courtlib.bootstrap`` from the settings (a test may give its own adapters). ``clock`` is a plain
attribute so a test can travel in time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.pagamentos.adapters.documents import MemoDocumentStore, render_memo_pdf
from chalicelib.pagamentos.adapters.dynamodb import PagamentosRepository
from chalicelib.pagamentos.queries import PagamentosQueries
from chalicelib.pagamentos.service import PagamentosService

from courtlib.bootstrap import adapter
from courtlib.clock import local_now
from courtlib.service import ServiceDeps


@dataclass
class PagamentosDeps(ServiceDeps):
    repository: PagamentosRepository = adapter(PagamentosRepository)
    documents: MemoDocumentStore = adapter(MemoDocumentStore)
    clock: Callable[[], datetime] = field(default=local_now)

    @property
    def service(self) -> PagamentosService:
        return PagamentosService(self.repository, self.documents, self.calendar, self.config, clock=self.clock,
                                 render_pdf=render_memo_pdf)

    @property
    def queries(self) -> PagamentosQueries:
        return PagamentosQueries(self.repository, self.config, render_memo_pdf, clock=self.clock)
