"""Issue 16: the local stack serves its own beacon (drand's relay API, its own port, stopped with the stack), and
distribuicao reads the rounds that decide its draws from it over HTTP, as production reads quicknet's relays.

The stack runs as `make run` starts it (a process of its own, ephemeral ports) with a beacon period of 2 s: a chain
the in-process fallback (1 s, ``distribuicao.farol_local_periodo_s``) cannot have, so a draw marked with it was
decided by the served beacon.
"""

from __future__ import annotations

import uuid

import pytest
import requests

from courtlib.beacon import ChainInfo, Round, verify
from courtlib.beacon.local import LOCAL_BEACON_ID
from tests.local_stack import running_stack

PERIOD_S = 2


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("farol"), beacon_period_s=PERIOD_S) as ready:
        yield ready
    with pytest.raises(requests.ConnectionError):  # stopped with the stack
        requests.get(f"{ready['farol']['url']}/info", timeout=5)


def _orgao(url: str, token: str) -> str:
    orgao = f"FAROL-{uuid.uuid4().hex[:6].upper()}"
    judges = [{"id": f"J{n}", "nome": f"Juiz {n}", "antiguidade": n, "cadeira": f"C{n}", "presidente": n == 1}
              for n in range(1, 5)]
    made = requests.put(f"{url}/orgaos/{orgao}", json={"nome": "Pleno (farol)", "classes": ["RE"],
                        "cadeiras": [{"id": f"C{n}"} for n in range(1, 5)], "juizes": judges},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert made.status_code in (200, 201), made.text
    return orgao


def _case_number() -> str:
    from chalicelib.distribuicao.domain.cnj import CnjNumber

    return str(CnjNumber.build(uuid.uuid4().int % 9_000_000 + 1, 2026, 6, 11, 1))


def test_the_ready_file_names_the_served_beacon_and_it_answers_drands_relay_api(stack):
    farol = stack["farol"]
    assert farol["periodo_s"] == PERIOD_S and farol["id"] == LOCAL_BEACON_ID
    info = requests.get(f"{farol['url']}/info", timeout=10).json()
    chain = ChainInfo.from_json(info)  # its hash recomputed from key, genesis, period and id
    assert chain.hash_hex == farol["cadeia"] and chain.period == PERIOD_S
    latest = requests.get(f"{farol['url']}/{farol['cadeia']}/public/latest", timeout=10).json()
    assert verify(Round.from_json(chain.hash, latest), chain)


def test_a_draw_on_the_stack_is_decided_by_a_round_of_the_served_beacon(stack):
    url, token = stack["urls"]["distribuicao"], stack["tokens"]["distribuidor"]
    farol = stack["farol"]
    orgao = _orgao(url, token)
    answer = requests.post(f"{url}/distribuicoes", timeout=30, headers={"Authorization": f"Bearer {token}"},
                           json={"numero_processo": _case_number(), "orgao": orgao, "classe": "RE",
                                 "partes": ["A", "B"], "advogados": ["Adv. C"], "assuntos": ["Farol"]})
    assert answer.status_code == 201, answer.text
    decided = answer.json()["sorteio"]["farol"]
    assert decided["cadeia"] == farol["cadeia"]
    served = requests.get(f"{farol['url']}/{farol['cadeia']}/public/{decided['rodada']}", timeout=10).json()
    assert (served["signature"], served["randomness"]) == (decided["assinatura"], decided["aleatoriedade"])
    export = requests.get(f"{url}/sorteios/exportacao", params={"log": orgao}, timeout=30).json()
    assert [f["hash"] for f in export["farois"]] == [farol["cadeia"]]  # named, so no one takes it for quicknet
