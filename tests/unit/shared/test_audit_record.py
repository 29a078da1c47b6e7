"""The audit record's hash and its chain: an edit, a missing record and a reordering are each named."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.audit.record import (
    GENESIS,
    SHARD_PLAN,
    Actor,
    AuditRecord,
    Target,
    canonical_json,
    changed_fields,
    hash_of,
    shard_of,
    shards_on,
    verify_chain,
)

DAY = date(2027, 3, 1)


def _chain(length: int, shard: int = 1) -> list[dict]:
    records, previous = [], GENESIS
    for sequence in range(1, length + 1):
        record = AuditRecord(
            service="plantao", day=DAY, shard=shard, sequence=sequence,
            at=datetime(2027, 3, 1, 12, sequence, tzinfo=UTC), actor=Actor.user("sub-ana", "ana", ["gestor"]),
            act="PLAN.IMPEDIMENTO", rules=("PLAN-07",), target=Target("escala", f"2027-03#{sequence}"),
            correlation_id=f"c-{sequence}", before={"juiz": "A"}, after={"juiz": "B"}, prev_hash=previous,
        ).sealed()
        records.append(record.as_json())
        previous = record.hash
    return records


def test_an_intact_chain_verifies():
    assert verify_chain(_chain(5), expected_length=5) is None
    assert verify_chain([], expected_length=0) is None


def test_the_hash_is_over_the_fields_the_api_shows():
    record = _chain(1)[0]
    assert record["hash"] == hash_of({k: v for k, v in record.items() if k != "hash"})
    assert record["hash_anterior"] == GENESIS
    assert set(record) >= {"quem", "quando", "ato", "regras", "alvo", "correlacao", "antes", "depois", "sequencia"}


def test_an_edited_record_is_named():
    chain = _chain(5)
    chain[2]["depois"] = {"juiz": "C"}
    broken = verify_chain(chain, expected_length=5)
    assert broken is not None and (broken.sequence, broken.problem) == (3, "alterado")


def test_an_edited_record_whose_hash_was_recomputed_breaks_the_next_link():
    chain = _chain(5)
    chain[2]["quem"] = Actor.user("sub-outro", "outro", ["admin"]).as_json()
    chain[2]["hash"] = hash_of({k: v for k, v in chain[2].items() if k != "hash"})
    broken = verify_chain(chain, expected_length=5)
    assert broken is not None and (broken.sequence, broken.problem) == (4, "encadeamento")


def test_a_deleted_record_is_named():
    chain = _chain(5)
    del chain[1]
    broken = verify_chain(chain, expected_length=5)
    assert broken is not None and (broken.sequence, broken.problem) == (2, "ausente")


def test_records_deleted_at_the_end_are_caught_by_the_head_length():
    chain = _chain(5)[:3]
    assert verify_chain(chain) is None  # the records alone cannot tell
    broken = verify_chain(chain, expected_length=5)
    assert broken is not None and (broken.sequence, broken.problem) == (4, "ausente")


def test_a_reordering_is_named():
    chain = _chain(5)
    chain[1], chain[2] = chain[2], chain[1]
    broken = verify_chain(chain, expected_length=5)
    assert broken is not None and broken.problem in ("ausente", "fora_de_ordem")
    assert broken.sequence == 2
    chain = _chain(5)
    chain.append(chain.pop(0))
    broken = verify_chain(chain, expected_length=5)
    assert broken is not None and broken.sequence == 1


@settings(deadline=None)  # hashing chains: no per-example deadline on a loaded machine
@given(position=st.integers(0, 5), field=st.sampled_from(["ato", "regras", "antes", "depois", "quando", "correlacao",
                                                         "alvo", "quem", "sequencia", "hash_anterior", "dia"]),
       value=st.text(max_size=20))
def test_any_single_edit_of_any_field_is_detected(position, field, value):
    chain = _chain(6)
    edited = copy.deepcopy(chain)
    if edited[position][field] == value:
        return
    edited[position][field] = value
    broken = verify_chain(edited, expected_length=6)
    assert broken is not None and broken.sequence <= position + 1


@settings(deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=80), st.dates())
def test_a_target_always_falls_on_the_same_shard_of_a_day_within_its_range(kind, ident, day):
    target = Target(kind, ident)
    assert shard_of(target, day) == shard_of(Target(kind, ident), day)
    assert 0 <= shard_of(target, day) < shards_on(day)


def test_days_before_the_change_keep_their_4_chains_and_later_days_have_64():
    assert shards_on(date(2026, 12, 4)) == 4 and shards_on(date(2020, 1, 1)) == 4
    assert shards_on(date(2026, 12, 5)) == 64 and shards_on(date(2030, 1, 1)) == 64
    # a 4-chain day's shards are what they always were: the records already written keep their chain
    assert shard_of(Target("processo", "42"), date(2026, 12, 4)) == int(
        __import__("hashlib").sha256(b"processo:42").hexdigest()[:8], 16) % 4


def test_the_shard_plan_is_in_date_order_and_never_shrinks():
    """A day written partly under an earlier count (a deployment during the day) has every chain within the later
    count's range, which the verifier reads."""
    firsts = [first for first, _ in SHARD_PLAN]
    counts = [count for _, count in SHARD_PLAN]
    assert firsts == sorted(firsts) and counts == sorted(counts)


@pytest.mark.parametrize("day", [date(2026, 12, 4), date(2027, 3, 1)])
def test_targets_spread_over_the_shards(day):
    assert {shard_of(Target("processo", str(n)), day) for n in range(2000)} == set(range(shards_on(day)))


def test_canonical_json_is_sorted_compact_and_refuses_floats():
    assert canonical_json({"b": 1, "a": [Decimal("10.50"), date(2027, 1, 2)]}) == '{"a":["10.50","2027-01-02"],"b":1}'
    with pytest.raises(TypeError):
        canonical_json({"valor": 1.5})


def test_changed_fields_keep_only_what_differs():
    before, after = changed_fields({"juiz": "A", "data": "2027-03-01", "obs": "x"},
                                   {"juiz": "B", "data": "2027-03-01", "novo": 1})
    assert before == {"juiz": "A", "obs": "x", "novo": None}
    assert after == {"juiz": "B", "obs": None, "novo": 1}


def test_actors_say_who_acts():
    assert Actor.partner("TJSC").as_json() == {"tipo": "parceiro", "id": "parceiro:TJSC", "nome": "TJSC", "papeis": []}
    assert Actor.system("agenda:fechar-mes").id == "sistema:agenda:fechar-mes"
    assert Actor.user("s", "u", ["gestor", "admin"]).roles == ("admin", "gestor")
