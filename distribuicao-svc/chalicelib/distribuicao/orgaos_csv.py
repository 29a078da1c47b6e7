"""Bulk import of órgãos julgadores from a spreadsheet: one CSV line per judge.

Columns (header names, any order, case-insensitive; ``,`` or ``;`` separated):
``orgao, nome_orgao, classes, cadeira, juiz, nome, antiguidade`` and optionally ``rotulo_cadeira,
papel`` (titular/substituto), ``presidente, desembargador`` (sim/não), ``inicio_mandato, fim_mandato``
(DD/MM/AAAA or AAAA-MM-DD). ``classes`` lists the class acronyms separated by spaces or ``|``; every
line of one órgão repeats its name and classes. The result is the JSON body of ``POST /orgaos/importacao``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from courtlib.http.csvbody import CsvError, Row, iter_rows

REQUIRED = ("orgao", "nome_orgao", "classes", "cadeira", "juiz", "nome", "antiguidade")
# The limits of the JSON import (``ImportacaoIn``/``OrgaoIn`` use them): a file is refused at its first line over
# one, without reading the rest, so that a huge file costs no more than its first lines.
MAX_ORGAOS = 50
MAX_SEATS = 30
MAX_JUDGES = 60


def _day(row: Row, column: str) -> str | None:
    value = row.get(column)
    if not value:
        return None
    for parse in (date.fromisoformat, lambda v: datetime.strptime(v, "%d/%m/%Y").date()):
        try:
            return parse(value).isoformat()
        except ValueError:
            continue
    raise CsvError(row.line, f"'{value}' na coluna '{column}' não é uma data (DD/MM/AAAA)")


def orgaos_from_csv(text: str) -> dict[str, Any]:
    orgaos: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    seats: dict[str, set[str]] = {}
    for row in iter_rows(text, REQUIRED):
        orgao_id = row.required("orgao")
        classes = sorted(set(row.required("classes").replace("|", " ").split()))
        if orgao_id not in orgaos and len(orgaos) == MAX_ORGAOS:
            raise CsvError(row.line, f"o arquivo traz mais de {MAX_ORGAOS} órgãos, o limite de uma importação")
        entry = orgaos.setdefault(orgao_id, {"id": orgao_id, "nome": row.required("nome_orgao"), "classes": classes,
                                             "cadeiras": [], "juizes": []})
        first_line.setdefault(orgao_id, row.line)
        if entry["nome"] != row.get("nome_orgao") or entry["classes"] != classes:
            raise CsvError(row.line, f"o nome e as classes do órgão {orgao_id} diferem dos da linha "
                                     f"{first_line[orgao_id]}")
        seat = row.required("cadeira")
        known = seats.setdefault(orgao_id, set())
        if seat not in known:
            if len(known) == MAX_SEATS:
                raise CsvError(row.line, f"o órgão {orgao_id} passa de {MAX_SEATS} cadeiras, o limite de um órgão")
            known.add(seat)
            entry["cadeiras"].append({"id": seat, "rotulo": row.get("rotulo_cadeira")})
        if len(entry["juizes"]) == MAX_JUDGES:
            raise CsvError(row.line, f"o órgão {orgao_id} passa de {MAX_JUDGES} juízes, o limite de um órgão")
        judge: dict[str, Any] = {
            "id": row.required("juiz"), "nome": row.required("nome"), "antiguidade": row.integer("antiguidade"),
            "cadeira": seat, "papel": row.get("papel").lower() or "titular",
            "presidente": row.flag("presidente"), "desembargador": row.flag("desembargador"),
        }
        for column in ("inicio_mandato", "fim_mandato"):
            day = _day(row, column)
            if day is not None:
                judge[column] = day
        entry["juizes"].append(judge)
    return {"orgaos": list(orgaos.values())}
