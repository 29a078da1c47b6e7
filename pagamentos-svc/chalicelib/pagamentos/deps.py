"""What pagamentos-svc's handlers reach through ``ctx.deps``: repository, documents, clock and the use cases.

Built by ``courtlib.bootstrap`` from the settings (a test may give its own adapters). ``clock`` is a plain
attribute so a test can travel in time; the service is built per call from the deps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from chalicelib.pagamentos.adapters.documents import MemoDocumentStore
from chalicelib.pagamentos.adapters.dynamodb import PagamentosRepository
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
        return PagamentosService(self.repository, self.documents, self.calendar, self.config, self.settings,
                                 clock=self.clock)
