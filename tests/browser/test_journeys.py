"""The journeys of issue 14 in headless Chromium over one local stack whose clock starts on Monday 01/03/2027 08:00.

The tests run in file order on the same stack, the clock only moving forward between them:
01/03 distribution (console) and the citizen's consultation; 02/03 the seeds revealed and the day verified in the
browser, and the page's verdicts compared with ``verify_draws.py``; a servant's request and the gestor's decision;
20/03 the scales generated and approved by the Presidência, the servant's ponto up to the 40 h cap; 26/03 and 27/03
the public scale without and with the names of 01/04 (PLAN-03, D−5); 02/04 DIMAG runs March and downloads the memo's
PDF; an expired token; the public pages at 360 px; axe-core on every page.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, Api, axe_violations, login, screenshot
from tests.local_stack import running_stack

START = "2027-03-01T08:00:00-03:00"
VERIFIER = ROOT / "distribuicao-svc" / "scripts" / "verify_draws.py"
PUBLIC_PAGES = ["index.html", "distribuicoes.html", "plantao.html?mes=2027-04", "editais.html?ano=2027",
                "cooperacao.html", "calendario.html?mes=2027-04"]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("web"), parameters={"QueueVisibilityTimeout": "1"}, now=START) as ready:
        yield Api(ready)


@pytest.fixture(scope="module")
def facts() -> dict:
    return {}


def distribute(api: Api, classe: str, **extra) -> dict:
    numero = api.call("distribuicao", "POST", "/processos/numeracao", "distribuidor", {"origem": 0})["numero_processo"]
    body = {"numero_processo": numero, "orgao": "PLENO", "classe": classe, "partes": [f"Parte {numero[:7]}"],
            "advogados": ["Advogada OAB/MT 1"], "assuntos": ["Propaganda eleitoral"], **extra}
    return api.call("distribuicao", "POST", "/distribuicoes", "distribuidor", body)


# ------------------------------------------------------------------------------------------- distribution, 01/03


def test_01_distribution_from_the_console_and_the_citizen_consults(api, new_page, facts):
    page = new_page()
    login(page, api.web, "distribuidor")
    form = page.locator("#distribuir")
    form.get_by_role("button", name="Gerar número").click()
    expect(form.locator("[name=numero_processo]")).to_have_value(re.compile(r"^\d{7}-\d{2}\.2027\.6\.11\.0000$"))
    form.locator("[name=classe]").fill("RE")
    form.locator("[name=partes]").fill("Coligação Exemplo\nMinistério Público Eleitoral")
    form.get_by_role("button", name="Distribuir").click()
    expect(form.locator(".resultado")).to_contain_text("distribuído a")
    screenshot(page, "console-distribuicao")
    first = form.locator("[name=numero_processo]").input_value()
    cases = [distribute(api, c) for c in ("RE", "HC", "MS", "RE", "HC")]
    secret = distribute(api, "MS", segredo_justica=True)
    facts.update(first=first, cases=cases, secret=secret)

    citizen = new_page()
    citizen.goto(f"{api.web}/distribuicoes.html")
    numero = citizen.locator("#numero")
    numero.press_sequentially(first.replace("-", "").replace(".", "")[:-1] + "9")  # a wrong last digit
    expect(citizen.locator("#numero-estado")).to_contain_text("não conferem")
    citizen.get_by_role("button", name="Consultar").click()
    expect(numero).to_have_attribute("aria-invalid", "true")
    expect(citizen.locator("#consulta .erro-campo")).to_contain_text("dígitos verificadores")
    numero.fill("")
    numero.press_sequentially(first.replace("-", "").replace(".", ""))
    expect(numero).to_have_value(first)  # the separators are put in as the digits are typed
    expect(citizen.locator("#numero-estado")).to_contain_text("Número válido")
    citizen.get_by_role("button", name="Consultar").click()
    expect(citizen.locator("#processo")).to_contain_text(f"Processo {first}")
    expect(citizen.locator("#processo")).to_contain_text("Coligação Exemplo")
    # a secret case: parties and lawyers masked exactly as the API masks them (DIST-08)
    public = api.call("distribuicao", "GET", f"/distribuicoes/{secret['numero_processo']}")
    numero.fill(secret["numero_processo"])
    citizen.get_by_role("button", name="Consultar").click()
    expect(citizen.locator("#processo .partes")).to_have_text(public["partes"] if isinstance(public["partes"], str)
                                                              else "; ".join(public["partes"]) or "—")
    expect(citizen.locator("#processo")).not_to_contain_text(f"Parte {secret['numero_processo'][:7]}")
    # the day's seed is not revealed yet: the verification is pending, not OK
    citizen.fill("#dia", "2027-03-01")
    citizen.get_by_role("button", name="Verificar os sorteios no navegador").click()
    expect(citizen.locator("[data-resultado]")).to_have_attribute("data-resultado", "pendente")
    assert not citizen.errors


# ------------------------------------------------------------------------------------------- verification, 02/03


def test_02_citizen_verifies_the_revealed_day_in_the_browser(api, new_page, facts):
    api.advance_to("2027-03-02T09:00:00-03:00")
    page = new_page()
    page.goto(f"{api.web}/distribuicoes.html")
    page.fill("#numero", facts["cases"][0]["numero_processo"])
    page.get_by_role("button", name="Consultar").click()
    page.get_by_role("button", name="Verificar o sorteio deste processo").click()
    result = page.locator("[data-resultado]")
    expect(result).to_have_attribute("data-resultado", "ok")
    expect(page.locator("#verificacao")).to_contain_text("Em 01/03/2027: 7 de 7 sorteio(s) refeitos e conferidos")
    # issue 16: each draw's round, served by the stack's local beacon, is checked here, signature included
    expect(page.locator("#registros [data-farol='válida']").first).to_contain_text("assinatura verificada")
    expect(page.locator("#verificacao .farol-local")).to_contain_text("NÃO é a quicknet da League of Entropy")
    expect(page.locator("#grafico table")).to_contain_text("Diferença")
    screenshot(page, "distribuicoes-verificado")
    assert not page.errors


def _verifier():
    spec = importlib.util.spec_from_file_location("verify_draws", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rechain(export: dict, verifier, start: int = 0) -> None:
    """Recomputes the hashes from record ``start`` on, as a forger who edits a record and rebuilds the chain would."""
    records = export["registros"]
    previous = records[start - 1]["hash"] if start else "0" * 64
    for record in records[start:]:
        record["hash_anterior"] = previous
        record["hash"] = previous = verifier.hash_do_registro(record)
    export["cabeca"] = {"seq": records[-1]["seq"], "hash": records[-1]["hash"]}


def tampered_exports(genuine: dict) -> dict[str, dict]:
    verifier = _verifier()
    variants: dict[str, dict] = {"genuína": genuine}
    e = copy.deepcopy(genuine)
    record = e["registros"][2]
    other = next(c for c in record["candidatos"] if c != record["resultado"]["unidade"])
    record["resultado"]["unidade"] = other
    variants["resultado trocado sem refazer o hash"] = e
    e = copy.deepcopy(e)
    _rechain(e, verifier, 2)
    variants["resultado trocado e a cadeia refeita"] = e
    e = copy.deepcopy(genuine)
    del e["registros"][3]
    variants["registro removido"] = e
    e = copy.deepcopy(genuine)
    e["registros"][1], e["registros"][2] = e["registros"][2], e["registros"][1]
    variants["registros fora de ordem"] = e
    e = copy.deepcopy(genuine)
    e["sementes"][0]["semente"] = "00" * 32
    variants["semente trocada"] = e
    e = copy.deepcopy(genuine)
    public = next(r for r in e["registros"] if not r["sigilo"] and isinstance(r.get("detalhes"), dict))
    public["detalhes"]["partes"] = ["Outra parte"]
    variants["partes alteradas"] = e
    e = copy.deepcopy(genuine)
    e["registros"].pop()
    variants["cauda removida"] = e
    e = copy.deepcopy(genuine)
    e["sementes"] = []
    variants["sementes ainda não reveladas"] = e
    return variants


def test_03_browser_and_verify_draws_agree_on_genuine_and_tampered_exports(api, new_page, tmp_path):
    """DIST-11: the page's verdict (OK / first problem / pending) is the standalone verifier's, export by export."""
    genuine = api.call("distribuicao", "GET", "/sorteios/exportacao", params={"log": "PLENO"})
    page = new_page()
    page.goto(f"{api.web}/distribuicoes.html")
    verdicts = {0: "ok", 1: "problemas", 3: "pendente"}
    for index, (name, export) in enumerate(tampered_exports(genuine).items()):
        path = tmp_path / f"exportacao-{index}.json"
        path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
        script = subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, timeout=60)
        problems = [line.strip() for line in script.stdout.splitlines() if line.startswith("  [")]
        page.set_input_files("#exportacao", str(path))
        page.get_by_role("button", name="Verificar o arquivo").click()
        result = page.locator("#verificacao [data-resultado]")
        expect(result).to_be_visible()
        shown = result.get_attribute("data-resultado")
        assert shown == verdicts[script.returncode], f"{name}: página {shown}, verify_draws.py {script.stdout[-500:]}"
        if problems:
            assert page.locator("#verificacao .primeiro-problema").inner_text().strip() == problems[0], name
        page.evaluate("() => document.querySelector('#verificacao').replaceChildren()")
    assert not page.errors


# ------------------------------------------------------------------------------------------- cooperation, 02/03


def test_04_servant_requests_a_cooperation_and_the_gestor_approves(api, new_page, facts):
    page = new_page()
    login(page, api.web, "servidor.ana")
    form = page.locator("#nova-cooperacao")
    form.locator("[name=unidade_lotacao]").fill("1VC-CBA")
    form.locator("[name=unidade_cooperada]").fill("XXX")
    form.locator("[name=inicio]").fill("2027-03-02")
    form.locator("[name=fim]").fill("2027-06-30")
    form.get_by_role("button", name="Solicitar").click()
    # the API's refusal next to the field it names, in Portuguese (never raw JSON)
    cooperada = form.locator("[name=unidade_cooperada]")
    expect(cooperada).to_have_attribute("aria-invalid", "true")
    expect(form.locator(".erro-campo")).to_contain_text("Unidade XXX não cadastrada")
    expect(form.locator(".alerta")).not_to_contain_text("{")
    screenshot(page, "console-servidor-recusa")
    cooperada.fill("1VC-CBA")
    form.get_by_role("button", name="Solicitar").click()
    expect(form.locator(".resultado")).to_contain_text("aguardando decisão")
    request_id = re.search(r"Solicitação (\w+)", form.locator(".resultado").inner_text()).group(1)
    facts["cooperation"] = request_id

    gestor = new_page()
    login(gestor, api.web, "gestor.vara1")
    expect(gestor.locator("#pedidos-gestor")).to_contain_text(request_id)
    decision = gestor.locator("#decisao")
    decision.locator("[name=cooperacao]").fill(request_id)
    decision.locator("[name=meta]").fill("20 minutas por mês")
    decision.get_by_role("button", name="Registrar decisão").click()
    expect(decision.locator(".resultado")).to_contain_text("aprovada")
    screenshot(gestor, "console-gestor")
    assert api.call("cooperacao", "GET", f"/cooperacoes/{request_id}", "servidor.ana")["situacao"] == "aprovada"


# ------------------------------------------------------------------------------------------- plantão, 20/03


def test_05_presidencia_approves_the_april_scales(api, new_page, facts):
    api.advance_to("2027-03-20T09:00:00-03:00")  # the monthly schedule generates April's drafts
    page = new_page()
    login(page, api.web, "presidente")
    scales = page.locator("#escalas-mes")
    scales.locator("[name=mes]").fill("2027-04")
    scales.get_by_role("button", name="Ver escalas").click()
    approve = page.locator("#escalas button[data-escala]")
    expect(approve.first).to_be_visible()
    count = approve.count()
    for _ in range(count):
        approve.first.click()
        expect(page.locator("#escalas .alerta.sucesso").first).to_contain_text("aprovada")
        # PLAN-04: the answer comes before the portaria's document and notices, and says so
        expect(page.locator("#escalas .alerta.sucesso").first).to_contain_text("sendo preparados")
        expect(page.locator("#escalas button[data-escala]")).to_have_count(count - 1)
        count -= 1
    # the stack's consumer produces the documents; once it has, the list shows no portaria "em preparação"
    _wait_for_documents(api, "2027-04")
    scales.get_by_role("button", name="Ver escalas").click()
    expect(page.locator("#escalas")).to_contain_text("Portaria")
    expect(page.locator("#escalas")).not_to_contain_text("em preparação")
    screenshot(page, "console-presidencia")
    statuses = {s["status"] for s in api.call("plantao", "GET", "/escalas?mes=2027-04", "presidente")["itens"]}
    assert statuses and "rascunho" not in statuses


def _wait_for_documents(api, month: str, attempts: int = 60) -> None:
    """Until every portaria of ``month``'s scales is ``pronto`` (the stack delivers the events within seconds)."""
    for _ in range(attempts):
        scales = api.call("plantao", "GET", f"/escalas?mes={month}", "presidente")["itens"]
        if all(p["documento"] == "pronto" for s in scales for p in s["portarias"]):
            return
        time.sleep(0.5)
    raise AssertionError(f"portarias de {month} ainda pendentes")


