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
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import boto3
import pytest

from courtlib.audit import Actor, acting_as
from courtlib.calendar.store import CalendarRepository
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
    "comarcas": [{"id": "CBA", "nome": "Cuiabá", "municipio": CUIABA, "regiao": "R1", "ordem": 1,
                  "entrancia": "especial"},
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
        self.delivered: set[str] = set()

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

    def request_generation(self, month: str, kind: str, headers: dict | None = PRESIDENCY, times: int = 1):
        """``POST /escalas`` (202), then its event reaches the consumer ``times`` times (the draft is made there);
        answers the POST's response."""
        response = self.post("/escalas", {"mes": month, "tipo": kind}, headers)
        assert response.status_code == 202, response.body
        self.deliver(times, "geracao-solicitada.v1")
        return response

    def generate(self, month: str, kind: str) -> dict:
        """The draft of ``month`` and ``kind`` asked for, generated by the consumer, read as the presidency reads it."""
        status = self.get(self.request_generation(month, kind).headers["Location"], PRESIDENCY).json_body
        assert status["situacao"] == "concluida", status
        scale = self.get(status["link"], PRESIDENCY)
        assert scale.status_code == 200, scale.body
        return scale.json_body

    def approve(self, scale_id: str, deliver: bool = True) -> dict:
        """Approves; ``deliver``: then its portaria's event reaches the consumer (document and notices)."""
        response = self.post(f"/escalas/{scale_id}/aprovacao")
        assert response.status_code == 200, response.body
        if deliver:
            self.deliver()
        return response.json_body

    def deliver(self, times: int = 1, suffix: str = "portaria-emitida.v1") -> None:
        """Every event of the type ending in ``suffix`` not yet delivered goes to the app's ``consume_events``
        ``times`` times, as the relay and the queue do on the stack (PLAN-04: the document and the notices after the
        answer; PLAN-01/02: the draft a ``POST /escalas`` asked for)."""
        from tests.integration.lambda_events import sqs_event

        module = sys.modules["plantao_app"]
        for envelope in self.events(suffix):
            if envelope["id"] in self.delivered:
                continue
            self.delivered.add(envelope["id"])
            for _ in range(times):
                answer = module.app.handler_map["consume_events"](
                    sqs_event([json.dumps(envelope)], module.deps.settings.queue_url), None)
                assert answer == {"batchItemFailures": []}, answer


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
    assert world.get("/escalas/2027-03-estadual", PRESIDENCY).json_body["plantoes"] == march["plantoes"]
    assert world.get("/escalas/2027-03-estadual", headers={}).status_code == 401


def test_plan_02_regenerating_a_draft_gives_the_same_scale_and_only_the_last_month(world):
    february = world.generate("2027-02", "segundo_grau")
    regenerated = world.post("/escalas/2027-02-segundo_grau/regeneracao")
    assert regenerated.status_code == 200 and regenerated.json_body["plantoes"] == february["plantoes"]
    world.generate("2027-03", "segundo_grau")
    assert world.post("/escalas/2027-02-segundo_grau/regeneracao").status_code == 409


def test_plan_01_a_month_leaving_a_day_uncovered_is_refused_with_day_and_reason_and_nothing_saved(world):
    asked = world.request_generation("2027-02", "noturno")  # no judges for the quadrimester
    body = world.get(asked.headers["Location"], PRESIDENCY).json_body
    assert body["situacao"] == "falhou" and body["link"] is None, body
    assert body["resumo"]["codigo"] == "PLAN-01" and body["resumo"]["dia"] == "2027-02-01"
    assert "noturno" in body["motivo"]
    assert world.get("/escalas/2027-02-noturno").status_code == 404
    assert world.items("ROTACAO") == [] and world.items("ESCALA#") == []


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


# --- approval, portaria, notices (PLAN-04) -------------------------------------------------------------


def sent_messages() -> list:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID]["sa-east-1"].sent_messages)


