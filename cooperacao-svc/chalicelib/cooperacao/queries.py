"""Reads of servants' cooperation that only answer a query (no rule decides, nothing is written), with who may see
what: a servant reaches only their own cooperations, a manager only their units', the Corregedoria and the
administration everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.cooperacao.config import cooperacao_config
from chalicelib.cooperacao.domain.model import Cooperation, Servant, TimeRecord, Unit
from chalicelib.cooperacao.ports import CooperacaoRepository, Cursor
from chalicelib.cooperacao.service import ANNEXES, Actor

from courtlib.config import TribunalConfig
from courtlib.errors import Forbidden, NotFound
from courtlib.runs import DONE, RunRequest


@dataclass(frozen=True)
class MonthSheet:
    """A servant's pontos in a month (COOP-06): the total, the minutes still available and the records."""

    servant: str
    month: str
    minutes: int
    available: int
    records: list[TimeRecord]


@dataclass
class CooperacaoQueries:
    repository: CooperacaoRepository
    config: TribunalConfig

    # reference data ------------------------------------------------------------------------------

    def servant(self, servant_id: str) -> Servant:
        found = self.repository.servant(servant_id)
        if found is None:
            raise NotFound(f"Servidor {servant_id} não cadastrado.", field="servidor")
        return found[0]

    def servants(self, limit: int, start: Cursor | None) -> tuple[list[Servant], Cursor | None]:
        return self.repository.servants(limit, start)

    def unit(self, unit_id: str) -> Unit:
        unit = self.repository.unit(unit_id)
        if unit is None:
            raise NotFound(f"Unidade {unit_id} não cadastrada.", field="unidade")
        return unit

    def units(self, limit: int, start: Cursor | None) -> tuple[list[Unit], Cursor | None]:
        return self.repository.units(limit, start)

    def annex(self, annex: str) -> dict[str, int]:
        if annex not in ANNEXES:
            raise NotFound("Anexo inexistente (I, IV ou V).", field="anexo")
        return self.repository.annex(annex)

    def portarias(self) -> list[dict[str, Any]]:
        return self.repository.portarias()

    # cooperations --------------------------------------------------------------------------------

    def own_cooperations(self, actor: Actor) -> list[Cooperation]:
        return list(self.repository.servant_cooperations(actor.username))

    def can_see(self, coop: Cooperation, actor: Actor) -> bool:
        """Object-level check: the servant, the managers of both units, the corregedoria, admin."""
        if actor.username == coop.servant or actor.has("corregedoria", "admin"):
            return True
        if actor.has("gestor"):
            return any((u := self.repository.unit(uid)) is not None and u.manager == actor.username
                       for uid in (coop.unit, coop.home_unit))
        return False

    def cooperation(self, coop_id: str, actor: Actor) -> tuple[Cooperation, list[dict[str, Any]]]:
        """The cooperation and its decisions, for whom :meth:`can_see` it."""
        found = self.repository.cooperation(coop_id)
        if found is None:
            raise NotFound("Cooperação não encontrada.", field="id")
        coop = found[0]
        if not self.can_see(coop, actor):
            raise Forbidden("Você só pode acessar as suas próprias cooperações ou as da sua unidade.")
        return coop, self.repository.decisions(coop_id)

    def decisions(self, coop_id: str) -> list[dict[str, Any]]:
        return self.repository.decisions(coop_id)

    def unit_cooperations(self, unit_id: str, actor: Actor) -> list[Cooperation]:
        """A unit's cooperations, for its manager, the Corregedoria and the administration."""
        unit = self.unit(unit_id)
        if not actor.has("corregedoria", "admin") and unit.manager != actor.username:
            raise Forbidden("Só o gestor da unidade vê as suas cooperações.")
        return list(self.repository.unit_cooperations(unit_id, date.min))

    # pontos and closes ---------------------------------------------------------------------------

    def month_sheet(self, servant_id: str, month: str) -> MonthSheet:
        total, records = self.repository.month(servant_id, month)
        minutes = 0 if total is None else total.minutes
        cap = cooperacao_config(self.config).horas_mensais_max * 60
        return MonthSheet(servant_id, month, minutes, max(cap - minutes, 0), sorted(records, key=lambda r: r.start))

    def close(self, month: str) -> dict[str, Any]:
        """The situation of ``month``'s close: its last request (``courtlib.runs``), with the parts of its run done
        (``resumo.partes_concluidas`` of ``resumo.partes``) while it runs; a month closed only by the
        schedule answers ``concluida`` with the close's counts; a month never closed nor requested, 404."""
        found = self.repository.close_request(month)
        if found is not None:
            request = RunRequest.from_dict(found[0])
            status = request.status()
            if request.situacao != DONE and "partes" in (request.resumo or {}):  # fanned out: count the parts done
                done = len(self.repository.close_parts(month, request.execucao))
                status["resumo"] = {**(request.resumo or {}), "partes_concluidas": done}
            return status
        marker = self.repository.close_marker(month)
        if marker is None:
            raise NotFound("Fechamento deste mês nunca solicitado.", field="competencia")
        return {"competencia": month, "situacao": DONE, "solicitado_por": marker.get("por"),
                "solicitado_em": marker.get("ultimo_em"), "iniciado_em": marker.get("ultimo_em"),
                "concluido_em": marker.get("ultimo_em"), "execucao": marker.get("execucoes"),
                "resumo": {k: marker.get(k) for k in ("servidores", "publicados", "ajustes")}}
