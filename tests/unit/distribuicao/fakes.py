"""In-memory fakes of distribuicao-svc's ports (``chalicelib/distribuicao/ports.py``), for use-case tests without
moto or sockets.

Each write is a unit of work as on DynamoDB: every condition is checked first (the case row absent, the head
and version as read), then every change is applied together — all or nothing. A stale version or head raises
:class:`courtlib.errors.WriteConflict`. ``concurrent_write`` queues another writer's change, applied just
before the next unit of work checks its conditions (between the use case's read and its write), so the retry
on conflict is exercised for real.

Every write takes the act it performs (``act=``, see ``ports.Act``) and keeps it in ``audits`` only when the unit of
work commits, as the table keeps the audit record only with its act.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.distribuicao.domain.cnj import (
    MAX_SEQUENTIAL,
    CnjError,
    CnjNumber,
    CnjPart,
    NumberingCounter,
    allocate_number,
)
from chalicelib.distribuicao.domain.draw import CaseData, Decision, OrgaoState
from chalicelib.distribuicao.domain.equality import Counters
from chalicelib.distribuicao.domain.judges import Judge, Orgao, Seat
from chalicelib.distribuicao.domain.log import CaseDetails, DrawRecord, LogHead
from chalicelib.distribuicao.domain.precatorias import Election, Zone, ZoneState, log_id_of
from chalicelib.distribuicao.domain.randomness import DailySeed
from chalicelib.distribuicao.ports import (
    Act,
    ActPending,
    CartaExists,
    CaseAlreadyDistributed,
    PageKey,
    PendingAct,
    PendingCarta,
    PublishedSeed,
    StoredCarta,
    StoredCase,
    StoredOrgao,
    StoredZones,
)

from courtlib.beacon.local import LocalBeacon
from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import Envelope


@dataclass
class _OrgaoRows:
    name: str
    classes: tuple[str, ...]
    seats: dict[str, Seat]
    judges: dict[str, tuple[Judge, bool]]
    head: LogHead = field(default_factory=LogHead)
    counters: Counters = field(default_factory=Counters)
    version: int = 1
    queue: dict[int, PendingAct] = field(default_factory=dict)
    queued: int = 0


@dataclass
class _ZoneRows:
    zones: tuple[Zone, ...]
    head: LogHead = field(default_factory=LogHead)
    counters: Counters = field(default_factory=Counters)
    version: int = 1
    queue: dict[int, PendingCarta] = field(default_factory=dict)
    queued: int = 0


class _Concurrency:
    """Other writers' changes, each applied once just before the next unit of work checks its conditions."""

    def __init__(self) -> None:
        self._pending: list[Callable[[], None]] = []
        self.commits = 0
        self.conflicts = 0
        self.audits: list[Act] = []

    def _audit(self, act: Act | None) -> None:
        if act is not None:
            self.audits.append(act)

    def concurrent_write(self, change: Callable[[], None], times: int = 1) -> None:
        self._pending.extend([change] * times)

    def _before_commit(self) -> None:
        self.commits += 1
        if self._pending:
            self._pending.pop(0)()

    def _conflict(self) -> WriteConflict:
        self.conflicts += 1
        return WriteConflict()


