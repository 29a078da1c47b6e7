"""COOP-12: judicial cooperation between courts (CNJ Res. 350/2020; 000 TRE-MG Coopera).

Requests come from partner tribunals (partner API, keyed by the partner's own ``id_origem``: a retry returns
the same request) or from internal juízos (``origem = INTERNO``). The Núcleo deliberates (who: supervisor,
coordenador, magistrado de cooperação, secretário). Acts and agreements go to a register the public searches.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.cooperacao.adapters.store import Store, dumps
from chalicelib.cooperacao.domain.model import RuleError
from chalicelib.cooperacao.service import NotFound

from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.settings import ServiceSettings

INTERNAL = "INTERNO"
NUCLEO_MEMBERS = ("supervisor", "coordenador", "magistrado_cooperacao", "secretario")
DECISIONS = ("deferido", "indeferido", "concluido")
REGISTER_PAGE_MAX = 200


def fold(text: str) -> str:
    """Lower case without accents, for the public search."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@dataclass
class JudicialService:
    store: Store
    settings: ServiceSettings
    clock: Callable[[], datetime]

    # --- requests ------------------------------------------------------------------------------------

    def receive(self, origin: str, origin_id: str, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """A request from ``origin`` (partner id or INTERNO); the same ``id_origem`` again returns the first one
        (200), unless its content differs (409 COOP-12)."""
        now = self.clock().isoformat()
        pk = f"PEDIDOJ#{origin}#{origin_id}"
        body = {**data, "origem": origin, "id": origin_id, "situacao": "recebido", "recebido_em": now,
                "deliberacoes": []}
        item = self.store.item(pk, "PEDIDO", "pedido_judicial", body, gsi1pk=f"ORIGEM#{origin}#PEDIDOS",
                               gsi1sk=f"{now}#{origin_id}", gsi2pk="PEDIDOSJ", gsi2sk=f"{now}#{origin}#{origin_id}",
                               version=1)
        uow = UnitOfWork(self.settings)
        uow.save(item, condition=self.store.model.pk.does_not_exist())
        try:
            uow.commit()
            return body, True
        except ConditionFailed:
            existing = self.store.data(pk, "PEDIDO")
            assert existing is not None
            if any(existing.get(k) != v for k, v in data.items()):
                raise RuleError("COOP-12", "id_origem", f"O pedido {origin_id} já foi recebido com outro conteúdo; "
                                                        "use um novo id_origem.", status=409) from None
            return existing, False

    def get(self, origin: str, origin_id: str) -> dict[str, Any]:
        data = self.store.data(f"PEDIDOJ#{origin}#{origin_id}", "PEDIDO")
        if data is None:
            raise NotFound("Pedido de cooperação não encontrado.", field="id")
        return data

    def list_of(self, origin: str, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
        result = self.store.query_gsi1(f"ORIGEM#{origin}#PEDIDOS", limit=limit, start=start)
        items = [json.loads(i.data) for i in result]
        return items, result.last_evaluated_key

    def list_all(self, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
        result = self.store.query_gsi2("PEDIDOSJ", limit=limit, start=start)
        items = [json.loads(i.data) for i in result]
        return items, result.last_evaluated_key

    def deliberate(self, origin: str, origin_id: str, by: str, member: str, decision: str, grounds: str,
                   act: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The Núcleo's deliberation (000 item III); a deferred request may publish its act to the register."""
        pk = f"PEDIDOJ#{origin}#{origin_id}"
        item = self.store.get(pk, "PEDIDO")
        if item is None:
            raise NotFound("Pedido de cooperação não encontrado.", field="id")
        data = json.loads(item.data)
        if data["situacao"] in ("indeferido", "concluido"):
            raise RuleError("COOP-12", "decisao", f"O pedido já está {data['situacao']}.", status=409)
        if act is not None and decision == "indeferido":
            raise RuleError("COOP-12", "ato", "Pedido indeferido não gera ato de cooperação no registro.")
        now = self.clock().isoformat()
        data["situacao"] = decision
        data["deliberacoes"] = [*data.get("deliberacoes", []), {"por": by, "membro": member, "decisao": decision,
                                                                 "fundamento": grounds, "em": now,
                                                                 "regra": "COOP-12"}]
        uow = UnitOfWork(self.settings)
        version = int(item.version or 1)
        item.data = dumps(data)
        item.version = version + 1
        uow.save(item, condition=self.store.model.version == version)
        published = None
        if act is not None:
            published = self._act({**act, "pedido": f"{origin}/{origin_id}"}, by)
            uow.save(self._act_item(published))
        try:
            uow.commit()
        except ConditionFailed:
            raise RuleError("COOP-12", "decisao", "O pedido mudou enquanto era deliberado; consulte-o e tente de "
                                                  "novo.", status=409) from None
        return data, published

    # --- register (banco de boas práticas) --------------------------------------------------------

    def _act(self, act: dict[str, Any], by: str) -> dict[str, Any]:
        return {**act, "id": act.get("id") or uuid.uuid4().hex[:12], "publicado_por": by,
                "publicado_em": self.clock().isoformat()}

    def _act_item(self, act: dict[str, Any]) -> Any:
        return self.store.item(f"ATO#{act['id']}", "ATO", "ato", act, gsi1pk="REGISTRO",
                               gsi1sk=f"{act['data']}#{act['id']}")

    def publish(self, act: dict[str, Any], by: str) -> dict[str, Any]:
        published = self._act(act, by)
        self._act_item(published).save()
        return published

    def act(self, act_id: str) -> dict[str, Any]:
        data = self.store.data(f"ATO#{act_id}", "ATO")
        if data is None:
            raise NotFound("Ato não encontrado no registro.", field="id")
        return data

    def search(self, text: str | None, kind: str | None, year: int | None, limit: int) -> list[dict[str, Any]]:
        """Newest first; ``text`` matches title, summary, parties and number ignoring case and accents.

        One Query of the register's index (restricted to the year when given) filtered in memory: the register
        holds acts by the hundreds, not millions (000 lists a few dozen).
        """
        index = self.store.model.by_gsi1
        condition = None if year is None else self.store.model.gsi1sk.startswith(f"{year:04d}-")
        needle = fold(text or "")
        out = []
        for item in index.query("REGISTRO", condition, scan_index_forward=False):
            act = json.loads(item.data)
            if kind and act.get("tipo") != kind:
                continue
            haystack = fold(" ".join(str(act.get(k) or "") for k in ("titulo", "resumo", "numero", "pedido"))
                            + " " + " ".join(act.get("partes") or []))
            if needle and not all(word in haystack for word in needle.split()):
                continue
            out.append(act)
            if len(out) >= limit:
                break
        return out
