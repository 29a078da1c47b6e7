"""The steps of ``make demo`` (``devstack.demo_month``), in the order they are played.

Each step is a function of the :class:`Demo` that returns a short detail for its line, or raises
``StepFailed(expected, received)``. The clock starts on Monday 01/03/2027 08:00 (``demo_month.START``).
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

from devstack.demo_month import CUIABA, MONTH, NEXT_MONTH, ORGAO, ROOT, START, Demo, StepFailed, expect

Step = Callable[[Demo], str]
STEPS: list[tuple[str, Step]] = []

HOLIDAY = "2027-03-12"  # a Friday in Cuiabá
CASES_DAY_1 = ["RE", "RE", "HC", "RE", "MS", "HC", "RE", "MS"]
CASES_DAY_2 = ["RE", "HC", "MS", "RE"]


def step(title: str) -> Callable[[Step], Step]:
    def register(fn: Step) -> Step:
        STEPS.append((title, fn))
        return fn
    return register


def _situacao(demo: Demo, service: str, day: str) -> dict:
    return demo.json(service, "GET", f"/calendario/situacao/{day}", params={"municipio": CUIABA})


# --- calendar ---------------------------------------------------------------------------------------------------


@step("calendário: feriado municipal de Cuiabá decretado e conhecido por todos os serviços")
def calendar_holiday(demo: Demo) -> str:
    demo.advance_to(START)  # a running stack started earlier is brought to the demo's first day
    demo.call("plantao", "POST", "/calendario/dias", "admin.ti", {
        "data": HOLIDAY, "tipo": "feriado_municipal", "municipio": CUIABA,
        "descricao": "Dia do Padroeiro de Cuiabá (demonstração)", "decretado_em": "2027-03-01"})
    demo.eventually(lambda: all(_situacao(demo, s, HOLIDAY)["dia_util"] is False
                                for s in ("cooperacao", "distribuicao", "pagamentos")),
                    f"{HOLIDAY} não útil em cooperacao, distribuicao e pagamentos")
    expect(_situacao(demo, "distribuicao", "2027-03-11")["dia_util"] is True, "11/03 dia útil",
           _situacao(demo, "distribuicao", "2027-03-11"))
    return f"{HOLIDAY[8:]}/{HOLIDAY[5:7]} não é dia útil em Cuiabá"


# --- cooperation ---------------------------------------------------------------------------------------------


@step("cooperação (M4) pedida por Ana e Bruno e deferida pelo gestor da 1ª Vara (COOP-10)")
def cooperation_requested(demo: Demo) -> str:
    ids = {}
    for servant, home in (("servidor.ana", "1VC-CBA"), ("servidor.bruno", "GAB-C3")):
        asked = demo.json("cooperacao", "POST", "/cooperacoes", servant, {
            "unidade_lotacao": home, "unidade_cooperada": "1VC-CBA", "modalidade": "M4",
            "inicio": "2027-03-01", "fim": "2027-06-30"})
        decided = demo.json("cooperacao", "POST", f"/cooperacoes/{asked['id']}/decisao", "gestor.vara1",
                            {"deferir": True, "meta": "20 minutas por mês"})
        expect(decided["situacao"] == "aprovada", "situação aprovada", decided["situacao"])
        ids[servant] = asked["id"]
    demo.facts["coops"] = ids
    return ", ".join(f"{s} {i}" for s, i in ids.items())


# --- distribution ------------------------------------------------------------------------------------------


def _number(demo: Demo) -> str:
    return demo.json("distribuicao", "POST", "/processos/numeracao", "distribuidor", {"origem": 0})["numero_processo"]


def _distribute(demo: Demo, classe: str, **extra) -> dict:
    numero = _number(demo)
    body = {"numero_processo": numero, "orgao": ORGAO, "classe": classe, "partes": [f"Parte {numero[:7]}"],
            "advogados": ["Advogada Demonstração OAB/MT 1"], "assuntos": ["Propaganda eleitoral"], **extra}
    out = demo.json("distribuicao", "POST", "/distribuicoes", "distribuidor", body)
    demo.facts.setdefault("cases", {})[out["numero_processo"]] = out
    return out


@step("numeração CNJ e distribuição do dia 01/03 no Pleno (8 processos)")
def distribute_day_1(demo: Demo) -> str:
    outs = [_distribute(demo, c) for c in CASES_DAY_1]
    expect(all(o["relator"] and o["relator"]["id"] != "des.presidente" for o in outs),
           "relator sorteado, nunca o Presidente (DIST-02)", [o["relator"] for o in outs])
    demo.facts["log"] = outs[0]["sorteio"]["log"]
    return f"{len(outs)} processos, log {outs[0]['sorteio']['log']} seq {outs[-1]['sorteio']['seq']}"


@step("prevenção: processo conexo vai ao relator do primeiro, sem sorteio (DIST-03)")
def prevention(demo: Demo) -> str:
    first = next(iter(demo.facts["cases"].values()))
    out = _distribute(demo, "RE", processo_relacionado={"numero": first["numero_processo"], "tipo": "conexao"})
    expect(out["relator"]["id"] == first["relator"]["id"] and out["regra"] == "prevencao",
           f"relator {first['relator']['id']} por DIST-03", {"relator": out["relator"], "regra": out["regra"]})
    return f"{out['numero_processo']} → {out['relator']['nome']}"


@step("dia seguinte (02/03): mais 4 processos e um impedimento redistribuído com compensação (DIST-04)")
def distribute_day_2_and_impediment(demo: Demo) -> str:
    demo.advance_to("2027-03-02T09:00:00-03:00")
    outs = [_distribute(demo, c) for c in CASES_DAY_2]
    target = outs[0]
    impeded = target["relator"]["id"]
    again = demo.json("distribuicao", "POST", f"/distribuicoes/{target['numero_processo']}/redistribuicao",
                      "distribuidor", {"motivo": "impedimento",
                                       "excluidos": [{"juiz": impeded, "motivo": "impedimento"}]})
    expect(again["relator"]["id"] != impeded, f"novo relator diferente de {impeded}", again["relator"])
    demo.facts["cases"][target["numero_processo"]] = again
    demo.facts["impediment"] = (target["numero_processo"], impeded, again["relator"]["id"])
    return f"{target['numero_processo']}: {impeded} impedido → {again['relator']['id']}"


@step("compensação: os sorteios seguintes evitam as cadeiras compensadas até a classe igualar (DIST-02, DIST-04)")
def compensated_later(demo: Demo) -> str:
    drawn = 0
    for _ in range(12):  # 6 drawable seats: a class evens out within a few draws
        orgao = demo.json("distribuicao", "GET", f"/orgaos/{ORGAO}", "distribuidor")
        spreads = orgao["igualdade"]["diferenca_por_classe"]
        classe, spread = max(spreads.items(), key=lambda item: item[1])
        if spread <= orgao["igualdade"]["maximo_por_classe"]:
            break
        seats = [c for c in orgao["cadeiras"] if c["sorteavel"]]
        lowest = min(c["contagens"].get(classe, 0) for c in seats)
        out = _distribute(demo, classe)
        drawn += 1
        got = next(c for c in seats if c["id"] == out["cadeira"])
        expect(got["contagens"].get(classe, 0) == lowest, f"{classe} sorteado a uma cadeira de contagem {lowest}",
               {"cadeira": got["id"], "contagens": got["contagens"]})
    else:
        raise StepFailed("diferença por classe ≤ 1 depois dos sorteios seguintes", orgao["igualdade"])
    demo.facts["orgao"] = orgao
    if not drawn:
        return f"já igualado: por classe {spreads}"
    return f"{drawn} sorteio(s) depois, por classe {spreads}, total {orgao['igualdade']['diferenca_total']}"


@step("revelação das sementes (03/03) e o verificador independente: OK no log exportado (DIST-11)")
def reveal_and_verify(demo: Demo) -> str:
    demo.advance_to("2027-03-03T09:00:00-03:00")
    export = demo.call("distribuicao", "GET", "/sorteios/exportacao", params={"log": demo.facts["log"]})
    path = demo.save(f"sorteios-{demo.facts['log']}.json", export.content)
    verifier = ROOT / "distribuicao-svc" / "scripts" / "verify_draws.py"
    result = subprocess.run([sys.executable, str(verifier), str(path)], capture_output=True, text=True, timeout=60)
    expect(result.returncode == 0, "verify_draws.py sai com 0 (tudo confere)",
           f"código {result.returncode}: {(result.stdout + result.stderr)[-600:]}")
    demo.facts["verifier"] = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "OK"
    demo.documents.append(("exportação do log de sorteios", str(path),
                           f"python3 {verifier.relative_to(ROOT)} {path}"))
    records = len(export.json().get("registros", []))
    return f"{records} registros, {demo.facts['verifier']}"


@step("edital da primeira quinzena (publicado pelo agendamento em 16/03) lista os processos (DIST-08)")
def fortnight_edital(demo: Demo) -> str:
    demo.advance_to("2027-03-16T09:00:00-03:00")
    editais = demo.json("distribuicao", "GET", "/editais", params={"ano": 2027})["itens"]
    mine = [e for e in editais if e["inicio"] == "2027-03-01"]
    expect(mine, "edital de 01/03 a 15/03 publicado", editais)
    edital = mine[0]
    content = demo.http.get(edital["json_url"], timeout=60)
    expect(content.status_code == 200, "JSON do edital disponível", content.status_code)
    text = content.text
    missing = [n for n in demo.facts["cases"] if n not in text]
    expect(not missing, "todos os processos distribuídos no edital", missing)
    demo.facts["edital"] = edital
    pdf = demo.http.get(edital["pdf_url"], timeout=60)
    expect(pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), "PDF do edital", pdf.status_code)
    saved = demo.save("edital-2027-03-01_2027-03-15.pdf", pdf.content)
    key = edital["pdf_url"].split("?")[0].split("/", 3)[-1]  # path-style URL: <bucket>/<key>
    demo.documents.append(("edital 01/03–15/03 (PDF; GET /editais/2027-03-01 dá o link de 1 h)",
                           f"s3://{key}  → cópia em {saved}", f"xdg-open {saved}"))
    return f"{len(demo.facts['cases'])} processos no edital {edital['inicio']}–{edital['fim']}"


# --- plantão ---------------------------------------------------------------------------------------------------


@step("escalas de plantão de abril geradas pelo agendamento mensal (20/03)")
def scales_generated(demo: Demo) -> str:
    answer = demo.advance_to("2027-03-20T09:00:00-03:00")
    fired = [r for r in answer.get("disparados", []) if r["handler"] == "generate_monthly_scales"
             and r.get("resultado", {}).get("solicitadas")]
    asked = [s for r in fired for s in r["resultado"]["solicitadas"]]

    def generated() -> list[dict[str, Any]]:
        """The month's drafts once plantao's own queue has run every generation the schedule asked for (one kind
        per event)."""
        statuses = [demo.json("plantao", "GET", f"/geracoes/{s}", "presidente") for s in asked]
        if any(status["situacao"] not in ("concluida", "falhou") for status in statuses):
            return []
        return list(demo.json("plantao", "GET", "/escalas", "presidente", params={"mes": NEXT_MONTH})["itens"])

    scales = demo.eventually(generated, f"escalas de {NEXT_MONTH} geradas pela fila (pedidas: {asked})",
                             timeout=120.0)
    demo.facts["scales"] = {s["id"]: s for s in scales}
    kinds = Counter(s["tipo"] for s in scales)
    shifts = sum(len(s["plantoes"]) for s in scales)
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + f" ({shifts} plantões)"


@step("escalas aprovadas pela Presidência: portarias emitidas e avisos aos magistrados (PLAN-04)")
def scales_approved(demo: Demo) -> str:
    portarias, notices = [], 0
    for scale_id in list(demo.facts["scales"]):
        approved = demo.json("plantao", "POST", f"/escalas/{scale_id}/aprovacao", "presidente")
        expect(approved["status"] != "rascunho" and approved["portarias"], "escala aprovada com portaria",
               {k: approved.get(k) for k in ("status", "portarias")})
        demo.facts["scales"][scale_id] = approved

    def documents_ready() -> list[dict[str, Any]]:
        """The portarias once plantao's own queue stored their documents (marked after their notices were sent)."""
        scales = [demo.json("plantao", "GET", f"/escalas/{s}", "presidente") for s in demo.facts["scales"]]
        ready = [p for s in scales for p in s["portarias"]]
        return ready if ready and all(p["documento"] == "pronto" for p in ready) else []

    portarias = demo.eventually(documents_ready, "documentos das portarias prontos")
    notices = sum(len({p["magistrado"] for p in s["plantoes"]}) for s in demo.facts["scales"].values())
    expect(notices > 0, "avisos enviados", notices)
    first = portarias[0]
    demo.facts["portarias"] = portarias
    path = f"/portarias/{first['serie']}/{first['ano']}/{first['n']}"
    pdf = demo.call("plantao", "GET", f"{path}/pdf", "presidente", headers={"Accept": "application/pdf"})
    expect(pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), "PDF da portaria", pdf.status_code)
    saved = demo.save(f"portaria-{first['serie']}-{first['ano']}-{first['n']}.pdf", pdf.content)
    demo.documents.append((f"{first['numero']} (PDF, GET {path}/pdf; texto em GET {path}/texto)", str(saved),
                           f"xdg-open {saved}"))
    return f"{len(portarias)} portarias ({', '.join(p['numero'] for p in portarias[:3])}…), {notices} avisos"


