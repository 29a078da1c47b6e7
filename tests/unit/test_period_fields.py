"""A rule across fields names the field it refuses (the console shows the refusal next to it): a period whose end
comes before its start is refused on ``fim``; the other cross-field rules raise ``FieldError`` with their field.
Before, pydantic's model-level errors made a problem with ``"field": ""``."""

from __future__ import annotations

import pytest
from chalicelib.cooperacao.schemas import AnexoIn, PedidoIn, ServidorIn
from chalicelib.cooperacao.schemas import PeriodoIn as CooperacaoPeriodo
from chalicelib.distribuicao.schemas import AusenciaIn, CompromissosQuery
from chalicelib.pagamentos.schemas import FeriasIn, PessoaIn
from chalicelib.pagamentos.schemas import PeriodoIn as PagamentosPeriodo
from pydantic import ValidationError

from courtlib.audit.api import AuditoriaQuery
from courtlib.calendar.api import DiaIn, PeriodoQuery
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


SERVANT = {"nome": "Ana", "efetivo": True, "lotacao": "1VC-CBA"}
PERSON = {"nome": "Juiz André", "tipo": "magistrado", "cargo": "juiz", "entrancia": "final"}


@pytest.mark.parametrize("model, body, field", [
    (ServidorIn, {**SERVANT, "jornada_inicio": "19:00:00", "jornada_fim": "12:00:00"}, "jornada_fim"),
    (ServidorIn, {**SERVANT, "efetivo": False}, "cargo_comissao"),
    (AnexoIn, {"unidades": {"1VC-CBA": 0}}, "unidades"),
    (PessoaIn, {**PERSON, "tipo": "servidor"}, "cargo"),
    (PessoaIn, {**PERSON, "entrancia": None}, "entrancia"),
    (CompromissosQuery, BACKWARDS, "fim"),
    (DiaIn, {"data": "2027-06-24", "tipo": "feriado_municipal", "descricao": "São João"}, "municipio"),
    (AuditoriaQuery, {"de": "2027-06-10", "ate": "2027-06-01"}, "ate"),
])
def test_a_rule_across_fields_names_its_field(model, body, field):
    with pytest.raises(ValidationError) as raised:
        model.model_validate(body)
    problem = validation_problem(raised.value).body("/x", "c")
    assert problem["field"] == field, problem
    assert problem["detail"].startswith(f"{field}: "), problem


def test_a_nested_model_s_field_error_is_named_under_its_member():
    from pydantic import BaseModel

    class Corpo(BaseModel):
        servidor: ServidorIn

    with pytest.raises(ValidationError) as raised:
        Corpo.model_validate({"servidor": {**SERVANT, "efetivo": False}})
    assert validation_problem(raised.value).body("/x", "c")["field"] == "servidor.cargo_comissao"
