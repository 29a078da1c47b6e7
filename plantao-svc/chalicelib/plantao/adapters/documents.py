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
    _designations_table(pdf, [[to_latin1(t) for t in (r.data, r.horario, r.local, r.magistrado, r.juizo)]
                              for r in portaria.rows])
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


COLUMN_WIDTHS = (19.0, 32.0, 38.0, 46.0, 45.0)  # mm, the A4 page's 180 mm between margins
COLUMN_ALIGN = ("C", "C", "L", "L", "L")
LINE_HEIGHT = 4.4  # mm, at 8.5 pt
HEADING_FILL = (225, 225, 225)


def _designations_table(pdf: Any, rows: list[list[str]]) -> None:
    """The designations as a bordered table whose heading (bold, grey) repeats on each page, each cell's text wrapped
    at word boundaries and centred vertically in its row — the layout of fpdf2's ``pdf.table()``, drawn here with
    one ``rect`` per cell and one ``text`` per line.

    Written here rather than using ``pdf.table()``: fpdf2 lays out every cell twice through its general line breaker
    (per character, every font lookup again), 7 ms a cell — 12 s for a month of a state at 210 magistrates. Here a
    word's width is measured once per document (names and places repeat), so the table costs a few ms a row."""
    widths: dict[str, float] = {}
    space = pdf.get_string_width(" ")

    def width(word: str) -> float:
        if word not in widths:
            widths[word] = pdf.get_string_width(word)
        return widths[word]

    def wrap(text: str, room: float) -> list[str]:
        lines: list[str] = []
        current, used = "", 0.0
        for word in text.split():
            w = width(word)
            if current and used + space + w <= room:
                current, used = f"{current} {word}", used + space + w
                continue
            if current:
                lines.append(current)
            while w > room and len(word) > 1:  # a word longer than the column: cut it by characters
                cut = max(1, next((n for n in range(len(word), 0, -1) if width(word[:n]) <= room), 1))
                lines.append(word[:cut])
                word = word[cut:]
                w = width(word)
            current, used = word, w
        return [*lines, current] if current or not lines else lines

    def draw(cells: list[str], heading: bool) -> None:
        wrapped = [wrap(text, w - 2 * pdf.c_margin) for text, w in zip(cells, COLUMN_WIDTHS, strict=True)]
        height = max(len(lines) for lines in wrapped) * LINE_HEIGHT
        if not heading and pdf.will_page_break(height):
            pdf.add_page()
            draw_heading()
        x, top = pdf.l_margin, pdf.get_y()
        ascent = LINE_HEIGHT / 2 + pdf.font_size * 0.35  # the baseline of a line centred in LINE_HEIGHT
        for lines, w, align in zip(wrapped, COLUMN_WIDTHS, COLUMN_ALIGN, strict=True):
            pdf.rect(x, top, w, height, style="DF" if heading else "D")
            first = top + (height - len(lines) * LINE_HEIGHT) / 2
            for n, line in enumerate(lines):
                if align == "C":
                    left = x + (w - width(line)) / 2
                else:
                    left = x + pdf.c_margin
                pdf.text(left, first + n * LINE_HEIGHT + ascent, line)
            x += w
        pdf.set_xy(pdf.l_margin, top + height)

    def draw_heading() -> None:
        style = pdf.font_style
        pdf.set_font(style="B")
        pdf.set_fill_color(*HEADING_FILL)
        draw([to_latin1(title) for title in COLUMNS], heading=True)
        pdf.set_font(style=style)

    if pdf.will_page_break(2 * LINE_HEIGHT):
        pdf.add_page()
    draw_heading()
    for row in rows:
        draw(row, heading=False)


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
