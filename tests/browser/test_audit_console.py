"""Issue 17 in the staff console, in headless Chromium over one local stack whose clock stays on 01/03/2027.

In file order: the admin registers, replaces and revokes a partner court's key in the console and reads its history
(three acts, who, before → after, the secret never shown); a long history is read a page at a time ("Carregar mais");
the history panel of every screen renders what a record holds as text (never markup), says "Sem histórico
disponível" for a 404 and a Portuguese refusal for a 403, and each screen (calendar day, case, cooperation, scale,
memo) asks its resource's `…/historico` path; the corregedoria filters the Auditoria screen by act and
verifies today's chains (íntegra); a servant has no Auditoria in the menu and a direct visit is refused.
Screenshots go to .local/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, Api, axe_violations, login
from tests.local_stack import running_stack

START = "2027-03-01T08:00:00-03:00"
TODAY = "2027-03-01"
SHOTS = Path(tempfile.gettempdir()) / "console-auditoria"  # screenshots to look at, outside the repository

PARTNER = "TJSC"
PARTNER_NAME = "Tribunal de Justiça <b>de</b> Santa Catarina"  # markup in a value must come out as text
WHEN = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")  # dd/mm/aaaa hh:mm, Brasília


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("web-audit"), now=START) as ready:
        yield Api(ready)


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def partner_form(page, form_id: str, service: str, partner: str, name: str | None = None):
    form = page.locator(f"#{form_id}")
    form.locator("[name=servico]").select_option(service)
    form.locator("[name=id]").fill(partner)
    if name is not None:
        form.locator("[name=nome]").fill(name)
    return form


def ask_history(page, service: str, partner: str) -> None:
    partner_form(page, "historico-parceiro-form", service, partner).get_by_role("button", name="Ver histórico").click()


CORS = {"Access-Control-Allow-Origin": "*"}


def problem(status: int, code: str, detail: str) -> dict:
    return {"status": status, "content_type": "application/problem+json", "headers": CORS,
            "body": json.dumps({"status": status, "code": code, "title": "x", "detail": detail})}


def test_00_every_act_code_of_the_audit_note_has_a_portuguese_label():
    """The console names each act of docs/auditoria.md's tables in Portuguese (web/js/console/rotulos.js)."""
    note = (ROOT / "docs" / "auditoria.md").read_text()
    labels = (ROOT / "web" / "js" / "console" / "rotulos.js").read_text()
    documented = set(re.findall(r"^\| `([A-Z]+\.[A-Z0-9_.]+)` \|", note, re.M))
    labelled = set(re.findall(r'^\s+"([A-Z]+\.[A-Z0-9_.]+)": "', labels, re.M))
    assert "ADM.PARCEIRO.CHAVE.TROCAR" in documented
    assert documented - labelled == set(), "códigos de ato sem rótulo em web/js/console/rotulos.js"


# ------------------------------------------------------------------------------------------- partner key (admin)