def test_plan_04_only_the_presidency_approves_then_portaria_pdf_and_text_in_s3_and_each_designated_notified(world):
    world.generate("2027-02", "estadual")
    for headers in (ADMIN, MANAGER, SERVANT):
        refused = world.post("/escalas/2027-02-estadual/aprovacao", headers=headers)
        assert refused.status_code == 403 and refused.json_body["code"] == "PROIBIDO"
    before = len(sent_messages())
    approved = world.approve("2027-02-estadual")
    assert approved["status"] == "aprovada" and approved["aprovada_por"] == "presidente"
    [portaria] = approved["portarias"]
    assert portaria["numero"] == "Portaria MI nº 1/2027"  # estadual: series MI, first of the year
    designated = {p["magistrado"] for p in approved["plantoes"]}
    assert approved["avisos_enviados"] is None and len(designated) == 7  # the consumer sends them (delivered above)
    new = sent_messages()[before:]
    assert sorted(m.destinations["ToAddresses"][0] for m in new) == sorted(f"{m}@exemplo.jus.br" for m in designated)
    assert all(m.source == "plantao@tribunal.example.jus.br" and "Portaria MI nº 1/2027" in m.subject for m in new)
    to_gomes = next(m for m in new if m.destinations["ToAddresses"][0] == "jz.gomes@exemplo.jus.br")
    assert "13/02/2027 2ª Região: 13/02 11h a 13/02 18h (Vara Única de Chapada dos Guimarães)" in to_gomes.body
    assert "André" not in to_gomes.body and "06/02/2027 1ª Região" not in to_gomes.body  # only their own shifts

    from pypdf import PdfReader

    bucket = world.deps.settings.documents_bucket
    s3 = boto3.client("s3", region_name="sa-east-1")
    pdf = s3.get_object(Bucket=bucket, Key=portaria["pdf"])["Body"].read()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Portaria MI nº 1/2027" in text and "Juiz André Alves" in text and "Juiz Gustavo Gomes" in text
    plain = s3.get_object(Bucket=bucket, Key=portaria["texto"])["Body"].read().decode()
    assert "06/02/2027 | 11h às 18h | 1ª Região (Capital) | Juiz André Alves | 1ª Vara Cível de Cuiabá" in plain
    assert "Desembargador Carlos Almeida\nPresidente do Tribunal Regional Eleitoral de Mato Grosso" in plain
    read = world.get("/portarias/MI/2027/1", PRESIDENCY).json_body
    assert read["texto"] == plain and read["escala"] == "2027-02-estadual"

    again = world.post("/escalas/2027-02-estadual/aprovacao")
    assert again.status_code == 409
    world.generate("2027-02", "segundo_grau")
    assert world.approve("2027-02-segundo_grau")["portarias"][0]["numero"] == "Portaria M nº 1/2027"
    world.generate("2027-02", "municipal")
    assert world.approve("2027-02-municipal")["portarias"][0]["numero"] == "Portaria MI nº 2/2027"


# --- swaps (PLAN-05) and impediments (PLAN-06) -----------------------------------------------------------


A, B = "2027-02-13#estadual:R1", "2027-02-20#estadual:R1"  # campos, alves


def test_plan_05_swap_request_and_presidency_approval_change_scale_and_portaria(world):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    body = {"plantao_a": A, "magistrado_a": "jz.campos", "plantao_b": B, "magistrado_b": "jz.alves",
            "motivo": "compromisso familiar"}
    requested = world.post("/escalas/2027-02-estadual/permutas", body, MANAGER)
    assert requested.status_code == 201 and requested.json_body["status"] == "pendente"
    swap_id = requested.json_body["id"]
    listed = world.get("/escalas/2027-02-estadual/permutas").json_body["itens"]
    assert [(s["id"], s["status"]) for s in listed] == [(swap_id, "pendente")]
    assert world.post(f"/permutas/{swap_id}/aprovacao", headers=MANAGER).status_code == 403
    approved = world.post(f"/permutas/{swap_id}/aprovacao")
    assert approved.status_code == 200, approved.body
    assert approved.json_body["portaria"] == "Portaria MI nº 2/2027" and approved.json_body["avisos_enviados"] is None
    scale = world.get("/escalas/2027-02-estadual", PRESIDENCY).json_body  # before D−5: only who approves (PLAN-03)
    by_id = {p["id"]: p for p in scale["plantoes"]}
    assert (by_id[A]["magistrado"], by_id[B]["magistrado"]) == ("jz.alves", "jz.campos")
    assert by_id[A]["origem"] == "permuta" and len(scale["portarias"]) == 2
    assert world.post(f"/permutas/{swap_id}/aprovacao").status_code == 409
    world.deliver()
    swap_text = world.get("/portarias/MI/2027/2", PRESIDENCY).json_body["texto"]
    assert "Alterar a Portaria MI nº 1/2027" in swap_text and "Juiz André Alves" in swap_text
    assert swap_id not in swap_text and "#" not in swap_text and "jz." not in swap_text  # no internal ids


