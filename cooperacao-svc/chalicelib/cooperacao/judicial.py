"""COOP-12: judicial cooperation between courts (CNJ Res. 350/2020; 000 TRE-MG Coopera).

Requests come from partner tribunals (partner API, keyed by the partner's own ``id_origem``: a retry returns
the same request) or from internal juízos (``origem = INTERNO``). The Núcleo deliberates (who: supervisor,
coordenador, magistrado de cooperação, secretário). Acts and agreements go to a register the public searches.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

from chalicelib.cooperacao import acts
from chalicelib.cooperacao.domain.model import RuleConflict, RuleError
from chalicelib.cooperacao.ports import Audit, Clock, Cursor, JudicialRepository

from courtlib.errors import NotFound, WriteConflict

INTERNAL = "INTERNO"
NUCLEO_MEMBERS = ("supervisor", "coordenador", "magistrado_cooperacao", "secretario")
DECISIONS = ("deferido", "indeferido", "concluido")
REGISTER_PAGE_MAX = 200
# What a request's record keeps (the object's text stays in the request: up to 5000 characters, not a state).
REQUEST_FIELDS = ("situacao", "instrumento", "juizo_solicitante", "juizo_destinatario", "numero_processo", "urgente")
ACT_FIELDS = ("id", "tipo", "titulo", "numero", "data", "pedido")


def fold(text: str) -> str:
    """Lower case without accents, for the public search."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@dataclass
class JudicialService:
    repository: JudicialRepository
    clock: Clock

    # --- requests ------------------------------------------------------------------------------------

    def receive(self, origin: str, origin_id: str, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """A request from ``origin`` (partner id or INTERNO); the same ``id_origem`` again returns the first one
        (200), unless its content differs (409 COOP-12)."""
        now = self.clock().isoformat(timespec="seconds")
        body = {**data, "origem": origin, "id": origin_id, "situacao": "recebido", "recebido_em": now,
                "deliberacoes": []}
        audit = Audit(acts.JUDICIAL_RECEIVE, acts.judicial_target(origin, origin_id),
                      acts.rules(acts.JUDICIAL_RECEIVE), None, {k: body.get(k) for k in REQUEST_FIELDS})
        try:
            self.repository.add_request(origin, origin_id, body, audit)
            return body, True
        except WriteConflict:
            found = self.repository.request(origin, origin_id)
            assert found is not None  # the write failed because it exists
            existing = found[0]
            if any(existing.get(k) != v for k, v in data.items()):
                raise RuleConflict("COOP-12", "id_origem", f"O pedido {origin_id} já foi recebido com outro conteúdo; "
                                                           "use um novo id_origem.") from None
            return existing, False

    def get(self, origin: str, origin_id: str) -> dict[str, Any]:
        found = self.repository.request(origin, origin_id)
        if found is None:
            raise NotFound("Pedido de cooperação não encontrado.", field="id")
        return found[0]

    def list_of(self, origin: str, limit: int, start: Cursor | None) -> tuple[list[dict[str, Any]], Cursor | None]:
        return self.repository.requests_of(origin, limit, start)

    def list_all(self, limit: int, start: Cursor | None) -> tuple[list[dict[str, Any]], Cursor | None]:
        return self.repository.all_requests(limit, start)

    def deliberate(self, origin: str, origin_id: str, by: str, member: str, decision: str, grounds: str,
                   act: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """The Núcleo's deliberation (000 item III); a deferred request may publish its act to the register."""
        found = self.repository.request(origin, origin_id)
        if found is None:
            raise NotFound("Pedido de cooperação não encontrado.", field="id")
        data, version = found
        if data["situacao"] in ("indeferido", "concluido"):
            raise RuleConflict("COOP-12", "decisao", f"O pedido já está {data['situacao']}.")
        if act is not None and decision == "indeferido":
            raise RuleError("COOP-12", "ato", "Pedido indeferido não gera ato de cooperação no registro.")
        now = self.clock().isoformat(timespec="seconds")
        before = {"situacao": data["situacao"]}
        data["situacao"] = decision
        data["deliberacoes"] = [*data.get("deliberacoes", []), {"por": by, "membro": member, "decisao": decision,
                                                                 "fundamento": grounds, "em": now,
                                                                 "regra": "COOP-12"}]
        published = None if act is None else self._act({**act, "pedido": f"{origin}/{origin_id}"}, by)
        audit = Audit(acts.JUDICIAL_DELIBERATE, acts.judicial_target(origin, origin_id),
                      acts.rules(acts.JUDICIAL_DELIBERATE), before,
                      {"situacao": decision, "membro": member, "fundamento": grounds,
                       "ato": None if published is None else published["id"]})
        try:
            self.repository.save_deliberation(origin, origin_id, data, version, published, audit)
        except WriteConflict:
            raise RuleConflict("COOP-12", "decisao", "O pedido mudou enquanto era deliberado; consulte-o e tente de "
                                                     "novo.") from None
        return data, published

    # --- register (banco de boas práticas) --------------------------------------------------------

    def _act(self, act: dict[str, Any], by: str) -> dict[str, Any]:
        return {**act, "id": act.get("id") or uuid.uuid4().hex[:12], "publicado_por": by,
                "publicado_em": self.clock().isoformat(timespec="seconds")}

    def publish(self, act: dict[str, Any], by: str) -> dict[str, Any]:
        published = self._act(act, by)
        self.repository.put_act(published, Audit(acts.REGISTER_PUBLISH, ("ato", published["id"]),
                                                 acts.rules(acts.REGISTER_PUBLISH), None,
                                                 {k: published.get(k) for k in ACT_FIELDS}))
        return published

    def act(self, act_id: str) -> dict[str, Any]:
        data = self.repository.act(act_id)
        if data is None:
            raise NotFound("Ato não encontrado no registro.", field="id")
        return data

    def search(self, text: str | None, kind: str | None, year: int | None, limit: int) -> list[dict[str, Any]]:
        """Newest first; ``text`` matches title, summary, parties and number ignoring case and accents.

        The register's acts (of the year when given) filtered in memory: the register holds acts by the
        hundreds, not millions (000 lists a few dozen).
        """
        needle = fold(text or "")
        out = []
        for act in self.repository.acts(year):
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
