"""The secondary ports of cooperacao-svc: what its use cases (``service.py``, ``judicial.py``, ``queries.py``) need
from the outside world, as Protocols. ``adapters/`` implements them on DynamoDB (PynamoDB); the unit tests on
in-memory fakes (tests/unit/cooperacao/fakes.py).

Writes two requests can race on go through a :class:`CooperacaoTransaction`: the use case stages them with the
versions it read and ``commit()`` applies all of them or none; a version that changed in between raises
:class:`courtlib.errors.WriteConflict` (the use case reads and decides again, courtlib.retry).

Every act is audited in the transaction that makes it (issue 17, docs/auditoria.md): the use case stages
``tx.audit(act, (type, id), rules=..., before=..., after=...)`` on a :class:`CooperacaoTransaction`, or passes an
:class:`Audit` to a :class:`JudicialRepository` write; the adapter adds the record to the same TransactWriteItems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

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

from courtlib.messaging.contracts import Envelope

Clock = Callable[[], datetime]
"""The court's present moment (a test travels in time by replacing it)."""

Cursor = Any
"""An opaque page position (DynamoDB's LastEvaluatedKey in the adapter); the HTTP layer signs it."""


class WorkingDays(Protocol):
    """CAL-01: whether ``day`` is a dia útil at ``municipality`` (the servant's normal hours apply only then)."""

    def __call__(self, day: date, municipality: str | None, /) -> bool: ...


@dataclass(frozen=True)
class MonthTotal:
    """A servant's month (COOP-06/11): minutes recorded, the version that guards them and what the close last
    published (revision, capped minutes, value)."""

    servant: str
    name: str
    month: str
    minutes: int = 0
    version: int = 0
    published_revision: int = 0
    published_minutes: int = 0
    published_value: Decimal = Decimal("0")


@dataclass(frozen=True)
class TimeRecordReads:
    """What a time record reads before deciding (COOP-06/08): the cooperation and the servant with their versions,
    and the servant's month (total and records), each None when absent."""

    cooperation: tuple[Cooperation, int] | None
    servant: tuple[Servant, int] | None
    month: MonthTotal | None
    records: list[TimeRecord]


@dataclass(frozen=True)
class Audit:
    """An act's audit record, written by the adapter in the same transaction as the act (who acts and the
    correlation id come from :mod:`courtlib.audit.actor`, not from the use case)."""

    act: str
    target: tuple[str, str]
    rules: tuple[str, ...]
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


class CooperacaoTransaction(Protocol):
    """One atomic write of servants' cooperation: staged operations, then ``commit()`` (all or nothing)."""

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        """The act's audit record, committed with the rest (courtlib's ``UnitOfWork.audit``)."""

    def put_servant(self, servant: Servant, read_version: int) -> None:
        """The servant's profile as given, version ``read_version + 1``; a conflict if it is no longer
        ``read_version`` (0: none yet), so the record's ``before`` is what was replaced."""

    def put_unit(self, unit: Unit, read_version: int) -> None:
        """The unit as given, version ``read_version + 1``; a conflict if it is no longer ``read_version``."""

    def put_leave(self, leave: Leave) -> None: ...

    def put_designation(self, designation: Designation) -> None: ...

    def put_final_date(self, day: date) -> None: ...

    def put_close_marker(self, month: str, marker: Mapping[str, Any]) -> None:
        """What the monthly close of ``month`` did (the run's end: its audit record goes with it)."""

    def put_close_request(self, month: str, request: Mapping[str, Any], read_version: int) -> None:
        """The run request of ``month``'s close (``courtlib.runs``), version ``read_version + 1``; a conflict if
        it is no longer ``read_version`` (0: none yet)."""

    def put_close_part(self, month: str, run: int, part: int, counts: Mapping[str, Any]) -> None:
        """Part ``part`` of run ``run`` of ``month``'s close is done, with its counts; a conflict if it was already
        recorded (a redelivered part)."""

    def add_cooperation(self, coop: Cooperation) -> None:
        """A new cooperation (version 1); a conflict if the id exists."""

    def replace_cooperation(self, coop: Cooperation, read_version: int) -> None:
        """The cooperation as decided, version ``read_version + 1``; a conflict if it is no longer ``read_version``."""

    def guard_unit(self, unit_id: str, read_version: int) -> None:
        """Moves the unit's version on; a conflict if another request changed it (its quota was read)."""

    def guard_servant(self, servant_id: str, read_version: int) -> None:
        """Moves the servant's version on; a conflict if another request changed it (their cooperations were read)."""

    def record_decision(self, coop_id: str, version: int, decision: Mapping[str, Any]) -> None:
        """Who decided what, when and by which rule, keyed by the cooperation's version it produced."""

    def add_time_record(self, record: TimeRecord, servant: Servant, month: MonthTotal | None,
                        cap_minutes: int) -> None:
        """A ponto and its month's total (COOP-06/08): a conflict if the month changed since ``month`` was read or
        the total would pass ``cap_minutes``, or if a record with the same start exists."""

    def publish_assessment(self, assessment: Assessment) -> None:
        """COOP-11: marks the servant's month published at ``assessment.revision``; a conflict if the revision
        published is no longer the one before (a concurrent close)."""

    def emit(self, event: Envelope) -> None:
        """An event leaves with the transaction (outbox), never without it."""

    def commit(self) -> None:
        """Applies every staged write or none; :class:`courtlib.errors.WriteConflict` when a condition failed."""


