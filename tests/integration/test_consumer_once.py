"""One idempotency mechanism per consumed event (courtlib.messaging.consumer), against moto.

A handler whose effects are all DynamoDB writes is guarded by the inbox marker of the consumer's transaction alone:
a redelivery changes nothing and is counted ``EventosRepetidos``, and no Powertools idempotency record is written
(two DynamoDB calls fewer per message). A handler declared ``exclusive_delivery`` keeps Powertools' record, so two
deliveries of one event at the same time never both run it (PLAN-04's notices: SES has no idempotency token).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pynamodb.attributes import NumberAttribute

from bench.http_reads import AwsCallCounter
from courtlib.http.testing import InMemoryIdempotencyStore
from courtlib.messaging import consumer as consumer_module
from courtlib.messaging.consumer import (
    DeclaredHandler,
    EventConsumer,
    ExclusiveHandler,
    SelfCommittingHandler,
    commits_itself,
    exclusive_delivery,
)
from courtlib.messaging.contracts import CalendarDayRegistered, new_event
from courtlib.persistence import TableItem, bind
from tests.integration.lambda_events import sqs_event

EVENT = "br.jus.tribunal.calendario.dia-registrado.v1"
POWERTOOLS_RECORD = Counter({"DynamoDB PutItem": 1, "DynamoDB UpdateItem": 1})


class Tally(TableItem):
    """A state change that is visibly not idempotent by itself: applying twice would count 2."""

    total = NumberAttribute(default=0)


class Counted:
    """The consumer's metrics, by name (``count`` replaced for the test)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.metrics: Counter[str] = Counter()
        self._lock = threading.Lock()
        monkeypatch.setattr(consumer_module, "count", self._count)

    def _count(self, name: str, value: int = 1) -> None:
        with self._lock:
            self.metrics[name] += value


def _event(day: int = 8):
    payload = CalendarDayRegistered(data=date(2027, 5, day), tipo="feriado_municipal", municipio="5103403",
                                    descricao="Feriado municipal", decretado_em=date(2027, 1, 10))
    return new_event(payload, tribunal="TRE-MT", correlation_id=f"c-{uuid.uuid4().hex[:8]}")


def _tallying(settings_, key: str, calls: list[str]):
    """A handler that reads the tally (GetItem) and stages its increment on the consumer's unit of work."""
    model = bind(Tally, settings_)

    def handle(payload, envelope, uow) -> None:
        calls.append(envelope.id)
        try:
            current = model.get(key, "x")
        except model.DoesNotExist:
            current = model(pk=key, sk="x", total=0)
        current.total += 1
        uow.save(current)

    return handle, lambda: model.get(key, "x").total


def _deliver(consumer: EventConsumer, event, queue_url: str = "https://fila") -> dict:
    return consumer.handle_sqs(sqs_event([event.model_dump_json()], queue_url))


def test_a_redelivered_event_changes_nothing_and_is_counted_as_repeated(scratch_table, monkeypatch):
    counted = Counted(monkeypatch)
    calls: list[str] = []
    handler, total = _tallying(scratch_table, "TALLY#redelivery", calls)
    consumer = EventConsumer(scratch_table, {EVENT: handler})
    event = _event()
    assert _deliver(consumer, event) == {"batchItemFailures": []}
    assert _deliver(consumer, event) == {"batchItemFailures": []}  # same id: the inbox marker refuses it
    assert total() == 1 and calls == [event.id, event.id]  # the handler ran again, the state changed once
    assert counted.metrics == Counter({"EventosAplicados": 1, "EventosRepetidos": 1})


DECLARATIONS = {"none": lambda handler: handler, "exclusive_delivery": exclusive_delivery,
                "commits_itself": commits_itself}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deliveries=st.integers(min_value=1, max_value=5), declared=st.sampled_from(sorted(DECLARATIONS)))
def test_any_number_of_deliveries_of_one_event_applies_it_once(scratch_table, monkeypatch, deliveries, declared):
    counted = Counted(monkeypatch)
    key = f"TALLY#{uuid.uuid4().hex}"
    handler, total = _tallying(scratch_table, key, [])
    consumer = EventConsumer(scratch_table, {EVENT: DECLARATIONS[declared](handler)},
                             persistence=InMemoryIdempotencyStore())
    event = _event()
    for _ in range(deliveries):
        assert _deliver(consumer, event) == {"batchItemFailures": []}
    assert total() == 1
    assert counted.metrics == Counter({"EventosAplicados": 1, "EventosRepetidos": deliveries - 1})


