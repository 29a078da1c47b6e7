"""Issue 15 in the presidency's console, in headless Chromium over one local stack on 01/03/2027: a scale's draft is
asked with "Gerar rascunho" (``POST /escalas`` answers 202 at once, the draft is made on plantão's queue), the
screen says it is pending or "em andamento" while it polls ``GET /geracoes/{escala}``, then shows the draft in the
month's table; asking again for a month that has its draft shows the rule's refusal (PLAN-02)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Api, login
from tests.local_stack import running_stack

START = "2027-03-01T08:00:00-03:00"
CORS = {"Access-Control-Allow-Origin": "*"}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("web-geracao"), now=START) as ready:
        yield Api(ready)


def test_plan_02_the_presidency_asks_for_a_draft_sees_it_in_progress_then_the_scale(api, new_page):
    page = new_page()
    polled: list[str] = []

    def first_poll_in_progress(route):
        """The first poll is answered "em_andamento" (the consumer may be quicker than the screen); the next ones
        reach the service."""
        polled.append(route.request.url)
        if len(polled) > 1:
            route.continue_()
            return
        body = {"competencia": "2027-04", "situacao": "em_andamento", "escala": "2027-04-segundo_grau",
                "tipo": "segundo_grau", "execucao": 1}
        route.fulfill(status=200, content_type="application/json", headers=CORS, body=json.dumps(body))

    page.route("**/geracoes/**", first_poll_in_progress)
    login(page, api.web, "presidente")
    form = page.locator("#gerar-escala")
    form.locator("[name=mes]").fill("2027-04")
    form.locator("[name=tipo]").select_option("segundo_grau")
    form.get_by_role("button", name="Gerar rascunho").click()
    shown = form.locator(".resultado")
    expect(shown).to_contain_text("Geração da escala 2027-04-segundo_grau solicitada: em andamento")
    expect(shown).to_contain_text("Rascunho 2027-04-segundo_grau gerado com", timeout=60_000)
    row = page.locator("#escalas tbody tr", has_text="2027-04-segundo_grau")
    expect(row).to_contain_text("rascunho")
    expect(row.get_by_role("button", name="Aprovar 2º grau")).to_be_visible()
    assert len(polled) >= 2 and all(u.endswith("/geracoes/2027-04-segundo_grau") for u in polled)
    stored = api.call("plantao", "GET", "/escalas/2027-04-segundo_grau", "presidente")
    assert stored["status"] == "rascunho" and stored["plantoes"]

    form.get_by_role("button", name="Gerar rascunho").click()  # the same month and kind: it exists now
    expect(form.locator(".alerta").first).to_contain_text("PLAN-02")
    expect(form).not_to_contain_text("{")
    assert not page.errors
