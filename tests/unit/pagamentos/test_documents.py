"""PAG-11: the memo PDF opens in a PDF reader and shows names, amounts and the memo total."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from chalicelib.pagamentos.adapters.documents import brl, render_memo_pdf
from chalicelib.pagamentos.domain.model import Line
from pypdf import PdfReader

from tests.unit.render import needs_pdftoppm, render_png

TZ = ZoneInfo("America/Sao_Paulo")


def _line(pessoa: str, nome: str, valor: str, ajuste: bool = False) -> Line:
    return Line("cumulacao_juizes", "PAG-02", pessoa, nome, "10 dia(s) de cumulação — fração 1/3", Decimal(10),
                Decimal(valor), pessoa, "2027-02" if ajuste else "2027-03", pessoa, ajuste)


def _text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


SIGNATORY = ("Desembargador Carlos Almeida", "Presidente do Tribunal Regional Eleitoral de Mato Grosso")


def _signed(lines):
    return render_memo_pdf(tribunal="Tribunal Regional Eleitoral de Mato Grosso", memo_id="2027-03-cumulacao_juizes",
                           month="2027-03", category="cumulacao_juizes", status="assinado", lines=lines,
                           generated_at=datetime(2027, 4, 5, 9, tzinfo=TZ), signed_by="presidente",
                           signed_at=datetime(2027, 4, 6, 15, 30, tzinfo=TZ), number="Memorando nº 12/2027 – DIMAG",
                           signatory=SIGNATORY, place="Cuiabá")


def test_pag_11_pdf_has_each_line_the_total_and_the_despacho():
    """3 000.00 + 1 234.56 + (−90.00 adjustment) = 4 144.56. The memo shows its number, place and date, and the
    President's name and title (not the login)."""
    lines = [_line("jz.alves", "Juiz André Alves", "3000.00"), _line("jz.barros", "Juíza Beatriz Barros", "1234.56"),
             _line("jz.campos", "Juiz Caio Campos", "-90.00", ajuste=True)]
    text = _text(_signed(lines))
    for expected in ("Memorando nº 12/2027 - DIMAG", "Cuiabá, 6 de abril de 2027.", "Juiz André Alves",
                     "Juíza Beatriz Barros", "R$ 3.000,00", "R$ 1.234,56", "-R$ 90,00",
                     "competência 02/2027)", "Total do memorando: R$ 4.144,56 (3 linha(s))",
                     "Assinado eletronicamente por Desembargador Carlos Almeida, Presidente do",
                     "Eleitoral de Mato Grosso",
                     "em 06/04/2027 às 15:30", "DIMAG", "competência 03/2027"):
        assert expected in text, expected
    assert "presidente em" not in text and "2027-03-cumulacao_juizes" not in text  # no login, no internal id


def test_pag_11_cooperation_lines_read_as_prose_with_the_times_sign():
    base = "apuração: 630 min × R$ 45,00/h"
    line = Line("gratificacao_cooperacao", "PAG-08", "servidor.ana", "Ana Lima", base, Decimal("10.50"),
                Decimal("472.50"), "ap-1", "2027-03", "ap-1")
    text = _text(render_memo_pdf(tribunal="TRE-MT", memo_id="2027-03-gratificacao_cooperacao", month="2027-03",
                                 category="gratificacao_cooperacao", status="rascunho", lines=[line],
                                 generated_at=datetime(2027, 4, 5, 9, tzinfo=TZ)))
    assert "630 min × R$ 45,00/h" in text and "R$ 472,50" in text and "MINUTA DE MEMORANDO" in text


@needs_pdftoppm
def test_pag_11_memo_renders_to_images(tmp_path):
    lines = [_line("jz.alves", "Juiz André Alves", "3000.00"), _line("jz.campos", "Juiz Caio Campos", "-90.00", True)]
    assert len(render_png(_signed(lines), tmp_path, "memorando")) == 1
    many = [_line(f"jz.{n:03d}", f"Juiz Número {n}", "100.00") for n in range(120)]
    assert len(render_png(_signed(many), tmp_path, "memorando-longo")) >= 3


def test_pag_11_many_lines_continue_on_more_pages_and_render_the_same_twice():
    lines = [_line(f"jz.{n:03d}", f"Juiz Número {n}", "100.00") for n in range(120)]
    kwargs = dict(tribunal="TRE-MT", memo_id="2027-03-cumulacao_juizes", month="2027-03", category="cumulacao_juizes",
                  status="rascunho", lines=lines, generated_at=datetime(2027, 4, 5, 9, tzinfo=TZ))
    data = render_memo_pdf(**kwargs)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3 and "R$ 12.000,00" in _text(data)
    assert render_memo_pdf(**kwargs) == data


def test_pag_11_brl_format():
    assert (brl(Decimal("1234567.8")), brl(Decimal("-90")), brl(Decimal("0.05"))) == \
        ("R$ 1.234.567,80", "-R$ 90,00", "R$ 0,05")


def test_pag_11_the_memos_observacao_is_printed_under_its_own_heading():
    """A note typed by DIMAG (accents and all) prints under "Observação"; a memo without one has no heading."""
    lines = [_line("jz.alves", "Juiz André Alves", "3000.00")]
    kwargs = dict(tribunal="TRE-MT", memo_id="2027-03-cumulacao_juizes", month="2027-03", category="cumulacao_juizes",
                  status="rascunho", lines=lines, generated_at=datetime(2027, 4, 5, 9, tzinfo=TZ))
    noted = _text(render_memo_pdf(**kwargs, note="Conferido pela DIMAG; ajuste de março incluído."))
    assert "Observação" in noted and "Conferido pela DIMAG; ajuste de março incluído." in noted
    assert noted.index("Total do memorando") < noted.index("Observação")
    for note in (None, "", "   "):
        assert "Observação" not in _text(render_memo_pdf(**kwargs, note=note))


def test_pag_11_the_pdf_served_for_a_memo_carries_the_note_it_was_edited_with():
    """The query that serves the memo's PDF hands the stored observação to the renderer."""
    from chalicelib.pagamentos.queries import PagamentosQueries

    from tests.unit.pagamentos.test_service import World, draft

    world = World()
    draft(world)
    world.service.edit("2027-03-ferias", "dimag.folha", "Conferido: férias de março.")
    queries = PagamentosQueries(world.repo, world.service.config, render_memo_pdf, lambda: world.now)
    assert "Conferido: férias de março." in _text(queries.pdf("2027-03-ferias"))