@step("permuta entre dois plantonistas pedida e aprovada, com portaria de alteração (PLAN-05)")
def swap(demo: Demo) -> str:
    for scale in demo.facts["scales"].values():
        shifts = sorted(scale["plantoes"], key=lambda p: p["data"])
        pairs = [(a, b) for a in shifts for b in shifts if a["magistrado"] != b["magistrado"] and a["data"] < b["data"]
                 and a["rotacao"] == b["rotacao"]]
        if pairs:
            break
    expect(pairs, "dois plantões de magistrados diferentes", "nenhum par")
    a, b = pairs[-1]
    asked = demo.json("plantao", "POST", f"/escalas/{scale['id']}/permutas", "presidente", {
        "plantao_a": a["id"], "magistrado_a": a["magistrado"], "plantao_b": b["id"], "magistrado_b": b["magistrado"],
        "motivo": "Compromisso acadêmico do magistrado (demonstração)"})
    done = demo.json("plantao", "POST", f"/permutas/{asked['id']}/aprovacao", "presidente")
    after = demo.json("plantao", "GET", f"/escalas/{scale['id']}", "presidente")
    now_a = next(p for p in after["plantoes"] if p["data"] == a["data"] and p["rotacao"] == a["rotacao"])
    expect(now_a["magistrado"] == b["magistrado"], f"{a['data']} com {b['magistrado']}", now_a["magistrado"])
    demo.facts["scales"][scale["id"]] = after
    portaria = done.get("portaria") or (after["portarias"][-1] if after.get("portarias") else None)
    return f"{a['data']} {a['magistrado']} ↔ {b['data']} {b['magistrado']}" + (
        f", {portaria['numero']}" if isinstance(portaria, dict) and "numero" in portaria else "")


