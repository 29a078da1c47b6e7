"""DIST-08 the fortnightly edital (RI art. 36): JSON and PDF rendering, pure (no sockets, no S3)."""

from __future__ import annotations

import json
import re
import zlib
from datetime import UTC, date, datetime, timedelta

import pytest
from chalicelib.distribuicao.domain.draw import DistributionRequest, OrgaoState, distribute
from chalicelib.distribuicao.domain.log import SEGREDO, EditalRow, edital_period, edital_rows
from chalicelib.distribuicao.edital_document import (
    EMPTY_PERIOD,
    HEADINGS,
    edital_keys,
    render_edital_json,
    render_edital_pdf,
    to_latin1,
)

from tests.unit.distribuicao.support import DAY, NOW, case, pleno, seed_for
from tests.unit.render import needs_pdftoppm, render_png

START, END = date(2026, 3, 1), date(2026, 3, 15)
GENERATED = datetime(2026, 3, 16, 11, 5, 30, tzinfo=UTC)  # 08:05:30 in America/Sao_Paulo
KW = {"tribunal": "Tribunal Regional Eleitoral de Mato Grosso", "start": START, "end": END, "generated_at": GENERATED}


def row(n: int, day: str = "2026-03-02", **changes) -> EditalRow:
    values = {
        "day": day,
        "case_number": f"06{n:05d}-11.2026.6.11.0000",
        "classe": "RE",
        "rule": "distribuicao",
        "relator": "Juíza Serly Marcondes Alves",
        "revisor": None,
        "parties": (f"Recorrente{n:03d} Gonçalves", f"Recorrido{n:03d} Araújo"),
        "lawyers": (f"Advogada{n:03d} Simões (OAB/MT {1000 + n})",),
    }
    return EditalRow(**{**values, **changes})


SECRET = row(
    2, day="2026-03-03", parties=SEGREDO, lawyers=SEGREDO, relator="Des. Sebastião Barbosa Farias",
)


# ------------------------------------------------------------------ PDF text, without a PDF library

def _unescape(literal: bytes) -> str:
    out = bytearray()
    i = 0
    while i < len(literal):
        byte = literal[i]
        if byte == 0x5C:  # backslash
            nxt = literal[i + 1 : i + 2]
            if nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", literal[i + 1 : i + 4]).group()
                out.append(int(digits, 8))
                i += 1 + len(digits)
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(nxt, nxt)
            i += 2
            continue
        out.append(byte)
        i += 1
    return out.decode("latin-1")


def pdf_pages(data: bytes) -> list[str]:
    """The text shown on each page (one line per BT..ET text object), from the FlateDecode'd content streams."""
    assert data.startswith(b"%PDF-")
    pages = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        blocks = re.findall(rb"\bBT\b(.*?)\bET\b", content, re.S)
        lines = ["".join(_unescape(r) for r in re.findall(rb"\(((?:\\.|[^\\()])*)\)\s*Tj", block)) for block in blocks]
        if any(lines):
            pages.append("\n".join(line for line in lines if line))
    return pages


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_pages(data))


def test_dist_08_pdf_text_extraction_sees_what_was_drawn():
    """The helper itself: a test whose extraction saw nothing could not fail."""
    text = pdf_text(render_edital_pdf([row(1)], **KW))
    assert "0600001-11.2026.6.11.0000" in text and "Recorrente001 Gonçalves" in text
    assert "Nobody" not in text


# ------------------------------------------------------------------ JSON

def test_dist_08_json_has_the_art_36_fields_in_portuguese():
    rows = [row(3, day="2026-03-04", rule="prevencao", revisor="Juiz Edson Dias Reis"), row(1), SECRET]
    data = render_edital_json(rows, **KW)
    doc = json.loads(data.decode("utf-8"))
    assert list(doc) == ["tribunal", "periodo", "gerado_em", "total", "distribuicoes"]
    assert doc["tribunal"] == "Tribunal Regional Eleitoral de Mato Grosso"
    assert doc["periodo"] == {"inicio": "2026-03-01", "fim": "2026-03-15"}
    assert doc["gerado_em"] == "2026-03-16T08:05:30-03:00"
    assert doc["total"] == 3
    first = doc["distribuicoes"][0]
    assert list(first) == ["data", "numero_processo", "classe", "regra", "relator", "revisor", "partes", "advogados"]
    assert first == {
        "data": "2026-03-02", "numero_processo": "0600001-11.2026.6.11.0000", "classe": "RE", "regra": "distribuicao",
        "relator": "Juíza Serly Marcondes Alves", "revisor": None,
        "partes": ["Recorrente001 Gonçalves", "Recorrido001 Araújo"], "advogados": ["Advogada001 Simões (OAB/MT 1001)"],
    }
    # by day; the third row's revisor and rule are kept
    assert [d["data"] for d in doc["distribuicoes"]] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert doc["distribuicoes"][2]["regra"] == "prevencao"
    assert doc["distribuicoes"][2]["revisor"] == "Juiz Edson Dias Reis"
    assert "Gonçalves".encode() in data  # UTF-8, not \u escapes


