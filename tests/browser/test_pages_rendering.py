"""How the pages show what the APIs answer, without a stack: Chromium loads ``web/`` from a test origin and every
API call is answered here with a fixed body (the shapes the services give; their contract tests hold them).

Found by using the pages as the court's users do: a 24-hour or overnight plantão read "11:00 às 11:00" (PLAN-03's
public scale), and the admin's reference data listed its kinds by their JSON keys ("juizos", "periodos_eleitorais").
"""

from __future__ import annotations

import base64
import json
import mimetypes
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.browser.conftest import screenshot

WEB = Path(__file__).resolve().parents[2] / "web"
PORTAL = "http://portal.test"
SERVICES = ("cooperacao", "plantao", "distribuicao", "pagamentos")
CONFIG = {"ambiente": "local", "apis": {s: f"http://{s}.test" for s in SERVICES},
          "login": {"tipo": "local", "url": "login"}}


def fake_token(user: str, groups: list[str]) -> str:
    """An unsigned ID token: the page only reads its claims for display; nothing here verifies it."""
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")
    claims = {"cognito:username": user, "cognito:groups": groups, "name": user, "exp": 4_102_444_800}
    return f"{part({'alg': 'none'})}.{part(claims)}.x"


def open_portal(new_page, answers: dict[tuple[str, str], Any], token: str | None = None, **page_options: Any) -> Any:
    """A page whose ``web/`` comes from disk and whose API calls get ``answers[(service, path)]`` (else ``{}``);
    ``page.sent`` lists each API call's (method, service, path, JSON body)."""
    page = new_page(bypass_csp=True, **page_options)
    page.sent = []

    def serve(route: Any) -> None:
        url = urlparse(route.request.url)
        host = url.hostname or ""
        if host == "portal.test":
            if url.path == "/config.json":
                route.fulfill(status=200, content_type="application/json", body=json.dumps(CONFIG))
                return
            file = WEB / (url.path.lstrip("/") or "index.html")
            if not file.is_file():
                route.fulfill(status=404, body="")
                return
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            route.fulfill(status=200, content_type="text/javascript" if file.suffix == ".js" else kind,
                          body=file.read_bytes())
            return
        service = host.removesuffix(".test")
        if route.request.method != "OPTIONS":
            posted = route.request.post_data
            page.sent.append((route.request.method, service, url.path, json.loads(posted) if posted else None))
        body = answers.get((service, url.path), {})
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body),
                      headers={"Access-Control-Allow-Origin": "*"})

    page.route("**/*", serve)
    if token:
        page.add_init_script(f"sessionStorage.setItem('tribunal.id_token', {json.dumps(token)});")
    return page


def shift(data: str, kind: str, start: str, end: str, unit: str) -> dict[str, Any]:
    return {"data": data, "tipo": kind, "unidade": unit, "inicio": start, "fim": end, "divulgado": True,
            "divulgacao_em": data, "magistrado": "Juiz André Alves", "juizo": "1ª Vara Cível de Cuiabá"}


