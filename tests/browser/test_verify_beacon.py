"""DIST-11 / issue 16: the browser verifier (web/js/verify.js + farol.js) checks each draw's beacon round — the first
round after the commit, and its BLS signature (bls-unchained-g1-rfc9380) with the vendored @noble/curves — on the
real quicknet rounds recorded in tests/data/drand/quicknet.json, and refuses a forged one; its verdict and first
problem are verify_draws.py's. Without the library the page says the signature was NOT verified, never that it
is valid.

The exports are built with the distribuicao domain (each draw decided by its round, as the service decides it),
and verified offline through the page's file form: only web/ is served (devstack.web), no stack.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from chalicelib.distribuicao.domain.draw import DistributionRequest, OrgaoState, distribute
from chalicelib.distribuicao.domain.log import BeaconRound
from playwright.sync_api import expect

from courtlib.beacon import QUICKNET
from courtlib.beacon.local import LocalBeacon
from devstack.web import WebServer
from tests.browser.conftest import axe_violations, screenshot
from tests.unit.distribuicao.support import TZ, VERIFIER, case, export, pleno, seed_for, thread

ROOT = Path(__file__).resolve().parents[2]
DATA = json.loads((ROOT / "tests" / "data" / "drand" / "quicknet.json").read_text())
ROUNDS = sorted(DATA["rounds"], key=lambda r: r["round"])
BY_NUMBER = {r["round"]: r for r in ROUNDS}
Decided = tuple[BeaconRound, datetime, float]  # the round, when it was published, seconds committed before it


def _no_login(user: str, password: str) -> str:
    raise AssertionError("a verificação de um arquivo não entra no sistema")


@pytest.fixture(scope="module")
def web():
    server = WebServer(lambda: {}, _no_login, port=0)
    server.start()
    yield server.url
    server.stop()


def beacon_export(decided: list[Decided]) -> dict:
    """A log whose draws are each decided by ``(round, when it was published, seconds before that the case was
    committed)``, built as the service builds it (seed of the day + the round's randomness), every seed revealed."""
    state, decisions = OrgaoState(pleno()), []
    for seq, (round_, published, before) in enumerate(decided, start=1):
        committed = (published - timedelta(seconds=before)).astimezone(TZ)
        decision = distribute(state, DistributionRequest(case(seq, "RE")), seed=seed_for(committed.date()),
                              now=committed, beacon=round_)
        state = thread(state, decisions, decision)
    last = max(date.fromisoformat(d.record.recorded_at[:10]) for d in decisions)
    return export(decisions, today=last + timedelta(days=1))


def on_quicknet(number: int, *, signature_of: int | None = None, before: float = 1) -> Decided:
    """A recorded quicknet round, committed ``before`` seconds before it; ``signature_of``: forged with another real
    round's signature (and its consistent randomness), so that only the BLS check can tell."""
    signed = BY_NUMBER[signature_of or number]
    return (BeaconRound(QUICKNET.hash_hex, number, signed["signature"], signed["randomness"]),
            QUICKNET.round_time(number), before)


def verify_in_page(page, web: str, exported: dict, tmp_path: Path, name: str) -> tuple[str | None, Any]:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    script = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=120)
    page.goto(f"{web}/distribuicoes.html")
    page.set_input_files("#exportacao", str(path))
    page.get_by_role("button", name="Verificar o arquivo").click()
    result = page.locator("#verificacao [data-resultado]")
    expect(result).to_be_visible(timeout=60_000)
    return result.get_attribute("data-resultado"), script


def first_problem(script: subprocess.CompletedProcess) -> str:
    return next(line.strip() for line in script.stdout.splitlines() if line.startswith("  ["))


def test_dist_11_the_recorded_real_quicknet_rounds_verify_in_the_browser(web, new_page, tmp_path):
    exported = beacon_export([on_quicknet(r["round"]) for r in ROUNDS])
    page = new_page(bypass_csp=True)  # for axe-core's inline script; the page's own scripts are all 'self'
    shown, script = verify_in_page(page, web, exported, tmp_path, "quicknet")
    assert script.returncode == 0, script.stdout[-800:]
    assert shown == "ok"
    summary = page.locator("#verificacao .farol-resumo")
    expect(summary).to_have_attribute("data-verificadas", str(len(ROUNDS)))
    expect(summary).to_have_attribute("data-nao-verificadas", "0")
    expect(summary).to_contain_text(f"{len(ROUNDS)} com assinatura verificada")
    expect(page.locator("#verificacao .farol-local")).to_have_count(0)  # quicknet: no warning
    screenshot(page, "distribuicoes-farol-quicknet")
    assert axe_violations(page) == []
    assert not page.errors


