"""An act and its audit record are one transaction: both or neither; chains advance under contention."""

from __future__ import annotations

import json

import boto3
import pytest

from courtlib.audit import Actor, acting_as
from courtlib.audit.record import Target, shard_of
from courtlib.audit.store import AuditChains, AuditItem
from courtlib.clock import today
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.persistence import TableItem, bind

GESTORA = Actor.user("sub-gestora", "gestora.ana", ["gestor"])


@pytest.fixture(autouse=True)
def as_gestora():
    with acting_as(GESTORA, correlation_id="req-1"):
        yield


def _items(settings, prefix: str) -> list[dict]:
    client = boto3.client("dynamodb", region_name=settings.region)
    items = client.scan(TableName=settings.table_name)["Items"]
    return [item for item in items if item["pk"]["S"].startswith(prefix)]


def _act(settings, key: str, value: str, *, condition=None, act: str = "PLAN.ESCALA.EDITAR") -> None:
    model = bind(TableItem, settings)
    uow = UnitOfWork(settings)
    uow.save(model(pk=f"ESCALA#{key}", sk="DADOS", gsi1pk=value), condition)
    uow.audit(act, ("escala", key), rules=["PLAN-01"], before=None, after={"valor": value})
    uow.commit()


def _breaks(chains: AuditChains) -> dict:
    """``{shard: first break or None}`` of today's chains that have records."""
    return {shard: broken for shard, _, broken in chains.verify_day(today())}


def test_the_act_and_its_record_are_written_together(scratch_table):
    _act(scratch_table, "2027-03", "v1")
    assert len(_items(scratch_table, "ESCALA#")) == 1
    [stored] = _items(scratch_table, "AUDIT#")
    record = json.loads(stored["registro"]["S"])
    assert record["quem"] == {"tipo": "usuario", "id": "sub-gestora", "nome": "gestora.ana", "papeis": ["gestor"]}
    assert (record["ato"], record["regras"], record["alvo"]) == ("PLAN.ESCALA.EDITAR", ["PLAN-01"],
                                                                 {"tipo": "escala", "id": "2027-03"})
    assert (record["correlacao"], record["depois"], record["sequencia"]) == ("req-1", {"valor": "v1"}, 1)
    assert stored["pk"]["S"] == f"AUDIT#plantao#{today().isoformat()}#{shard_of(Target('escala', '2027-03'), today())}"
    assert "expiration" not in stored  # kept for the retention period, never expired by a TTL
    assert stored["guardar_ate"]["S"] == today().replace(year=today().year + 5).isoformat()


def test_a_failing_condition_of_the_act_leaves_neither_the_act_nor_the_record(scratch_table):
    model = bind(TableItem, scratch_table)
    _act(scratch_table, "2027-03", "v1")
    with pytest.raises(ConditionFailed) as refused:
        _act(scratch_table, "2027-03", "v2", condition=model.pk.does_not_exist())
    assert refused.value.index == 0  # the use case's own write, not the chain
    assert [i["gsi1pk"]["S"] for i in _items(scratch_table, "ESCALA#")] == ["v1"]
    assert len(_items(scratch_table, "AUDIT#")) == 1
    [head] = _items(scratch_table, "AUDITHEAD#")
    assert head["length"]["N"] == "1"


def test_acts_on_one_target_take_consecutive_places_in_one_chain(scratch_table):
    for value in ("v1", "v2", "v3"):
        _act(scratch_table, "2027-03", value)
    chains = AuditChains(scratch_table)
    records, length = chains.chain(today(), shard_of(Target("escala", "2027-03"), today()))
    assert [r["sequencia"] for r in records] == [1, 2, 3] and length == 3
    assert [r["depois"]["valor"] for r in records] == ["v1", "v2", "v3"]
    assert all(ok is None for _, _, ok in chains.verify_day(today()))