def _weekdays(first: str, last: str, skip: set[str]) -> list[str]:
    from datetime import date, timedelta

    day, end, out = date.fromisoformat(first), date.fromisoformat(last), []
    while day <= end:
        if day.weekday() < 5 and day.isoformat() not in skip:
            out.append(day.isoformat())
        day += timedelta(days=1)
    return out


@step("ponto de Ana até o teto de 40 h no mês; a 41ª hora é recusada (COOP-06, COOP-08)")
def ponto_to_the_cap(demo: Demo) -> str:
    coop = demo.facts["coops"]["servidor.ana"]
    days = _weekdays("2027-03-02", "2027-03-19", {HOLIDAY})[:10]
    for day in days:  # 10 sessions of 4 h before her 12:00–19:00 jornada
        demo.call("cooperacao", "POST", f"/cooperacoes/{coop}/pontos", "servidor.ana",
                  {"inicio": f"{day}T07:00:00-03:00", "fim": f"{day}T11:00:00-03:00"}, expected=(201,))
    refused = demo.call("cooperacao", "POST", f"/cooperacoes/{coop}/pontos", "servidor.ana",
                        {"inicio": "2027-03-19T19:30:00-03:00", "fim": "2027-03-19T20:30:00-03:00"},
                        expected=(409, 422))
    body = refused.json()
    expect("COOP-0" in body.get("code", ""), "recusa nomeando COOP-06/COOP-08", body)
    bruno = demo.facts["coops"]["servidor.bruno"]
    demo.call("cooperacao", "POST", f"/cooperacoes/{bruno}/pontos", "servidor.bruno",
              {"inicio": "2027-03-13T08:00:00-03:00", "fim": "2027-03-13T11:00:00-03:00"}, expected=(201,))
    demo.facts["hours"] = {"servidor.ana": 40 * 60, "servidor.bruno": 3 * 60}
    return f"Ana 10 × 4 h = 40 h; 41ª hora → {refused.status_code} {body.get('code')}; Bruno 3 h"