class FakeOrgaoRepository(_Concurrency):
    """:class:`~chalicelib.distribuicao.ports.OrgaoRepository` in dicts; ``outbox`` keeps the events committed."""

    def __init__(self) -> None:
        super().__init__()
        self.orgaos: dict[str, _OrgaoRows] = {}
        self.logs: dict[str, dict[int, tuple[DrawRecord, CaseDetails | None]]] = {}
        self.cases: dict[str, StoredCase] = {}
        self.numbering: dict[tuple[int, int], int] = {}
        self.outbox: list[Envelope] = []
        self.registrations: dict[str, PendingAct] = {}  # the table's PROCESSO#<digits> / REGISTRO items

    # reads -----------------------------------------------------------------------------------------

    def load_orgao(self, orgao_id: str) -> StoredOrgao | None:
        rows = self.orgaos.get(orgao_id)
        if rows is None:
            return None
        orgao = Orgao(orgao_id, tuple(rows.seats[k] for k in sorted(rows.seats)),
                      tuple(rows.judges[k][0] for k in sorted(rows.judges)))
        keys = {"ORGAO", "CABECA", *(f"CADEIRA#{k}" for k in rows.seats), *(f"JUIZ#{k}" for k in rows.judges)}
        return StoredOrgao(OrgaoState(orgao, rows.counters, rows.head), rows.name, rows.classes, rows.version,
                           frozenset(k for k, (_, d) in rows.judges.items() if d), frozenset(keys),
                           tuple(rows.queue[k] for k in sorted(rows.queue)), rows.queued)

    def known_orgao(self, orgao_id: str) -> StoredOrgao | None:
        return None  # a container that remembers nothing: every use case reads (the adapter's tests cover it)

    def orgao_exists(self, orgao_id: str) -> bool:
        return orgao_id in self.orgaos

    def orgao_ids(self) -> list[str]:
        return sorted(self.orgaos)

    def orgaos_page(self, limit: int, start: PageKey) -> tuple[list[dict[str, Any]], PageKey]:
        ids = [i for i in sorted(self.orgaos) if start is None or i > start["id"]]
        page = [{"id": i, "nome": self.orgaos[i].name, "classes": list(self.orgaos[i].classes)} for i in ids[:limit]]
        return page, ({"id": page[-1]["id"]} if len(ids) > limit else None)

    def members_page(self, orgao_id: str, limit: int, start: PageKey) -> tuple[list[tuple[Judge, bool]], PageKey]:
        judges = self.orgaos[orgao_id].judges if orgao_id in self.orgaos else {}
        ids = [i for i in sorted(judges) if start is None or i > start["id"]]
        return [judges[i] for i in ids[:limit]], ({"id": ids[limit - 1]} if len(ids) > limit else None)

    def get_case(self, number: CnjNumber) -> StoredCase | None:
        return self.cases.get(number.digits)

    def pending_cases(self, orgao_id: str) -> list[StoredCase]:
        return [c for c in self.cases.values() if c.orgao == orgao_id and c.pending]

    def records(self, log_id: str, seqs: Iterable[int] | None = None) -> list[tuple[DrawRecord, CaseDetails | None]]:
        log = self.logs.get(log_id, {})
        wanted = sorted(log) if seqs is None else sorted(set(seqs) & set(log))
        return [log[s] for s in wanted]

    # units of work ---------------------------------------------------------------------------------

    def replace_orgao(self, orgao: Orgao, *, name: str, classes: Sequence[str], desembargadores: Iterable[str],
                      existing: StoredOrgao | None, act: Act | None) -> None:
        self._before_commit()
        current = self.orgaos.get(orgao.id)
        if (existing is None) != (current is None) or (current and existing and current.version != existing.version) \
                or (current and current.queue):
            raise self._conflict()
        chosen = set(desembargadores)
        seats = {s.id: s for s in orgao.seats}
        judges = {j.id: (j, j.id in chosen) for j in orgao.judges}
        if current is None:
            self.orgaos[orgao.id] = _OrgaoRows(name, tuple(classes), seats, judges)
        else:
            self.orgaos[orgao.id] = replace(current, name=name, classes=tuple(classes), seats=seats, judges=judges,
                                            version=current.version + 1)
        self._audit(act)

    def save_judge(self, stored: StoredOrgao, judge: Judge, events: Iterable[Envelope] = (), *, act: Act) -> None:
        self._before_commit()
        current = self.orgaos.get(stored.id)
        if current is None or current.version != stored.version or current.queue:
            raise self._conflict()
        judges = {**current.judges, judge.id: (judge, judge.id in stored.desembargadores)}
        self.orgaos[stored.id] = replace(current, judges=judges, version=current.version + 1)
        self.outbox.extend(events)
        self._audit(act)

    def commit_decision(self, stored: StoredOrgao, decision: Decision, case: CaseData, *,
                        previous: StoredCase | None = None, events: Iterable[Envelope] = (),
                        act: Act, resolves: PendingAct | None = None) -> StoredCase:
        if decision.expected_head != stored.state.head:
            raise self._conflict()
        self._before_commit()
        queue = self.orgaos[stored.id].queue if stored.id in self.orgaos else {}
        if (resolves is None and queue) or (resolves is not None and queue.get(resolves.order) != resolves):
            raise self._conflict()  # acts awaiting their round come first / this one was resolved by another
        row = StoredCase.after(stored.id, decision, case, previous)
        current_row = self.cases.get(case.number.digits)
        if previous is None and current_row is not None:
            if resolves is not None:
                raise self._conflict()  # another resolver drew it: read again
            raise CaseAlreadyDistributed()  # operation 0 of the transaction: the case row must be absent
        if previous is not None and (current_row is None or current_row.current_seq != previous.current_seq):
            raise self._conflict()
        current = self.orgaos.get(stored.id)
        if current is None or current.head != stored.state.head or current.version != stored.version \
                or decision.record.seq in self.logs.get(decision.record.log, {}):
            raise self._conflict()
        # every condition held: apply everything
        self.cases[case.number.digits] = row
        self.logs.setdefault(decision.record.log, {})[decision.record.seq] = (decision.record, decision.details)
        self.orgaos[stored.id] = replace(current, head=decision.new_head,
                                         counters=current.counters.apply(decision.deltas), version=current.version + 1)
        if resolves is not None:
            self._unqueue(stored.id, resolves)
        self.outbox.extend(events)
        self._audit(act)
        return row

    def commit_resolutions(self, stored: StoredOrgao,
                           resolutions: Sequence[tuple[Decision, CaseData, PendingAct, Act]]) -> list[StoredCase]:
        self._before_commit()
        current = self.orgaos.get(stored.id)
        if current is None or current.head != stored.state.head or current.version != stored.version:
            raise self._conflict()
        state = stored.state
        rows = []
        for decision, case, pending, _ in resolutions:
            if current.queue.get(pending.order) != pending or case.number.digits in self.cases \
                    or decision.record.seq in self.logs.get(decision.record.log, {}):
                raise self._conflict()  # resolved by another, or the log moved: read again, nothing written
            state = state.apply(decision)
            rows.append(StoredCase.after(stored.id, decision, case, None))
        # every condition held: apply everything
        for (decision, _, pending, act), row in zip(resolutions, rows, strict=True):
            self.cases[row.number.digits] = row
            self.logs.setdefault(decision.record.log, {})[decision.record.seq] = (decision.record, decision.details)
            self._unqueue(stored.id, pending)
            self._audit(act)
        self.orgaos[stored.id] = replace(self.orgaos[stored.id], head=state.head, counters=state.counters,
                                         version=current.version + 1)
        return rows

    def register(self, stored: StoredOrgao, pending: PendingAct, *, previous: StoredCase | None = None,
                 act: Act) -> None:
        self._before_commit()
        digits = pending.number.digits
        if digits in self.registrations:
            raise ActPending()
        row = self.cases.get(digits)
        if previous is None and row is not None:
            raise CaseAlreadyDistributed()
        if previous is not None and (row is None or row.current_seq != previous.current_seq):
            raise self._conflict()
        current = self.orgaos.get(stored.id)
        if current is None or current.version != stored.version or current.queued != stored.queued:
            raise self._conflict()
        # the version does not move: a registration does not invalidate a resolution in flight
        self.orgaos[stored.id] = replace(current, queue={**current.queue, pending.order: pending}, queued=pending.order)
        self.registrations[digits] = pending
        self._audit(act)

    def drop_pending(self, stored: StoredOrgao, pending: PendingAct, *, act: Act) -> None:
        self._before_commit()
        current = self.orgaos.get(stored.id)
        if current is None or current.version != stored.version or current.queue.get(pending.order) != pending:
            raise self._conflict()
        self.orgaos[stored.id] = replace(current, version=current.version + 1)
        self._unqueue(stored.id, pending)
        self._audit(act)

    def pending_act(self, number: CnjNumber) -> PendingAct | None:
        return self.registrations.get(number.digits)

    def _unqueue(self, orgao_id: str, pending: PendingAct) -> None:
        rows = self.orgaos[orgao_id]
        self.orgaos[orgao_id] = replace(rows, queue={k: v for k, v in rows.queue.items() if k != pending.order})
        self.registrations.pop(pending.number.digits, None)

    def next_number(self, origin: int, year: int, *, segment: int, tribunal: int,
                    act: Callable[[CnjNumber], Act]) -> CnjNumber:
        last = self.numbering.get((origin, year), 0)
        if last >= MAX_SEQUENTIAL:
            raise CnjError(CnjPart.SEQUENCIAL, f"a origem {origin:04d} esgotou a numeração de {year} "
                           f"({MAX_SEQUENTIAL} processos)")
        self.numbering[(origin, year)] = last + 1
        number, _ = allocate_number(NumberingCounter(origin=origin, year=year, last=last), segment=segment,
                                    tribunal=tribunal)
        self._audit(act(number))
        return number

    def record(self, act: Act) -> None:
        self._audit(act)

    # another writer ------------------------------------------------------------------------------------

    def touch(self, orgao_id: str) -> Callable[[], None]:
        """A change another request makes to the órgão (its version moves), for :meth:`concurrent_write`."""

        def change() -> None:
            rows = self.orgaos[orgao_id]
            self.orgaos[orgao_id] = replace(rows, version=rows.version + 1)

        return change