class CooperacaoRepository(Protocol):
    """The servants' cooperation records: reference data, cooperations, pontos, monthly closes."""

    def transaction(self) -> CooperacaoTransaction: ...

    # reference data ------------------------------------------------------------------------------
    def servant(self, servant_id: str) -> tuple[Servant, int] | None: ...

    def put_servant(self, servant: Servant) -> None:
        """A direct write (bulk import only; a single change goes through a transaction with its record)."""

    def servants(self, limit: int, start: Cursor | None) -> tuple[list[Servant], Cursor | None]: ...

    def unit(self, unit_id: str) -> Unit | None: ...

    def recent_unit(self, unit_id: str) -> Unit | None:
        """The unit, possibly as this container read it up to a minute ago (for a time record's working days)."""

    def unit_versioned(self, unit_id: str) -> tuple[Unit, int] | None:
        """The unit and its version (what a replacing write conditions on)."""

    def put_unit(self, unit: Unit) -> None:
        """A direct write (bulk import only)."""

    def units(self, limit: int, start: Cursor | None) -> tuple[list[Unit], Cursor | None]: ...

    def unit_context(self, unit_id: str, from_day: date) -> tuple[UnitContext, int] | None:
        """The unit, its annexes, portarias, leaves, designations and the cooperations that end on or after
        ``from_day``, with the unit's version."""

    def annex(self, annex: str) -> dict[str, int]: ...

    def replace_annex(self, annex: str, quotas: Mapping[str, int]) -> None:
        """The annex's list becomes ``quotas`` (units no longer listed leave it). Batched (up to 2000 units: more
        than one transaction holds), so the use case audits it in a transaction right after."""

    def put_portaria(self, portaria: Portaria, audit: Audit | None) -> None:
        """The portaria's entry in each unit it lists (units it no longer lists lose theirs), batched, then the
        portaria itself with ``audit`` in one transaction: the act is done when its record is written (``None``:
        a bulk import, whose one record follows the whole import)."""

    def portaria(self, portaria_id: str) -> Portaria | None: ...

    def portarias(self) -> list[dict[str, Any]]: ...

    def put_leave(self, leave: Leave) -> None:
        """A direct write (bulk import only)."""

    def put_designation(self, designation: Designation) -> None:
        """A direct write (bulk import only)."""

    def final_date(self, default: date) -> date:
        """The norm's final date (COOP-09) as set, or ``default`` (configuration)."""

    def put_final_date(self, day: date) -> None:
        """A direct write (bulk import only)."""

    # cooperations --------------------------------------------------------------------------------
    def cooperation(self, coop_id: str) -> tuple[Cooperation, int] | None: ...

    def servant_cooperations(self, servant_id: str, from_day: date | None = None) -> Iterable[Cooperation]:
        """The servant's cooperations (ending on or after ``from_day`` when given)."""

    def unit_cooperations(self, unit_id: str, from_day: date) -> Iterable[Cooperation]: ...

    def decisions(self, coop_id: str) -> list[dict[str, Any]]: ...

    # pontos and the monthly close ----------------------------------------------------------------
    def month(self, servant_id: str, month: str) -> tuple[MonthTotal | None, list[TimeRecord]]:
        """The servant's month total (None before the first record) and every record of the month."""

    def month_by_key(self, servant_id: str, month: str) -> tuple[MonthTotal | None, list[TimeRecord]]:
        """As :meth:`month`, by a key lookup of the month's total item, which keeps a copy of its records."""

    def time_record_reads(self, coop_id: str, servant_id: str, month: str) -> TimeRecordReads:
        """The cooperation, the servant and the servant's month, in one round trip (a time record's reads)."""

    def month_parts(self) -> int:
        """How many parts a new close run reads the month's totals in (it fans out one per part; the setting
        ``fechamento_partes``). The run remembers that count (``resumo.partes``) for its parts."""

    def month_totals(self, month: str, part: int | None = None, parts: int | None = None) -> Iterable[MonthTotal]:
        """Every servant's total of ``month`` (the close's input), or those of one ``part`` (0..parts-1) of a run
        in ``parts`` parts: for any count, the parts together read every total exactly once."""

    def month_total(self, servant_id: str, month: str) -> MonthTotal | None: ...

    def close_marker(self, month: str) -> dict[str, Any] | None: ...

    def close_request(self, month: str) -> tuple[dict[str, Any], int] | None:
        """The run request of ``month``'s close and its version (None: never requested)."""

    def close_parts(self, month: str, run: int) -> dict[int, dict[str, Any]]:
        """The parts of run ``run`` of ``month``'s close already done, by part, with their counts."""


class JudicialRepository(Protocol):
    """COOP-12: requests for judicial cooperation and the public register of acts."""

    def add_request(self, origin: str, origin_id: str, request: Mapping[str, Any], audit: Audit) -> None:
        """A new request (version 1, indexed by its ``recebido_em``) and its audit record;
        :class:`courtlib.errors.WriteConflict` (and nothing written) if ``origin``/``origin_id`` exists."""

    def request(self, origin: str, origin_id: str) -> tuple[dict[str, Any], int] | None: ...

    def requests_of(self, origin: str, limit: int,
                    start: Cursor | None) -> tuple[list[dict[str, Any]], Cursor | None]: ...

    def all_requests(self, limit: int, start: Cursor | None) -> tuple[list[dict[str, Any]], Cursor | None]: ...

    def save_deliberation(self, origin: str, origin_id: str, request: Mapping[str, Any], read_version: int,
                          act: Mapping[str, Any] | None, audit: Audit) -> None:
        """The deliberated request (and the act it publishes) with its audit record in one write; a conflict if
        it changed."""

    def put_act(self, act: Mapping[str, Any], audit: Audit) -> None:
        """A register's act and its audit record in one write."""

    def act(self, act_id: str) -> dict[str, Any] | None: ...

    def acts(self, year: int | None) -> Iterable[dict[str, Any]]:
        """The register's acts, newest first (of ``year`` when given)."""