@step("tribunal parceiro envia carta precatória assinada (HMAC): sorteada entre as zonas (DIST-10)")
def partner_carta(demo: Demo) -> str:
    registered = demo.json("distribuicao", "POST", "/admin/parceiros", "admin.ti",
                           {"id": "TJSP", "nome": "Tribunal de Justiça de São Paulo"})
    demo.facts["partner"] = ("TJSP", registered["segredo"])
    demo.call("distribuicao", "PUT", f"/zonas/{CUIABA}", "distribuidor", {"zonas": [
        {"numero": 1, "instalada_em": "1946-05-01"}, {"numero": 39, "instalada_em": "1988-03-10"},
        {"numero": 51, "instalada_em": "2004-08-01"}]})
    numero = _number(demo)
    carta: dict[str, Any] = {"numero_processo": numero, "municipio": CUIABA, "materia": "carta",
                             "partes": ["Autora", "Réu"], "advogados": ["Advogado OAB/SP 1"],
                             "segredo_justica": False, "id_origem": "CP-2027-0001"}
    unsigned = demo.http.post(demo.urls["distribuicao"] + "/precatorias", json=carta, timeout=60)
    expect(unsigned.status_code == 401, "sem assinatura → 401", unsigned.status_code)
    out = demo.signed("distribuicao", "POST", "/precatorias", "TJSP", registered["segredo"], carta, expected=(201,))
    expect(out["zona"] in {"ZE001", "ZE039", "ZE051"}, "uma das zonas de Cuiabá", out)
    return f"{numero} → {out['zona']} (distribuidora {out['zona_distribuidora']})"


