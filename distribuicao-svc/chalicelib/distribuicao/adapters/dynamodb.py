"""PynamoDB storage of distribuicao-svc in the service's single table.

| item | pk | sk | notes |
|---|---|---|---|
| órgão (name, classes) | ``ORGAO#<id>`` | ``ORGAO`` | reference data |
| log head + counters | ``ORGAO#<id>`` | ``CABECA`` | ``seq``, ``head_hash``, ``counters``, ``version``, ``queued`` |
| act awaiting its round | ``ORGAO#<id>`` | ``PENDENTE#<order, 10 digits>`` | :class:`PendingAct` JSON |
| seat | ``ORGAO#<id>`` | ``CADEIRA#<seat>`` | JSON in ``data`` |
| judge (+ absences) | ``ORGAO#<id>`` | ``JUIZ#<judge>`` | JSON in ``data`` |
| draw record | ``LOG#<log id>`` | ``<seq, 10 digits>`` | the chained record (JSON) and the private case details |
| case | ``PROCESSO#<20 digits>`` | ``DISTRIBUICAO`` | current assignment; gsi1 ``ORGAO#<id>#PROCESSOS`` / number |
| case's act awaiting its round | ``PROCESSO#<20 digits>`` | ``REGISTRO`` | the same, one per case at a time |
| numbering counter | ``NUMERACAO#<origin>#<year>`` | ``CONTADOR`` | ``last`` (conditional ADD) |
| daily seed | ``SEMENTE#<day>`` | ``SEMENTE`` | seed + commitment; gsi1 ``SEMENTES`` / day |

Everything a distribution reads is the órgão partition (one consistent Query); everything it writes is one
TransactWriteItems: the case row (``attribute_not_exists``: a case is never distributed twice), the record
(``attribute_not_exists``) and the head, conditioned on the ``seq`` and ``version`` read. ``version`` also
moves on every change of reference data, so a draw never commits on judges it did not see.

Issue 16's registration is one TransactWriteItems too: the case's ``REGISTRO`` (only if absent), a check of the
case row (absent for a new case, unchanged for a redistribution), the ``PENDENTE#`` item and the head's
``queued`` and ``version`` (conditioned on the version read). The resolution is :meth:`commit_decision` with
``resolves``: the same write as a draw today plus the deletion of both items, conditioned on their presence;
:meth:`commit_resolutions` writes several such resolutions in one transaction (draw batching).

The hot path reads nothing it already knows: the repository keeps, per órgão, the state it last read or wrote
(:meth:`DistribuicaoRepository.known_orgao`). A registration and a resolution can be staged on it with no Query
before them, because every one of their writes is conditioned on the head's ``seq``, ``version`` and ``queued``
as held: if another process wrote meanwhile, the transaction is refused as a whole and the state is forgotten, so
the use case reads again. A warm container drawing in sequence thus makes two round trips per draw.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from chalicelib.distribuicao.domain.cnj import (
    CnjNumber,
    NumberingCounter,
    allocate_number,
    parse_cnj,
)
from chalicelib.distribuicao.domain.draw import CaseData, Decision, OrgaoState
from chalicelib.distribuicao.domain.equality import Counters
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao, Role, Seat
from chalicelib.distribuicao.domain.log import GENESIS_HASH, CaseDetails, DrawRecord, LogHead
from chalicelib.distribuicao.ports import Act, ActPending, CaseAlreadyDistributed, PendingAct, StoredCase, StoredOrgao
from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition

from courtlib import clock
from courtlib.errors import Invalid, WriteConflict
from courtlib.messaging.contracts import Envelope
from courtlib.messaging.outbox import ConditionFailed, TransactionTooLarge, UnitOfWork
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

ORGAO_PREFIX = "ORGAO#"
LOG_PREFIX = "LOG#"
CASE_PREFIX = "PROCESSO#"
NUMBERING_PREFIX = "NUMERACAO#"
SK_META = "ORGAO"
ORGAOS_INDEX_PK = "ORGAOS"  # gsi1 of every órgão's meta item: the schedules list órgãos by Query
SK_HEAD = "CABECA"
SK_SEAT = "CADEIRA#"
SK_JUDGE = "JUIZ#"
SK_CASE = "DISTRIBUICAO"
SK_COUNTER = "CONTADOR"
SK_PENDING = "PENDENTE#"
SK_REGISTRATION = "REGISTRO"
SEQ_WIDTH = 10


# --- items ----------------------------------------------------------------------------------


class OrgaoItem(TableItem):
    """Any item of an órgão's partition; ``kind`` says which (orgao, cabeca, cadeira, juiz)."""

    kind = UnicodeAttribute()
    data = UnicodeAttribute(null=True)
    seq = NumberAttribute(null=True)
    head_hash = UnicodeAttribute(null=True)
    counters = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    queued = NumberAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)