class FakePrecatoriaRepository(_Concurrency):
    """:class:`~chalicelib.distribuicao.ports.PrecatoriaRepository` in dicts; the draw records go to ``logs``
    (share the órgãos' fake's ``logs`` to export a zone log as the table does)."""

    def __init__(self, logs: dict[str, dict[int, tuple[DrawRecord, CaseDetails | None]]] | None = None) -> None:
        super().__init__()
        self.zones: dict[str, _ZoneRows] = {}
        self.election_days: dict[date, Election] = {}
        self.cartas: dict[tuple[str, str], StoredCarta] = {}
        self.registrations: dict[tuple[str, str], PendingCarta] = {}
        self.logs = {} if logs is None else logs

    def load_zones(self, municipality: str) -> StoredZones | None:
        rows = self.zones.get(municipality)
        if rows is None:
            return None
        state = ZoneState(log_id_of(municipality), municipality, rows.zones, rows.counters, rows.head)
        return StoredZones(state, rows.version, tuple(rows.queue[k] for k in sorted(rows.queue)), rows.queued)

    def save_zones(self, municipality: str, zones: Sequence[Zone], existing: StoredZones | None, *,
                   act: Act) -> None:
        self._before_commit()
        current = self.zones.get(municipality)
        if (existing is None) != (current is None) or (current and existing and (
                current.version != existing.version or current.queued != existing.queued)):
            raise self._conflict()
        if current is None:
            self.zones[municipality] = _ZoneRows(tuple(zones))
        else:
            self.zones[municipality] = replace(current, zones=tuple(zones), version=current.version + 1)
        self._audit(act)

    def save_election(self, election: Election, *, act: Act) -> None:
        self.election_days[election.day] = election
        self._audit(act)

    def election(self, day: date) -> Election | None:
        return self.election_days.get(day)

    def elections(self) -> list[Election]:
        return [self.election_days[d] for d in sorted(self.election_days)]

    def commit_carta(self, stored: StoredZones, decision: Decision, *, partner: str, origin_id: str, kind: str,
                     secret: bool, act: Act, resolves: PendingCarta | None = None) -> StoredCarta:
        if decision.expected_head != stored.state.head or (resolves is None and stored.queue):
            raise self._conflict()
        self._before_commit()
        record = decision.record
        assert decision.details is not None
        municipality = stored.state.municipality
        if (partner, origin_id) in self.cartas:
            if resolves is not None:  # drawn by another resolver: read again
                raise self._conflict()
            raise CartaExists()
        current = self.zones.get(municipality)
        if current is None or current.head != stored.state.head or current.version != stored.version \
                or current.queued != stored.queued or record.seq in self.logs.get(record.log, {}) \
                or (resolves is not None and current.queue.get(resolves.order) != resolves):
            raise self._conflict()
        carta = StoredCarta(
            partner=partner, origin_id=origin_id, number=record.case_number, municipality=municipality, kind=kind,
            secret=secret, details=decision.details, zone=decision.unit, distributor=record.distributor or "",
            log_id=record.log, seq=record.seq, rule=record.rule, mode=record.mode, record_hash=record.hash,
            received_at=record.recorded_at,
        )
        self.cartas[(partner, origin_id)] = carta
        self.logs.setdefault(record.log, {})[record.seq] = (record, decision.details)
        self.zones[municipality] = replace(current, head=decision.new_head,
                                           counters=current.counters.apply(decision.deltas),
                                           version=current.version + 1)
        if resolves is not None:
            self._unqueue(resolves)
        self._audit(act)
        return carta

    def register_carta(self, stored: StoredZones, pending: PendingCarta, *, act: Act) -> None:
        self._before_commit()
        key = (pending.partner, pending.origin_id)
        if key in self.registrations:
            raise ActPending()
        if key in self.cartas:
            raise CartaExists()
        current = self.zones.get(pending.municipality)
        if current is None or current.version != stored.version or current.queued != stored.queued:
            raise self._conflict()
        self.zones[pending.municipality] = replace(current, queue={**current.queue, pending.order: pending},
                                                   queued=pending.order)
        self.registrations[key] = pending
        self._audit(act)

    def drop_pending_carta(self, stored: StoredZones, pending: PendingCarta, *, act: Act) -> None:
        self._before_commit()
        current = self.zones.get(pending.municipality)
        if current is None or current.version != stored.version or current.queue.get(pending.order) != pending:
            raise self._conflict()
        self.zones[pending.municipality] = replace(current, version=current.version + 1)
        self._unqueue(pending)
        self._audit(act)

    def pending_carta(self, partner: str, origin_id: str) -> PendingCarta | None:
        return self.registrations.get((partner, origin_id))

    def municipalities_with_queue(self) -> list[str]:
        return sorted(m for m, rows in self.zones.items() if rows.queue)

    def _unqueue(self, pending: PendingCarta) -> None:
        rows = self.zones[pending.municipality]
        self.zones[pending.municipality] = replace(rows, queue={k: v for k, v in rows.queue.items()
                                                                if k != pending.order})
        self.registrations.pop((pending.partner, pending.origin_id), None)

    def get_carta(self, partner: str, origin_id: str) -> StoredCarta | None:
        return self.cartas.get((partner, origin_id))

    def list_cartas(self, partner: str, limit: int, start: PageKey) -> tuple[list[StoredCarta], PageKey]:
        mine = sorted((c for (p, _), c in self.cartas.items() if p == partner),
                      key=lambda c: f"{c.received_at}#{c.origin_id}")
        after = [c for c in mine if start is None or f"{c.received_at}#{c.origin_id}" > start["k"]]
        page = after[:limit]
        return page, ({"k": f"{page[-1].received_at}#{page[-1].origin_id}"} if len(after) > limit else None)

    def cartas_by_number(self, digits: str) -> list[StoredCarta]:
        return [c for c in self.cartas.values() if "".join(ch for ch in c.number if ch.isdigit()) == digits]

    def touch(self, municipality: str) -> Callable[[], None]:
        def change() -> None:
            rows = self.zones[municipality]
            self.zones[municipality] = replace(rows, version=rows.version + 1)

        return change


