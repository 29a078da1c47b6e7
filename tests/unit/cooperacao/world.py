"""The world of the use-case tests on fakes: the HTTP tests' World (tests/integration/test_cooperacao_http.py)
without HTTP or moto. Monday 2026-03-02 20:00 (America/Sao_Paulo); the norm's final date 2026-12-31.

Units: ``1VC`` (home of Ana, cartório, FORUM), ``2VC`` (cartório, FORUM, gestor.2vc; Anexo IV: 2 places),
``GAB`` (gabinete, FORUM, gestor.gab), ``VGR`` (cartório, FORUM-VG; Anexo IV: 1 place), ``GAB2`` (gabinete,
SEDE, gestor.gab). Servants: ana (efetivo, Direito, lotação 1VC), bruno (assessor de gabinete, lotação GAB),
carla and davi (efetivos, lotação 1VC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from chalicelib.cooperacao.config import CooperacaoConfig
from chalicelib.cooperacao.domain.model import (
    CommissionedPost,
    Modality,
    Period,
    Servant,
    Unit,
    UnitKind,
    WorkingHours,
)
from chalicelib.cooperacao.judicial import JudicialService
from chalicelib.cooperacao.queries import CooperacaoQueries
from chalicelib.cooperacao.service import Actor, CooperacaoService, RequestCommand

from courtlib.config import TribunalConfig
from tests.unit.cooperacao.fakes import FakeClock, FakeCooperacaoRepository, FakeJudicialRepository, FakeWorkingDays

TZ = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2026, 3, 2, 20, 0, tzinfo=TZ)
FINAL = date(2026, 12, 31)
MARCH = Period(date(2026, 3, 2), date(2026, 3, 31))

ANA = Servant("ana", "Ana Servidora", True, law_degree=True, lotacao="1VC", hours=WorkingHours(time(12), time(19)))
BRUNO = Servant("bruno", "Bruno Servidor", True, post=CommissionedPost.ASSESSOR_GABINETE, lotacao="GAB")
CARLA = Servant("carla", "Carla Servidora", True, lotacao="1VC")
DAVI = Servant("davi", "Davi Servidor", True, lotacao="1VC")
UNITS = (Unit("1VC", "1ª Vara Cível", UnitKind.CARTORIO, "FORUM", "gestor.1vc"),
         Unit("2VC", "2ª Vara Cível", UnitKind.CARTORIO, "FORUM", "gestor.2vc"),
         Unit("GAB", "Gabinete", UnitKind.GABINETE, "FORUM", "gestor.gab"),
         Unit("VGR", "Vara de Várzea Grande", UnitKind.CARTORIO, "FORUM-VG", "gestor.vgr"),
         Unit("GAB2", "Gabinete 2", UnitKind.GABINETE, "SEDE", "gestor.gab"))


def actor(username: str, *roles: str) -> Actor:
    return Actor(username, frozenset(roles))


SERVANT_ANA = actor("ana", "servidor")
MANAGER = actor("gestor.2vc", "gestor")
CGJ = actor("corregedor", "corregedoria")
ADMIN = actor("admin.ti", "admin")


def m4(unit: str = "2VC", home: str = "1VC", period: Period = MARCH, **kw: object) -> RequestCommand:
    return RequestCommand(home, unit, Modality.M4, period, **kw)  # type: ignore[arg-type]


@dataclass
class World:
    repo: FakeCooperacaoRepository
    clock: FakeClock
    calendar: FakeWorkingDays
    config: TribunalConfig
    service: CooperacaoService
    queries: CooperacaoQueries

    def approved(self, servant: str = "ana", command: RequestCommand | None = None,
                 manager: str = "gestor.2vc") -> str:
        coop, _ = self.service.submit(servant, command or m4())
        self.service.decide(coop.id, actor(manager, "gestor"), True, "20 minutas/mês", None)
        return coop.id

    def at(self, moment: datetime) -> None:
        self.clock.now = moment


def make_world(**config: object) -> World:
    repo = FakeCooperacaoRepository()
    clock = FakeClock(NOW)
    calendar = FakeWorkingDays()
    tribunal = TribunalConfig(cooperacao=CooperacaoConfig(data_final_norma=date(2025, 12, 31), **config))
    service = CooperacaoService(repo, tribunal, clock, calendar)
    for unit in UNITS:
        service.put_unit(unit)
    for servant in (ANA, BRUNO, CARLA, DAVI):
        service.put_servant(servant)
    service.put_final_date(FINAL)
    service.put_annex("IV", {"2VC": 2, "VGR": 1})
    return World(repo, clock, calendar, tribunal, service, CooperacaoQueries(repo, tribunal))


def make_judicial() -> tuple[JudicialService, FakeJudicialRepository, FakeClock]:
    repo = FakeJudicialRepository()
    clock = FakeClock(NOW)
    return JudicialService(repo, clock), repo, clock
