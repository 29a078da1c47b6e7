"""A ponto's moments carry their offset and are read in the court's zone (COOP-08). Brazil has four zones (Acre −05,
Amazonas −04): a moment without one is refused, not read as Brasília's; one the zone cannot hold is a 422 too (found
by the fuzzer)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from chalicelib.cooperacao.api import PontoIn
from chalicelib.cooperacao.service import TZ
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from courtlib.http.problems import ProblemError
from courtlib.http.validation import validate_body


def test_coop_08_a_moment_with_its_offset_is_converted_to_the_courts_zone():
    ponto = PontoIn(inicio="2026-03-02T08:00:00-05:00", fim="2026-03-02T23:00:00Z")  # Rio Branco's 08:00
    assert ponto.inicio == datetime(2026, 3, 2, 10, 0, tzinfo=TZ) and ponto.inicio.tzinfo is TZ
    assert ponto.fim == datetime(2026, 3, 2, 20, 0, tzinfo=TZ) and ponto.fim.tzinfo is TZ


@pytest.mark.parametrize(("body", "field"), [
    ({"inicio": "2026-03-02T19:00:00", "fim": "2026-03-02T23:00:00-03:00"}, "inicio"),
    ({"inicio": "2026-03-02T19:00:00-04:00", "fim": "2026-03-02T23:00"}, "fim"),
])
def test_coop_08_a_moment_without_offset_is_refused_naming_its_field_and_giving_an_example(body, field):
    with pytest.raises(ProblemError) as refused:
        validate_body(PontoIn, json.dumps(body))
    problem = refused.value.body("/cooperacoes/c-1/pontos", "x")
    assert (problem["status"], problem["code"], problem["field"]) == (422, "COOP-08", field)
    assert problem["detail"] == f"{field}: informe o fuso, ex.: 2027-03-01T08:00:00-03:00"


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)))
def test_coop_08_no_moment_without_offset_is_ever_accepted(moment):
    """Property: whatever the naive moment, the answer is the COOP-08 refusal, never a guess of the zone."""
    with pytest.raises(ProblemError) as refused:
        validate_body(PontoIn, json.dumps({"inicio": moment.isoformat(), "fim": "2026-03-02T23:00:00-03:00"}))
    assert (refused.value.status, refused.value.code) == (422, "COOP-08")


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "0001-01-01T02:59:59+00:00", "9999-12-31T23:59:59-12:00"])
def test_coop_08_a_moment_outside_the_zones_range_is_refused_with_its_field(moment):
    with pytest.raises(ValidationError) as refused:
        PontoIn(inicio=moment, fim="2026-03-02T23:00:00-03:00")
    [error] = refused.value.errors()
    assert error["loc"] == ("inicio",) and "intervalo" in error["msg"]
