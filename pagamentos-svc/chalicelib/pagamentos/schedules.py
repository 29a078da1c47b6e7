"""PAG-01: the daily schedule runs the previous month's memos on the configured day of the month."""

from __future__ import annotations

from typing import Any

from chalicelib.pagamentos.config import pagamentos_config
from chalicelib.pagamentos.domain.model import Month
from chalicelib.pagamentos.service import PagamentosService


def monthly_run(service: PagamentosService, force: bool = False) -> dict[str, Any]:
    today = service.today()
    day = pagamentos_config(service.config).dia_execucao_mensal
    if today.day != day and not force:
        return {"executado": False, "motivo": f"a execução mensal é no dia {day}"}
    return {"executado": True, **service.run(Month.of(today).previous())}
