"""pagamentos-svc's items in its single table (Query only; see docs/pagamentos.md "Table").

| item | pk | sk | gsi1 |
|---|---|---|---|
| person | ``PESSOAS`` | ``<id>`` | — |
| designation | ``DESIGNACAO#<id>`` | ``DESIGNACAO`` | ``DESIGNACOES#<pessoa>`` / inicio#id |
| full substitution (PAG-05 index) | ``SUBSTITUICOES_PLENAS`` | ``<pessoa>#<inicio>#<id>`` | — |
| fact of a month (copy per month) | ``COMP#<AAAA-MM>`` | ``<TIPO>#<id>`` | — |
| juízo guard + index | ``JUIZO#<juizo>`` | ``GUARDA#<tipo>`` / ``<tipo>#<inicio>#<id>`` | — |
| month with late facts | ``PENDENCIAS`` | ``<AAAA-MM>`` | — |
| where a month's adjustments go | ``ALOCACAO#<categoria>`` | ``<AAAA-MM>`` (origin) | — |
| parked event | ``ESTACIONADO#<event id>`` | ``EVENTO`` | ``ESTACIONADOS`` / time#id |
| memo header (versioned) | ``MEMOS#<AAAA-MM>`` | ``<categoria>`` | — |
| last memo number of a division and year | ``NUMERACAO#MEMORANDO#<divisão>`` | ``<ano>`` | — |
| memo lines (up to 200 per item) | ``MEMO#<id>`` | ``LINHAS#<geração>#<bloco>`` | — |
| adjustment line by origin | ``ORIGEM#<categoria>#<AAAA-MM>`` | ``<memo>#<geração>#<chave>`` | — |

Everything a monthly run reads is a Query of one partition of the table (no index): people, the month's
facts, the absences, the memo headers of a month, a memo's lines, the adjustments that refer to a month.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.pagamentos.adapters import codec
from chalicelib.pagamentos.domain.model import Line, Month, Person
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from courtlib import clock
from courtlib.persistence import TableItem, VersionedItem, bind
from courtlib.settings import ServiceSettings

PEOPLE = "PESSOAS"
CHUNK = 200  # lines per item (~300 bytes each: far below the 400 KB item limit)
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
    numero = NumberAttribute(null=True)  # PAG-11: given at signature, per division and year
    numero_ano = NumberAttribute(null=True)
    numero_divisao = UnicodeAttribute(null=True)


class LineChunkItem(TableItem):
    memo = UnicodeAttribute()
    geracao = NumberAttribute()
    dados = UnicodeAttribute()  # JSON list of lines

    @property
    def lines(self) -> list[Line]:
        return [codec.line_from(d) for d in json.loads(self.dados)]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _now() -> datetime:
    return clock.now()


@dataclass
class StoredMemo:
    header: MemoItem
    lines: list[Line] = field(default_factory=list)


class PagamentosRepository:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.records = bind(RecordItem, settings)
        self.memos = bind(MemoItem, settings)
        self.chunks = bind(LineChunkItem, settings)

    # -- items ----------------------------------------------------------------------------------

    def record(self, pk: str, sk: str, tipo: str, dados: dict[str, Any], event_id: str | None = None,
               gsi1: tuple[str, str] | None = None) -> RecordItem:
        item = self.records(pk=pk, sk=sk, tipo=tipo, dados=_json(dados), event_id=event_id, recorded_at=_now())
        if gsi1:
            item.gsi1pk, item.gsi1sk = gsi1
        return item

    def memo_counter(self, division: str, year: int) -> tuple[RecordItem | None, int]:
        """PAG-11: the counter item of (division, year) as read (``None`` before the first memo) and its last
        number (0 before the first)."""
        try:
            item = self.records.get(f"NUMERACAO#MEMORANDO#{division}", str(year), consistent_read=True)
        except DoesNotExist:
            return None, 0
        return item, int(item.data["ultimo"])

    def memo_counter_item(self, division: str, year: int, last: int) -> RecordItem:
        return self.record(f"NUMERACAO#MEMORANDO#{division}", str(year), "NUMERACAO", {"ultimo": last})

    def person_item(self, person: Person) -> RecordItem:
        return self.record(PEOPLE, person.id, "PESSOA", codec.person_to(person))

    def fact_item(self, month: Month | str, kind: str, key: str, dados: dict[str, Any],
                  event_id: str | None = None) -> RecordItem:
        assert kind in FACT_KINDS, kind
        return self.record(f"COMP#{month}", f"{kind}#{key}", kind, dados, event_id)

    def pending_item(self, month: Month | str) -> RecordItem:
        return self.record(PENDING, str(month), "PENDENCIA", {"competencia": str(month)})

    # -- reads ------------------------------------------------------------------------------------

    def get_person(self, person_id: str) -> Person | None:
        try:
            return codec.person_from(self.records.get(PEOPLE, person_id).data)
        except DoesNotExist:
            return None

    def people_page(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Person], Any]:
        """One page of the people in id order (partition ``PESSOAS``) and DynamoDB's LastEvaluatedKey."""
        result = self.records.query(PEOPLE, limit=limit, last_evaluated_key=start)
        return [codec.person_from(item.data) for item in result], result.last_evaluated_key

    def people(self) -> dict[str, Person]:
        return {item.sk: codec.person_from(item.data) for item in self.records.query(PEOPLE)}

    def month_facts(self, month: Month | str) -> dict[str, list[dict[str, Any]]]:
        """Every fact of the month, by kind: one paginated Query of ``COMP#<month>``."""
        out: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FACT_KINDS}
        for item in self.records.query(f"COMP#{month}"):
            out.setdefault(item.tipo, []).append(item.data)
        return out

    def facts_of_kind(self, month: Month | str, kind: str) -> list[dict[str, Any]]:
        return [item.data for item in self.records.query(f"COMP#{month}", self.records.sk.startswith(f"{kind}#"))]

    def full_substitutions(self) -> list[dict[str, Any]]:
        """PAG-05: every full substitution (partition ``SUBSTITUICOES_PLENAS``): one Query for all judges."""
        return [item.data for item in self.records.query(FULL_SUBSTITUTIONS)]

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

    def allocation(self, category: str, origin: Month | str) -> str | None:
        """PAG-10: the month whose memo of ``category`` carries the adjustments of ``origin`` (None: none yet)."""
        try:
            return self.records.get(f"ALOCACAO#{category}", str(origin)).data["competencia"]
        except DoesNotExist:
            return None

    def allocate(self, category: str, origin: Month | str, month: str, expected: str | None) -> None:
        """Points ``origin``'s adjustments of ``category`` to ``month``, if nobody moved them since (else raises)."""
        item = self.record(f"ALOCACAO#{category}", str(origin), "ALOCACAO", {"competencia": month})
        model = self.records
        if expected is None:
            item.save(condition=model.pk.does_not_exist())
        else:
            item.save(condition=model.dados == _json({"competencia": expected}))

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

    def header(self, month: Month | str, category: str) -> MemoItem | None:
        try:
            return self.memos.get(f"MEMOS#{month}", category)
        except DoesNotExist:
            return None

    def generations(self, memo_id: str) -> dict[int, list[tuple[str, list[Line]]]]:
        """Per generation, the (sort key, lines) of each stored chunk: the current one and any orphan."""
        out: dict[int, list[tuple[str, list[Line]]]] = {}
        for item in self.chunks.query(f"MEMO#{memo_id}", self.chunks.sk.startswith("LINHAS#")):
            out.setdefault(int(item.geracao), []).append((item.sk, item.lines))
        return out

    def memo(self, month: Month | str, category: str, memo_id: str) -> StoredMemo | None:
        header = self.header(month, category)
        if header is None:
            return None
        chunks = self.generations(memo_id).get(int(header.geracao), [])
        return StoredMemo(header, [line for _, lines in chunks for line in lines])

    def memo_headers_of_month(self, month: Month | str) -> dict[str, MemoItem]:
        return {item.sk: item for item in self.memos.query(f"MEMOS#{month}")}

    def lines_from(self, category: str, origin: Month | str) -> list[tuple[str, int, Line]]:
        """(memo id, generation, line) of every adjustment line stored for ``origin`` (any memo, any generation)."""
        return [(item.data["memo"], int(item.data["geracao"]), codec.line_from(item.data["linha"]))
                for item in self.records.query(f"ORIGEM#{category}#{origin}")]

    def write_generation(self, memo_id: str, category: str, generation: int, lines: list[Line]) -> None:
        ordered = sorted(lines, key=lambda l: l.chave)
        with self.chunks.batch_write() as batch:
            for index in range(0, max(len(ordered), 1), CHUNK):
                part = ordered[index:index + CHUNK]
                batch.save(self.chunks(pk=f"MEMO#{memo_id}", sk=f"LINHAS#{generation:06d}#{index // CHUNK:05d}",
                                       memo=memo_id, geracao=generation,
                                       dados=_json([codec.line_to(line) for line in part])))
        adjustments = [line for line in ordered if line.ajuste]
        if adjustments:
            self.batch_save(self._origin_item(memo_id, category, generation, line) for line in adjustments)

    def _origin_item(self, memo_id: str, category: str, generation: int, line: Line) -> RecordItem:
        return self.record(f"ORIGEM#{category}#{line.competencia_origem}", f"{memo_id}#{generation:06d}#{line.chave}",
                           "ORIGEM", {"memo": memo_id, "geracao": generation, "linha": codec.line_to(line)})

    def delete_generations(self, memo_id: str, category: str,
                           generations: dict[int, list[tuple[str, list[Line]]]]) -> None:
        with self.chunks.batch_write() as batch:
            for generation, chunks in generations.items():
                for sk, lines in chunks:
                    batch.delete(self.chunks(pk=f"MEMO#{memo_id}", sk=sk))
                    for line in lines:
                        if line.ajuste:
                            batch.delete(self._origin_item(memo_id, category, generation, line))

    def new_header(self, memo_id: str, month: Month, category: str) -> MemoItem:
        return self.memos(pk=f"MEMOS#{month}", sk=category, competencia=str(month), categoria=category,
                          status="rascunho", geracao=0, total="0.00", linhas=0, hash="")

    def batch_save(self, items: Iterable[Any]) -> None:
        with self.records.batch_write() as batch:
            for item in items:
                batch.save(item)
