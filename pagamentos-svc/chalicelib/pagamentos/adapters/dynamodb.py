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
| the last recorded run of a month (PAG-01) | ``EXECUCAO#<AAAA-MM>`` | ``EXECUCAO`` | — |
| a bulk import done | ``IMPORTACAO#<id>`` | ``IMPORTACAO`` | — |
| memo lines (up to 200 per item) | ``MEMO#<id>`` | ``LINHAS#<geração>#<bloco>`` | — |
| adjustment line by origin | ``ORIGEM#<categoria>#<AAAA-MM>`` | ``<memo>#<geração>#<chave>`` | — |

Everything a monthly run reads is a Query of one partition of the table (no index): people, the month's
facts, the absences, the memo headers of a month, a memo's lines, the adjustments that refer to a month.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from chalicelib.pagamentos import codec
from chalicelib.pagamentos.adapters.absences import AbsenceRepository
from chalicelib.pagamentos.domain.memos import MemoHeader, StoredMemo
from chalicelib.pagamentos.domain.model import Designation, Line, Month, MonthData, Person
from chalicelib.pagamentos.domain.run import RunSnapshot, StoredLine
from chalicelib.pagamentos.ports import CounterRead, RunMark
from chalicelib.pagamentos.snapshot import load_run_snapshot
from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition

from courtlib import clock
from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import Envelope, MagistrateAbsenceRegistered
from courtlib.messaging.outbox import ConditionFailed
from courtlib.messaging.outbox import UnitOfWork as OutboxUnitOfWork
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
        data: dict[str, Any] = json.loads(self.dados)
        return data


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
    editado_por = UnicodeAttribute(null=True)  # the last note's editor (every version is in the audit trail)
    editado_em = UTCDateTimeAttribute(null=True)
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


class RunMarkRead(NamedTuple):
    """PAG-01: the last recorded run of a month as read (``state`` None before any; ``data`` the mark as stored,
    which the next mark's condition compares whole)."""

    state: str | None
    data: dict[str, Any] | None = None

    @property
    def outcome(self) -> dict[str, Any] | None:
        if not self.data or "concluido_em" not in self.data:
            return None
        return {"concluido_em": self.data["concluido_em"], "resumo": self.data.get("resumo")}


class MemoCounter(NamedTuple):
    """PAG-11: a division's memo numbering in a year as read: whether it exists and its last number (0 before
    the first memo)."""

    exists: bool
    last: int


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _now() -> datetime:
    return clock.now()


def header_from(item: MemoItem) -> MemoHeader:
    return MemoHeader(
        month=item.competencia, category=item.categoria, status=item.status, generation=int(item.geracao),
        total=item.total, line_count=int(item.linhas), hash=item.hash, generated_at=item.gerado_em,
        signed_by=item.assinado_por, signed_at=item.assinado_em, sent_by=item.enviado_por, sent_at=item.enviado_em,
        note=item.observacao, edited_by=item.editado_por, edited_at=item.editado_em,
        documents=json.loads(item.documentos) if item.documentos else None,
        number=None if item.numero is None else int(item.numero),
        number_year=None if item.numero_ano is None else int(item.numero_ano),
        number_division=item.numero_divisao, version=None if item.version is None else int(item.version))