def test_plan_05_swap_with_someone_not_on_the_scale_or_after_the_plantao_is_422_and_writes_nothing(world):
    world.generate("2027-02", "estadual")
    stranger = {"plantao_a": A, "magistrado_a": "jz.campos", "plantao_b": B, "magistrado_b": "jd.paulo",
                "motivo": "teste"}
    response = world.post("/escalas/2027-02-estadual/permutas", stranger, MANAGER)
    assert response.status_code == 422 and response.json_body["code"] == "PLAN-05"
    assert response.json_body["field"] == "magistrado_b"
    world.clock.set(date(2027, 2, 14))
    late = {"plantao_a": A, "magistrado_a": "jz.campos", "plantao_b": B, "magistrado_b": "jz.alves", "motivo": "tarde"}
    response = world.post("/escalas/2027-02-estadual/permutas", late, MANAGER)
    assert response.status_code == 422 and "já começou" in response.json_body["detail"]
    assert world.items("PERMUTA#") == []


def test_plan_06_impediment_anticipates_the_first_of_next_month_whose_draft_is_regenerated(world):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.generate("2027-03", "estadual")  # draft: R1 opens March with jz.alves
    response = world.post("/escalas/2027-02-estadual/impedimentos", {"plantao": A, "motivo": "impedimento legal"})
    assert response.status_code == 201, response.body
    assert response.json_body["plantao"]["magistrado"] == "jz.alves"  # the first of March, anticipated
    assert response.json_body["portaria"] == "Portaria MI nº 2/2027"
    march = world.get("/escalas/2027-03-estadual", PRESIDENCY).json_body
    assert by_rotation(march, "estadual:R1")[0][1] == "jz.barros"
    world.approve("2027-03-estadual")
    again = world.post("/escalas/2027-02-estadual/impedimentos", {"plantao": B, "motivo": "outro"})
    assert again.status_code == 409 and again.json_body["code"] == "PLAN-06"


# --- served duties (PLAN-07) and compensation (PLAN-08) ----------------------------------------------------


def test_plan_07_served_duties_credit_two_days_and_emit_duty_served_once(world):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.clock.set(date(2027, 2, 8))  # the shifts of 6 and 7 are over
    assert fire("register_served_duties")["plantoes_registrados"] == 4  # R1 and R2 on 6 and 7
    assert fire("register_served_duties")["plantoes_registrados"] == 0  # once per shift
    served = world.events("plantao-realizado.v1")
    assert len(served) == 4
    alves = next(e for e in served if e["data"]["magistrado"] == "jz.alves")["data"]
    assert alves["dias_credito"] == 2 and alves["dia_util"] is False and alves["tipo"] == "estadual"
    assert alves["inicio"] == "2027-02-06T11:00:00-03:00" and alves["fim"] == "2027-02-06T18:00:00-03:00"
    ledger = world.get("/compensacoes/jz.alves").json_body
    assert (ledger["saldo"], ledger["disponivel"]) == (2, 2)
    scale = world.get("/escalas/2027-02-estadual").json_body
    assert sum(p["realizado"] for p in scale["plantoes"]) == 4