@step("tribunal parceiro pede cooperação judiciária; o Núcleo defere e publica o ato (COOP-12)")
def partner_judicial_request(demo: Demo) -> str:
    registered = demo.json("cooperacao", "POST", "/admin/parceiros", "admin.ti",
                           {"id": "TJSP", "nome": "Tribunal de Justiça de São Paulo"})
    pedido = {"id_origem": "COOP-TJSP-77", "juizo_solicitante": "3ª Vara Cível de Campinas",
              "juizo_destinatario": "1ª Vara Cível de Cuiabá", "instrumento": "auxilio_direto",
              "objeto": "Oitiva de testemunha residente em Cuiabá por videoconferência"}
    out = demo.signed("cooperacao", "POST", "/cooperacao-judiciaria/pedidos", "TJSP", registered["segredo"], pedido,
                      expected=(201,))
    decided = demo.json("cooperacao", "POST", f"/nucleo/pedidos/{out['origem']}/{pedido['id_origem']}/deliberacao",
                        "nucleo.coop", {"membro": "coordenador", "decisao": "deferido",
                                        "fundamento": "Pedido instruído; ato a cargo da 1ª Vara Cível de Cuiabá."})
    seen = demo.signed("cooperacao", "GET", f"/cooperacao-judiciaria/pedidos/{pedido['id_origem']}", "TJSP",
                       registered["segredo"])
    expect(seen["situacao"] == decided["pedido"]["situacao"] and seen["deliberacoes"], "o parceiro vê a deliberação",
           seen)
    return f"pedido {pedido['id_origem']} → {seen['situacao']}"


