"""PynamoDB storage of servants' cooperation (the :class:`~chalicelib.cooperacao.ports.CooperacaoRepository` port)
in the service's single table: Query/GetItem only, never Scan. The item layout is in ``items.py``.

Writes two requests can race on are a :class:`StoreTransaction`: one TransactWriteItems (with the outbox items of
the events it emits) whose conditions are the versions the use case read; a failed condition is a
:class:`courtlib.errors.WriteConflict`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.cooperacao.adapters.items import (
    CoopItem,
    coop_from,
    coop_to,
    decimal_text,
    dumps,
    period_from,
    record_from,
    servant_from,
    servant_to,
    session_entry,
    session_from,
    unit_from,
    unit_to,
)
from chalicelib.cooperacao.domain.model import (
    Cooperation,
    Designation,
    Leave,
    LeaveKind,
    Modality,
    Portaria,
    Servant,
    TimeRecord,
    Unit,
    UnitContext,
)
from chalicelib.cooperacao.domain.rules import Assessment
from chalicelib.cooperacao.ports import Audit, Cursor, MonthTotal, TimeRecordReads
from chalicelib.cooperacao.shards import MONTH_SHARDS, part_shards, shard_of

from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import Envelope
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.persistence import bind
from courtlib.settings import ServiceSettings

__all__ = ["MONTH_SHARDS", "Store", "StoreTransaction", "dumps", "shard_of"]


def _version_condition(model: type[CoopItem], version: int) -> Any:
    """The item still has the version read (0: it had none yet)."""
    return model.version.does_not_exist() if version == 0 else model.version == version


# How long a container trusts a unit it read for a time record (its municipality's working days): the calendar's
# own cache is as long (courtlib.calendar.store.DEFAULT_CACHE_TTL_SECONDS).
UNIT_CACHE_TTL_SECONDS = 60.0


def _month_total(item: CoopItem) -> MonthTotal:
    data = json.loads(item.data)
    return MonthTotal(data["servidor"], data.get("nome", data["servidor"]), data.get("competencia", ""),
                      int(item.minutos or 0), int(item.version or 0), int(item.pub_revisao or 0),
                      int(item.pub_minutos or 0), Decimal(item.pub_valor or "0"))


class Store:
    """Reads return domain objects (with the version a later transaction conditions on); writes that no other
    request races on are saved directly; the others go through :meth:`transaction`."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.model = bind(CoopItem, settings)
        self._recent_units: dict[str, tuple[float, Unit | None]] = {}

    def transaction(self) -> StoreTransaction:
        return StoreTransaction(self)

    # generic -------------------------------------------------------------------------------------

    def item(self, pk: str, sk: str, kind: str, data: Any, **attrs: Any) -> CoopItem:
        return self.model(pk=pk, sk=sk, kind=kind, data=dumps(data), **attrs)

    def get(self, pk: str, sk: str) -> CoopItem | None:
        try:
            return self.model.get(pk, sk, consistent_read=True)
        except self.model.DoesNotExist:
            return None

    def data(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self.get(pk, sk)
        return None if item is None else json.loads(item.data)

    def query(self, pk: str, prefix: str | None = None) -> Iterator[CoopItem]:
        condition = None if prefix is None else self.model.sk.startswith(prefix)
        return self.model.query(pk, condition, consistent_read=True)

    def query_gsi1(self, pk: str, sk_from: str | None = None, limit: int | None = None,
                   start: Cursor | None = None) -> Any:
        condition = None if sk_from is None else self.model.gsi1sk >= sk_from
        return self.model.by_gsi1.query(pk, condition, limit=limit, last_evaluated_key=start)

    def query_gsi2(self, pk: str, sk_from: str | None = None, limit: int | None = None,
                   start: Cursor | None = None) -> Any:
        condition = None if sk_from is None else self.model.gsi2sk >= sk_from
        return self.model.by_gsi2.query(pk, condition, limit=limit, last_evaluated_key=start)

    def _version(self, pk: str, sk: str) -> int:
        existing = self.get(pk, sk)
        return int(existing.version or 0) if existing else 0

    # reference data ------------------------------------------------------------------------------

    def servant(self, servant_id: str) -> tuple[Servant, int] | None:
        item = self.get(f"SERVIDOR#{servant_id}", "PERFIL")
        return None if item is None else (servant_from(json.loads(item.data)), int(item.version or 0))

    def servant_item(self, servant: Servant, version: int) -> CoopItem:
        return self.item(f"SERVIDOR#{servant.id}", "PERFIL", "servidor", servant_to(servant), version=version,
                         gsi1pk="SERVIDORES", gsi1sk=servant.id)

    def put_servant(self, servant: Servant) -> None:
        self.servant_item(servant, self._version(f"SERVIDOR#{servant.id}", "PERFIL") + 1).save()

    def servants(self, limit: int, start: Cursor | None) -> tuple[list[Servant], Cursor | None]:
        """One page of the servants in id order (gsi1 ``SERVIDORES``) and DynamoDB's LastEvaluatedKey."""
        result = self.query_gsi1("SERVIDORES", limit=limit, start=start)
        return [servant_from(json.loads(item.data)) for item in result], result.last_evaluated_key

    def unit(self, unit_id: str) -> Unit | None:
        data = self.data(f"UNIDADE#{unit_id}", "UNIDADE")
        return None if data is None else unit_from(data)

    def recent_unit(self, unit_id: str) -> Unit | None:
        """The unit as read at most :data:`UNIT_CACHE_TTL_SECONDS` ago by this container (the time record's read
        of its municipality: a round trip saved on most records). Writes through this store drop the entry at
        once; a write by another container shows after the TTL, as the calendar's own entries do."""
        now = time.monotonic()
        cached = self._recent_units.get(unit_id)
        if cached is not None and now - cached[0] < UNIT_CACHE_TTL_SECONDS:
            return cached[1]
        unit = self.unit(unit_id)
        self._recent_units[unit_id] = (now, unit)
        return unit

    def unit_versioned(self, unit_id: str) -> tuple[Unit, int] | None:
        item = self.get(f"UNIDADE#{unit_id}", "UNIDADE")
        return None if item is None else (unit_from(json.loads(item.data)), int(item.version or 0))

    def unit_item(self, unit: Unit, version: int) -> CoopItem:
        self._recent_units.pop(unit.id, None)
        extra = {"gsi2pk": f"GESTOR#{unit.manager}", "gsi2sk": unit.id} if unit.manager else {}
        return self.item(f"UNIDADE#{unit.id}", "UNIDADE", "unidade", unit_to(unit), version=version,
                         gsi1pk="UNIDADES", gsi1sk=unit.id, **extra)

    def put_unit(self, unit: Unit) -> None:
        self.unit_item(unit, self._version(f"UNIDADE#{unit.id}", "UNIDADE") + 1).save()

    def units(self, limit: int, start: Cursor | None) -> tuple[list[Unit], Cursor | None]:
        """One page of the units in id order (gsi1 ``UNIDADES``) and DynamoDB's LastEvaluatedKey."""
        result = self.query_gsi1("UNIDADES", limit=limit, start=start)
        return [unit_from(json.loads(item.data)) for item in result], result.last_evaluated_key

    def unit_context(self, unit_id: str, from_day: date) -> tuple[UnitContext, int] | None:
        """The unit's partition (unit, annexes, portarias, leaves, designations) and its live cooperations that
        end on or after ``from_day``: one Query each."""
        unit, version = None, 0
        annexes: dict[str, int] = {}
        portarias: list[Portaria] = []
        leaves: list[Leave] = []
        designations: list[Designation] = []
        for item in self.query(f"UNIDADE#{unit_id}"):
            d = json.loads(item.data)
            if item.sk == "UNIDADE":
                unit, version = unit_from(d), int(item.version or 0)
            elif item.sk.startswith("ANEXO#"):
                annexes[item.sk[6:]] = int(d["cota"])
            elif item.sk.startswith("PORTARIA#"):
                portarias.append(Portaria(d["id"], Modality(d["modalidade"]), period_from(d),
                                          {unit_id: int(d["cota"])}, bool(d.get("ampliada"))))
            elif item.sk.startswith("AFASTAMENTO#"):
                leaves.append(Leave(unit_id, d["servidor"], LeaveKind(d["tipo"]), period_from(d),
                                    bool(d.get("comissionado", True))))
            elif item.sk.startswith("DESIGNACAO#"):
                designations.append(Designation(unit_id, d["servidor"], bool(d["efetivo"]), d["lotacao"],
                                                period_from(d)))
        if unit is None:
            return None
        coops = tuple(self.unit_cooperations(unit_id, from_day))
        return UnitContext(unit, annexes, tuple(portarias), tuple(leaves), tuple(designations), coops), version

    def annex(self, annex: str) -> dict[str, int]:
        return {i.gsi1sk: int(json.loads(i.data)["cota"]) for i in self.query_gsi1(f"ANEXO#{annex}")}

    def replace_annex(self, annex: str, quotas: Mapping[str, int]) -> None:
        old = {i.gsi1sk for i in self.query_gsi1(f"ANEXO#{annex}")}
        with self.model.batch_write() as batch:
            for unit_id in old - set(quotas):
                batch.delete(self.model(pk=f"UNIDADE#{unit_id}", sk=f"ANEXO#{annex}"))
            for unit_id, quota in quotas.items():
                batch.save(self.item(f"UNIDADE#{unit_id}", f"ANEXO#{annex}", "anexo",
                                     {"anexo": annex, "cota": quota}, gsi1pk=f"ANEXO#{annex}", gsi1sk=unit_id))

    def put_portaria(self, portaria: Portaria, audit: Audit | None) -> None:
        """The units' entries in batches (a portaria lists up to 2000 units: more than a transaction holds; each
        is a replace, so a retry after a failure between them rewrites them), then the portaria with its record."""
        previous = self.data(f"PORTARIA#{portaria.id}", "PORTARIA")
        header = {"id": portaria.id, "modalidade": portaria.modality, "inicio": portaria.period.start.isoformat(),
                  "fim": portaria.period.end.isoformat(), "unidades": portaria.quotas, "ampliada": portaria.widened}
        with self.model.batch_write() as batch:
            for unit_id in set((previous or {}).get("unidades", {})) - set(portaria.quotas):
                batch.delete(self.model(pk=f"UNIDADE#{unit_id}", sk=f"PORTARIA#{portaria.id}"))
            for unit_id, quota in portaria.quotas.items():
                batch.save(self.item(f"UNIDADE#{unit_id}", f"PORTARIA#{portaria.id}", "portaria_unidade",
                                     {**header, "unidades": None, "cota": quota}))
        tx = self.transaction()
        tx.save(self.item(f"PORTARIA#{portaria.id}", "PORTARIA", "portaria", header,
                          gsi1pk="PORTARIAS", gsi1sk=f"{portaria.period.start.isoformat()}#{portaria.id}"))
        if audit is not None:
            tx.audit_as(audit)
        tx.commit()

    def portaria(self, portaria_id: str) -> Portaria | None:
        d = self.data(f"PORTARIA#{portaria_id}", "PORTARIA")
        if d is None:
            return None
        quotas = {unit_id: int(quota) for unit_id, quota in d["unidades"].items()}
        return Portaria(d["id"], Modality(d["modalidade"]), period_from(d), quotas, bool(d.get("ampliada")))

    def portarias(self) -> list[dict[str, Any]]:
        return [json.loads(i.data) for i in self.query_gsi1("PORTARIAS")]

    def leave_item(self, leave: Leave) -> CoopItem:
        return self.item(f"UNIDADE#{leave.unit}", f"AFASTAMENTO#{leave.servant}#{leave.period.start.isoformat()}",
                         "afastamento", {"servidor": leave.servant, "tipo": leave.kind,
                                         "inicio": leave.period.start.isoformat(),
                                         "fim": leave.period.end.isoformat(),
                                         "comissionado": leave.servant_commissioned})

    def put_leave(self, leave: Leave) -> None:
        self.leave_item(leave).save()

    def designation_item(self, designation: Designation) -> CoopItem:
        d = designation
        return self.item(f"UNIDADE#{d.unit}", f"DESIGNACAO#{d.servant}#{d.period.start.isoformat()}", "designacao",
                         {"servidor": d.servant, "efetivo": d.efetivo, "lotacao": d.home_unit,
                          "inicio": d.period.start.isoformat(), "fim": d.period.end.isoformat()})

    def put_designation(self, designation: Designation) -> None:
        self.designation_item(designation).save()

    def final_date(self, default: date) -> date:
        data = self.data("NORMA", "NORMA")
        return default if data is None else date.fromisoformat(data["data_final"])

    def final_date_item(self, day: date) -> CoopItem:
        return self.item("NORMA", "NORMA", "norma", {"data_final": day.isoformat()})

    def put_final_date(self, day: date) -> None:
        self.final_date_item(day).save()

    # cooperations --------------------------------------------------------------------------------

    def cooperation(self, coop_id: str) -> tuple[Cooperation, int] | None:
        item = self.get(f"COOP#{coop_id}", "COOP")
        return None if item is None else (coop_from(json.loads(item.data)), int(item.version or 0))

    def coop_item(self, c: Cooperation, version: int) -> CoopItem:
        key = f"{c.period.end.isoformat()}#{c.id}"
        return self.item(f"COOP#{c.id}", "COOP", "cooperacao", coop_to(c), version=version,
                         gsi1pk=f"SERVIDOR#{c.servant}#COOPS", gsi1sk=key, gsi2pk=f"UNIDADE#{c.unit}#COOPS",
                         gsi2sk=key)

    def unit_cooperations(self, unit_id: str, from_day: date) -> Iterator[Cooperation]:
        for item in self.query_gsi2(f"UNIDADE#{unit_id}#COOPS", from_day.isoformat()):
            yield coop_from(json.loads(item.data))

    def servant_cooperations(self, servant_id: str, from_day: date | None = None) -> Iterator[Cooperation]:
        for item in self.query_gsi1(f"SERVIDOR#{servant_id}#COOPS", None if from_day is None else from_day.isoformat()):
            yield coop_from(json.loads(item.data))

    def decisions(self, coop_id: str) -> list[dict[str, Any]]:
        return [json.loads(i.data) for i in self.query(f"COOP#{coop_id}", "DECISAO#")]

    # time records and the monthly close ----------------------------------------------------------

    def month(self, servant_id: str, month: str) -> tuple[MonthTotal | None, list[TimeRecord]]:
        """One Query: the month's total item and every record of the month (a month holds ≤ 40 h of sessions), in
        time order. A record is in the total item's copy (``pontos``) or, if written before the copy existed, in
        its own PONTO item; records written since 2026-12 are in the copy only. Both are merged."""
        total, records = None, {}
        for item in self.query(f"SERVIDOR#{servant_id}", f"MES#{month}"):
            if item.sk == f"MES#{month}":
                total = _month_total(item)
                found = [session_from(servant_id, entry) for entry in item.pontos or ()]
            else:
                found = [record_from(json.loads(item.data))]
            records.update({(r.start, r.cooperation): r for r in found})
        return total, sorted(records.values(), key=lambda r: r.start)

    def _month_of_item(self, servant_id: str, month: str,
                       item: CoopItem | None) -> tuple[MonthTotal | None, list[TimeRecord]]:
        """The month from its total item alone when the item's copy of the records accounts for every minute of
        the total (a month written before the copy existed does not: then the one Query of :meth:`month`)."""
        if item is None:
            return None, []
        total = _month_total(item)
        records = [session_from(servant_id, entry) for entry in item.pontos or ()]
        if sum(r.minutes for r in records) != total.minutes:
            return self.month(servant_id, month)
        return total, records

    def month_by_key(self, servant_id: str, month: str) -> tuple[MonthTotal | None, list[TimeRecord]]:
        """As :meth:`month`, by one GetItem of the month's total (which keeps a copy of its records)."""
        return self._month_of_item(servant_id, month, self.get(f"SERVIDOR#{servant_id}", f"MES#{month}"))

    def time_record_reads(self, coop_id: str, servant_id: str, month: str) -> TimeRecordReads:
        """What a time record needs, keys all known from the request: ONE BatchGetItem (consistent) of the
        cooperation, the servant and the servant's month total."""
        keys = [(f"COOP#{coop_id}", "COOP"), (f"SERVIDOR#{servant_id}", "PERFIL"),
                (f"SERVIDOR#{servant_id}", f"MES#{month}")]
        found = {(item.pk, item.sk): item for item in self.model.batch_get(keys, consistent_read=True)}
        coop, servant = found.get(keys[0]), found.get(keys[1])
        total, records = self._month_of_item(servant_id, month, found.get(keys[2]))
        return TimeRecordReads(
            None if coop is None else (coop_from(json.loads(coop.data)), int(coop.version or 0)),
            None if servant is None else (servant_from(json.loads(servant.data)), int(servant.version or 0)),
            total, records)

    def month_total(self, servant_id: str, month: str) -> MonthTotal | None:
        item = self.get(f"SERVIDOR#{servant_id}", f"MES#{month}")
        return None if item is None else _month_total(item)

    def month_parts(self) -> int:
        """The part count a new close run fans out in: the setting ``fechamento_partes`` (checked at start-up to
        divide :data:`MONTH_SHARDS`); a run remembers its own count."""
        return int(getattr(self.settings, "fechamento_partes", MONTH_SHARDS))

    def month_totals(self, month: str, part: int | None = None, parts: int | None = None) -> Iterator[MonthTotal]:
        """Every servant's total of ``month``: a Query per shard of gsi1 (or of part ``part`` of ``parts``'s shards
        alone, :func:`part_shards`), page by page (no Scan)."""
        if part is None:
            shards = range(MONTH_SHARDS)
        elif parts is None:
            raise ValueError("uma parte do mês precisa do número de partes da execução")
        else:
            shards = part_shards(part, parts)
        for shard in shards:
            for item in self.model.by_gsi1.query(f"MES#{month}#{shard:02d}", page_size=500):
                yield _month_total(item)

    def close_marker(self, month: str) -> dict[str, Any] | None:
        return self.data(f"FECHAMENTO#{month}", "FECHAMENTO")

    def close_request(self, month: str) -> tuple[dict[str, Any], int] | None:
        item = self.get(f"FECHAMENTO#{month}", "SOLICITACAO")
        return None if item is None else (json.loads(item.data), int(item.version or 0))

    def close_parts(self, month: str, run: int) -> dict[int, dict[str, Any]]:
        """One Query of the close's partition: the parts of run ``run`` done (``PARTE#<run>#<part>``)."""
        return {int(item.sk.rsplit("#", 1)[1]): json.loads(item.data)
                for item in self.query(f"FECHAMENTO#{month}", f"PARTE#{run:06d}#")}


class StoreTransaction:
    """One TransactWriteItems (courtlib's :class:`UnitOfWork`, outbox included); conditions are the versions read."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._model = store.model
        self._uow = UnitOfWork(store.settings)

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        self._uow.audit(act, target, rules=rules, before=before, after=after)

    def audit_as(self, audit: Audit) -> None:
        self.audit(audit.act, audit.target, rules=audit.rules, before=audit.before, after=audit.after)

    def save(self, item: CoopItem) -> None:
        self._uow.save(item)

    def put_servant(self, servant: Servant, read_version: int) -> None:
        self._uow.save(self._store.servant_item(servant, read_version + 1),
                       condition=_version_condition(self._model, read_version))

    def put_unit(self, unit: Unit, read_version: int) -> None:
        self._uow.save(self._store.unit_item(unit, read_version + 1),
                       condition=_version_condition(self._model, read_version))

    def put_leave(self, leave: Leave) -> None:
        self._uow.save(self._store.leave_item(leave))

    def put_designation(self, designation: Designation) -> None:
        self._uow.save(self._store.designation_item(designation))

    def put_final_date(self, day: date) -> None:
        self._uow.save(self._store.final_date_item(day))

    def put_close_marker(self, month: str, marker: Mapping[str, Any]) -> None:
        self._uow.save(self._store.item(f"FECHAMENTO#{month}", "FECHAMENTO", "fechamento", dict(marker)))

    def put_close_request(self, month: str, request: Mapping[str, Any], read_version: int) -> None:
        self._uow.save(self._store.item(f"FECHAMENTO#{month}", "SOLICITACAO", "solicitacao_fechamento",
                                        dict(request), version=read_version + 1),
                       condition=_version_condition(self._model, read_version))

    def put_close_part(self, month: str, run: int, part: int, counts: Mapping[str, Any]) -> None:
        self._uow.save(self._store.item(f"FECHAMENTO#{month}", f"PARTE#{run:06d}#{part:04d}", "parte_fechamento",
                                        {**counts, "parte": part}),
                       condition=self._model.pk.does_not_exist())

    def add_cooperation(self, coop: Cooperation) -> None:
        self._uow.save(self._store.coop_item(coop, 1), condition=self._model.pk.does_not_exist())

    def replace_cooperation(self, coop: Cooperation, read_version: int) -> None:
        self._uow.save(self._store.coop_item(coop, read_version + 1), condition=self._model.version == read_version)

    def _guard(self, pk: str, sk: str, read_version: int) -> None:
        model = self._model
        self._uow.update(model(pk=pk, sk=sk), actions=[model.version.add(1)],
                         condition=_version_condition(model, read_version))

    def guard_unit(self, unit_id: str, read_version: int) -> None:
        self._guard(f"UNIDADE#{unit_id}", "UNIDADE", read_version)

    def guard_servant(self, servant_id: str, read_version: int) -> None:
        self._guard(f"SERVIDOR#{servant_id}", "PERFIL", read_version)

    def record_decision(self, coop_id: str, version: int, decision: Mapping[str, Any]) -> None:
        """Keyed by the cooperation's new version, which the same transaction writes conditionally, so decisions
        are ordered and never overwritten."""
        self._uow.save(self._store.item(f"COOP#{coop_id}", f"DECISAO#{version:06d}", "decisao", dict(decision)))

    def add_time_record(self, record: TimeRecord, servant: Servant, month: MonthTotal | None,
                        cap_minutes: int) -> None:
        model = self._model
        minutes = record.minutes
        # The cap as a conditional write on the month's total (COOP-06) plus the version read (COOP-08 overlaps).
        if month is None:
            condition = model.pk.does_not_exist()
        else:
            condition = (model.minutos <= cap_minutes - minutes) & (model.version == month.version)
        # One item: the record lives in the month's copy (``pontos``), which the overlap check and the listings
        # read; it is no longer a separate PONTO item (months before kept both: :meth:`Store.month` merges them).
        # What does not change after the month's first record is not rewritten: the kind, the index keys (a write
        # of gsi1's keys rewrites its index entry) and the servant's name unless it changed.
        actions = [model.minutos.add(minutes), model.version.add(1),
                   model.pontos.set((model.pontos | []).append([session_entry(record)]))]
        if month is None or month.name != servant.name:
            month_data = {"servidor": servant.id, "nome": servant.name, "competencia": record.month}
            actions.append(model.data.set(dumps(month_data)))
        if month is None:
            actions += [model.kind.set("mes"), model.gsi1pk.set(f"MES#{record.month}#{shard_of(servant.id):02d}"),
                        model.gsi1sk.set(servant.id)]
        self._uow.update(model(pk=f"SERVIDOR#{servant.id}", sk=f"MES#{record.month}"), actions=actions,
                         condition=condition)

    def publish_assessment(self, assessment: Assessment) -> None:
        model = self._model
        previous = assessment.revision - 1
        condition = model.pub_revisao.does_not_exist() if previous == 0 else model.pub_revisao == previous
        self._uow.update(model(pk=f"SERVIDOR#{assessment.servant}", sk=f"MES#{assessment.month}"),
                         actions=[model.pub_revisao.set(assessment.revision),
                                  model.pub_minutos.set(assessment.total_minutes),
                                  model.pub_valor.set(decimal_text(assessment.total_value))],
                         condition=condition)

    def emit(self, event: Envelope) -> None:
        self._uow.emit(event)

    def commit(self) -> None:
        try:
            self._uow.commit()
        except ConditionFailed as failed:
            raise WriteConflict(str(failed)) from failed

