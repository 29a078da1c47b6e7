"""The secondary ports of distribuicao-svc: what its use cases need from storage, as ``typing.Protocol``\\ s.

``service.py``, ``precatorias.py`` and ``schedules.py`` depend only on these; ``adapters/`` implements them on
DynamoDB (PynamoDB) and S3, and ``tests/unit/distribuicao/fakes.py`` in memory. Each write method is one
atomic unit of work: it commits everything or nothing, and raises :class:`courtlib.errors.WriteConflict` when
what it was decided on (a version, a log head) changed since it was read — the use case reads and decides
again (:func:`courtlib.retry.retry_on_conflict`).

Audit (issue 17): each write method takes the :class:`Act` it performs (``act=``) and writes its audit record in
the same unit of work (the adapter calls ``courtlib``'s ``UnitOfWork.audit``; the fakes keep it in ``audits``):
no act commits without its record, no record without its act. ``act=None`` only where the use case audits the
act in another write of the same call (a bulk import records itself once, with its last órgão).

The value types the ports exchange (what was read, with what only storage knows) are declared here too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.distribuicao.domain.cnj import CnjNumber, parse_cnj
from chalicelib.distribuicao.domain.draw import AssignedCase, CaseData, Decision, OrgaoState
from chalicelib.distribuicao.domain.judges import Judge, Orgao
from chalicelib.distribuicao.domain.log import CaseDetails, DrawRecord
from chalicelib.distribuicao.domain.precatorias import Election, Zone, ZoneState
from chalicelib.distribuicao.domain.randomness import DailySeed

from courtlib.beacon.config import RoundSource
from courtlib.messaging.contracts import Envelope

__all__ = ["RoundSource"]  # the beacon a draw waits for (courtlib.beacon: LocalBeacon, RelayClient)

Clock = Callable[[], datetime]
"""Now, time-zone aware."""

PageKey = dict[str, Any] | None
"""Where a page starts or the next one would (opaque to the use cases; the HTTP layer signs it as a cursor)."""


# --- what the use cases say about their acts ---------------------------------------------------


@dataclass(frozen=True)
class Act:
    """The audit record of one act, as the use case states it: a stable code (``DIST.DISTRIBUIR``), the target
    ``(type, id)``, the rules it applied and the target's relevant state before and after (JSON-able, small,
    never a secret). Who acts and the correlation id are not here: :mod:`courtlib.audit.actor` has them."""

    code: str
    target: tuple[str, str]
    rules: tuple[str, ...]
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


# --- what the store answers -------------------------------------------------------------------


AWAITING_BEACON = "aguardando_farol"


@dataclass(frozen=True)
class PendingAct:
    """A registered act awaiting its beacon round (issue 16, the first of a draw's two moments).

    ``order`` is its place in the órgão's queue: acts are resolved — drawn and chained in the log — in that order,
    so the seq and the counts a draw sees are fixed by registration, not by who resolves it. ``kind``:
    ``distribuicao``, ``manual`` or ``redistribuicao``; ``command``: what was asked, as JSON (``acts.py``);
    ``chain`` and ``round``: the beacon round fixed at registration, the first after ``registered_at``."""

    orgao: str
    order: int
    number: CnjNumber
    kind: str
    chain: str
    round: int
    registered_at: datetime
    command: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"orgao": self.orgao, "ordem": self.order, "numero": self.number.digits, "tipo": self.kind,
                "cadeia": self.chain, "rodada": self.round, "registrado_em": self.registered_at.isoformat(),
                "pedido": dict(self.command)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PendingAct:
        return cls(d["orgao"], int(d["ordem"]), parse_cnj(d["numero"]), d["tipo"], d["cadeia"], int(d["rodada"]),
                   datetime.fromisoformat(d["registrado_em"]), d["pedido"])


@dataclass(frozen=True)
class StoredOrgao:
    """The órgão partition as read: the domain state plus what only storage knows. ``queue``: the acts
    registered and not yet resolved, in order; ``queued``: the last order given."""

    state: OrgaoState
    name: str
    classes: tuple[str, ...]
    version: int
    desembargadores: frozenset[str]
    sort_keys: frozenset[str]
    queue: tuple[PendingAct, ...] = ()
    queued: int = 0

    @property
    def id(self) -> str:
        return self.state.orgao.id


@dataclass(frozen=True)
class StoredCase:
    number: CnjNumber
    orgao: str
    case: CaseData
    details: CaseDetails
    seat: str
    relator: str | None
    relator_name: str | None
    revisor: str | None
    revisor_name: str | None
    acting: str | None
    rule: str
    mode: str
    current_seq: int
    seqs: tuple[int, ...]
    pending: bool
    home_seat: str | None
    revisor_has_visto: bool
    voided_acts_of: tuple[str, ...]
    distributed_at: str

    def assigned(self) -> AssignedCase:
        return AssignedCase(
            case=self.case, seat_id=self.seat, relator_id=self.relator or "", revisor_id=self.revisor,
            pending=self.pending, home_seat_id=self.home_seat, revisor_has_visto=self.revisor_has_visto,
        )

    @classmethod
    def after(cls, orgao_id: str, decision: Decision, case: CaseData, previous: StoredCase | None) -> StoredCase:
        """The case row once ``decision`` is committed (``previous``: the row it replaces, on a redistribution)."""
        record = decision.record
        result = record.result
        details = decision.details if decision.details is not None else (previous.details if previous else None)
        if details is None:
            raise ValueError("a decision on a new case carries its details")
        assigned = decision.assigned(case, previous=None if previous is None else previous.assigned())
        voided = tuple(previous.voided_acts_of) if previous else ()
        if decision.voids_acts_of:
            voided = (*voided, decision.voids_acts_of)
        return cls(
            number=case.number, orgao=orgao_id, case=case, details=details, seat=decision.unit,
            relator=result.relator, relator_name=result.relator_name, revisor=result.revisor,
            revisor_name=result.revisor_name, acting=decision.acting_id, rule=record.rule, mode=record.mode,
            current_seq=record.seq, seqs=(*(previous.seqs if previous else ()), record.seq), pending=True,
            home_seat=assigned.home_seat_id, revisor_has_visto=assigned.revisor_has_visto, voided_acts_of=voided,
            distributed_at=previous.distributed_at if previous else record.recorded_at,
        )


@dataclass(frozen=True)
class PendingCarta:
    """A carta registered and awaiting its beacon round (issue 16 for DIST-10): the municipality's queue, like an
    órgão's (:class:`PendingAct`). ``command``: the carta as received (``precatorias.carta_to_json``)."""

    municipality: str
    order: int
    partner: str
    origin_id: str
    number: str
    chain: str
    round: int
    registered_at: datetime
    command: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"municipio": self.municipality, "ordem": self.order, "parceiro": self.partner,
                "id_origem": self.origin_id, "numero": self.number, "cadeia": self.chain, "rodada": self.round,
                "registrado_em": self.registered_at.isoformat(), "pedido": dict(self.command)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PendingCarta:
        return cls(d["municipio"], int(d["ordem"]), d["parceiro"], d["id_origem"], d["numero"], d["cadeia"],
                   int(d["rodada"]), datetime.fromisoformat(d["registrado_em"]), d["pedido"])


@dataclass(frozen=True)
class StoredZones:
    """A municipality's zones as read; ``queue``: the cartas registered and not yet drawn, in order; ``queued``:
    the last order given."""

    state: ZoneState
    version: int
    queue: tuple[PendingCarta, ...] = ()
    queued: int = 0


@dataclass(frozen=True)
class StoredCarta:
    partner: str
    origin_id: str
    number: str
    municipality: str
    kind: str
    secret: bool
    details: CaseDetails
    zone: str
    distributor: str
    log_id: str
    seq: int
    rule: str
    mode: str
    record_hash: str
    received_at: str


@dataclass(frozen=True)
class PublishedSeed:
    day: date
    commitment: str
    seed_hex: str

    def revealed(self, today: date) -> str | None:
        """The seed, only when its day is before ``today`` (today's seed is still in use)."""
        return self.seed_hex if self.day < today else None

    def as_seed(self) -> DailySeed:
        return DailySeed.from_hex(self.day, self.seed_hex)


class CaseAlreadyDistributed(Exception):
    """The case row exists: the case was distributed before (nothing was written)."""


class ActPending(Exception):
    """The case already has an act awaiting its beacon round (nothing was written)."""


class CartaExists(Exception):
    """The partner already sent a carta with this id_origem (nothing was written)."""


# --- the ports ----------------------------------------------------------------------------------


class OrgaoRepository(Protocol):
    """Órgãos, their logs and cases, and the numbering counters."""

    def load_orgao(self, orgao_id: str) -> StoredOrgao | None:
        """The whole órgão (reference data, counters, log head) as of one consistent read; None if unknown."""

    def known_orgao(self, orgao_id: str) -> StoredOrgao | None:
        """The órgão as this container last read or wrote it, without a read (None: not known). It may be stale:
        a registration or resolution staged on it is refused (WriteConflict) if it is, and it is forgotten."""

    def orgao_exists(self, orgao_id: str) -> bool: ...

    def orgao_ids(self) -> list[str]: ...

    def orgaos_page(self, limit: int, start: PageKey) -> tuple[list[dict[str, Any]], PageKey]:
        """One page of órgãos (``id``, ``nome``, ``classes``) in id order."""

    def members_page(self, orgao_id: str, limit: int, start: PageKey) -> tuple[list[tuple[Judge, bool]], PageKey]:
        """One page of an órgão's judges in id order, each with whether they are a desembargador."""

    def replace_orgao(self, orgao: Orgao, *, name: str, classes: Sequence[str], desembargadores: Iterable[str],
                      existing: StoredOrgao | None, act: Act | None) -> None:
        """Writes the órgão's reference data (seats and judges no longer listed go); counts and log stay.
        ``existing`` None: only if the órgão is still absent. WriteConflict when it changed since read."""

    def save_judge(self, stored: StoredOrgao, judge: Judge, events: Iterable[Envelope] = (), *, act: Act) -> None:
        """Replaces one judge and moves the órgão's version, with ``events`` in the same unit of work."""

    def commit_decision(self, stored: StoredOrgao, decision: Decision, case: CaseData, *,
                        previous: StoredCase | None = None, events: Iterable[Envelope] = (),
                        act: Act, resolves: PendingAct | None = None) -> StoredCase:
        """Case row, record, head and counters in one unit of work. A new case only if absent
        (:class:`CaseAlreadyDistributed`); a redistribution only if the row is still ``previous``; the head
        must still be the one read (WriteConflict otherwise). ``resolves``: the pending act this decision
        resolves (removed in the same unit of work, only if still there); without it, refused (WriteConflict)
        while the órgão has acts awaiting their round, which come first."""

    def commit_resolutions(self, stored: StoredOrgao,
                           resolutions: Sequence[tuple[Decision, CaseData, PendingAct, Act]]) -> list[StoredCase]:
        """Several queued distributions of new cases resolved in ONE unit of work, in queue order (each decision
        taken on the state the ones before it leave): every case row only if absent, every record, the head and
        counters after the last, every act removed from the queue (only if still there) with its audited act.
        The head must still be the one read (WriteConflict otherwise; nothing written)."""

    def register(self, stored: StoredOrgao, pending: PendingAct, *, previous: StoredCase | None = None,
                 act: Act) -> None:
        """The first moment (issue 16): ``pending`` queued in the órgão and under its case number, the órgão's version
        moved, in one unit of work — only if the case has no other act pending (:class:`ActPending`), a new
        case only if not distributed (:class:`CaseAlreadyDistributed`), a redistribution only if the case row
        is still ``previous``, and the órgão as read (WriteConflict)."""

    def drop_pending(self, stored: StoredOrgao, pending: PendingAct, *, act: Act) -> None:
        """Removes ``pending`` from the queue without a record (its resolution was refused by the rules): only if
        the órgão is as read (WriteConflict)."""

    def pending_act(self, number: CnjNumber) -> PendingAct | None:
        """The act awaiting its round for this case number, if any."""

    def get_case(self, number: CnjNumber) -> StoredCase | None: ...

    def pending_cases(self, orgao_id: str) -> list[StoredCase]: ...

    def records(self, log_id: str, seqs: Iterable[int] | None = None) -> list[tuple[DrawRecord, CaseDetails | None]]:
        """Records of ``log_id`` in seq order (all, or only ``seqs``), each with its private details."""

    def next_number(self, origin: int, year: int, *, segment: int, tribunal: int,
                    act: Callable[[CnjNumber], Act]) -> CnjNumber:
        """The next number of (origin, year), never given twice (CnjError when the year's numbers ran out);
        ``act(number)`` is recorded in the same unit of work as the counter."""

    def record(self, act: Act) -> None:
        """The record of an act whose change is outside the table (an S3 document): alone, in its own unit of
        work, written right after that change."""


class PrecatoriaRepository(Protocol):
    """Electoral zones of the municipalities, election days and the cartas received (DIST-10)."""

    def load_zones(self, municipality: str) -> StoredZones | None: ...

    def save_zones(self, municipality: str, zones: Sequence[Zone], existing: StoredZones | None, *,
                   act: Act) -> None:
        """Replaces the zones (counts and log stay); WriteConflict on a concurrent change."""

    def save_election(self, election: Election, *, act: Act) -> None:
        """Creates or replaces an election day, with its act in the same unit of work."""

    def election(self, day: date) -> Election | None: ...

    def elections(self) -> list[Election]: ...

    def commit_carta(self, stored: StoredZones, decision: Decision, *, partner: str, origin_id: str, kind: str,
                     secret: bool, act: Act, resolves: PendingCarta | None = None) -> StoredCarta:
        """Carta, record and head in one unit of work: :class:`CartaExists` if (partner, id_origem) was used,
        WriteConflict if the head moved. ``resolves``: the queued carta this draw resolves (removed in the same
        unit of work, only if still there); without it, refused (WriteConflict) while cartas are queued."""

    def register_carta(self, stored: StoredZones, pending: PendingCarta, *, act: Act) -> None:
        """The first moment: ``pending`` queued in the municipality and under (partner, id_origem), in one unit of
        work — :class:`ActPending` if that carta is already queued, :class:`CartaExists` if it was drawn, and
        WriteConflict if the zones or the queue changed since read."""

    def drop_pending_carta(self, stored: StoredZones, pending: PendingCarta, *, act: Act) -> None:
        """Removes ``pending`` from the queue without a draw (the rules refused it at resolution)."""

    def pending_carta(self, partner: str, origin_id: str) -> PendingCarta | None:
        """The partner's carta awaiting its round, if any."""

    def municipalities_with_queue(self) -> list[str]:
        """The municipalities with cartas awaiting their round (for the every-minute schedule)."""

    def get_carta(self, partner: str, origin_id: str) -> StoredCarta | None: ...

    def list_cartas(self, partner: str, limit: int, start: PageKey) -> tuple[list[StoredCarta], PageKey]: ...

    def cartas_by_number(self, digits: str) -> list[StoredCarta]: ...


class SeedStore(Protocol):
    """The daily seeds of the commit–reveal draws (DIST-11): one per day, created once, never changed."""

    def seed_for(self, day: date) -> DailySeed:
        """The seed of ``day``, created if nobody used that day before."""

    def ensure(self, days: Iterable[date]) -> None:
        """Creates the seeds of ``days`` ahead, so their commitments are public before they start."""

    def publish(self, days: Iterable[date], act: Callable[[Mapping[date, str]], Act]) -> dict[date, str]:
        """Creates the missing seeds of ``days`` (sealed at rest) in one unit of work with ``act(commitments
        created)``; answers the commitments created (none: nothing written, no record)."""

    def published(self, start: date, end: date, reveal_before: date | None = None) -> list[PublishedSeed]:
        """Seeds of ``start..end`` with their commitments, by day; the seeds themselves (sealed at rest) only of
        the days before ``reveal_before`` (the caller reveals only past days)."""


class EditalStore(Protocol):
    """The documents of the fortnightly edital (DIST-08)."""

    def put(self, start: date, end: date, json_bytes: bytes, pdf_bytes: bytes) -> dict[str, Any]:
        """Stores the period's two documents (unchanged ones are left alone); their keys and sha256, and
        ``gravados``: which of ``json``/``pdf`` were written now (empty: nothing changed)."""

    def published(self, year: int) -> list[tuple[date, date]]:
        """The periods of ``year`` whose edital is stored, oldest first."""

    def presigned_get(self, key: str, expires: int = 3600) -> str:
        """A link that downloads ``key`` for ``expires`` seconds."""
