"""The payroll across the services, end to end on the local stack (PAG-02, PAG-08, PAG-11, COOP-11, PLAN-08).

cooperacao-svc: approved cooperations, ponto over HTTP, the monthly close run twice → one gratificação event per
servant. plantao-svc: a compensation used and approved → one cumulação event for the substitute, and a municipal
holiday decreed afterwards on one of its days (the calendar event reaches pagamentos-svc). pagamentos-svc: its
run, repeated, shows each once — the gratificação at 3 h × R$ 45,00 and the cumulação for the one remaining dia
útil — and the memo's PDF opens and reads back. Events are delivered twice on purpose; nothing lands in a DLQ.

The stack runs on the wall clock, so the closed cooperation month is the previous one. A servant's request cannot
start in the past (COOP-09), so the cooperations of that month come in through the administration's import of
cooperations already deferred (`POST /cooperacoes/importacao`, same rules); the gestor's approval over HTTP is
exercised on a request starting today.
"""

from __future__ import annotations

import io
import json
import time
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests
from pypdf import PdfReader

from tests.local_stack import requested_run, running_stack

pytestmark = pytest.mark.e2e
TIMEOUT = 30
TZ = ZoneInfo("America/Sao_Paulo")
EVENT_TYPE = "br.jus.tribunal.cooperacao.gratificacao-apurada.v1"
EVENT_NAMESPACE = uuid.UUID("6f1c2d0e-5b7a-4c3e-9d2f-0a1b2c3d4e5f")  # = cooperacao service.EVENT_NAMESPACE


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack['tokens'][user]}"}