class PagamentosRepository:
    """The :class:`chalicelib.pagamentos.ports.Repository` of pagamentos-svc on its DynamoDB table."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.records = bind(RecordItem, settings)
        self.memos = bind(MemoItem, settings)
        self.chunks = bind(LineChunkItem, settings)
        self.absences = AbsenceRepository(settings)

    def unit_of_work(self, joining: Any = None) -> DynamoUnitOfWork:
        """A transaction of this table; ``joining``: the consumer's transaction (inbox marker, outbox) to add to."""
        return DynamoUnitOfWork(self, joining)

    # -- items ----------------------------------------------------------------------------------

    def record(self, pk: str, sk: str, tipo: str, dados: dict[str, Any], event_id: str | None = None,
               gsi1: tuple[str, str] | None = None) -> RecordItem:
        item = self.records(pk=pk, sk=sk, tipo=tipo, dados=_json(dados), event_id=event_id, recorded_at=_now())
        if gsi1:
            item.gsi1pk, item.gsi1sk = gsi1
        return item

    def memo_item(self, header: MemoHeader) -> MemoItem:
        """The header as an item whose save is conditional on the version it was read at."""
        item = self.memos(
            pk=f"MEMOS#{header.month}", sk=header.category, competencia=header.month, categoria=header.category,
            status=header.status, geracao=header.generation, total=header.total, linhas=header.line_count,
            hash=header.hash, gerado_em=header.generated_at, assinado_por=header.signed_by,
            assinado_em=header.signed_at, enviado_por=header.sent_by, enviado_em=header.sent_at,
            observacao=header.note, editado_por=header.edited_by, editado_em=header.edited_at,
            documentos=json.dumps(header.documents) if header.documents else None,
            numero=header.number, numero_ano=header.number_year, numero_divisao=header.number_division,
            updated_at=_now())
        if header.version is not None:
            item.version = header.version
        return item

    def memo_counter(self, division: str, year: int) -> MemoCounter:
        """PAG-11: the counter of (division, year) as read (consistent read)."""
        try:
            item = self.records.get(f"NUMERACAO#MEMORANDO#{division}", str(year), consistent_read=True)
        except DoesNotExist:
            return MemoCounter(False, 0)
        return MemoCounter(True, int(item.data["ultimo"]))

    def run_request(self, month: Month | str) -> dict[str, Any] | None:
        try:
            return self.records.get(f"EXECUCAO#{month}", "SOLICITACAO", consistent_read=True).data
        except DoesNotExist:
            return None

    def run_mark(self, month: Month | str) -> RunMarkRead:
        """PAG-01: the mark of the last recorded run of ``month`` (consistent read)."""
        try:
            item = self.records.get(f"EXECUCAO#{month}", "EXECUCAO", consistent_read=True)
        except DoesNotExist:
            return RunMarkRead(None)
        data = item.data
        return RunMarkRead(data["estado"], data)

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

    def save_people(self, people: Iterable[Person]) -> None:
        self.batch_save(self.person_item(p) for p in people)

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

    def month_data(self, month: Month, people: dict[str, Person]) -> MonthData:
        """What the rules read for ``month``: its facts (one Query), the absences (one Query) and, for the judges
        on vacation, their full substitutions (PAG-05, one Query for all, only if someone is on vacation)."""
        facts = self.month_facts(month)
        data = MonthData(
            month=month, people=people,
            designations=[codec.designation_from(d) for d in facts["DESIG"]],
            vacations=[codec.vacation_from(d) for d in facts["FERIAS"]],
            renounced=[codec.renounced_from(d) for d in facts["RENUNCIA"]],
            compensations=[codec.compensation_from(d) for d in facts["COMPENSACAO"]],
            sessions=[codec.session_from(d) for d in facts["SESSAO"]],
            cooperation=[codec.cooperation_from(d) for d in facts["COOP"]],
            absences=self.absences.overlapping_absences(month.first, month.last),
        )
        on_vacation = {v.person for v in data.vacations if v.person in people and people[v.person].cargo == "juiz"}
        if on_vacation:
            for d in self.full_substitutions():
                if d["pessoa"] in on_vacation:
                    data.full_substitutions.setdefault(d["pessoa"], []).append(codec.designation_from(d))
        return data

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
            month: str = self.records.get(f"ALOCACAO#{category}", str(origin)).data["competencia"]
        except DoesNotExist:
            return None
        return month

    def allocate(self, category: str, origin: Month | str, month: str, expected: str | None) -> None:
        """Points ``origin``'s adjustments of ``category`` to ``month`` if nobody moved them since (else
        :class:`WriteConflict`)."""
        item = self.record(f"ALOCACAO#{category}", str(origin), "ALOCACAO", {"competencia": month})
        model = self.records
        condition = model.pk.does_not_exist() if expected is None else model.dados == _json({"competencia": expected})
        try:
            item.save(condition=condition)
        except PutError as error:
            raise WriteConflict() from error

    def pending_months(self) -> list[str]:
        return [item.sk for item in self.records.query(PENDING)]

    def delete_pending(self, months: Iterable[str]) -> None:
        with self.records.batch_write() as batch:
            for month in months:
                batch.delete(self.records(pk=PENDING, sk=month))

    def run_snapshot(self, month: Month) -> RunSnapshot:
        return load_run_snapshot(self, month)

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

    def get_parked(self, event_id: str) -> dict[str, Any] | None:
        """The parked event's record (``envelope``: the event as JSON), or None."""
        try:
            return self.records.get(f"ESTACIONADO#{event_id}", "EVENTO").data
        except DoesNotExist:
            return None

    # -- memos ------------------------------------------------------------------------------------

    def header(self, month: Month | str, category: str) -> MemoHeader | None:
        try:
            return header_from(self.memos.get(f"MEMOS#{month}", category))
        except DoesNotExist:
            return None

    def generations(self, memo_id: str) -> dict[int, list[tuple[str, list[Line]]]]:
        """Per generation, the (sort key, lines) of each stored chunk: the current one and any orphan."""
        out: dict[int, list[tuple[str, list[Line]]]] = {}
        for item in self.chunks.query(f"MEMO#{memo_id}", self.chunks.sk.startswith("LINHAS#")):
            out.setdefault(int(item.geracao), []).append((item.sk, item.lines))
        return out

    def lines_of(self, memo_id: str, generation: int) -> list[Line]:
        prefix = f"LINHAS#{generation:06d}#"
        return [line for item in self.chunks.query(f"MEMO#{memo_id}", self.chunks.sk.startswith(prefix))
                for line in item.lines]

    def memo(self, month: Month | str, category: str) -> StoredMemo | None:
        header = self.header(month, category)
        if header is None:
            return None
        return StoredMemo(header, self.lines_of(header.id, header.generation))

    def memo_headers_of_month(self, month: Month | str) -> dict[str, MemoHeader]:
        return {item.sk: header_from(item) for item in self.memos.query(f"MEMOS#{month}")}

    def lines_from(self, category: str, origin: Month | str) -> list[StoredLine]:
        """Every adjustment line stored for ``origin`` (any memo, any generation)."""
        return [StoredLine(item.data["memo"], int(item.data["geracao"]), codec.line_from(item.data["linha"]))
                for item in self.records.query(f"ORIGEM#{category}#{origin}")]

    def save_header(self, header: MemoHeader) -> MemoHeader:
        """Writes ``header`` if its stored version is still the one it was read at (else :class:`WriteConflict`)."""
        item = self.memo_item(header)
        try:
            item.save()
        except (PutError, UpdateError) as error:
            raise WriteConflict() from error
        return replace(header, version=int(item.version))

    def publish_generation(self, draft: MemoHeader, lines: list[Line], at: datetime) -> MemoHeader:
        """Writes ``lines`` as a new generation of the draft, then flips its header to it (conditional on the
        version read). If the header moved meanwhile (signed, rebuilt), the new generation is removed and
        :class:`WriteConflict` raised; otherwise the previous generations (and orphans of a run that stopped
        before its flip) go."""
        the_id, category = draft.id, draft.category
        stored = self.generations(the_id)
        generation = max([draft.generation, *stored]) + 1
        self.write_generation(the_id, category, generation, lines)
        try:
            current = self.save_header(draft.regenerated(lines, generation, at))
        except WriteConflict:
            self.delete_generations(the_id, category, {generation: self.generations(the_id).get(generation, [])})
            raise
        self.delete_generations(the_id, category, stored)
        return current

    def write_generation(self, memo_id: str, category: str, generation: int, lines: list[Line]) -> None:
        ordered = sorted(lines, key=lambda line: line.key)
        with self.chunks.batch_write() as batch:
            for index in range(0, max(len(ordered), 1), CHUNK):
                part = ordered[index:index + CHUNK]
                batch.save(self.chunks(pk=f"MEMO#{memo_id}", sk=f"LINHAS#{generation:06d}#{index // CHUNK:05d}",
                                       memo=memo_id, geracao=generation,
                                       dados=_json([codec.line_to(line) for line in part])))
        adjustments = [line for line in ordered if line.adjustment]
        if adjustments:
            self.batch_save(self._origin_item(memo_id, category, generation, line) for line in adjustments)

    def _origin_item(self, memo_id: str, category: str, generation: int, line: Line) -> RecordItem:
        return self.record(f"ORIGEM#{category}#{line.origin_month}", f"{memo_id}#{generation:06d}#{line.key}",
                           "ORIGEM", {"memo": memo_id, "geracao": generation, "linha": codec.line_to(line)})

    def delete_generations(self, memo_id: str, category: str,
                           generations: dict[int, list[tuple[str, list[Line]]]]) -> None:
        with self.chunks.batch_write() as batch:
            for generation, chunks in generations.items():
                for sk, lines in chunks:
                    batch.delete(self.chunks(pk=f"MEMO#{memo_id}", sk=sk))
                    for line in lines:
                        if line.adjustment:
                            batch.delete(self._origin_item(memo_id, category, generation, line))

    def batch_save(self, items: Iterable[Any]) -> None:
        with self.records.batch_write() as batch:
            for item in items:
                batch.save(item)


