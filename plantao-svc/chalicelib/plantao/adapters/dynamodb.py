"""PynamoDB storage of plantao-svc in the service's single table.

| item | pk | sk | notes |
|---|---|---|---|
| reference snapshot head | ``REF`` | ``CABECA`` | ``version``, number of chunks (``last``) |
| reference snapshot chunk | ``REF`` | ``LOTE#<nnn>`` | ≤ 300 KB of ``[tipo, dado]`` rows (every kind of datum) |
| night-scale candidacy | ``EDITAL#<ano>-<q>`` | ``CANDIDATO#<magistrado>`` | PLAN-01 noturno |
| rotation positions of a kind | ``ROTACAO`` | ``<tipo>`` | ``data`` {mes, posicoes}; ``version`` (PLAN-02) |
| scale of a month and kind | ``ESCALA#<aaaa-mm>`` | ``<tipo>`` | JSON, ``status``, ``version``; gsi1 ``ESCALAS`` |
| portaria counter | ``PORTARIA#<serie>#<ano>`` | ``CONTADOR`` | ``last`` (PLAN-04) |
| portaria | ``PORTARIA#<serie>#<ano>`` | ``<número, 5 dígitos>`` | scale, reason, S3 keys, ``documento``, content |
| notice sent | ``AVISO#<serie>#<ano>#<nnnnn>`` | ``<magistrado>`` | written once, after SES accepted it |
| swap request | ``PERMUTA#<id>`` | ``PERMUTA`` | ``status``; gsi1 ``ESCALA#<id>#PERMUTAS`` |
| compensation balance | ``COMPENSACAO#<magistrado>`` | ``SALDO`` | ``saldo``, ``reservado``, ``version`` |
| ledger entry | ``COMPENSACAO#<magistrado>`` | ``LANC#<data>#<id>`` | written only if absent |
| compensation use | ``COMPENSACAO#<magistrado>`` | ``USO#<id>`` | ``status`` pendente/aprovado |
| a schedule's run done | ``EXECUCAO#<agenda>`` | ``<dia>`` | counts; written with the run's one audit record |
| a generation asked by hand | ``GERACAO#<aaaa-mm>`` | ``<tipo>`` | ``courtlib.runs.RunRequest`` as JSON, ``version`` |

Every write goes through :class:`DynamoUnitOfWork`, whose transaction also carries the act's audit record
(``courtlib.audit``).

A month's scales share a partition: the public month read is one BatchGetItem; a scale is rewritten whole
(conditioned on its ``version``) by every change, so a change is one small transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from chalicelib.plantao import codec
from chalicelib.plantao.codec import REFERENCE_TYPES
from chalicelib.plantao.domain.compensation import LedgerEntry
from chalicelib.plantao.domain.records import APROVADA, PENDENTE, RASCUNHO, Ledger, RotationState, StoredScale
from chalicelib.plantao.domain.reference import ReferenceData
from chalicelib.plantao.domain.scales import Kind, Month
from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError

from courtlib import clock
from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import Envelope
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

PUBLIC_CACHE_SECONDS = 10.0  # public month reads: per-container cache of the approved scales
REF_PK = "REF"
REF_HEAD = "CABECA"
REF_CHUNK = "LOTE#"
REF_CHUNK_BYTES = 300_000  # DynamoDB items hold ≤ 400 KB
REF_MAX_BYTES = 3_500_000  # a transaction holds ≤ 4 MB
ROTATION_PK = "ROTACAO"
SCALES_INDEX = "ESCALAS"
RUN_PREFIX = "EXECUCAO#"
GENERATION_PREFIX = "GERACAO#"


class PlantaoItem(TableItem):
    kind = UnicodeAttribute()
    data = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    last = NumberAttribute(null=True)
    saldo = NumberAttribute(null=True)
    reservado = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _notices_pk(series: str, year: int, number: int) -> str:
    return f"AVISO#{series}#{year}#{number:05d}"


def _now() -> str:
    return clock.now().isoformat(timespec="seconds")


def _scale_document(stored: StoredScale) -> dict[str, Any]:
    return {"escala": codec.scale_to(stored.scale), "realizados": sorted(stored.served),
            "portarias": stored.portarias, "gerada_em": stored.generated_at, "aprovada_em": stored.approved_at,
            "aprovada_por": stored.approved_by}


class PlantaoRepository:
    """The :class:`chalicelib.plantao.ports.Repository` port on the service's DynamoDB table."""

    def __init__(self, settings: ServiceSettings, public_cache_seconds: float = PUBLIC_CACHE_SECONDS) -> None:
        self.settings = settings
        self.model = bind(PlantaoItem, settings)
        self.public_cache_seconds = public_cache_seconds
        self._public_cache: dict[str, tuple[float, list[StoredScale]]] = {}

    def unit_of_work(self) -> DynamoUnitOfWork:
        return DynamoUnitOfWork(self)

    # reference data --------------------------------------------------------------------------------

    def load_reference(self, capital: str) -> tuple[ReferenceData, int]:
        """Every reference datum and the snapshot's version: the head item, then its chunks in one BatchGetItem
        (two calls whatever the size of the state)."""
        try:
            head = self.model.get(REF_PK, REF_HEAD, consistent_read=True)
        except self.model.DoesNotExist:
            return ReferenceData(capital=capital), 0
        chunks = int(head.last or 0)
        items = self.model.batch_get([(REF_PK, f"{REF_CHUNK}{n:03d}") for n in range(chunks)], consistent_read=True)
        values: dict[str, list[Any]] = {spec.attribute: [] for spec in REFERENCE_TYPES.values()}
        for item in sorted(items, key=lambda i: i.sk):
            for tag, data in json.loads(item.data or "[]"):
                spec = REFERENCE_TYPES.get(tag)
                if spec is not None:
                    values[spec.attribute].append(spec.from_dict(data))
        loaded: dict[str, Any] = {k: tuple(v) for k, v in values.items()}  # by field name, as import_reference merges
        return ReferenceData(**loaded, capital=capital), int(head.version or 0)

    def candidates(self, year: int, quadrimester: int) -> list[str]:
        return [i.sk.split("#", 1)[1] for i in self.model.query(f"EDITAL#{year}-{quadrimester}", consistent_read=True)]

    # rotations and scales --------------------------------------------------------------------------

    def rotation(self, kind: Kind) -> RotationState:
        try:
            item = self.model.get(ROTATION_PK, kind.value, consistent_read=True)
        except self.model.DoesNotExist:
            return RotationState(kind, None, {}, 0)
        data = json.loads(item.data or "{}")
        return RotationState(kind, data.get("mes"), dict(data.get("posicoes") or {}), int(item.version or 0))

    def scale(self, month: Month, kind: Kind) -> StoredScale | None:
        try:
            item = self.model.get(f"ESCALA#{month}", kind.value, consistent_read=True)
        except self.model.DoesNotExist:
            return None
        return self._stored(item)

    def month_scales(self, month: Month, consistent: bool = False) -> list[StoredScale]:
        """Every scale of a month (all kinds) in one BatchGetItem (moto's Query walks the whole table)."""
        keys = [(f"ESCALA#{month}", kind.value) for kind in Kind]
        items = self.model.batch_get(keys, consistent_read=consistent)
        return sorted((self._stored(i) for i in items), key=lambda s: s.scale.kind.value)

    def published_month(self, month: Month) -> list[StoredScale]:
        """The approved scales of a month for the public reads, cached per container for ``public_cache_seconds``
        (a write through this container drops its month at once). The embargo is applied per request, on the
        clock, so the cache can delay a change by a few seconds but never show a name early."""
        now = time.monotonic()
        key = str(month)
        cached = self._public_cache.get(key)
        if cached is not None and now - cached[0] < self.public_cache_seconds:
            return cached[1]
        scales = [s for s in self.month_scales(month) if s.status == APROVADA]
        self._public_cache[key] = (now, scales)
        return scales

    def forget_published(self, month: Month) -> None:
        self._public_cache.pop(str(month), None)

    def scales_between(self, first: Month, last: Month) -> list[StoredScale]:
        """Scales of ``first..last`` through gsi1 (eventually consistent)."""
        condition = self.model.gsi1sk.between(f"{first}#", f"{last}#~")
        keys = [(i.pk, i.sk) for i in self.model.by_gsi1.query(SCALES_INDEX, condition)]
        return [s for s in (self._get(pk, sk) for pk, sk in keys) if s is not None]

    def generation_request(self, month: Month, kind: Kind) -> tuple[dict[str, Any], int] | None:
        try:
            item = self.model.get(f"{GENERATION_PREFIX}{month}", kind.value, consistent_read=True)
        except self.model.DoesNotExist:
            return None
        return json.loads(item.data or "{}"), int(item.version or 0)

    def _get(self, pk: str, sk: str) -> StoredScale | None:
        try:
            return self._stored(self.model.get(pk, sk, consistent_read=True))
        except self.model.DoesNotExist:
            return None

    @staticmethod
    def _stored(item: PlantaoItem) -> StoredScale:
        data = json.loads(item.data or "{}")
        return StoredScale(codec.scale_from(data["escala"]), item.status or RASCUNHO, int(item.version or 0),
                           frozenset(data.get("realizados") or ()), list(data.get("portarias") or []),
                           data.get("gerada_em") or "", data.get("aprovada_em"), data.get("aprovada_por"))

    # portarias (PLAN-04) ---------------------------------------------------------------------------

    def portaria_last(self, series: str, year: int) -> int | None:
        try:
            return int(self.model.get(f"PORTARIA#{series}#{year}", "CONTADOR", consistent_read=True).last or 0)
        except self.model.DoesNotExist:
            return None

    def portaria(self, series: str, year: int, number: int) -> dict[str, Any] | None:
        """Consistent: the consumer reads it right after the approval's commit."""
        try:
            return json.loads(self.model.get(f"PORTARIA#{series}#{year}", f"{number:05d}", consistent_read=True).data
                              or "{}")
        except self.model.DoesNotExist:
            return None

    def notices_sent(self, series: str, year: int, number: int) -> set[str]:
        return {item.sk for item in self.model.query(_notices_pk(series, year, number), consistent_read=True)}

    def record_notice(self, series: str, year: int, number: int, magistrate: str) -> bool:
        model = self.model
        try:
            model(pk=_notices_pk(series, year, number), sk=magistrate, kind="aviso", updated_at=_now()).save(
                condition=model.pk.does_not_exist())
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    # swaps (PLAN-05) -------------------------------------------------------------------------------

    def swap_request(self, swap_id: str) -> tuple[dict[str, Any], str] | None:
        try:
            item = self.model.get(f"PERMUTA#{swap_id}", "PERMUTA", consistent_read=True)
        except self.model.DoesNotExist:
            return None
        return json.loads(item.data or "{}"), item.status or PENDENTE

    def swap_requests(self, scale_id: str) -> list[tuple[dict[str, Any], str]]:
        """The swap requests of a scale (gsi1 ``ESCALA#<id>#PERMUTAS``, eventually consistent)."""
        return [(json.loads(i.data or "{}"), i.status or PENDENTE)
                for i in self.model.by_gsi1.query(f"ESCALA#{scale_id}#PERMUTAS")]

    # compensation (PLAN-07, PLAN-08) -------------------------------------------------------------------

    def ledger(self, magistrate: str) -> Ledger:
        """A magistrate's balance, entries and uses in one Query."""
        balance = reserved = version = 0
        entries: list[LedgerEntry] = []
        uses: list[dict[str, Any]] = []
        for item in self.model.query(f"COMPENSACAO#{magistrate}", consistent_read=True):
            if item.sk == "SALDO":
                balance, reserved, version = int(item.saldo or 0), int(item.reservado or 0), int(item.version or 0)
            elif item.sk.startswith("LANC#"):
                d = json.loads(item.data or "{}")
                entries.append(LedgerEntry(d["id"], magistrate, date.fromisoformat(d["data"]), int(d["dias"]),
                                           d["tipo"], d.get("referencia") or ""))
            elif item.sk.startswith("USO#"):
                uses.append({**json.loads(item.data or "{}"), "status": item.status})
        return Ledger(balance, reserved, version, tuple(entries), tuple(uses))

    def use(self, magistrate: str, use_id: str) -> tuple[dict[str, Any], str] | None:
        try:
            item = self.model.get(f"COMPENSACAO#{magistrate}", f"USO#{use_id}", consistent_read=True)
        except self.model.DoesNotExist:
            return None
        return json.loads(item.data or "{}"), item.status or PENDENTE