def test_plan_03_the_public_scale_says_when_a_shift_ends_on_the_next_day(new_page):
    """PLAN-03's public scale: a shift that ends on the next day says so (the 2º grau's 24 h, the night's 18:00 to
    11:00); one within the day reads as before."""
    scale = {"mes": "2027-04", "plantoes": [
        shift("2027-04-03", "estadual", "2027-04-03T11:00:00-03:00", "2027-04-03T18:00:00-03:00", "1ª Região"),
        shift("2027-04-03", "segundo_grau", "2027-04-03T11:00:00-03:00", "2027-04-04T11:00:00-03:00", "2º grau"),
        shift("2027-04-03", "noturno", "2027-04-03T18:00:00-03:00", "2027-04-04T11:00:00-03:00", "1º grau (noturno)"),
    ], "portarias": []}
    page = open_portal(new_page, {("plantao", "/publico/escalas/2027-04"): scale})
    page.goto(f"{PORTAL}/plantao.html?mes=2027-04")
    rows = page.locator("#escala table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("11:00 às 18:00")
    expect(rows.nth(0)).not_to_contain_text("dia seguinte")
    expect(rows.nth(1)).to_contain_text("11:00 às 11:00 do dia seguinte")
    expect(rows.nth(2)).to_contain_text("18:00 às 11:00 do dia seguinte")
    screenshot(page, "plantao-horario-dia-seguinte")
    assert not page.errors


def test_the_admin_sees_the_reference_data_kinds_in_portuguese(new_page):
    reference = {"regioes": [{}, {}], "comarcas": [{}], "juizos": [{}], "magistrados": [{}], "zonas": [{}],
                 "periodos_eleitorais": [{}], "noturno": [{}], "versao": 3}
    page = open_portal(new_page, {("plantao", "/referencia"): reference}, token=fake_token("admin.ti", ["admin"]))
    page.goto(f"{PORTAL}/console.html")
    table = page.locator("#referencia-secao table")
    expect(table).to_be_visible()
    kinds = [cell.strip() for cell in table.locator("tbody tr td:first-child").all_inner_texts()]
    assert kinds == ["Regiões", "Comarcas", "Juízos", "Magistrados", "Zonas", "Períodos eleitorais",
                     "Plantão noturno (quadrimestres)"]
    expect(table.locator("tbody tr").first).to_contain_text("2")


def test_dist_11_a_case_shows_its_rule_in_words_and_its_instant_as_dd_mm_aaaa_hh_mm(new_page):
    """The public case (DIST-11's transparency): the rule by its name, as the log's table already shows it, and the
    instant as the court writes it ("02/03/2027 09:00", no comma)."""
    numero = "0000010-87.2027.6.11.0000"
    case = {"numero_processo": numero, "orgao": "PLENO", "classe": "RE", "relator": {"nome": "Juíza Marina Duarte"},
            "revisor": None, "regra": "redistribuicao_impedimento", "distribuido_em": "2027-03-02T09:00:00-03:00",
            "segredo_justica": False, "partes": ["Parte 0000010"], "advogados": [], "assuntos": [],
            "sorteios": ["PLENO#10", "PLENO#14"]}
    page = open_portal(new_page, {("distribuicao", f"/distribuicoes/{numero}"): case})
    page.goto(f"{PORTAL}/distribuicoes.html?numero={numero}")
    ficha = page.locator("#processo dl")
    expect(ficha).to_contain_text("redistribuição por impedimento")
    expect(ficha).not_to_contain_text("redistribuicao_impedimento")
    expect(ficha).to_contain_text("02/03/2027 09:00")
    assert not page.errors


def test_dist_11_every_rule_of_the_edital_reads_the_same_on_the_public_case():
    """The page's words for a record's rule cover every rule the edital names (same wording), so that none shows
    as its code with the accents missing ("redistribuicao ausencia")."""
    import re

    from chalicelib.distribuicao.edital_document import RULE_LABELS

    source = (WEB / "js" / "pages" / "distribuicoes.js").read_text(encoding="utf-8")
    terms = dict(re.findall(r'(\w+): "([^"]+)"', source.split("const TERMOS = {", 1)[1].split("};", 1)[0]))
    for code, label in RULE_LABELS.items():
        if label:
            assert terms.get(code) == label, code


def test_pag_10_the_memos_of_a_month_are_captioned_with_the_month_in_words(new_page):
    memos = {"competencia": "2027-05", "total_geral": "427.50", "memorandos": [
        {"id": "2027-05-gratificacao_cooperacao", "categoria": "gratificacao_cooperacao", "regra": "PAG-08",
         "titulo": "Gratificação de cooperação", "status": "rascunho", "numero": None, "linhas": 2, "total": "427.50"}]}
    for user, group, screen in (("dimag.folha", "dimag", "#memos-dimag"), ("presidente", "presidencia",
                                                                          "#memos-presidencia")):
        page = open_portal(new_page, {("pagamentos", "/memorandos"): memos}, token=fake_token(user, [group]))
        page.goto(f"{PORTAL}/console.html")
        page.locator(f"{screen} [name=competencia]").fill("2027-05")
        page.locator(f"{screen} button[type=submit]").click()
        expect(page.locator("caption", has_text="Memorandos de")).to_have_text("Memorandos de maio de 2027")
        expect(page.locator("table", has_text="Gratificação de cooperação")).to_contain_text("R$ 427,50")


def test_plan_04_the_presidencia_sees_the_scales_by_their_kind_in_words(new_page):
    scales = {"itens": [
        {"id": "2027-06-segundo_grau", "tipo": "segundo_grau", "status": "rascunho", "plantoes": [{}, {}],
         "portarias": []},
        {"id": "2027-06-estadual", "tipo": "estadual", "status": "aprovada", "plantoes": [{}],
         "portarias": [{"numero": "Portaria E nº 3/2027"}]}]}
    page = open_portal(new_page, {("plantao", "/escalas"): scales}, token=fake_token("presidente", ["presidencia"]))
    page.goto(f"{PORTAL}/console.html")
    page.locator("#escalas-mes [name=mes]").fill("2027-06")
    page.locator("#escalas-mes button[type=submit]").click()
    expect(page.locator("caption", has_text="Escalas de")).to_have_text("Escalas de junho de 2027")
    rows = page.locator("#escalas table tbody tr")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("2º grau")
    expect(rows.nth(0).get_by_role("button", name="Aprovar 2º grau")).to_be_visible()
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("Estadual")


def test_cal_01_the_month_heading_of_the_public_calendar_starts_with_a_capital(new_page):
    weekend = [d for d in range(1, 31) if date(2027, 6, d).weekday() >= 5]
    closed = [{"data": f"2027-06-{d:02d}", "motivo": "sábado" if date(2027, 6, d).weekday() == 5 else "domingo"}
              for d in weekend] + [{"data": "2027-06-24", "motivo": "feriado municipal: São João"}]
    month = {"inicio": "2027-06-01", "fim": "2027-06-30", "municipio": "Cuiabá", "dias_uteis": 21,
             "dias_sem_expediente": sorted(closed, key=lambda d: d["data"])}
    page = open_portal(new_page, {("plantao", "/calendario/dias-uteis"): month})  # one request for the month
    page.goto(f"{PORTAL}/calendario.html?mes=2027-06")
    expect(page.locator("#dias h2")).to_have_text("Junho de 2027 — Cuiabá")
    expect(page.locator("#dias caption")).to_have_text(
        f"Dias sem expediente em junho de 2027 (além de {len(weekend)} dias de fim de semana)")
    expect(page.locator("#dias table")).to_contain_text("24/06/2027 (qui.)")


def test_coop_08_the_console_sends_a_ponto_with_the_offset_of_where_the_servant_is(new_page):
    """Brazil has four zones and the API refuses a ponto without an offset: the servant types the session's hours as
    their clock reads them, and the console adds their browser's offset (Rio Branco −05:00, Brasília −03:00)."""
    answer = {"registro": {"servidor": "servidor.ana", "cooperacao": "c-1", "inicio": "2027-03-03T09:00:00-03:00",
                           "fim": "2027-03-03T13:00:00-03:00", "minutos": 240},
              "competencia": "2027-03", "minutos_mes": 240, "disponiveis_minutos": 2160, "disponiveis": "36h"}
    for zone, offset in (("America/Rio_Branco", "-05:00"), ("America/Manaus", "-04:00"),
                         ("America/Sao_Paulo", "-03:00")):
        page = open_portal(new_page, {("cooperacao", "/cooperacoes/c-1/pontos"): answer},
                           token=fake_token("servidor.ana", ["servidor"]), timezone=zone)
        page.goto(f"{PORTAL}/console.html")
        form = page.locator("#ponto")
        form.locator("[name=cooperacao]").fill("c-1")
        form.locator("[name=inicio]").fill("2027-03-03T07:00")
        form.locator("[name=fim]").fill("2027-03-03T11:00")
        form.get_by_role("button", name="Registrar sessão").click()
        expect(form.locator(".resultado")).to_contain_text("Sessão registrada")
        [posted] = [body for method, service, path, body in page.sent
                    if (method, service, path) == ("POST", "cooperacao", "/cooperacoes/c-1/pontos")]
        assert posted == {"inicio": f"2027-03-03T07:00:00{offset}", "fim": f"2027-03-03T11:00:00{offset}"}, zone
        assert not page.errors


COURT_TODAY = {"data": "2027-07-15", "agora": "2027-07-15T09:00:00-03:00", "fuso": "America/Sao_Paulo"}


def test_the_date_fields_start_at_the_courts_today_not_the_browsers(new_page):
    """On a local stack playing a month the court's today (plantão's GET /calendario/hoje) is months from the
    browser's: the console's and the public pages' date fields start at the court's."""
    answers = {("plantao", "/calendario/hoje"): COURT_TODAY}
    page = open_portal(new_page, answers, token=fake_token("servidor.ana", ["servidor"]))
    page.goto(f"{PORTAL}/console.html")
    expect(page.locator("#meu-ponto [name=competencia]")).to_have_value("2027-07")
    auditor = open_portal(new_page, answers, token=fake_token("corregedor", ["corregedoria"]))
    auditor.goto(f"{PORTAL}/console.html#auditoria")
    expect(auditor.locator("[name=dia]")).to_have_value("2027-07-15")
    public = open_portal(new_page, answers)
    public.goto(f"{PORTAL}/plantao.html")
    expect(public.locator("#mes")).to_have_value("2027-07")
    assert not (page.errors or auditor.errors or public.errors)


def test_without_the_courts_today_the_fields_start_at_the_browsers_date(new_page):
    page = open_portal(new_page, {}, token=fake_token("servidor.ana", ["servidor"]))  # /calendario/hoje answers {}
    page.goto(f"{PORTAL}/console.html")
    browsers = page.evaluate("() => new Date().toLocaleDateString('sv-SE', {timeZone: 'America/Sao_Paulo'})")
    expect(page.locator("#meu-ponto [name=competencia]")).to_have_value(browsers[:7])
