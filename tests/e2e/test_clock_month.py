"""A month of the court on the local stack's clock (issue 11 §1): every schedule fires once per instant.

Its own stack (a separate process, as `make run` starts it), started on 10 March 2027: moving its
clock a month on would expire the tokens and shift the dates of the other end-to-end tests.
"""

from __future__ import annotations

from collections import Counter

import pytest
import requests

from tests.local_stack import running_stack

pytestmark = pytest.mark.e2e
START = "2027-03-10T12:00:00-03:00"
DAILY = {("distribuicao", "publish_seed_commitments"), ("distribuicao", "apply_absence_rules"),
         ("cooperacao", "monthly_close"), ("plantao", "register_served_duties"),
         ("plantao", "generate_monthly_scales"), ("pagamentos", "monthly_run")}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("relogio"), parameters={"QueueVisibilityTimeout": "1"},
                       now=START) as ready:
        yield ready


def _acted(run: dict) -> bool:
    """Whether a daily run of a monthly job did its month's work (other days it answers why not)."""
    result = run["resultado"]
    return bool(result.get("fechado") or result.get("executado") or result.get("solicitadas"))


def _plantao(stack: dict, control: str, path: str, **params: str) -> dict:
    """A GET on plantao as the presidency, with a token fresh for the clock's new day."""
    fresh = requests.get(f"{control}/tokens", timeout=10).json()
    token = fresh.get("tokens", fresh)["presidente"]
    answer = requests.get(stack["urls"]["plantao"] + path, params=params, timeout=30,
                          headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_advancing_a_month_runs_each_monthly_job_exactly_once_and_never_again(stack):
    control = stack["control_url"]
    assert requests.get(f"{control}/relogio", timeout=10).json()["hoje"] == "2027-03-10"
    answer = requests.post(f"{control}/relogio", json={"avancar": "P1M"}, timeout=600)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["relogio"]["hoje"] == "2027-04-10"
    runs = body["disparados"]
    assert [r for r in runs if "erro" in r] == []
    instants = [r["instante"] for r in runs if not r.get("agrupado")]
    assert instants == sorted(instants), "in the order AWS would have fired them"
    counts = Counter((r["servico"], r["handler"]) for r in runs if not r.get("agrupado"))
    assert {key: counts[key] for key in DAILY} == {key: 31 for key in DAILY}, "each daily schedule once a day"
    edital = [r["instante"][:10] for r in runs if r["handler"] == "publish_edital"]
    assert edital == ["2027-03-16", "2027-04-01"], "DIST edital: the 1st and the 16th"

    acted = {(r["servico"], r["handler"]): r for r in runs if r["handler"] in
             ("monthly_close", "generate_monthly_scales", "monthly_run") and _acted(r)}
    assert [(r["servico"], r["handler"], r["instante"][:10]) for r in runs
            if r["handler"] in ("monthly_close", "generate_monthly_scales", "monthly_run") and _acted(r)] == [
        ("plantao", "generate_monthly_scales", "2027-03-20"),  # PLAN: next month's drafts on the 20th
        ("cooperacao", "monthly_close", "2027-04-01"),  # COOP-11: the close on the 1st
        ("pagamentos", "monthly_run", "2027-04-05"),  # PAG: the payments run on the 5th
    ]
    assert acted[("cooperacao", "monthly_close")]["resultado"]["fechado"] == "2027-03"
    asked = acted[("plantao", "generate_monthly_scales")]["resultado"]["solicitadas"]  # PLAN-02: one per kind
    made = {i for i in asked if _plantao(stack, control, f"/geracoes/{i}")["situacao"] == "concluida"}
    scales = _plantao(stack, control, "/escalas", mes="2027-04")["itens"]
    assert made and {s["id"] for s in scales} == made, "the schedule asked, plantao's queue made April's drafts"
    sweeps = [r for r in runs if r.get("agrupado")]
    assert sorted((r["servico"], r["handler"]) for r in sweeps) == [
        ("cooperacao", "sweep_outbox"), ("distribuicao", "resolve_pending_acts"), ("distribuicao", "sweep_outbox"),
        ("pagamentos", "sweep_outbox"), ("plantao", "sweep_outbox"),
    ], "housekeeping (the outbox sweeps, the draws awaiting their round) coalesced into one run per advance"

    nothing = requests.post(f"{control}/relogio", json={"avancar": "PT0S"}, timeout=60).json()
    assert nothing["disparados"] == [], "an interval already crossed runs nothing again"
    hour = requests.post(f"{control}/relogio", json={"avancar": "PT1H"}, timeout=60).json()
    assert [r for r in hour["disparados"] if not r.get("agrupado")] == []

    backwards = requests.post(f"{control}/relogio", json={"agora": START}, timeout=10)
    assert backwards.status_code == 409 and backwards.json()["code"] == "RELOGIO_NAO_VOLTA"
    assert "não volta no tempo" in backwards.json()["detail"]
    assert requests.get(f"{control}/relogio", timeout=10).json()["hoje"] == "2027-04-10"