class RegistrationItem(TableItem):
    """A case's act awaiting its beacon round (``PendingAct`` JSON), removed by its resolution."""

    data = UnicodeAttribute()


class DrawRecordItem(TableItem):
    """One record of a log: ``record`` is :meth:`DrawRecord.to_dict` (body + hash); ``details`` stays private."""

    record = UnicodeAttribute()
    details = UnicodeAttribute(null=True)
    case_number = UnicodeAttribute()
    recorded_at = UnicodeAttribute()


class CaseItem(TableItem):
    """A distributed case: where it is now and the seqs of every record about it."""

    number = UnicodeAttribute()
    orgao = UnicodeAttribute()
    classe = UnicodeAttribute()
    secret = BooleanAttribute(default=False)
    urgent = BooleanAttribute(default=False)
    needs_revisor = BooleanAttribute(default=False)
    details = UnicodeAttribute()
    seat = UnicodeAttribute()
    relator = UnicodeAttribute(null=True)
    relator_name = UnicodeAttribute(null=True)
    revisor = UnicodeAttribute(null=True)
    revisor_name = UnicodeAttribute(null=True)
    acting = UnicodeAttribute(null=True)
    rule = UnicodeAttribute()
    mode = UnicodeAttribute()
    current_seq = NumberAttribute()
    # annotated with what a read gives: PynamoDB types ListAttribute(of=X) as a list of X attribute objects
    # (pynamodb/PynamoDB#1221), hence the ignores
    seqs: ListAttribute[int] = ListAttribute(of=NumberAttribute)  # type: ignore[arg-type]
    pending = BooleanAttribute(default=True)
    home_seat = UnicodeAttribute(null=True)
    revisor_has_visto = BooleanAttribute(default=False)
    voided_acts_of: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    distributed_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class NumberingItem(TableItem):
    last = NumberAttribute(default=0)


# --- (de)serialisation of the reference data -------------------------------------------------


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def judge_to_dict(judge: Judge, desembargador: bool = False) -> dict[str, Any]:
    return {
        "id": judge.id, "nome": judge.name, "antiguidade": judge.seniority, "cadeira": judge.seat,
        "papel": judge.role.value, "presidente": judge.president, "desembargador": desembargador,
        "inicio_mandato": _iso(judge.mandate_start), "fim_mandato": _iso(judge.mandate_end),
        "ausencias": [{"inicio": a.start.isoformat(), "fim": _iso(a.end), "motivo": a.reason} for a in judge.absences],
    }


def judge_from_dict(data: Mapping[str, Any]) -> Judge:
    return Judge(
        id=data["id"], name=data["nome"], seniority=int(data["antiguidade"]), seat=data["cadeira"],
        role=Role(data["papel"]), president=bool(data["presidente"]),
        mandate_start=_day(data.get("inicio_mandato")), mandate_end=_day(data.get("fim_mandato")),
        absences=tuple(Absence(date.fromisoformat(a["inicio"]), _day(a.get("fim")), a.get("motivo") or "afastamento")
                       for a in data.get("ausencias", [])),
    )


def seat_to_dict(seat: Seat) -> dict[str, Any]:
    return {"id": seat.id, "rotulo": seat.label, "vaga_desde": _iso(seat.vacant_since)}


def seat_from_dict(data: Mapping[str, Any]) -> Seat:
    return Seat(data["id"], data.get("rotulo") or "", _day(data.get("vaga_desde")))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def seq_key(seq: int) -> str:
    return f"{seq:0{SEQ_WIDTH}d}"


def orgao_pk(orgao_id: str) -> str:
    return f"{ORGAO_PREFIX}{orgao_id}"


