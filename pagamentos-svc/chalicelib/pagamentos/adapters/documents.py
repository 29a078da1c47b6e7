"""PAG-11: the memo as a PDF a person signs (fpdf2 core fonts, as distribuicao-svc's edital) and its S3 store.

Rendering is pure and deterministic (the same memo gives the same bytes). Core fonts encode latin-1 only:
Portuguese letters and × are there; other characters are replaced by plain ones (:func:`to_latin1`): the
en dash of the memo's number prints as "-" (the JSON and the CSV keep "–"). A TTF font would print it,
but none ships in a PyPI package this service already installs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.pagamentos.domain.memos import total
from chalicelib.pagamentos.domain.model import Line
from chalicelib.pagamentos.domain.rules import CATEGORIES, TITLES

from courtlib import ptbr
from courtlib.clock import TRIBUNAL_TZ
from courtlib.documents import DocumentsBucket, a4_pdf, to_latin1
from courtlib.settings import ServiceSettings

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
KEY_PREFIX = "pagamentos/memorandos"
STATUS_WORDS = {"rascunho": "minuta, sem número (o número é dado na assinatura)", "assinado": "assinado",
                "enviado": "assinado e enviado à DIMAG"}


def brl(value: Decimal) -> str:
    """1234.5 → "R$ 1.234,50" (negative: "-R$ 90,00")."""
    return ptbr.brl(value)


def render_memo_pdf(*, tribunal: str, memo_id: str, month: str, category: str, status: str, lines: Sequence[Line],
                    generated_at: datetime, signed_by: str | None = None, signed_at: datetime | None = None,
                    number: str | None = None, signatory: tuple[str, str] | None = None,
                    place: str | None = None, note: str | None = None) -> bytes:
    """A4 portrait: heading with the memo's number (a draft has none yet), place and date, addressee (DIMAG),
    the table (matrícula, name, basis in prose, rule, amount), total, the memo's ``note`` (its observação, under
    its own heading, when there is one), and the despacho signed by the President (``signatory``: name and title
    as printed; ``signed_by`` is the login, kept for the audit, not printed)."""
    pdf = a4_pdf(footer=f"{number or 'Minuta de memorando'} - gerado em "
                        f"{generated_at.astimezone(TZ).strftime('%d/%m/%Y %H:%M')} - página {{page}} de {{nb}}",
                 title=number or f"Minuta de memorando {memo_id}", creator="pagamentos-svc", created_at=generated_at)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.multi_cell(0, 5.5, to_latin1(tribunal.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, to_latin1(number or "MINUTA DE MEMORANDO"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    when = (signed_at or generated_at).astimezone(TZ).date()
    if place:
        pdf.cell(0, 6, to_latin1(ptbr.place_and_date(place, when) + "."), align="R", new_x="LMARGIN", new_y="NEXT")
    for text in ("À Divisão de Pessoal da Magistratura (DIMAG)",
                 f"Assunto: {TITLES[category]} ({CATEGORIES[category]}), competência {ptbr.month_label(month)}",
                 f"Situação: {STATUS_WORDS.get(status, status)}"):
        pdf.multi_cell(0, 5.5, to_latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    rows = sorted(lines, key=lambda line: (line.adjustment, line.name, line.key))
    widths = (26, 46, 72, 14, 28)
    pdf.set_font("Helvetica", "", 8)
    if not rows:
        pdf.set_font("Helvetica", "I", 10)
        pdf.cell(0, 8, to_latin1("Nada a pagar nesta categoria na competência."), align="C",
                 new_x="LMARGIN", new_y="NEXT")
    else:
        with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "LEFT", "CENTER", "RIGHT"),
                       line_height=4.2) as table:
            heading = table.row()
            for title in ("Matrícula", "Nome", "Base de cálculo", "Regra", "Valor"):
                heading.cell(to_latin1(title))
            for line in rows:
                row = table.row()
                base = line.basis
                if line.adjustment and "ajuste da competência" not in base:
                    base += f" (ajuste da competência {ptbr.month_label(line.origin_month)})"
                for text in (line.person, line.name, base, line.rule, brl(line.amount)):
                    row.cell(to_latin1(text))
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, to_latin1(f"Total do memorando: {brl(total(rows))} ({len(rows)} linha(s))"),
             new_x="LMARGIN", new_y="NEXT")
    if note and note.strip():
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(0, 6, to_latin1("Observação"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5.5, to_latin1(note.strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 10)
    name, title = signatory or ("", "Presidente")
    if signed_by and signed_at:
        moment = signed_at.astimezone(TZ)
        pdf.multi_cell(0, 5.5, to_latin1(
            f"Despacho: autorizo o pagamento. Assinado eletronicamente por {name or 'Presidência'}, {title}, em "
            f"{moment.strftime('%d/%m/%Y')} às {moment.strftime('%H:%M')}."), align="L", new_x="LMARGIN",
            new_y="NEXT")
    else:
        pdf.ln(6)
        pdf.cell(0, 6, "_______________________________________", align="C", new_x="LMARGIN", new_y="NEXT")
        if name:
            pdf.cell(0, 5, to_latin1(name), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 5, to_latin1(f"{title} (despacho)"), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MemoDocumentStore:
    """The sent memo's three documents in the documents bucket (one key per memo and format)."""

    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._bucket = DocumentsBucket(settings, client)

    def put(self, memo_id: str, documents: dict[str, tuple[bytes, str]]) -> dict[str, str]:
        """``documents``: extension → (bytes, content type). Returns keys and sha256 per extension."""
        out: dict[str, str] = {}
        for extension, (body, content_type) in documents.items():
            key = f"{KEY_PREFIX}/{memo_id[:4]}/{memo_id}.{extension}"
            digest = sha256_hex(body)
            self._bucket.put(key, body, content_type, metadata={"sha256": digest, "memorando": memo_id})
            out[f"{extension}_chave"] = key
            out[f"{extension}_sha256"] = digest
        return out

    def get(self, key: str) -> bytes | None:
        return self._bucket.get(key)
