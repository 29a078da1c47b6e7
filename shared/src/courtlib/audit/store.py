"""Audit records in the service's own table, chained per (service, day, shard) — the PynamoDB adapter.

Layout (single table):

==========================  ===================================  =============================================
item                        pk / sk                              index keys
==========================  ===================================  =============================================
record                      ``AUDIT#<svc>#<day>#<shard>`` /      gsi1: ``AUDIT#ALVO#<svc>#<type>:<id>`` (target)
                            ``0000000007`` (sequence)            gsi2: ``AUDIT#PESSOA#<svc>#<login or id>`` (person)
                                                                 both sorted by ``<when>#<chain>#<sequence>``
chain head                  ``AUDITHEAD#<svc>#<day>#<shard>`` /  —
                            ``CABECA`` (length, last hash)
==========================  ===================================  =============================================

A day has ``shards_on(day)`` chains (4, then 64 from 2026-12-05: :data:`courtlib.audit.record.SHARD_PLAN`).
Its heads are read in one BatchGetItem, then only the chains that have records are queried: a period is
read chain by chain, skipping empty ones; the act is a filter on any of the three reads. The record itself
is stored as its canonical JSON (``registro``), exactly what the API shows and what the hash covers.

Records are written only by :meth:`courtlib.messaging.outbox.UnitOfWork.audit`, in the same
TransactWriteItems as the act: a put conditioned on the record not existing, plus the head advanced on
the condition that it is still at the length read. The services' IAM roles may not update or delete
items whose key starts with ``AUDIT#`` (infra: the policy files); the head lives under ``AUDITHEAD#``
because it must be updated.

Retention: ``guardar_ate`` = the act's date plus ``AUDIT_RETENTION_YEARS`` (default
:data:`DEFAULT_RETENTION_YEARS`). No TTL: the court's table of records sends most of these records to the
archive (DGCOM/DEGEA), not to elimination, so removing one is an archivist's act done outside the
services, never an automatic expiry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import Condition

from courtlib import clock
from courtlib.audit import actor as acting
from courtlib.audit.record import (
    GENESIS,
    Actor,
    AuditRecord,
    ChainBreak,
    Target,
    chain_id,
    plain,
    shard_of,
    shards_on,
    verify_chain,
)
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

RECORD_PREFIX = "AUDIT#"
HEAD_PREFIX = "AUDITHEAD#"
HEAD_SK = "CABECA"
DEFAULT_RETENTION_YEARS = 5  # the longest current-archive term in the court's table of records (certidões)


class AuditItem(TableItem):
    act = UnicodeAttribute()
    actor_id = UnicodeAttribute()
    record = UnicodeAttribute(attr_name="registro")
    retain_until = UnicodeAttribute(attr_name="guardar_ate")

    def to_json(self) -> dict[str, Any]:
        return json.loads(self.record)  # type: ignore[no-any-return]


class AuditHeadItem(TableItem):
    length = NumberAttribute()
    last_hash = UnicodeAttribute()


@dataclass(frozen=True)
class PendingAct:
    """What a use case says about its act; the record is built at commit, on the chain head then read."""

    act: str
    target: Target
    rules: tuple[str, ...]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    actor: Actor
    correlation_id: str


def pending_act(act: str, target: Target | tuple[str, str], *, rules: Sequence[str] = (),
                before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> PendingAct:
    """Validates the fields of an act and takes the acting principal from :mod:`courtlib.audit.actor`."""
    if not act or act != act.strip() or not act.isupper():
        raise ValueError(f"código de ato inválido: {act!r} (ex.: DIST.DISTRIBUIR)")
    target = target if isinstance(target, Target) else Target(*target)
    now = acting.current()
    # Copied as JSON now: a use case that changes its dict afterwards does not change the record, and a value
    # with no JSON form fails here, in the use case, rather than at commit.
    return PendingAct(act, target, tuple(rules), plain(before), plain(after), now.actor, now.correlation_id)


def record_key(service: str, day: date, shard: int) -> str:
    return f"{RECORD_PREFIX}{chain_id(service, day, shard)}"


def _sort_key(at: datetime, chain: str, sequence: int) -> str:
    return f"{_iso(at)}#{chain}#{sequence:010d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def retention_years(settings: ServiceSettings) -> int:
    return int(getattr(settings, "audit_retention_years", None) or DEFAULT_RETENTION_YEARS)


class AuditChains:
    """Builds the transaction items of pending acts (used by the unit of work) and reads chains back."""

    # The heads this process last wrote, by (table, chain): a warm Lambda appending to a chain it wrote last
    # skips reading the head. A stale entry costs one refused transaction, then a read (the condition decides).
    _known: dict[tuple[str, str], tuple[int, str]] = {}

    def __init__(self, settings: ServiceSettings) -> None:
        self._settings = settings
        self.records = bind(AuditItem, settings)
        self.heads = bind(AuditHeadItem, settings)
        self._written: dict[tuple[str, str], tuple[int, str]] = {}

    def operations(self, acts: Sequence[PendingAct], *, fresh: bool = False) -> list[tuple[str, Any, Any]]:
        """The unit-of-work operations that append ``acts``: per record a conditional put, per chain one head write.

        Takes each chain's head from what this process last wrote, else (or with ``fresh``) reads it strongly
        consistent; the head's condition fails the whole transaction if another act advanced it meanwhile —
        the unit of work then calls again with ``fresh=True``. Call :meth:`committed` once the transaction is in.
        """
        service = self._settings.service
        at = clock.now()
        day = at.astimezone(clock.tribunal_tz()).date()
        retain = _add_years(day, retention_years(self._settings)).isoformat()
        ops: list[tuple[str, Any, Any]] = []
        heads: dict[int, tuple[int, int, str]] = {}  # shard -> (length read, length now, last hash)
        for pending in acts:
            shard = shard_of(pending.target, day)
            if shard not in heads:
                known = None if fresh else self._known_head(service, day, shard)
                read, read_hash = known or self._head(service, day, shard)
                heads[shard] = (read, read, read_hash)
            first, length, last_hash = heads[shard]
            record = AuditRecord(
                service=service, day=day, shard=shard, sequence=length + 1, at=at, actor=pending.actor,
                act=pending.act, rules=pending.rules, target=pending.target, correlation_id=pending.correlation_id,
                before=pending.before, after=pending.after, prev_hash=last_hash,
            ).sealed()
            heads[shard] = (first, record.sequence, record.hash)
            when = _sort_key(at, record.chain, record.sequence)
            item = self.records(
                pk=record_key(service, day, shard), sk=f"{record.sequence:010d}",
                gsi1pk=f"{RECORD_PREFIX}ALVO#{service}#{pending.target.key}", gsi1sk=when,
                gsi2pk=f"{RECORD_PREFIX}PESSOA#{service}#{pending.actor.person_key}", gsi2sk=when,
                act=pending.act, actor_id=pending.actor.person_key,
                record=json.dumps(record.as_json(), ensure_ascii=False),
                retain_until=retain,
            )
            ops.append(("save", item, self.records.pk.does_not_exist()))
        for shard, (first, length, last_hash) in heads.items():
            head = self.heads(pk=f"{HEAD_PREFIX}{chain_id(service, day, shard)}", sk=HEAD_SK, length=length,
                              last_hash=last_hash)
            condition: Condition = (self.heads.pk.does_not_exist() if first == 0 else self.heads.length == first)
            ops.append(("save", head, condition))
        self._written = {(self._settings.table_name, chain_id(service, day, shard)): (length, last_hash)
                         for shard, (_, length, last_hash) in heads.items()}
        return ops

    def committed(self) -> None:
        """The transaction of the last :meth:`operations` was written: remember its heads."""
        AuditChains._known.update(self._written)

    def _known_head(self, service: str, day: date, shard: int) -> tuple[int, str]:
        """The head as this process last knew it; the first time a day's chain is needed, every head of the day
        is read in ONE BatchGetItem (a chain with no head yet is known as empty), so a warm process pays one
        round trip per day for its heads, whatever the number of shards."""
        table = self._settings.table_name
        known = self._known.get((table, chain_id(service, day, shard)))
        if known is not None:
            return known
        found = self._day_heads(day)
        for each in range(shards_on(day)):
            AuditChains._known.setdefault((table, chain_id(service, day, each)), found.get(each, (0, GENESIS)))
        return AuditChains._known[(table, chain_id(service, day, shard))]

    def _day_heads(self, day: date) -> dict[int, tuple[int, str]]:
        """``{shard: (length, last hash)}`` of the chains of ``day`` that have a head: ONE strongly consistent
        BatchGetItem of the day's ``shards_on(day)`` heads (at most 100 keys; PynamoDB pages beyond)."""
        service = self._settings.service
        keys = [(f"{HEAD_PREFIX}{chain_id(service, day, shard)}", HEAD_SK) for shard in range(shards_on(day))]
        return {int(head.pk.rsplit("#", 1)[1]): (int(head.length), head.last_hash)
                for head in self.heads.batch_get(keys, consistent_read=True)}

    def _head(self, service: str, day: date, shard: int) -> tuple[int, str]:
        try:
            head = self.heads.get(f"{HEAD_PREFIX}{chain_id(service, day, shard)}", HEAD_SK, consistent_read=True)
            length, last_hash = int(head.length), head.last_hash
        except self.heads.DoesNotExist:
            length, last_hash = 0, GENESIS
        return length, last_hash

    # ------------------------------------------------------------------ reading

    def chain(self, day: date, shard: int, length: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """One chain's records in stored order, and the length its head says it has (``length``: already read).

        The head is read first and records appended after it are left out, so an act committed during the
        check does not look like a record missing at the end.
        """
        service = self._settings.service
        if length is None:
            length = self._head(service, day, shard)[0]
        if length == 0:
            return [], 0
        records = [item.to_json() for item in self.records.query(
            record_key(service, day, shard), self.records.sk <= f"{length:010d}", consistent_read=True)]
        return records, length

    def lengths(self, day: date) -> dict[int, int]:
        """``{shard: length}`` of the chains of ``day`` that have a head (one BatchGetItem)."""
        return {shard: length for shard, (length, _) in self._day_heads(day).items()}

    def verify_day(self, day: date) -> list[tuple[int, int, ChainBreak | None]]:
        """``(shard, records, first break or None)`` for each chain of ``day`` that has a head (an empty chain
        has nothing to verify)."""
        report = []
        for shard, length in sorted(self.lengths(day).items()):
            records, length = self.chain(day, shard, length)
            report.append((shard, len(records), verify_chain(records, expected_length=length)))
        return report

    def by_index(self, index: str, key: str, *, start: datetime | None, end: datetime | None, act: str | None,
                 person: str | None, limit: int, cursor: dict[str, Any] | None
                 ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Records of one target (``index="alvo"``) or one person (``"pessoa"``), oldest first."""
        model_index = self.records.by_gsi1 if index == "alvo" else self.records.by_gsi2
        sort_attr = self.records.gsi1sk if index == "alvo" else self.records.gsi2sk
        prefix = "ALVO" if index == "alvo" else "PESSOA"
        condition = sort_attr.between(_iso(start) if start else "0", _iso(end) if end else "~")
        filters = _filters(self.records, act, person if index == "alvo" else None)
        result = model_index.query(f"{RECORD_PREFIX}{prefix}#{self._settings.service}#{key}", condition,
                                   filter_condition=filters, limit=limit, last_evaluated_key=cursor)
        items = [item.to_json() for item in result]
        return items, result.last_evaluated_key

    def by_days(self, days: Sequence[date], *, act: str | None, person: str | None, limit: int,
                cursor: dict[str, Any] | None) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """Records of a period, chain after chain (day, then shard), each chain in its order."""
        items: list[dict[str, Any]] = []
        filters = _filters(self.records, act, person)
        chains = [(day, shard) for day in days for shard in range(shards_on(day))]
        written: dict[date, dict[int, int]] = {}  # the day's chains that have a head, read when first needed
        position = 0
        start_key = None
        if cursor is not None:
            position = chains.index((date.fromisoformat(cursor["dia"]), int(cursor["cadeia"])))
            start_key = cursor.get("chave") or None
        for day, shard in chains[position:]:
            if day not in written:
                written[day] = self.lengths(day)
            if shard not in written[day]:
                continue  # no head: no record on this chain
            result = self.records.query(record_key(self._settings.service, day, shard), filter_condition=filters,
                                        limit=limit - len(items), last_evaluated_key=start_key)
            items.extend(item.to_json() for item in result)
            start_key = None
            if len(items) >= limit:
                key = result.last_evaluated_key
                if key:
                    return items, {"dia": day.isoformat(), "cadeia": shard, "chave": key}
                following = chains.index((day, shard)) + 1
                if following < len(chains):
                    next_day, next_shard = chains[following]
                    return items, {"dia": next_day.isoformat(), "cadeia": next_shard, "chave": None}
                return items, None
        return items, None


def _filters(model: type[AuditItem], act: str | None, person: str | None) -> Condition | None:
    condition: Condition | None = None
    if act:
        condition = model.act == act
    if person:
        condition = (model.actor_id == person) if condition is None else condition & (model.actor_id == person)
    return condition


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """The instants that open ``first`` and close ``last`` in the tribunal's time zone."""
    tz = clock.tribunal_tz()
    return (datetime.combine(first, time.min, tz), datetime.combine(last + timedelta(days=1), time.min, tz))


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