def case_pk(number: CnjNumber) -> str:
    return f"{CASE_PREFIX}{number.digits}"


# --- the repository ---------------------------------------------------------------------------


class DistribuicaoRepository:
    """Reads and writes of distribuicao-svc; every write that changes an órgão goes through a UnitOfWork."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.orgao_model = bind(OrgaoItem, settings)
        self.record_model = bind(DrawRecordItem, settings)
        self.case_model = bind(CaseItem, settings)
        self.numbering_model = bind(NumberingItem, settings)
        self.registration_model = bind(RegistrationItem, settings)
        # the órgãos as this container last read or wrote them (see the module docstring); bounded by the
        # number of órgãos of a court (dozens), so no eviction
        self._known: dict[str, StoredOrgao] = {}
        self._known_lock = threading.Lock()

    @property
    def models(self) -> tuple[type[TableItem], ...]:
        return (self.orgao_model, self.record_model, self.case_model, self.numbering_model, self.registration_model)

    # órgão -------------------------------------------------------------------------------------

    def known_orgao(self, orgao_id: str) -> StoredOrgao | None:
        """The órgão as this container last read or wrote it, with no round trip (None: not known). It may be
        stale; a registration or resolution staged on it is refused (WriteConflict) if it is."""
        return self._known.get(orgao_id)

    def _remember(self, orgao_id: str, stored: StoredOrgao | None) -> None:
        """Keeps ``stored`` as the órgão's known state (forgets it when None). Another thread of this container
        may have written a later state just before: keeping an older one only costs a refused write, never a
        wrong one (the conditions decide)."""
        with self._known_lock:
            if stored is None:
                self._known.pop(orgao_id, None)
            else:
                self._known[orgao_id] = stored

    def forget_orgao(self, orgao_id: str) -> None:
        self._remember(orgao_id, None)

    def load_orgao(self, orgao_id: str) -> StoredOrgao | None:
        """The whole órgão partition in one consistent Query (None if the órgão is not registered)."""
        stored = self._load_orgao(orgao_id)
        self._remember(orgao_id, stored)
        return stored

    def _load_orgao(self, orgao_id: str) -> StoredOrgao | None:
        meta: dict[str, Any] | None = None
        head: OrgaoItem | None = None
        seats: list[Seat] = []
        judges: list[Judge] = []
        desembargadores: set[str] = set()
        keys: set[str] = set()
        queue: list[PendingAct] = []
        for item in self.orgao_model.query(orgao_pk(orgao_id), consistent_read=True):
            if item.kind == "pendente":
                queue.append(PendingAct.from_dict(json.loads(item.data or "{}")))
                continue
            keys.add(item.sk)
            if item.kind == "orgao":
                meta = json.loads(item.data or "{}")
            elif item.kind == "cabeca":
                head = item
            elif item.kind == "cadeira":
                seats.append(seat_from_dict(json.loads(item.data or "{}")))
            elif item.kind == "juiz":
                data = json.loads(item.data or "{}")
                judges.append(judge_from_dict(data))
                if data.get("desembargador"):
                    desembargadores.add(data["id"])
        if meta is None or head is None:
            return None
        orgao = Orgao(orgao_id, tuple(sorted(seats, key=lambda s: s.id)), tuple(sorted(judges, key=lambda j: j.id)))
        state = OrgaoState(
            orgao=orgao,
            counters=Counters(json.loads(head.counters or "{}")),
            head=LogHead(int(head.seq or 0), head.head_hash or GENESIS_HASH),
        )
        return StoredOrgao(state=state, name=meta.get("nome", ""), classes=tuple(meta.get("classes", [])),
                           version=int(head.version or 0), desembargadores=frozenset(desembargadores),
                           sort_keys=frozenset(keys), queue=tuple(sorted(queue, key=lambda a: a.order)),
                           queued=int(head.queued or 0))

    def orgaos_page(self, limit: int, start: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
        """One page of the órgãos (``id``, ``nome``, ``classes``) in id order (gsi1 ``ORGAOS``) and its
        LastEvaluatedKey."""
        result = self.orgao_model.by_gsi1.query(ORGAOS_INDEX_PK, limit=limit, last_evaluated_key=start)
        return [{"id": item.gsi1sk, **json.loads(item.data or "{}")} for item in result], result.last_evaluated_key

    def members_page(self, orgao_id: str, limit: int, start: dict[str, Any] | None,
                     ) -> tuple[list[tuple[Judge, bool]], Any]:
        """One page of an órgão's judges in id order (``JUIZ#`` items of its partition), each with whether
        they are a desembargador, and its LastEvaluatedKey."""
        result = self.orgao_model.query(orgao_pk(orgao_id), self.orgao_model.sk.startswith(SK_JUDGE), limit=limit,
                                        last_evaluated_key=start, consistent_read=True)
        page = []
        for item in result:
            data = json.loads(item.data or "{}")
            page.append((judge_from_dict(data), bool(data.get("desembargador"))))
        return page, result.last_evaluated_key

    def orgao_exists(self, orgao_id: str) -> bool:
        return self.orgao_model.count(orgao_pk(orgao_id), self.orgao_model.sk == SK_META, limit=1) > 0

    def replace_orgao(self, orgao: Orgao, *, name: str, classes: Sequence[str], desembargadores: Iterable[str],
                      existing: StoredOrgao | None, act: Act | None) -> None:
        """Writes the órgão's reference data (removing seats and judges no longer listed); counts and log stay.

        Raises :class:`WriteConflict` when the órgão changed since ``existing`` was read.
        """
        if existing is not None and existing.queue:
            raise WriteConflict()  # acts registered on the órgão as it was are resolved first
        model = self.orgao_model
        pk = orgao_pk(orgao.id)
        now = clock.now()
        desembargadores = set(desembargadores)
        uow = UnitOfWork(self.settings)
        uow.save(model(pk=pk, sk=SK_META, kind="orgao", data=_dumps({"nome": name, "classes": list(classes)}),
                       gsi1pk=ORGAOS_INDEX_PK, gsi1sk=orgao.id, updated_at=now))
        wanted = {SK_META, SK_HEAD}
        for seat in orgao.seats:
            sk = f"{SK_SEAT}{seat.id}"
            wanted.add(sk)
            uow.save(model(pk=pk, sk=sk, kind="cadeira", data=_dumps(seat_to_dict(seat)), updated_at=now))
        for judge in orgao.judges:
            sk = f"{SK_JUDGE}{judge.id}"
            wanted.add(sk)
            uow.save(model(pk=pk, sk=sk, kind="juiz", data=_dumps(judge_to_dict(judge, judge.id in desembargadores)),
                           updated_at=now))
        if existing is None:
            uow.save(model(pk=pk, sk=SK_HEAD, kind="cabeca", seq=0, head_hash=GENESIS_HASH, counters="{}", version=1,
                           updated_at=now), condition=model.pk.does_not_exist())
        else:
            for sk in sorted(existing.sort_keys - wanted):
                uow.delete(model(pk=pk, sk=sk))
            self._bump_head(uow, pk, existing.version, now, queued=existing.queued)
        audit(uow, act)
        self._committing(orgao.id, uow, after=None)

    def save_judge(self, stored: StoredOrgao, judge: Judge, events: Iterable[Envelope] = (), *, act: Act) -> None:
        """Replaces one judge (e.g. with a new absence) and moves the órgão's version; events in the same
        transaction."""
        if stored.queue:
            raise WriteConflict()  # acts registered on the órgão as it was are resolved first
        model = self.orgao_model
        pk = orgao_pk(stored.id)
        now = clock.now()
        uow = UnitOfWork(self.settings)
        data = judge_to_dict(judge, judge.id in stored.desembargadores)
        uow.save(model(pk=pk, sk=f"{SK_JUDGE}{judge.id}", kind="juiz", data=_dumps(data), updated_at=now))
        self._bump_head(uow, pk, stored.version, now, queued=stored.queued)
        for event in events:
            uow.emit(event)
        audit(uow, act)
        self._committing(stored.id, uow, after=None)

    def _bump_head(self, uow: UnitOfWork, pk: str, version: int, now: datetime, *, queued: int) -> None:
        """Moves the órgão's version, only if it and the queue of acts are still those read."""
        model = self.orgao_model
        uow.update(model(pk=pk, sk=SK_HEAD, kind="cabeca"),
                   actions=[model.version.add(1), model.updated_at.set(now)],
                   condition=(model.version == version) & same_queue(model, queued))

    def _committing(self, orgao_id: str, uow: UnitOfWork, *, after: StoredOrgao | None,
                    first_exists: type[Exception] | None = None) -> None:
        """Commits ``uow`` (:func:`commit`); the órgão's known state becomes ``after`` (None: forgotten), and is
        forgotten whatever the failure (a refusal says it is stale; an AWS failure leaves it unknown)."""
        try:
            commit(uow, first_exists=first_exists)
        except BaseException:
            self.forget_orgao(orgao_id)
            raise
        self._remember(orgao_id, after)

    # decisions -----------------------------------------------------------------------------------

    def commit_decision(self, stored: StoredOrgao, decision: Decision, case: CaseData, *,
                        previous: StoredCase | None = None, events: Iterable[Envelope] = (),
                        act: Act, resolves: PendingAct | None = None) -> StoredCase:
        """Persists ``decision`` in ONE TransactWriteItems: case row, record, head and counters (+ events).

        A new case (``previous`` None) is written only if absent (:class:`CaseAlreadyDistributed`); a
        redistribution only if the case row still points to the record that was read. The head must still
        be the one read (:class:`WriteConflict` otherwise: re-read and decide again). ``resolves``: the queued
        act it resolves, deleted with it (only if still there); without it, refused while acts are queued.
        """
        if decision.expected_head != stored.state.head or (resolves is None and stored.queue):
            raise WriteConflict()
        now = clock.now()
        row = StoredCase.after(stored.id, decision, case, previous)
        uow = UnitOfWork(self.settings)
        # PynamoDB sends puts in the order given and after deletes/condition checks (none here): the case
        # row is operation 0 of the transaction, so a failure there says "the case changed", not "the head".
        if previous is None:
            uow.save(self._case_item(row), condition=self.case_model.pk.does_not_exist())
        else:
            uow.save(self._case_item(row), condition=self.case_model.current_seq == previous.current_seq)
        # A resolution is not conditioned on the queue's end: acts registered since take later places, and the
        # version (moved by every resolution and edit) with the act's own PENDENTE# item already say that this act
        # is still the first. So registrations no longer refuse the resolutions in flight (8 clients, one órgão).
        # A draw with nothing queued (resolves None) must still find the queue empty.
        stage_draw(uow, self.record_model, self.orgao_model, head_pk=orgao_pk(stored.id), kind="cabeca",
                   decision=decision, counters=stored.state.counters, read_seq=stored.state.head.seq,
                   read_version=stored.version, now=now, read_queued=stored.queued if resolves is None else None)
        if resolves is not None:
            self._stage_unqueue(uow, resolves)
        for event in events:
            uow.emit(event)
        audit(uow, act)  # the record and its chain head: two more items of the same transaction
        # what the head is once this commits: exactly, since every field written was conditioned on the one read
        after = replace(stored, state=stored.state.apply(decision), version=stored.version + 1,
                        queue=tuple(a for a in stored.queue if resolves is None or a.order != resolves.order))
        # resolving a queued act, the case row can only exist because another resolver drew it: read again
        self._committing(stored.id, uow, after=after,
                         first_exists=CaseAlreadyDistributed if previous is None and resolves is None else None)
        return row

    def commit_resolutions(self, stored: StoredOrgao,
                           resolutions: Sequence[tuple[Decision, CaseData, PendingAct, Act]]) -> list[StoredCase]:
        """Queued distributions resolved together in ONE TransactWriteItems ("draw batching", see the port):
        per act its case row (only if absent), its record, the deletion of its two queue items and its audit
        record; once, the head after the last decision, conditioned on the ``seq`` and ``version`` read."""
        decisions = [decision for decision, _, _, _ in resolutions]
        state = stored.state
        for decision in decisions:
            state = state.apply(decision)  # raises if the decisions do not chain from the head read
        now = clock.now()
        uow = UnitOfWork(self.settings)
        rows = []
        for decision, case, _, _ in resolutions:
            row = StoredCase.after(stored.id, decision, case, None)
            uow.save(self._case_item(row), condition=self.case_model.pk.does_not_exist())
            rows.append(row)
        stage_draws(uow, self.record_model, self.orgao_model, head_pk=orgao_pk(stored.id), kind="cabeca",
                    decisions=decisions, counters=stored.state.counters, read_seq=stored.state.head.seq,
                    read_version=stored.version, now=now)
        done = {pending.order for _, _, pending, _ in resolutions}
        for _, _, pending, act in resolutions:
            self._stage_unqueue(uow, pending)
            audit(uow, act)
        after = replace(stored, state=state, version=stored.version + 1,
                        queue=tuple(a for a in stored.queue if a.order not in done))
        self._committing(stored.id, uow, after=after)  # a case row present: another resolver drew it, read again
        return rows

    # acts awaiting their beacon round (issue 16) ---------------------------------------------------------

    def register(self, stored: StoredOrgao, pending: PendingAct, *, previous: StoredCase | None = None,
                 act: Act) -> None:
        """Queues ``pending`` (see the module docstring): ActPending, CaseAlreadyDistributed or WriteConflict."""
        data = _dumps(pending.to_dict())
        pk = orgao_pk(stored.id)
        now = clock.now()
        uow = UnitOfWork(self.settings)
        reg = self.registration_model
        uow.save(reg(pk=case_pk(pending.number), sk=SK_REGISTRATION, data=data), condition=reg.pk.does_not_exist())
        case = self.case_model
        uow.condition_check(case, case_pk(pending.number), SK_CASE,
                            case.pk.does_not_exist() if previous is None
                            else case.current_seq == previous.current_seq)
        model = self.orgao_model
        uow.save(model(pk=pk, sk=f"{SK_PENDING}{seq_key(pending.order)}", kind="pendente", data=data, updated_at=now),
                 condition=model.pk.does_not_exist())
        # the version is not moved: a registration does not invalidate a resolution in flight (it takes the next
        # place in the queue, conditioned on the last one given); edits and other writes check the queue too
        uow.update(model(pk=pk, sk=SK_HEAD, kind="cabeca"),
                   actions=[model.queued.set(pending.order), model.updated_at.set(now)],
                   condition=(model.version == stored.version) & same_queue(model, stored.queued))
        audit(uow, act)
        after = replace(stored, queue=(*stored.queue, pending), queued=pending.order)
        try:
            self._committing(stored.id, uow, after=after)
        except WriteConflict as error:
            index = getattr(error.__cause__, "index", None)
            if index == 0:
                raise ActPending() from error
            if index == 1 and previous is None:
                raise CaseAlreadyDistributed() from error
            raise

    def drop_pending(self, stored: StoredOrgao, pending: PendingAct, *, act: Act) -> None:
        uow = UnitOfWork(self.settings)
        self._stage_unqueue(uow, pending)
        self._bump_head(uow, orgao_pk(stored.id), stored.version, clock.now(), queued=stored.queued)
        audit(uow, act)
        self._committing(stored.id, uow, after=None)

    def pending_act(self, number: CnjNumber) -> PendingAct | None:
        try:
            item = self.registration_model.get(case_pk(number), SK_REGISTRATION, consistent_read=True)
        except self.registration_model.DoesNotExist:
            return None
        return PendingAct.from_dict(json.loads(item.data))

    def _stage_unqueue(self, uow: UnitOfWork, pending: PendingAct) -> None:
        model = self.orgao_model
        uow.delete(model(pk=orgao_pk(pending.orgao), sk=f"{SK_PENDING}{seq_key(pending.order)}"),
                   condition=model.pk.exists())
        reg = self.registration_model
        uow.delete(reg(pk=case_pk(pending.number), sk=SK_REGISTRATION), condition=reg.pk.exists())

    def _case_item(self, row: StoredCase) -> CaseItem:
        return self.case_model(
            pk=case_pk(row.number), sk=SK_CASE, gsi1pk=f"{ORGAO_PREFIX}{row.orgao}#PROCESSOS", gsi1sk=str(row.number),
            number=str(row.number), orgao=row.orgao, classe=row.case.classe, secret=row.case.secret,
            urgent=row.case.urgent, needs_revisor=row.case.needs_revisor, details=_dumps(row.details.to_dict()),
            seat=row.seat, relator=row.relator, relator_name=row.relator_name, revisor=row.revisor,
            revisor_name=row.revisor_name, acting=row.acting, rule=row.rule, mode=row.mode,
            current_seq=row.current_seq, seqs=list(row.seqs), pending=row.pending, home_seat=row.home_seat,
            revisor_has_visto=row.revisor_has_visto, voided_acts_of=list(row.voided_acts_of) or None,
            distributed_at=row.distributed_at, updated_at=clock.now().isoformat(timespec="seconds"),
        )

    # cases and records -----------------------------------------------------------------------------

    def orgao_ids(self) -> list[str]:
        """Ids of every registered órgão (one gsi1 Query; órgãos saved before the index existed need a re-save)."""
        return sorted(item.gsi1sk for item in self.orgao_model.by_gsi1.query(ORGAOS_INDEX_PK))

    def pending_cases(self, orgao_id: str) -> list[StoredCase]:
        """The órgão's pending cases (gsi1 ``ORGAO#<id>#PROCESSOS``, eventually consistent)."""
        items = self.case_model.by_gsi1.query(f"{ORGAO_PREFIX}{orgao_id}#PROCESSOS",
                                              filter_condition=self.case_model.pending == True)  # noqa: E712
        return [self._stored_case(item) for item in items]

    def get_case(self, number: CnjNumber) -> StoredCase | None:
        try:
            item = self.case_model.get(case_pk(number), SK_CASE, consistent_read=True)
        except self.case_model.DoesNotExist:
            return None
        return self._stored_case(item)

    @staticmethod
    def _stored_case(item: CaseItem) -> StoredCase:
        details = CaseDetails.from_dict(json.loads(item.details))
        case = CaseData(
            number=parse_cnj(item.number), classe=item.classe, secret=bool(item.secret), urgent=bool(item.urgent),
            needs_revisor=bool(item.needs_revisor), parties=details.parties, lawyers=details.lawyers,
            subjects=details.subjects,
        )
        return StoredCase(
            number=case.number, orgao=item.orgao, case=case, details=details, seat=item.seat, relator=item.relator,
            relator_name=item.relator_name, revisor=item.revisor, revisor_name=item.revisor_name, acting=item.acting,
            rule=item.rule, mode=item.mode, current_seq=int(item.current_seq), seqs=tuple(int(s) for s in item.seqs),
            pending=bool(item.pending), home_seat=item.home_seat, revisor_has_visto=bool(item.revisor_has_visto),
            voided_acts_of=tuple(item.voided_acts_of or ()), distributed_at=item.distributed_at,
        )

    def records(self, log_id: str, seqs: Iterable[int] | None = None) -> list[tuple[DrawRecord, CaseDetails | None]]:
        """Records of ``log_id`` in seq order (all of them, or only ``seqs``), each with its private details."""
        model = self.record_model
        pk = f"{LOG_PREFIX}{log_id}"
        if seqs is None:
            items = list(model.query(pk, consistent_read=True))
        else:
            items = list(model.batch_get([(pk, seq_key(s)) for s in sorted(set(seqs))]))
        out: list[tuple[DrawRecord, CaseDetails | None]] = []
        for item in sorted(items, key=lambda i: i.sk):
            record = DrawRecord.from_dict(json.loads(item.record))
            details = None if item.details is None else CaseDetails.from_dict(json.loads(item.details))
            out.append((record, details))
        return out

    # numbering (DIST-01) -----------------------------------------------------------------------------

    def next_number(self, origin: int, year: int, *, segment: int, tribunal: int,
                    act: Callable[[CnjNumber], Act]) -> CnjNumber:
        """The next NNNNNNN of (origin, year): the counter read, then written on the condition that it is still
        the value read, with the act's record in the same transaction; a concurrent number makes the
        condition fail (:class:`WriteConflict`: the use case reads again), so no number is ever given twice."""
        model = self.numbering_model
        pk = f"{NUMBERING_PREFIX}{origin:04d}#{year}"
        condition: Condition
        try:
            last = int(model.get(pk, SK_COUNTER, consistent_read=True).last)
            condition = model.last == last
        except model.DoesNotExist:
            last, condition = 0, model.pk.does_not_exist()
        number, counter = allocate_number(NumberingCounter(origin=origin, year=year, last=last), segment=segment,
                                          tribunal=tribunal)
        uow = UnitOfWork(self.settings)
        uow.save(model(pk=pk, sk=SK_COUNTER, last=counter.last), condition=condition)
        audit(uow, act(number))
        commit(uow)
        return number

    def record(self, act: Act) -> None:
        """An act whose change is outside the table (S3): its record alone, right after that change."""
        uow = UnitOfWork(self.settings)
        audit(uow, act)
        commit(uow)


