"""The standalone verifier (DIST-11): run as a citizen would, on good and tampered exports, and shown to
pick the same judge as the domain (two implementations of one rule)."""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import subprocess
import sys
from datetime import timedelta

import pytest
from chalicelib.distribuicao.domain.draw import (
    AssignedCase,
    DistributionRequest,
    OrgaoState,
    PreventionKind,
    RedistributionReason,
    RelatedCase,
    distribute,
    execute_all,
    manual_draw,
    plan_absences,
    redistribute,
)
from chalicelib.distribuicao.domain.equality import select_candidates
from chalicelib.distribuicao.domain.log import canonical_json
from chalicelib.distribuicao.domain.randomness import derive_value, pick_index
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.distribuicao.support import DAY, VERIFIER, absent, at, case, cnj, export, load_verifier, pleno, seed_for

DAY2 = DAY + timedelta(days=1)
DAY3 = DAY + timedelta(days=2)


def build_scenario():
    """Three days of a Pleno: draws, a secret case, revisor classes, prevention, a manual draw,
    an impediment, an urgent case of an absent judge."""
    state = OrgaoState(pleno())
    decisions = []

    def add(decision):
        nonlocal state
        state = state.apply(decision)
        decisions.append(decision)
        return decision

    minute = iter(range(10_000))

    def now(day):
        return at(day, 9) + timedelta(minutes=next(minute))

    for n, classe in enumerate(["RE", "RE", "PC", "AIME", "RE", "HC", "RE"], start=1):
        add(distribute(state, DistributionRequest(case(n, classe, secret=(n == 2))), seed=seed_for(DAY), now=now(DAY)))
    first = decisions[0]
    related = RelatedCase(cnj(1), PreventionKind.CONEXAO, first.relator_id, first.unit)
    add(distribute(state, DistributionRequest(case(8), related=related), seed=seed_for(DAY), now=now(DAY)))
    candidates = select_candidates(state.counters.before(["C2", "C3", "C4", "C5", "C6", "C7"], "RE"))
    add(manual_draw(
        state, DistributionRequest(case(9)), chosen_seat=candidates[-1], witnesses=["Ana", "Bruno"], ata="Ata 3/2026",
        authorized_by="Presidente", held_at=now(DAY2) - timedelta(hours=1), now=now(DAY2),
    ))
    target = first.assigned(case(1))
    add(redistribute(state, target, RedistributionReason.IMPEDIMENTO, seed=seed_for(DAY2), now=now(DAY2)))
    for n in range(10, 14):
        add(distribute(state, DistributionRequest(case(n, "RE")), seed=seed_for(DAY2), now=now(DAY2)))
    absent_seat = decisions[-1].unit
    judge = state.orgao.status(absent_seat, DAY3).titular
    if absent_seat in ("C2", "C3"):  # seats with substitutes: make the absence one without
        absent_seat, judge = "C5", state.orgao.judge("J5")
    from dataclasses import replace

    judges = tuple(replace(j, **absent(DAY3)) if j.id == judge.id else j for j in state.orgao.judges)
    orgao = replace(state.orgao, judges=judges)
    state = replace(state, orgao=orgao)
    urgent = AssignedCase(case(99, urgent=True), absent_seat, judge.id)
    _, moved = execute_all(state, plan_absences(state, [urgent], on=DAY3), seed=seed_for(DAY3), now=now(DAY3))
    for d in moved:
        add(d)
    add(distribute(state, DistributionRequest(case(14, "PC")), seed=seed_for(DAY3), now=now(DAY3)))
    return decisions


@pytest.fixture(scope="module")
def good_export():
    decisions = build_scenario()
    modes = {d.record.mode for d in decisions}
    assert modes == {"sorteio", "sorteio_manual", "atribuicao"}
    assert any(d.record.rule == "urgencia_ausencia" for d in decisions)
    return export(decisions, today=DAY3 + timedelta(days=1))


