"""What cooperacao-svc's handlers reach through ``ctx.deps``: the use cases and the queries, built on the store.

Built by ``courtlib.bootstrap`` from the settings (a test may give its own store). ``clock`` is a plain
attribute so a test can travel in time; use cases are built per call from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from chalicelib.cooperacao.adapters.judicial import JudicialStore
from chalicelib.cooperacao.adapters.store import Store
from chalicelib.cooperacao.judicial import JudicialService
from chalicelib.cooperacao.queries import CooperacaoQueries
from chalicelib.cooperacao.service import CooperacaoService

from courtlib.bootstrap import adapter
from courtlib.clock import local_now
from courtlib.service import ServiceDeps


@dataclass
class CooperacaoDeps(ServiceDeps):
    store: Store = adapter(Store)
    clock: Callable[[], datetime] = field(default=local_now)

    def working_day(self, day: date, municipality: str | None) -> bool:
        """CAL-01: a dia útil of the place (the servant's normal hours apply only on those)."""
        return self.calendar.calendar_for(self.config, [day.year]).is_dia_util(day, municipality)

    @property
    def service(self) -> CooperacaoService:
        return CooperacaoService(self.store, self.config, self.clock, self.working_day)

    @property
    def queries(self) -> CooperacaoQueries:
        return CooperacaoQueries(self.store, self.config)

    @property
    def judicial(self) -> JudicialService:
        return JudicialService(JudicialStore(self.store), self.clock)