def audit(uow: UnitOfWork, act: Act | None) -> None:
    """Adds ``act``'s audit record (and its chain head) to ``uow``: courtlib's ``UnitOfWork.audit``."""
    if act is not None:
        uow.audit(act.code, act.target, rules=act.rules, before=act.before, after=act.after)


def same_queue(model: type[OrgaoItem], queued: int) -> Any:
    """The condition that no act was queued since ``queued`` was read (heads written before issue 16 have none)."""
    if queued:
        return model.queued == queued
    return model.queued.does_not_exist() | (model.queued == 0)


def stage_draw(uow: UnitOfWork, record_model: type[DrawRecordItem], head_model: type[OrgaoItem], *, head_pk: str,
               kind: str, decision: Decision, counters: Counters, read_seq: int, read_version: int,
               now: datetime, read_queued: int | None = None) -> None:
    """Adds a draw to ``uow``: its chained record (only if absent) and the log head with the counters after it
    (only if seq and version are still those read) — the write shared by órgãos and precatória zones."""
    stage_draws(uow, record_model, head_model, head_pk=head_pk, kind=kind, decisions=[decision], counters=counters,
                read_seq=read_seq, read_version=read_version, now=now, read_queued=read_queued)


def stage_draws(uow: UnitOfWork, record_model: type[DrawRecordItem], head_model: type[OrgaoItem], *, head_pk: str,
                kind: str, decisions: Sequence[Decision], counters: Counters, read_seq: int, read_version: int,
                now: datetime, read_queued: int | None = None) -> None:
    """:func:`stage_draw` of several chained decisions: each record, then the head once, after the last."""
    for decision in decisions:
        record = decision.record
        uow.save(record_model(
            pk=f"{LOG_PREFIX}{record.log}", sk=seq_key(record.seq), record=_dumps(record.to_dict()),
            details=None if decision.details is None else _dumps(decision.details.to_dict()),
            case_number=record.case_number, recorded_at=record.recorded_at,
        ), condition=record_model.pk.does_not_exist())
        counters = counters.apply(decision.deltas)
    head = decisions[-1].new_head
    uow.update(
        head_model(pk=head_pk, sk=SK_HEAD, kind=kind),
        actions=[head_model.seq.set(head.seq), head_model.head_hash.set(head.hash),
                 head_model.counters.set(_dumps(counters.as_dict())),
                 head_model.version.add(1), head_model.updated_at.set(now)],
        condition=(head_model.seq == read_seq) & (head_model.version == read_version)
        & (same_queue(head_model, read_queued) if read_queued is not None else head_model.seq == read_seq),
    )


def conflict_or(error: TransactWriteError) -> Exception:
    """DynamoDB cancels a transaction that meets another one on the same item (``TransactionConflict``), which
    the unit of work re-raises as is: that is a concurrent write like a failed condition — retry."""
    codes = {reason.code for reason in (error.cancellation_reasons or []) if reason is not None}
    return WriteConflict() if "TransactionConflict" in codes else error


TOO_LARGE = ("Alterações demais para uma só transação: envie o órgão com menos cadeiras e juízes de cada vez.")


def commit(uow: UnitOfWork, *, first_exists: type[Exception] | None = None) -> None:
    """Commits ``uow`` as one transaction. A failed condition is a :class:`WriteConflict` (read and decide again),
    except on operation 0 when ``first_exists`` is given (the row that must be absent exists: that error); too
    many items for one transaction is a refusal of the input (nothing was written)."""
    try:
        uow.commit()
    except ConditionFailed as error:
        if error.index == 0 and first_exists is not None:
            raise first_exists() from error
        raise WriteConflict() from error
    except TransactWriteError as error:
        raise conflict_or(error) from error
    except TransactionTooLarge as error:
        raise Invalid(TOO_LARGE) from error