def test_01_admin_registers_replaces_and_revokes_a_key_and_reads_its_history(api, new_page):
    """COOP-12: the key's three acts (cadastro, troca, revogação), who did them, when, and what each changed."""
    page = new_page(bypass_csp=True)
    login(page, api.web, "admin.ti")
    secrets = []
    for expected in ("registrado", "registrado"):  # the second registration of the same partner replaces its key
        form = partner_form(page, "parceiro", "cooperacao", PARTNER, PARTNER_NAME)
        form.get_by_role("button", name="Registrar chave").click()
        expect(form.locator(".resultado")).to_contain_text(f"Parceiro {PARTNER} {expected}")
        secrets.append(form.locator(".resultado .codigo").inner_text().strip())
        form.locator(".resultado").evaluate("node => node.replaceChildren()")
    assert secrets[0] != secrets[1]
    revoke = partner_form(page, "revogar-parceiro", "cooperacao", PARTNER)
    revoke.get_by_role("button", name="Revogar chave").click()
    expect(revoke.locator(".resultado")).to_contain_text(f"Chave do parceiro {PARTNER} revogada")

    ask_history(page, "cooperacao", PARTNER)
    panel = page.locator("#parceiros section.historico")
    expect(panel.locator("h3")).to_have_text(f"Histórico — chave do parceiro {PARTNER} (Cooperação)")
    records = panel.locator("li.registro")
    expect(records).to_have_count(3)
    acts = [records.nth(i).get_attribute("data-ato") for i in range(3)]
    assert acts == ["ADM.PARCEIRO.CHAVE.CADASTRAR", "ADM.PARCEIRO.CHAVE.TROCAR", "ADM.PARCEIRO.CHAVE.REVOGAR"]
    for i, label in enumerate(("Cadastro da chave", "Troca da chave", "Revogação da chave")):
        record = records.nth(i)
        expect(record.locator(".ato")).to_contain_text(label)
        expect(record.locator(".quem")).to_have_text("admin.ti (Administração)")
        expect(record.locator(".regras")).to_have_text("Regras: COOP-12.")
        assert WHEN.match(record.locator("time").inner_text()), record.locator("time").inner_text()
    created = records.nth(0)
    expect(created.locator("caption")).to_contain_text("criação")
    expect(created.locator("tr[data-campo=nome] td.antes")).to_have_text("—")
    expect(created.locator("tr[data-campo=nome] td.depois")).to_have_text(PARTNER_NAME)  # as text, not as markup
    expect(created.locator("b")).to_have_count(0)
    replaced = records.nth(1)
    expect(replaced.locator("tr[data-campo=geracao] td.antes")).to_have_text("1")
    expect(replaced.locator("tr[data-campo=geracao] td.depois")).to_have_text("2")
    expect(replaced.locator("tbody tr")).to_have_count(1)  # only what changed
    revoked = records.nth(2)
    expect(revoked.locator("tr[data-campo=ativo] td.antes")).to_have_text("sim")
    expect(revoked.locator("tr[data-campo=ativo] td.depois")).to_have_text("não")
    for secret in secrets:
        expect(panel).not_to_contain_text(secret)
    expect(panel.get_by_role("button", name="Carregar mais")).to_be_hidden()
    screenshot(page, "console-auditoria-historico-parceiro")
    assert axe_violations(page) == []

    panel.get_by_role("button", name="Fechar histórico").click()
    expect(panel).to_be_hidden()
    assert not page.errors


def test_02_a_long_history_is_read_a_page_at_a_time(api, new_page):
    """The panel asks for 20 records at a time; "Carregar mais" follows the cursor, oldest first, without repeats."""
    token = api.token("admin.ti")
    for n in range(23):
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"pr-{n}-{time.time_ns()}"}
        answer = requests.post(f"{api.urls['plantao']}/admin/parceiros", json={"id": "TRE-PR", "nome": "TRE do Paraná"},
                               headers=headers, timeout=60)
        assert answer.status_code == 201, answer.text
    page = new_page()
    login(page, api.web, "admin.ti")
    ask_history(page, "plantao", "TRE-PR")
    panel = page.locator("#parceiros section.historico")
    records = panel.locator("li.registro")
    expect(records).to_have_count(20)
    more = panel.get_by_role("button", name="Carregar mais")
    more.click()
    expect(records).to_have_count(23)
    expect(more).to_be_hidden()
    expect(panel.locator(".historico-estado")).to_have_text("23 registro(s), do mais antigo ao mais recente.")
    acts = [records.nth(i).get_attribute("data-ato") for i in range(23)]
    assert acts == ["ADM.PARCEIRO.CHAVE.CADASTRAR"] + ["ADM.PARCEIRO.CHAVE.TROCAR"] * 22
    generations = [records.nth(i).locator("tr[data-campo=geracao] td.depois").inner_text() for i in range(23)]
    assert generations == [str(n) for n in range(1, 24)]  # oldest first, no record twice
    assert not page.errors


# ------------------------------------------------------------------------------------------- the panel on each screen


