"""CSV request bodies: a spreadsheet saved as CSV becomes the JSON body the route already validates.

A route opts in with ``RouteSet.route(..., body=Model, csv=to_body)``: a request sent as
``Content-Type: text/csv`` is read by :func:`read_rows` (comma or semicolon, as Brazilian spreadsheets
save it; header names case-insensitive; UTF-8 with or without BOM), ``to_body`` turns the rows into the
JSON-shaped body, and ``Model`` validates it exactly as if JSON had been sent. A malformed file is a
400 ``CSV_INVALIDO`` naming the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from courtlib.http.problems import ProblemError

CSV_INVALID = "CSV_INVALIDO"
CONTENT_TYPE = "text/csv"
TRUE = frozenset({"sim", "s", "true", "1", "x"})
FALSE = frozenset({"nao", "não", "n", "false", "0", ""})


class CsvError(ValueError):
    def __init__(self, line: int, detail: str) -> None:
        super().__init__(f"linha {line}: {detail}")
        self.line = line
        self.detail = detail

    def problem(self) -> ProblemError:
        return ProblemError(400, CSV_INVALID, f"Linha {self.line} do CSV: {self.detail}", field=f"linha {self.line}")


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise CsvError(self.line, f"a coluna '{column}' é obrigatória")
        return value

    def flag(self, column: str) -> bool:
        value = self.get(column).lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise CsvError(self.line, f"'{self.get(column)}' na coluna '{column}' não é sim/não")

    def integer(self, column: str) -> int:
        value = self.required(column)
        try:
            return int(value)
        except ValueError:
            raise CsvError(self.line, f"'{value}' na coluna '{column}' não é um número inteiro") from None


def read_rows(text: str, required: Sequence[str]) -> list[Row]:
    """The data rows of ``text`` (line numbers as a spreadsheet shows them; blank lines skipped)."""
    return list(iter_rows(text, required))


def iter_rows(text: str, required: Sequence[str]) -> Iterator[Row]:
    """The data rows of ``text`` one at a time, so that a caller can refuse a file at its first line over a limit
    without reading the rest."""
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise CsvError(1, "a primeira linha deve trazer os nomes das colunas")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    seen = False
    try:
        header = [name.strip().lower() for name in next(reader)]
        missing = [name for name in required if name not in header]
        if missing:
            raise CsvError(1, f"colunas obrigatórias ausentes: {', '.join(missing)}")
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise CsvError(reader.line_num, f"{len(values)} valores para {len(header)} colunas")
            seen = True
            yield Row(reader.line_num, {k: v.strip() for k, v in zip(header, values, strict=False)})
    except csv.Error as error:
        raise CsvError(reader.line_num, f"CSV malformado ({error})") from None
    if not seen:
        raise CsvError(2, "nenhuma linha de dados")


def is_csv(content_type: str | None) -> bool:
    return (content_type or "").split(";", 1)[0].strip().lower() == CONTENT_TYPE
