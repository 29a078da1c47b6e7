"""The draws of distribuicao-svc in two moments (issue 16): distribution, manual draw and redistribution.

Every act that places a case in the órgão's log has two moments. Registration: the act is queued in one
transaction, with its place in the queue and the beacon round fixed = the first after that commit. Resolution:
once that round is out and verified, the acts are drawn and chained in queue order (seed of the registration's
day AND the round), each in its own transaction that removes it from the queue. The caller waits up to
``beacon_wait_s`` for its act; otherwise it gets :class:`Awaiting` (202).

Each moment is one atomic write (one TransactWriteItems), plus a seed read the first time a container sees a day.
A warm container stages both on the órgão as it last wrote it (``known_orgao``: no read); a cold one, or one
whose state another container made stale (its write refused), reads the órgão (one Query) and decides again at
once; further concurrent writes retry with back-off (:class:`~chalicelib.distribuicao.core.CoreUseCases`). It
depends only on the ports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.beacon_wait import RoundWaiter
from chalicelib.distribuicao.commands import (
    KIND_ABSENCE,
    KIND_DISTRIBUTION,
    KIND_MANUAL,
    KIND_REDISTRIBUTION,
    AbsenceCommand,
    DistributionCommand,
    ManualDrawCommand,
    RedistributionCommand,
    RelatedRef,
    absence_from_json,
    absence_to_json,
    distribution_from_json,
    distribution_to_json,
    manual_from_json,
    manual_to_json,
    redistribution_from_json,
    redistribution_to_json,
)
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.core import MAX_ATTEMPTS, TZ, CoreUseCases
from chalicelib.distribuicao.domain.cnj import CnjNumber
from chalicelib.distribuicao.domain.draw import (
    CaseData,
    Decision,
    DistributionRequest,
    PlannedAction,
    RedistributionReason,
    RelatedCase,
    distribute,
    execute,
    manual_draw,
    redistribute,
)
from chalicelib.distribuicao.domain.log import BeaconRound, DrawRecord
from chalicelib.distribuicao.ports import (
    Act,
    ActPending,
    CaseAlreadyDistributed,
    Clock,
    OrgaoRepository,
    PendingAct,
    RoundSource,
    SeedStore,
    StoredCase,
    StoredOrgao,
)

from courtlib.audit.actor import acting_as, current_or_none
from courtlib.audit.record import Actor
from courtlib.errors import Busy, Conflict, CourtError, Invalid, Refusal, WriteConflict
from courtlib.settings import ServiceSettings

AWAITING_DETAIL = ("Há distribuições deste órgão aguardando a rodada do farol; elas vêm antes de qualquer alteração "
                   "do órgão. Tente de novo em instantes.")
DEFAULT_BEACON_WAIT_S = 8.0
# the most queued distributions one resolution commits together: 5 items each (case row, record, two unqueues,
# audit record) + the head and the audit chain heads stay far under DynamoDB's 100 items and 4 MB per transaction
BATCH_MAX = 8
# the acts queued about a case already distributed (its status is the distribution it has until they resolve)
MOVES_A_DISTRIBUTED_CASE = frozenset({KIND_REDISTRIBUTION, KIND_ABSENCE})
# The resolution of a registered act is the system's computation once the round is out, whoever triggers it (the
# request that registered it, a later one, the schedule); the registration is the requester's act.
RESOLVER = Actor.system("distribuicao:farol")
# the round of a dry run at registration: only whether the rules allow the act is asked of it, never a result
DRY_ROUND = BeaconRound("00" * 32, 1, "00" * 48, "00" * 32)


@dataclass(frozen=True)
class Awaiting:
    """An act registered and still awaiting its beacon round (answered 202; ``GET /distribuicoes/{numero}``)."""

    act: PendingAct
    due_at: datetime


@dataclass
class Resolved:
    """What one pass over an órgão's queue did: the acts drawn and those the rules refused, by queue order."""

    drawn: dict[int, Outcome] = field(default_factory=dict)
    refused: dict[int, CourtError] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """A case's distribution: the row as stored, the record that placed it there, and whether it is new."""

    case: StoredCase
    record: DrawRecord | None
    created: bool



