"""Reads that only query: the situation of an órgão on a day (DIST-02 audit included) and the edital's links.

Nothing here writes; the HTTP layer turns what these answer into its response models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.equality import EqualityReport, equality_report
from chalicelib.distribuicao.domain.judges import Judge, SeatStatus
from chalicelib.distribuicao.edital_document import edital_keys
from chalicelib.distribuicao.ports import EditalStore, StoredOrgao

from courtlib.errors import Invalid, NotFound

LINK_SECONDS = 3600


@dataclass(frozen=True)
class SeatSituation:
    status: SeatStatus
    counts: dict[str, int]
    total: int

    @property
    def drawable(self) -> bool:
        return self.status.exclusion is None


@dataclass(frozen=True)
class OrgaoSituation:
    """An órgão as of ``today``: who receives in each seat, the counts, its members and the equality audit."""

    stored: StoredOrgao
    today: date
    seats: list[SeatSituation]
    judges: list[tuple[Judge, bool]]
    equality: EqualityReport


def orgao_situation(stored: StoredOrgao, today: date, config: DistribuicaoConfig) -> OrgaoSituation:
    state = stored.state
    seats = [SeatSituation(status, state.counters.as_dict().get(status.id, {}), state.counters.total(status.id))
             for status in state.orgao.statuses(today, config)]
    judges = [(j, j.id in stored.desembargadores) for j in sorted(state.orgao.judges, key=lambda j: j.seniority_key)]
    report = equality_report(state.counters, [seat.status.id for seat in seats if seat.drawable], config)
    return OrgaoSituation(stored, today, seats, judges, report)


@dataclass(frozen=True)
class EditalLinks:
    start: date
    end: date
    json_url: str
    pdf_url: str


class EditalQueries:
    """The published editais (DIST-08) with presigned links: the bucket is never public."""

    def __init__(self, store: EditalStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def of_year(self, year: int | None) -> tuple[int, list[EditalLinks]]:
        """The year asked (default: the current one) and its editais, oldest first."""
        year = year or self.clock().year
        return year, [self._links(start, end) for start, end in self.store.published(year)]

    def starting(self, text: str) -> EditalLinks:
        """The edital of the period that starts on ``text`` (AAAA-MM-DD)."""
        try:
            start = date.fromisoformat(text)
        except ValueError:
            raise Invalid("data inválida: use AAAA-MM-DD", field="inicio") from None
        for period_start, period_end in self.store.published(start.year):
            if period_start == start:
                return self._links(period_start, period_end)
        raise NotFound(f"Nenhum edital publicado para o período iniciado em {start:%d/%m/%Y}.", field="inicio")

    def _links(self, start: date, end: date) -> EditalLinks:
        json_key, pdf_key = edital_keys(start, end)
        return EditalLinks(start, end, self.store.presigned_get(json_key, LINK_SECONDS),
                           self.store.presigned_get(pdf_key, LINK_SECONDS))
