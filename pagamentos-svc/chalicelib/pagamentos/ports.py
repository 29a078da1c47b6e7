"""The secondary ports of pagamentos-svc: what its use cases (service.py, queries.py) need from the outside.

The adapters implement them on DynamoDB and S3 (``adapters/``); the tests implement them in memory
(``tests/unit/pagamentos/fakes.py``). A write that loses to a concurrent writer raises
:class:`courtlib.errors.WriteConflict` and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.pagamentos.domain.memos import MemoHeader, StoredMemo
from chalicelib.pagamentos.domain.model import Designation, Line, Month, MonthData, Person
from chalicelib.pagamentos.domain.run import RunSnapshot, StoredLine

from courtlib.config import TribunalConfig
from courtlib.messaging.contracts import Envelope, MagistrateAbsenceRegistered


class CounterRead(Protocol):
    """PAG-11: a division's memo numbering in a year as read (``last`` is 0 before the first memo)."""

    @property
    def exists(self) -> bool: ...

    @property
    def last(self) -> int: ...


class RunMark(Protocol):
    """PAG-01: what the last recorded run of a month left (``state``: the digest of its memos; None before any;
    ``outcome``: when it finished and its summary, as the status resource shows them; None for a mark written
    before it was kept)."""

    @property
    def state(self) -> str | None: ...

    @property
    def outcome(self) -> dict[str, Any] | None: ...

    @property
    def data(self) -> dict[str, Any] | None:
        """The mark as stored (None before any): the next mark is written on condition that it is unchanged."""


class UnitOfWork(Protocol):
    """The writes of one use case, applied all or nothing by :meth:`commit` (:class:`WriteConflict` when a
    condition no longer holds: a designation already there, a juízo guard, a memo header or counter moved),
    with the audit record of its act (:meth:`audit`, issue 17: the act and its record commit together)."""

    def save_person(self, person: Person, read: dict[str, Any] | None) -> None:
        """``person``'s register, conditional on it being as ``read`` (None: not registered yet)."""

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        """Records ``act`` on ``target`` (type, id) in this transaction, by whoever acts now (courtlib.audit)."""

    def mark_run(self, month: Month | str, read: RunMark, state: str, outcome: dict[str, Any]) -> None:
        """PAG-01: the run of ``month`` is done with memos in ``state`` (``outcome``: when, and its summary),
        conditional on the mark as ``read``."""

    def put_run_request(self, month: Month | str, request: Mapping[str, Any],
                        read: Mapping[str, Any] | None) -> None:
        """PAG-01 by hand: the run request of ``month`` (``courtlib.runs``), conditional on it being as ``read``
        (None: never requested)."""

    def emit(self, event: Envelope) -> None:
        """An event leaves with the transaction (outbox), never without it."""

    def mark_import(self, import_id: str, summary: dict[str, Any]) -> None:
        """A bulk import is done (its counts and digest), written last, with the import's audit record."""

    def add_designation(self, designation: Designation, body: dict[str, Any], juizo_version: str | None) -> None:
        """A new designation and its juízo's index, conditional on the juízo's guard version read."""

    def add_fact(self, month: Month | str, kind: str, key: str, body: dict[str, Any],
                 event_id: str | None = None) -> None: ...

    def mark_pending(self, month: Month | str) -> None:
        """``month`` has facts its memos may not hold yet (PAG-10: re-checked by the next run)."""

    def record_absence(self, absence: MagistrateAbsenceRegistered, event_id: str) -> None: ...

    def park(self, envelope_json: str, event_id: str, event_type: str, reason: str, code: str) -> None: ...

    def unpark(self, event_id: str) -> None:
        """Removes a parked event, conditional on it still being there."""

    def set_memo_counter(self, division: str, year: int, read: CounterRead, last: int) -> None:
        """PAG-11: the division's last number becomes ``last``, conditional on the counter as ``read``."""

    def save_header(self, header: MemoHeader) -> None:
        """Conditional on the version the header was read at."""

    def commit(self) -> None: ...


