"""The fortnightly edital of distribution (DIST-08, RI art. 36): its JSON and PDF documents and their keys.

Rendering is pure (rows in, bytes out; the same input gives the same bytes, so re-publishing a period
is idempotent). The PDF uses fpdf2's core fonts, which need no font file in the Lambda package but
encode only latin-1: every Portuguese letter is there, and ``courtlib.documents.to_latin1`` replaces the
few other characters (dashes, ellipsis, curly quotes…) with plain equivalents. The JSON keeps the text as it is.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.distribuicao.domain.log import EditalRow

from courtlib.clock import TRIBUNAL_TZ
from courtlib.documents import to_latin1

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
KEY_PREFIX = "distribuicao/editais"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
PDF_CONTENT_TYPE = "application/pdf"
EMPTY_PERIOD = "Nenhuma distribuição no período."
LEGAL_TEXT = (
    "Nos termos do art. 36 do Regimento Interno do Tribunal, dá-se publicidade às distribuições de feitos "
    "realizadas no período acima, com o número do processo, a classe, o nome do Relator, o do Revisor, se for o "
    "caso, o das partes e os dos advogados, se houver. Nos processos que tramitam em segredo de justiça, os nomes "
    "das partes e dos advogados não são divulgados."
)
# How a record's rule reads in the Classe column (ordinary draws, ``distribuicao``, say nothing more).
RULE_LABELS = {
    "distribuicao": "",
    "prevencao": "prevenção",
    "prevencao_sem_compensacao": "prevenção, sem compensação",
    "redistribuicao_erro": "redistribuição por erro",
    "redistribuicao_impedimento": "redistribuição por impedimento",
    "redistribuicao_suspeicao": "redistribuição por suspeição",
    "redistribuicao_revisor_visto": "redistribuição, revisor com visto",
    "redistribuicao_ausencia": "redistribuição por ausência",
    "urgencia_ausencia": "urgência na ausência do relator",
    "retorno": "retorno do relator",
    "sucessao": "sucessão",
    "substituicao_revisor": "substituição do revisor",
    "carta_precatoria": "carta precatória",
    "domicilio_eleitor": "domicílio do eleitor",
}


# ---------------------------------------------------------------------------------------------
# shared by both documents


def _local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("generated_at precisa de fuso horário")
    return moment.astimezone(TZ)


def _br(day: date | str) -> str:
    """dd/mm/aaaa of a date or of an ISO ``aaaa-mm-dd`` string."""
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return value.strftime("%d/%m/%Y")


def _ordered(rows: Sequence[EditalRow]) -> list[EditalRow]:
    """Rows by day, keeping the log order within a day (a stable sort).

    Rows without a case number are the opening balance of a migrated log (rule ``abertura``): no
    case was distributed, so they have no place in the edital.
    """
    return sorted((r for r in rows if r.case_number), key=lambda r: r.day)


def _names(value: tuple[str, ...] | str) -> list[str] | str:
    return value if isinstance(value, str) else list(value)


# ---------------------------------------------------------------------------------------------
# JSON


def edital_document(
    rows: Sequence[EditalRow], *, tribunal: str, start: date, end: date, generated_at: datetime
) -> dict[str, Any]:
    """The edital as a JSON-ready dict (masked parties and lawyers are the string ``SEGREDO``)."""
    items = [
        {
            "data": row.day,
            "numero_processo": row.case_number,
            "classe": row.classe,
            "regra": row.rule,
            "relator": row.relator,
            "revisor": row.revisor,
            "partes": _names(row.parties),
            "advogados": _names(row.lawyers),
        }
        for row in _ordered(rows)
    ]
    return {
        "tribunal": tribunal,
        "periodo": {"inicio": start.isoformat(), "fim": end.isoformat()},
        "gerado_em": _local(generated_at).isoformat(timespec="seconds"),
        "total": len(items),
        "distribuicoes": items,
    }


def render_edital_json(
    rows: list[EditalRow], *, tribunal: str, start: date, end: date, generated_at: datetime
) -> bytes:
    """UTF-8 JSON, fields in a fixed order, rows by day then log order: same input, same bytes."""
    document = edital_document(rows, tribunal=tribunal, start=start, end=end, generated_at=generated_at)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# PDF

@dataclass(frozen=True)
class _Layout:
    margin: float = 12.0
    bottom: float = 16.0
    font: str = "Helvetica"
    size: float = 7.5
    line: float = 3.5
    padding: tuple[float, float] = (1.0, 1.2)  # vertical, horizontal
    # Data, Processo, Classe, Relator, Revisor, Partes, Advogados: 273 mm, A4 landscape less margins
    widths: tuple[float, ...] = (17, 38, 25, 36, 36, 65, 56)
    # A row taller than this many lines is continued in the next table row (fpdf2 cannot split a row).
    max_lines: int = 38


_L = _Layout()
HEADINGS = ("Data", "Processo", "Classe", "Relator", "Revisor", "Partes", "Advogados")
PROCESSO, PARTES, ADVOGADOS = 1, 5, 6


def render_edital_pdf(
    rows: list[EditalRow], *, tribunal: str, start: date, end: date, generated_at: datetime
) -> bytes:
    """The edital as an A4 (landscape) PDF: heading, art. 36 line, table, total, "Página X de Y"."""
    from fpdf import FPDF
    from fpdf.enums import MethodReturnValue, TableBordersLayout, TableCellFillMode, VAlign, WrapMode
    from fpdf.fonts import FontFace

    local = _local(generated_at)
    period = f"{_br(start)} a {_br(end)}"
    generated = f"Gerado em {local:%d/%m/%Y} às {local:%H:%M:%S} (horário de Brasília)"
    running = f"{tribunal} - Edital de Distribuição - {period}"

    class Edital(FPDF):
        def header(self) -> None:
            if self.page_no() == 1:
                return
            self.set_font(_L.font, "", 7)
            self.set_text_color(90)
            self.cell(0, 4, to_latin1(running), align="L")
            self.ln(6)
            self.set_text_color(0)

        def footer(self) -> None:
            self.set_y(-11)
            self.set_draw_color(150)
            self.set_line_width(0.2)
            self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
            self.set_font(_L.font, "", 7)
            self.set_text_color(90)
            self.cell(self.epw / 2, 5, to_latin1(generated), align="L")
            self.cell(self.epw / 2, 5, f"Página {self.page_no()} de {{nb}}", align="R")
            self.set_text_color(0)

    pdf = Edital(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(local)  # not "now": the same edital renders to the same bytes
    pdf.set_title(to_latin1(f"Edital de Distribuição - {period}"))
    pdf.set_author(to_latin1(tribunal))
    pdf.set_subject("Publicidade da distribuição de feitos (RI art. 36)")
    pdf.set_creator("distribuicao-svc")
    pdf.set_lang("pt-BR")
    pdf.set_margins(_L.margin, _L.margin, _L.margin)
    pdf.set_auto_page_break(True, margin=_L.bottom)
    pdf.alias_nb_pages()
    pdf.add_page()

    pdf.set_font(_L.font, "B", 11)
    pdf.multi_cell(0, 5.5, to_latin1(tribunal.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font(_L.font, "B", 15)
    pdf.cell(0, 8, "EDITAL DE DISTRIBUIÇÃO", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_L.font, "", 10)
    pdf.cell(0, 6, f"Período: {period}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(_L.font, "", 8.5)
    pdf.multi_cell(0, 4.2, to_latin1(LEGAL_TEXT), align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    ordered = _ordered(rows)
    if not ordered:
        pdf.set_font(_L.font, "I", 10)
        pdf.cell(0, 8, to_latin1(EMPTY_PERIOD), align="C", new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.set_font(_L.font, "", _L.size)
        pdf.set_draw_color(120)
        pdf.set_line_width(0.15)

        def wrapped(text: str, column: int) -> list[str]:
            """``text`` in the lines its cell shows; unwrapped when it cannot come near ``max_lines``."""
            usable = _L.widths[column] - 2 * _L.padding[1]
            if text.count("\n") + 3 * pdf.get_string_width(text) / usable < _L.max_lines:
                return [text]  # (word wrapping wastes far less than 2/3 of each line)
            lines = pdf.multi_cell(
                _L.widths[column], _L.line, text, dry_run=True, output=MethodReturnValue.LINES,
                padding=(0, _L.padding[1]), wrapmode=WrapMode.WORD,
            )
            return [str(line) for line in lines] or [""]

        headings = FontFace(emphasis="BOLD", fill_color=(220, 220, 220))
        masked = FontFace(emphasis="ITALICS")
        with pdf.table(
            col_widths=_L.widths, width=sum(_L.widths), line_height=_L.line, padding=_L.padding,
            headings_style=headings, repeat_headings=1, v_align=VAlign.T,
            borders_layout=TableBordersLayout.ALL, cell_fill_color=(244, 244, 244),
            cell_fill_mode=TableCellFillMode.ROWS, wrapmode=WrapMode.WORD, text_align="LEFT",
        ) as table:
            heading = table.row()
            for title in HEADINGS:
                heading.cell(title)
            for row in ordered:
                cells = _cells(row)
                masked_columns = {i for i, value in ((PARTES, row.parties), (ADVOGADOS, row.lawyers))
                                  if isinstance(value, str)}
                lines = [wrapped(text, i) for i, text in enumerate(cells)]
                pieces = -(-max(len(c) for c in lines) // _L.max_lines)
                for piece in range(pieces):
                    cut = slice(piece * _L.max_lines, (piece + 1) * _L.max_lines)
                    line = table.row()
                    for i, column in enumerate(lines):
                        if piece and i == PROCESSO:
                            text = f"{cells[PROCESSO]}\n(continuação)"
                        else:
                            text = "\n".join(column[cut])
                        line.cell(text, style=masked if i in masked_columns else None)

    pdf.ln(4)
    pdf.set_font(_L.font, "B", 9)
    total = len(ordered)
    pdf.cell(0, 5, f"Total de distribuições no período: {total}.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_L.font, "", 8.5)
    pdf.cell(0, 5, to_latin1(generated) + ".", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _cells(row: EditalRow) -> list[str]:
    rule = RULE_LABELS.get(row.rule, row.rule.replace("_", " "))
    classe = f"{row.classe}\n({rule})" if rule else row.classe

    def names(value: tuple[str, ...] | str) -> str:
        if isinstance(value, str):
            return value
        return "; ".join(value) if value else "-"

    values = [_br(row.day), row.case_number, classe, row.relator or "-", row.revisor or "-",
              names(row.parties), names(row.lawyers)]
    return [to_latin1(v) for v in values]


def edital_keys(start: date, end: date) -> tuple[str, str]:
    """S3 keys of a period's edital: ``distribuicao/editais/<AAAA>/<inicio>_<fim>.json`` and ``.pdf``."""
    stem = f"{KEY_PREFIX}/{start.year:04d}/{start.isoformat()}_{end.isoformat()}"
    return f"{stem}.json", f"{stem}.pdf"