def _weekdays(first: str, count: int) -> list[str]:
    from datetime import date, timedelta

    day, out = date.fromisoformat(first), []
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day.isoformat())
        day += timedelta(days=1)
    return out


def test_06_servant_records_ponto_up_to_the_40_hours(api, new_page, facts):
    """COOP-06: ten sessions of 4 h fill the month; the 41st hour is refused and the page says so, in Portuguese."""
    page = new_page()
    login(page, api.web, "servidor.ana")
    form = page.locator("#ponto")
    for day in _weekdays("2027-03-02", 10):
        form.locator("[name=cooperacao]").fill(facts["cooperation"])
        form.locator("[name=inicio]").fill(f"{day}T07:00")
        form.locator("[name=fim]").fill(f"{day}T11:00")
        form.get_by_role("button", name="Registrar sessão").click()
        expect(form.locator(".resultado")).to_contain_text("Sessão registrada")
        page.evaluate("() => document.querySelector('#ponto .resultado').replaceChildren()")
    expect(page.locator("#meu-ponto-secao .saldo")).to_contain_text("Restam 0 h das 40 h do mês")
    form.locator("[name=inicio]").fill("2027-03-19T19:30")
    form.locator("[name=fim]").fill("2027-03-19T20:30")
    form.get_by_role("button", name="Registrar sessão").click()
    expect(form.locator(".alerta.erro")).to_contain_text("COOP-06")
    expect(form.locator(".alerta.erro")).not_to_contain_text("{")
    screenshot(page, "console-servidor-ponto")
    total = api.call("cooperacao", "GET", "/servidores/servidor.ana/pontos?competencia=2027-03", "servidor.ana")
    assert total["minutos_mes"] == 40 * 60


