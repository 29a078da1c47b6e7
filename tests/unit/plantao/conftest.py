"""The use cases and reads of plantao-svc on the in-memory fakes of its ports (tests/unit/plantao/fakes.py): the
demo tribunal of support.py, its reference data already imported, and a clock the test sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
from chalicelib.plantao.queries import PlantaoQueries, Viewer
from chalicelib.plantao.service import PlantaoService

from courtlib.config import TribunalConfig
from tests.unit.plantao.fakes import FakeCalendars, FakeDocuments, FakeNotifier, FakeRepository, fake_pdf
from tests.unit.plantao.support import TZ, reference


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, day: date, hour: int = 10) -> None:
        self.moment = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@dataclass
class FakeWorld:
    repository: FakeRepository
    calendars: FakeCalendars = field(default_factory=FakeCalendars)  # national holidays and recesso only
    documents: FakeDocuments = field(default_factory=FakeDocuments)
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    clock: Clock = field(default_factory=lambda: Clock(datetime(2027, 1, 20, 10, tzinfo=TZ)))
    config: TribunalConfig = field(default_factory=TribunalConfig)

    @property
    def service(self) -> PlantaoService:
        return PlantaoService(self.repository, self.calendars, self.config, "TRE-MT", self.clock, self.documents,
                              self.notifier, fake_pdf)

    @property
    def queries(self) -> PlantaoQueries:
        return PlantaoQueries(self.repository, self.documents, self.config, self.clock)

    def deliver(self, times: int = 1) -> int:
        """Delivers every ``portaria-emitida`` event committed so far to the service's consumer use case ``times``
        times (the second a redelivery), as the relay and the queue do; answers the notices sent."""
        sent = 0
        for event in self.repository.events("portaria-emitida.v1"):
            for _ in range(times):
                sent += self.service.publish_portaria(event.data["serie"], event.data["ano"],
                                                      event.data["n"])["avisos_enviados"]
        return sent

    def viewer(self, username: str | None, *groups: str) -> Viewer:
        return self.queries.viewer(username, frozenset(groups))

    def approved(self, month: str, kind: str) -> str:
        """Generates and approves a month's scale; answers its id."""
        from chalicelib.plantao.domain.scales import Kind, Month

        stored = self.service.generate(Month.parse(month), Kind(kind))
        self.service.approve(stored.id, "presidente")
        self.deliver()
        return stored.id


@pytest.fixture
def world() -> FakeWorld:
    return FakeWorld(FakeRepository(reference=reference(), reference_version=1))