class DynamoUnitOfWork:
    """The :class:`chalicelib.plantao.ports.UnitOfWork` port: the staged items (each with the condition on what
    was read) and the events, sent as one TransactWriteItems by :class:`courtlib.messaging.outbox.UnitOfWork`."""

    def __init__(self, repository: PlantaoRepository) -> None:
        self._repository = repository
        self._model = repository.model
        self._uow = UnitOfWork(repository.settings)

    def stage_reference(self, ref: ReferenceData, read_version: int) -> None:
        """The whole reference snapshot in chunks of ≤ ``REF_CHUNK_BYTES``, conditioned on the version read (a
        concurrent import is refused, not merged); chunks left over from a larger snapshot are deleted."""
        rows = [[tag, spec.to_dict(value)] for tag, spec in REFERENCE_TYPES.items()
                for value in getattr(ref, spec.attribute)]
        chunks: list[str] = []
        current: list[Any] = []
        size = 0
        for row in rows:
            text = codec.dumps(row)
            if current and size + len(text) > REF_CHUNK_BYTES:
                chunks.append(codec.dumps(current))
                current, size = [], 0
            current.append(row)
            size += len(text) + 1
        if current:
            chunks.append(codec.dumps(current))
        if sum(len(c) for c in chunks) > REF_MAX_BYTES:
            raise ValueError("dados de referência grandes demais para uma transação")
        model = self._model
        previous = 0
        if read_version:
            previous = int(model.get(REF_PK, REF_HEAD, consistent_read=True).last or 0)
        for n, data in enumerate(chunks):
            self._uow.save(model(pk=REF_PK, sk=f"{REF_CHUNK}{n:03d}", kind="referencia", data=data,
                                 updated_at=_now()))
        for n in range(len(chunks), previous):
            self._uow.delete(model(pk=REF_PK, sk=f"{REF_CHUNK}{n:03d}"))
        condition = model.pk.does_not_exist() if read_version == 0 else model.version == read_version
        self._uow.save(model(pk=REF_PK, sk=REF_HEAD, kind="referencia", last=len(chunks), version=read_version + 1,
                             updated_at=_now()), condition=condition)

    def stage_candidate(self, year: int, quadrimester: int, magistrate: str) -> None:
        model = self._model
        self._uow.save(model(pk=f"EDITAL#{year}-{quadrimester}", sk=f"CANDIDATO#{magistrate}", kind="candidatura",
                             updated_at=_now()), condition=model.pk.does_not_exist())

    def stage_run(self, name: str, key: str, data: Mapping[str, Any]) -> None:
        model = self._model
        self._uow.save(model(pk=f"{RUN_PREFIX}{name}", sk=key, kind="execucao", data=codec.dumps(dict(data)),
                             updated_at=_now()))

    def stage_generation_request(self, month: Month, kind: Kind, data: Mapping[str, Any], read_version: int) -> None:
        model = self._model
        condition = model.pk.does_not_exist() if read_version == 0 else model.version == read_version
        self._uow.save(model(pk=f"{GENERATION_PREFIX}{month}", sk=kind.value, kind="geracao", status=data["situacao"],
                             data=codec.dumps(dict(data)), version=read_version + 1, updated_at=_now()),
                       condition=condition)

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        self._uow.audit(act, target, rules=rules, before=before, after=after)

    def stage_rotation(self, state: RotationState, month: Month, positions: Mapping[str, str | None]) -> None:
        model = self._model
        item = model(pk=ROTATION_PK, sk=state.kind.value, kind="rotacao",
                     data=codec.dumps({"mes": str(month), "posicoes": dict(positions)}), version=state.version + 1,
                     updated_at=_now())
        condition = model.pk.does_not_exist() if state.version == 0 else model.version == state.version
        self._uow.save(item, condition=condition)

    def stage_scale(self, stored: StoredScale, *, previous_version: int | None) -> None:
        model = self._model
        scale = stored.scale
        item = model(pk=f"ESCALA#{scale.month}", sk=scale.kind.value, kind="escala", status=stored.status,
                     version=(previous_version or 0) + 1, data=codec.dumps(_scale_document(stored)),
                     gsi1pk=SCALES_INDEX, gsi1sk=f"{scale.month}#{scale.kind.value}", updated_at=_now())
        condition = model.pk.does_not_exist() if previous_version is None else model.version == previous_version
        self._uow.save(item, condition=condition)
        self._uow.after_commit(lambda: self._repository.forget_published(scale.month))
        stored.version = (previous_version or 0) + 1

    def stage_portaria(self, series: str, year: int, number: int, last_read: int | None,
                       record: Mapping[str, Any]) -> None:
        model = self._model
        pk = f"PORTARIA#{series}#{year}"
        condition = model.pk.does_not_exist() if last_read is None else model.last == last_read
        self._uow.save(model(pk=pk, sk="CONTADOR", kind="contador", last=number, updated_at=_now()),
                       condition=condition)
        self._uow.save(model(pk=pk, sk=f"{number:05d}", kind="portaria", data=codec.dumps(dict(record)),
                             updated_at=_now()), condition=model.pk.does_not_exist())

    def stage_portaria_document(self, series: str, year: int, number: int, record: Mapping[str, Any]) -> None:
        model = self._model
        self._uow.save(model(pk=f"PORTARIA#{series}#{year}", sk=f"{number:05d}", kind="portaria",
                             data=codec.dumps(dict(record)), updated_at=_now()), condition=model.pk.exists())

    def stage_swap_request(self, swap_id: str, data: Mapping[str, Any], status: str, *, expected: str | None) -> None:
        model = self._model
        item = model(pk=f"PERMUTA#{swap_id}", sk="PERMUTA", kind="permuta", status=status, data=codec.dumps(dict(data)),
                     gsi1pk=f"ESCALA#{data['escala']}#PERMUTAS", gsi1sk=swap_id, updated_at=_now())
        self._uow.save(item, condition=model.pk.does_not_exist() if expected is None else model.status == expected)

    def stage_entry(self, entry: LedgerEntry) -> None:
        model = self._model
        data = {"id": entry.id, "data": entry.day.isoformat(), "dias": entry.days, "tipo": entry.kind,
                "referencia": entry.ref}
        self._uow.save(model(pk=f"COMPENSACAO#{entry.magistrate}", sk=f"LANC#{entry.day.isoformat()}#{entry.id}",
                             kind="lancamento", data=codec.dumps(data), updated_at=_now()),
                       condition=model.pk.does_not_exist())

    def stage_balance(self, magistrate: str, *, balance: int = 0, reserved: int = 0,
                      version: int | None = None) -> None:
        """ADDs to the balance item; ``version`` (when given) must still be the one read."""
        model = self._model
        actions = [model.saldo.add(balance), model.reservado.add(reserved), model.version.add(1),
                   model.kind.set("saldo"), model.updated_at.set(_now())]
        condition = None
        if version is not None:
            condition = model.version.does_not_exist() if version == 0 else model.version == version
        self._uow.update(model(pk=f"COMPENSACAO#{magistrate}", sk="SALDO"), actions=actions, condition=condition)

    def stage_use(self, magistrate: str, use_id: str, data: Mapping[str, Any], status: str, *,
                  expected: str | None) -> None:
        model = self._model
        self._uow.save(model(pk=f"COMPENSACAO#{magistrate}", sk=f"USO#{use_id}", kind="uso", status=status,
                             data=codec.dumps(dict(data)), updated_at=_now()),
                       condition=model.pk.does_not_exist() if expected is None else model.status == expected)

    def emit(self, envelope: Envelope) -> None:
        self._uow.emit(envelope)

    def commit(self) -> None:
        commit(self._uow)


def commit(uow: UnitOfWork) -> None:
    """Sends the transaction; a failed condition or a concurrent transaction on one of its items is a
    :class:`courtlib.errors.WriteConflict` (nothing was written)."""
    try:
        uow.commit()
    except ConditionFailed as error:
        raise WriteConflict(f"condição da operação {error.index} não atendida") from error
    except TransactWriteError as error:
        codes = {r.code for r in (error.cancellation_reasons or []) if r is not None}
        if "TransactionConflict" in codes:
            raise WriteConflict("transação concorrente") from error
        raise
