"""pagamentos-svc's items in its single table (Query only; see docs/pagamentos.md "Table").

| item | pk | sk | gsi1 | gsi2 |
|---|---|---|---|---|
| person | ``PESSOA#<id>`` | ``CADASTRO`` | ``PESSOAS`` / id | — |
| designation | ``DESIGNACAO#<id>`` | ``DESIGNACAO`` | ``DESIGNACOES#<pessoa>`` / inicio#id | ``SUBSTITUICOES_PLENAS`` / pessoa#inicio (full substitutions only) |
| fact of a month (copy per month) | ``COMP#<AAAA-MM>`` | ``<TIPO>#<id>`` | — | — |
| juízo guard + index | ``JUIZO#<juizo>`` | ``GUARDA#<tipo>`` / ``<tipo>#<inicio>#<id>`` | — | — |
| month with late facts | ``PENDENCIAS`` | ``<AAAA-MM>`` | — | — |
| parked event | ``ESTACIONADO#<event id>`` | ``EVENTO`` | ``ESTACIONADOS`` / time#id | — |
| memo header | ``MEMO#<id>`` | ``CABECALHO`` | ``MEMOS#<AAAA-MM>`` / categoria | — |
| memo line | ``MEMO#<id>`` | ``LINHA#<geração>#<chave>`` | ``ORIGEM#<categoria>#<mês>`` / memo#geração#chave | — |
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from chalicelib.pagamentos.adapters import codec
from chalicelib.pagamentos.domain.model import Line, Month, Person
from courtlib.persistence import TableItem, VersionedItem, bind
from courtlib.settings import ServiceSettings

PEOPLE = "PESSOAS"
PENDING = "PENDENCIAS"
PARKED = "ESTACIONADOS"
FULL_SUBSTITUTIONS = "SUBSTITUICOES_PLENAS"
FACT_KINDS = ("DESIG", "FERIAS", "RENUNCIA", "SESSAO", "COMPENSACAO", "COOP", "PLANTAO")


class RecordItem(TableItem):
    """Any record of this service: ``tipo`` and its JSON ``dados``."""

    tipo = UnicodeAttribute()
    dados = UnicodeAttribute()
    event_id = UnicodeAttribute(null=True)
    recorded_at = UTCDateTimeAttribute(null=True)

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.dados)


class MemoItem(VersionedItem):
    competencia = UnicodeAttribute()
    categoria = UnicodeAttribute()
    status = UnicodeAttribute()
    geracao = NumberAttribute()
    total = UnicodeAttribute()
    linhas = NumberAttribute()
    hash = UnicodeAttribute()
    gerado_em = UTCDateTimeAttribute(null=True)
    assinado_por = UnicodeAttribute(null=True)
    assinado_em = UTCDateTimeAttribute(null=True)
    enviado_por = UnicodeAttribute(null=True)
    enviado_em = UTCDateTimeAttribute(null=True)
    observacao = UnicodeAttribute(null=True)
    documentos = UnicodeAttribute(null=True)  # JSON: S3 keys and sha256 once sent


class LineItem(TableItem):
    memo = UnicodeAttribute()
    geracao = NumberAttribute()
    dados = UnicodeAttribute()

    @property
    def line(self) -> Line:
        return codec.line_from(json.loads(self.dados))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class StoredMemo:
    header: MemoItem
    lines: list[Line] = field(default_factory=list)


class PagamentosRepository:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.records = bind(RecordItem, settings)
        self.memos = bind(MemoItem, settings)
        self.line_items = bind(LineItem, settings)

    # -- items ----------------------------------------------------------------------------------

    def record(self, pk: str, sk: str, tipo: str, dados: dict[str, Any], event_id: str | None = None,
               gsi1: tuple[str, str] | None = None) -> RecordItem:
        item = self.records(pk=pk, sk=sk, tipo=tipo, dados=_json(dados), event_id=event_id, recorded_at=_now())
        if gsi1:
            item.gsi1pk, item.gsi1sk = gsi1
        return item

    def person_item(self, person: Person) -> RecordItem:
        return self.record(f"PESSOA#{person.id}", "CADASTRO", "PESSOA", codec.person_to(person),
                           gsi1=(PEOPLE, person.id))

    def fact_item(self, month: Month | str, kind: str, key: str, dados: dict[str, Any],
                  event_id: str | None = None) -> RecordItem:
        assert kind in FACT_KINDS, kind
        return self.record(f"COMP#{month}", f"{kind}#{key}", kind, dados, event_id)

    def pending_item(self, month: Month | str) -> RecordItem:
        return self.record(PENDING, str(month), "PENDENCIA", {"competencia": str(month)})

    # -- reads ------------------------------------------------------------------------------------

    def get_person(self, person_id: str) -> Person | None:
        try:
            return codec.person_from(self.records.get(f"PESSOA#{person_id}", "CADASTRO").data)
        except DoesNotExist:
            return None

    def people(self) -> dict[str, Person]:
        return {item.gsi1sk: codec.person_from(item.data) for item in self.records.by_gsi1.query(PEOPLE)}

    def month_facts(self, month: Month | str) -> dict[str, list[dict[str, Any]]]:
        """Every fact of the month, by kind: one paginated Query of ``COMP#<month>``."""
        out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FACT_KINDS}
        for item in self.records.query(f"COMP#{month}"):
            out.setdefault(item.tipo, []).append(item.data)
        return out

    def facts_of_kind(self, month: Month | str, kind: str) -> list[dict[str, Any]]:
        return [item.data for item in self.records.query(f"COMP#{month}", self.records.sk.startswith(f"{kind}#"))]

    def full_substitutions(self) -> list[dict[str, Any]]:
        """PAG-05: every full substitution (sparse gsi2 ``SUBSTITUICOES_PLENAS``): one Query for all judges."""
        return [item.data for item in self.records.by_gsi2.query(FULL_SUBSTITUTIONS)]

    def designations_of(self, person_id: str) -> list[dict[str, Any]]:
        return [item.data for item in self.records.by_gsi1.query(f"DESIGNACOES#{person_id}")]

    def get_designation(self, designation_id: str) -> dict[str, Any] | None:
        try:
            return self.records.get(f"DESIGNACAO#{designation_id}", "DESIGNACAO").data
        except DoesNotExist:
            return None

    def juizo_index(self, juizo: str, kind: str) -> tuple[list[dict[str, Any]], str | None]:
        """The designations of ``kind`` in ``juizo`` and the guard's version (one Query)."""
        entries, guard = [], None
        for item in self.records.query(f"JUIZO#{juizo}"):
            if item.sk == f"GUARDA#{kind}":
                guard = item.dados
            elif item.sk.startswith(f"{kind}#"):
                entries.append(item.data)
        return entries, guard

    def pending_months(self) -> list[str]:
        return [item.sk for item in self.records.query(PENDING)]

    def delete_pending(self, month: str) -> None:
        self.records(pk=PENDING, sk=month).delete()

    # -- parked events ------------------------------------------------------------------------------

    def parked_item(self, envelope_json: str, event_id: str, event_type: str, reason: str, code: str) -> RecordItem:
        now = _now()
        return self.record(f"ESTACIONADO#{event_id}", "EVENTO", "ESTACIONADO",
                           {"id": event_id, "tipo": event_type, "motivo": reason, "codigo": code,
                            "estacionado_em": now.isoformat(), "envelope": envelope_json},
                           event_id=event_id, gsi1=(PARKED, f"{now.isoformat()}#{event_id}"))

    def parked(self, limit: int = 200, start: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], Any]:
        result = self.records.by_gsi1.query(PARKED, limit=limit, last_evaluated_key=start)
        items = [item.data for item in result]
        return items, result.last_evaluated_key

    def get_parked(self, event_id: str) -> RecordItem | None:
        try:
            return self.records.get(f"ESTACIONADO#{event_id}", "EVENTO")
        except DoesNotExist:
            return None

    # -- memos ------------------------------------------------------------------------------------

    def all_lines(self, memo_id: str) -> list[tuple[int, Line]]:
        """(generation, line) of every line stored under the memo (the current generation and any orphan)."""
        return [(item.geracao, item.line)
                for item in self.line_items.query(f"MEMO#{memo_id}", self.line_items.sk.startswith("LINHA#"))]

    def memo(self, memo_id: str) -> StoredMemo | None:
        try:
            header = self.memos.get(f"MEMO#{memo_id}", "CABECALHO")
        except DoesNotExist:
            return None
        lines = [line for generation, line in self.all_lines(memo_id) if generation == header.geracao]
        return StoredMemo(header, lines)

    def memo_headers_of_month(self, month: Month | str) -> dict[str, MemoItem]:
        return {item.categoria: item for item in self.memos.by_gsi1.query(f"MEMOS#{month}")}

    def lines_from(self, category: str, origin: Month | str) -> list[tuple[str, int, Line]]:
        """(memo id, generation, line) of every stored line that refers to ``origin`` (any memo, any generation)."""
        return [(item.memo, item.geracao, item.line)
                for item in self.line_items.by_gsi1.query(f"ORIGEM#{category}#{origin}")]

    def write_generation(self, memo_id: str, category: str, generation: int, lines: Iterable[Line]) -> None:
        with self.line_items.batch_write() as batch:
            for line in lines:
                batch.save(self.line_items(
                    pk=f"MEMO#{memo_id}", sk=f"LINHA#{generation:06d}#{line.chave}",
                    gsi1pk=f"ORIGEM#{category}#{line.competencia_origem}",
                    gsi1sk=f"{memo_id}#{generation:06d}#{line.chave}",
                    memo=memo_id, geracao=generation, dados=_json(codec.line_to(line))))

    def delete_lines(self, memo_id: str, lines: Iterable[tuple[int, Line]]) -> None:
        with self.line_items.batch_write() as batch:
            for generation, line in lines:
                batch.delete(self.line_items(pk=f"MEMO#{memo_id}", sk=f"LINHA#{generation:06d}#{line.chave}"))

    def new_header(self, memo_id: str, month: Month, category: str) -> MemoItem:
        return self.memos(pk=f"MEMO#{memo_id}", sk="CABECALHO", gsi1pk=f"MEMOS#{month}", gsi1sk=category,
                          competencia=str(month),
                          categoria=category, status="rascunho", geracao=0, total="0.00", linhas=0, hash="")

    def batch_save(self, items: Iterable[Any]) -> None:
        with self.records.batch_write() as batch:
            for item in items:
                batch.save(item)