def test_plan_08_use_only_dias_uteis_within_balance_then_approval_emits_compensation_used(world):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.clock.set(date(2027, 2, 8))
    fire("register_served_duties")  # jz.alves: 2 days
    weekend = world.post("/compensacoes/usos", {"magistrado": "jz.alves", "dias": ["2027-02-13"],
                                                "substituto": "jz.barros"}, MANAGER)
    assert weekend.status_code == 422 and weekend.json_body["code"] == "PLAN-08"
    assert weekend.json_body["dia"] == "2027-02-13" and weekend.json_body["saldo"] == 2
    assert "sábado" in weekend.json_body["detail"] and "Saldo: 2" in weekend.json_body["detail"]
    beyond = world.post("/compensacoes/usos", {"magistrado": "jz.alves", "substituto": "jz.barros",
                                               "dias": ["2027-02-09", "2027-02-10", "2027-02-11"]}, MANAGER)
    assert beyond.status_code == 422 and beyond.json_body["dia"] == "2027-02-11" and beyond.json_body["saldo"] == 2
    asked = world.post("/compensacoes/usos", {"magistrado": "jz.alves", "substituto": "jz.barros",
                                              "dias": ["2027-02-10", "2027-02-09"]}, MANAGER)
    assert asked.status_code == 201, asked.body
    use_id = asked.json_body["id"]
    reserved = world.post("/compensacoes/usos", {"magistrado": "jz.alves", "substituto": "jz.barros",
                                                 "dias": ["2027-02-11"]}, MANAGER)
    assert reserved.status_code == 422 and reserved.json_body["saldo"] == 0  # the 2 days are reserved
    assert world.post(f"/compensacoes/jz.alves/usos/{use_id}/aprovacao", headers=MANAGER).status_code == 403
    approved = world.post(f"/compensacoes/jz.alves/usos/{use_id}/aprovacao")
    assert approved.status_code == 200 and approved.json_body["status"] == "aprovado"
    [event] = world.events("compensacao-usada.v1")
    assert event["data"]["substituto"] == "jz.barros" and event["data"]["juizo_substituto"] == "2VC-CBA"
    assert event["data"]["dias"] == ["2027-02-09", "2027-02-10"] and event["data"]["juizo"] == "1VC-CBA"
    assert event["data"]["aprovado_por"] == "presidente"
    ledger = world.get("/compensacoes/jz.alves").json_body
    assert (ledger["saldo"], ledger["reservado"], ledger["disponivel"]) == (0, 0, 0)
    assert world.post(f"/compensacoes/jz.alves/usos/{use_id}/aprovacao").status_code == 409
    assert len(world.events("compensacao-usada.v1")) == 1


def test_plan_07_social_action_and_cedes_credits(world):
    world.clock.set(date(2027, 2, 5))
    future = world.post("/compensacoes/creditos", {"magistrado": "jz.esteves", "tipo": "acao_social",
                                                  "data": "2027-02-06", "descricao": "Ainda não aconteceu"}, ADMIN)
    assert future.status_code == 422 and future.json_body["code"] == "PLAN-07"
    assert future.json_body["field"] == "data" and "ainda não aconteceu" in future.json_body["detail"]
    world.clock.set(date(2027, 2, 9))
    ok = world.post("/compensacoes/creditos", {"magistrado": "jz.esteves", "tipo": "acao_social",
                                              "data": "2027-02-06", "descricao": "Justiça itinerante"}, ADMIN)
    assert ok.status_code == 201 and ok.json_body["dias"] == 2
    workday = world.post("/compensacoes/creditos", {"magistrado": "jz.esteves", "tipo": "acao_social",
                                                   "data": "2027-02-08", "descricao": "Em dia útil"}, ADMIN)
    assert workday.status_code == 422 and workday.json_body["code"] == "PLAN-07"
    cedes = world.post("/compensacoes/creditos", {"magistrado": "jd.paulo", "tipo": "cedes", "data": "2027-02-08",
                                                 "descricao": "Encontro do CEDES"}, ADMIN)
    assert cedes.status_code == 201 and cedes.json_body["dias"] == 1
    judge = world.post("/compensacoes/creditos", {"magistrado": "jz.esteves", "tipo": "cedes", "data": "2027-02-08",
                                                 "descricao": "Encontro do CEDES"}, ADMIN)
    assert judge.status_code == 422
    assert world.get("/compensacoes/jz.esteves").json_body["saldo"] == 2