# ------------------------------------------------------------------------------------------- D−5, 26/03 and 27/03


def _public_plantao(page, api: Api) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{api.web}/plantao.html?mes=2027-04")
    expect(page.locator("#escala table")).to_be_visible()
    return requested


def test_07_names_on_the_public_scale_at_d_minus_5_not_before(api, new_page):
    """PLAN-03: 01/04's names are not on the public page on 26/03 (D−6) and are on 27/03 (D−5)."""
    api.advance_to("2027-03-26T09:00:00-03:00")
    page = new_page()
    requested = _public_plantao(page, api)
    hidden = api.call("plantao", "GET", "/publico/plantoes/2027-04-01")["plantoes"]
    assert hidden and all(p["magistrado"] is None for p in hidden)
    rows = page.locator("#escala tbody tr", has_text="01/04/2027")
    expect(rows.first).to_contain_text("divulgado em 27/03/2027")
    screenshot(page, "plantao-d-menos-6")
    # the page asks the public API only: never a staff route that would carry the names early
    api_calls = [u for u in requested if any(u.startswith(base) for base in api.urls.values())]
    assert api_calls and all("/publico/" in u for u in api_calls), api_calls

    api.advance_to("2027-03-27T09:00:00-03:00")
    page.reload()
    names = {p["magistrado"] for p in api.call("plantao", "GET", "/publico/plantoes/2027-04-01")["plantoes"]}
    assert names and None not in names
    for name in names:
        expect(page.locator("#escala tbody tr", has_text="01/04/2027").filter(has_text=name).first).to_be_visible()
    screenshot(page, "plantao-d-menos-5")


