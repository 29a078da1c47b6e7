"""DIST-10: cartas precatórias among the zones of a municipality (Res. TRE-RS 139/2003 art. 10)."""

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.errors import DistribuicaoError, NoEligibleJudgeError
from chalicelib.distribuicao.domain.judges import Exclusion
from chalicelib.distribuicao.domain.precatorias import (
    COUNT_CLASS,
    Election,
    MatterKind,
    Zone,
    ZoneState,
    distribute_precatoria,
    oldest_zone,
)

from tests.unit.distribuicao.support import at, export, load_verifier, seed_for

CUIABA = "5103403"
VG = "5108402"
ZONES = (
    Zone("ZE-039", 39, frozenset({CUIABA}), date(1990, 5, 1)),
    Zone("ZE-001", 1, frozenset({CUIABA}), date(1945, 6, 1)),
    Zone("ZE-037", 37, frozenset({CUIABA}), date(1986, 2, 1)),
    Zone("ZE-051", 51, frozenset({CUIABA}), date(2001, 3, 1)),
    Zone("ZE-020", 20, frozenset({VG}), date(1960, 1, 1)),
)
ELECTION = Election(date(2026, 10, 4), frozenset({"ZE-051"}))


def carta(n: int) -> CaseData:
    return CaseData(CnjNumber.build(n, 2026, 6, 11, 1), "CartPrec", parties=(f"Juízo deprecante {n}",))


def send(state, n, day, **kw):
    return distribute_precatoria(state, carta(n), seed=seed_for(day), now=at(day, 10) + timedelta(minutes=n), **kw)


def test_dist_10_cartas_are_distributed_equally_among_the_zones_of_the_municipality():
    state = ZoneState("TRE-MT:PRECATORIAS:5103403", CUIABA, ZONES)
    day = date(2026, 3, 2)
    decisions = []
    for n in range(1, 41):
        decision = send(state, n, day)
        state = state.apply(decision)
        decisions.append(decision)
        counts = [state.counters.count(z, COUNT_CLASS) for z in ("ZE-001", "ZE-037", "ZE-039", "ZE-051")]
        assert max(counts) - min(counts) <= 1
    assert Counter(d.unit for d in decisions) == {"ZE-001": 10, "ZE-037": 10, "ZE-039": 10, "ZE-051": 10}
    assert all(d.record.distributor == "ZE-001" for d in decisions)  # the oldest zone runs it
    report = load_verifier().verificar(export(decisions, today=day + timedelta(days=1), log_id=state.log_id))
    assert report.problemas == [] and report.sorteios_verificados == 40


@pytest.mark.parametrize(
    "day,excluded",
    [
        (date(2026, 8, 4), False),  # 61 days before
        (date(2026, 8, 5), True),  # 60 days before
        (date(2026, 10, 4), True),
        (date(2026, 11, 3), True),  # 30 days after
        (date(2026, 11, 4), False),
    ],
)
def test_dist_10_propaganda_zone_is_left_out_from_60_days_before_to_30_days_after(day, excluded):
    state = ZoneState("TRE-MT:PRECATORIAS:5103403", CUIABA, ZONES)
    decision = send(state, 1, day, elections=[ELECTION])
    assert ("ZE-051" not in decision.record.eligible) is excluded
    if excluded:
        assert dict(decision.record.excluded) == {"ZE-051": Exclusion.PROPAGANDA_ELEITORAL}


def test_dist_10_window_is_configuration():
    config = DistribuicaoConfig(propaganda_dias_antes_eleicao=10, propaganda_dias_apos_eleicao=5)
    state = ZoneState("L", CUIABA, ZONES)
    assert "ZE-051" in send(state, 1, date(2026, 9, 1), elections=[ELECTION], config=config).record.eligible
    assert "ZE-051" not in send(state, 1, date(2026, 10, 9), elections=[ELECTION], config=config).record.eligible


def test_dist_10_registry_matters_go_to_the_voters_zone_without_counting():
    state = ZoneState("L", CUIABA, ZONES)
    decision = send(state, 1, date(2026, 3, 2), kind=MatterKind.CADASTRO_ELEITORAL, voter_zone_id="ZE-037")
    assert decision.unit == "ZE-037" and decision.deltas == () and decision.record.mode == "atribuicao"
    with pytest.raises(DistribuicaoError, match="domicílio do eleitor"):
        send(state, 1, date(2026, 3, 2), kind=MatterKind.CADASTRO_ELEITORAL, voter_zone_id="ZE-020")
    with pytest.raises(DistribuicaoError, match="CPP"):
        send(state, 1, date(2026, 3, 2), kind=MatterKind.CRIMINAL)


def test_dist_10_oldest_zone_by_installation_then_number():
    assert oldest_zone(ZONES[:4]).id == "ZE-001"
    undated = [replace(z, installed_on=None) for z in ZONES[:4]]
    assert oldest_zone(undated).id == "ZE-001"


def test_dist_10_no_zone_left_is_an_error_with_reasons():
    only = ZoneState("L", VG, (Zone("ZE-020", 20, frozenset({VG})),))
    with pytest.raises(NoEligibleJudgeError) as err:
        send(only, 1, date(2026, 10, 1), elections=[Election(date(2026, 10, 4), frozenset({"ZE-020"}))])
    assert "propaganda" in err.value.reasons["ZE-020"]
