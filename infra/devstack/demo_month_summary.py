"""The summary ``make demo`` prints at the end: cases per judge and class with the spread, scales, hours, memo
totals, and where each document is with a command to open it."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any


def _brl(value: Any) -> str:
    """R$ 1.935,00 (pt-BR), from a number or the API's decimal string."""
    return "R$ " + f"{float(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in [h, *[r[i] for r in rows]]) for i, h in enumerate(headers)]
    line = lambda cells: "  " + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)  # noqa: E731
                                         for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
    return [line(headers), "  " + "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def cases_table(cases: dict[str, dict[str, Any]]) -> list[str]:
    counts: dict[str, Counter] = defaultdict(Counter)
    classes = sorted({c["classe"] for c in cases.values()})
    for case in cases.values():
        counts[case["relator"]["id"]][case["classe"]] += 1
    judges = sorted(counts)
    rows = [[j, *[str(counts[j][c]) for c in classes], str(sum(counts[j].values()))] for j in judges]
    spread = [str(max(counts[j][c] for j in judges) - min(counts[j][c] for j in judges)) for c in classes]
    totals = [sum(counts[j].values()) for j in judges]
    rows.append(["diferença (máx − mín)", *spread, str(max(totals) - min(totals))])
    return _table(["relator", *classes, "total"], rows)


def summary(demo: Any) -> str:
    facts = demo.facts
    out = ["", "Resumo do mês", "", f"Processos por relator e classe (Pleno; {len(facts.get('cases', {}))} processos):"]
    if facts.get("cases"):
        out += cases_table(facts["cases"])
    if facts.get("orgao"):
        equality = facts["orgao"]["igualdade"]
        out += [f"  contagens do serviço (sorteios + prevenções + compensações), diferença por classe "
                f"{equality['diferenca_por_classe']}, total {equality['diferenca_total']}"]
    if facts.get("scales"):
        rows = []
        for scale in facts["scales"].values():
            people = {p["magistrado"] for p in scale["plantoes"]}
            rows.append([scale["tipo"], scale["mes"], scale["status"], str(len(scale["plantoes"])), str(len(people)),
                         ", ".join(p["numero"] for p in scale.get("portarias", []))])
        facts["scales_table"] = (["escala", "mês", "situação", "plantões", "magistrados", "portarias"], rows)
    if facts.get("hours"):
        facts["hours_table"] = (["servidor", "horas em março", "valor"],
                                [[s, f"{m // 60} h", _brl(m / 60 * 45)] for s, m in facts["hours"].items()])
    if facts.get("memos"):
        rows = [[str(m.get("id") or m.get("memorando")), str(m.get("situacao") or m.get("status") or ""),
                 str(m.get("linhas") if not isinstance(m.get("linhas"), list) else len(m["linhas"])),
                 _brl(m.get("total") or m.get("valor_total") or 0)] for m in facts["memos"]]
        facts["memos_table"] = (["memorando", "situação", "linhas", "total"], rows)
    for title, key in (("Escalas", "scales_table"), ("Horas de cooperação", "hours_table"),
                       ("Memorandos", "memos_table")):
        if facts.get(key):
            out += ["", f"{title}:", *_table(*facts[key])]
    if demo.documents:
        out += ["", "Documentos:"]
        for what, where, command in demo.documents:
            out += [f"  {what}", f"    onde:  {where}", f"    abrir: {command}"]
    return "\n".join(out) + "\n"
