"""DIST-10 end to end on the local stack: a partner tribunal's carta precatória arrives over signed HTTP, is
distributed among the municipality's zones and shows, masked because secret, in the public consultation (DIST-08).
"""

from __future__ import annotations

import json
import random
import uuid

import pytest
import requests
from chalicelib.distribuicao.domain.cnj import CnjNumber

from courtlib.auth.partners import sign_request

pytestmark = pytest.mark.e2e
TIMEOUT = 20


def _auth(stack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack['tokens'][user]}"}


def test_dist_10_partner_carta_is_distributed_and_publicly_shown_masked(stack):
    base = stack["urls"]["distribuicao"]
    partner_id = f"TJ{uuid.uuid4().hex[:6].upper()}"
    registered = requests.post(f"{base}/admin/parceiros", json={"id": partner_id, "nome": "Tribunal de Justiça (e2e)"},
                               headers=_auth(stack, "admin.ti"), timeout=TIMEOUT)
    assert registered.status_code == 201, registered.text
    secret = registered.json()["segredo"]

    municipio = f"8{random.randrange(10**6):06d}"
    zonas = {"zonas": [{"numero": 601, "instalada_em": "1946-05-01"}, {"numero": 602, "instalada_em": "1988-03-10"},
                       {"numero": 603, "instalada_em": "2004-08-01"}]}
    put = requests.put(f"{base}/zonas/{municipio}", json=zonas, headers=_auth(stack, "distribuidor"), timeout=TIMEOUT)
    assert put.status_code == 201, put.text

    numero = str(CnjNumber.build(random.randrange(1, 9_000_000), 2026, 8, 24, 23))
    carta = {"numero_processo": numero, "municipio": municipio, "materia": "carta",
             "partes": ["Autora Sigilosa", "Réu Sigiloso"], "advogados": ["Advogada Z OAB/SC 1"],
             "segredo_justica": True, "id_origem": f"CP-{uuid.uuid4().hex[:10]}"}
    raw = json.dumps(carta)
    unsigned = requests.post(f"{base}/precatorias", data=raw, headers={"Content-Type": "application/json"},
                             timeout=TIMEOUT)
    assert unsigned.status_code == 401

    def signed_post():
        headers = {"Content-Type": "application/json",
                   **sign_request(partner_id, secret, "POST", "/precatorias", body=raw)}
        return requests.post(f"{base}/precatorias", data=raw, headers=headers, timeout=TIMEOUT)

    sent = signed_post()
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert body["zona"] in {"ZE601", "ZE602", "ZE603"}
    assert body["zona_distribuidora"] == "ZE601"  # the oldest zone
    assert body["sorteio"]["log"] == f"ZONAS-{municipio}" and body["sorteio"]["seq"] == 1
    again = signed_post()  # a retry: same answer, no second draw
    assert again.status_code == 200 and again.json()["sorteio"] == body["sorteio"]

    own = requests.get(f"{base}/precatorias/{carta['id_origem']}", timeout=TIMEOUT,
                       headers=sign_request(partner_id, secret, "GET", f"/precatorias/{carta['id_origem']}"))
    assert own.status_code == 200 and own.json()["partes"] == carta["partes"]

    public = requests.get(f"{base}/precatorias/consulta/{numero}", timeout=TIMEOUT)
    assert public.status_code == 200, public.text
    [item] = public.json()["itens"]
    assert item["zona"] == body["zona"] and item["segredo_justica"] is True
    assert item["partes"] == "SEGREDO DE JUSTIÇA" and item["advogados"] == "SEGREDO DE JUSTIÇA"
    assert "Sigilos" not in public.text

    export = requests.get(f"{base}/sorteios/exportacao", params={"log": f"ZONAS-{municipio}"}, timeout=TIMEOUT)
    assert export.status_code == 200 and export.json()["cabeca"]["seq"] == 1
    assert "Sigilos" not in export.text