def _public_day(demo: Demo, day: str) -> list[dict]:
    return demo.json("plantao", "GET", f"/publico/plantoes/{day}")["plantoes"]


@step("D−6 (26/03): a rota pública mostra o plantão de 01/04 sem nomes (PLAN-03)")
def embargo_d_minus_6(demo: Demo) -> str:
    demo.advance_to("2027-03-26T09:00:00-03:00")
    entries = _public_day(demo, "2027-04-01")
    expect(entries and all(e["magistrado"] is None for e in entries), "plantões de 01/04 sem nomes", entries)
    return f"{len(entries)} plantões, nenhum nome"


@step("D−5 (27/03): os nomes de 01/04 aparecem na rota pública")
def embargo_d_minus_5(demo: Demo) -> str:
    demo.advance_to("2027-03-27T09:00:00-03:00")
    entries = _public_day(demo, "2027-04-01")
    expect(entries and all(e["magistrado"] for e in entries), "plantões de 01/04 com nomes", entries)
    return ", ".join(sorted({e["magistrado"] for e in entries}))[:80]


# --- the month's close and the payments ---------------------------------------------------------------------


@step("fechamento de março pelo agendamento de 01/04: gratificação de cooperação apurada (COOP-11)")
def month_closed(demo: Demo) -> str:
    demo.advance_to("2027-04-01T09:00:00-03:00")

    def ended() -> dict | None:  # the schedule asked; the close runs on the queue, in parts
        status = demo.json("cooperacao", "GET", f"/fechamentos/{MONTH}", "dimag.folha")
        return status if status.get("situacao") in ("concluida", "falhou") else None

    closed = demo.eventually(ended, f"{MONTH} fechado pelo agendamento", timeout=120.0)
    expect(closed.get("situacao") == "concluida" and closed.get("solicitado_por") == "agendamento",
           f"{MONTH} fechado pelo agendamento", closed)
    return f"{MONTH} fechado em {str(closed.get('concluido_em') or '')[:10]} pelo agendamento"


def requested_run(demo: Demo, service: str, path: str, body: dict, timeout: float = 60.0) -> dict:
    """A monthly job asked by hand: 202 with its status at ``Location``, polled (bounded) until it ends."""
    asked = demo.call(service, "POST", path, "dimag.folha", body, expected=(202,))
    location = asked.headers["Location"]

    def ended() -> dict | None:
        status = demo.json(service, "GET", location, "dimag.folha")
        return status if status.get("situacao") in ("concluida", "falhou") else None

    status = demo.eventually(ended, f"{service}{location} concluído", timeout=timeout)
    expect(status["situacao"] == "concluida", f"{service}{location} concluído", status)
    return dict(status)


def _memos(demo: Demo, month: str) -> list[dict]:
    resumo = demo.json("pagamentos", "GET", "/memorandos", "dimag.folha", params={"competencia": month})
    return resumo.get("memorandos") or resumo.get("itens") or []


def _memo_lines(demo: Demo, month: str, category: str) -> list[dict]:
    return demo.json("pagamentos", "GET", f"/memorandos/{month}-{category}", "dimag.folha")["linhas"]


