"""The demo data has no dead ends: each request a newcomer can make with the seeded users and units is
decided over HTTP by a seeded user (COOP-10: the cooperated unit's manager; M2/M3 then the Corregedoria).

Runs on the demo data as seeded: this file sorts before the e2e tests that change the demo servants.
"""

from __future__ import annotations

import requests

TIMEOUT = 10
# (servant, home unit, cooperated unit, modality, period, the unit's manager); periods do not overlap (COOP-07)
REQUESTS = [
    ("servidor.ana", "1VC-CBA", "1VC-CBA", "M4", ("2027-03-01", "2027-03-26"), "gestor.vara1"),
    ("servidor.ana", "1VC-CBA", "2VC-CBA", "M3", ("2027-01-04", "2027-01-29"), "gestor.vara2"),
    ("servidor.ana", "1VC-CBA", "GAB-C3", "M1", ("2027-04-05", "2027-04-30"), "gestor.gab3"),
    ("servidor.bruno", "GAB-C3", "1VC-CBA", "M4", ("2027-05-03", "2027-05-28"), "gestor.vara1"),
]


def _auth(stack, user):
    return {"Authorization": f"Bearer {stack['tokens'][user]}"}


def test_coop_10_every_seeded_unit_takes_a_request_that_a_seeded_user_decides(stack):
    base = stack["urls"]["cooperacao"]
    for servant, home, unit, modality, (start, end), manager in REQUESTS:
        body = {"unidade_lotacao": home, "unidade_cooperada": unit, "modalidade": modality, "inicio": start,
                "fim": end}
        if modality in ("M2", "M3"):
            body["plano_trabalho"] = "Redução do acervo de conclusos da unidade."
        asked = requests.post(f"{base}/cooperacoes", json=body, headers=_auth(stack, servant), timeout=TIMEOUT)
        assert asked.status_code == 201, (servant, unit, modality, asked.text)
        pending = asked.json()
        decided = requests.post(f"{base}/cooperacoes/{pending['id']}/decisao", json={"deferir": True, "meta": "m"},
                                headers=_auth(stack, manager), timeout=TIMEOUT)
        assert decided.status_code == 200, (manager, unit, decided.text)
        if modality in ("M2", "M3"):
            assert decided.json()["situacao"] == "aguardando_corregedoria"
            decided = requests.post(f"{base}/cooperacoes/{pending['id']}/decisao", json={"deferir": True},
                                    headers=_auth(stack, "corregedor"), timeout=TIMEOUT)
            assert decided.status_code == 200, ("corregedor", unit, decided.text)
        assert decided.json()["situacao"] == "aprovada", (unit, modality, decided.json())
