"""PAG-10 lifecycle and adjustments, PAG-11 CSV totals (pure)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from chalicelib.pagamentos.domain.memos import (
    SENT,
    SIGNED,
    adjustments,
    content_hash,
    paid_by_key,
    render_csv,
    require_transition,
    split_memo_id,
    total,
)
from chalicelib.pagamentos.domain.model import Line, Month

from courtlib.errors import Conflict, NotFound


def line(key: str, valor: str, origem: str = "2027-02", ajuste: bool = False, chave_origem: str | None = None) -> Line:
    return Line("gratificacao_cooperacao", "PAG-08", "servidor.ana", "Ana", "base", Decimal(1), Decimal(valor),
                key, origem, chave_origem or key, ajuste)


def test_pag_10_lifecycle_draft_signed_sent_and_no_edit_after_signature():
    assert require_transition("rascunho", "assinar") == SIGNED
    assert require_transition(SIGNED, "enviar") == SENT
    for status, action in (("rascunho", "enviar"), (SIGNED, "assinar"), (SIGNED, "editar"), (SENT, "editar"),
                           (SENT, "enviar")):
        with pytest.raises(Conflict) as error:
            require_transition(status, action)
        assert error.value.code == "PAG-10"


def test_pag_10_late_event_becomes_an_adjustment_once():
    """February's memo was sent with a-r1 = 1 800.00. A late ajuste a-r2 = −90.00 and a late new assessment
    b-r1 = 450.00 arrive: the adjustment lines are −90.00 and +450.00 (total 360.00). Once those are paid
    (in a signed March memo), recomputing gives no line: nothing paid twice."""
    feb = Month(2027, 2)
    recomputed = [line("a-r1", "1800.00"), line("a-r2", "-90.00"), line("b-r1", "450.00")]
    paid = paid_by_key([line("a-r1", "1800.00")])
    adj = adjustments("gratificacao_cooperacao", feb, recomputed, paid)
    assert {(a.key, a.amount) for a in adj} == {("ajuste|2027-02|a-r2", Decimal("-90.00")),
                                                 ("ajuste|2027-02|b-r1", Decimal("450.00"))}
    assert all(a.adjustment and a.origin_month == "2027-02" for a in adj) and total(adj) == Decimal("360.00")
    paid_after = paid_by_key([line("a-r1", "1800.00"), *adj])
    assert adjustments("gratificacao_cooperacao", feb, recomputed, paid_after) == []


def test_pag_10_a_reversal_is_a_negative_adjustment():
    """A line paid 300.00 that no longer exists when recomputed → adjustment −300.00."""
    adj = adjustments("gratificacao_cooperacao", Month(2027, 2), [], {"x": Decimal("300.00")})
    assert [(a.origin_key, a.amount) for a in adj] == [("x", Decimal("-300.00"))]


def test_pag_01_same_lines_same_hash_regardless_of_order():
    a, b = line("a", "1.00"), line("b", "2.00")
    assert content_hash([a, b]) == content_hash([b, a]) != content_hash([a, line("b", "2.01")])


def test_pag_11_csv_has_a_row_per_line_and_the_total():
    """1 800.00 + (−90.00) = 1 710.00 in the TOTAL row."""
    text = render_csv("2027-02-gratificacao_cooperacao", "2027-02", "gratificacao_cooperacao",
                      [line("a-r1", "1800.00"), line("a-r2", "-90.00")])
    assert text.startswith("\ufeff")  # UTF-8 BOM: a pt-BR spreadsheet reads the accents
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["memorando", "competencia", "categoria", "regra", "matricula"]
    assert [r[8] for r in rows[1:]] == ["1800,00", "-90,00", "1710,00"] and rows[-1][5] == "TOTAL"


def test_pag_10_memo_ids():
    assert split_memo_id("2027-02-ferias") == (Month(2027, 2), "ferias")
    with pytest.raises(NotFound):
        split_memo_id("2027-02-nada")