# ------------------------------------------------------------------------------------------- payments, 02/04


def test_08_dimag_runs_march_and_downloads_the_pdf(api, new_page):
    api.advance_to("2027-04-02T09:00:00-03:00")  # March closed by the schedule on 01/04 (COOP-11)
    page = new_page()
    login(page, api.web, "dimag.folha")
    run = page.locator("#execucao")
    run.locator("[name=competencia]").fill("2027-03")
    run.get_by_role("button", name="Executar").click()
    expect(run.locator(".resultado")).to_contain_text("Execução de março de 2027 concluída", timeout=60_000)
    memo = page.locator("#execucao-mes tbody tr", has_text="Gratificação de cooperação")
    expect(memo.first).to_be_visible()
    with page.expect_download() as download:
        memo.first.locator("button[data-formato=pdf]").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF"), content[:40]
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "console-dimag")
    assert not page.errors


def test_09_expired_token_brings_the_login_back_and_logout_works(api, new_page):
    page = new_page()
    login(page, api.web, "dimag.folha")
    assert page.evaluate("() => sessionStorage.length") == 1 and page.evaluate("() => localStorage.length") == 0
    # the screens' first calls answered before the clock moves: one still in flight would meet the expired
    # token and sign out before the form below is used (seen on a loaded machine)
    page.wait_for_function("() => document.querySelector('#estacionados > div')?.children.length > 0")
    api.advance("PT2H")  # ID tokens last 1 h by the stack's clock
    view = page.locator("#memos-dimag")
    view.locator("[name=competencia]").fill("2027-03")
    view.get_by_role("button", name="Ver memorandos").click()
    expect(page.locator("#entrar")).to_be_visible()
    expect(page.locator("#aviso")).to_contain_text("Sessão expirada: entre novamente.")  # TOKEN_EXPIRADO's detail
    screenshot(page, "console-sessao-expirada")
    login(page, api.web, "dimag.folha")
    page.get_by_role("button", name="Sair").click()
    expect(page.locator("#entrar")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0
    page.fill("#usuario", "dimag.folha")
    page.fill("#senha", "senha errada")
    page.click("#login button[type=submit]")
    expect(page.locator("#login .erro-campo")).to_contain_text("Usuário ou senha inválidos")


# ------------------------------------------------------------------------------------------- phone and accessibility


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_10_public_pages_on_a_360px_phone(api, new_page, name):
    page = new_page(width=360, height=740)
    page.goto(f"{api.web}/{name}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_be_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= 360, f"{name}: a página tem {overflow} px de largura num telefone de 360 px"
    screenshot(page, f"360-{name.split('.')[0]}")
    assert not page.errors


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_11_axe_on_the_public_pages(api, new_page, name):
    page = new_page(bypass_csp=True)  # axe-core is injected as a script of the test
    page.goto(f"{api.web}/{name}")
    page.wait_for_load_state("networkidle")
    if name.startswith("distribuicoes"):
        page.fill("#dia", "2027-03-01")
        page.get_by_role("button", name="Verificar os sorteios no navegador").click()
        expect(page.locator("[data-resultado]")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, name.split(".")[0])


@pytest.mark.parametrize("user", ["servidor.ana", "gestor.vara1", "corregedor", "nucleo.coop", "presidente",
                                  "distribuidor", "dimag.folha", "admin.ti"])
def test_12_axe_on_the_console_of_each_role(api, new_page, user):
    page = new_page(bypass_csp=True)
    page.goto(f"{api.web}/console.html")
    assert axe_violations(page) == [], "tela de login"
    login(page, api.web, user)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    screenshot(page, f"console-{user}")
    assert not page.errors


def test_13_keyboard_only_sign_in_and_consultation(api, new_page, facts):
    """Keyboard navigation: the skip link first, every control reachable with Tab, Enter submits."""
    page = new_page()
    page.goto(f"{api.web}/console.html")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Pular para o conteúdo"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "usuario":
            break
    else:
        pytest.fail("o campo de matrícula não é alcançável com Tab")
    page.keyboard.type("servidor.ana")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "senha"
    page.keyboard.type("Tribunal#Demo2026")
    page.keyboard.press("Enter")
    expect(page.locator("#sessao")).to_be_visible()
    expect(page.locator("#minhas-cooperacoes")).to_contain_text("Minhas cooperações")

    citizen = new_page()
    citizen.goto(f"{api.web}/distribuicoes.html")
    for _ in range(20):
        citizen.keyboard.press("Tab")
        if citizen.evaluate("() => document.activeElement.id") == "numero":
            break
    citizen.keyboard.type("0000001")  # an incomplete number: the field itself says what is missing
    citizen.keyboard.press("Enter")
    expect(citizen.locator("#numero")).to_have_attribute("aria-invalid", "true")
    expect(citizen.locator("#consulta .erro-campo")).to_contain_text("Faltam dígitos")