def run(doc, tmp_path, *extra):
    path = tmp_path / "exportacao.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    # -I: isolated mode, no PYTHONPATH and no site packages of the project — as on a citizen's machine
    done = subprocess.run(
        [sys.executable, "-I", str(VERIFIER), str(path), *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    return done.returncode, done.stdout


def reseal(record):
    body = {k: v for k, v in record.items() if k not in ("hash", "detalhes")}
    record["hash"] = hashlib.sha256(canonical_json(body)).hexdigest()


def rechain(doc):
    previous = "0" * 64
    for record in doc["registros"]:
        record["hash_anterior"] = previous
        reseal(record)
        previous = record["hash"]
    doc["cabeca"] = {"seq": doc["registros"][-1]["seq"], "hash": previous}


def sorteio_index(doc, nth=2):
    return [i for i, r in enumerate(doc["registros"]) if r["modo"] == "sorteio"][nth]


def test_dist_11_verifier_accepts_an_untouched_export(good_export, tmp_path):
    code, out = run(good_export, tmp_path)
    assert code == 0, out
    assert "RESULTADO: log íntegro" in out
    drawn = sum(r["modo"] == "sorteio" for r in good_export["registros"])
    assert f"Sorteios conferidos: {drawn};" in out and "sorteios manuais: 1" in out


def test_dist_11_verifier_reports_an_edited_record(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    i = sorteio_index(doc)
    others = [c for c in doc["registros"][i]["elegiveis"] if c != doc["registros"][i]["resultado"]["unidade"]]
    doc["registros"][i]["resultado"]["unidade"] = others[0]
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[ALTERADO] registro seq {doc['registros'][i]['seq']}" in out, out


def test_dist_11_verifier_reports_an_edited_record_whose_hash_was_recomputed(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    i = sorteio_index(doc)
    doc["registros"][i]["registrado_em"] = doc["registros"][i]["registrado_em"].replace("T09", "T08")
    reseal(doc["registros"][i])
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[ENCADEAMENTO] registro seq {doc['registros'][i]['seq'] + 1}" in out, out


def test_dist_11_a_forger_who_rebuilds_the_whole_chain_still_cannot_change_a_draw(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    i = sorteio_index(doc)
    record = doc["registros"][i]
    other = next(c for c in record["candidatos"] + record["elegiveis"] if c != record["resultado"]["unidade"])
    record["resultado"]["unidade"] = other
    record["deltas"] = [{"unidade": other, "classe": record["classe_contagem"], "delta": 1}]
    rechain(doc)
    code, out = run(doc, tmp_path)
    assert code == 1 and "[SORTEIO]" in out and "[ALTERADO]" not in out, out


def test_dist_11_forged_counts_are_caught_even_with_a_rebuilt_chain(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    i = sorteio_index(doc, 4)
    record = doc["registros"][i]
    unit = record["elegiveis"][0]
    record["contagens_antes"][unit]["classe"] += 5
    record["contagens_antes"][unit]["total"] += 5
    rechain(doc)
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[CONTAGEM] registro seq {record['seq']}: contagem anterior de {unit}" in out, out


def test_dist_11_hidden_count_changes_are_caught(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    prevention = next(r for r in doc["registros"] if r["regra"] == "prevencao")
    prevention["deltas"].append({"unidade": "C2", "classe": prevention["classe_contagem"], "delta": 3})
    rechain(doc)
    code, out = run(doc, tmp_path)
    assert code == 1, out
    assert f"[CONTAGEM] registro seq {prevention['seq']}: alterações de contagem incompatíveis" in out, out


def test_dist_09_dist_11_manual_draw_without_witnesses_is_reported(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    manual = next(r for r in doc["registros"] if r["modo"] == "sorteio_manual")
    manual["manual"]["testemunhas"] = ["Ana"]
    rechain(doc)
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[MANUAL] registro seq {manual['seq']}" in out, out


def test_dist_11_verifier_reports_a_deleted_record(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    removed = doc["registros"].pop(4)
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[AUSENTE] falta(m) o(s) registro(s) seq {removed['seq']}" in out, out


def test_dist_11_verifier_reports_two_swapped_records(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    regs = doc["registros"]
    regs[3], regs[4] = regs[4], regs[3]
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[FORA DE ORDEM] registro seq {regs[4]['seq']}" in out, out


def test_dist_11_verifier_reports_an_inserted_record(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    fake = copy.deepcopy(doc["registros"][5])
    fake["processo"] = str(cnj(777))
    reseal(fake)
    doc["registros"].insert(6, fake)
    code, out = run(doc, tmp_path)
    assert code == 1 and f"[INSERIDO] há dois registros com seq {fake['seq']}" in out, out


def test_dist_11_verifier_reports_a_seed_that_does_not_match_its_commitment(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    seed = doc["sementes"][1]
    seed["semente"] = hashlib.sha256(b"outra semente").hexdigest()
    code, out = run(doc, tmp_path)
    assert code == 1, out
    assert f"[SEMENTE] a semente do dia {seed['dia']} não confere com o compromisso publicado" in out
    assert "[SORTEIO]" in out and "não verificável" in out


def test_dist_11_verifier_reports_truncation_against_the_published_head(good_export, tmp_path):
    published = good_export["cabeca"]["hash"]
    doc = copy.deepcopy(good_export)
    doc["registros"].pop()
    code, out = run(doc, tmp_path)
    assert code == 1 and "[CABEÇA]" in out
    doc["cabeca"] = {"seq": doc["registros"][-1]["seq"], "hash": doc["registros"][-1]["hash"]}
    assert run(doc, tmp_path)[0] == 0  # a consistent truncation is only caught with the published head
    code, out = run(doc, tmp_path, "--cabeca-publicada", published)
    assert code == 1 and "[CABEÇA] o hash publicado" in out


def test_dist_08_dist_11_verifier_checks_published_parties_and_secrecy(good_export, tmp_path):
    doc = copy.deepcopy(good_export)
    open_record = next(r for r in doc["registros"] if r["dados_hash"] and not r["sigilo"])
    open_record["detalhes"]["partes"][0] = "Outra Pessoa"
    code, out = run(doc, tmp_path)
    assert code == 1 and "[DADOS]" in out
    doc = copy.deepcopy(good_export)
    secret = next(r for r in doc["registros"] if r["sigilo"])
    assert secret["detalhes"] == {"partes": "SEGREDO DE JUSTIÇA", "advogados": "SEGREDO DE JUSTIÇA"}
    secret["detalhes"] = {"partes": ["Fulano"], "advogados": []}
    code, out = run(doc, tmp_path)
    assert code == 1 and "[SIGILO]" in out


def test_dist_11_draws_whose_seed_is_not_revealed_yet_are_pending(tmp_path):
    decisions = build_scenario()
    doc = export(decisions, today=DAY3)  # DAY3's seed is still secret
    code, out = run(doc, tmp_path)
    assert code == 3 and "PENDENTE" in out, out


def test_dist_11_unreadable_export(tmp_path):
    assert run({"formato": "outro"}, tmp_path)[0] == 2
    path = tmp_path / "x.json"
    path.write_text("{", encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", str(VERIFIER), str(path)], capture_output=True, text=True)
    assert done.returncode == 2 and "ERRO" in done.stdout


def test_dist_11_verifier_uses_only_the_standard_library():
    tree = ast.parse(VERIFIER.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0
            names.add(node.module.split(".")[0])
    assert names - {"__future__"} <= set(sys.stdlib_module_names), names


units = st.lists(
    st.sampled_from(["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C10", "ZE-001", "ZE-037"]), min_size=1, unique=True
)


@settings(max_examples=300, deadline=None)
@given(
    units.flatmap(lambda us: st.fixed_dictionaries({u: st.tuples(st.integers(-3, 6), st.integers(0, 12)) for u in us})),
    st.binary(min_size=32, max_size=32),
    st.integers(0, 9_999_999),
    st.integers(1, 10**6),
    st.sampled_from(["TRE-MT:PLENO", "TRE-MT:PRECATORIAS:5103403", "órgão-ç"]),
)
def test_dist_11_domain_and_verifier_pick_the_same_judge(counts, seed, sequential, seq, log_id):
    verifier = load_verifier()
    number = cnj(sequential or 1)
    domain_cands = select_candidates(counts)
    value = derive_value(seed, log_id, number.digits, seq)
    domain_choice = domain_cands[pick_index(value, len(domain_cands))]
    recorded = {u: {"classe": c, "total": t} for u, (c, t) in counts.items()}
    verifier_cands = verifier.candidatos_pela_regra(recorded)
    value_hex, index, verifier_choice = verifier.sorteado(seed, log_id, str(number), seq, verifier_cands)
    assert verifier_cands == domain_cands
    assert (value_hex, verifier_choice) == (value.hex(), domain_choice)