@step("execução de pagamentos de março (05/04): memorando de gratificação com Ana (40 h) e Bruno (3 h) (PAG-08)")
def payments_run(demo: Demo) -> str:
    demo.advance_to("2027-04-05T09:00:00-03:00")
    lines = demo.eventually(lambda: [line for line in _memo_lines(demo, MONTH, "gratificacao_cooperacao")
                                     if line["pessoa"] in ("servidor.ana", "servidor.bruno")] or None,
                            "linhas de Ana e Bruno no memorando de gratificação")
    values = {line["pessoa"]: line["valor"] for line in lines}
    expect(values.get("servidor.ana") == "1800.00" and values.get("servidor.bruno") == "135.00",
           "Ana R$ 1800,00 (40 h × R$ 45,00) e Bruno R$ 135,00", values)
    resumo = demo.json("pagamentos", "GET", "/memorandos", "dimag.folha", params={"competencia": MONTH})
    memos = resumo.get("memorandos") or resumo.get("itens")
    expect(isinstance(memos, list) and memos, "resumo com a lista de memorandos", list(resumo)[:12])
    demo.facts["memos"] = memos
    return f"{len(memos)} memorandos de {MONTH}; Ana R$ 1.800,00, Bruno R$ 135,00"


@step("memorando de gratificação assinado pela Presidência e enviado à folha (PAG-10)")
def memo_signed_and_sent(demo: Demo) -> str:
    memo = f"{MONTH}-gratificacao_cooperacao"
    signed = demo.json("pagamentos", "POST", f"/memorandos/{memo}/assinatura", "presidente")
    sent = demo.json("pagamentos", "POST", f"/memorandos/{memo}/envio", "dimag.folha")
    expect(sent.get("situacao", sent.get("status")) == "enviado", "memorando enviado", sent)
    out = demo.folder
    pdf = demo.call("pagamentos", "GET", f"/memorandos/{memo}/pdf", "dimag.folha",
                    headers={"Accept": "application/pdf"})
    csv = demo.call("pagamentos", "GET", f"/memorandos/{memo}/csv", "dimag.folha")
    expect(pdf.content.startswith(b"%PDF"), "PDF do memorando", pdf.content[:40])
    demo.save(f"{memo}.pdf", pdf.content)
    demo.save(f"{memo}.csv", csv.content)
    demo.documents.append((f"memorando {memo} (PDF, GET /memorandos/{memo}/pdf)", str(out / f"{memo}.pdf"),
                           f"xdg-open {out / (memo + '.pdf')}"))
    demo.documents.append((f"memorando {memo} (CSV, GET /memorandos/{memo}/csv)", str(out / f"{memo}.csv"),
                           f"xdg-open {out / (memo + '.csv')}"))
    demo.facts["memo_signed"] = signed
    return f"{memo}: assinado e enviado"


@step("ponto atrasado de março (Bruno, 2 h) vira ajuste no memorando de abril (COOP-11, PAG-10)")
def late_event_becomes_adjustment(demo: Demo) -> str:
    bruno = demo.facts["coops"]["servidor.bruno"]
    demo.call("cooperacao", "POST", f"/cooperacoes/{bruno}/pontos", "servidor.bruno",
              {"inicio": "2027-03-20T08:00:00-03:00", "fim": "2027-03-20T10:00:00-03:00"}, expected=(201,))
    reclosed = requested_run(demo, "cooperacao", "/fechamentos", {"competencia": MONTH}, timeout=180.0)
    expect((reclosed.get("resumo") or {}).get("ajustes", 0) >= 1, "um ajuste publicado", reclosed)
    demo.advance_to("2027-05-05T09:00:00-03:00")  # April's close (01/05) and April's payments run (05/05)
    lines = demo.eventually(lambda: [line for line in _memo_lines(demo, NEXT_MONTH, "gratificacao_cooperacao")
                                     if line["pessoa"] == "servidor.bruno"] or None,
                            "linha de ajuste de Bruno no memorando de abril")
    adjustment = [line for line in lines if line.get("competencia_origem") == MONTH]
    expect(adjustment and adjustment[0]["valor"] == "90.00", "ajuste de R$ 90,00 (2 h) referente a março", lines)
    demo.facts["adjustment"] = adjustment[0]
    demo.facts["memos"] = [m for month in (MONTH, NEXT_MONTH) for m in _memos(demo, month)
                           if "gratificacao_cooperacao" in str(m.get("id"))]
    return f"abril: ajuste de R$ 90,00 de Bruno, competência de origem {MONTH}"