class DrawService(CoreUseCases):
    """Distribution (DIST-02, 03, 05, 07, 09, 11), manual draw and redistribution, each registered then resolved.

    ``beacon_wait_s`` bounds how long a request waits for its round; ``beacon_sleep`` is that wait's pause.
    """

    def __init__(self, repository: OrgaoRepository, seeds: SeedStore, *, clock: Clock,
                 config: DistribuicaoConfig, settings: ServiceSettings, beacon: RoundSource,
                 beacon_wait_s: float = DEFAULT_BEACON_WAIT_S, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] | None = None,
                 beacon_sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(repository, seeds, clock=clock, config=config, settings=settings,
                         max_attempts=max_attempts, sleep=sleep)
        self.beacon_wait_s = beacon_wait_s
        self.rounds = RoundWaiter(beacon, now=clock, sleep=beacon_sleep)

    def distribute(self, command: DistributionCommand) -> Outcome | Awaiting:
        command = replace(command, related=self._related(command))

        def dry_run(stored: StoredOrgao, now: datetime) -> None:
            self._decide_distribution(stored, command, now, DRY_ROUND)

        return self._register_and_await(command.orgao, command.case.number, KIND_DISTRIBUTION,
                                        distribution_to_json(command), command, dry_run)

    def manual_draw(self, command: ManualDrawCommand) -> Outcome | Awaiting:
        """DIST-09: a draw made by hand (two witnesses, ata) recorded and counted like any other; it takes its
        place in the órgão's queue like any act (it needs no round, but the acts before it come first)."""
        base = command.distribution
        if base.related is not None:
            raise Refusal("DIST-09", "processo com prevenção não é sorteado: registre-o como distribuição por "
                          "prevenção", field="processo_relacionado")

        def dry_run(stored: StoredOrgao, now: datetime) -> None:
            if command.seat not in stored.state.orgao.seat_ids:
                raise Invalid(f"cadeira {command.seat} não existe no órgão {base.orgao}", field="cadeira")
            self._decide_manual(stored, command, now)

        return self._register_and_await(base.orgao, base.case.number, KIND_MANUAL, manual_to_json(command), base,
                                        dry_run)

    def redistribute(self, number: CnjNumber, reason: RedistributionReason,
                     excluded: Mapping[str, str] | None = None) -> Outcome | Awaiting:
        """DIST-04: new draw without the relator; both seats compensated; the impeded judge's acts void.

        The request is about the relator it found: if another redistribution moves the case meanwhile, it is
        refused (:class:`~courtlib.errors.Conflict`) instead of being applied to the new relator."""
        first = self.case(number)
        pending = self.repository.pending_act(number)
        if pending is not None and pending.kind == KIND_REDISTRIBUTION:
            return self._await(pending)
        command = RedistributionCommand(number, reason, dict(excluded or {}), first.current_seq)
        reads = iter([first])

        def dry_run(stored: StoredOrgao, now: datetime) -> None:
            _check_judges(stored, command.excluded)
            previous = next(reads, None) or self.case(number)
            self._decide_redistribution(stored, command, now, DRY_ROUND, previous)

        return self._register_and_await(first.orgao, number, KIND_REDISTRIBUTION, redistribution_to_json(command),
                                        None, dry_run, previous=first)

    def status(self, number: CnjNumber) -> StoredCase | Awaiting:
        """A case as it stands: awaiting its round (resolved first if the round is out), or distributed."""
        pending = self.repository.pending_act(number)
        if pending is not None:
            self.resolve_pending(pending.orgao, until=pending)
            pending = self.repository.pending_act(number)
            if pending is not None and pending.kind not in MOVES_A_DISTRIBUTED_CASE:
                return self._awaiting(pending)
        return self.case(number)

    def resolve_pending(self, orgao_id: str, *, until: PendingAct | None = None, wait_s: float = 0.0,
                        known: dict[int, BeaconRound] | None = None) -> Resolved:
        """The second moment: resolves the órgão's queued acts in order while their rounds are out (waiting up to
        ``wait_s`` for each), stopping after ``until`` if given. Race-safe: each resolution is conditioned on the
        log head and on the act still being queued, so of two resolvers one wins and the other reads again.
        Answers what it drew and what the rules refused at resolution (removed from the queue, no record).
        ``known``: rounds already fetched and verified, by number."""
        resolved = Resolved()
        deadline = self.clock() + timedelta(seconds=wait_s)
        stop = time.monotonic() + wait_s  # also in real time, whatever the clock does
        rounds: dict[int, BeaconRound] = dict(known or {})

        def remaining() -> float:
            return max(0.0, min((deadline - self.clock()).total_seconds(), stop - time.monotonic()))

        conflicts = 0  # each one is another writer's progress; past the wait, only max_attempts more
        # Each pass acts on the órgão as this container last wrote it (the registration just made, the resolution
        # before), with no read: the resolution is conditioned on that state, so a stale one is refused (and
        # forgotten) and the órgão read. Only a fresh read may say there is nothing (more) to resolve.
        trust_known = True
        while conflicts < self.max_attempts or remaining() > 0:
            stored = self.repository.known_orgao(orgao_id) if trust_known else None
            from_known = stored is not None
            if stored is None:
                stored = self.repository.load_orgao(orgao_id)
            trust_known = True
            if stored is None or not stored.queue or (until is not None and stored.queue[0].order > until.order):
                if from_known:
                    trust_known = False
                    continue
                break
            act = stored.queue[0]
            round_ = None
            if needs_round(act):
                round_ = rounds.get(act.round) or self.rounds.get(act.round)
                if round_ is None:  # not out yet: wait for it, then read the órgão again before deciding
                    round_ = self.rounds.get(act.round, remaining())
                    if round_ is None:
                        break
                    rounds[act.round] = round_
                    continue
                rounds[act.round] = round_
            resolver, correlation = resolving_actor()
            batch = self._batch(stored, rounds)
            try:
                with acting_as(resolver, correlation_id=correlation):
                    if len(batch) > 1:
                        self._resolve_batch(stored, batch, resolved)
                    else:
                        self._resolve_one(stored, act, round_, resolved)
            except (WriteConflict, CaseAlreadyDistributed):  # another resolver (or a registration) went first
                conflicts += 1
                continue
            if until is not None and until.order in resolved.drawn.keys() | resolved.refused.keys():
                break
        return resolved

    def _register_and_await(self, orgao_id: str, number: CnjNumber, kind: str, command_json: dict[str, Any],
                            new_case: DistributionCommand | None,
                            dry_run: Callable[[StoredOrgao, datetime], None],
                            previous: StoredCase | None = None) -> Outcome | Awaiting:
        # who registers is who the public record names (the resolution is the system's computation)
        command_json = {**command_json, "agente": acts.agent()}

        def attempt() -> Outcome | PendingAct:
            # A warm container stages the registration on the órgão as it last wrote it, with no read: the write
            # is conditioned on it. If that was stale (refused and forgotten), or the rules refuse on it, the
            # órgão is read and the act judged again at once, before any back-off.
            known = self.repository.known_orgao(orgao_id)
            if known is not None:
                try:
                    return on(known)
                except (WriteConflict, CourtError):
                    pass
            return on(self.get_orgao(orgao_id))

        def on(stored: StoredOrgao) -> Outcome | PendingAct:
            if new_case is not None:
                _check_new_case(stored, new_case)
            now = self.now()
            dry_run(stored, now)  # a refusal by the rules comes now, before anything is written
            act = PendingAct(orgao_id, stored.queued + 1, number, kind, self.rounds.chain_hash,
                             self.rounds.first_round_after(now), now, command_json)
            try:
                self.repository.register(stored, act, previous=previous, act=acts.registered(act))
            except CaseAlreadyDistributed:  # the same case again: the distribution it has
                return self._existing(self.case(number))
            except ActPending:  # the same case again while its act waits: that act
                pending = self.repository.pending_act(number)
                if pending is None:
                    raise WriteConflict() from None  # resolved meanwhile: read again
                if pending.kind in MOVES_A_DISTRIBUTED_CASE and new_case is not None:  # it was distributed already
                    return self._existing(self.case(number))
                return pending
            return act

        registered = self._retrying(attempt)
        if isinstance(registered, Outcome):
            return registered
        return self._await(registered)

    def _await(self, act: PendingAct) -> Outcome | Awaiting:
        known: dict[int, BeaconRound] = {}
        if needs_round(act):  # its own round first: the acts before it have earlier ones, out by then
            began = time.monotonic()
            round_ = self.rounds.get(act.round, self.beacon_wait_s)
            if round_ is None:
                return self._awaiting(act)
            known[act.round] = round_
            wait_s = max(0.0, self.beacon_wait_s - (time.monotonic() - began))
        else:
            wait_s = self.beacon_wait_s
        resolved = self.resolve_pending(act.orgao, until=act, wait_s=wait_s, known=known)
        if act.order in resolved.refused:
            raise resolved.refused[act.order]
        if act.order in resolved.drawn:
            return resolved.drawn[act.order]
        still = self.repository.pending_act(act.number)
        if still is not None and still.order == act.order:
            return self._awaiting(still)
        row = self.case(act.number)  # resolved by another request or the schedule meanwhile
        current = self.repository.records(row.orgao, [row.current_seq])
        return Outcome(row, current[0][0] if current else None, True)

    def _awaiting(self, act: PendingAct) -> Awaiting:
        return Awaiting(act, self.rounds.chain.round_time(act.round).astimezone(TZ))

    def _existing(self, row: StoredCase) -> Outcome:
        current = self.repository.records(row.orgao, [row.current_seq])
        return Outcome(row, current[0][0] if current else None, False)

    def _batch(self, stored: StoredOrgao, rounds: Mapping[int, BeaconRound],
               ) -> list[tuple[PendingAct, BeaconRound]]:
        """The distributions at the head of the queue that one transaction can resolve together ("draw batching"):
        consecutive, each with its round already out, at most :data:`BATCH_MAX` — past ``until`` too, since those
        acts' own requests are waiting for the same head. Under several clients in one órgão, the first resolver
        to commit draws every act waiting instead of each client contending for the head act by act (issue 15:
        8 clients on one órgão); the others find theirs drawn. Other kinds go one by one."""
        batch: list[tuple[PendingAct, BeaconRound]] = []
        for act in stored.queue[:BATCH_MAX]:
            if act.kind != KIND_DISTRIBUTION:
                break
            round_ = rounds.get(act.round) or self.rounds.get(act.round)
            if round_ is None:
                break
            batch.append((act, round_))
        return batch

    def _resolve_batch(self, stored: StoredOrgao, batch: Sequence[tuple[PendingAct, BeaconRound]],
                       resolved: Resolved) -> None:
        """Draws the acts of ``batch`` in queue order, each on the órgão as the ones before it leave it (the same
        chain and counters as one by one), and commits them in ONE transaction. An act the rules refuse ends the
        batch before it; it is taken out of the queue on the next pass, alone (:meth:`_resolve_one`)."""
        state = stored
        drawn: list[tuple[PendingAct, Decision, CaseData, Act]] = []
        for pending, round_ in batch:
            try:
                decision, case, _, act = self._resolution(state, pending, round_)
            except CourtError:
                break
            drawn.append((pending, decision, case, act))
            state = replace(state, state=state.state.apply(decision))
        if len(drawn) < 2:  # nothing to combine: the first act alone, its refusal included
            pending, round_ = batch[0]
            self._resolve_one(stored, pending, round_, resolved)
            return
        rows = self.repository.commit_resolutions(stored, [(d, c, p, a) for p, d, c, a in drawn])
        for (pending, decision, _, _), row in zip(drawn, rows, strict=True):
            resolved.drawn[pending.order] = Outcome(row, decision.record, True)

    def _resolve_one(self, stored: StoredOrgao, pending: PendingAct, round_: BeaconRound | None,
                     resolved: Resolved) -> None:
        """Draws ``pending`` and commits it with its audited act, or — the rules refusing it now — takes it out of
        the queue, audited too (nothing is drawn)."""
        try:
            decision, case, previous, act = self._resolution(stored, pending, round_)
        except CourtError as error:
            self.repository.drop_pending(stored, pending, act=acts.registration_refused(pending, error))
            resolved.refused[pending.order] = error
            return
        row = self.repository.commit_decision(stored, decision, case, previous=previous, resolves=pending, act=act)
        resolved.drawn[pending.order] = Outcome(row, decision.record, True)

    def _resolution(self, stored: StoredOrgao, pending: PendingAct, round_: BeaconRound | None,
                    ) -> tuple[Decision, CaseData, StoredCase | None, Act]:
        """The decision of a queued act on the órgão as it is now (its turn: every act before it is in the log),
        naming who registered it, and its audited act."""
        agent = pending.command.get("agente")
        if pending.kind == KIND_DISTRIBUTION:
            command = distribution_from_json(pending.command)
            assert round_ is not None
            decision = self._decide_distribution(stored, command, pending.registered_at, round_).acted_by(agent)
            return decision, command.case, None, acts.distributed(stored.id, decision)
        if pending.kind == KIND_MANUAL:
            manual = manual_from_json(pending.command)
            decision = self._decide_manual(stored, manual, pending.registered_at).acted_by(agent)
            return decision, manual.distribution.case, None, acts.manual_draw(stored.id, decision)
        if pending.kind == KIND_ABSENCE:
            return self._absence_resolution(stored, absence_from_json(pending.command), pending, round_)
        redistribution = redistribution_from_json(pending.command)
        assert round_ is not None
        previous = self.case(redistribution.number)
        if previous.current_seq != redistribution.seq:
            raise Conflict(f"o processo {redistribution.number} mudou de relator depois do pedido de redistribuição")
        decision = self._decide_redistribution(stored, redistribution, pending.registered_at, round_,
                                               previous).acted_by(agent)
        return decision, previous.case, previous, acts.redistributed(previous, decision)

    def _absence_resolution(self, stored: StoredOrgao, command: AbsenceCommand, pending: PendingAct,
                            round_: BeaconRound | None) -> tuple[Decision, CaseData, StoredCase | None, Act]:
        previous = self.case(command.number)
        if previous.current_seq != command.seq or not previous.pending:
            raise Conflict(f"o processo {command.number} mudou depois de planejada a ação do afastamento (DIST-06)")
        decision = self._decide_absence(stored, command, pending.registered_at, round_, previous).acted_by(
            pending.command.get("agente"))
        return decision, previous.case, previous, acts.redistributed(previous, decision, code=acts.AUSENCIA_APLICAR)

    def _decide_absence(self, stored: StoredOrgao, command: AbsenceCommand, now: datetime,
                        round_: BeaconRound | None, previous: StoredCase) -> Decision:
        action = PlannedAction(command.kind, previous.assigned(), command.target_seat, command.explanation)
        return execute(stored.state, action, seed=self.seeds.seed_for(now.astimezone(TZ).date()), now=now,
                       config=self.config, beacon=round_ if command.draws else None)

    # DIST-06/07 (the daily schedule) ----------------------------------------------------------------------

    def register_absence_action(self, action: PlannedAction) -> PendingAct | None:
        """The first moment of a planned DIST-06 action (a system act): queued in the órgão with the round fixed,
        resolved in order like any act (only the redistribution by draw needs its round). None when the case
        moved since it was planned (left for the next run)."""
        planned = action.case
        command_json: dict[str, Any] = {"agente": acts.agent()}

        def attempt() -> PendingAct | None:
            previous = self.repository.get_case(planned.case.number)
            if previous is None or not previous.pending or previous.seat != planned.seat_id \
                    or (previous.relator or "") != planned.relator_id:
                return None
            stored = self.get_orgao(previous.orgao)
            now = self.now()
            command = AbsenceCommand(previous.number, action.kind, action.target_seat, action.explanation,
                                     previous.current_seq)
            self._decide_absence(stored, command, now, DRY_ROUND, previous)  # refused now: nothing written
            act = PendingAct(stored.id, stored.queued + 1, previous.number, KIND_ABSENCE, self.rounds.chain_hash,
                             self.rounds.first_round_after(now), now, {**absence_to_json(command), **command_json})
            try:
                self.repository.register(stored, act, previous=previous, act=acts.registered(act))
            except ActPending:  # another act about the case comes first: left for the next run
                return None
            return act

        return self._retrying(attempt)

    def _decide_distribution(self, stored: StoredOrgao, command: DistributionCommand, now: datetime,
                             round_: BeaconRound) -> Decision:
        request = DistributionRequest(command.case, related=self._related_case(command.related),
                                      excluded_judges=dict(command.excluded))
        return distribute(stored.state, request, seed=self.seeds.seed_for(now.astimezone(TZ).date()), now=now,
                          config=self.config, beacon=round_)

    def _decide_manual(self, stored: StoredOrgao, command: ManualDrawCommand, now: datetime) -> Decision:
        base = command.distribution
        return manual_draw(
            stored.state, DistributionRequest(base.case, excluded_judges=dict(base.excluded)),
            chosen_seat=command.seat, witnesses=command.witnesses, ata=command.ata,
            authorized_by=command.authorized_by, held_at=command.held_at, now=now, config=self.config,
        )

    def _decide_redistribution(self, stored: StoredOrgao, command: RedistributionCommand, now: datetime,
                               round_: BeaconRound, previous: StoredCase | None = None) -> Decision:
        previous = previous or self.case(command.number)
        if previous.current_seq != command.seq:
            raise Conflict(f"o processo {command.number} foi redistribuído por outra requisição (agora com "
                           f"{previous.relator}); confira antes de pedir outra redistribuição")
        return redistribute(stored.state, previous.assigned(), command.reason,
                            seed=self.seeds.seed_for(now.astimezone(TZ).date()), now=now, config=self.config,
                            excluded_judges=command.excluded, beacon=round_)

    def settle(self, orgao_id: str) -> None:
        """Edits of an órgão wait for its queued acts (they were registered on the órgão as it was): resolves what
        it can, then refuses for now (503, nothing written) if acts still await their round."""
        stored = self.repository.load_orgao(orgao_id)
        if stored is not None and stored.queue:
            self.resolve_pending(orgao_id)
            stored = self.repository.load_orgao(orgao_id)
            if stored is not None and stored.queue:
                raise Busy(AWAITING_DETAIL)

    def _related(self, command: DistributionCommand) -> RelatedRef | None:
        """Completes the related case from its row (read once, before the attempts)."""
        ref = command.related
        if ref is None:
            return None
        if ref.relator is not None and ref.seat is not None:
            return ref
        row = self.repository.get_case(ref.number)
        if row is None or row.relator is None:
            raise Refusal("DIST-03", f"o processo relacionado {ref.number} não foi distribuído por este sistema: "
                          "informe o relator e a cadeira dele", field="processo_relacionado.numero")
        pending = row.pending if ref.pending is None else ref.pending
        return RelatedRef(ref.number, ref.kind, ref.acordao_writer, row.relator, row.seat, pending)

    @staticmethod
    def _related_case(ref: RelatedRef | None) -> RelatedCase | None:
        if ref is None:
            return None
        assert ref.relator is not None and ref.seat is not None
        return RelatedCase(ref.number, ref.kind, ref.relator, ref.seat,
                           pending=True if ref.pending is None else ref.pending, acordao_writer_id=ref.acordao_writer)

