"""verify_draws.py's beacon check (DIST-11): the round fixed at registration is after the commit, its
randomness is sha256 of its signature, its BLS signature is the recorded chain's; without the BLS package
the signature is reported as not verified, never as valid. Records without a beacon keep today's verdicts
(tests/unit/distribuicao/test_verifier.py)."""

from __future__ import annotations

import ast
import copy
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from chalicelib.distribuicao.domain.draw import DistributionRequest, OrgaoState, distribute

from courtlib.beacon import QUICKNET
from courtlib.beacon.local import LocalBeacon
from tests.unit.distribuicao.support import DAY, VERIFIER, at, case, export, load_verifier, pleno, seed_for

DATA = json.loads((Path(__file__).parents[2] / "data" / "drand" / "quicknet.json").read_text())
V = load_verifier()
COMMITTED = at(DAY, 9)


def with_beacon(beacon: LocalBeacon, *, number: int | None = None, randomness: str | None = None) -> dict:
    """A one-draw export whose record carries the local beacon's deciding round, rebuilt as the service will
    write it: the value from seed and round, the winner, its +1, the record's hash and the head."""
    decision = distribute(OrgaoState(pleno()), DistributionRequest(case(1, "RE")), seed=seed_for(DAY), now=COMMITTED)
    data = export([decision], today=DAY + timedelta(days=1))
    data["farois"] = [beacon.info.to_json()]
    reg = data["registros"][0]
    number = number or beacon.info.first_round_after(datetime.fromisoformat(reg["registrado_em"]))
    round_ = beacon.round(number)
    reg["farol"] = {"cadeia": beacon.info.hash_hex, "rodada": number, "assinatura": round_.signature.hex(),
                    "aleatoriedade": randomness or round_.randomness.hex()}
    seed = bytes.fromhex(data["sementes"][0]["semente"])
    value, index, winner = V.sorteado(seed, reg["log"], reg["processo"], 1, reg["candidatos"],
                                      reg["farol"]["aleatoriedade"])
    reg.update(valor=value, indice=index, resultado=dict(reg["resultado"], unidade=winner),
               deltas=[{"unidade": winner, "classe": reg["classe_contagem"], "delta": 1}])
    reg["hash"] = V.hash_do_registro(reg)
    data["cabeca"] = {"seq": 1, "hash": reg["hash"]}
    return data


@pytest.fixture
def beacon():
    return LocalBeacon(now=lambda: COMMITTED + timedelta(days=1))


def quicknet_check(round_: dict, chain: dict | None = None) -> tuple[str, str]:
    return V.assinatura_do_farol(chain or DATA["chain"], round_["round"], round_["signature"], round_["randomness"])


def test_dist_11_the_verifier_finds_every_recorded_quicknet_round_valid():
    assert {quicknet_check(r)[0] for r in DATA["rounds"]} == {V.VALIDA}


def test_dist_11_the_verifier_refuses_forged_quicknet_rounds():
    a, b = DATA["rounds"][3], DATA["rounds"][4]
    other_sig = dict(a, signature=b["signature"], randomness=b["randomness"])
    assert quicknet_check(other_sig)[0] == V.INVALIDA
    assert quicknet_check(dict(a, round=a["round"] + 1))[0] == V.INVALIDA
    assert quicknet_check(dict(a, randomness=b["randomness"]))[0] == V.INVALIDA
    swapped_key = dict(DATA["chain"], public_key=DATA["other_chains"][1]["chain"]["public_key"])
    assert quicknet_check(a, swapped_key) == (V.INVALIDA, "o hash da cadeia não confere com os seus parâmetros")


def test_dist_11_the_verifier_pins_quicknet_and_recomputes_chain_hashes_like_drand():
    assert QUICKNET.to_json() == {k: v for k, v in V.QUICKNET.items()}
    assert V.hash_da_cadeia(DATA["other_chains"][0]["chain"]) == DATA["other_chains"][0]["chain"]["hash"]


