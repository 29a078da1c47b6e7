"""The status resource of a monthly job requested by hand (``courtlib.runs``): what ``POST`` answers with 202 and
``GET …/{competencia}`` answers after."""

from __future__ import annotations

from typing import Any, Literal

from courtlib.schema import Schema


class SituacaoExecucaoOut(Schema):
    competencia: str
    situacao: Literal["pendente", "em_andamento", "concluida", "falhou"]
    solicitado_por: str | None = None
    solicitado_em: str | None = None
    iniciado_em: str | None = None
    concluido_em: str | None = None
    resumo: dict[str, Any] | None = None
    execucao: int | None = None
    motivo: str | None = None
