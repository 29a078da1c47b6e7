"""Issue 15's draw batching on the use cases (fakes, no sockets): the distributions queued in an órgão whose rounds
are out are resolved in ONE unit of work, with exactly the log, the counters and the audit one resolution per
act would have written (DIST-11's chain, DIST-02's equality)."""

from __future__ import annotations

import pytest
from chalicelib.distribuicao import draws
from chalicelib.distribuicao.domain.log import verify_chain
from chalicelib.distribuicao.draws import Awaiting, Outcome
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.distribuicao.support import case
from tests.unit.distribuicao.test_service_beacon import ORGAO, World


def _queue(world: World, classes: list[str]) -> None:
    """Registers one distribution per class while the beacon is withheld, then lets the rounds out."""
    world.relay.withheld = True
    for seq, classe in enumerate(classes, start=1):
        assert isinstance(world.draw(seq, classe), Awaiting)
        world.clock.advance(seconds=1)
    world.relay.withheld = False
    world.clock.advance(minutes=1)


# the salted hash of the private details is new in every run, and the chain's hashes with it
SALTED = {"dados_hash", "hash", "hash_anterior"}


def _drawn(world: World) -> list[dict[str, object]]:
    """What each record says was drawn, and from what: everything but the salted hashes."""
    return [{k: v for k, v in r.to_dict().items() if k not in SALTED} for r in world.records()]


def _resolved(classes: list[str], batch_max: int, monkeypatch: pytest.MonkeyPatch) -> tuple[World, int]:
    monkeypatch.setattr(draws, "BATCH_MAX", batch_max)
    world = World()
    _queue(world, classes)
    before = world.repository.commits
    world.service.draws.resolve_pending(ORGAO)
    return world, world.repository.commits - before


def test_dist_11_queued_distributions_are_drawn_in_one_transaction_with_the_log_of_one_by_one(monkeypatch):
    classes = ["RE", "HC", "RE", "RE", "HC", "RE"]
    batched, batched_commits = _resolved(classes, 8, monkeypatch)
    single, single_commits = _resolved(classes, 1, monkeypatch)
    assert (batched_commits, single_commits) == (1, len(classes))
    records = batched.records()
    assert _drawn(batched) == _drawn(single)
    assert [r.seq for r in records] == list(range(1, len(classes) + 1)) and verify_chain(records) == []
    assert batched.repository.orgaos[ORGAO].counters == single.repository.orgaos[ORGAO].counters
    assert batched.repository.orgaos[ORGAO].queue == {} and batched.repository.registrations == {}
    assert [a.code for a in batched.repository.audits] == [a.code for a in single.repository.audits]


def test_dist_11_a_batch_is_bounded_and_the_rest_of_the_queue_follows_in_order(monkeypatch):
    world, commits = _resolved(["RE"] * 5, 2, monkeypatch)
    assert commits == 3  # 2 + 2 + 1
    records = world.records()
    assert [r.case_number for r in records] == [str(case(s).number) for s in range(1, 6)]
    assert verify_chain(records) == []


def test_dist_11_the_request_waiting_for_the_last_act_gets_its_own_draw_from_the_batch(monkeypatch):
    monkeypatch.setattr(draws, "BATCH_MAX", 8)
    world = World()
    world.relay.withheld = True
    acts = [world.draw(seq) for seq in (1, 2, 3)]
    assert all(isinstance(a, Awaiting) for a in acts)
    world.relay.withheld = False
    world.clock.advance(minutes=1)
    last = acts[-1]
    assert isinstance(last, Awaiting)
    outcome = world.service.draws._await(last.act)  # the request of the third act, resolving the queue
    assert isinstance(outcome, Outcome) and outcome.created
    assert outcome.record is not None and outcome.record.case_number == str(case(3).number)
    assert len(world.records()) == 3


def test_dist_11_two_resolvers_of_one_batch_do_not_draw_twice(monkeypatch):
    monkeypatch.setattr(draws, "BATCH_MAX", 8)
    world = World()
    _queue(world, ["RE", "RE", "HC"])
    other = world.new_service()
    world.repository.concurrent_write(lambda: other.draws.resolve_pending(ORGAO))  # wins just before the commit
    world.service.draws.resolve_pending(ORGAO)
    records = world.records()
    assert len(records) == 3 and verify_chain(records) == []
    assert world.repository.conflicts >= 1 and world.repository.orgaos[ORGAO].queue == {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(classes=st.lists(st.sampled_from(["RE", "HC"]), min_size=2, max_size=9), batch_max=st.integers(2, 9))
def test_dist_02_batching_keeps_the_equality_and_the_log_of_one_by_one(classes, batch_max, monkeypatch):
    batched, _ = _resolved(classes, batch_max, monkeypatch)
    single, _ = _resolved(classes, 1, monkeypatch)
    assert _drawn(batched) == _drawn(single)
    counters = batched.repository.orgaos[ORGAO].counters
    assert counters == single.repository.orgaos[ORGAO].counters
    for classe in set(classes):
        counts = [counters.count(f"C{n}", classe) for n in range(2, 8)]
        assert max(counts) - min(counts) <= 1
