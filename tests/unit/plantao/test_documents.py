"""PLAN-04: the portaria's PDF opens and carries its number and every designated name (accents included)."""

import io
from datetime import datetime

from pypdf import PdfReader

from chalicelib.plantao.adapters.documents import portaria_keys, render_portaria_pdf, to_latin1
from chalicelib.plantao.domain.portaria import next_number, portaria_text
from chalicelib.plantao.domain.scales import Kind, Month, generate
from tests.unit.plantao.support import CONFIG, TZ, calendar, reference


def test_plan_04_portaria_pdf_opens_with_number_and_names_and_is_reproducible():
    scale = generate(Kind.ESTADUAL, Month(2027, 2), reference(), calendar(), CONFIG, {})
    number = next_number("MI", 2027, 6)
    issued = datetime(2027, 1, 20, 15, tzinfo=TZ)
    text = portaria_text(number, tribunal="TRE-MT", kind=scale.kind, month=scale.month, plantoes=scale.plantoes,
                         motivo="escala mensal", signed_by="presidente", issued_at=issued)
    pdf = render_portaria_pdf(text, title=number.label, tribunal="TRE-MT", issued_at=issued)
    assert pdf == render_portaria_pdf(text, title=number.label, tribunal="TRE-MT", issued_at=issued)
    extracted = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Portaria MI nº 7/2027" in extracted
    for name in {p.nome for p in scale.plantoes}:
        assert name in extracted
    assert portaria_keys("MI", 2027, 7) == ("plantao/portarias/MI/2027/00007.txt", "plantao/portarias/MI/2027/00007.pdf")


def test_plan_04_text_outside_latin1_is_replaced_not_lost():
    assert to_latin1("Des.ª Lúcia — “Corregedora”") == "Des.ª Lúcia - \"Corregedora\""
    assert to_latin1("Gőmez") == "Gomez" and to_latin1("Łukasz") == "?ukasz"  # no base letter: marked, not dropped
