"""The fakes keep the promises of the ports the use-case tests lean on: a unit of work writes all or nothing
and refuses a stale condition with ``WriteConflict``; reads are copies."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.plantao.domain.compensation import LedgerEntry
from chalicelib.plantao.domain.scales import Kind, Month

from courtlib.errors import WriteConflict
from tests.unit.plantao.fakes import FakeRepository


def test_a_unit_of_work_with_one_stale_condition_writes_nothing_at_all():
    repository = FakeRepository()
    first = repository.unit_of_work()
    first.stage_balance("jz.alves", balance=2, version=0)
    first.commit()
    stale = repository.unit_of_work()
    stale.stage_entry(LedgerEntry("uso-1", "jz.alves", date(2027, 2, 9), -1, "uso", "1"))
    stale.stage_balance("jz.alves", balance=-1, version=0)  # the balance is at version 1 now
    with pytest.raises(WriteConflict):
        stale.commit()
    assert repository.entries == {} and repository.ledger("jz.alves").balance == 2
    assert (repository.commits, repository.conflicts) == (1, 1)


def test_two_writes_of_one_item_in_a_transaction_are_refused_as_dynamodb_refuses_them():
    uow = FakeRepository().unit_of_work()
    uow.stage_balance("jz.alves", balance=1)
    with pytest.raises(ValueError, match="mesmo item"):
        uow.stage_balance("jz.alves", reserved=1)


def test_reads_are_copies_so_a_use_case_changing_what_it_read_changes_nothing_stored():
    repository = FakeRepository()
    assert repository.scale(Month(2027, 2), Kind.ESTADUAL) is None
    rotation = repository.rotation(Kind.ESTADUAL)
    rotation.positions["estadual:R1"] = "x"
    assert repository.rotation(Kind.ESTADUAL).positions == {}