def test_plan_09_demo_seed_reference_data_is_accepted_and_gives_the_electoral_recesso_scale(world):
    from devstack import demo_plantao

    [step] = demo_plantao.SEED_STEPS
    assert (step.service, step.method, step.path) == ("plantao", "PUT", "/referencia")
    assert world.put(step.path, dict(step.body)).status_code == 200
    december = world.generate("2026-12", "eleitoral")
    members = by_rotation(december, "eleitoral:membros")
    assert [d for d, _ in members] == list(range(20, 32))  # recesso 20–31/12 (CAL-02)
    assert [m for _, m in by_rotation(december, f"eleitoral:{VARZEA}")][:3] == ["jz.esteves", "jz.farias",
                                                                                 "jz.esteves"]
    night = world.generate("2026-12", "noturno")
    assert {m for _, m in by_rotation(night, "noturno")} == {"jz.alves", "jz.barros", "jz.campos", "jz.duarte"}


def test_cal_03_a_ponto_facultativo_decreed_after_approval_is_covered_by_anticipation_with_a_portaria(world):
    world.generate("2027-02", "estadual")
    world.approve("2027-02-estadual")
    world.clock.set(date(2027, 2, 10))
    decreed = world.post("/calendario/dias", {"data": "2027-02-16", "tipo": "ponto_facultativo",
                                              "descricao": "Carnaval", "decretado_em": "2027-02-10"}, ADMIN)
    assert decreed.status_code == 201, decreed.body
    world.deps.calendar.clear_cache()
    assert world.post("/escalas/2027-02-estadual/novos-dias", headers=ADMIN).status_code == 403
    response = world.post("/escalas/2027-02-estadual/novos-dias")
    assert response.status_code == 200, response.body
    added = [(p["data"], p["rotacao"], p["magistrado"]) for p in response.json_body["acrescentados"]]
    # R1 ended February on jz.duarte, R2 on jz.farias: whoever opens March is anticipated to 16/02
    assert added == [("2027-02-16", "estadual:R1", "jz.alves"), ("2027-02-16", "estadual:R2", "jz.gomes")]
    assert response.json_body["portaria"] == "Portaria MI nº 2/2027" and response.json_body["avisos_enviados"] is None
    again = world.post("/escalas/2027-02-estadual/novos-dias").json_body
    assert again["acrescentados"] == [] and again["portaria"] is None
    march = world.generate("2027-03", "estadual")
    assert by_rotation(march, "estadual:R1")[0][1] == "jz.barros"


# --- schedules -------------------------------------------------------------------------------------------


def fire(name: str) -> dict:
    """The schedule handler called as EventBridge calls it."""
    event = {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2027-01-20T09:00:00Z", "region": "sa-east-1",
             "resources": ["arn:aws:events:sa-east-1:123456789012:rule/x"], "detail": {}}
    return sys.modules["plantao_app"].app.handler_map[name](event, None)


