"""What cooperacao-svc's handlers reach through ``ctx.deps``: the use cases and the queries, built on the store.

``clock`` is a plain attribute so a test can travel in time; use cases are built per call from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from chalicelib.cooperacao.adapters.judicial import JudicialStore
from chalicelib.cooperacao.adapters.store import Store
from chalicelib.cooperacao.judicial import JudicialService
from chalicelib.cooperacao.queries import CooperacaoQueries
from chalicelib.cooperacao.service import CooperacaoService

from courtlib import clock
from courtlib.service import ServiceDeps

TZ = ZoneInfo("America/Sao_Paulo")


def wall_clock() -> datetime:
    return clock.now().astimezone(TZ)


@dataclass
class CooperacaoDeps(ServiceDeps):
    store: Store = None  # type: ignore[assignment]
    clock: Callable[[], datetime] = field(default=wall_clock)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.store is None:
            self.store = Store(self.settings)

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