def test_dist_11_without_the_bls_package_a_signature_is_not_verified_and_never_valid(monkeypatch, beacon, tmp_path):
    monkeypatch.setattr(V, "_bls", lambda: None)
    assert quicknet_check(DATA["rounds"][0]) == (V.NAO_VERIFICADA, "instale o pacote py-arkworks-bls12381 para "
                                                                   "verificar a assinatura BLS")
    data = with_beacon(beacon)
    rel = V.verificar(data)
    assert rel.problemas == [] and rel.farois_nao_verificados == [1] and rel.farois_verificados == 0
    text = V.texto_do_relatorio(data, rel)
    assert "NÃO VERIFICADO" in text and "py-arkworks-bls12381" in text and "log íntegro" not in text
    path = tmp_path / "exportacao.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert V.main([str(path)]) == 4


def test_dist_11_a_draw_decided_by_the_local_beacon_verifies_and_says_it_is_not_the_league(beacon, tmp_path, capsys):
    data = with_beacon(beacon)
    rel = V.verificar(data)
    assert rel.problemas == [] and rel.farois_verificados == 1 and rel.sorteios_verificados == 1
    path = tmp_path / "exportacao.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert V.main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "NÃO é a quicknet da League of Entropy" in out and beacon.info.hash_hex in out


def test_dist_11_a_round_published_before_the_commit_is_reported(beacon):
    early = beacon.info.round_at(COMMITTED)
    rel = V.verificar(with_beacon(beacon, number=early))
    assert any("publicada antes do registro" in p for p in rel.problemas)


def test_dist_11_a_later_round_than_the_first_after_the_commit_is_reported(beacon):
    late = beacon.info.first_round_after(COMMITTED) + 5
    rel = V.verificar(with_beacon(beacon, number=late))
    assert any("não é a primeira depois do registro" in p for p in rel.problemas)


def test_dist_11_an_edited_randomness_is_reported_even_with_the_chain_rebuilt(beacon):
    data = with_beacon(beacon, randomness="ab" * 32)
    rel = V.verificar(data)
    assert any("aleatoriedade não é o sha256" in p for p in rel.problemas)


def test_dist_11_a_round_swapped_after_the_fact_breaks_the_draw(beacon):
    data = with_beacon(beacon)
    forged = copy.deepcopy(data)
    other = beacon.round(forged["registros"][0]["farol"]["rodada"] + 1)
    forged["registros"][0]["farol"].update(assinatura=other.signature.hex(), aleatoriedade=other.randomness.hex())
    forged["registros"][0]["hash"] = V.hash_do_registro(forged["registros"][0])
    forged["cabeca"]["hash"] = forged["registros"][0]["hash"]
    rel = V.verificar(forged)
    assert any("[FAROL]" in p and "assinatura BLS" in p for p in rel.problemas)
    assert any("[SORTEIO]" in p and "valor aleatório" in p for p in rel.problemas)


def test_dist_11_an_unknown_chain_is_reported(beacon):
    data = with_beacon(beacon)
    data["farois"] = []
    assert any("cadeia do farol desconhecida" in p for p in V.verificar(data).problemas)


def test_dist_11_the_verifier_leaves_the_standard_library_only_for_the_named_bls_package():
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= set(sys.stdlib_module_names)
    assert V.MODULO_BLS == "py_arkworks_bls12381" and V.PACOTE_BLS == "py-arkworks-bls12381"


def test_dist_11_an_export_cannot_redeclare_quicknet_with_another_key(beacon):
    """The verifier keeps its pinned quicknet even when the export declares a chain under quicknet's hash."""
    data = with_beacon(beacon)
    impostor = dict(beacon.info.to_json(), hash=QUICKNET.hash_hex)
    data["farois"] = [impostor]
    reg = data["registros"][0]
    reg["farol"]["cadeia"] = QUICKNET.hash_hex
    reg["hash"] = V.hash_do_registro(reg)
    data["cabeca"]["hash"] = reg["hash"]
    rel = V.verificar(data)
    assert any("[FAROL]" in p and "assinatura BLS" in p for p in rel.problemas)
