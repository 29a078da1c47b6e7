"""plantao-svc over HTTP on moto (PLAN-01..09): the real app on a fresh table per test, the clock set by the test.

The demo tribunal (TRE-MT demo): Cuiabá (capital, region R1, four varas), Várzea Grande and Chapada (R2,
Chapada with a single vara whose vara tabelar is 1V-VGR), the Pleno's members as the 2nd degree.
February 2027: weekends 6–7, 13–14, 20–21, 27–28; R1's estadual turns: 6 alves, 7 barros, 13 campos,
14 duarte, 20 alves, 21 barros, 27 campos, 28 duarte.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest

from courtlib.calendar_store import CalendarRepository
from courtlib.http.testing import bearer

TZ = ZoneInfo("America/Sao_Paulo")
ADMIN = bearer("admin.ti", "admin")
PRESIDENCY = bearer("presidente", "presidencia")
MANAGER = bearer("gestor.vara1", "gestor")
SERVANT = bearer("servidor.ana", "servidor")
CUIABA, VARZEA, CHAPADA = "5103403", "5108402", "5103007"

JUDGES = [("jz.alves", "Juiz André Alves", 10, "1VC-CBA"), ("jz.barros", "Juíza Beatriz Barros", 11, "2VC-CBA"),
          ("jz.campos", "Juiz Caio Campos", 12, "1VCR-CBA"), ("jz.duarte", "Juíza Daniela Duarte", 13, "2VCR-CBA"),
          ("jz.esteves", "Juiz Eduardo Esteves", 14, "1V-VGR"), ("jz.farias", "Juíza Fernanda Farias", 15, "2V-VGR"),
          ("jz.gomes", "Juiz Gustavo Gomes", 16, "VU-CHA")]
MEMBERS = [("des.presidente", "Des. Presidente Carlos Almeida", 1, True), ("des.corregedora", "Des.ª Corregedora "
           "Lúcia Ferraz", 2, True), ("jd.paulo", "Juiz Paulo Henrique Costa", 3, False),
           ("jd.marina", "Juíza Marina Duarte", 4, False), ("jf.ricardo", "Juiz Federal Ricardo Tavares", 5, False),
           ("jur.helena", "Jurista Helena Prado", 6, False), ("jur.otavio", "Jurista Otávio Nunes", 7, False)]

REFERENCE = {
    "regioes": [{"id": "R1", "nome": "1ª Região (Capital)", "ordem": 1}, {"id": "R2", "nome": "2ª Região", "ordem": 2}],
    "comarcas": [{"id": "CBA", "nome": "Cuiabá", "municipio": CUIABA, "regiao": "R1", "ordem": 1, "entrancia": "especial"},
                 {"id": "VGR", "nome": "Várzea Grande", "municipio": VARZEA, "regiao": "R2", "ordem": 1,
                  "entrancia": "final"},
                 {"id": "CHA", "nome": "Chapada dos Guimarães", "municipio": CHAPADA, "regiao": "R2", "ordem": 2,
                  "entrancia": "inicial", "vara_tabelar": "1V-VGR"}],
    "juizos": [{"id": j, "nome": n, "comarca": j.split("-")[1], "ordem": o, "juiz": m}
               for j, n, o, m in [("1VC-CBA", "1ª Vara Cível de Cuiabá", 1, "jz.alves"),
                                  ("2VC-CBA", "2ª Vara Cível de Cuiabá", 2, "jz.barros"),
                                  ("1VCR-CBA", "1ª Vara Criminal de Cuiabá", 3, "jz.campos"),
                                  ("2VCR-CBA", "2ª Vara Criminal de Cuiabá", 4, "jz.duarte"),
                                  ("1V-VGR", "1ª Vara de Várzea Grande", 1, "jz.esteves"),
                                  ("2V-VGR", "2ª Vara de Várzea Grande", 2, "jz.farias"),
                                  ("VU-CHA", "Vara Única de Chapada dos Guimarães", 1, "jz.gomes")]],
    "magistrados": [{"id": i, "nome": n, "antiguidade": s, "juizo": j} for i, n, s, j in JUDGES]
                   + [{"id": i, "nome": n, "antiguidade": s, "desembargador": True, "orgao": "PLENO",
                       "administracao": a, "diretor_escola": i == "jf.ricardo"} for i, n, s, a in MEMBERS],
}


class Clock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, day: date, hour: int = 10) -> None:
        self.moment = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


class World:
    """The plantao app on its own table, with a clock the test sets."""

    def __init__(self, client, clock: Clock, deps, table: str) -> None:
        self.client, self.clock, self.deps, self.table = client, clock, deps, table

    def _call(self, method: str, path: str, body: dict | None, headers: dict | None):
        kwargs = {"headers": {"Content-Type": "application/json", **(headers or {})}}
        if body is not None:
            kwargs["body"] = json.dumps(body)
        return getattr(self.client.http, method)(path, **kwargs)

    def post(self, path: str, body: dict | None = None, headers: dict | None = PRESIDENCY):
        return self._call("post", path, body, headers)

    def put(self, path: str, body: dict | None = None, headers: dict | None = ADMIN):
        return self._call("put", path, body, headers)

    def get(self, path: str, headers: dict | None = SERVANT):
        return self._call("get", path, None, headers)

    def items(self, prefix: str) -> list[dict]:
        dynamodb = boto3.client("dynamodb", region_name="sa-east-1")
        found = []
        for page in dynamodb.get_paginator("scan").paginate(TableName=self.table):
            found += [i for i in page["Items"] if i["pk"]["S"].startswith(prefix)]
        return found

    def events(self, suffix: str) -> list[dict]:
        return [json.loads(i["envelope"]["S"]) for i in self.items("OUTBOX#") if i["event_type"]["S"].endswith(suffix)]

    def generate(self, month: str, kind: str, expect: int = 201) -> dict:
        response = self.post("/escalas", {"mes": month, "tipo": kind})
        assert response.status_code == expect, response.body
        return response.json_body

    def approve(self, scale_id: str) -> dict:
        response = self.post(f"/escalas/{scale_id}/aprovacao")
        assert response.status_code == 200, response.body
        return response.json_body


@pytest.fixture
def ses(aws_stack):
    client = boto3.client("ses", region_name="sa-east-1")
    client.verify_domain_identity(Domain="tribunal.example.jus.br")  # the identity of infra/identity.yaml
    return client


@pytest.fixture
def world(client_of, scratch_table, settings_of, ses):
    """The app on a fresh table (its own rotations, counters and ledgers) with a test clock."""
    from chalicelib.plantao.adapters.dynamodb import PlantaoRepository

    client = client_of("plantao")
    deps = sys.modules["plantao_app"].deps
    settings = settings_of("plantao").model_copy(update={"table_name": scratch_table.table_name})
    saved = (deps.settings, deps.repository, deps.calendar, deps.clock)
    clock = Clock(datetime(2027, 1, 20, 10, tzinfo=TZ))
    deps.settings, deps.repository, deps.calendar, deps.clock = (settings, PlantaoRepository(settings),
                                                                 CalendarRepository(settings), clock)
    w = World(client, clock, deps, scratch_table.table_name)
    response = w.put("/referencia", REFERENCE)
    assert response.status_code == 200, response.body
    yield w
    deps.settings, deps.repository, deps.calendar, deps.clock = saved


def by_rotation(scale: dict, rotation: str) -> list[tuple[int, str]]:
    return [(int(p["data"][8:]), p["magistrado"]) for p in scale["plantoes"] if p["rotacao"] == rotation]


# --- reference data, generation ------------------------------------------------------------------------


def test_reference_data_admin_only_and_an_inconsistent_import_writes_nothing(world):
    assert world.put("/referencia", REFERENCE, MANAGER).status_code == 403
    bad = {"juizos": [{"id": "9V-XXX", "nome": "Vara fantasma", "comarca": "XXX", "ordem": 9}]}
    response = world.put("/referencia", bad)
    assert response.status_code == 422 and "comarca XXX desconhecida" in response.json_body["detail"]
    read = world.get("/referencia").json_body
    assert "9V-XXX" not in {j["id"] for j in read["juizos"]} and len(read["magistrados"]) == 14


def test_plan_01_02_generate_a_month_then_409_for_the_same_month_and_kind(world):
    scale = world.generate("2027-02", "estadual")
    assert scale["status"] == "rascunho" and scale["id"] == "2027-02-estadual"
    assert by_rotation(scale, "estadual:R1") == [(6, "jz.alves"), (7, "jz.barros"), (13, "jz.campos"),
                                                 (14, "jz.duarte"), (20, "jz.alves"), (21, "jz.barros"),
                                                 (27, "jz.campos"), (28, "jz.duarte")]
    again = world.post("/escalas", {"mes": "2027-02", "tipo": "estadual"})
    assert again.status_code == 409 and again.json_body["code"] == "PLAN-02"
    gap = world.post("/escalas", {"mes": "2027-04", "tipo": "estadual"})
    assert gap.status_code == 422 and "2027-03" in gap.json_body["detail"]
    assert world.post("/escalas", {"mes": "2027-03", "tipo": "estadual"}, MANAGER).status_code == 403
    march = world.generate("2027-03", "estadual")  # continues: R1 ended on duarte → alves opens March
    assert by_rotation(march, "estadual:R1")[0][1] == "jz.alves"
    assert march["inicio_rotacao"] == scale["fim_rotacao"]
    assert world.get("/escalas/2027-03-estadual").json_body["plantoes"] == march["plantoes"]
    assert world.get("/escalas/2027-03-estadual", headers={}).status_code == 401


def test_plan_02_regenerating_a_draft_gives_the_same_scale_and_only_the_last_month(world):
    february = world.generate("2027-02", "segundo_grau")
    regenerated = world.post("/escalas/2027-02-segundo_grau/regeneracao")
    assert regenerated.status_code == 200 and regenerated.json_body["plantoes"] == february["plantoes"]
    world.generate("2027-03", "segundo_grau")
    assert world.post("/escalas/2027-02-segundo_grau/regeneracao").status_code == 409


def test_plan_01_a_month_leaving_a_day_uncovered_is_refused_with_day_and_reason_and_nothing_saved(world):
    response = world.post("/escalas", {"mes": "2027-02", "tipo": "noturno"})  # no judges for the quadrimester
    assert response.status_code == 422, response.body
    body = response.json_body
    assert body["code"] == "PLAN-01" and body["dia"] == "2027-02-01" and "noturno" in body["detail"]
    assert world.get("/escalas/2027-02-noturno").status_code == 404
    assert world.items("ROTACAO") == []


def test_plan_01_night_edital_candidacies_in_its_month_and_designation_by_the_presidency(world):
    path = "/noturno/2027/1/candidaturas"
    closed = world.post(path, {"magistrado": "jz.alves"}, MANAGER)
    assert closed.status_code == 422 and closed.json_body["code"] == "PLAN-01"  # January opens 2027/2 only
    world.clock.set(date(2026, 9, 10))  # September's edital: January–April 2027
    for judge in ("jz.alves", "jz.barros", "jz.campos", "jz.duarte", "jz.esteves"):
        assert world.post(path, {"magistrado": judge}, MANAGER).status_code == 201
    assert world.put("/noturno/2027/1", {"juizes": ["jz.alves", "jz.gomes", "jz.campos", "jz.duarte"]},
                     PRESIDENCY).status_code == 422  # gomes did not apply
    assert world.put("/noturno/2027/1", {"juizes": ["jz.alves", "jz.barros", "jz.campos", "jz.duarte"]},
                     ADMIN).status_code == 403
    assert world.put("/noturno/2027/1", {"juizes": ["jz.duarte", "jz.barros", "jz.campos", "jz.alves"]},
                     PRESIDENCY).status_code == 200
    world.clock.set(date(2027, 1, 20))
    night = world.generate("2027-02", "noturno")
    assert [m for _, m in by_rotation(night, "noturno")][:5] == ["jz.alves", "jz.barros", "jz.campos", "jz.duarte",
                                                                  "jz.alves"]
