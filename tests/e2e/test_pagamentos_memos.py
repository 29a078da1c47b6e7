"""pagamentos-svc end to end on the local stack (seeded with the demo data): events arrive through its queue,
the manual run builds the memos, the PDF is served as bytes and opens, the lifecycle refuses an edit after the
signature, and an event for an unknown servant is parked, not lost.
"""

from __future__ import annotations

import io
import time
import uuid
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import boto3
import pytest
import requests
from pypdf import PdfReader

from courtlib.messaging.contracts import CompensationUsed, CooperationBonusAssessed, message_group, new_event
from tests.local_stack import requested_run

pytestmark = pytest.mark.e2e
TIMEOUT = 60
TZ = ZoneInfo("America/Sao_Paulo")


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack['tokens'][user]}"}


def _publish(stack, payload) -> str:
    event = new_event(payload, tribunal="TRE-MT", correlation_id=f"e2e-{uuid.uuid4().hex[:6]}")
    sqs = boto3.client("sqs", region_name="sa-east-1", endpoint_url=stack["endpoint"], aws_access_key_id="x",
                       aws_secret_access_key="x")
    for copy in range(2):  # delivered twice (two deduplication ids): applied once
        sqs.send_message(QueueUrl=stack["outputs"]["PagamentosQueueUrl"], MessageBody=event.model_dump_json(),
                         MessageGroupId=message_group(event), MessageDeduplicationId=f"{event.id}-{copy}")
    return event.id


def _run(stack, competencia: str) -> dict:
    """PAG-01 by hand: 202, then the status polled until the service's consumer concluded the run."""
    return requested_run(stack["urls"]["pagamentos"], "/execucoes", {"competencia": competencia},
                         _auth(stack, "dimag.folha"), timeout=TIMEOUT)


def _memo(stack, memo_id: str) -> dict:
    response = requests.get(f"{stack['urls']['pagamentos']}/memorandos/{memo_id}",
                            headers=_auth(stack, "dimag.folha"), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def test_pag_02_compensation_event_reaches_the_memo_once_and_the_pdf_opens(stack):
    """jz.barros (especial, 39 753.22) substitutes on 3/12/2025 (Wednesday) and 6/12 (Saturday): one dia útil →
    39 753.22 / 30 × 1/3 = 441.702… → 441.70, once although the event arrived twice."""
    base = stack["urls"]["pagamentos"]
    _publish(stack, CompensationUsed(
        compensacao_id=f"cmp-e2e-{uuid.uuid4().hex[:6]}", magistrado="jz.alves", nome="Juiz André Alves",
        juizo="1VC-CBA", substituto="jz.barros", substituto_nome="Juíza Beatriz Barros", juizo_substituto="2VC-CBA",
        dias=[date(2025, 12, 3), date(2025, 12, 6)], aprovado_em=datetime(2025, 11, 20, 14, tzinfo=TZ),
        aprovado_por="presidente"))
    deadline, lines = time.monotonic() + 30, []
    while time.monotonic() < deadline:
        _run(stack, "2025-12")
        lines = [line for line in _memo(stack, "2025-12-cumulacao_juizes")["linhas"] if line["pessoa"] == "jz.barros"]
        if lines:
            break
        time.sleep(0.5)
    assert [(line["valor"], line["quantidade"]) for line in lines] == [("441.70", "1")]
    time.sleep(1.5)  # the second copy is consumed too: still one line
    _run(stack, "2025-12")
    memo = _memo(stack, "2025-12-cumulacao_juizes")
    assert len([line for line in memo["linhas"] if line["pessoa"] == "jz.barros"]) == 1

    pdf = requests.get(f"{base}/memorandos/2025-12-cumulacao_juizes/pdf",
                       headers={**_auth(stack, "presidente"), "Accept": "application/pdf"}, timeout=TIMEOUT)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Juíza Beatriz Barros" in text and "R$ 441,70" in text

    signed = requests.post(f"{base}/memorandos/2025-12-cumulacao_juizes/assinatura",
                           headers=_auth(stack, "presidente"), timeout=TIMEOUT)
    assert signed.status_code == 200, signed.text
    edit = requests.patch(f"{base}/memorandos/2025-12-cumulacao_juizes", json={"observacao": "x"},
                          headers=_auth(stack, "dimag.folha"), timeout=TIMEOUT)
    assert edit.status_code == 409 and edit.headers["Content-Type"] == "application/problem+json"


def test_pag_08_cooperation_of_an_unknown_servant_is_parked_and_listed(stack):
    base = stack["urls"]["pagamentos"]
    servant = f"servidor.e2e{uuid.uuid4().hex[:6]}"
    event_id = _publish(stack, CooperationBonusAssessed(
        apuracao_id=f"{servant}-2026-11-r1", servidor=servant, nome="Servidora Desconhecida", competencia="2026-11",
        natureza="apuracao", revisao=1, minutos=600, valor_hora=Decimal("45.00"), valor=Decimal("450.00")))
    deadline, parked = time.monotonic() + 30, []
    while time.monotonic() < deadline and not parked:
        listed = requests.get(f"{base}/estacionados", headers=_auth(stack, "dimag.folha"), timeout=TIMEOUT).json()
        parked = [item for item in listed["itens"] if item["id"] == event_id]
        time.sleep(0.5)
    assert parked and "não cadastrado" in parked[0]["motivo"]