def test_dist_11_a_forged_round_is_refused_in_the_browser_as_by_verify_draws(web, new_page, tmp_path):
    """Round 30662990 carrying 30662992's real signature, the draw rebuilt on it: chain, seed and value all agree,
    only the BLS signature does not."""
    exported = beacon_export([on_quicknet(30662982), on_quicknet(30662990, signature_of=30662992)])
    page = new_page()
    shown, script = verify_in_page(page, web, exported, tmp_path, "forjada")
    assert script.returncode == 1 and shown == "problemas"
    expected = first_problem(script)
    assert expected == ("[FAROL] registro seq 2: rodada 30662990 do farol inválida: a assinatura BLS não é da cadeia "
                        "para esta rodada")
    expect(page.locator("#verificacao .primeiro-problema")).to_have_text(expected)
    expect(page.locator("#verificacao .farol-resumo")).to_have_attribute("data-verificadas", "1")
    assert not page.errors


def test_dist_11_a_round_that_is_not_the_first_after_the_commit_is_reported_in_the_browser(web, new_page, tmp_path):
    exported = beacon_export([on_quicknet(30663002, before=10)])  # committed 10 s (three rounds) before it
    page = new_page()
    shown, script = verify_in_page(page, web, exported, tmp_path, "tardia")
    assert script.returncode == 1 and shown == "problemas"
    assert "não é a primeira depois do registro" in first_problem(script)
    expect(page.locator("#verificacao .primeiro-problema")).to_have_text(first_problem(script))


def test_dist_11_without_the_bls_library_the_page_says_not_verified_never_valid(web, new_page, tmp_path):
    exported = beacon_export([on_quicknet(r) for r in (30662982, 30662990)])
    page = new_page()
    page.route("**/vendor/noble-bls12-381.js", lambda route: route.abort())
    shown, _ = verify_in_page(page, web, exported, tmp_path, "sem-biblioteca")
    assert shown == "nao_verificado"
    verdict = page.locator("#verificacao [data-resultado]")
    expect(verdict).to_contain_text("assinatura não verificada no navegador — use scripts/verify_draws.py")
    expect(page.locator("#verificacao .farol-resumo")).to_have_attribute("data-verificadas", "0")
    expect(page.locator("#verificacao .farol-resumo")).to_have_attribute("data-nao-verificadas", "2")
    expect(page.locator("#verificacao")).not_to_contain_text("OK: o log confere")
    screenshot(page, "distribuicoes-farol-nao-verificado")


def test_dist_11_a_draw_of_the_local_beacon_verifies_and_is_marked_as_not_the_league(web, new_page, tmp_path):
    beacon = LocalBeacon(period=1, now=lambda: QUICKNET.round_time(40_000_000))
    number = beacon.current_number() - 100
    signed = beacon.round(number)
    round_ = BeaconRound(beacon.info.hash_hex, number, signed.signature.hex(), signed.randomness.hex())
    exported = beacon_export([(round_, beacon.info.round_time(number), 0.5)])
    exported["farois"] = [beacon.info.to_json()]
    page = new_page()
    shown, script = verify_in_page(page, web, exported, tmp_path, "farol-local")
    assert script.returncode == 0 and shown == "ok"
    expect(page.locator("#verificacao .farol-local")).to_contain_text("NÃO é a quicknet da League of Entropy")
    expect(page.locator("#verificacao .farol-local")).to_contain_text(beacon.info.hash_hex)


def test_the_vendored_library_is_the_one_its_manifest_names():
    manifest = json.loads((ROOT / "web" / "vendor" / "MANIFEST.json").read_text())
    data = (ROOT / manifest["arquivo"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == manifest["sha256"], "web/vendor/build.sh (make vendor-web) refaz"
    assert manifest["pacotes"]["@noble/curves"]["versao"] == "2.4.0"
    assert data.startswith(b"// @noble/curves 2.4.0")
