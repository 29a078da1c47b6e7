"""In-memory fakes of pagamentos-svc's ports (chalicelib.pagamentos.ports): dicts instead of DynamoDB and S3.

The fake unit of work is atomic like a TransactWriteItems: at ``commit()`` every condition is checked first
(a designation id already there, a juízo guard moved, a memo header or counter at another version, a parked
event gone) and either all writes happen or none does, with :class:`WriteConflict`; the audit records of the
act (``uow.audit``) are kept in ``FakeRepository.audits`` only when it commits. ``before_commit`` hooks
run once at the start of the next commit, to let a "concurrent writer" win between a use case's reads and its
commit, so the one retry (courtlib.retry) is testable without threads.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from chalicelib.pagamentos import codec
from chalicelib.pagamentos.domain.memos import MemoHeader, StoredMemo
from chalicelib.pagamentos.domain.model import Absence, Designation, Line, Month, MonthData, Person
from chalicelib.pagamentos.domain.run import RunSnapshot, StoredLine
from chalicelib.pagamentos.ports import CounterRead
from chalicelib.pagamentos.snapshot import load_run_snapshot

from courtlib.calendar import CourtCalendar
from courtlib.config import TribunalConfig
from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import MagistrateAbsenceRegistered
from tests.unit.audit_fakes import RecordedAct


@dataclass(frozen=True)
class Counter:
    exists: bool
    last: int


@dataclass(frozen=True)
class RunMark:
    state: str | None
    outcome: dict[str, Any] | None = None
    data: dict[str, Any] | None = None


@dataclass
class Parked:
    record: dict[str, Any]
    order: int


@dataclass
class FakeRepository:
    """Every record of pagamentos in dicts, with the reads of the DynamoDB repository."""

    people_by_id: dict[str, Person] = field(default_factory=dict)
    designations: dict[str, dict[str, Any]] = field(default_factory=dict)
    juizo_entries: dict[tuple[str, str], dict[str, dict[str, Any]]] = field(default_factory=dict)
    juizo_versions: dict[tuple[str, str], str] = field(default_factory=dict)
    full_subs: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, dict[tuple[str, str], dict[str, Any]]] = field(default_factory=dict)
    pending: set[str] = field(default_factory=set)
    absences: dict[tuple[date, str], Absence] = field(default_factory=dict)
    parked_events: dict[str, Parked] = field(default_factory=dict)
    allocations: dict[tuple[str, str], str] = field(default_factory=dict)
    headers: dict[tuple[str, str], MemoHeader] = field(default_factory=dict)
    generations: dict[str, dict[int, list[Line]]] = field(default_factory=dict)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    run_marks: dict[str, str] = field(default_factory=dict)
    run_outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[Any] = field(default_factory=list)  # emitted envelopes, committed
    imports: dict[str, dict[str, Any]] = field(default_factory=dict)
    audits: list[RecordedAct] = field(default_factory=list)  # committed audit records, in order
    before_commit: list[Callable[[], None]] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)  # what was written, in order (to assert "nothing")
    _order: itertools.count[int] = field(default_factory=itertools.count)

    def unit_of_work(self, joining: Any = None) -> FakeUnitOfWork:
        return joining if isinstance(joining, FakeUnitOfWork) else FakeUnitOfWork(self)

    # -- reference data ------------------------------------------------------------------------

    def save_people(self, people: Iterable[Person]) -> None:
        for person in people:
            self.people_by_id[person.id] = person
            self.writes.append(f"pessoa {person.id}")

    def get_person(self, person_id: str) -> Person | None:
        return self.people_by_id.get(person_id)

    def people_page(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Person], Any]:
        ids = sorted(i for i in self.people_by_id if start is None or i > start["sk"])
        page = ids[:limit]
        return [self.people_by_id[i] for i in page], ({"sk": page[-1]} if len(ids) > limit else None)

    def people(self) -> dict[str, Person]:
        return dict(self.people_by_id)

    def get_designation(self, designation_id: str) -> dict[str, Any] | None:
        return self.designations.get(designation_id)

    def designations_of(self, person_id: str) -> list[dict[str, Any]]:
        return sorted((d for d in self.designations.values() if d["pessoa"] == person_id),
                      key=lambda d: (d["inicio"], d["id"]))

    def juizo_index(self, juizo: str, kind: str) -> tuple[list[dict[str, Any]], str | None]:
        return list(self.juizo_entries.get((juizo, kind), {}).values()), self.juizo_versions.get((juizo, kind))

    # -- facts of months -----------------------------------------------------------------------

    def month_facts(self, month: Month | str, kind: str | None = None) -> list[dict[str, Any]]:
        return [body for (k, _), body in sorted(self.facts.get(str(month), {}).items()) if kind in (None, k)]

    def facts_of_kind(self, month: Month | str, kind: str) -> list[dict[str, Any]]:
        return self.month_facts(month, kind)

    def month_data(self, month: Month, people: dict[str, Person]) -> MonthData:
        def of(kind: str, decode: Callable[[dict[str, Any]], Any]) -> list[Any]:
            return [decode(body) for body in self.month_facts(month, kind)]

        data = MonthData(month=month, people=people, designations=of("DESIG", codec.designation_from),
                         vacations=of("FERIAS", codec.vacation_from), renounced=of("RENUNCIA", codec.renounced_from),
                         compensations=of("COMPENSACAO", codec.compensation_from),
                         sessions=of("SESSAO", codec.session_from), cooperation=of("COOP", codec.cooperation_from),
                         absences=[a for a in self.absences.values()
                                   if a.start <= month.last and (a.end is None or a.end >= month.first)])
        on_vacation = {v.person for v in data.vacations if v.person in people and people[v.person].cargo == "juiz"}
        for body in self.full_subs:
            if body["pessoa"] in on_vacation:
                data.full_substitutions.setdefault(body["pessoa"], []).append(codec.designation_from(body))
        return data

    def pending_months(self) -> list[str]:
        return sorted(self.pending)

    def delete_pending(self, months: Iterable[str]) -> None:
        for month in months:
            self.pending.discard(month)
            self.writes.append(f"pendencia apagada {month}")

    # -- parked events --------------------------------------------------------------------------

    def parked(self, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
        ordered = sorted(self.parked_events.values(), key=lambda p: p.order)
        after = [p for p in ordered if start is None or p.order > start["ordem"]]
        page = after[:limit]
        return [p.record for p in page], ({"ordem": page[-1].order} if len(after) > limit else None)

    def get_parked(self, event_id: str) -> dict[str, Any] | None:
        parked = self.parked_events.get(event_id)
        return parked.record if parked else None

    # -- the run and the memos ---------------------------------------------------------------------

    def run_snapshot(self, month: Month) -> RunSnapshot:
        return load_run_snapshot(self, month)

    def allocation(self, category: str, origin: Month | str) -> str | None:
        return self.allocations.get((category, str(origin)))

    def allocate(self, category: str, origin: Month | str, month: str, expected: str | None) -> None:
        self._run_hooks()
        if self.allocations.get((category, str(origin))) != expected:
            raise WriteConflict()
        self.allocations[(category, str(origin))] = month
        self.writes.append(f"alocacao {category} {origin} → {month}")

    def memo_headers_of_month(self, month: Month | str) -> dict[str, MemoHeader]:
        return {c: h for (m, c), h in self.headers.items() if m == str(month)}

    def lines_of(self, the_id: str, generation: int) -> list[Line]:
        return list(self.generations.get(the_id, {}).get(generation, []))

    def lines_from(self, category: str, origin: Month | str) -> list[StoredLine]:
        return [StoredLine(the_id, generation, line)
                for the_id, generations in sorted(self.generations.items()) if the_id.endswith(f"-{category}")
                for generation, lines in sorted(generations.items())
                for line in lines if line.adjustment and line.origin_month == str(origin)]

    def memo(self, month: Month | str, category: str) -> StoredMemo | None:
        header = self.headers.get((str(month), category))
        if header is None:
            return None
        return StoredMemo(header, self.lines_of(header.id, header.generation))

    def _check_version(self, header: MemoHeader) -> None:
        stored = self.headers.get((header.month, header.category))
        if (stored.version if stored else None) != header.version:
            raise WriteConflict()

    def _put_header(self, header: MemoHeader) -> MemoHeader:
        saved = replace(header, version=(header.version or 0) + 1)
        self.headers[(header.month, header.category)] = saved
        self.writes.append(f"memorando {header.id} {header.status} g{header.generation}")
        return saved

    def save_header(self, header: MemoHeader) -> MemoHeader:
        self._run_hooks()
        self._check_version(header)
        return self._put_header(header)

    def publish_generation(self, draft: MemoHeader, lines: list[Line], at: datetime) -> MemoHeader:
        stored = self.generations.setdefault(draft.id, {})
        generation = max([draft.generation, *stored]) + 1
        self.write_generation(draft.id, draft.category, generation, lines)
        try:
            current = self.save_header(draft.regenerated(lines, generation, at))
        except WriteConflict:
            del stored[generation]
            raise
        for old in [g for g in stored if g != generation]:
            del stored[old]
        return current

    def write_generation(self, the_id: str, category: str, generation: int, lines: list[Line]) -> None:
        self.generations.setdefault(the_id, {})[generation] = sorted(lines, key=lambda line: line.key)
        self.writes.append(f"linhas {the_id} g{generation}")

    def memo_counter(self, division: str, year: int) -> Counter:
        last = self.counters.get((division, year))
        return Counter(last is not None, last or 0)

    def run_request(self, month: Month | str) -> dict[str, Any] | None:
        found = self.run_requests.get(str(month))
        return None if found is None else json.loads(json.dumps(found))

    def run_mark(self, month: Month | str) -> RunMark:
        return RunMark(self.run_marks.get(str(month)), self.run_outcomes.get(str(month)))

    def acts(self) -> list[str]:
        return [record.act for record in self.audits]

    def _run_hooks(self) -> None:
        hooks, self.before_commit[:] = list(self.before_commit), []
        for hook in hooks:
            hook()


class FakeUnitOfWork:
    """Collects (condition, write) pairs; ``commit`` checks every condition, then writes all or nothing."""

    def __init__(self, repository: FakeRepository) -> None:
        self._repo = repository
        self._checks: list[Callable[[], bool]] = []
        self._writes: list[Callable[[], object]] = []
        self._audits: list[RecordedAct] = []
        self.committed = False

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        self._audits.append(RecordedAct.of(act, target, rules, before, after))

    def save_person(self, person: Person, read: dict[str, Any] | None) -> None:
        def write() -> None:
            self._repo.people_by_id[person.id] = person
            self._repo.writes.append(f"pessoa {person.id}")

        def unchanged() -> bool:
            stored = self._repo.people_by_id.get(person.id)
            return (codec.person_to(stored) if stored is not None else None) == read

        self._add(write, unchanged)

    def mark_run(self, month: Month | str, read: Any, state: str, outcome: dict[str, Any]) -> None:
        def write() -> None:
            self._repo.run_marks[str(month)] = state
            self._repo.run_outcomes[str(month)] = outcome
            self._repo.writes.append(f"execucao {month}")

        self._add(write, lambda: self._repo.run_marks.get(str(month)) == read.state)

    def put_run_request(self, month: Month | str, request: Mapping[str, Any],
                        read: Mapping[str, Any] | None) -> None:
        copied = json.loads(json.dumps(request))

        def write() -> None:
            self._repo.run_requests[str(month)] = copied
            self._repo.writes.append(f"solicitacao {month}")

        self._add(write, lambda: self._repo.run_requests.get(str(month)) == (None if read is None else dict(read)))

    def emit(self, event: Any) -> None:
        self._add(lambda: self._repo.events.append(event), lambda: True)

    def mark_import(self, import_id: str, summary: dict[str, Any]) -> None:
        def write() -> None:
            self._repo.imports[import_id] = summary
            self._repo.writes.append(f"importacao {import_id}")

        self._add(write)

    def _add(self, write: Callable[[], object], check: Callable[[], bool] | None = None) -> None:
        if check is not None:
            self._checks.append(check)
        self._writes.append(write)

    def add_designation(self, designation: Designation, body: dict[str, Any], juizo_version: str | None) -> None:
        repo, d = self._repo, designation
        key = (d.juizo, d.kind)

        def write() -> None:
            repo.designations[d.id] = body
            repo.juizo_versions[key] = str(int(juizo_version or "0") + 1)
            repo.juizo_entries.setdefault(key, {})[d.id] = {
                "id": d.id, "pessoa": d.person, "inicio": d.period.start.isoformat(),
                "fim": d.period.end.isoformat()}
            if d.kind == "substituicao" and d.plena:
                repo.full_subs.append(body)
            repo.writes.append(f"designacao {d.id}")

        self._add(write, lambda: d.id not in repo.designations and repo.juizo_versions.get(key) == juizo_version)

    def add_fact(self, month: Month | str, kind: str, key: str, body: dict[str, Any],
                 event_id: str | None = None) -> None:
        def write() -> None:
            self._repo.facts.setdefault(str(month), {})[(kind, key)] = body
            self._repo.writes.append(f"fato {month} {kind} {key}")

        self._add(write)

    def mark_pending(self, month: Month | str) -> None:
        self._add(lambda: self._repo.pending.add(str(month)))

    def record_absence(self, event: MagistrateAbsenceRegistered, event_id: str) -> None:
        def write() -> None:
            self._repo.absences[(event.inicio, event.magistrado)] = Absence(
                event.magistrado, event.inicio, event.fim, event.motivo)
            self._repo.writes.append(f"ausencia {event.magistrado}")

        self._add(write)

    def park(self, envelope_json: str, event_id: str, event_type: str, reason: str, code: str) -> None:
        record = {"id": event_id, "tipo": event_type, "motivo": reason, "codigo": code, "envelope": envelope_json}

        def write() -> None:
            self._repo.parked_events[event_id] = Parked(record, next(self._repo._order))
            self._repo.writes.append(f"estacionado {event_id}")

        self._add(write)

    def unpark(self, event_id: str) -> None:
        self._add(lambda: self._repo.parked_events.pop(event_id) and None,
                  lambda: event_id in self._repo.parked_events)

    def set_memo_counter(self, division: str, year: int, read: CounterRead, last: int) -> None:
        def write() -> None:
            self._repo.counters[(division, year)] = last

        self._add(write, lambda: self._repo.counters.get((division, year)) == (read.last if read.exists else None))

    def save_header(self, header: MemoHeader) -> None:
        def check() -> bool:
            stored = self._repo.headers.get((header.month, header.category))
            return (stored.version if stored else None) == header.version

        self._add(lambda: self._repo._put_header(header) and None, check)

    def commit(self) -> None:
        assert not self.committed, "a unit of work is used once"
        self._repo._run_hooks()
        if not all(check() for check in self._checks):
            raise WriteConflict()
        for write in self._writes:
            write()
        self._repo.audits.extend(self._audits)
        self.committed = True


@dataclass
class FakeDocumentStore:
    objects: dict[str, bytes] = field(default_factory=dict)

    def put(self, the_id: str, documents: dict[str, tuple[bytes, str]]) -> dict[str, str]:
        out = {}
        for extension, (body, _) in documents.items():
            key = f"pagamentos/memorandos/{the_id[:4]}/{the_id}.{extension}"
            self.objects[key] = body
            out[f"{extension}_chave"] = key
        return out


@dataclass
class FakeCalendar:
    """The court calendar: the national holidays (CourtCalendar's own) and the entries given."""

    entries: list[Any] = field(default_factory=list)

    def calendar_for(self, config: TribunalConfig, years: Iterable[int]) -> CourtCalendar:
        return CourtCalendar(uf="MT", entries=self.entries)


def fake_pdf(*, memo_id: str, status: str, lines: Any, number: str | None = None, **_: Any) -> bytes:
    """Stands for the PDF renderer (tested on its own in test_documents.py)."""
    return f"PDF {memo_id} {status} {number or 'minuta'} {len(lines)} linha(s)".encode()