def test_03_the_panel_shows_a_record_as_text_and_every_outcome_in_portuguese(api, new_page):
    """A record's values never become markup; an unknown act shows its code; the system and a partner are named;
    404 → "Sem histórico disponível"; 403 → a Portuguese refusal, not a crash."""
    hostile = "<img src=x onerror=\"window.__pwned = 1\">"
    page_of_records = {"itens": [
        {"quando": "2027-03-01T11:00:00Z",
         "quem": {"tipo": "sistema", "id": "sistema:agenda:fechar-mes", "nome": "agenda:fechar-mes"},
         "ato": "PAG.MEMO.CODIGO_NOVO", "regras": ["PAG-01", hostile], "alvo": {"tipo": "memorando", "id": "M1"},
         "correlacao": "c1", "antes": {"observacao": hostile, "valores": {"total": "10.00"}},
         "depois": {"observacao": "ok", "valores": {"total": "12.50"}, "nota": None, "extras": {}}, "hash": "0" * 64},
        {"quando": "2027-03-01T12:30:00Z", "quem": {"tipo": "parceiro", "id": "parceiro:TJSC", "nome": "TJSC"},
         "ato": "ADM.PARCEIRO.CHAVE.REVOGAR", "regras": [], "alvo": {"tipo": "memorando", "id": "M1"},
         "correlacao": "c2", "antes": None, "depois": None, "hash": "1" * 64},
    ], "proximo": None}
    answers = {"OK": {"status": 200, "content_type": "application/json", "headers": CORS,
                      "body": json.dumps(page_of_records)},
               "NOVO": problem(404, "NAO_ENCONTRADO", "Recurso ou método inexistente."),
               "PROIBIDO": problem(403, "PROIBIDO", "Acesso negado.")}
    asked = []

    def answer(route):
        asked.append(route.request.url)
        partner = route.request.url.split("/admin/parceiros/")[1].split("/")[0]
        route.fulfill(**answers[partner])

    page = new_page()
    page.route(re.compile(r".*/admin/parceiros/[^/]+/historico.*"), answer)
    login(page, api.web, "admin.ti")
    panel = page.locator("#parceiros section.historico")
    ask_history(page, "pagamentos", "OK")
    records = panel.locator("li.registro")
    expect(records).to_have_count(2)
    first, second = records.nth(0), records.nth(1)
    expect(first.locator("time")).to_have_text("01/03/2027 08:00")  # 11:00 UTC in Brasília
    expect(second.locator("time")).to_have_text("01/03/2027 09:30")
    expect(first.locator(".quem")).to_have_text("Sistema — agenda fechar-mes")
    expect(second.locator(".quem")).to_have_text("Tribunal parceiro TJSC")
    expect(first.locator(".ato")).to_have_text("PAG.MEMO.CODIGO_NOVO")  # unknown code: shown as the code
    expect(second.locator(".ato")).to_have_text("Revogação da chave do tribunal parceiro")
    expect(first.locator("tr[data-campo=observacao] td.antes")).to_have_text(hostile)
    expect(first.locator("tr[data-campo='valores.total'] td.antes")).to_have_text("10.00")
    expect(first.locator("tr[data-campo='valores.total'] td.depois")).to_have_text("12.50")
    expect(first.locator(".regras")).to_contain_text(hostile)
    expect(first.locator("tbody tr")).to_have_count(2)  # "nota" absent before and null after: not a change
    expect(panel.locator("img")).to_have_count(0)
    assert page.evaluate("() => window.__pwned") is None
    expect(second).to_contain_text("Sem alteração de campos.")
    assert "limite=20" in asked[0]

    ask_history(page, "pagamentos", "NOVO")
    expect(panel.locator(".historico-estado")).to_have_text("Sem histórico disponível.")
    expect(records).to_have_count(0)
    ask_history(page, "pagamentos", "PROIBIDO")
    expect(panel.locator(".historico-estado")).to_have_text("O seu perfil não pode ver o histórico deste registro.")
    expect(panel).not_to_contain_text("{")
    screenshot(page, "console-auditoria-historico-recusas")
    assert not page.errors


