"""courtlib.runs.record_request: one way to record a run request (issue 15) — read, decide, the request with its
audit record and its event in one transaction, read again on a concurrent write, ``Busy`` when every attempt lost.
On a fake store whose commit is conditioned on the version read, as the services' tables are."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from courtlib.errors import Busy, WriteConflict, as_court_error
from courtlib.messaging.contracts import Envelope, PaymentRunRequested, new_event
from courtlib.runs import (
    DONE,
    FAILED,
    PENDING,
    REQUEST_ATTEMPTS,
    RUNNING,
    SITUATIONS,
    RunAct,
    RunRequest,
    record_request,
)
from tests.unit.audit_fakes import RecordedAct

MONTH = "2027-03"
T0 = datetime(2027, 4, 1, 12, tzinfo=UTC)
NAMESPACE = uuid.UUID("0b6c3c5e-2f4a-4d8e-9a1b-7c2d3e4f5a6b")
ACT = RunAct("TESTE.EXECUCAO.SOLICITAR", ("competencia", MONTH), ("PAG-01",))


@dataclass
class FakeStore:
    """One request record with its version; ``meanwhile`` runs before the next commits (a concurrent writer)."""

    stored: dict[str, Any] | None = None
    version: int = 0
    audits: list[RecordedAct] = field(default_factory=list)
    events: list[Envelope] = field(default_factory=list)
    commits: int = 0
    staged: int = 0
    meanwhile: list[Callable[[], None]] = field(default_factory=list)

    def read(self) -> tuple[dict[str, Any] | None, int]:
        return self.stored, self.version

    def stage(self, request: RunRequest, version: int) -> FakeTransaction:
        self.staged += 1
        return FakeTransaction(self, request.to_dict(), version)

    def write(self, data: dict[str, Any]) -> None:
        """A concurrent writer's commit."""
        self.stored, self.version = data, self.version + 1


@dataclass
class FakeTransaction:
    store: FakeStore
    data: dict[str, Any]
    read_version: int
    audits: list[RecordedAct] = field(default_factory=list)
    events: list[Envelope] = field(default_factory=list)

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        self.audits.append(RecordedAct.of(act, target, rules, before, after))

    def emit(self, event: Envelope) -> None:
        self.events.append(event)

    def commit(self) -> None:
        store = self.store
        if store.meanwhile:
            store.meanwhile.pop(0)()
        if store.version != self.read_version:
            raise WriteConflict()
        store.stored, store.version = self.data, store.version + 1
        store.audits += self.audits
        store.events += self.events
        store.commits += 1


def _request(situacao: str = PENDING, execucao: int = 1, by: str = "outra.pessoa") -> dict[str, Any]:
    return RunRequest(MONTH, situacao, by, T0.isoformat(), "c-outra", execucao).to_dict()


def _record(store: FakeStore, by: str = "dimag.folha") -> RunRequest:
    return record_request(
        MONTH, by, T0, "c-1", read=store.read, stage=store.stage, act=ACT,
        event=lambda request: new_event(PaymentRunRequested(competencia=MONTH, execucao=request.execucao,
                                                            solicitado_por=by),
                                        tribunal="tjxx", correlation_id="c-1", subject=f"execucao/{MONTH}"),
        event_namespace=NAMESPACE, event_name=lambda request: f"{MONTH}:{request.execucao}",
        asked=f"Execução de {MONTH}")


def test_the_first_request_is_recorded_with_its_act_and_its_event_of_a_deterministic_id():
    store = FakeStore()
    request = _record(store)
    assert (request.situacao, request.execucao, request.solicitado_por) == (PENDING, 1, "dimag.folha")
    assert store.stored == request.to_dict() and store.commits == 1
    assert store.audits == [RecordedAct.of(ACT.act, ACT.target, ACT.rules, None,
                                           {"situacao": PENDING, "execucao": 1})]
    [event] = store.events
    assert event.id == str(uuid.uuid5(NAMESPACE, f"{MONTH}:1")) and event.data["execucao"] == 1