def _aws(stack, name: str):
    return boto3.client(name, endpoint_url=stack["endpoint"], region_name="sa-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _ok(response, *codes):
    assert response.status_code in codes, response.text
    return response.json() if response.content else None


def _previous_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _saturdays(first: date, last: date) -> list[date]:
    day = first + timedelta(days=(5 - first.weekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=7)
    return out


def test_coop_11_pag_08_one_gratificacao_per_servant_reaches_the_memo_even_when_the_close_runs_twice(stack):
    from chalicelib.cooperacao.service import EVENT_NAMESPACE as service_namespace

    assert service_namespace == EVENT_NAMESPACE
    base = stack["urls"]["cooperacao"]
    admin, gestor, dimag = _auth(stack, "admin.ti"), _auth(stack, "gestor.vara1"), _auth(stack, "dimag.folha")
    tag = uuid.uuid4().hex[:6].upper()
    home, unit, gab = f"E2E-H-{tag}", f"E2E-C-{tag}", f"E2E-G-{tag}"
    for uid, kind, manager in ((home, "cartorio", None), (unit, "cartorio", "gestor.vara1"), (gab, "gabinete", None)):
        _ok(requests.put(f"{base}/unidades/{uid}", json={"nome": f"Unidade {uid}", "tipo": kind, "predio": "FORUM",
                                                         "gestor": manager}, headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/servidores/servidor.ana", json={
        "nome": "Ana Servidora", "efetivo": True, "graduacao_direito": True, "lotacao": home}, headers=admin,
        timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/servidores/servidor.bruno", json={
        "nome": "Bruno Servidor", "efetivo": True, "cargo_comissao": "assessor_gabinete", "lotacao": gab},
        headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/norma", json={"data_final": "2099-12-31"}, headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/anexos/IV", json={"unidades": {unit: 5}}, headers=admin, timeout=TIMEOUT), 200)

    today = datetime.now(TZ).date()
    first, last = _previous_month(today)
    month = f"{first:%Y-%m}"
    period = {"inicio": first.isoformat(), "fim": (today + timedelta(days=3)).isoformat()}
    imported = _ok(requests.post(f"{base}/cooperacoes/importacao", json={"cooperacoes": [
        {"servidor": s, "unidade_lotacao": h, "unidade_cooperada": unit, "modalidade": "M4", **period,
         "meta": "20 minutas/mês", "deferido_em": (first - timedelta(days=2)).isoformat()}
        for s, h in (("servidor.ana", home), ("servidor.bruno", gab))]}, headers=admin, timeout=TIMEOUT), 201)
    coops = {c["servidor"]: c["id"] for c in imported["itens"]}

    # the gestor's approval over HTTP (COOP-10) on a request of today: it starts at once
    other = f"E2E-O-{tag}"
    _ok(requests.put(f"{base}/unidades/{other}", json={"nome": "Outra", "tipo": "cartorio", "predio": "FORUM",
                                                       "gestor": "gestor.vara1"}, headers=admin, timeout=TIMEOUT), 200)
    _ok(requests.put(f"{base}/anexos/IV", json={"unidades": {unit: 5, other: 1}}, headers=admin, timeout=TIMEOUT),
        200)
    asked = _ok(requests.post(f"{base}/cooperacoes", json={
        "unidade_lotacao": home, "unidade_cooperada": other, "modalidade": "M4", "inicio": today.isoformat(),
        "fim": (today + timedelta(days=10)).isoformat()}, headers=_auth(stack, "servidor.ana"), timeout=TIMEOUT), 201)
    approved = _ok(requests.post(f"{base}/cooperacoes/{asked['id']}/decisao", json={"deferir": True, "meta": "m"},
                                 headers=gestor, timeout=TIMEOUT), 200)
    assert approved["situacao"] == "aprovada"

    # ponto of the previous month (Saturdays: no expediente), over HTTP by each servant
    saturdays = _saturdays(first, last)
    sessions = {"servidor.ana": [(saturdays[0], 8, 10), (saturdays[1], 8, 9)],
                "servidor.bruno": [(saturdays[0], 9, 12)]}
    for servant, items in sessions.items():
        for day, h1, h2 in items:
            _ok(requests.post(f"{base}/cooperacoes/{coops[servant]}/pontos", json={
                "inicio": f"{day.isoformat()}T{h1:02d}:00:00-03:00", "fim": f"{day.isoformat()}T{h2:02d}:00:00-03:00"},
                headers=_auth(stack, servant), timeout=TIMEOUT), 201)
    assert requests.get(f"{base}/servidores/servidor.bruno/pontos", params={"competencia": month},
                        headers=_auth(stack, "servidor.ana"), timeout=TIMEOUT).status_code == 403

    # the monthly close, twice
    # in the local stage's parts (COOPERACAO_FECHAMENTO_PARTES: 4; production 64), run one after another here
    closed = requested_run(base, "/fechamentos", {"competencia": month}, dimag, timeout=180.0)
    assert closed["resumo"]["publicados"] == 2 and closed["resumo"]["ajustes"] == 0
    assert closed["resumo"]["partes"] == closed["resumo"]["partes_concluidas"] == 4  # the local stage's count
    again = requested_run(base, "/fechamentos", {}, dimag, timeout=180.0)
    assert again["competencia"] == month and again["resumo"]["publicados"] == 0 and again["execucao"] == 2

    # at the source: one outbox item per servant (revision 1), relayed; no revision 2
    dynamodb = _aws(stack, "dynamodb")
    table = stack["outputs"]["CooperacaoTableName"]
    expected = {"servidor.ana": 180, "servidor.bruno": 180}
    for servant, minutes in expected.items():
        def outbox(revision: int, servant=servant):
            key = f"OUTBOX#{uuid.uuid5(EVENT_NAMESPACE, f'{servant}:{month}:r{revision}')}"
            return dynamodb.get_item(TableName=table, Key={"pk": {"S": key}, "sk": {"S": "EVENTO"}},
                                     ConsistentRead=True).get("Item")
        item = outbox(1)
        assert item is not None
        data = json.loads(item["envelope"]["S"])["data"]
        assert (data["natureza"], data["minutos"], data["valor"]) == ("apuracao", minutes, "135.00")
        assert outbox(2) is None

    # at pagamentos-svc: the run of that month shows one line per servant, however often it runs
    lines = _memo_lines_eventually(stack, month, "gratificacao_cooperacao",
                                   lambda ls: {line["pessoa"] for line in ls} >= set(expected))
    for servant in expected:
        mine = [line for line in lines if line["pessoa"] == servant]
        assert [(line["valor"], line["regra"]) for line in mine] == [("135.00", "PAG-08")], mine  # 3 h × R$ 45,00
    _assert_no_dead_letters(stack)


@pytest.fixture(scope="module")
def february_stack(tmp_path_factory):
    """A stack of its own whose clock starts on Saturday 27/02/2027: the compensation days (03 and 04/03) are
    still ahead when they are asked for (PLAN-08), and the clock is moved past March before March is paid (PAG-01
    runs only a finished month). Its own stack, so that moving its clock cannot disturb the other tests."""
    with running_stack(tmp_path_factory.mktemp("february"), parameters={"QueueVisibilityTimeout": "1"},
                       now="2027-02-27T10:00:00-03:00") as ready:
        yield ready


