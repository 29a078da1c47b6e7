"""A period whose end comes before its start is refused naming the field ``fim`` (the console shows the refusal next
to it), not as a refusal of the whole body with an empty field."""

from __future__ import annotations

import pytest
from chalicelib.cooperacao.schemas import PedidoIn
from chalicelib.cooperacao.schemas import PeriodoIn as CooperacaoPeriodo
from chalicelib.distribuicao.schemas import AusenciaIn
from chalicelib.pagamentos.schemas import FeriasIn
from chalicelib.pagamentos.schemas import PeriodoIn as PagamentosPeriodo
from pydantic import ValidationError

from courtlib.calendar.api import PeriodoQuery
from courtlib.http.validation import validation_problem

BACKWARDS = {"inicio": "2027-06-10", "fim": "2027-06-01"}


@pytest.mark.parametrize("model, extra", [
    (CooperacaoPeriodo, {}),
    (PedidoIn, {"unidade_lotacao": "1VC-CBA", "unidade_cooperada": "1VC-CBA", "modalidade": "M4"}),
    (AusenciaIn, {}),
    (PagamentosPeriodo, {}),
    (FeriasIn, {"pessoa": "jz.alves"}),
    (PeriodoQuery, {}),
])
def test_an_end_before_the_start_is_refused_on_the_field_fim(model, extra):
    with pytest.raises(ValidationError) as raised:
        model.model_validate({**BACKWARDS, **extra})
    problem = validation_problem(raised.value).body("/x", "c")
    assert problem["field"] == "fim", problem
    assert problem["detail"].startswith("fim: "), problem
    assert "início" in problem["detail"]


@pytest.mark.parametrize("model", [CooperacaoPeriodo, AusenciaIn, PagamentosPeriodo, PeriodoQuery])
def test_a_one_day_period_is_accepted(model):
    assert model.model_validate({"inicio": "2027-06-10", "fim": "2027-06-10"}).fim.isoformat() == "2027-06-10"