def test_dist_08_json_is_stable_and_keeps_log_order_within_a_day():
    rows = [row(9), row(4), row(7, day="2026-03-01")]
    data = render_edital_json(rows, **KW)
    assert data == render_edital_json(list(rows), **KW)
    numbers = [d["numero_processo"][:7] for d in json.loads(data)["distribuicoes"]]
    assert numbers == ["0600007", "0600009", "0600004"]


def test_dist_08_json_leaves_out_the_opening_balance_of_a_migrated_log():
    opening = EditalRow("2026-03-01", "", "", "abertura", None, None, (), ())
    doc = json.loads(render_edital_json([opening, row(1)], **KW))
    assert doc["total"] == 1 and doc["distribuicoes"][0]["numero_processo"].startswith("0600001")


def test_dist_08_generation_time_must_carry_a_time_zone():
    with pytest.raises(ValueError):
        render_edital_json([row(1)], **{**KW, "generated_at": datetime(2026, 3, 16, 8, 0)})
    with pytest.raises(ValueError):
        render_edital_pdf([row(1)], **{**KW, "generated_at": datetime(2026, 3, 16, 8, 0)})


# ------------------------------------------------------------------ masking

def test_dist_08_secret_case_is_masked_in_json_and_pdf():
    state = OrgaoState(pleno())
    secret = case(1, secret=True, parties=("Fulano Sigiloso de Tal",), lawyers=("Dra. Beltrana Oculta",))
    ordinary = case(2, parties=("João Público da Conceição",), lawyers=("Dr. Aberto Simões",))
    d1 = distribute(state, DistributionRequest(secret), seed=seed_for(DAY), now=NOW)
    state = state.apply(d1)
    d2 = distribute(state, DistributionRequest(ordinary), seed=seed_for(DAY), now=NOW + timedelta(minutes=1))
    rows = edital_rows([d1.record, d2.record], {d.record.seq: d.details for d in (d1, d2)}, *edital_period(DAY))

    doc = json.loads(render_edital_json(rows, **KW))
    masked = next(d for d in doc["distribuicoes"] if d["numero_processo"] == str(secret.number))
    assert masked["partes"] == SEGREDO and masked["advogados"] == SEGREDO
    assert masked["relator"]  # the draw itself stays public
    pdf = render_edital_pdf(rows, **KW)
    text = pdf_text(pdf)
    json_text = json.dumps(doc, ensure_ascii=False)
    for name in ("Fulano", "Sigiloso", "Beltrana", "Oculta", d1.details.salt):
        assert name not in json_text and name not in text
        assert name.encode("latin-1") not in pdf
    assert text.count(SEGREDO) == 2  # parties and lawyers of the one secret case
    assert str(secret.number) in text
    assert "João Público da Conceição" in text and "Dr. Aberto Simões" in text


# ------------------------------------------------------------------ PDF

def test_dist_08_pdf_has_heading_period_legal_line_total_and_timestamp():
    pages = pdf_pages(render_edital_pdf([row(1), SECRET], **KW))
    assert len(pages) == 1
    text = pages[0]
    assert "TRIBUNAL REGIONAL ELEITORAL DE MATO GROSSO" in text
    assert "EDITAL DE DISTRIBUIÇÃO" in text
    assert "Período: 01/03/2026 a 15/03/2026" in text
    assert "art. 36 do Regimento Interno" in text
    assert "\n".join(HEADINGS) in text
    assert "02/03/2026" in text and "03/03/2026" in text
    assert "Total de distribuições no período: 2." in text
    assert "Gerado em 16/03/2026 às 08:05:30 (horário de Brasília)" in text
    assert "Página 1 de 1" in text


def test_dist_08_pdf_shows_the_rule_when_it_is_not_an_ordinary_draw():
    text = pdf_text(render_edital_pdf([row(1, rule="redistribuicao_impedimento"), row(2)], **KW))
    assert "(redistribuição por\nimpedimento)" in text  # wrapped within the Classe column
    assert text.count("(redistribui") == 1  # ordinary draws say nothing more


def test_dist_08_pdf_keeps_portuguese_accents():
    accented = row(5, relator="Des. Sebastião Conceição", parties=("Município de São José do Rio Claro", "Tânia Nóbrega"),
                   lawyers=("Aurélio Assunção Gonçalves (OAB/MT 123)",))
    pdf = render_edital_pdf([accented], **KW)
    text = pdf_text(pdf)
    for word in ("Sebastião", "Conceição", "Município", "São José", "Tânia", "Nóbrega", "Aurélio", "Assunção",
                 "Gonçalves", "distribuições", "Período", "Página"):
        assert word in text, word
    assert "Concei\xe7\xe3o".encode("latin-1") in zlib_streams(pdf)
    assert b"/WinAnsiEncoding" in pdf  # the core fonts read those bytes as latin-1 letters


def zlib_streams(pdf: bytes) -> bytes:
    chunks = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"".join(chunks)


