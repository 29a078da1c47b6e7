"""The monthly close of cooperacao-svc (COOP-11), run by a daily schedule on the configured day."""

from __future__ import annotations

import uuid
from typing import Any

from chalicelib.cooperacao.domain.rules import previous_month
from chalicelib.cooperacao.service import CooperacaoService

from courtlib.observability import logger


def monthly_close(service: CooperacaoService) -> dict[str, Any]:
    """On ``cooperacao.fechamento_dia`` (local date) closes the previous month; other days do nothing.

    The close is idempotent (a second run publishes nothing new), so a retried or duplicated invocation is
    harmless; the manual trigger (``POST /fechamentos``) closes any month at any time.
    """
    today = service.today()
    if today.day != service.coop_config.fechamento_dia:
        return {"fechado": None, "motivo": f"o fechamento é no dia {service.coop_config.fechamento_dia}"}
    month = previous_month(today)
    result = service.close_month(month, f"fechamento-{month}-{uuid.uuid4().hex[:8]}", "agendamento")
    logger.info("fechamento mensal", extra={"competencia": month, "publicados": result.published})
    return {"fechado": month, "servidores": result.servants, "publicados": result.published,
            "ajustes": result.adjustments, "lotes": result.batches}