def test_two_acts_in_one_unit_of_work_each_get_a_record(scratch_table):
    uow = UnitOfWork(scratch_table)
    for n in range(6):
        uow.audit("DIST.DISTRIBUIR", ("processo", f"000{n}"), rules=["DIST-01"], after={"relator": "X"})
    uow.commit()
    report = AuditChains(scratch_table).verify_day(today())
    assert sum(count for _, count, _ in report) == 6 and all(ok is None for _, _, ok in report)


def test_a_chain_head_advanced_meanwhile_is_read_again_and_nothing_is_lost(scratch_table, monkeypatch):
    """Two writers read the same head; the second's condition fails, it reads the head again and appends."""
    chains = AuditChains(scratch_table)
    original = AuditChains.operations
    raced = []

    def operations_after_a_rival(self, acts, **kwargs):
        ops = original(self, acts, **kwargs)
        if not raced:  # a rival act commits between our read of the head and our commit
            raced.append(True)
            _act(scratch_table, "2027-03", "rival")
        return ops

    monkeypatch.setattr(AuditChains, "operations", operations_after_a_rival)
    _act(scratch_table, "2027-03", "nosso")
    records, length = chains.chain(today(), shard_of(Target("escala", "2027-03"), today()))
    assert [r["depois"]["valor"] for r in records] == ["rival", "nosso"] and length == 2
    assert _breaks(chains)[shard_of(Target("escala", "2027-03"), today())] is None


def test_a_head_remembered_by_this_process_but_advanced_by_another_is_read_again(scratch_table):
    from courtlib.audit.record import GENESIS, chain_id

    _act(scratch_table, "2027-03", "v1")
    chain = chain_id("plantao", today(), shard_of(Target("escala", "2027-03"), today()))
    AuditChains._known[(scratch_table.table_name, chain)] = (0, GENESIS)  # as if another Lambda wrote since
    _act(scratch_table, "2027-03", "v2")
    records, length = AuditChains(scratch_table).chain(today(), shard_of(Target("escala", "2027-03"), today()))
    assert [r["sequencia"] for r in records] == [1, 2] and length == 2
    assert AuditChains._known[(scratch_table.table_name, chain)] == (2, records[-1]["hash"])


def test_the_day_check_names_an_edit_and_a_deletion_made_behind_the_services_back(scratch_table):
    for value in ("v1", "v2", "v3"):
        _act(scratch_table, "2027-03", value)
    shard = shard_of(Target("escala", "2027-03"), today())
    chains = AuditChains(scratch_table)
    model = bind(AuditItem, scratch_table)
    pk = f"AUDIT#plantao#{today().isoformat()}#{shard}"
    second = model.get(pk, "0000000002")
    edited = json.loads(second.record)
    edited["quem"]["id"] = "sub-outra-pessoa"
    second.record = json.dumps(edited)
    second.save()
    broken = _breaks(chains)[shard]
    assert broken is not None and (broken.sequence, broken.problem) == (2, "alterado")
    second.delete()
    broken = _breaks(chains)[shard]
    assert broken is not None and (broken.sequence, broken.problem) == (2, "ausente")
    model.get(pk, "0000000003").delete()
    broken = _breaks(chains)[shard]
    assert broken is not None and (broken.sequence, broken.problem) == (2, "ausente")
    assert [shard for shard, _, _ in chains.verify_day(today())] == [shard]  # the day's only chain written


def test_acts_on_many_targets_in_any_order_leave_every_chain_intact_and_each_history_in_order(scratch_table):
    import random

    rng = random.Random(17)
    targets = [f"2027-{month:02d}" for month in range(1, 7)]
    writes = [(target, f"v{n}") for n, target in enumerate(rng.choices(targets, k=14))]
    for target, value in writes:
        _act(scratch_table, target, value)
    chains = AuditChains(scratch_table)
    report = chains.verify_day(today())
    assert all(broken is None for _, _, broken in report)
    assert sum(count for _, count, _ in report) == len(writes)
    for target in set(t for t, _ in writes):
        records, _ = chains.chain(today(), shard_of(Target("escala", target), today()))
        history = [r["depois"]["valor"] for r in records if r["alvo"]["id"] == target]
        assert history == [value for t, value in writes if t == target]