def test_04_each_screen_asks_its_resource_history_at_the_agreed_path(api, new_page):
    """Calendar day, case, cooperation (servant and gestor), scale, memo (presidência and DIMAG): each screen opens the
    panel on its resource's `…/historico` path; until a service answers there, "Sem histórico disponível"."""
    body = {"unidade_lotacao": "1VC-CBA", "unidade_cooperada": "1VC-CBA", "modalidade": "M4",
            "inicio": "2027-03-02", "fim": "2027-05-31"}
    cooperation = api.call("cooperacao", "POST", "/cooperacoes", "servidor.ana", body)["id"]
    scale = api.generate_scale("2027-04", "estadual")
    asked: list[tuple[str, str]] = []

    def not_yet(route):
        asked.append((route.request.method, route.request.url))
        route.fulfill(**problem(404, "NAO_ENCONTRADO", "Recurso ou método inexistente."))

    def as_user(user: str):
        page = new_page()
        page.route(re.compile(r".*/historico(\?.*)?$"), not_yet)
        login(page, api.web, user)
        return page

    def opened(page, panel_of: str, title: str, service: str, path: str) -> None:
        url = f"{api.urls[service]}{path}"
        panel = page.locator(f"{panel_of} section.historico")
        expect(panel.locator("h3")).to_have_text(f"Histórico — {title}")
        expect(panel.locator(".historico-estado")).to_have_text("Sem histórico disponível.")
        assert asked[-1] == ("GET", f"{url}?limite=20"), asked[-1]
        assert not page.errors

    admin = as_user("admin.ti")
    form = admin.locator("#historico-dia-form")
    form.locator("[name=data]").fill("2027-04-08")
    form.get_by_role("button", name="Ver histórico").click()
    opened(admin, "#calendario-admin", "dia 08/04/2027 do calendário", "plantao",
           "/calendario/dias/2027-04-08/historico")

    clerk = as_user("distribuidor")
    numero = "0600123-45.2027.6.11.0000"
    form = clerk.locator("#historico-processo-form")
    form.locator("[name=numero]").fill(numero)
    form.get_by_role("button", name="Ver histórico").click()
    opened(clerk, "#distribuir-secao", f"processo {numero}", "distribuicao",
           f"/distribuicoes/{numero}/historico")

    servant = as_user("servidor.ana")
    servant.locator("#minhas-cooperacoes").get_by_role("button", name=f"Histórico — cooperação {cooperation}").click()
    opened(servant, "#minhas-cooperacoes", f"cooperação {cooperation}", "cooperacao",
           f"/cooperacoes/{cooperation}/historico")

    manager = as_user("gestor.vara1")
    manager.locator("#pedidos-gestor").get_by_role("button", name=f"Histórico — cooperação {cooperation}").click()
    opened(manager, "#pedidos-gestor", f"cooperação {cooperation}", "cooperacao",
           f"/cooperacoes/{cooperation}/historico")

    president = as_user("presidente")
    president.locator("#escalas-mes [name=mes]").fill("2027-04")
    president.locator("#escalas-mes").get_by_role("button", name="Ver escalas").click()
    president.locator("#escalas").get_by_role("button", name=f"Histórico — escala {scale}").click()
    opened(president, "#escalas", f"escala {scale}", "plantao", f"/escalas/{scale}/historico")
    president.locator("#memos-presidencia [name=competencia]").fill("2027-02")
    president.locator("#memos-presidencia").get_by_role("button", name="Ver memorandos").click()
    president.locator("#memorandos-assinatura").get_by_role("button", name="Histórico — Diárias").click()
    opened(president, "#memorandos-assinatura", "Diárias", "pagamentos",
           "/memorandos/2027-02-diarias/historico")

    dimag = as_user("dimag.folha")
    dimag.locator("#memos-dimag [name=competencia]").fill("2027-02")
    dimag.locator("#memos-dimag").get_by_role("button", name="Ver memorandos").click()
    dimag.locator("#execucao-mes").get_by_role("button", name="Histórico — Diárias").click()
    opened(dimag, "#execucao-mes", "Diárias", "pagamentos",
           "/memorandos/2027-02-diarias/historico")
    screenshot(dimag, "console-dimag-historico-memorando")


# ------------------------------------------------------------------------------------------- the Auditoria screen