def test_dist_08_characters_outside_latin1_are_replaced_not_fatal():
    assert to_latin1("Coligação “Avança” — 2026…") == 'Coligação "Avança" - 2026...'
    assert to_latin1("Conceic\u0327a\u0303o") == "Conceição"  # combining marks composed
    assert to_latin1("Erdős 中") == "Erdos ?"
    assert to_latin1("a\tb\nc") == "a b\nc"
    weird = row(6, parties=("Coligação “Avança” — Erdős 中…",), relator="Juiz ‘Aspas’")
    text = pdf_text(render_edital_pdf([weird], **KW))
    assert 'Coligação "Avança" - Erdos ?...' in text and "Juiz 'Aspas'" in text
    assert json.loads(render_edital_json([weird], **KW))["distribuicoes"][0]["partes"] == ["Coligação “Avança” — Erdős 中…"]


def test_dist_08_long_names_wrap_and_huge_party_lists_continue_on_the_next_pages():
    parties = tuple(f"Eleitor{i:03d} da Silva Pereira Gonçalves de Magalhães" for i in range(300))
    huge = row(7, parties=parties, lawyers=tuple(f"Advogado{i:03d} (OAB/MT {i})" for i in range(80)),
               relator="Juíza " + " ".join(["Maximiliana"] * 12),
               revisor="X" * 300 + " " + " ".join(f"Rev{i:03d}" for i in range(300)))
    pdf = render_edital_pdf([row(1), huge, row(8)], **KW)
    pages = pdf_pages(pdf)
    text = "\n".join(pages)
    assert len(pages) > 3
    assert "(continuação)" in text
    for i in range(300):
        assert f"Eleitor{i:03d}" in text
    assert "Advogado079" in text and "0600008-11.2026.6.11.0000" in text
    assert all(f"Rev{i:03d}" in text for i in range(300))  # nothing is cut, whichever column is longest
    # the wrapped relator shows every word, on several lines
    assert text.count("Maximiliana") >= 12
    # cells are aligned left: only the legal paragraph's first line is justified (word spacing, "Tw")
    assert zlib_streams(pdf).count(b" Tw ") == 1


def test_dist_08_120_rows_paginate_with_the_heading_repeated():
    rows = [row(n, day=f"2026-03-{1 + n % 15:02d}") for n in range(1, 121)]
    pages = pdf_pages(render_edital_pdf(rows, **KW))
    count = len(pages)
    assert count >= 3
    for number, page in enumerate(pages, start=1):
        assert "\n".join(HEADINGS) in page, f"página {number} sem cabeçalho da tabela"
        assert f"Página {number} de {count}" in page
    text = "\n".join(pages)
    assert "Página 1 de " + str(count) in pages[0]
    for n in range(1, 121):
        assert text.count(f"06{n:05d}-11.2026.6.11.0000") == 1
    assert "Total de distribuições no período: 120." in pages[-1]
    assert "EDITAL DE DISTRIBUIÇÃO" in pages[0] and "EDITAL DE DISTRIBUIÇÃO" not in pages[1]


def test_dist_08_an_empty_period_still_gives_a_valid_edital():
    pdf = render_edital_pdf([], **KW)
    assert pdf.rstrip().endswith(b"%%EOF")
    pages = pdf_pages(pdf)
    assert len(pages) == 1
    assert EMPTY_PERIOD == "Nenhuma distribuição no período."
    assert EMPTY_PERIOD in pages[0] and "Total de distribuições no período: 0." in pages[0]
    assert "Processo" not in pages[0]  # no empty table
    doc = json.loads(render_edital_json([], **KW))
    assert doc["total"] == 0 and doc["distribuicoes"] == []


def test_dist_08_same_edital_renders_to_the_same_bytes():
    rows = [row(1), SECRET]
    pdf = render_edital_pdf(rows, **KW)
    assert pdf == render_edital_pdf(rows, **KW)
    assert b"/CreationDate (D:20260316080530-03'00')" in pdf  # the generation time, not the clock
    later = {**KW, "generated_at": GENERATED + timedelta(minutes=1)}
    assert render_edital_pdf(rows, **KW) != render_edital_pdf(rows, **later)


def test_dist_08_edital_keys():
    assert edital_keys(START, END) == (
        "distribuicao/editais/2026/2026-03-01_2026-03-15.json",
        "distribuicao/editais/2026/2026-03-01_2026-03-15.pdf",
    )
    assert edital_keys(date(2025, 12, 16), date(2025, 12, 31))[1] == "distribuicao/editais/2025/2025-12-16_2025-12-31.pdf"


@needs_pdftoppm
def test_dist_08_edital_renders_to_images(tmp_path):
    """The edital with ordinary and secret rows, and an empty fortnight, render with poppler (pdftoppm)."""
    pdf = render_edital_pdf([row(1), SECRET, row(3, day="2026-03-04")], **KW)
    assert len(render_png(pdf, tmp_path, "edital")) >= 1
    assert len(render_png(render_edital_pdf([], **KW), tmp_path, "edital-vazio")) == 1
