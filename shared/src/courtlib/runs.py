"""Run requests of the monthly jobs triggered by hand: the request answers 202 at once, the work runs on the queue.

A request is one record per month (``competencia``): ``pendente`` when asked, ``em_andamento`` when the service's
consumer starts the job, then ``concluida`` (with the job's counts in ``resumo``) or ``falhou`` (with a Portuguese
``motivo``). A request while one is ``pendente``/``em_andamento`` answers that one and records nothing; after it
ended, a new request starts a new run. The record is stored by each service (its own table) with a version the
writes are conditioned on; this module decides (:func:`new_request`) and owns the recording of a request
(:func:`record_request`: the request, its audit record and its event in one transaction, read and decided again
on a concurrent write, one end when every attempt lost); the reads and writes are the service's, passed in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from courtlib.retry import retry_on_conflict

if TYPE_CHECKING:
    from courtlib.messaging.contracts import Envelope

PENDING, RUNNING, DONE, FAILED = "pendente", "em_andamento", "concluida", "falhou"
SITUATIONS = (PENDING, RUNNING, DONE, FAILED)


@dataclass(frozen=True)
class RunRequest:
    competencia: str
    situacao: str
    solicitado_por: str
    solicitado_em: str
    correlacao: str
    execucao: int = 1
    iniciado_em: str | None = None
    concluido_em: str | None = None
    resumo: dict[str, Any] | None = None
    motivo: str | None = None

    @property
    def active(self) -> bool:
        return self.situacao in (PENDING, RUNNING)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunRequest:
        known: dict[str, Any] = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)

    def started(self, now: datetime) -> RunRequest:
        """Running (again, after a cut-off run: it keeps when it first started)."""
        return replace(self, situacao=RUNNING, iniciado_em=self.iniciado_em or now.isoformat(), motivo=None)

    def finished(self, now: datetime, summary: dict[str, Any]) -> RunRequest:
        return replace(self, situacao=DONE, concluido_em=now.isoformat(), resumo=summary, motivo=None)

    def failed(self, now: datetime, reason: str) -> RunRequest:
        return replace(self, situacao=FAILED, concluido_em=now.isoformat(), motivo=reason)

    def status(self) -> dict[str, Any]:
        """The status resource's body (``GET /fechamentos/{competencia}``, ``GET /execucoes/{competencia}``)."""
        body = {"competencia": self.competencia, "situacao": self.situacao, "solicitado_por": self.solicitado_por,
                "solicitado_em": self.solicitado_em, "iniciado_em": self.iniciado_em,
                "concluido_em": self.concluido_em, "resumo": self.resumo, "execucao": self.execucao}
        if self.motivo:
            body["motivo"] = self.motivo
        return body


def new_request(month: str, by: str, now: datetime, correlation_id: str,
                previous: RunRequest | None) -> RunRequest | None:
    """The request to record, or None when ``previous`` is still pending or running (answer that one)."""
    if previous is not None and previous.active:
        return None
    return RunRequest(competencia=month, situacao=PENDING, solicitado_por=by, solicitado_em=now.isoformat(),
                      correlacao=correlation_id, execucao=1 if previous is None else previous.execucao + 1)


REQUEST_ATTEMPTS = 2  # a lost write means another request recorded first: the second read answers it


class RunTransaction(Protocol):
    """What :func:`record_request` needs of a service's transaction (its unit of work), the request already staged
    in it: the audit record, the event (outbox), the commit (:class:`courtlib.errors.WriteConflict` when a
    condition failed, nothing written)."""

    def audit(self, act: str, target: tuple[str, str], /, *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None: ...

    def emit(self, event: Envelope, /) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True)
class RunAct:
    """The audit record of a request: the act, its target and the rules (``before``/``after`` are the runs':
    ``situacao`` and ``execucao``)."""

    act: str
    target: tuple[str, str]
    rules: Sequence[str]


Read = TypeVar("Read")


def record_request(month: str, by: str, now: datetime, correlation_id: str, *,
                   read: Callable[[], tuple[Mapping[str, Any] | None, Read]],
                   stage: Callable[[RunRequest, Read], RunTransaction],
                   act: RunAct,
                   event: Callable[[RunRequest], Envelope],
                   event_namespace: uuid.UUID,
                   event_name: Callable[[RunRequest], str],
                   asked: str) -> RunRequest:
    """Records a request of ``month``'s run, or answers the one pending or running (nothing written).

    ``read()`` gives the stored request (None: never requested) and what the write is conditioned on (a version,
    the stored data); ``stage(request, that)`` opens the service's transaction with the request written on that
    condition; :func:`record_request` adds the act's audit record and ``event(request)`` with the deterministic id
    ``uuid5(event_namespace, event_name(request))`` (one run, one event id, however often it is staged), and
    commits. A lost write is read and decided again after the team's jittered pause
    (:func:`courtlib.retry.retry_on_conflict`, ``REQUEST_ATTEMPTS`` attempts); when every attempt lost,
    :class:`courtlib.errors.Busy` (503 with Retry-After) says "``asked`` pedida ao mesmo tempo…" (``asked``: a
    feminine noun phrase, "Geração da escala 2027-02-estadual")."""

    @retry_on_conflict(attempts=REQUEST_ATTEMPTS,
                       busy_detail=f"{asked} pedida ao mesmo tempo em outras requisições; nada foi gravado. Repita.")
    def attempt() -> RunRequest:
        found, condition = read()
        previous = None if found is None else RunRequest.from_dict(dict(found))
        request = new_request(month, by, now, correlation_id, previous)
        if request is None:
            assert previous is not None
            return previous
        tx = stage(request, condition)
        tx.audit(act.act, act.target, rules=act.rules,
                 before=None if previous is None else {"situacao": previous.situacao, "execucao": previous.execucao},
                 after={"situacao": request.situacao, "execucao": request.execucao})
        envelope = event(request)
        tx.emit(envelope.model_copy(update={"id": str(uuid.uuid5(event_namespace, event_name(request)))}))
        tx.commit()
        return request

    return attempt()
