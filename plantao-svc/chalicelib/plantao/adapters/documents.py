"""Portaria documents (PLAN-04): the DJe text and a PDF (fpdf2 core fonts) in the documents bucket, and the
e-mail notices (SES) to every designated magistrate.

Rendering is pure (text in, bytes out). The S3 keys are derived from the portaria number, so storing the
same portaria again overwrites it with the same bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.plantao.domain.portaria import COLUMNS, Portaria, portaria_keys

from courtlib import aws
from courtlib.documents import DocumentsBucket, a4_pdf, to_latin1
from courtlib.settings import ServiceSettings


def render_portaria_pdf(portaria: Portaria, *, issued_at: datetime) -> bytes:
    """The portaria as an A4 PDF: title, preamble, article 1, the designations as a table (headings repeated on
    each page), the other articles, place and date, and the President's name and title."""
    from fpdf.fonts import FontFace

    pdf = a4_pdf(footer=f"{portaria.number.label} - página {{page}} de {{nb}}", title=portaria.number.label,
                 creator="plantao-svc", created_at=issued_at)  # a fixed date: the same portaria, the same bytes
    pdf.set_author(to_latin1(portaria.tribunal))
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5, to_latin1(portaria.tribunal.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, to_latin1(portaria.title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    for paragraph in (portaria.preamble, portaria.articles[0]):
        pdf.multi_cell(0, 5, to_latin1(paragraph), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.set_font("Helvetica", "", 8.5)
    with pdf.table(col_widths=(19, 32, 38, 46, 45), text_align=("CENTER", "CENTER", "LEFT", "LEFT", "LEFT"),
                   line_height=4.4, headings_style=FontFace(emphasis="B", fill_color=(225, 225, 225)),
                   repeat_headings=1) as table:
        heading = table.row()
        for title in COLUMNS:
            heading.cell(to_latin1(title))
        for r in portaria.rows:
            row = table.row()
            for text in (r.data, r.horario, r.local, r.magistrado, r.juizo):
                row.cell(to_latin1(text))
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    for paragraph in portaria.articles[1:]:
        pdf.multi_cell(0, 5, to_latin1(paragraph), align="J", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.ln(4)
    pdf.multi_cell(0, 5, to_latin1(portaria.place_and_date), align="R", new_x="LMARGIN", new_y="NEXT")
    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(14)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(0, 5, to_latin1(portaria.signatory.nome), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, to_latin1(portaria.signatory.cargo), align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


class PortariaStore:
    """The portaria's text and PDF in the documents bucket (:class:`courtlib.documents.DocumentsBucket`)."""

    def __init__(self, settings: ServiceSettings, client: Any | None = None) -> None:
        self._bucket = DocumentsBucket(settings, client)

    def put(self, series: str, year: int, number: int, text: str, pdf: bytes) -> dict[str, str]:
        txt_key, pdf_key = portaria_keys(series, year, number)
        self._bucket.put(txt_key, text.encode("utf-8"), "text/plain; charset=utf-8")
        self._bucket.put(pdf_key, pdf, "application/pdf")
        return {"texto": txt_key, "pdf": pdf_key}

    def get(self, key: str) -> bytes | None:
        return self._bucket.get(key)


class Notifier:
    """E-mail notices through SES from the verified sender (``NOTICE_SENDER``)."""

    def __init__(self, settings: Any, client: Any | None = None) -> None:
        self._settings = settings
        self._client = client

    @property
    def _ses(self) -> Any:
        return self._client or aws.client("ses", self._settings)

    def send_one(self, address: str, name: str, body: str, subject: str) -> None:
        """One e-mail; SES's refusal (or a network failure) is raised to the caller."""
        self._ses.send_email(
            Source=self._settings.notice_sender, Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": subject, "Charset": "UTF-8"},
                     "Body": {"Text": {"Data": f"Prezado(a) {name},\n\n{body}", "Charset": "UTF-8"}}})
