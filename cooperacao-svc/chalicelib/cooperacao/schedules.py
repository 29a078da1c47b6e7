"""The monthly close of cooperacao-svc (COOP-11), run by a daily schedule on the configured day."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.cooperacao.domain.rules import previous_month
from chalicelib.cooperacao.service import CooperacaoService

from courtlib.observability import logger


def monthly_close(service: CooperacaoService) -> dict[str, Any]:
    """On ``cooperacao.fechamento_dia`` (local date) asks for the close of the previous month; other days do nothing.

    It asks as ``POST /fechamentos`` does (a request ``pendente`` by ``agendamento``, its record and the event), so
    the close runs on the queue in parts, each within one invocation's limits, whatever the court's size. A
    retried or duplicated invocation answers the request already made; the close is idempotent anyway.
    """
    today = service.today()
    if today.day != service.coop_config.fechamento_dia:
        return {"fechado": None, "motivo": f"o fechamento é no dia {service.coop_config.fechamento_dia}"}
    month = previous_month(today)
    request = service.request_close(month, f"fechamento-{month}-{uuid.uuid4().hex[:8]}", "agendamento")
    logger.info("fechamento mensal solicitado", extra={"competencia": month, "execucao": request.execucao})
    return {"fechado": month, "situacao": request.situacao, "execucao": request.execucao}