@pytest.mark.parametrize("situacao", [PENDING, RUNNING])
def test_a_request_while_one_is_pending_or_running_answers_it_and_writes_nothing(situacao):
    store = FakeStore(_request(situacao, 3), version=5)
    answered = _record(store)
    assert answered == RunRequest.from_dict(_request(situacao, 3))
    assert (store.staged, store.commits, store.version, store.audits, store.events) == (0, 0, 5, [], [])


@pytest.mark.parametrize("situacao", [DONE, FAILED])
def test_a_request_after_one_ended_is_a_new_run(situacao):
    store = FakeStore(_request(situacao, 2), version=4)
    request = _record(store)
    assert (request.situacao, request.execucao) == (PENDING, 3) and store.version == 5
    [act] = store.audits
    assert (act.before, act.after) == ({"situacao": situacao, "execucao": 2}, {"situacao": PENDING, "execucao": 3})
    assert [e.id for e in store.events] == [str(uuid.uuid5(NAMESPACE, f"{MONTH}:3"))]


def test_a_request_recorded_first_by_a_concurrent_one_is_answered_and_this_one_writes_nothing():
    store = FakeStore()
    store.meanwhile.append(lambda: store.write(_request(PENDING, 1, by="admin.ti")))
    answered = _record(store)
    assert (answered.solicitado_por, answered.execucao) == ("admin.ti", 1)  # the one that committed first
    assert store.commits == 0 and store.staged == 1 and store.audits == [] and store.events == []


def test_a_concurrent_end_of_the_run_makes_the_second_attempt_record_the_next_run_once():
    store = FakeStore(_request(DONE, 1), version=1)
    store.meanwhile.append(lambda: store.write(_request(FAILED, 1)))  # the consumer marks the run, meanwhile
    request = _record(store)
    assert request.execucao == 2 and store.commits == 1 and store.staged == 2
    [act] = store.audits
    assert act.before == {"situacao": FAILED, "execucao": 1}  # decided again on what the second read found
    assert len(store.events) == 1


def test_conflicts_on_every_attempt_end_in_busy_503_with_retry_after_and_nothing_written():
    store = FakeStore(_request(DONE, 1), version=1)
    for n in range(REQUEST_ATTEMPTS):
        store.meanwhile.append(lambda n=n: store.write(_request(FAILED, 1, by=f"escritor-{n}")))
    with pytest.raises(Busy) as busy:
        _record(store)
    error = as_court_error(busy.value)
    assert error is not None and (error.status, error.retry_after, error.code) == (503, 1, "CONCORRENCIA")
    assert busy.value.detail == ("Execução de 2027-03 pedida ao mesmo tempo em outras requisições; nada foi gravado. "
                                 "Repita.")
    assert store.staged == REQUEST_ATTEMPTS and store.commits == 0 and store.audits == [] and store.events == []
    assert store.stored == _request(FAILED, 1, by=f"escritor-{REQUEST_ATTEMPTS - 1}")  # only the others' writes


@settings(max_examples=60, deadline=None)
@given(st.none() | st.tuples(st.sampled_from(SITUATIONS), st.integers(1, 50)),
       st.lists(st.sampled_from(["nada", "pedido", "fim"]), max_size=REQUEST_ATTEMPTS + 1))
def test_whatever_the_concurrent_writes_one_request_writes_at_most_one_run_with_exactly_its_act_and_event(
        previous, writers):
    store = FakeStore(None if previous is None else _request(*previous), version=0 if previous is None else 1)

    def writer(kind: str) -> Callable[[], None]:
        def write() -> None:
            execucao = (store.stored or {}).get("execucao", 0)
            if kind == "pedido":
                store.write(_request(PENDING, execucao + 1, by="admin.ti"))
            elif kind == "fim":
                store.write(_request(DONE, max(execucao, 1)))
        return write

    store.meanwhile = [writer(kind) for kind in writers]
    try:
        result = _record(store)
    except Busy:
        assert store.commits == 0
    else:
        assert result.to_dict() == store.stored and store.commits <= 1  # what it wrote, or the one it answered
    assert len(store.audits) == len(store.events) == store.commits
    assert store.staged <= REQUEST_ATTEMPTS
