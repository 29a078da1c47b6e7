"""distribuicao-svc over HTTP on moto (DIST-01..04, 06, 08, 09, 11): the real app, a real table.

Each test registers its own órgão (a Pleno like the TRE-MT's: seven seats, J1 presides, C2 and C3 have
substitutes) so its log and counts start empty; case numbers come from one counter per module.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import boto3
import pytest
from chalicelib.distribuicao.domain.cnj import CnjNumber, parse_cnj

from courtlib.http.testing import bearer

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "distribuicao-svc" / "scripts" / "verify_draws.py"
TZ = ZoneInfo("America/Sao_Paulo")
DISTRIBUTOR = bearer("distribuidor", "distribuicao")
ADMIN = bearer("admin.ti", "admin")
PRESIDENCY = bearer("presidente", "presidencia")
SERVANT = bearer("servidor.ana", "servidor")
CLASSES = ["AIME", "HC", "PC", "RE"]
_sequence = itertools.count(1000)


def number(origin: int = 1) -> str:
    return str(CnjNumber.build(next(_sequence), 2026, 6, 11, origin))


def judges(president_seat: str = "C1", substitutes: tuple[str, ...] = ("C2", "C3"), **changes: dict) -> list[dict]:
    out = []
    for n in range(1, 8):
        seat = f"C{n}"
        out.append({"id": f"J{n}", "nome": f"Juiz {n}", "antiguidade": n, "cadeira": seat,
                    "presidente": seat == president_seat, "desembargador": n in (1, 4)})
        if seat in substitutes:
            out.append({"id": f"S{n}", "nome": f"Substituto {n}", "antiguidade": 10 + n, "cadeira": seat,
                        "papel": "substituto"})
    return [{**j, **changes.get(j["id"], {})} for j in out]


def orgao_body(**kwargs) -> dict:
    return {"nome": "Pleno (teste)", "classes": CLASSES, "cadeiras": [{"id": f"C{n}"} for n in range(1, 8)],
            "juizes": judges(**kwargs)}


def new_orgao(client, body: dict | None = None) -> str:
    orgao = f"PLENO-{uuid.uuid4().hex[:8]}"
    response = put(client, f"/orgaos/{orgao}", body or orgao_body())
    assert response.status_code == 201, response.body
    return orgao


def put(client, path: str, body: dict, headers: dict | None = None):
    return client.http.put(path, body=json.dumps(body),
                           headers={"Content-Type": "application/json", **ADMIN, **(headers or {})})


def post(client, path: str, body: dict, headers: dict | None = None):
    auth = DISTRIBUTOR if headers is None else headers
    return client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json", **auth})


def distribute(client, orgao: str, numero: str | None = None, classe: str = "RE", **extra):
    body = {"numero_processo": numero or number(), "orgao": orgao, "classe": classe,
            "partes": ["Recorrente Fulano", "Recorrido Beltrano"], "advogados": ["Advogada X OAB/MT 1234"],
            "assuntos": ["Propaganda irregular"], **extra}
    return post(client, "/distribuicoes", body)


def orgao_state(client, orgao: str) -> dict:
    response = client.http.get(f"/orgaos/{orgao}", headers=DISTRIBUTOR)
    assert response.status_code == 200, response.body
    return response.json_body


def counts(state: dict, classe: str) -> dict[str, int]:
    return {seat["id"]: seat["contagens"].get(classe, 0) for seat in state["cadeiras"]}


@pytest.fixture
def client(client_of):
    return client_of("distribuicao")


@pytest.fixture
def table(settings_of):
    settings = settings_of("distribuicao")
    dynamodb = boto3.client("dynamodb", region_name=settings.region)

    class Table:
        name = settings.table_name

        def partition(self, pk: str) -> list[dict]:
            return dynamodb.query(TableName=self.name, KeyConditionExpression="pk = :pk",
                                  ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)["Items"]

        def count(self) -> int:
            return sum(page["Count"] for page in dynamodb.get_paginator("scan").paginate(TableName=self.name))

    return Table()


@pytest.fixture
def app_deps(service_app):
    service_app("distribuicao")
    return sys.modules["distribuicao_app"].deps


# --- reference data -------------------------------------------------------------------------------


def test_orgao_reference_data_is_created_replaced_and_read_by_staff(client):
    orgao = new_orgao(client)
    state = orgao_state(client, orgao)
    assert state["log"] == {"seq": 0, "hash": "0" * 64}
    seats = {s["id"]: s for s in state["cadeiras"]}
    assert seats["C1"]["sorteavel"] is False and "Presidente" in seats["C1"]["motivo_exclusao"]
    assert all(seats[f"C{n}"]["sorteavel"] for n in range(2, 8))
    replaced = put(client, f"/orgaos/{orgao}", orgao_body(substitutes=("C2",)))
    assert replaced.status_code == 200
    assert "S3" not in {j["id"] for j in replaced.json_body["juizes"]}, "a judge no longer listed is removed"
    assert client.http.get(f"/orgaos/{orgao}", headers=SERVANT).status_code == 200
    assert client.http.get(f"/orgaos/{orgao}").status_code == 401
    assert put(client, f"/orgaos/{orgao}", orgao_body(), headers=SERVANT).status_code == 403
    assert client.http.get("/orgaos/NAO-EXISTE", headers=DISTRIBUTOR).status_code == 404


def test_orgao_with_judge_in_unknown_seat_or_overlapping_titulars_is_refused(client):
    body = orgao_body()
    body["juizes"].append({"id": "J9", "nome": "Juiz 9", "antiguidade": 9, "cadeira": "C9"})
    response = put(client, f"/orgaos/PLENO-{uuid.uuid4().hex[:8]}", body)
    assert response.status_code == 422 and response.json_body["code"] == "ORGAO_INCONSISTENTE"
    body = orgao_body()
    body["juizes"].append({"id": "J9", "nome": "Juiz 9", "antiguidade": 9, "cadeira": "C4"})
    response = put(client, f"/orgaos/PLENO-{uuid.uuid4().hex[:8]}", body)
    assert response.status_code == 422 and "sobrepostos" in response.json_body["detail"]


def test_bulk_import_creates_every_orgao(client):
    ids = [f"ZONA-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    response = post(client, "/orgaos/importacao", {"orgaos": [{"id": i, **orgao_body()} for i in ids]}, headers=ADMIN)
    assert response.status_code == 200, response.body
    assert [item["id"] for item in response.json_body["importados"]] == ids
    assert all(item["criado"] for item in response.json_body["importados"])
    assert orgao_state(client, ids[1])["nome"] == "Pleno (teste)"


def test_dist_06_absence_passes_the_autos_to_the_substitute_and_is_not_published_for_a_non_desembargador(client):
    orgao = new_orgao(client)
    today = datetime.now(TZ).date().isoformat()
    response = post(client, f"/orgaos/{orgao}/ausencias", {"juiz": "J2", "inicio": today, "motivo": "férias"},
                    headers=ADMIN)
    assert response.status_code == 201, response.body
    assert response.json_body["evento_publicado"] is False
    seat = next(s for s in orgao_state(client, orgao)["cadeiras"] if s["id"] == "C2")
    assert seat["relator"] == "J2" and seat["em_exercicio"] == "S2" and seat["sorteavel"] is True
    unknown = post(client, f"/orgaos/{orgao}/ausencias", {"juiz": "J99", "inicio": today}, headers=ADMIN)
    assert unknown.status_code == 404 and unknown.json_body["field"] == "juiz"


def deliver_to_pagamentos(settings_of, correlation: str) -> dict:
    """What the stream relay and SQS would do: publish distribuicao's outbox, hand pagamentos this test's events
    (its queue holds other tests' too: requests send their events at once; those are deleted)."""
    from courtlib.messaging.relay import OutboxRelay
    from devstack.apps import load_app
    from tests.integration.lambda_events import sqs_event

    OutboxRelay(settings_of("distribuicao")).sweep(older_than=timedelta(0))
    settings = settings_of("pagamentos")
    sqs = boto3.client("sqs", region_name=settings.region)
    result: dict = {"batchItemFailures": []}
    while messages := sqs.receive_message(QueueUrl=settings.queue_url, MaxNumberOfMessages=10).get("Messages", []):
        bodies = [m["Body"] for m in messages if correlation in m["Body"]]
        if bodies:
            answer = load_app("pagamentos").handler_map["consume_events"](sqs_event(bodies, settings.queue_url), None)
            result["batchItemFailures"] += answer["batchItemFailures"]
        for message in messages:
            sqs.delete_message(QueueUrl=settings.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return result


def test_pag_03_desembargador_absence_goes_to_the_outbox_in_the_same_transaction(client, table, settings_of):
    """The absence of a desembargador is an event for pagamentos-svc (PAG-03), written with the change."""
    from chalicelib.distribuicao.events import ABSENCE_REGISTERED

    orgao = new_orgao(client)
    response = post(client, f"/orgaos/{orgao}/ausencias",
                    {"juiz": "J4", "inicio": "2026-05-04", "fim": "2026-05-06", "motivo": "licença"},
                    headers={**ADMIN, "X-Correlation-Id": f"corr-{orgao}"})
    assert response.status_code == 201 and response.json_body["evento_publicado"] is True
    boto = boto3.client("dynamodb", region_name="sa-east-1")
    items = boto.scan(TableName=table.name, FilterExpression="event_type = :t AND contains(envelope, :o)",
                      ExpressionAttributeValues={":t": {"S": ABSENCE_REGISTERED}, ":o": {"S": orgao}})["Items"]
    assert len(items) == 1
    envelope = json.loads(items[0]["envelope"]["S"])
    assert envelope["data"] == {"orgao": orgao, "magistrado": "J4", "nome": "Juiz 4", "inicio": "2026-05-04",
                                "fim": "2026-05-06", "motivo": "licença"}
    assert envelope["correlationid"] == f"corr-{orgao}"
    assert items[0]["destinations"]["L"] == [{"S": "pagamentos"}]
    assert deliver_to_pagamentos(settings_of, f"corr-{orgao}") == {"batchItemFailures": []}
    from chalicelib.pagamentos.adapters.absences import AbsenceRepository

    away = AbsenceRepository(settings_of("pagamentos")).overlapping(date(2026, 5, 1), date(2026, 5, 31))
    assert any(a.magistrado == "J4" and a.orgao == orgao for a in away), "pagamentos-svc applied it"
    not_desembargador = post(client, f"/orgaos/{orgao}/ausencias", {"juiz": "J5", "inicio": "2026-05-04"},
                             headers=ADMIN)
    assert not_desembargador.json_body["evento_publicado"] is False


# --- distribution -------------------------------------------------------------------------------


def test_dist_02_full_distribution_over_http(client):
    orgao = new_orgao(client)
    response = distribute(client, orgao, classe="AIME")
    assert response.status_code == 201, response.body
    body = response.json_body
    assert body["modo"] == "sorteio" and body["regra"] == "distribuicao"
    assert body["relator"]["id"] in {f"J{n}" for n in range(2, 8)}
    assert body["revisor"] is not None and body["revisor"]["id"] != body["relator"]["id"], "DIST-07: AIME has a revisor"
    assert body["sorteio"]["id"] == f"{orgao}#1" and len(body["sorteio"]["hash"]) == 64
    assert body["prova"] == f"/distribuicoes/{body['numero_processo']}/prova"
    assert response.headers["Location"] == f"/distribuicoes/{body['numero_processo']}"
    public = client.http.get(f"/distribuicoes/{body['numero_processo']}")
    assert public.status_code == 200
    assert public.json_body["relator"] == body["relator"] and public.json_body["sorteios"] == [f"{orgao}#1"]
    proof = client.http.get(body["prova"])
    assert proof.status_code == 200
    record = proof.json_body["registros"][0]
    assert record["hash"] == body["sorteio"]["hash"] and record["resultado"]["relator"] == body["relator"]["id"]
    assert record["elegiveis"] == [f"C{n}" for n in range(2, 8)]
    assert {"unidade": "C1", "motivo": "presidente"} in record["excluidos"]
    assert proof.json_body["sementes"][0]["semente"] is None, "today's seed is not revealed"
    state = orgao_state(client, orgao)
    assert state["log"]["seq"] == 1 and sum(counts(state, "AIME").values()) == 1


def test_dist_02_the_same_case_twice_is_not_drawn_again(client, table):
    orgao = new_orgao(client)
    numero = number()
    first = distribute(client, orgao, numero)
    second = distribute(client, orgao, numero.replace("-", "").replace(".", ""))  # the 20 digits: same case
    assert first.status_code == 201 and second.status_code == 200
    assert second.json_body["ja_distribuido"] is True
    assert second.json_body["relator"] == first.json_body["relator"]
    assert second.json_body["sorteio"] == first.json_body["sorteio"]
    assert orgao_state(client, orgao)["log"]["seq"] == 1
    assert len(table.partition(f"LOG#{orgao}")) == 1


@pytest.mark.parametrize(("numero", "part"), [
    ("0001234-00.2026.6.11.0001", "digitos_verificadores"),
    ("0001234-5.2026.6.11.0001", "formato"),
    (str(CnjNumber.build(1234, 2099, 6, 11, 1)), "ano"),
])
def test_dist_01_invalid_number_is_422_naming_the_part_and_writes_nothing(client, table, numero, part):
    orgao = new_orgao(client)
    before = table.count()
    response = distribute(client, orgao, numero)
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json_body["code"] == "DIST-01"
    assert response.json_body["field"] == f"numero_processo.{part}"
    assert table.count() == before, "a refused request writes nothing"
    assert table.partition(f"LOG#{orgao}") == []
    assert orgao_state(client, orgao)["log"]["seq"] == 0


@pytest.mark.parametrize("numero", ["0058967-77.2016.8.19.0000", "0001664-02.2015.8.10.0062",
                                    str(CnjNumber.build(1234, 2026, 6, 12, 1))])
def test_dist_01_another_courts_valid_number_is_refused_as_such_not_as_invalid(client, table, numero):
    orgao = new_orgao(client)
    before = table.count()
    response = distribute(client, orgao, numero)
    assert response.status_code == 422
    assert response.json_body["code"] == "PROCESSO_DE_OUTRO_TRIBUNAL"
    assert "número válido de outro tribunal" in response.json_body["detail"]
    assert "inválido" not in response.json_body["detail"].replace("número válido", "")
    assert response.json_body["field"] == "numero_processo"
    assert table.count() == before


@pytest.mark.parametrize("numero", ["0058967-77.2016.8.19.0000", "0001664-02.2015.8.10.0062"])
@pytest.mark.parametrize("suffix", ["", "/prova"])
def test_dist_01_the_public_lookup_of_another_courts_valid_number_is_a_404(client, numero, suffix):
    response = client.http.get(f"/distribuicoes/{numero}{suffix}")
    assert response.status_code == 404, response.body
    assert response.headers["Content-Type"] == "application/problem+json"


def test_dist_01_a_number_of_a_year_not_yet_begun_is_refused_naming_the_rule(client, app_deps):
    orgao = new_orgao(client)
    saved = app_deps.clock
    app_deps.clock = lambda: datetime(2026, 12, 31, 23, 0, tzinfo=TZ)
    try:
        refused = distribute(client, orgao, str(CnjNumber.build(1234, 2027, 6, 11, 1)))
        taken = distribute(client, orgao, str(CnjNumber.build(next(_sequence), 2026, 6, 11, 1)))
    finally:
        app_deps.clock = saved
    assert refused.status_code == 422 and refused.json_body["code"] == "DIST-01"
    assert refused.json_body["field"] == "numero_processo.ano" and "2027" in refused.json_body["detail"]
    assert taken.status_code == 201, taken.body


def test_dist_02_unknown_orgao_or_class_and_roles(client, table):
    orgao = new_orgao(client)
    before = table.count()
    missing = distribute(client, "NAO-EXISTE", number())
    assert missing.status_code == 404 and missing.json_body["field"] == "orgao"
    bad_class = distribute(client, orgao, number(), classe="MS")
    assert bad_class.status_code == 422 and bad_class.json_body["field"] == "classe"
    forbidden = post(client, "/distribuicoes", {"numero_processo": number(), "orgao": orgao, "classe": "RE"},
                     headers=SERVANT)
    assert forbidden.status_code == 403
    anonymous = client.http.post("/distribuicoes", body="{}", headers={"Content-Type": "application/json"})
    assert anonymous.status_code == 401
    assert table.count() == before


def test_dist_02_no_eligible_judge_is_409_with_the_reasons_and_writes_nothing(client, table):
    today = datetime.now(TZ).date().isoformat()
    body = {"nome": "Turma pequena", "classes": ["RE"], "cadeiras": [{"id": "C1"}, {"id": "C2"}],
            "juizes": [{"id": "J1", "nome": "Presidente", "antiguidade": 1, "cadeira": "C1", "presidente": True},
                       {"id": "J2", "nome": "Juiz Dois", "antiguidade": 2, "cadeira": "C2",
                        "ausencias": [{"inicio": today, "motivo": "licença"}]}]}
    orgao = new_orgao(client, body)
    before = table.count()
    response = distribute(client, orgao)
    assert response.status_code == 409
    assert response.json_body["code"] == "DIST-02"
    assert set(response.json_body["motivos"]) == {"C1", "C2"}
    assert "Presidente" in response.json_body["motivos"]["C1"]
    assert table.count() == before


def test_dist_02_president_is_never_drawn_and_each_class_stays_within_one(client):
    orgao = new_orgao(client)
    relatores = []
    for n in range(12):
        response = distribute(client, orgao, classe=CLASSES[n % 2 + 2])
        assert response.status_code == 201, response.body
        relatores.append(response.json_body["relator"]["id"])
    assert "J1" not in relatores
    state = orgao_state(client, orgao)
    for classe in ("PC", "RE"):
        by_seat = counts(state, classe)
        assert by_seat["C1"] == 0
        eligible = [by_seat[f"C{n}"] for n in range(2, 8)]
        assert eligible == [1] * 6, "six cases of a class among six eligible seats: one each"


def test_dist_03_prevention_assigns_without_draw_and_counts(client):
    orgao = new_orgao(client)
    first = distribute(client, orgao).json_body
    related = {"numero": first["numero_processo"], "tipo": "conexao"}
    second = distribute(client, orgao, processo_relacionado=related)
    assert second.status_code == 201, second.body
    body = second.json_body
    assert body["relator"] == first["relator"] and body["cadeira"] == first["cadeira"]
    assert body["modo"] == "atribuicao" and body["regra"] == "prevencao"
    record = client.http.get(body["prova"]).json_body["registros"][0]
    assert record["valor"] is None and record["referencia"] == first["numero_processo"]
    assert counts(orgao_state(client, orgao), "RE")[first["cadeira"]] == 2, "prevention counts (compensated)"
    unknown = distribute(client, orgao, processo_relacionado={"numero": number(), "tipo": "conexao"})
    assert unknown.status_code == 422 and unknown.json_body["code"] == "DIST-03"


def test_dist_05_known_impediment_keeps_the_judge_out_of_the_draw(client):
    orgao = new_orgao(client)
    excluded = [{"juiz": f"J{n}", "motivo": "impedimento"} for n in range(2, 7)]
    response = distribute(client, orgao, excluidos=excluded)
    assert response.status_code == 201 and response.json_body["relator"]["id"] == "J7"
    unknown = distribute(client, orgao, excluidos=[{"juiz": "J42", "motivo": "suspeicao"}])
    assert unknown.status_code == 422 and unknown.json_body["field"] == "excluidos"


def test_dist_04_impediment_redistribution_compensates_both_seats(client):
    orgao = new_orgao(client)
    first = distribute(client, orgao).json_body
    old_seat = first["cadeira"]
    response = post(client, f"/distribuicoes/{first['numero_processo']}/redistribuicao", {"motivo": "impedimento"},
                    headers=PRESIDENCY)
    assert response.status_code == 201, response.body
    body = response.json_body
    assert body["cadeira"] != old_seat and body["relator"]["id"] != first["relator"]["id"]
    assert body["regra"] == "redistribuicao_impedimento" and body["sorteio"]["seq"] == 2
    by_seat = counts(orgao_state(client, orgao), "RE")
    assert by_seat[old_seat] == 0 and by_seat[body["cadeira"]] == 1, "−1 to the seat that lost it, +1 to the new one"
    public = client.http.get(f"/distribuicoes/{first['numero_processo']}").json_body
    assert public["relator"] == body["relator"] and public["atos_anulados_de"] == [first["relator"]["id"]]
    assert public["sorteios"] == [f"{orgao}#1", f"{orgao}#2"]
    record = client.http.get(body["prova"]).json_body["registros"][-1]
    assert old_seat not in record["elegiveis"]
    deltas = sorted((d["unidade"], d["delta"]) for d in record["deltas"])
    assert deltas == sorted([(old_seat, -1), (body["cadeira"], 1)])
    assert post(client, f"/distribuicoes/{number()}/redistribuicao", {"motivo": "erro"}).status_code == 404
    assert post(client, f"/distribuicoes/{first['numero_processo']}/redistribuicao", {"motivo": "erro"},
                headers=SERVANT).status_code == 403


def test_dist_09_manual_draw_needs_witnesses_and_counts(client):
    orgao = new_orgao(client)
    base = {"numero_processo": number(), "orgao": orgao, "classe": "RE", "cadeira": "C5", "ata": "Ata 1/2026",
            "autorizado_por": "Presidente do TRE", "realizado_em": datetime.now(TZ).replace(microsecond=0).isoformat()}
    one_witness = post(client, "/distribuicoes/manuais", {**base, "testemunhas": ["Ana"]})
    assert one_witness.status_code == 422 and one_witness.json_body["code"] == "DIST-09"
    response = post(client, "/distribuicoes/manuais", {**base, "testemunhas": ["Ana", "Bruno"]})
    assert response.status_code == 201, response.body
    assert response.json_body["modo"] == "sorteio_manual" and response.json_body["relator"]["id"] == "J5"
    assert counts(orgao_state(client, orgao), "RE")["C5"] == 1
    not_candidate = post(client, "/distribuicoes/manuais",
                         {**base, "numero_processo": number(), "testemunhas": ["A", "B"]})
    assert not_candidate.status_code == 422 and "sorteáveis" in not_candidate.json_body["detail"]


def test_dist_08_public_consultation_masks_secret_cases(client):
    orgao = new_orgao(client)
    secret = distribute(client, orgao, segredo_justica=True).json_body
    public = client.http.get(f"/distribuicoes/{secret['numero_processo']}")
    assert public.status_code == 200
    assert public.json_body["partes"] == public.json_body["advogados"] == "SEGREDO DE JUSTIÇA"
    assert "Fulano" not in public.body.decode() and "Fulano" not in client.http.get(secret["prova"]).body.decode()
    exported = client.http.get(f"/sorteios/exportacao?log={orgao}")
    assert "Fulano" not in exported.body.decode()
    ordinary = distribute(client, orgao).json_body
    shown = client.http.get(f"/distribuicoes/{ordinary['numero_processo']}").json_body
    assert shown["partes"] == ["Recorrente Fulano", "Recorrido Beltrano"]
    assert client.http.get(f"/distribuicoes/{number()}").status_code == 404
    bad = client.http.get("/distribuicoes/123")
    assert bad.status_code == 422 and bad.json_body["code"] == "DIST-01"


def test_dist_01_numbering_gives_consecutive_valid_numbers(client):
    origin = 4000 + next(_sequence) % 1000
    first = post(client, "/processos/numeracao", {"origem": origin, "ano": 2026})
    second = post(client, "/processos/numeracao", {"origem": origin, "ano": 2026})
    assert first.status_code == 201, first.body
    a = parse_cnj(first.json_body["numero_processo"], segment=6, tribunal=11)
    b = parse_cnj(second.json_body["numero_processo"], segment=6, tribunal=11)
    assert (a.sequential, b.sequential) == (1, 2) and a.origin == origin and a.year == 2026
    other_year = post(client, "/processos/numeracao", {"origem": origin, "ano": 2027})
    assert other_year.json_body["sequencial"] == 1, "the sequence restarts every year"
    assert post(client, "/processos/numeracao", {"origem": 10000}).status_code == 422


def test_dist_11_commitments_are_published_before_the_day_and_seeds_stay_secret(client):
    response = client.http.get("/sorteios/compromissos")
    assert response.status_code == 200
    today = response.json_body["hoje"]
    days = {item["dia"]: item for item in response.json_body["itens"]}
    tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    assert today in days and tomorrow in days
    assert days[today]["semente"] is None and len(days[today]["sha256"]) == 64


def test_dist_11_export_verifies_with_the_standalone_verifier(client, app_deps, monkeypatch, tmp_path):
    """Draws made on a past day (clock injected through deps) are fully verifiable today by the script."""
    orgao = new_orgao(client)
    past = datetime(2026, 3, 2, 10, 0, tzinfo=TZ)
    monkeypatch.setattr(app_deps, "clock", lambda: past)
    made = [distribute(client, orgao, classe=CLASSES[n % 4], segredo_justica=(n == 2)).json_body for n in range(8)]
    related = {"numero": made[0]["numero_processo"], "tipo": "conexao"}
    assert distribute(client, orgao, processo_relacionado=related).status_code == 201
    assert post(client, f"/distribuicoes/{made[1]['numero_processo']}/redistribuicao",
                {"motivo": "suspeicao"}).status_code == 201
    monkeypatch.undo()  # back to today: the seed of 02/03/2026 is now revealed
    response = client.http.get(f"/sorteios/exportacao?log={orgao}")
    assert response.status_code == 200
    export = response.json_body
    assert export["cabeca"]["seq"] == 10 and export["sementes"][0]["dia"] == "2026-03-02"
    path = tmp_path / "exportacao.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    assert "Sorteios conferidos: 9" in result.stdout, result.stdout
    export["registros"][3]["resultado"]["unidade"] = "C1"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    tampered = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
    assert tampered.returncode == 1 and "ALTERADO" in tampered.stdout
    assert client.http.get("/sorteios/exportacao?log=NAO-EXISTE").status_code == 404


def test_dist_11_todays_draws_are_pending_for_the_verifier(client, tmp_path):
    orgao = new_orgao(client)
    assert distribute(client, orgao).status_code == 201
    export = client.http.get(f"/sorteios/exportacao?log={orgao}").json_body
    assert export["sementes"] == [] or all(s["dia"] < datetime.now(TZ).date().isoformat() for s in export["sementes"])
    path = tmp_path / "exportacao.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 3, result.stdout


def test_idempotency_key_replays_the_first_answer(client):
    orgao = new_orgao(client)
    body = {"numero_processo": number(), "orgao": orgao, "classe": "RE"}
    headers = {**DISTRIBUTOR, "Idempotency-Key": f"dist-{uuid.uuid4()}"}
    first = post(client, "/distribuicoes", body, headers=headers)
    again = post(client, "/distribuicoes", body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true" and again.json_body == first.json_body


def test_bulk_import_refused_for_one_orgao_writes_none(client):
    """A refused request writes nothing: the second órgão's overlapping titulars refuse the whole import."""
    ids = [f"ZONA-{uuid.uuid4().hex[:6]}" for _ in range(2)]
    bad = orgao_body()
    bad["juizes"].append({"id": "J9", "nome": "Juiz 9", "antiguidade": 9, "cadeira": "C4"})
    response = post(client, "/orgaos/importacao", {"orgaos": [{"id": ids[0], **orgao_body()}, {"id": ids[1], **bad}]},
                    headers=ADMIN)
    assert response.status_code == 422 and response.json_body["field"].startswith("orgaos.1")
    assert "sobrepostos" in response.json_body["detail"]
    for orgao in ids:
        assert client.http.get(f"/orgaos/{orgao}", headers=DISTRIBUTOR).status_code == 404


def test_bulk_import_from_a_csv_spreadsheet(client):
    """The same import as text/csv (one line per judge, semicolons); a malformed line is a 400 naming it."""
    orgao = f"ZONA-{uuid.uuid4().hex[:6]}"
    lines = ["orgao;nome_orgao;classes;cadeira;juiz;nome;antiguidade;presidente"]
    lines += [f"{orgao};Zona (CSV);RE HC;C{n};J{n};Juiz {n};{n};{'sim' if n == 1 else 'não'}" for n in range(1, 5)]
    headers = {"Content-Type": "text/csv; charset=utf-8", **ADMIN}
    response = client.http.post("/orgaos/importacao", body="\n".join(lines).encode("utf-8"), headers=headers)
    assert response.status_code == 200, response.body
    assert response.json_body["importados"] == [{"id": orgao, "criado": True, "versao": 1}]
    state = orgao_state(client, orgao)
    assert state["nome"] == "Zona (CSV)" and len(state["cadeiras"]) == 4

    other = f"ZONA-{uuid.uuid4().hex[:6]}"
    broken = "\n".join([lines[0], f"{other};Zona;RE;C1;J1;Juiz 1;primeiro;sim"])
    refused = client.http.post("/orgaos/importacao", body=broken.encode("utf-8"), headers=headers)
    assert refused.status_code == 400 and refused.json_body["code"] == "CSV_INVALIDO"
    assert refused.json_body["field"] == "linha 2" and "primeiro" in refused.json_body["detail"]
    assert client.http.get(f"/orgaos/{other}", headers=DISTRIBUTOR).status_code == 404


def test_dist_02_the_orgao_shows_its_equality_audit(client):
    """GET /orgaos/{orgao} reports per-class and overall spreads of the drawable seats, and the limits."""
    orgao = new_orgao(client)
    for n in range(9):
        assert distribute(client, orgao, classe="RE" if n % 3 else "HC").status_code == 201
    state = orgao_state(client, orgao)
    audit = state["igualdade"]
    drawable = [s for s in state["cadeiras"] if s["sorteavel"]]
    for classe in ("RE", "HC"):
        counts = [s["contagens"].get(classe, 0) for s in drawable]
        assert audit["diferenca_por_classe"][classe] == max(counts) - min(counts) <= 1
    totals = [s["total"] for s in drawable]
    assert audit["diferenca_total"] == max(totals) - min(totals)
    assert audit["maximo_por_classe"] == 1 and audit["maximo_total_configurado"] == 2
    assert audit["limite_teorico_total"] == 1 and audit["alertas"] == []