class RunReads(Protocol):
    """The reads a monthly run's snapshot is assembled from (:mod:`chalicelib.pagamentos.snapshot`)."""

    def people(self) -> dict[str, Person]: ...

    def month_data(self, month: Month, people: dict[str, Person]) -> MonthData: ...

    def pending_months(self) -> list[str]: ...

    def memo_headers_of_month(self, month: Month | str) -> dict[str, MemoHeader]: ...

    def allocation(self, category: str, origin: Month | str) -> str | None: ...

    def lines_of(self, memo_id: str, generation: int) -> list[Line]: ...

    def lines_from(self, category: str, origin: Month | str) -> list[StoredLine]: ...


class Repository(RunReads, Protocol):
    """pagamentos-svc's records: people, designations, facts of each month, parked events and memos."""

    def unit_of_work(self, joining: Any = None) -> UnitOfWork:
        """A new transaction, or one joining ``joining`` (a consumer's, with its inbox marker)."""

    def run_request(self, month: Month | str) -> dict[str, Any] | None:
        """PAG-01 by hand: the last run request of ``month`` (None: never requested)."""

    def save_people(self, people: Iterable[Person]) -> None: ...

    def get_person(self, person_id: str) -> Person | None: ...

    def people_page(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Person], Any]: ...

    def get_designation(self, designation_id: str) -> dict[str, Any] | None: ...

    def designations_of(self, person_id: str) -> list[dict[str, Any]]: ...

    def juizo_index(self, juizo: str, kind: str) -> tuple[list[dict[str, Any]], str | None]:
        """The designations of ``kind`` in ``juizo`` and the version of the juízo's guard (None: none yet)."""

    def facts_of_kind(self, month: Month | str, kind: str) -> list[dict[str, Any]]: ...

    def parked(self, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]: ...

    def get_parked(self, event_id: str) -> dict[str, Any] | None: ...

    def run_snapshot(self, month: Month) -> RunSnapshot:
        """Everything a run of ``month`` reads, loaded once."""

    def allocate(self, category: str, origin: Month | str, month: str, expected: str | None) -> None:
        """PAG-10: ``origin``'s adjustments of ``category`` go to ``month``, if still allocated to ``expected``."""

    def delete_pending(self, months: Iterable[str]) -> None: ...

    def publish_generation(self, draft: MemoHeader, lines: list[Line], at: datetime) -> MemoHeader:
        """The draft's lines become ``lines`` (a new generation), unless its header moved since it was read."""

    def memo(self, month: Month | str, category: str) -> StoredMemo | None: ...

    def save_header(self, header: MemoHeader) -> MemoHeader: ...

    def memo_counter(self, division: str, year: int) -> CounterRead: ...

    def run_mark(self, month: Month | str) -> RunMark:
        """PAG-01: the mark of the last recorded run of ``month`` (consistent read)."""


class DocumentStore(Protocol):
    """Where a sent memo's documents go (PAG-11)."""

    def put(self, memo_id: str, documents: dict[str, tuple[bytes, str]]) -> dict[str, str]:
        """``documents``: extension → (bytes, content type); returns the key and sha256 of each."""


class WorkingDays(Protocol):
    def is_dia_util(self, day: date, municipio: str | None = None) -> bool: ...


class Calendar(Protocol):
    """The court calendar (CAL-): which days are working days, per municipality."""

    def calendar_for(self, config: TribunalConfig, years: Sequence[int]) -> WorkingDays: ...


class PdfRenderer(Protocol):
    """Renders a memo as the PDF the President signs (PAG-11)."""

    def __call__(self, *, tribunal: str, memo_id: str, month: str, category: str, status: str,
                 lines: Sequence[Line], generated_at: datetime, signed_by: str | None = None,
                 signed_at: datetime | None = None, number: str | None = None,
                 signatory: tuple[str, str] | None = None, place: str | None = None,
                 note: str | None = None) -> bytes: ...
