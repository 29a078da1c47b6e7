"""In-memory fakes of plantao-svc's ports (``chalicelib.plantao.ports``), for the use-case tests: no moto, no
socket. The store keeps copies (a use case that changes what it read changes nothing stored), and its unit of
work is atomic like a DynamoDB transaction: every staged write carries the condition the adapter would put on it
(version, status, absence); ``commit()`` checks them all, then applies them all, or raises ``WriteConflict`` and
applies nothing. ``FakeRepository.before_next_commit`` lets a test play a concurrent writer."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalicelib.plantao.domain.compensation import LedgerEntry
from chalicelib.plantao.domain.portaria import Portaria, portaria_keys
from chalicelib.plantao.domain.records import APROVADA, Ledger, RotationState, StoredScale
from chalicelib.plantao.domain.reference import ReferenceData
from chalicelib.plantao.domain.scales import Kind, Month

from courtlib.audit.record import plain
from courtlib.calendar import CalendarEntry, CourtCalendar
from courtlib.config import TribunalConfig
from courtlib.errors import WriteConflict
from courtlib.messaging.contracts import Envelope
from tests.unit.audit_fakes import RecordedAct

Key = tuple[str, ...]


@dataclass
class Balance:
    balance: int = 0
    reserved: int = 0
    version: int = 0


@dataclass
class FakeRepository:
    """The Repository port on dicts. ``commits`` counts the transactions written, ``conflicts`` those refused."""

    reference: ReferenceData = field(default_factory=ReferenceData)
    reference_version: int = 0
    edital: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    rotations: dict[Kind, RotationState] = field(default_factory=dict)
    scales: dict[tuple[str, Kind], StoredScale] = field(default_factory=dict)
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    portarias: dict[tuple[str, int, int], dict[str, Any]] = field(default_factory=dict)
    swaps: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)
    balances: dict[str, Balance] = field(default_factory=dict)
    entries: dict[tuple[str, date, str], LedgerEntry] = field(default_factory=dict)
    uses: dict[tuple[str, str], tuple[dict[str, Any], str]] = field(default_factory=dict)
    outbox: list[Envelope] = field(default_factory=list)
    runs: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    generations: dict[tuple[str, Kind], tuple[dict[str, Any], int]] = field(default_factory=dict)
    audits: list[RecordedAct] = field(default_factory=list)  # the acts committed, in order
    notices: set[tuple[str, int, int, str]] = field(default_factory=set)  # (series, year, number, magistrate) sent
    commits: int = 0
    conflicts: int = 0
    _interleaved: list[Callable[[], None]] = field(default_factory=list)

    def before_next_commit(self, concurrent_write: Callable[[], None]) -> None:
        """Runs ``concurrent_write`` just before a commit checks its conditions (another request that wrote
        between this one's reads and its commit): one per commit, so three calls disturb three commits."""
        self._interleaved.append(concurrent_write)

    def unit_of_work(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    # reference data -------------------------------------------------------------------------------------

    def load_reference(self, capital: str) -> tuple[ReferenceData, int]:
        if self.reference_version == 0:
            return ReferenceData(capital=capital), 0
        return copy.deepcopy(self.reference), self.reference_version

    def candidates(self, year: int, quadrimester: int) -> list[str]:
        return sorted(self.edital.get((year, quadrimester), []))

    def audited(self, act: str) -> list[RecordedAct]:
        return [a for a in self.audits if a.act == act]

    # rotations and scales ---------------------------------------------------------------------------------

    def rotation(self, kind: Kind) -> RotationState:
        return copy.deepcopy(self.rotations.get(kind) or RotationState(kind, None, {}, 0))

    def generation_request(self, month: Month, kind: Kind) -> tuple[dict[str, Any], int] | None:
        found = self.generations.get((str(month), kind))
        return None if found is None else (copy.deepcopy(found[0]), found[1])

    def scale(self, month: Month, kind: Kind) -> StoredScale | None:
        return copy.deepcopy(self.scales.get((str(month), kind)))

    def month_scales(self, month: Month, consistent: bool = False) -> list[StoredScale]:
        found = [s for (m, _), s in self.scales.items() if m == str(month)]
        return copy.deepcopy(sorted(found, key=lambda s: s.scale.kind.value))

    def published_month(self, month: Month) -> list[StoredScale]:
        return [s for s in self.month_scales(month) if s.status == APROVADA]

    def scales_between(self, first: Month, last: Month) -> list[StoredScale]:
        return copy.deepcopy([s for (m, _), s in sorted(self.scales.items(), key=lambda kv: (kv[0][0], kv[0][1].value))
                              if str(first) <= m <= str(last)])

    # portarias, swaps, compensation -------------------------------------------------------------------------

    def portaria_last(self, series: str, year: int) -> int | None:
        return self.counters.get((series, year))

    def portaria(self, series: str, year: int, number: int) -> dict[str, Any] | None:
        return copy.deepcopy(self.portarias.get((series, year, number)))

    def notices_sent(self, series: str, year: int, number: int) -> set[str]:
        return {m for (s, y, n, m) in self.notices if (s, y, n) == (series, year, number)}

    def record_notice(self, series: str, year: int, number: int, magistrate: str) -> bool:
        key = (series, year, number, magistrate)
        if key in self.notices:
            return False
        self.notices.add(key)
        return True

    def swap_request(self, swap_id: str) -> tuple[dict[str, Any], str] | None:
        return copy.deepcopy(self.swaps.get(swap_id))

    def swap_requests(self, scale_id: str) -> list[tuple[dict[str, Any], str]]:
        return copy.deepcopy([(d, s) for d, s in self.swaps.values() if d["escala"] == scale_id])

    def ledger(self, magistrate: str) -> Ledger:
        balance = self.balances.get(magistrate, Balance())
        entries = [e for (m, _, _), e in sorted(self.entries.items(), key=lambda kv: kv[0][1:]) if m == magistrate]
        uses = [{**copy.deepcopy(d), "status": s} for (m, _), (d, s) in sorted(self.uses.items()) if m == magistrate]
        return Ledger(balance.balance, balance.reserved, balance.version, tuple(entries), tuple(uses))

    def use(self, magistrate: str, use_id: str) -> tuple[dict[str, Any], str] | None:
        return copy.deepcopy(self.uses.get((magistrate, use_id)))

    def events(self, suffix: str) -> list[Envelope]:
        return [e for e in self.outbox if e.type.endswith(suffix)]

    def _interleave(self) -> None:
        """One concurrent write per commit, in the order they were given."""
        if self._interleaved:
            self._interleaved.pop(0)()


@dataclass
class _Write:
    key: Key  # one item, as DynamoDB refuses two writes of one item in a transaction
    holds: Callable[[], bool]  # the condition, checked on commit
    apply: Callable[[], None]


class FakeUnitOfWork:
    """The UnitOfWork port: staged writes with their conditions, committed all or nothing."""

    def __init__(self, repository: FakeRepository) -> None:
        self._repository = repository
        self._writes: list[_Write] = []
        self._events: list[Envelope] = []
        self._audits: list[RecordedAct] = []

    def _stage(self, key: Key, holds: Callable[[], bool], apply: Callable[[], None]) -> None:
        if any(w.key == key for w in self._writes):
            raise ValueError(f"duas operações no mesmo item numa transação: {key}")
        self._writes.append(_Write(key, holds, apply))

    def stage_reference(self, ref: ReferenceData, read_version: int) -> None:
        repository = self._repository
        written = copy.deepcopy(ref)

        def apply() -> None:
            repository.reference, repository.reference_version = written, read_version + 1

        self._stage(("REF",), lambda: repository.reference_version == read_version, apply)

    def stage_candidate(self, year: int, quadrimester: int, magistrate: str) -> None:
        edital = self._repository.edital
        self._stage(("EDITAL", f"{year}-{quadrimester}", magistrate),
                    lambda: magistrate not in edital.get((year, quadrimester), []),
                    lambda: edital.setdefault((year, quadrimester), []).append(magistrate))

    def stage_run(self, name: str, key: str, data: Mapping[str, Any]) -> None:
        runs = self._repository.runs
        self._stage(("EXECUCAO", name, key), lambda: True,
                    lambda: runs.__setitem__((name, key), copy.deepcopy(dict(data))))

    def stage_generation_request(self, month: Month, kind: Kind, data: Mapping[str, Any], read_version: int) -> None:
        generations = self._repository.generations
        key = (str(month), kind)
        self._stage(("GERACAO", str(month), kind.value),
                    lambda: generations.get(key, ({}, 0))[1] == read_version,
                    lambda: generations.__setitem__(key, (copy.deepcopy(dict(data)), read_version + 1)))

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        assert act == act.upper() and rules, f"{act}: code in upper case and its rules"
        self._audits.append(RecordedAct(act, tuple(target), tuple(rules), plain(before), plain(after)))  # type: ignore

    def stage_rotation(self, state: RotationState, month: Month, positions: Mapping[str, str | None]) -> None:
        rotations = self._repository.rotations
        written = RotationState(state.kind, str(month), dict(positions), state.version + 1)
        self._stage(("ROTACAO", state.kind.value),
                    lambda: (rotations[state.kind].version if state.kind in rotations else 0) == state.version,
                    lambda: rotations.__setitem__(state.kind, written))

    def stage_scale(self, stored: StoredScale, *, previous_version: int | None) -> None:
        scales = self._repository.scales
        key = (str(stored.scale.month), stored.scale.kind)
        written = copy.deepcopy(stored)
        written.version = (previous_version or 0) + 1

        def holds() -> bool:
            current = scales.get(key)
            return current is None if previous_version is None else (current is not None
                                                                     and current.version == previous_version)

        self._stage(("ESCALA", *key[0:1], key[1].value), holds, lambda: scales.__setitem__(key, written))
        stored.version = written.version

    def stage_portaria(self, series: str, year: int, number: int, last_read: int | None,
                       record: Mapping[str, Any]) -> None:
        repository = self._repository
        self._stage(("PORTARIA", series, str(year), "CONTADOR"),
                    lambda: repository.counters.get((series, year)) == last_read,
                    lambda: repository.counters.__setitem__((series, year), number))
        self._stage(("PORTARIA", series, str(year), str(number)),
                    lambda: (series, year, number) not in repository.portarias,
                    lambda: repository.portarias.__setitem__((series, year, number), copy.deepcopy(dict(record))))

    def stage_portaria_document(self, series: str, year: int, number: int, record: Mapping[str, Any]) -> None:
        portarias = self._repository.portarias
        self._stage(("PORTARIA", series, str(year), str(number)), lambda: (series, year, number) in portarias,
                    lambda: portarias.__setitem__((series, year, number), copy.deepcopy(dict(record))))

    def stage_swap_request(self, swap_id: str, data: Mapping[str, Any], status: str, *, expected: str | None) -> None:
        swaps = self._repository.swaps
        self._stage(("PERMUTA", swap_id), lambda: _status_is(swaps.get(swap_id), expected),
                    lambda: swaps.__setitem__(swap_id, (copy.deepcopy(dict(data)), status)))

    def stage_entry(self, entry: LedgerEntry) -> None:
        entries = self._repository.entries
        key = (entry.magistrate, entry.day, entry.id)
        self._stage(("LANC", *key[0:1], entry.day.isoformat(), entry.id), lambda: key not in entries,
                    lambda: entries.__setitem__(key, entry))

    def stage_balance(self, magistrate: str, *, balance: int = 0, reserved: int = 0,
                      version: int | None = None) -> None:
        balances = self._repository.balances

        def apply() -> None:
            current = balances.setdefault(magistrate, Balance())
            current.balance += balance
            current.reserved += reserved
            current.version += 1

        self._stage(("SALDO", magistrate),
                    lambda: version is None or balances.get(magistrate, Balance()).version == version, apply)

    def stage_use(self, magistrate: str, use_id: str, data: Mapping[str, Any], status: str, *,
                  expected: str | None) -> None:
        uses = self._repository.uses
        key = (magistrate, use_id)
        self._stage(("USO", magistrate, use_id), lambda: _status_is(uses.get(key), expected),
                    lambda: uses.__setitem__(key, (copy.deepcopy(dict(data)), status)))

    def emit(self, envelope: Envelope) -> None:
        self._events.append(envelope)

    def commit(self) -> None:
        repository = self._repository
        repository._interleave()
        if not all(write.holds() for write in self._writes):
            repository.conflicts += 1
            raise WriteConflict("condição não atendida")
        for write in self._writes:
            write.apply()
        repository.outbox.extend(self._events)
        repository.audits.extend(self._audits)
        repository.commits += 1


def _status_is(found: tuple[dict[str, Any], str] | None, expected: str | None) -> bool:
    return found is None if expected is None else (found is not None and found[1] == expected)


@dataclass
class FakeCalendars:
    """The calendar port: the tribunal's calendar (national holidays, recesso) plus ``entries``."""

    entries: list[CalendarEntry] = field(default_factory=list)

    def calendar_for(self, config: TribunalConfig, years: Iterable[int]) -> CourtCalendar:
        wanted = sorted(set(years))
        return CourtCalendar.from_config(config, [e for e in self.entries if e.day.year in wanted], years=wanted)


@dataclass
class FakeDocuments:
    """The documents port: the portaria's text and PDF by key."""

    stored: dict[str, bytes] = field(default_factory=dict)

    def put(self, series: str, year: int, number: int, text: str, pdf: bytes) -> dict[str, str]:
        txt_key, pdf_key = portaria_keys(series, year, number)
        self.stored[txt_key], self.stored[pdf_key] = text.encode("utf-8"), pdf
        return {"texto": txt_key, "pdf": pdf_key}

    def get(self, key: str) -> bytes | None:
        return self.stored.get(key)


@dataclass
class FakeNotifier:
    """The notices port: every e-mail accepted, kept as (address, name, body, subject); an address in ``refuse`` is
    refused (as SES refuses), once per listing."""

    sent: list[tuple[str, str, str, str]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)

    def send_one(self, address: str, name: str, body: str, subject: str) -> None:
        if address in self.refuse:
            self.refuse.remove(address)
            raise RuntimeError(f"SES recusou {address}")
        self.sent.append((address, name, body, subject))


def fake_pdf(portaria: Portaria, *, issued_at: datetime) -> bytes:
    """The PDF renderer port without fpdf2: enough to tell one portaria from another."""
    return f"%PDF-fake {portaria.number.label} {issued_at.isoformat()}".encode()