def test_an_event_of_a_dynamodb_only_handler_costs_two_dynamodb_calls_fewer_than_with_the_powertools_record(
        scratch_table):
    """Issue 15 (event latency): the handler's own GetItem and the consumer's TransactWriteItems, nothing else."""
    plain_handler, _ = _tallying(scratch_table, "TALLY#calls-plain", [])
    guarded_handler, _ = _tallying(scratch_table, "TALLY#calls-exclusive", [])
    plain = EventConsumer(scratch_table, {EVENT: plain_handler})
    guarded = EventConsumer(scratch_table, {EVENT: exclusive_delivery(guarded_handler)})
    for warm in (plain, guarded):  # clients and connections made before counting (a warm container)
        _deliver(warm, _event())
    with AwsCallCounter() as counter:
        mark = counter.mark()
        assert _deliver(plain, _event()) == {"batchItemFailures": []}
        plain_calls = counter.calls_since(mark)
        mark = counter.mark()
        assert _deliver(guarded, _event()) == {"batchItemFailures": []}
        guarded_calls = counter.calls_since(mark)
    assert plain_calls == Counter({"DynamoDB GetItem": 1, "DynamoDB TransactWriteItems": 1})
    assert guarded_calls - plain_calls == POWERTOOLS_RECORD and plain_calls - guarded_calls == Counter()


def test_a_handler_that_commits_itself_is_not_called_again_for_an_event_applied_before(scratch_table, monkeypatch):
    """Its commits come before the consumer's transaction: the inbox marker is read first (one GetItem more)."""
    counted = Counted(monkeypatch)
    calls: list[str] = []
    handler, total = _tallying(scratch_table, "TALLY#commits-itself", calls)
    consumer = EventConsumer(scratch_table, {EVENT: commits_itself(handler)})
    _deliver(consumer, _event())  # warm
    event = _event()
    with AwsCallCounter() as counter:
        mark = counter.mark()
        assert _deliver(consumer, event) == {"batchItemFailures": []}
        first = counter.calls_since(mark)
        mark = counter.mark()
        assert _deliver(consumer, event) == {"batchItemFailures": []}
        again = counter.calls_since(mark)
    assert first == Counter({"DynamoDB GetItem": 2, "DynamoDB TransactWriteItems": 1})  # the marker, the tally
    assert again == Counter({"DynamoDB GetItem": 1})  # the marker only: the handler is not called
    assert calls.count(event.id) == 1 and total() == 2
    assert counted.metrics == Counter({"EventosAplicados": 2, "EventosRepetidos": 1})


def test_every_consumed_events_handler_is_classified():
    """courtlib.messaging.consumer's docstring: the calendar's copies and pagamentos' inputs stage their writes on the
    consumer's unit of work (no declaration); the requested runs commit their own conditional transactions
    (``commits_itself``); only PLAN-04's publication acts outside DynamoDB (e-mails: ``exclusive_delivery``)."""
    from types import SimpleNamespace

    from chalicelib.cooperacao.consumers import event_handlers as cooperacao
    from chalicelib.distribuicao.consumers import event_handlers as distribuicao
    from chalicelib.pagamentos.consumers import event_handlers as pagamentos
    from chalicelib.plantao.consumers import event_handlers as plantao

    deps = SimpleNamespace(calendar=SimpleNamespace(model=None), service=None)
    declared: dict[str, set[str]] = {}
    for handlers in (cooperacao(deps), distribuicao(deps), pagamentos(deps), plantao(deps)):
        for event, handler in handlers.items():
            declared.setdefault(type(handler).__name__ if isinstance(handler, DeclaredHandler) else "", set()).add(
                event.removeprefix("br.jus.tribunal.").removesuffix(".v1"))
    assert declared.pop(ExclusiveHandler.__name__) == {"plantao.portaria-emitida"}
    assert declared.pop(SelfCommittingHandler.__name__) == {
        "cooperacao.fechamento-solicitado", "cooperacao.fechamento-parte-solicitada",
        "pagamentos.execucao-solicitada", "plantao.geracao-solicitada"}
    assert declared.pop("") == {"calendario.dia-registrado", "calendario.dia-removido",  # a new event: classify it
                                "distribuicao.ausencia-registrada", "plantao.plantao-realizado",
                                "plantao.compensacao-usada", "cooperacao.gratificacao-apurada"}
    assert declared == {}