class DynamoUnitOfWork:
    """The :class:`chalicelib.pagamentos.ports.UnitOfWork` on one TransactWriteItems (courtlib's outbox unit of
    work): every write of a use case, with the conditions that keep it right under concurrency."""

    def __init__(self, repository: PagamentosRepository, joining: OutboxUnitOfWork | None = None) -> None:
        self._repo = repository
        self._uow = joining if joining is not None else OutboxUnitOfWork(repository.settings)

    def _save(self, item: Any, condition: Condition | None = None) -> None:
        self._uow.save(item, condition)

    def add_designation(self, designation: Designation, body: dict[str, Any], juizo_version: str | None) -> None:
        """The designation (new), its juízo's index entry and guard (conditional on the version read, so two
        overlapping designations never both pass) and, for a full substitution, the PAG-05 index entry."""
        d, repo, model = designation, self._repo, self._repo.records
        start = d.period.start.isoformat()
        self._save(repo.record(f"DESIGNACAO#{d.id}", "DESIGNACAO", "DESIGNACAO", body,
                               gsi1=(f"DESIGNACOES#{d.person}", f"{start}#{d.id}")), model.pk.does_not_exist())
        guard = repo.record(f"JUIZO#{d.juizo}", f"GUARDA#{d.kind}", "GUARDA", {"v": 0})
        guard.dados = str(int(juizo_version or "0") + 1)
        self._save(guard, model.pk.does_not_exist() if juizo_version is None else model.dados == juizo_version)
        self._save(repo.record(f"JUIZO#{d.juizo}", f"{d.kind}#{start}#{d.id}", "INDICE",
                               {"id": d.id, "pessoa": d.person, "inicio": start, "fim": d.period.end.isoformat()}))
        if d.kind == "substituicao" and d.plena:  # PAG-05: the full substitutions, one partition for all
            self._save(repo.record(FULL_SUBSTITUTIONS, f"{d.person}#{start}#{d.id}", "SUBSTITUICAO", body))

    def add_fact(self, month: Month | str, kind: str, key: str, body: dict[str, Any],
                 event_id: str | None = None) -> None:
        self._save(self._repo.fact_item(month, kind, key, body, event_id))

    def mark_pending(self, month: Month | str) -> None:
        self._save(self._repo.pending_item(month))

    def record_absence(self, absence: MagistrateAbsenceRegistered, event_id: str) -> None:
        self._save(self._repo.absences.item(absence, event_id))

    def park(self, envelope_json: str, event_id: str, event_type: str, reason: str, code: str) -> None:
        self._save(self._repo.parked_item(envelope_json, event_id, event_type, reason, code))

    def unpark(self, event_id: str) -> None:
        model = self._repo.records
        self._uow.delete(model(pk=f"ESTACIONADO#{event_id}", sk="EVENTO"), model.pk.exists())

    def set_memo_counter(self, division: str, year: int, read: CounterRead, last: int) -> None:
        model = self._repo.records
        condition = model.dados == _json({"ultimo": read.last}) if read.exists else model.pk.does_not_exist()
        self._save(self._repo.memo_counter_item(division, year, last), condition)

    def save_header(self, header: MemoHeader) -> None:
        self._save(self._repo.memo_item(header))  # conditional on the version read (VersionedItem)

    def save_person(self, person: Person, read: dict[str, Any] | None) -> None:
        model = self._repo.records
        self._save(self._repo.person_item(person),
                   model.pk.does_not_exist() if read is None else model.dados == _json(read))

    def mark_run(self, month: Month | str, read: RunMark, state: str, outcome: dict[str, Any]) -> None:
        model = self._repo.records
        item = self._repo.record(f"EXECUCAO#{month}", "EXECUCAO", "EXECUCAO",
                                 {"competencia": str(month), "estado": state, **outcome})
        condition = model.pk.does_not_exist() if read.data is None else model.dados == _json(read.data)
        self._save(item, condition)

    def put_run_request(self, month: Month | str, request: Mapping[str, Any],
                        read: Mapping[str, Any] | None) -> None:
        model = self._repo.records
        item = self._repo.record(f"EXECUCAO#{month}", "SOLICITACAO", "SOLICITACAO_EXECUCAO", dict(request))
        self._save(item, model.pk.does_not_exist() if read is None else model.dados == _json(read))

    def emit(self, event: Envelope) -> None:
        self._uow.emit(event)

    def mark_import(self, import_id: str, summary: dict[str, Any]) -> None:
        self._save(self._repo.record(f"IMPORTACAO#{import_id}", "IMPORTACAO", "IMPORTACAO", summary))

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        self._uow.audit(act, target, rules=rules, before=before, after=after)

    def commit(self) -> None:
        """All or nothing; a failed condition → :class:`WriteConflict` (nothing written)."""
        try:
            self._uow.commit()
        except ConditionFailed as error:
            raise WriteConflict() from error