def test_plan_02_monthly_schedule_asks_for_next_months_drafts_on_the_configured_day_and_the_consumer_makes_them(world):
    world.clock.set(date(2027, 1, 19))
    assert fire("generate_monthly_scales")["solicitadas"] == []
    world.clock.set(date(2027, 1, 20))  # plantao.geracao_dia_do_mes = 20
    done = fire("generate_monthly_scales")
    made = ["2027-02-estadual", "2027-02-municipal", "2027-02-segundo_grau"]
    assert sorted(done["solicitadas"]) == sorted([*made, "2027-02-noturno"]) and done["recusadas"] == {}
    assert world.get("/escalas/2027-02-estadual", PRESIDENCY).status_code == 404  # asked only
    asked = world.events("geracao-solicitada.v1")
    assert {e["data"]["solicitado_por"] for e in asked} == {"sistema:agenda:generate_monthly_scales"}
    world.deliver(1, "geracao-solicitada.v1")  # one event per kind, each generated by the consumer
    for scale_id in made:
        assert world.get(f"/escalas/{scale_id}", PRESIDENCY).json_body["status"] == "rascunho"
        assert world.get(f"/geracoes/{scale_id}", PRESIDENCY).json_body["situacao"] == "concluida"
    night = world.get("/geracoes/2027-02-noturno", PRESIDENCY).json_body  # no night judges for the quadrimester
    assert night["situacao"] == "falhou" and night["resumo"]["codigo"] == "PLAN-01"
    again = fire("generate_monthly_scales")
    assert again["solicitadas"] == [] and sorted(again["existentes"]) == made
    assert again["ja_solicitadas"] == {"2027-02-noturno": "falhou"}  # not asked again the same day
    assert len(world.events("geracao-solicitada.v1")) == len(asked)


def test_plan_07_served_duties_schedule_handler_registers_each_shift_once(world):
    world.generate("2027-02", "segundo_grau")
    world.approve("2027-02-segundo_grau")
    world.clock.set(date(2027, 2, 3), hour=12)  # shifts of 1st (18h→2nd 11h) and 2nd (18h→3rd 11h) are over
    result = fire("register_served_duties")
    assert result["plantoes_registrados"] == 2
    served = world.events("plantao-realizado.v1")
    assert sorted(e["data"]["data"] for e in served) == ["2027-02-01", "2027-02-02"]
    assert all(e["data"]["dia_util"] is True and e["data"]["dias_credito"] == 0 for e in served)
    assert fire("register_served_duties")["plantoes_registrados"] == 0


def test_plan_02_adopting_the_system_continues_the_rotation_where_the_manual_scales_stopped(world):
    body = {"ultimo_mes": "2027-01", "ultimos": {"estadual:R1": "2VC-CBA", "estadual:R2": "VU-CHA"}}
    assert world.put("/rotacoes/estadual", body, MANAGER).status_code == 403
    bad = world.put("/rotacoes/estadual", {**body, "ultimos": {"estadual:R1": "VU-CHA"}})
    assert bad.status_code == 422 and "não é membro" in bad.json_body["detail"]
    done = world.put("/rotacoes/estadual", body)
    assert done.status_code == 200, done.body
    february = world.generate("2027-02", "estadual")
    assert by_rotation(february, "estadual:R1")[:2] == [(6, "jz.campos"), (7, "jz.duarte")]  # after barros (2VC)
    assert by_rotation(february, "estadual:R2")[0] == (6, "jz.esteves")  # after Chapada comes VGR again
    again = world.put("/rotacoes/estadual", body)
    assert again.status_code == 409 and again.json_body["code"] == "PLAN-02"
    assert world.post("/escalas", {"mes": "2027-01", "tipo": "estadual"}).status_code == 409


def test_plan_04_concurrent_approvals_get_distinct_consecutive_numbers(world):
    """Two MI approvals at once: the counter is conditioned on the number read, the loser reads again."""
    from concurrent.futures import ThreadPoolExecutor

    world.generate("2027-02", "estadual")
    world.generate("2027-02", "municipal")
    service = world.deps.service
    barrier, calls = threading.Barrier(2, timeout=10), []
    original = service.repository.portaria_last

    def racing_read(series, year):  # both read the counter before either writes: one must lose and retry
        value = original(series, year)
        calls.append(value)
        if len(calls) <= 2:
            barrier.wait()
        return value

    def approve(scale: str):
        with acting_as(Actor.user("sub-presidente", "presidente", ["presidencia"])):  # a thread: no request's actor
            return service.approve(scale, "presidente")

    service.repository.portaria_last = racing_read
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(approve, ["2027-02-estadual", "2027-02-municipal"]))
    del service.repository.portaria_last
    numbers = sorted(record["n"] for _, record, _ in results)
    assert numbers == [1, 2] and calls[:2] == [None, None] and len(calls) == 3  # the loser read again
    counter = [i for i in world.items("PORTARIA#MI#2027") if i["sk"]["S"] == "CONTADOR"]
    assert counter[0]["last"]["N"] == "2"


