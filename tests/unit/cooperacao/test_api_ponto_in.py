"""A ponto's moments are read in the court's zone; one the zone cannot hold is a 422 (found by the fuzzer)."""

from __future__ import annotations

from datetime import datetime

import pytest
from chalicelib.cooperacao.api import PontoIn
from chalicelib.cooperacao.service import TZ
from pydantic import ValidationError


def test_coop_08_a_moment_without_zone_is_the_courts_and_one_with_zone_is_converted():
    ponto = PontoIn(inicio="2026-03-02T19:00:00", fim="2026-03-02T23:00:00Z")
    assert ponto.inicio == datetime(2026, 3, 2, 19, 0, tzinfo=TZ)
    assert ponto.fim == datetime(2026, 3, 2, 20, 0, tzinfo=TZ) and ponto.fim.tzinfo is TZ


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00Z", "0001-01-01T02:59:59+00:00", "9999-12-31T23:59:59-12:00"])
def test_coop_08_a_moment_outside_the_zones_range_is_refused_with_its_field(moment):
    with pytest.raises(ValidationError) as refused:
        PontoIn(inicio=moment, fim="2026-03-02T23:00:00")
    [error] = refused.value.errors()
    assert error["loc"] == ("inicio",) and "intervalo" in error["msg"]
