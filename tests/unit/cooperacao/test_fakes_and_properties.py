"""The fakes keep the adapter's promises (an atomic transaction, WriteConflict on a stale version), and the
use cases keep the invariants of COOP-02/06/08 over random sequences with random concurrent writers (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from chalicelib.cooperacao.domain.model import Cooperation, Modality, RuleError, Status, TimeRecord
from chalicelib.cooperacao.ports import MonthTotal
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.errors import Busy, WriteConflict
from tests.unit.cooperacao.fakes import FakeCooperacaoRepository
from tests.unit.cooperacao.world import ANA, MARCH, SERVANT_ANA, TZ, m4, make_world

COOP = Cooperation("c1", "ana", "1VC", "2VC", Modality.M4, MARCH, status=Status.APROVADA)


def test_a_fake_transaction_with_one_stale_version_writes_nothing_at_all():
    repo = FakeCooperacaoRepository()
    repo.put_unit(make_world().repo.unit("2VC"))
    tx = repo.transaction()
    tx.add_cooperation(COOP)
    tx.record_decision("c1", 1, {"acao": "requerimento"})
    tx.guard_unit("2VC", read_version=0)  # the unit is at version 1: stale
    with pytest.raises(WriteConflict):
        tx.commit()
    assert repo.cooperations_by_id == {} and repo.decision_log == {} and repo.unit_versions["2VC"] == 1
    assert (repo.commits, repo.conflicts) == (0, 1)


def test_a_fake_transaction_whose_versions_hold_writes_everything():
    repo = FakeCooperacaoRepository()
    tx = repo.transaction()
    tx.add_cooperation(COOP)
    tx.guard_servant("ana", read_version=0)
    record = TimeRecord("ana", "c1", datetime(2026, 3, 7, 8, tzinfo=TZ), datetime(2026, 3, 7, 9, tzinfo=TZ))
    tx.add_time_record(record, ANA, None, 2400)
    tx.commit()
    assert repo.cooperation("c1") == (COOP, 1) and repo.servant_versions["ana"] == 1
    assert repo.month("ana", "2026-03") == (MonthTotal("ana", "Ana Servidora", "2026-03", 60, 1), [record])
    again = repo.transaction()
    again.add_cooperation(COOP)  # exists already
    with pytest.raises(WriteConflict):
        again.commit()


def test_a_fake_month_refuses_a_write_over_the_cap_even_with_the_version_read():
    repo = FakeCooperacaoRepository()
    start = datetime(2026, 3, 7, 8, tzinfo=TZ)
    first = repo.transaction()
    first.add_time_record(TimeRecord("ana", "c1", start, start + timedelta(hours=39)), ANA, None, 2400)
    first.commit()
    month, _ = repo.month("ana", "2026-03")
    late = start + timedelta(days=1)
    over = repo.transaction()
    over.add_time_record(TimeRecord("ana", "c1", late, late + timedelta(hours=2)), ANA, month, 2400)
    with pytest.raises(WriteConflict):
        over.commit()


sessions = st.lists(st.tuples(st.sampled_from([7, 8, 14, 15, 21, 22, 28, 29]), st.integers(0, 20 * 60),
                              st.integers(1, 8 * 60), st.booleans()), min_size=1, max_size=25)


@settings(max_examples=40, deadline=None)
@given(sessions)
def test_coop_06_08_whatever_races_the_month_total_is_the_sum_of_its_records_and_at_most_40h(items):
    """Each session is recorded, some with a concurrent record of the same servant landing first (the retry
    reads again): accepted ones never overlap, never pass 40 h, and the total is exactly their sum."""
    world = make_world()
    cid = world.approved()
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))

    def record(day: int, start_minute: int, minutes: int) -> None:
        start = datetime(2026, 3, day, tzinfo=TZ) + timedelta(minutes=start_minute)
        try:
            world.service.record_time(SERVANT_ANA, cid, start, start + timedelta(minutes=minutes))
        except RuleError as error:
            assert error.code in ("COOP-06", "COOP-08")

    for day, start_minute, minutes, raced in items:
        if raced:
            world.repo.concurrently(lambda d=day, s=start_minute: record(d, (s + 90) % (20 * 60), 60))
        record(day, start_minute, minutes)
    total, records = world.service.month_records("ana", "2026-03")
    assert total == sum(r.minutes for r in records) <= 2400
    ordered = sorted(records, key=lambda r: r.start)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:], strict=False))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["carla", "davi", "ana"]), min_size=1, max_size=6), st.data())
def test_coop_02_whatever_races_a_unit_never_holds_more_servants_than_its_quota(servants, data):
    world = make_world()
    for servant in servants:
        if data.draw(st.booleans()):
            other = data.draw(st.sampled_from(["carla", "davi", "ana"]))
            world.repo.concurrently(lambda o=other: _try(world, o))
        _try(world, servant)
    holders = {c.servant for c, _ in world.repo.cooperations_by_id.values() if c.unit == "VGR"}
    assert len(holders) <= 1


def _try(world, servant: str) -> None:
    try:
        world.service.submit(servant, m4(unit="VGR"))
    except (RuleError, Busy) as error:
        assert isinstance(error, Busy) or error.code in ("COOP-02", "COOP-07")

