"""The secondary ports of plantao-svc: what the use cases (``service.py``) and the reads (``queries.py``) need from
the outside world, as Protocols. The adapters (``adapters/``: PynamoDB, S3, SES, fpdf2) implement them in
production; ``tests/unit/plantao/fakes.py`` implements them in memory.

Writes go through a :class:`UnitOfWork`: every ``stage_*`` is conditioned on what the use case read (a version,
a status, an absence), and ``commit()`` writes all of them or none. When a condition no longer holds because
another request wrote first, ``commit()`` raises :class:`courtlib.errors.WriteConflict` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from chalicelib.plantao.domain.compensation import LedgerEntry
from chalicelib.plantao.domain.portaria import Portaria
from chalicelib.plantao.domain.records import Ledger, RotationState, StoredScale
from chalicelib.plantao.domain.reference import ReferenceData
from chalicelib.plantao.domain.scales import Kind, Month

from courtlib.calendar import CourtCalendar
from courtlib.config import TribunalConfig
from courtlib.messaging.contracts import Envelope

Clock = Callable[[], datetime]  # the current instant (aware); tests travel in time through it


class UnitOfWork(Protocol):
    """The writes of one use case, committed atomically together with the events it emits (outbox)."""

    def stage_rotation(self, state: RotationState, month: Month, positions: Mapping[str, str | None]) -> None:
        """The rotation's positions after ``month``; conditioned on ``state.version`` (0: must not exist)."""

    def stage_scale(self, stored: StoredScale, *, previous_version: int | None) -> None:
        """The whole scale; ``previous_version`` None: must not exist yet, else the version read. Sets
        ``stored.version`` to the version written."""

    def stage_portaria(self, series: str, year: int, number: int, last_read: int | None,
                       record: Mapping[str, Any]) -> None:
        """The portaria ``number`` and the series' counter, conditioned on the counter read (None: no counter)."""

    def stage_portaria_document(self, series: str, year: int, number: int, record: Mapping[str, Any]) -> None:
        """The portaria's record again (its document's state changed), conditioned on its existing."""

    def stage_swap_request(self, swap_id: str, data: Mapping[str, Any], status: str, *, expected: str | None) -> None:
        """A swap request; ``expected`` None: must not exist, else its current status."""

    def stage_entry(self, entry: LedgerEntry) -> None:
        """A ledger entry, written only if absent."""

    def stage_balance(self, magistrate: str, *, balance: int = 0, reserved: int = 0,
                      version: int | None = None) -> None:
        """Adds to a magistrate's balance and reserved days; ``version`` (when given) must still be the one read
        (0: no balance yet)."""

    def stage_use(self, magistrate: str, use_id: str, data: Mapping[str, Any], status: str, *,
                  expected: str | None) -> None:
        """A compensation use; ``expected`` None: must not exist, else its current status."""

    def stage_reference(self, ref: ReferenceData, read_version: int) -> None:
        """The whole reference snapshot, conditioned on the version read (0: none yet); ``ValueError`` when it
        is too large for one transaction."""

    def stage_candidate(self, year: int, quadrimester: int, magistrate: str) -> None:
        """A night-scale candidacy (PLAN-01), written only if absent."""

    def stage_run(self, name: str, key: str, data: Mapping[str, Any]) -> None:
        """Marks a schedule's run ``name`` for ``key`` (a day, a month) done, with its counts (a later run of the
        same key that changed something replaces the mark; its audit record is a new one)."""

    def stage_generation_request(self, month: Month, kind: Kind, data: Mapping[str, Any], read_version: int) -> None:
        """The generation asked by hand of ``month`` and ``kind`` (``courtlib.runs.RunRequest.to_dict``),
        conditioned on the version read (0: none yet)."""

    def audit(self, act: str, target: tuple[str, str], *, rules: Sequence[str],
              before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> None:
        """Records the act in this transaction (``courtlib.messaging.outbox.UnitOfWork.audit``): who acts comes
        from the entry point; ``rules`` are the PLAN-/CAL- ids applied; ``before``/``after`` small and JSON-able."""

    def emit(self, envelope: Envelope) -> None:
        """An event, published once the transaction is written (transactional outbox)."""

    def commit(self) -> None:
        """Writes everything staged, or nothing: :class:`courtlib.errors.WriteConflict` when a condition failed."""


class Repository(Protocol):
    """plantao-svc's stored state: reference data, edital candidacies, rotations, scales, portarias, swaps and
    the compensation ledger. Reads answer values (copies: changing them changes nothing stored)."""

    def load_reference(self, capital: str) -> tuple[ReferenceData, int]:
        """The reference snapshot and its version (0: none yet)."""

    def candidates(self, year: int, quadrimester: int) -> list[str]: ...


    def rotation(self, kind: Kind) -> RotationState: ...

    def scale(self, month: Month, kind: Kind) -> StoredScale | None: ...

    def generation_request(self, month: Month, kind: Kind) -> tuple[dict[str, Any], int] | None:
        """The last generation asked by hand of ``month`` and ``kind`` and its version (consistent read)."""

    def month_scales(self, month: Month, consistent: bool = False) -> list[StoredScale]:
        """Every scale of a month (all kinds), by kind."""

    def published_month(self, month: Month) -> list[StoredScale]:
        """The approved scales of a month for the public reads (may be a few seconds old)."""

    def scales_between(self, first: Month, last: Month) -> list[StoredScale]: ...

    def portaria_last(self, series: str, year: int) -> int | None:
        """The last number given in a series and year (None: none yet)."""

    def portaria(self, series: str, year: int, number: int) -> dict[str, Any] | None: ...

    def notices_sent(self, series: str, year: int, number: int) -> set[str]:
        """The magistrates already notified of the portaria (consistent read)."""

    def record_notice(self, series: str, year: int, number: int, magistrate: str) -> bool:
        """Records that ``magistrate`` was notified of the portaria, only if not yet recorded (a conditional put,
        outside any unit of work: each notice is recorded as soon as it is sent); False when it already was."""

    def swap_request(self, swap_id: str) -> tuple[dict[str, Any], str] | None:
        """The request's data and status."""

    def swap_requests(self, scale_id: str) -> list[tuple[dict[str, Any], str]]: ...

    def ledger(self, magistrate: str) -> Ledger: ...

    def use(self, magistrate: str, use_id: str) -> tuple[dict[str, Any], str] | None:
        """A compensation use's data and status."""

    def unit_of_work(self) -> UnitOfWork: ...


class Calendars(Protocol):
    """The court calendar (CAL-01..03), owned by this service and kept in its table."""

    def calendar_for(self, config: TribunalConfig, years: Iterable[int]) -> CourtCalendar: ...


class PortariaDocuments(Protocol):
    """Where a portaria's text and PDF are kept (the documents bucket), under :func:`portaria_keys`."""

    def put(self, series: str, year: int, number: int, text: str, pdf: bytes) -> dict[str, str]: ...

    def get(self, key: str) -> bytes | None:
        """The document under ``key``, or None."""


class PdfRenderer(Protocol):
    def __call__(self, portaria: Portaria, *, issued_at: datetime) -> bytes: ...


class Notifier(Protocol):
    def send_one(self, address: str, name: str, body: str, subject: str) -> None:
        """One e-mail to ``address``; raises when it was not accepted."""

