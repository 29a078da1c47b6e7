"""Read-only use cases of pagamentos-svc: registrations, designations, parked events, memos and their documents.

They go through the :class:`chalicelib.pagamentos.ports.Repository` port only and never write.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from chalicelib.pagamentos import codec
from chalicelib.pagamentos.domain.memos import StoredMemo, memo_id, render_csv, split_memo_id, total
from chalicelib.pagamentos.domain.model import Month
from chalicelib.pagamentos.domain.rules import CATEGORIES, TITLES
from chalicelib.pagamentos.ports import PdfRenderer, Repository

from courtlib.config import TribunalConfig
from courtlib.csvexport import BR, CsvFormat
from courtlib.errors import NotFound
from courtlib.runs import DONE, RunRequest


def find_memo(repository: Repository, the_id: str) -> StoredMemo:
    """The memo ``<AAAA-MM>-<categoria>`` with its current lines (404 if unknown or not generated yet)."""
    month, category = split_memo_id(the_id)
    stored = repository.memo(month, category)
    if stored is None:
        raise NotFound(f"memorando {the_id} ainda não gerado.")
    return stored


def memo_document(stored: StoredMemo) -> dict[str, Any]:
    """The memo as JSON: the HTTP answer and the document sent to DIMAG."""
    h = stored.header
    rows = sorted(stored.lines, key=lambda line: (line.adjustment, line.name, line.key))
    return {
        "id": h.id, "competencia": h.month, "categoria": h.category,
        "regra": CATEGORIES[h.category], "titulo": TITLES[h.category], "status": h.status,
        "numero": h.label,
        "geracao": h.generation, "total": str(total(rows)), "quantidade_linhas": len(rows),
        "assinado_por": h.signed_by, "assinado_em": h.signed_at.isoformat() if h.signed_at else None,
        "enviado_por": h.sent_by, "enviado_em": h.sent_at.isoformat() if h.sent_at else None,
        "observacao": h.note, "editado_por": h.edited_by,
        "editado_em": h.edited_at.isoformat() if h.edited_at else None,
        "documentos": h.documents,
        "linhas": [codec.line_to(line) for line in rows],
    }


def memo_csv(stored: StoredMemo, fmt: CsvFormat = BR) -> str:
    h = stored.header
    return render_csv(h.id, h.month, h.category, stored.lines, number=h.label or "", fmt=fmt)


def memo_pdf(stored: StoredMemo, config: TribunalConfig, render: PdfRenderer, clock: Callable[[], datetime]) -> bytes:
    h = stored.header
    presidencia = config.presidencia
    return render(tribunal=config.nome, memo_id=h.id, month=h.month, category=h.category, status=h.status,
                  lines=stored.lines, generated_at=h.generated_at or clock(), signed_by=h.signed_by,
                  signed_at=h.signed_at, number=h.label, signatory=(presidencia.nome, presidencia.cargo),
                  place=config.capital.nome, note=h.note)


class PagamentosQueries:
    def __init__(self, repository: Repository, config: TribunalConfig, render_pdf: PdfRenderer,
                 clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.config = config
        self.render_pdf = render_pdf
        self.clock = clock

    # -- people and designations -------------------------------------------------------------------

    def person(self, person_id: str) -> dict[str, Any]:
        person = self.repository.get_person(person_id)
        if person is None:
            raise NotFound("Pessoa não cadastrada.")
        return codec.person_to(person)

    def people_page(self, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
        people, last = self.repository.people_page(limit, start)
        return [codec.person_to(person) for person in people], last

    def designation(self, designation_id: str) -> dict[str, Any]:
        found = self.repository.get_designation(designation_id)
        if found is None:
            raise NotFound("Designação não encontrada.")
        return found

    def designations_of(self, person_id: str) -> list[dict[str, Any]]:
        return self.repository.designations_of(person_id)

    def duties(self, month: str) -> list[dict[str, Any]]:
        """Plantões served in the month, as plantao-svc published them (kept as a record)."""
        return self.repository.facts_of_kind(month, "PLANTAO")

    def parked(self, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
        items, last = self.repository.parked(limit, start)
        return [{**{k: v for k, v in item.items() if k != "envelope"}, "evento": json.loads(item["envelope"])}
                for item in items], last

    # -- memos ------------------------------------------------------------------------------------

    def memo(self, the_id: str) -> StoredMemo:
        return find_memo(self.repository, the_id)

    def document(self, the_id: str) -> dict[str, Any]:
        return memo_document(self.memo(the_id))

    def csv(self, the_id: str, fmt: CsvFormat = BR) -> str:
        return memo_csv(self.memo(the_id), fmt)

    def pdf(self, the_id: str) -> bytes:
        return memo_pdf(self.memo(the_id), self.config, self.render_pdf, self.clock)

    def require_memo_id(self, the_id: str) -> None:
        """404 unless ``the_id`` names a memo (``<AAAA-MM>-<categoria>``), generated or not: its history may
        be read (empty before the first run)."""
        split_memo_id(the_id)

    def run_status(self, month_text: str) -> dict[str, Any]:
        """PAG-01 by hand: the situation of ``month``'s last run request (``courtlib.runs``); a month run only by
        the schedule answers ``concluida``; a month never run nor requested, 404."""
        month = Month.parse(month_text)
        found = self.repository.run_request(month)
        if found is not None:
            return RunRequest.from_dict(found).status()
        mark = self.repository.run_mark(month)
        if mark.state is None:
            raise NotFound("Execução deste mês nunca solicitada.", field="competencia")
        outcome = mark.outcome or {}  # a mark written before the outcome was kept says only that it ran
        return {"competencia": str(month), "situacao": DONE, "solicitado_por": "agendamento", "solicitado_em": None,
                "iniciado_em": None, "concluido_em": outcome.get("concluido_em"), "resumo": outcome.get("resumo"),
                "execucao": None}

    def summary(self, month_text: str) -> dict[str, Any]:
        """The nine memos of a month (``AAAA-MM``) with status, lines and total, and the grand total."""
        month = Month.parse(month_text)
        headers = self.repository.memo_headers_of_month(month)
        memos: list[dict[str, Any]] = [
            {"id": memo_id(month, c), "categoria": c, "regra": CATEGORIES[c], "titulo": TITLES[c],
             "status": headers[c].status if c in headers else "nao_gerado",
             "numero": headers[c].label if c in headers else None,
             "linhas": headers[c].line_count if c in headers else 0,
             "total": headers[c].total if c in headers else "0.00"} for c in CATEGORIES]
        return {"competencia": str(month), "memorandos": memos,
                "total_geral": str(sum((Decimal(m["total"]) for m in memos), Decimal("0.00")))}