class FakeSeedStore:
    """:class:`~chalicelib.distribuicao.ports.SeedStore` with deterministic seeds (reproducible tests)."""

    def __init__(self, salt: str = "") -> None:
        self.seeds: dict[date, DailySeed] = {}
        self.salt = salt
        self.audits: list[Act] = []

    def seed_for(self, day: date) -> DailySeed:
        if day not in self.seeds:
            digest = hashlib.sha256(f"semente-fake|{day.isoformat()}|{self.salt}".encode()).digest()
            self.seeds[day] = DailySeed(day, digest)
        return self.seeds[day]

    def ensure(self, days: Iterable[date]) -> None:
        for day in days:
            self.seed_for(day)

    def publish(self, days: Iterable[date], act: Callable[[Mapping[date, str]], Act]) -> dict[date, str]:
        missing = sorted(d for d in set(days) if d not in self.seeds)
        created = {d: self.seed_for(d).commitment for d in missing}
        if created:
            self.audits.append(act(created))
        return created

    def published(self, start: date, end: date, reveal_before: date | None = None) -> list[PublishedSeed]:
        return [PublishedSeed(d, s.commitment, s.hex if reveal_before is not None and d < reveal_before else "")
                for d, s in sorted(self.seeds.items()) if start <= d <= end]


