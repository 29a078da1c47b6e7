"""In-memory fakes of cooperacao-svc's ports (chalicelib/cooperacao/ports.py), for use-case tests without moto.

Each fake keeps what the adapter would keep, serialised to JSON and back where the adapter stores JSON (a use
case that mutated what it read would be caught). A :class:`FakeTransaction` is atomic: ``commit()`` checks every
condition against the current state first and applies all its writes only if all hold, else raises
:class:`courtlib.errors.WriteConflict` and applies nothing. ``concurrently(...)`` runs a writer just before the
next commit's checks, as another request would between a use case's reads and its write.

Audit records (``tx.audit(...)`` or an :class:`~chalicelib.cooperacao.ports.Audit` given to a write) are kept in
``repo.audits`` as :class:`RecordedAct`, in JSON form, only when their transaction commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from chalicelib.cooperacao.domain.model import (
    Cooperation,
    Designation,
    Leave,
    Portaria,
    Servant,
    TimeRecord,
    Unit,
    UnitContext,
)
from chalicelib.cooperacao.domain.rules import Assessment
from chalicelib.cooperacao.ports import Audit, MonthTotal, TimeRecordReads
from chalicelib.cooperacao.shards import MONTH_SHARDS, part_shards, shard_of

from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import Envelope
from tests.unit.audit_fakes import RecordedAct


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(data, default=str))


def _page(items: list[Any], key: Callable[[Any], str], limit: int, start: str | None) -> tuple[list[Any], str | None]:
    """Items after ``start`` (a key), ``limit`` of them, and the last key when the page is full."""
    rest = [i for i in items if start is None or key(i) > start]
    page = rest[:limit]
    return page, (key(page[-1]) if len(page) == limit and page else None)


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeWorkingDays:
    """CAL-01 as a set of holidays (per municipality, or everywhere with ``None``); weekends are never working."""

    holidays: set[tuple[date, str | None]] = field(default_factory=set)

    def __call__(self, day: date, municipality: str | None, /) -> bool:
        return day.weekday() < 5 and (day, None) not in self.holidays and (day, municipality) not in self.holidays


class _Concurrency:
    """Writers to run, once each, at the start of the next commit (another request winning the race)."""

    def __init__(self) -> None:
        self._pending: list[Callable[[], None]] = []
        self.commits = 0
        self.conflicts = 0

    def concurrently(self, writer: Callable[[], None], times: int = 1) -> None:
        self._pending.extend([writer] * times)

    def _run_pending(self) -> None:
        if self._pending:
            writer = self._pending.pop(0)
            writer()


class FakeTransaction:
    def __init__(self, repo: FakeCooperacaoRepository) -> None:
        self._repo = repo
        self._checks: list[Callable[[], bool]] = []
        self._writes: list[Callable[[], None]] = []

    def _stage(self, check: Callable[[], bool], write: Callable[[], None]) -> None:
        self._checks.append(check)
        self._writes.append(write)

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        entry = RecordedAct.of(act, target, rules, before, after)  # JSON now, as courtlib does
        self._stage(lambda: True, lambda: self._repo.audits.append(entry))

    def put_servant(self, servant: Servant, read_version: int) -> None:
        repo = self._repo
        self._stage(lambda: repo.servant_versions.get(servant.id, 0) == read_version,
                    lambda: repo.put_servant(servant))

    def put_unit(self, unit: Unit, read_version: int) -> None:
        repo = self._repo
        self._stage(lambda: repo.unit_versions.get(unit.id, 0) == read_version, lambda: repo.put_unit(unit))

    def put_leave(self, leave: Leave) -> None:
        self._stage(lambda: True, lambda: self._repo.put_leave(leave))

    def put_designation(self, designation: Designation) -> None:
        self._stage(lambda: True, lambda: self._repo.put_designation(designation))

    def put_final_date(self, day: date) -> None:
        self._stage(lambda: True, lambda: self._repo.put_final_date(day))

    def put_close_marker(self, month: str, marker: Mapping[str, Any]) -> None:
        copied = _copy(marker)
        self._stage(lambda: True, lambda: self._repo.close_markers.__setitem__(month, copied))

    def put_close_part(self, month: str, run: int, part: int, counts: Mapping[str, Any]) -> None:
        repo, copied, key = self._repo, _copy(counts), (month, run, part)
        self._stage(lambda: key not in repo.close_part_items, lambda: repo.close_part_items.__setitem__(key, copied))

    def put_close_request(self, month: str, request: Mapping[str, Any], read_version: int) -> None:
        repo, copied = self._repo, _copy(request)
        self._stage(lambda: repo.close_requests.get(month, ({}, 0))[1] == read_version,
                    lambda: repo.close_requests.__setitem__(month, (copied, read_version + 1)))

    def add_cooperation(self, coop: Cooperation) -> None:
        repo = self._repo
        self._stage(lambda: coop.id not in repo.cooperations_by_id,
                    lambda: repo.cooperations_by_id.__setitem__(coop.id, (coop, 1)))

    def replace_cooperation(self, coop: Cooperation, read_version: int) -> None:
        repo = self._repo
        self._stage(lambda: repo.cooperations_by_id.get(coop.id, (None, -1))[1] == read_version,
                    lambda: repo.cooperations_by_id.__setitem__(coop.id, (coop, read_version + 1)))

    def guard_unit(self, unit_id: str, read_version: int) -> None:
        self._guard(self._repo.unit_versions, unit_id, read_version)

    def guard_servant(self, servant_id: str, read_version: int) -> None:
        self._guard(self._repo.servant_versions, servant_id, read_version)

    def _guard(self, versions: dict[str, int], key: str, read_version: int) -> None:
        self._stage(lambda: versions.get(key, 0) == read_version,
                    lambda: versions.__setitem__(key, versions.get(key, 0) + 1))

    def record_decision(self, coop_id: str, version: int, decision: Mapping[str, Any]) -> None:
        repo = self._repo
        self._stage(lambda: True, lambda: repo.decision_log.setdefault(coop_id, {}).__setitem__(version,
                                                                                                  _copy(decision)))

    def add_time_record(self, record: TimeRecord, servant: Servant, month: MonthTotal | None,
                        cap_minutes: int) -> None:
        repo = self._repo
        key = (servant.id, record.month)

        def holds() -> bool:
            current = repo.month_totals_by_key.get(key)
            if record.start.isoformat() in repo.records.get(key, {}):
                return False
            if month is None:
                return current is None
            return (current is not None and current.version == month.version
                    and current.minutes <= cap_minutes - record.minutes)

        def write() -> None:
            current = repo.month_totals_by_key.get(key) or MonthTotal(servant.id, servant.name, record.month)
            repo.month_totals_by_key[key] = replace(current, name=servant.name, version=current.version + 1,
                                                    minutes=current.minutes + record.minutes)
            repo.records.setdefault(key, {})[record.start.isoformat()] = record

        self._stage(holds, write)

    def publish_assessment(self, assessment: Assessment) -> None:
        repo = self._repo
        key = (assessment.servant, assessment.month)

        def holds() -> bool:
            current = repo.month_totals_by_key.get(key)
            return current is not None and current.published_revision == assessment.revision - 1

        def write() -> None:
            repo.month_totals_by_key[key] = replace(repo.month_totals_by_key[key],
                                                    published_revision=assessment.revision,
                                                    published_minutes=assessment.total_minutes,
                                                    published_value=assessment.total_value)

        self._stage(holds, write)

    def emit(self, event: Envelope) -> None:
        self._stage(lambda: True, lambda: self._repo.events.append(event))

    def commit(self) -> None:
        repo = self._repo
        repo._run_pending()
        if not all(check() for check in self._checks):
            repo.conflicts += 1
            raise WriteConflict("a condition failed")
        for write in self._writes:
            write()
        repo.commits += 1


class FakeCooperacaoRepository(_Concurrency):
    """Dict-backed :class:`~chalicelib.cooperacao.ports.CooperacaoRepository`."""

    def __init__(self) -> None:
        super().__init__()
        self.servants_by_id: dict[str, Servant] = {}
        self.servant_versions: dict[str, int] = {}
        self.units_by_id: dict[str, Unit] = {}
        self.unit_versions: dict[str, int] = {}
        self.annexes: dict[str, dict[str, int]] = {}
        self.portarias_by_id: dict[str, Portaria] = {}
        self.leaves: list[Leave] = []
        self.designations: list[Designation] = []
        self.norm_final_date: date | None = None
        self.cooperations_by_id: dict[str, tuple[Cooperation, int]] = {}
        self.decision_log: dict[str, dict[int, dict[str, Any]]] = {}
        self.month_totals_by_key: dict[tuple[str, str], MonthTotal] = {}
        self.records: dict[tuple[str, str], dict[str, TimeRecord]] = {}
        self.close_markers: dict[str, dict[str, Any]] = {}
        self.close_requests: dict[str, tuple[dict[str, Any], int]] = {}
        self.close_part_items: dict[tuple[str, int, int], dict[str, Any]] = {}
        self.parts = 4  # a new close run fans out in 4 parts (the setting fechamento_partes; production: 64)
        self.events: list[Envelope] = []
        self.audits: list[RecordedAct] = []

    def transaction(self) -> FakeTransaction:
        return FakeTransaction(self)

    # reference data ------------------------------------------------------------------------------

    def servant(self, servant_id: str) -> tuple[Servant, int] | None:
        found = self.servants_by_id.get(servant_id)
        return None if found is None else (found, self.servant_versions.get(servant_id, 0))

    def put_servant(self, servant: Servant) -> None:
        self.servants_by_id[servant.id] = servant
        self.servant_versions[servant.id] = self.servant_versions.get(servant.id, 0) + 1

    def servants(self, limit: int, start: Any) -> tuple[list[Servant], Any]:
        return _page(sorted(self.servants_by_id.values(), key=lambda s: s.id), lambda s: s.id, limit, start)

    def unit(self, unit_id: str) -> Unit | None:
        return self.units_by_id.get(unit_id)

    def recent_unit(self, unit_id: str) -> Unit | None:
        return self.unit(unit_id)

    def unit_versioned(self, unit_id: str) -> tuple[Unit, int] | None:
        found = self.units_by_id.get(unit_id)
        return None if found is None else (found, self.unit_versions.get(unit_id, 0))

    def put_unit(self, unit: Unit) -> None:
        self.units_by_id[unit.id] = unit
        self.unit_versions[unit.id] = self.unit_versions.get(unit.id, 0) + 1

    def units(self, limit: int, start: Any) -> tuple[list[Unit], Any]:
        return _page(sorted(self.units_by_id.values(), key=lambda u: u.id), lambda u: u.id, limit, start)

    def unit_context(self, unit_id: str, from_day: date) -> tuple[UnitContext, int] | None:
        unit = self.units_by_id.get(unit_id)
        if unit is None:
            return None
        annexes = {annex: quotas[unit_id] for annex, quotas in self.annexes.items() if unit_id in quotas}
        portarias = tuple(replace(p, quotas={unit_id: p.quotas[unit_id]})
                          for p in sorted(self.portarias_by_id.values(), key=lambda p: p.id) if unit_id in p.quotas)
        context = UnitContext(unit, annexes, portarias, tuple(x for x in self.leaves if x.unit == unit_id),
                              tuple(x for x in self.designations if x.unit == unit_id),
                              tuple(self.unit_cooperations(unit_id, from_day)))
        return context, self.unit_versions.get(unit_id, 0)

    def annex(self, annex: str) -> dict[str, int]:
        return dict(sorted(self.annexes.get(annex, {}).items()))

    def replace_annex(self, annex: str, quotas: Mapping[str, int]) -> None:
        self.annexes[annex] = dict(quotas)

    def put_portaria(self, portaria: Portaria, audit: Audit | None) -> None:
        self.portarias_by_id[portaria.id] = portaria
        if audit is not None:
            self.audits.append(RecordedAct.of(audit.act, audit.target, audit.rules, audit.before, audit.after))

    def portaria(self, portaria_id: str) -> Portaria | None:
        return self.portarias_by_id.get(portaria_id)

    def portarias(self) -> list[dict[str, Any]]:
        ordered = sorted(self.portarias_by_id.values(), key=lambda p: (p.period.start, p.id))
        return [_copy({"id": p.id, "modalidade": p.modality, "inicio": p.period.start.isoformat(),
                       "fim": p.period.end.isoformat(), "unidades": p.quotas, "ampliada": p.widened})
                for p in ordered]

    def put_leave(self, leave: Leave) -> None:
        self.leaves = [x for x in self.leaves if (x.unit, x.servant, x.period.start) !=
                       (leave.unit, leave.servant, leave.period.start)] + [leave]

    def put_designation(self, designation: Designation) -> None:
        d = designation
        self.designations = [x for x in self.designations if (x.unit, x.servant, x.period.start) !=
                             (d.unit, d.servant, d.period.start)] + [d]

    def final_date(self, default: date) -> date:
        return default if self.norm_final_date is None else self.norm_final_date

    def put_final_date(self, day: date) -> None:
        self.norm_final_date = day

    # cooperations --------------------------------------------------------------------------------

    def cooperation(self, coop_id: str) -> tuple[Cooperation, int] | None:
        return self.cooperations_by_id.get(coop_id)

    def _ordered(self, keep: Callable[[Cooperation], bool], from_day: date | None) -> Iterator[Cooperation]:
        coops = [c for c, _ in self.cooperations_by_id.values() if keep(c)]
        for c in sorted(coops, key=lambda c: (c.period.end, c.id)):
            if from_day is None or c.period.end >= from_day:
                yield c

    def servant_cooperations(self, servant_id: str, from_day: date | None = None) -> Iterator[Cooperation]:
        return self._ordered(lambda c: c.servant == servant_id, from_day)

    def unit_cooperations(self, unit_id: str, from_day: date) -> Iterator[Cooperation]:
        return self._ordered(lambda c: c.unit == unit_id, from_day)

    def decisions(self, coop_id: str) -> list[dict[str, Any]]:
        return [_copy(d) for _, d in sorted(self.decision_log.get(coop_id, {}).items())]

    # pontos and the monthly close ----------------------------------------------------------------

    def month(self, servant_id: str, month: str) -> tuple[MonthTotal | None, list[TimeRecord]]:
        key = (servant_id, month)
        return self.month_totals_by_key.get(key), list(self.records.get(key, {}).values())

    def month_by_key(self, servant_id: str, month: str) -> tuple[MonthTotal | None, list[TimeRecord]]:
        return self.month(servant_id, month)

    def time_record_reads(self, coop_id: str, servant_id: str, month: str) -> TimeRecordReads:
        return TimeRecordReads(self.cooperation(coop_id), self.servant(servant_id), *self.month(servant_id, month))

    def month_parts(self) -> int:
        return self.parts

    def month_totals(self, month: str, part: int | None = None, parts: int | None = None) -> Iterator[MonthTotal]:
        if part is not None and parts is None:
            raise ValueError("a part of the month needs the run's part count")
        shards = range(MONTH_SHARDS) if part is None or parts is None else part_shards(part, parts)
        for (servant, m), total in sorted(self.month_totals_by_key.items()):
            if m == month and shard_of(servant) in shards:  # the adapter's shards and part → shards rule
                yield total

    def close_parts(self, month: str, run: int) -> dict[int, dict[str, Any]]:
        return {part: _copy(counts) for (m, r, part), counts in self.close_part_items.items() if (m, r) == (month, run)}

    def month_total(self, servant_id: str, month: str) -> MonthTotal | None:
        return self.month_totals_by_key.get((servant_id, month))

    def close_request(self, month: str) -> tuple[dict[str, Any], int] | None:
        found = self.close_requests.get(month)
        return None if found is None else (_copy(found[0]), found[1])

    def close_marker(self, month: str) -> dict[str, Any] | None:
        marker = self.close_markers.get(month)
        return None if marker is None else _copy(marker)


class FakeJudicialRepository(_Concurrency):
    """Dict-backed :class:`~chalicelib.cooperacao.ports.JudicialRepository`."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
        self.acts_by_id: dict[str, dict[str, Any]] = {}
        self.audits: list[RecordedAct] = []

    def add_request(self, origin: str, origin_id: str, request: Mapping[str, Any], audit: Audit) -> None:
        self._run_pending()
        if (origin, origin_id) in self.requests:
            self.conflicts += 1
            raise WriteConflict("request exists")
        self.requests[(origin, origin_id)] = (_copy(request), 1)
        self.audits.append(RecordedAct.of(audit.act, audit.target, audit.rules, audit.before, audit.after))
        self.commits += 1

    def request(self, origin: str, origin_id: str) -> tuple[dict[str, Any], int] | None:
        found = self.requests.get((origin, origin_id))
        return None if found is None else (_copy(found[0]), found[1])

    def _received_order(self, keep: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
        return sorted((_copy(r) for r, _ in self.requests.values() if keep(r)),
                      key=lambda r: f"{r['recebido_em']}#{r['origem']}#{r['id']}")

    def requests_of(self, origin: str, limit: int, start: Any) -> tuple[list[dict[str, Any]], Any]:
        return _page(self._received_order(lambda r: r["origem"] == origin), lambda r: f"{r['recebido_em']}#{r['id']}",
                     limit, start)

    def all_requests(self, limit: int, start: Any) -> tuple[list[dict[str, Any]], Any]:
        return _page(self._received_order(lambda r: True), lambda r: f"{r['recebido_em']}#{r['origem']}#{r['id']}",
                     limit, start)

    def save_deliberation(self, origin: str, origin_id: str, request: Mapping[str, Any], read_version: int,
                          act: Mapping[str, Any] | None, audit: Audit) -> None:
        self._run_pending()
        current = self.requests.get((origin, origin_id))
        if current is None or current[1] != read_version:
            self.conflicts += 1
            raise WriteConflict("request changed")
        self.requests[(origin, origin_id)] = (_copy(request), read_version + 1)
        if act is not None:
            self.acts_by_id[act["id"]] = _copy(act)
        self.audits.append(RecordedAct.of(audit.act, audit.target, audit.rules, audit.before, audit.after))
        self.commits += 1

    def put_act(self, act: Mapping[str, Any], audit: Audit) -> None:
        self.acts_by_id[act["id"]] = _copy(act)
        self.audits.append(RecordedAct.of(audit.act, audit.target, audit.rules, audit.before, audit.after))

    def act(self, act_id: str) -> dict[str, Any] | None:
        found = self.acts_by_id.get(act_id)
        return None if found is None else _copy(found)

    def acts(self, year: int | None) -> Iterator[dict[str, Any]]:
        ordered = sorted(self.acts_by_id.values(), key=lambda a: f"{a['data']}#{a['id']}", reverse=True)
        for act in ordered:
            if year is None or str(act["data"]).startswith(f"{year:04d}-"):
                yield _copy(act)
