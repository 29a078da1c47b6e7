"""The fakes keep the promises of the ports the use-case tests lean on: a unit of work writes all or nothing,
refuses a stale head or version with ``WriteConflict`` and an existing row with its own error."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.distribuicao.domain.draw import DistributionRequest, distribute
from chalicelib.distribuicao.domain.precatorias import MatterKind, Zone, distribute_precatoria
from chalicelib.distribuicao.ports import Act, CartaExists, CaseAlreadyDistributed

from courtlib.errors import WriteConflict
from tests.unit.distribuicao.fakes import FakeOrgaoRepository, FakePrecatoriaRepository
from tests.unit.distribuicao.support import NOW, case, pleno, seed_for

ACT = Act("DIST.TESTE", ("processo", "1"), ("DIST-02",))


def _orgao(repository: FakeOrgaoRepository):
    orgao = pleno()
    repository.replace_orgao(orgao, name="Pleno", classes=("RE",), desembargadores=(), existing=None, act=None)
    stored = repository.load_orgao(orgao.id)
    assert stored is not None
    return stored


def _snapshot(repository: FakeOrgaoRepository) -> tuple:
    return dict(repository.orgaos), {k: dict(v) for k, v in repository.logs.items()}, dict(repository.cases)


def test_a_decision_on_a_stale_head_writes_nothing_at_all():
    repository = FakeOrgaoRepository()
    stored = _orgao(repository)
    first = distribute(stored.state, DistributionRequest(case(1)), seed=seed_for(NOW.date()), now=NOW)
    repository.commit_decision(stored, first, case(1), act=ACT)
    stale = distribute(stored.state, DistributionRequest(case(2)), seed=seed_for(NOW.date()), now=NOW)
    before = _snapshot(repository)
    with pytest.raises(WriteConflict):
        repository.commit_decision(stored, stale, case(2), act=ACT)  # decided on the head before case 1
    assert _snapshot(repository) == before and repository.conflicts == 1


def test_a_version_moved_by_another_writer_is_a_conflict_and_an_existing_case_its_own_refusal():
    repository = FakeOrgaoRepository()
    stored = _orgao(repository)
    decision = distribute(stored.state, DistributionRequest(case(1)), seed=seed_for(NOW.date()), now=NOW)
    repository.concurrent_write(repository.touch(stored.id))
    with pytest.raises(WriteConflict):
        repository.commit_decision(stored, decision, case(1), act=ACT)
    assert repository.cases == {}
    fresh = repository.load_orgao(stored.id)
    assert fresh is not None
    repository.commit_decision(fresh, distribute(fresh.state, DistributionRequest(case(1)),
                                                 seed=seed_for(NOW.date()), now=NOW), case(1), act=ACT)
    again = repository.load_orgao(stored.id)
    assert again is not None
    before = _snapshot(repository)
    with pytest.raises(CaseAlreadyDistributed):
        repository.commit_decision(again, distribute(again.state, DistributionRequest(case(1)),
                                                     seed=seed_for(NOW.date()), now=NOW), case(1), act=ACT)
    assert _snapshot(repository) == before


def test_a_carta_sent_twice_or_on_a_stale_head_writes_nothing():
    repository = FakePrecatoriaRepository()
    repository.save_zones("5103403", [Zone("ZE001", 1, frozenset({"5103403"}), date(1990, 1, 1)),
                                      Zone("ZE037", 37, frozenset({"5103403"}), date(2000, 1, 1))], None, act=ACT)
    stored = repository.load_zones("5103403")
    assert stored is not None

    def decide(seq: int, on=stored):
        return distribute_precatoria(on.state, case(seq, "CartPrec"), seed=seed_for(NOW.date()), now=NOW,
                                     elections=[], kind=MatterKind.CARTA)

    carta = {"partner": "TJMT", "kind": "carta", "secret": False, "act": ACT}
    repository.commit_carta(stored, decide(1), origin_id="c-1", **carta)
    with pytest.raises(WriteConflict):
        repository.commit_carta(stored, decide(2), origin_id="c-2", **carta)
    fresh = repository.load_zones("5103403")
    assert fresh is not None
    with pytest.raises(CartaExists):
        repository.commit_carta(fresh, decide(3, fresh), origin_id="c-1", **carta)
    assert list(repository.cartas) == [("TJMT", "c-1")] and list(repository.logs["ZONAS-5103403"]) == [1]
