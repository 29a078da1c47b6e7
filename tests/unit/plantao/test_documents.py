"""PLAN-04/PLAN-05: the portaria's PDF opens, is a table with every designation, is signed by the President
(name and title from the configuration, not a login), carries place and date in full; a swap's portaria
cites the portaria it changes and prints no internal id. Each is rendered with pdftoppm."""

import io
import re
from dataclasses import replace
from datetime import datetime

from chalicelib.plantao.adapters.documents import portaria_keys, render_portaria_pdf, to_latin1
from chalicelib.plantao.domain.portaria import (
    Signatory,
    build_portaria,
    changed_portaria,
    next_number,
    portaria_text,
    series_for,
)
from chalicelib.plantao.domain.scales import Kind, Month, generate
from pypdf import PdfReader

from courtlib.config import TribunalConfig
from tests.unit.plantao.support import CONFIG, TZ, calendar, reference
from tests.unit.render import needs_pdftoppm, render_png

TRIBUNAL = TribunalConfig()
SIGNATORY = Signatory(TRIBUNAL.presidencia.nome, TRIBUNAL.presidencia.cargo)
ISSUED = datetime(2026, 12, 4, 15, tzinfo=TZ)


def _portaria(kind=Kind.ESTADUAL, number=7, altera=None, plantoes=None, motivo="aprovação da escala mensal"):
    scale = generate(kind, Month(2027, 2), reference(), calendar(), CONFIG, {})
    portaria = build_portaria(
        next_number(series_for(kind, CONFIG), 2027, number - 1),
        tribunal=TRIBUNAL.nome,
        kind=kind,
        month=scale.month,
        plantoes=plantoes or scale.plantoes,
        motivo=motivo,
        signatory=SIGNATORY,
        place=TRIBUNAL.capital.nome,
        issued_at=ISSUED,
        altera=altera,
    )
    return scale, portaria


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_plan_04_portaria_pdf_opens_with_number_and_names_and_is_reproducible():
    scale, portaria = _portaria()
    pdf = render_portaria_pdf(portaria, issued_at=ISSUED)
    assert pdf == render_portaria_pdf(portaria, issued_at=ISSUED)
    extracted = _text(pdf)
    assert "PORTARIA MI Nº 7/2027" in extracted
    for name in {p.nome for p in scale.plantoes}:
        assert name in extracted
    assert portaria_keys("MI", 2027, 7) == (
        "plantao/portarias/MI/2027/00007.txt",
        "plantao/portarias/MI/2027/00007.pdf",
    )


def test_plan_04_portaria_is_a_table_signed_by_the_president_with_place_and_date_in_full():
    scale, portaria = _portaria()
    text = portaria_text(portaria)
    assert text.splitlines()[text.splitlines().index("Data | Horário | Comarca/Região | Magistrado(a) | Juízo") + 1]
    rows = [line for line in text.splitlines() if line.count(" | ") == 4][1:]
    assert len(rows) == len(scale.plantoes)
    assert all(re.fullmatch(r"\d\d/\d\d/2027 \| \d+h às \d+h( de \d\d/\d\d)? \| .+ \| .+ \| .+", r) for r in rows)
    assert "Cuiabá, 4 de dezembro de 2026." in text
    assert text.rstrip().endswith(f"{TRIBUNAL.presidencia.nome}\n{TRIBUNAL.presidencia.cargo}")
    extracted = _text(render_portaria_pdf(portaria, issued_at=ISSUED))
    for piece in ("Cuiabá, 4 de dezembro de 2026", TRIBUNAL.presidencia.nome, TRIBUNAL.presidencia.cargo,
                  "Magistrado(a)", "Juízo", "fevereiro de 2027"):
        assert piece in extracted


def test_plan_05_swap_portaria_cites_the_portaria_it_changes_and_prints_no_internal_id():
    scale, _ = _portaria()
    a, b = scale.plantoes[0], scale.plantoes[1]
    swapped = [replace(a, nome=b.nome, magistrado=b.magistrado), replace(b, nome=a.nome, magistrado=a.magistrado)]
    records = [{"numero": "Portaria MI nº 7/2027", "plantoes": [p.id for p in scale.plantoes]}]
    cited = changed_portaria(records, [p.id for p in swapped])
    assert cited == "Portaria MI nº 7/2027"
    _, portaria = _portaria(number=8, altera=cited, plantoes=swapped, motivo="permuta (viagem a serviço)")
    text = portaria_text(portaria)
    pdf_text = _text(render_portaria_pdf(portaria, issued_at=ISSUED))
    for content in (text, pdf_text):
        assert "Alterar a Portaria MI nº 7/2027" in content
        assert "PORTARIA MI Nº 8/2027" in content
        for p in swapped:
            assert p.id not in content and p.magistrado not in content and p.rotation not in content
    assert len([line for line in text.splitlines() if line.count(" | ") == 4]) == 3  # heading + 2 shifts


def test_plan_05_a_change_cites_the_latest_portaria_of_its_shifts():
    records = [{"numero": "Portaria M nº 1/2027", "plantoes": ["d1#r", "d2#r"]},
               {"numero": "Portaria M nº 4/2027", "plantoes": ["d2#r"]}]
    assert changed_portaria(records, ["d2#r"]) == "Portaria M nº 4/2027"
    assert changed_portaria(records, ["d1#r"]) == "Portaria M nº 1/2027"
    assert changed_portaria(records, ["d9#r"]) == "Portaria M nº 1/2027"
    assert changed_portaria([], ["d1#r"]) is None


@needs_pdftoppm
def test_plan_04_portaria_and_swap_portaria_render_to_images(tmp_path):
    for kind in Kind:
        scale, portaria = _portaria(kind)
        if not scale.plantoes:
            continue
        pages = render_png(render_portaria_pdf(portaria, issued_at=ISSUED), tmp_path, f"portaria-{kind.value}")
        assert len(pages) >= 1
    scale, _ = _portaria()
    _, swap = _portaria(number=8, altera="Portaria MI nº 7/2027", plantoes=list(scale.plantoes[:2]),
                        motivo="permuta (viagem a serviço)")
    assert len(render_png(render_portaria_pdf(swap, issued_at=ISSUED), tmp_path, "permuta")) == 1


def test_plan_04_text_outside_latin1_is_replaced_not_lost():
    assert to_latin1("Des.ª Lúcia — “Corregedora”") == "Des.ª Lúcia - \"Corregedora\""
    assert to_latin1("Gőmez") == "Gomez" and to_latin1("Łukasz") == "?ukasz"  # no base letter: marked, not dropped
