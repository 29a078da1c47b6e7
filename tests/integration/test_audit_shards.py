"""The audit chains of a day, sharded by the act's target (4 chains a day before 2026-12-05, 64 from then on):
whatever the acts, their order and the day's plan, every chain verifies and the day's chains together hold each
act exactly once, a target's acts in one chain in the order they happened."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courtlib import clock
from courtlib.audit import Actor, acting_as
from courtlib.audit.record import Target, shard_of, shards_on
from courtlib.audit.store import AuditChains
from courtlib.messaging.outbox import UnitOfWork
from courtlib.persistence import TableItem, bind

# One day under each plan; noon in Brasília, so the tribunal-local day is the date itself.
DAYS = [date(2026, 12, 4), date(2027, 3, 1)]
SOMEONE = Actor.user("sub-gestora", "gestora.ana", ["gestor"])

acts = st.lists(st.tuples(st.integers(0, 199), st.integers(1, 3)), min_size=1, max_size=25)


@pytest.fixture(autouse=True)
def _fresh_memory():
    """Each example starts as a cold process would (no head remembered), and leaves it so."""
    AuditChains._known.clear()
    yield
    AuditChains._known.clear()


@settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(acts=acts, day=st.sampled_from(DAYS), batched=st.booleans())
def test_any_acts_over_many_targets_leave_chains_that_verify_and_hold_each_act_once(scratch_table, acts, day,
                                                                                  batched):
    """Audit property (issue 15): sharding by target keeps the day verifiable under both shard plans."""
    run = uuid.uuid4().hex[:8]
    model = bind(TableItem, scratch_table)
    written: list[tuple[str, str]] = []  # (target id, act's value) in commit order
    with clock.using(clock.SettableClock(datetime.combine(day, datetime.min.time(), UTC).replace(hour=15))), \
            acting_as(SOMEONE, correlation_id=f"prop-{run}"):
        for n, (target, how_many) in enumerate(acts):
            uow = UnitOfWork(scratch_table)
            uow.save(model(pk=f"PROP#{run}#{n}", sk="DADOS"))
            # a unit of work may audit several acts (batched): on one target they take consecutive places
            for k in range(how_many if batched else 1):
                value = f"{n}.{k}"
                uow.audit("TESTE.ATO", ("alvo", f"{run}-{target}"), after={"valor": value})
                written.append((f"{run}-{target}", value))
            uow.commit()
    chains = AuditChains(scratch_table)
    report = chains.verify_day(day)
    assert all(broken is None for _, _, broken in report), report
    assert all(0 <= shard < shards_on(day) for shard, _, _ in report)
    ours: dict[int, list[dict]] = {}
    for shard, _, _ in report:
        records, _ = chains.chain(day, shard)
        ours[shard] = [r for r in records if r["correlacao"] == f"prop-{run}"]
    found = [(r["alvo"]["id"], r["depois"]["valor"]) for records in ours.values() for r in records]
    assert sorted(found) == sorted(written), "every act exactly once"
    for target in {t for t, _ in written}:
        shard = shard_of(Target("alvo", target), day)
        assert [r["depois"]["valor"] for r in ours[shard] if r["alvo"]["id"] == target] == \
            [value for t, value in written if t == target], "a target's acts in one chain, in order"


def test_a_day_written_partly_under_4_chains_and_partly_under_64_still_verifies_whole(scratch_table, monkeypatch):
    """A deployment during the day: acts written by the old code (4 chains) and then by the new one (64) on the
    same day. Chains 0..3 go on from where they were, so the day verifies and holds every act once."""
    from courtlib.audit import record, store

    day, run = date(2027, 3, 2), uuid.uuid4().hex[:8]
    model = bind(TableItem, scratch_table)
    written = []
    with clock.using(clock.SettableClock(datetime(2027, 3, 2, 15, tzinfo=UTC))), \
            acting_as(SOMEONE, correlation_id=f"mix-{run}"):
        for plan, values in ((4, range(0, 12)), (64, range(12, 30))):
            monkeypatch.setattr(record, "shards_on", lambda _day, plan=plan: plan)
            monkeypatch.setattr(store, "shard_of", lambda target, day, plan=plan: record.shard_of(target, day) % plan)
            for n in values:
                uow = UnitOfWork(scratch_table)
                uow.save(model(pk=f"MIX#{run}#{n}", sk="DADOS"))
                uow.audit("TESTE.ATO", ("alvo", f"{run}-{n % 7}"), after={"valor": n})
                uow.commit()
                written.append(n)
    monkeypatch.undo()
    report = AuditChains(scratch_table).verify_day(day)
    assert report and all(broken is None for _, _, broken in report), report
    assert sum(count for _, count, _ in report) == len(written)
    assert {shard for shard, _, _ in report} & set(range(4)), "the 4-chain part is read with the rest"
