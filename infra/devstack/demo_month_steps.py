"""The steps of ``make demo`` (``devstack.demo_month``), in the order they are played.

Each step is a function of the :class:`Demo` that returns a short detail for its line, or raises
``StepFailed(expected, received)``. The clock starts on Monday 01/03/2027 08:00 (``demo_month.START``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from devstack.demo_month import CUIABA, MONTH, NEXT_MONTH, ORGAO, ROOT, START, Demo, expect

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


@step("revelação das sementes (03/03) e o verificador independente: OK no log exportado (DIST-11)")
def reveal_and_verify(demo: Demo) -> str:
    demo.advance_to("2027-03-03T09:00:00-03:00")
    export = demo.call("distribuicao", "GET", "/sorteios/exportacao", params={"log": demo.facts["log"]})
    path = Path(tempfile.mkdtemp(prefix="demo-sorteios-")) / "exportacao.json"
    path.write_bytes(export.content)
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
    demo.documents.append(("edital 01/03–15/03 (PDF, link de 1 h)", edital["pdf_url"],
                           f"curl -s '{edital['pdf_url']}' -o edital.pdf && xdg-open edital.pdf"))
    return f"{len(demo.facts['cases'])} processos no edital {edital['inicio']}–{edital['fim']}"


# --- plantão ---------------------------------------------------------------------------------------------------


@step("escalas de plantão de abril geradas pelo agendamento mensal (20/03)")
def scales_generated(demo: Demo) -> str:
    answer = demo.advance_to("2027-03-20T09:00:00-03:00")
    fired = [r for r in answer.get("disparados", []) if r["handler"] == "generate_monthly_scales"
             and r.get("resultado", {}).get("geradas")]
    scales = demo.json("plantao", "GET", "/escalas", "presidente", params={"mes": NEXT_MONTH})["itens"]
    expect(scales, f"escalas de {NEXT_MONTH} geradas", {"escalas": scales, "disparados": fired})
    demo.facts["scales"] = {s["id"]: s for s in scales}
    kinds = Counter(s["tipo"] for s in scales)
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + f" ({sum(len(s['plantoes']) for s in scales)} plantões)"


@step("escalas aprovadas pela Presidência: portarias emitidas e avisos aos magistrados (PLAN-04)")
def scales_approved(demo: Demo) -> str:
    portarias, notices = [], 0
    for scale_id in list(demo.facts["scales"]):
        approved = demo.json("plantao", "POST", f"/escalas/{scale_id}/aprovacao", "presidente")
        expect(approved["status"] != "rascunho" and approved["portarias"], "escala aprovada com portaria",
               {k: approved.get(k) for k in ("status", "portarias")})
        notices += approved.get("avisos_enviados") or 0
        portarias += approved["portarias"]
        demo.facts["scales"][scale_id] = approved
    expect(notices > 0, "avisos enviados", notices)
    first = portarias[0]
    demo.facts["portarias"] = portarias
    demo.documents.append((f"portaria {first['numero']} (PDF no bucket de documentos)", f"s3 key {first['pdf']}",
                           f"aws --endpoint-url $MOTO s3 cp s3://$BUCKET/{first['pdf']} portaria.pdf"))
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