def test_plan_01_a_municipal_holiday_given_by_name_enters_the_municipal_scale_of_its_comarca(world):
    """CAL-01 + PLAN-01: "varzea grande" is stored as 5108402, the code of comarca VGR's municipality."""
    created = world.post("/calendario/dias", {"data": "2027-02-18", "tipo": "feriado_municipal",
                                              "municipio": "varzea grande", "descricao": "Feriado municipal (teste)"},
                         headers=ADMIN)
    assert created.status_code == 201, created.body
    scale = world.generate("2027-02", "municipal")
    assert [day for day, _ in by_rotation(scale, "municipal:VGR")] == [18]
    assert by_rotation(scale, "municipal:CHA") == []


@pytest.mark.parametrize("part", ["comarcas", "zonas"])
def test_plan_01_reference_data_with_an_unregistered_municipality_is_422_naming_municipio_and_writes_nothing(
        world, part):
    item = ({"id": "XXX", "nome": "Comarca fantasma", "municipio": "9999999", "regiao": "R2", "ordem": 9}
            if part == "comarcas" else {"id": "Z99", "municipio": "9999999", "numero": 99})
    response = world.put("/referencia", {part: [item]})
    assert response.status_code == 422, response.body
    assert response.json_body["field"] == "municipio" and "9999999" in response.json_body["detail"]
    read = world.get("/referencia").json_body
    assert item["id"] not in {c["id"] for c in read[part]}


def test_plan_02_post_escalas_answers_202_at_once_and_the_consumer_generates_the_draft_once(world):
    key = {**PRESIDENCY, "Idempotency-Key": "geracao-2027-02-segundo-grau"}
    first = world.post("/escalas", {"mes": "2027-02", "tipo": "segundo_grau"}, key)
    assert first.status_code == 202, first.body
    assert first.headers["Location"] == "/geracoes/2027-02-segundo_grau" and int(first.headers["Retry-After"]) > 0
    assert first.json_body["situacao"] == "pendente" and first.json_body["escala"] == "2027-02-segundo_grau"
    assert world.get("/escalas/2027-02-segundo_grau", PRESIDENCY).status_code == 404  # not yet: on the queue
    replay = world.post("/escalas", {"mes": "2027-02", "tipo": "segundo_grau"}, key)
    assert (replay.status_code, replay.json_body) == (202, first.json_body)  # the same answer
    twice = world.post("/escalas", {"mes": "2027-02", "tipo": "segundo_grau"})  # no key, while pending
    assert twice.status_code == 202 and twice.json_body["execucao"] == 1  # the running one: no second request
    assert len(world.events("geracao-solicitada.v1")) == 1
    assert world.get(first.headers["Location"], MANAGER).status_code == 403  # only who prepares the scale
    world.deliver(2, "geracao-solicitada.v1")  # a redelivery: the same scale, written once
    done = world.get(first.headers["Location"], ADMIN).json_body
    assert done["situacao"] == "concluida" and done["link"] == "/escalas/2027-02-segundo_grau", done
    assert done["resumo"]["escala"] == "2027-02-segundo_grau" and done["resumo"]["plantoes"] > 0
    assert "magistrado" not in json.dumps(done) and "des." not in json.dumps(done)  # PLAN-03: no names
    scale = world.get(done["link"], PRESIDENCY).json_body
    assert scale["versao"] == 1 and len(scale["plantoes"]) == done["resumo"]["plantoes"]
    after = world.post("/escalas", {"mes": "2027-02", "tipo": "segundo_grau"})
    assert after.status_code == 409 and after.json_body["code"] == "PLAN-02"
    assert world.get("/geracoes/2027-03-segundo_grau", PRESIDENCY).status_code == 404