def _check_new_case(stored: StoredOrgao, command: DistributionCommand) -> None:
    if stored.classes and command.case.classe not in stored.classes:
        raise Invalid(f"classe {command.case.classe} não é distribuída no órgão {command.orgao} "
                      f"(classes: {', '.join(stored.classes)})", field="classe")
    _check_judges(stored, command.excluded)


def _check_judges(stored: StoredOrgao, judges: Mapping[str, str] | Sequence[str]) -> None:
    unknown = sorted(j for j in judges if not stored.state.orgao.has_judge(j))
    if unknown:
        raise Invalid(f"juiz(es) que não compõem o órgão {stored.id}: {', '.join(unknown)}", field="excluidos")


def needs_round(act: PendingAct) -> bool:
    """Whether resolving ``act`` waits for its beacon round: every draw does; a manual draw and a DIST-06 move
    without draw only take their place in the queue."""
    if act.kind == KIND_MANUAL:
        return False
    return act.kind != KIND_ABSENCE or absence_from_json(act.command).draws


def resolving_actor() -> tuple[Actor, str | None]:
    """Who resolves, in which correlation: the system — the schedule or consumer at hand if it is one, else
    ``sistema:distribuicao:farol`` in the request's correlation (a user registers; the draw is not theirs)."""
    now = current_or_none()
    if now is None:
        return RESOLVER, None
    return (now.actor if now.actor.kind == "sistema" else RESOLVER), now.correlation_id