class FakeEditalStore:
    """:class:`~chalicelib.distribuicao.ports.EditalStore` in a dict of documents by period."""

    def __init__(self) -> None:
        self.documents: dict[tuple[date, date], tuple[bytes, bytes]] = {}
        self.writes = 0

    def put(self, start: date, end: date, json_bytes: bytes, pdf_bytes: bytes) -> dict[str, Any]:
        written: list[str] = []
        if self.documents.get((start, end)) != (json_bytes, pdf_bytes):
            self.writes += 1
            old = self.documents.get((start, end), (b"", b""))
            written = [name for name, new, was in (("json", json_bytes, old[0]), ("pdf", pdf_bytes, old[1]))
                       if new != was]
            self.documents[(start, end)] = (json_bytes, pdf_bytes)
        stem = f"distribuicao/editais/{start.year:04d}/{start.isoformat()}_{end.isoformat()}"
        return {"json_key": f"{stem}.json", "json_sha256": hashlib.sha256(json_bytes).hexdigest(),
                "pdf_key": f"{stem}.pdf", "pdf_sha256": hashlib.sha256(pdf_bytes).hexdigest(), "gravados": written}

    def published(self, year: int) -> list[tuple[date, date]]:
        return sorted(p for p in self.documents if p[0].year == year)

    def presigned_get(self, key: str, expires: int = 3600) -> str:
        return f"https://documentos.invalid/{key}?expira={expires}"


class FakeClock:
    """Now, settable and advanced by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


def instant_beacon() -> LocalBeacon:
    """The local stack's beacon with every round already published (its own clock far ahead): a draw that may
    wait gets its round at once, so the tests never wait for one."""
    return LocalBeacon(now=lambda: FAR_FUTURE)
