"""More console journeys of issue 14 in headless Chromium, over one local stack whose clock starts on 01/03/2027 08:00.

In file order, the clock only moving forward: the admin registers a municipal holiday (seen on the public Calendário),
registers and revokes a partner court's key, looks at the dead-letter queues; the gestor extends one cooperation and
ends another early, the API's refusal shown next to "Novo fim" when the direction is wrong (COOP-10); on 02/04 DIMAG
runs March, the Presidência signs the memo and DIMAG sends it (PAG-10). Preconditions the console has no screen for
(the servants' requests, their ponto) are set up through the API.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Api, login, screenshot
from tests.local_stack import running_stack

START = "2027-03-01T08:00:00-03:00"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    parameters = {"QueueVisibilityTimeout": "1"}
    with running_stack(tmp_path_factory.mktemp("web-more"), parameters=parameters, now=START) as ready:
        yield Api(ready)


@pytest.fixture(scope="module")
def facts() -> dict:
    return {}


def cooperation(api: Api, servant: str, lotacao: str, fim: str) -> str:
    body = {"unidade_lotacao": lotacao, "unidade_cooperada": "1VC-CBA", "modalidade": "M4",
            "inicio": "2027-03-02", "fim": fim}
    request_id = api.call("cooperacao", "POST", "/cooperacoes", servant, body)["id"]
    api.call("cooperacao", "POST", f"/cooperacoes/{request_id}/decisao", "gestor.vara1",
             {"deferir": True, "meta": "20 minutas por mês"})
    return request_id


# ------------------------------------------------------------------------------------------- admin, 01/03


def test_01_admin_adds_a_municipal_holiday_seen_on_the_public_calendar(api, new_page):
    """CAL-01: a day registered in the console is a day without expediente on the public Calendário."""
    page = new_page()
    login(page, api.web, "admin.ti")
    form = page.locator("#dia-calendario")
    form.locator("[name=data]").fill("2027-04-08")
    form.locator("[name=tipo]").select_option("feriado_municipal")
    form.locator("[name=municipio]").fill("Cuiabá")
    form.locator("[name=descricao]").fill("Aniversário de Cuiabá")
    form.get_by_role("button", name="Registrar").click()
    expect(form.locator(".resultado")).to_contain_text("Dia 2027-04-08 registrado: Aniversário de Cuiabá")
    screenshot(page, "console-admin-calendario")

    citizen = new_page()
    citizen.goto(f"{api.web}/calendario.html?mes=2027-04")
    citizen.fill("#municipio", "Cuiabá")
    citizen.locator("#filtro button[type=submit]").click()
    row = citizen.locator("#dias tbody tr", has_text="08/04/2027")
    expect(row).to_contain_text("Aniversário de Cuiabá")
    screenshot(citizen, "calendario-feriado-municipal")
    assert not page.errors and not citizen.errors


def test_02_admin_registers_a_partner_key_shown_once_and_revokes_it(api, new_page):
    page = new_page()
    login(page, api.web, "admin.ti")
    form = page.locator("#parceiro")
    form.locator("[name=servico]").select_option("distribuicao")
    form.locator("[name=id]").fill("TRE-GO")
    form.locator("[name=nome]").fill("Tribunal Regional Eleitoral de Goiás")
    form.get_by_role("button", name="Registrar chave").click()
    expect(form.locator(".resultado")).to_contain_text("Parceiro TRE-GO registrado")
    secret = form.locator(".resultado .codigo").inner_text().strip()
    assert len(secret) >= 32, secret
    screenshot(page, "console-admin-parceiro")
    # shown once: a new session of the console does not show it again
    again = new_page()
    login(again, api.web, "admin.ti")
    expect(again.locator("#parceiros")).to_be_visible()
    expect(again.locator("body")).not_to_contain_text(secret)

    revoke = page.locator("#revogar-parceiro")
    revoke.locator("[name=servico]").select_option("distribuicao")
    revoke.locator("[name=id]").fill("TRE-GO")
    revoke.get_by_role("button", name="Revogar chave").click()
    expect(revoke.locator(".resultado")).to_contain_text("Chave do parceiro TRE-GO revogada")
    # an unknown partner: the API's 404 in Portuguese, never raw JSON
    revoke.locator("[name=id]").fill("TRE-XX")
    revoke.get_by_role("button", name="Revogar chave").click()
    expect(revoke.locator(".alerta.erro, .erro-campo").first).to_contain_text("não cadastrado")
    expect(revoke).not_to_contain_text("{")
    assert not page.errors


def test_03_admin_sees_the_dead_letter_queues(api, new_page):
    page = new_page()
    login(page, api.web, "admin.ti")
    queues = page.locator("#dlq")
    expect(queues.locator("table")).to_be_visible()
    total = sum(api.call("cooperacao" if s == "cooperacao" else s, "GET", "/admin/dlq", "admin.ti")["total_aproximado"]
                for s in ("cooperacao", "plantao", "distribuicao", "pagamentos"))
    if total == 0:
        expect(queues).to_contain_text("Nenhuma mensagem nas filas mortas")
        expect(queues.get_by_role("button")).to_have_count(0)
    else:
        button = queues.get_by_role("button", name=re.compile("^Reprocessar")).first
        button.click()
        expect(queues.locator(".alerta.sucesso")).to_contain_text("devolvida(s) à fila")
    screenshot(page, "console-admin-dlq")
    assert not page.errors


# ------------------------------------------------------------------------------------------- gestor, 02/03


def test_04_gestor_extends_one_cooperation_and_ends_another_early(api, new_page, facts):
    """COOP-10: prorrogação needs a later end, término an earlier one; the refusal is shown next to "Novo fim"."""
    api.advance_to("2027-03-02T09:00:00-03:00")
    ana = cooperation(api, "servidor.ana", "1VC-CBA", "2027-06-30")
    bruno = cooperation(api, "servidor.bruno", "GAB-C3", "2027-06-30")
    facts["ana"] = ana
    page = new_page()
    login(page, api.web, "gestor.vara1")
    form = page.locator("#prazo")
    form.locator("[name=cooperacao]").fill(ana)
    form.locator("[name=acao]").select_option("prorrogacao")
    form.locator("[name=fim]").fill("2027-05-31")  # earlier: not a prorrogação
    form.get_by_role("button", name="Alterar o fim").click()
    fim = form.locator("[name=fim]")
    expect(fim).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".erro-campo")).to_be_visible()
    expect(form).not_to_contain_text("{")
    screenshot(page, "console-gestor-prorrogacao-recusada")
    fim.fill("2027-07-31")
    form.get_by_role("button", name="Alterar o fim").click()
    expect(form.locator(".resultado")).to_contain_text(f"Cooperação {ana}: fim em 31/07/2027")

    form.locator("[name=cooperacao]").fill(bruno)
    form.locator("[name=acao]").select_option("termino")
    form.locator("[name=fim]").fill("2027-04-30")
    form.get_by_role("button", name="Alterar o fim").click()
    expect(form.locator(".resultado")).to_contain_text(f"Cooperação {bruno}: fim em 30/04/2027")
    screenshot(page, "console-gestor-prazo")
    assert api.call("cooperacao", "GET", f"/cooperacoes/{ana}", "gestor.vara1")["fim"] == "2027-07-31"
    assert api.call("cooperacao", "GET", f"/cooperacoes/{bruno}", "gestor.vara1")["fim"] == "2027-04-30"
    assert not page.errors


# ------------------------------------------------------------------------------------------- memo, 02/04


def test_05_presidencia_signs_the_memo_and_dimag_sends_it(api, new_page, facts):
    """PAG-10: rascunho → assinado (Presidência, with its number) → enviado (DIMAG)."""
    api.advance_to("2027-03-20T09:00:00-03:00")  # the ponto records sessions already done (COOP-08)
    for day in ("2027-03-03", "2027-03-04", "2027-03-05"):
        api.call("cooperacao", "POST", f"/cooperacoes/{facts['ana']}/pontos", "servidor.ana",
                 {"inicio": f"{day}T07:00-03:00", "fim": f"{day}T11:00-03:00"})
    api.advance_to("2027-04-02T09:00:00-03:00")  # March closed by the schedule on 01/04 (COOP-11)
    dimag = new_page()
    login(dimag, api.web, "dimag.folha")
    run = dimag.locator("#execucao")
    run.locator("[name=competencia]").fill("2027-03")
    run.get_by_role("button", name="Executar").click()
    expect(run.locator(".resultado")).to_contain_text("Execução de março de 2027 concluída", timeout=60_000)

    page = new_page()
    login(page, api.web, "presidente")
    view = page.locator("#memos-presidencia")
    view.locator("[name=competencia]").fill("2027-03")
    view.get_by_role("button", name="Ver memorandos").click()
    row = page.locator("#memorandos-assinatura tbody tr", has_text="Gratificação de cooperação").first
    expect(row).to_contain_text("rascunho")
    row.get_by_role("button", name=re.compile("^Assinar")).click()
    signed = page.locator("#memorandos-assinatura .alerta.sucesso").first
    expect(signed).to_contain_text(re.compile(r"Memorando nº \d+/2027 .* assinado"))
    row = page.locator("#memorandos-assinatura tbody tr", has_text="Gratificação de cooperação").first
    expect(row).to_contain_text("assinado")
    screenshot(page, "console-presidencia-memo-assinado")

    dimag.locator("#memos-dimag [name=competencia]").fill("2027-03")
    dimag.locator("#memos-dimag").get_by_role("button", name="Ver memorandos").click()
    row = dimag.locator("#execucao-mes tbody tr", has_text="Gratificação de cooperação").first
    expect(row).to_contain_text("assinado")
    row.get_by_role("button", name="Enviar à folha").click()
    expect(dimag.locator("#execucao-mes .alerta.sucesso", has_text="enviado à folha")).to_be_visible()
    row = dimag.locator("#execucao-mes tbody tr", has_text="Gratificação de cooperação").first
    expect(row).to_contain_text("enviado")
    screenshot(dimag, "console-dimag-memo-enviado")
    assert not page.errors and not dimag.errors


# ------------------------------------------------------------------------------------------- manual draw, 02/04


def test_06_manual_draw_with_its_ata_appears_in_the_public_log(api, new_page):
    """DIST-09: a draw held by hand is recorded with witnesses, authorization and ata; the public log shows it."""
    numero = api.call("distribuicao", "POST", "/processos/numeracao", "distribuidor", {"origem": 0})["numero_processo"]
    page = new_page()
    login(page, api.web, "distribuidor")
    form = page.locator("#manual")
    form.locator("[name=numero_processo]").fill(numero)
    form.locator("[name=partes]").fill("Partido Exemplo\nMinistério Público Eleitoral")
    form.locator("[name=cadeira]").fill("C3")
    form.locator("[name=realizado_em]").fill("2027-04-02T08:30")
    form.locator("[name=autorizado_por]").fill("Des. Presidente Carlos Almeida")
    form.locator("[name=testemunhas]").fill("Maria Testemunha")  # one witness: the rule wants two
    form.locator("[name=ata]").fill("Sistema fora do ar das 8h às 9h; sorteio por cédulas na presença das testemunhas.")
    form.get_by_role("button", name="Registrar sorteio manual").click()
    expect(form.locator(".alerta")).to_contain_text("testemunhas distintas")
    expect(form.locator(".alerta")).to_contain_text("DIST-09")
    expect(form).not_to_contain_text("{")
    form.locator("[name=testemunhas]").fill("Maria Testemunha\nJoão Testemunha")
    form.get_by_role("button", name="Registrar sorteio manual").click()
    done = form.locator(".resultado")
    expect(done).to_contain_text(f"Sorteio manual registrado: {numero} → Juiz Paulo Henrique Costa")
    screenshot(page, "console-sorteio-manual")

    citizen = new_page()
    citizen.goto(f"{api.web}/distribuicoes.html")
    citizen.fill("#orgao", "PLENO")
    citizen.fill("#dia", "2027-04-02")
    citizen.get_by_role("button", name="Ver o log do dia").click()
    row = citizen.locator("#registros tbody tr", has_text=numero)
    expect(row).to_contain_text("sorteio manual")
    expect(row).to_contain_text("Juiz Paulo Henrique Costa")
    screenshot(citizen, "distribuicoes-log-sorteio-manual")
    assert not page.errors and not citizen.errors


# ------------------------------------------------------------------------------------------- impediment, 02/04


def test_07_presidencia_records_an_impediment_on_a_shift(api, new_page):
    """PLAN-06: the impeded magistrate is replaced by who would open the next month, brought forward."""
    scales = api.call("plantao", "GET", "/escalas?mes=2027-04", "presidente")["itens"]
    scale = next(s for s in scales if s["tipo"] == "estadual")
    if scale["status"] == "rascunho":  # approving is another journey's (test_journeys.py); a precondition here
        scale = api.call("plantao", "POST", f"/escalas/{scale['id']}/aprovacao", "presidente")
        scale = api.call("plantao", "GET", f"/escalas/{scale['id']}", "presidente")
    shift = next(p for p in scale["plantoes"] if p["data"] >= "2027-04-12")
    page = new_page()
    login(page, api.web, "presidente")
    form = page.locator("#impedimento")
    form.locator("[name=escala]").fill(scale["id"])
    form.locator("[name=plantao]").fill("2027-04-31#nao-existe")
    form.locator("[name=motivo]").fill("Licença médica do magistrado")
    form.get_by_role("button", name="Registrar impedimento").click()
    expect(form.locator(".alerta")).not_to_be_empty()
    expect(form).not_to_contain_text("{")
    form.locator("[name=plantao]").fill(shift["id"])
    form.get_by_role("button", name="Registrar impedimento").click()
    day = "/".join(reversed(shift["data"].split("-")))
    expect(form.locator(".resultado")).to_contain_text(f"Impedimento registrado: {day} passa a")
    substitute = form.locator(".resultado").inner_text()
    assert shift["nome"] not in substitute, (shift["nome"], substitute)
    screenshot(page, "console-presidencia-impedimento")
    after = api.call("plantao", "GET", f"/escalas/{scale['id']}", "presidente")
    replaced = next(p for p in after["plantoes"] if p["data"] == shift["data"] and p["rotacao"] == shift["rotacao"])
    assert replaced["magistrado"] != shift["magistrado"]
    assert not page.errors
