"""Run requests of the monthly jobs triggered by hand: the request answers 202 at once, the work runs on the queue.

A request is one record per month (``competencia``): ``pendente`` when asked, ``em_andamento`` when the service's
consumer starts the job, then ``concluida`` (with the job's counts in ``resumo``) or ``falhou`` (with a Portuguese
``motivo``). A request while one is ``pendente``/``em_andamento`` answers that one and records nothing; after it
ended, a new request starts a new run. The record is stored by each service (its own table) with a version the
writes are conditioned on; this module only decides (no I/O).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

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