def test_pag_02_compensation_used_in_plantao_is_a_cumulacao_once_counting_only_dias_uteis(february_stack):
    """jz.duarte takes compensation on 03 and 04/03/2027 (Wed, Thu); jz.campos (entrância especial, subsídio
    39 753,22) holds both juízos. Cuiabá then decrees 04/03 a municipal holiday, so PAG-02 pays one day:
    39 753,22 / 30 × 1/3 = 441,7024… → 441,70."""
    stack = february_stack
    plantao, pagamentos = stack["urls"]["plantao"], stack["urls"]["pagamentos"]
    admin, presidente = _auth(stack, "admin.ti"), _auth(stack, "presidente")
    today = date(2027, 2, 27)  # the stack's clock
    _ok(requests.post(f"{plantao}/compensacoes/creditos", json={
        "magistrado": "jz.duarte", "tipo": "acao_social", "data": "2027-02-20",  # the Saturday before
        "descricao": "Ação social em dia não útil (e2e)"}, headers=admin, timeout=TIMEOUT), 201)
    days = [date(2027, 3, 3), date(2027, 3, 4)]
    use = _ok(requests.post(f"{plantao}/compensacoes/usos", json={
        "magistrado": "jz.duarte", "dias": [d.isoformat() for d in days], "substituto": "jz.campos"},
        headers=_auth(stack, "gestor.vara1"), timeout=TIMEOUT), 201)
    _ok(requests.post(f"{plantao}/compensacoes/jz.duarte/usos/{use['id']}/aprovacao", headers=presidente,
                      timeout=TIMEOUT), 200)
    _ok(requests.post(f"{plantao}/calendario/dias", json={
        "data": "2027-03-04", "tipo": "feriado_municipal", "municipio": "5103403",
        "descricao": "Feriado municipal (e2e)", "decretado_em": today.isoformat()},
        headers=admin, timeout=TIMEOUT), 201)

    def holiday_known() -> bool:
        answer = requests.get(f"{pagamentos}/calendario/situacao/2027-03-04", params={"municipio": "5103403"},
                              timeout=TIMEOUT).json()
        return answer["dia_util"] is False
    assert _eventually(holiday_known), "the calendar event did not reach pagamentos-svc"

    # March is over (PAG-01 pays only a finished month): the clock jumps to 01/04, without firing the schedules
    # in between, and the tokens issued on 27/02 have expired by then.
    control = stack["control_url"]
    _ok(requests.post(f"{control}/relogio", json={"agora": "2027-04-01T10:00:00-03:00"}, timeout=TIMEOUT), 200)
    stack["tokens"] = _ok(requests.get(f"{control}/tokens", timeout=TIMEOUT), 200)
    lines = _memo_lines_eventually(stack, "2027-03", "cumulacao_juizes",
                                   lambda ls: any(line["pessoa"] == "jz.campos" for line in ls))
    mine = [line for line in lines if line["pessoa"] == "jz.campos"]
    assert [(line["valor"], line["quantidade"], line["regra"]) for line in mine] == [("441.70", "1", "PAG-02")], mine

    pdf = requests.get(f"{pagamentos}/memorandos/2027-03-cumulacao_juizes/pdf",
                       headers={**_auth(stack, "dimag.folha"), "Accept": "application/pdf"}, timeout=TIMEOUT)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Juiz Caio Campos" in text and "R$ 441,70" in text
    _assert_no_dead_letters(stack)


def _eventually(check, timeout: float = 45.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


def _memo_lines_eventually(stack, month: str, category: str, arrived) -> list[dict]:
    """Runs pagamentos' month until ``arrived(lines)``, then twice more: the lines must not change."""
    base = stack["urls"]["pagamentos"]
    dimag = _auth(stack, "dimag.folha")

    def run_and_read() -> list[dict]:
        requested_run(base, "/execucoes", {"competencia": month}, dimag)
        return _ok(requests.get(f"{base}/memorandos/{month}-{category}", headers=dimag, timeout=TIMEOUT), 200)["linhas"]

    lines = _eventually(lambda: (ls := run_and_read()) and arrived(ls) and ls)
    assert lines, f"nothing reached the {category} memo of {month}"
    time.sleep(3)  # the second copy of each event is consumed meanwhile
    assert run_and_read() == lines and run_and_read() == lines, "a repeated run or a repeated event changed the memo"
    return lines


def _assert_no_dead_letters(stack) -> None:
    sqs = _aws(stack, "sqs")
    for service in ("Pagamentos", "Cooperacao", "Plantao", "Distribuicao"):
        attributes = sqs.get_queue_attributes(QueueUrl=stack["outputs"][f"{service}DlqUrl"],
                                              AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0", f"{service}'s DLQ is not empty"