def test_05_corregedoria_filters_by_act_and_verifies_today(api, new_page):
    """GET /auditoria filtered by act, and GET /auditoria/verificacao of today: every chain íntegra."""
    page = new_page(bypass_csp=True)
    login(page, api.web, "corregedor")
    menu = page.get_by_role("navigation", name="Telas do console")
    menu.get_by_role("link", name="Auditoria").click()
    expect(page.locator("#auditoria h2")).to_have_text("Auditoria: trilha dos atos")
    expect(page.locator("#pedidos-corregedoria")).to_have_count(0)  # the audit screen alone

    search = page.locator("#auditoria-filtro")
    search.locator("[name=servico]").select_option("cooperacao")
    search.locator("[name=ato]").fill("ADM PARCEIRO")  # not a code: the API's refusal next to the field
    search.get_by_role("button", name="Consultar").click()
    expect(search.locator("[name=ato]")).to_have_attribute("aria-invalid", "true")
    expect(search.locator(".erro-campo")).to_contain_text("formato inválido")

    search.locator("[name=ato]").fill("adm.parceiro.chave.trocar")  # typed in lower case: sent as the code
    search.get_by_role("button", name="Consultar").click()
    listing = page.locator("#auditoria ol.registros li.registro")
    expect(listing.first).to_be_visible()
    assert {listing.nth(i).get_attribute("data-ato") for i in range(listing.count())} == {"ADM.PARCEIRO.CHAVE.TROCAR"}
    ours = listing.filter(has_text=f"Alvo: parceiro {PARTNER}.")
    expect(ours).to_have_count(1)
    expect(ours.locator(".quem")).to_have_text("admin.ti (Administração)")
    expect(ours.locator("tr[data-campo=geracao] td.depois")).to_have_text("2")

    search.locator("[name=servico]").select_option("plantao")  # by target, a page at a time (test_02's 23 acts)
    search.locator("[name=ato]").fill("")
    search.locator("[name=alvo]").fill("parceiro:TRE-PR")
    search.get_by_role("button", name="Consultar").click()
    expect(listing).to_have_count(20)
    page.locator("#auditoria").get_by_role("button", name="Carregar mais").click()
    expect(listing).to_have_count(23)
    expect(page.locator("#auditoria").get_by_role("button", name="Carregar mais")).to_be_hidden()
    expect(listing.last.locator("tr[data-campo=geracao] td.depois")).to_have_text("23")

    check = page.locator("#auditoria-verificacao")
    check.locator("[name=dia]").fill(TODAY)  # the stack's today (the field starts on the browser's)
    check.locator("[name=servico]").select_option("todos")
    check.get_by_role("button", name="Verificar dia").click()
    verdict = page.locator("#auditoria-verificar [data-integra]")
    expect(verdict).to_have_attribute("data-integra", "true")
    expect(verdict).to_contain_text("íntegras")
    rows = page.locator("#auditoria-verificar tbody tr")
    # every chain of the day that has records, per service (64 a day from 05/12/2026, docs/auditoria.md)
    expect(rows.filter(has_text="Cooperação").first).to_be_visible()
    expect(page.locator("#auditoria-verificar .selo.falha")).to_have_count(0)
    cells = rows.evaluate_all("rs => rs.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    assert {row[0] for row in cells} == {"Cooperação", "Plantão e calendário", "Distribuição", "Pagamentos"}, cells
    assert len({(row[0], row[1]) for row in cells}) == len(cells) and all(row[3] == "íntegra" for row in cells)
    cooperation_records = sum(int(row[2]) for row in cells if row[0] == "Cooperação")
    assert cooperation_records >= 3  # the key's three acts of test_01, at least
    screenshot(page, "console-auditoria")
    assert axe_violations(page) == []

    menu.get_by_role("link", name="Minhas telas").click()
    expect(page.locator("#auditoria")).to_have_count(0)
    expect(page.locator("#pedidos-corregedoria")).to_be_visible()
    assert not page.errors


def test_06_a_servant_has_no_auditoria_and_a_direct_visit_is_refused(api, new_page):
    page = new_page(bypass_csp=True)
    login(page, api.web, "servidor.ana")
    menu = page.get_by_role("navigation", name="Telas do console")
    expect(menu.get_by_role("link", name="Minhas telas")).to_be_visible()
    expect(menu.get_by_role("link", name="Auditoria")).to_have_count(0)

    page.goto(f"{api.web}/console.html#auditoria")
    page.reload()  # a typed address: the page loads on #auditoria
    refusal = page.locator("#auditoria [role=alert]")
    expect(refusal).to_contain_text("Acesso negado")
    expect(page.locator("#auditoria-filtro")).to_have_count(0)
    expect(page.locator("#minhas-cooperacoes")).to_have_count(0)
    screenshot(page, "console-auditoria-recusada")
    assert axe_violations(page) == []
    api.call("cooperacao", "GET", "/auditoria", "servidor.ana", expected=(403,))  # and the API refuses too
    assert not page.errors
