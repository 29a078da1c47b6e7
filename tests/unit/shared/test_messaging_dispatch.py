"""Eager dispatch of a committed outbox: one SendMessageBatch per queue, best effort, never failing the request."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from botocore.exceptions import ClientError, ConnectTimeoutError
from hypothesis import given
from hypothesis import strategies as st
from pynamodb.exceptions import TransactWriteError

from courtlib.messaging.contracts import CalendarDayRegistered, Envelope, new_event
from courtlib.messaging.dispatch import EagerDispatcher, dispatcher_for
from courtlib.messaging.outbox import UnitOfWork
from courtlib.messaging.publisher import BATCH_BYTES, BATCH_ENTRIES, batches
from courtlib.settings import ServiceSettings

CONSUMERS = ("cooperacao", "distribuicao", "pagamentos")


@pytest.fixture(autouse=True)
def queues(monkeypatch):
    for service in CONSUMERS:
        monkeypatch.setenv(f"{service.upper()}_QUEUE_URL", f"https://sqs.local/{service}.fifo")


def settings(**values: Any) -> ServiceSettings:
    return ServiceSettings(service="plantao", table_name="t", pagination_secret="s", **values)


def event(day: int = 8) -> Envelope:
    return new_event(CalendarDayRegistered(data=date(2031, 1, day), tipo="ponto_facultativo",
                                           descricao="Teste", decretado_em=date(2030, 12, 1)),
                     tribunal="TRE-MT", correlation_id=f"c-{day}")


def outgoing(envelope: Envelope) -> tuple[Envelope, str, list[str]]:
    return envelope, f"calendario-{envelope.data['data'][:4]}", list(CONSUMERS)


class FakeSqs:
    """Records SendMessageBatch calls; ``down`` makes every call fail, ``refuse`` refuses those entry ids."""

    def __init__(self, down: BaseException | None = None, refuse: frozenset[str] = frozenset(),
                 down_for: frozenset[str] | None = None) -> None:
        self.calls: list[tuple[str, list[dict[str, Any]]]] = []
        self.down, self.refuse, self.down_for = down, refuse, down_for

    def send_message_batch(self, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append((QueueUrl, Entries))
        if self.down is not None and (self.down_for is None or QueueUrl in self.down_for):
            raise self.down
        failed = [{"Id": e["Id"], "Code": "InternalError", "SenderFault": False} for e in Entries
                  if e["MessageDeduplicationId"] in self.refuse]
        return {"Successful": [{"Id": e["Id"]} for e in Entries if e["MessageDeduplicationId"] not in self.refuse],
                "Failed": failed}


def test_one_batch_per_destination_queue_with_the_event_id_as_deduplication_id():
    sqs = FakeSqs()
    first, second = event(6), event(7)
    sent = EagerDispatcher(settings(), sqs).dispatch([outgoing(first), outgoing(second)])
    assert sent == 6
    assert sorted(url for url, _ in sqs.calls) == [f"https://sqs.local/{s}.fifo" for s in CONSUMERS]
    for _, entries in sqs.calls:
        assert [e["MessageDeduplicationId"] for e in entries] == [first.id, second.id]  # commit order kept
        assert {e["MessageGroupId"] for e in entries} == {"calendario-2031"}
        assert Envelope.model_validate_json(entries[0]["MessageBody"]) == first
        assert entries[0]["MessageAttributes"]["type"]["StringValue"] == first.type


def test_more_than_ten_events_go_in_batches_of_ten():
    sqs = FakeSqs()
    envelopes = [event(day) for day in range(1, 24)]
    assert EagerDispatcher(settings(), sqs).dispatch([(e, "g", ["pagamentos"]) for e in envelopes]) == 23
    assert [len(entries) for _, entries in sqs.calls] == [10, 10, 3]
    assert [e["MessageDeduplicationId"] for _, entries in sqs.calls for e in entries] == [e.id for e in envelopes]


@pytest.mark.parametrize("fault", [
    ClientError({"Error": {"Code": "InternalError"}, "ResponseMetadata": {"HTTPStatusCode": 500}}, "SendMessageBatch"),
    ConnectTimeoutError(endpoint_url="https://sqs.local"),
    RuntimeError("a bug in the client"),
])
def test_a_failing_sqs_never_raises_and_the_other_queues_still_get_theirs(fault):
    down = "https://sqs.local/distribuicao.fifo"
    sqs = FakeSqs(down=fault, down_for=frozenset({down}))
    assert EagerDispatcher(settings(), sqs).dispatch([outgoing(event())]) == 2
    assert len(sqs.calls) == 3


def test_entries_sqs_refuses_are_not_counted_as_sent():
    refused = event(9)
    sqs = FakeSqs(refuse=frozenset({refused.id}))
    assert EagerDispatcher(settings(), sqs).dispatch([outgoing(event(8)), outgoing(refused)]) == 3


def test_an_unconfigured_queue_is_left_to_the_relay(monkeypatch):
    monkeypatch.delenv("PAGAMENTOS_QUEUE_URL")
    sqs = FakeSqs()
    assert EagerDispatcher(settings(), sqs).dispatch([outgoing(event())]) == 2


def test_eager_dispatch_can_be_switched_off():
    assert dispatcher_for(settings()) is not None
    assert dispatcher_for(settings(eager_dispatch=False)) is None
    assert ServiceSettings.from_env({"PAGINATION_SECRET": "s", "OUTBOX_EAGER_DISPATCH": "false",
                                     "SERVICE": "x", "TABLE_NAME": "t"}).eager_dispatch is False


# ----------------------------------------------------------------- the unit of work


class RecordingUnitOfWork(UnitOfWork):
    """The real unit of work with the TransactWriteItems call replaced (no DynamoDB in unit tests)."""

    def __init__(self, *args: Any, refuse: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transactions: list[list[str]] = []
        self.refuse = refuse

    def _transact(self, token: str) -> None:
        if self.refuse:
            raise TransactWriteError("refused")
        self.transactions.append([getattr(item, "pk", "") for _, item, _ in self._ops])


class SpyDispatcher(EagerDispatcher):
    def __init__(self, sqs: FakeSqs) -> None:
        super().__init__(settings(), sqs)
        self.seen_after: list[int] = []
        self.uow: RecordingUnitOfWork | None = None

    def dispatch(self, events):  # type: ignore[no-untyped-def]
        assert self.uow is not None
        self.seen_after.append(len(self.uow.transactions))
        return super().dispatch(events)


def test_the_outbox_is_sent_after_its_transaction_is_written():
    sqs = FakeSqs()
    dispatcher = SpyDispatcher(sqs)
    uow = RecordingUnitOfWork(settings(), dispatcher)
    dispatcher.uow = uow
    envelope = event()
    uow.emit(envelope)
    uow.commit()
    assert uow.transactions == [[f"OUTBOX#{envelope.id}"]]
    assert dispatcher.seen_after == [1]  # the transaction was written before anything was sent
    assert [e["MessageDeduplicationId"] for _, entries in sqs.calls for e in entries] == [envelope.id] * 3


def test_a_refused_transaction_sends_nothing():
    sqs = FakeSqs()
    uow = RecordingUnitOfWork(settings(), EagerDispatcher(settings(), sqs), refuse=True)
    uow.emit(event())
    with pytest.raises(TransactWriteError):
        uow.commit()
    assert sqs.calls == []


def test_sqs_down_during_eager_dispatch_does_not_fail_the_commit():
    """The fault of the brief: the commit succeeds, the outbox item is written (the relay will publish it)."""
    sqs = FakeSqs(down=ClientError({"Error": {"Code": "ServiceUnavailable"},
                                    "ResponseMetadata": {"HTTPStatusCode": 503}}, "SendMessageBatch"))
    after: list[str] = []
    uow = RecordingUnitOfWork(settings(), EagerDispatcher(settings(), sqs))
    envelope = event()
    uow.emit(envelope)
    uow.after_commit(lambda: after.append("ran"))
    uow.commit()
    assert uow.transactions == [[f"OUTBOX#{envelope.id}"]]
    assert len(sqs.calls) == 3 and after == ["ran"]


def test_a_commit_without_events_sends_nothing():
    sqs = FakeSqs()
    uow = RecordingUnitOfWork(settings(), EagerDispatcher(settings(), sqs))
    uow.after_commit(lambda: None)
    uow.commit()
    assert sqs.calls == []


# ----------------------------------------------------------------- batching (a property)

bodies = st.lists(st.integers(min_value=1, max_value=120 * 1024), max_size=40)


@given(bodies)
def test_batches_keep_every_entry_in_order_within_sqs_limits(sizes):
    entries = [{"MessageBody": "x" * size, "MessageDeduplicationId": str(index),
                "MessageAttributes": {"type": {"DataType": "String", "StringValue": "t"}}}
               for index, size in enumerate(sizes)]
    chunks = batches(entries)
    assert [e for chunk in chunks for e in chunk] == entries
    for chunk in chunks:
        assert 1 <= len(chunk) <= BATCH_ENTRIES
        assert sum(len(e["MessageBody"]) + len("type") + len("String") + 1 for e in chunk) <= BATCH_BYTES


def test_a_batch_jobs_chunk_is_left_to_the_relay():
    """More events than one SendMessageBatch holds: a job's chunk, whose time must fit its Lambda; no one waits."""
    sqs = FakeSqs()
    uow = RecordingUnitOfWork(settings(), EagerDispatcher(settings(), sqs))
    for day in range(1, 12):
        uow.emit(event(day))
    uow.commit()
    assert len(uow.transactions) == 1 and sqs.calls == []
    small = RecordingUnitOfWork(settings(), EagerDispatcher(settings(), sqs))
    for day in range(1, 11):
        small.emit(event(day))
    small.commit()
    assert [len(entries) for _, entries in sqs.calls] == [10, 10, 10]
