"""Use cases of distribuicao-svc: read the órgão, let the pure domain decide, write it in one unit of work.

A distribution costs one consistent read of the órgão (one Query on DynamoDB) and one atomic write (one
TransactWriteItems), plus a seed read the first time a container sees a day. When another draw (or an edit of
the órgão) commits in between, the write is refused as a whole (:class:`~courtlib.errors.WriteConflict`) and
the use case reads again and decides again, up to ``max_attempts`` times with jittered exponential back-off
(:func:`courtlib.retry.retry_on_conflict`); then
:class:`~courtlib.errors.Busy` (nothing written).

It depends only on the ports (``ports.py``); refusals are ``courtlib.errors`` types (the domain's own
subclass them), answered as problem+json by the HTTP dispatcher.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.beacon_wait import RoundWaiter
from chalicelib.distribuicao.commands import (
    KIND_DISTRIBUTION,
    KIND_MANUAL,
    KIND_REDISTRIBUTION,
    DistributionCommand,
    ManualDrawCommand,
    RedistributionCommand,
    RelatedRef,
    distribution_from_json,
    distribution_to_json,
    manual_from_json,
    manual_to_json,
    redistribution_from_json,
    redistribution_to_json,
)
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, ForeignCnjError, parse_for_tribunal
from chalicelib.distribuicao.domain.draw import (
    CaseData,
    Decision,
    DistributionRequest,
    RedistributionReason,
    RelatedCase,
    distribute,
    manual_draw,
    redistribute,
)
from chalicelib.distribuicao.domain.errors import StateError
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao, Role
from chalicelib.distribuicao.domain.log import BeaconRound, CaseDetails, DrawRecord, public_export
from chalicelib.distribuicao.events import desembargador_absence_event
from chalicelib.distribuicao.ports import (
    Act,
    ActPending,
    CaseAlreadyDistributed,
    Clock,
    OrgaoRepository,
    PageKey,
    PendingAct,
    PublishedSeed,
    RoundSource,
    SeedStore,
    StoredCase,
    StoredOrgao,
)
from chalicelib.distribuicao.queries import OrgaoSituation, orgao_situation

from courtlib.audit.actor import acting_as, current_or_none
from courtlib.audit.record import Actor
from courtlib.beacon import QUICKNET
from courtlib.clock import TRIBUNAL_TZ
from courtlib.errors import Busy, Conflict, CourtError, Invalid, NotFound, Refusal, WriteConflict
from courtlib.retry import retry_on_conflict
from courtlib.settings import ServiceSettings

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
MAX_ATTEMPTS = 10  # the first try and 9 retries: eight clients in one órgão rarely exhaust them
FOREIGN_CASE = "PROCESSO_DE_OUTRO_TRIBUNAL"
ORGAO_ID = r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$"
BUSY_DETAIL = ("Muitas distribuições simultâneas neste órgão: o órgão recebeu outras alterações ao mesmo tempo "
               "({attempts} tentativas). Tente de novo.")
AWAITING_DETAIL = ("Há distribuições deste órgão aguardando a rodada do farol; elas vêm antes de qualquer alteração "
                   "do órgão. Tente de novo em instantes.")
DEFAULT_BEACON_WAIT_S = 8.0
# The resolution of a registered act is the system's computation once the round is out, whoever triggers it (the
# request that registered it, a later one, the schedule); the registration is the requester's act.
RESOLVER = Actor.system("distribuicao:farol")
# the round of a dry run at registration: only whether the rules allow the act is asked of it, never a result
_DRY_ROUND = BeaconRound("00" * 32, 1, "00" * 48, "00" * 32)

T = TypeVar("T")


def cnj_refusal(error: CnjError, field: str) -> Refusal:
    """DIST-01: a refused number names the part at fault under the input ``field``; another court's valid number
    is never called invalid."""
    if isinstance(error, ForeignCnjError):
        return Refusal(FOREIGN_CASE, f"{error.number}: {error.detail}. Este tribunal distribui só os seus processos.",
                       field=field)
    return Refusal("DIST-01", f"Número de processo inválido: {error.detail}", field=f"{field}.{error.part.value}",
                   parte=error.part.value)


# --- commands and results -------------------------------------------------------------------


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


@dataclass(frozen=True)
class OrgaoSpec:
    orgao: Orgao
    name: str
    classes: tuple[str, ...]
    desembargadores: frozenset[str]


class OrgaoSource(Protocol):
    """An órgão as received, turned into its spec only when checked (building it may be refused)."""

    def spec(self, orgao_id: str) -> OrgaoSpec: ...


class OrgaoDraft(OrgaoSource, Protocol):
    """One órgão of a bulk import: its id and its data."""

    @property
    def id(self) -> str: ...


@dataclass(frozen=True)
class Imported:
    id: str
    created: bool
    version: int

    def as_member(self) -> dict[str, Any]:
        """As listed in a refused import's ``importados`` (what was written before the refusal)."""
        return {"id": self.id, "criado": self.created, "versao": self.version}


# --- the service ------------------------------------------------------------------------------


class DistribuicaoService:
    """The órgãos' use cases: reference data, absences, distribution, numbering and the public proofs.

    ``sleep`` is the retry's pause (tests pass a no-op); ``max_attempts`` bounds the reads-and-decides of one call.
    """

    def __init__(self, repository: OrgaoRepository, seeds: SeedStore, *, clock: Clock,
                 config: DistribuicaoConfig, settings: ServiceSettings, beacon: RoundSource,
                 beacon_wait_s: float = DEFAULT_BEACON_WAIT_S, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] | None = None,
                 beacon_sleep: Callable[[float], None] = time.sleep) -> None:
        self.repository = repository
        self.seeds = seeds
        self.clock = clock
        self.config = config
        self.settings = settings
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.beacon_wait_s = beacon_wait_s
        self.rounds = RoundWaiter(beacon, now=clock, sleep=beacon_sleep)

    def now(self) -> datetime:
        return self.clock().astimezone(TZ)

    def today(self) -> date:
        return self.now().date()

    def parse_number(self, text: str, field: str, *, lookup: bool = False) -> CnjNumber:
        """This tribunal's number in ``text`` (DIST-01, refused naming ``field``); on a lookup another court's
        valid number is a 404, never distributed here."""
        try:
            return parse_for_tribunal(text, self.config, latest_year=self.today().year)
        except ForeignCnjError as error:
            if lookup:
                raise NotFound(f"O processo {error.number} não foi distribuído neste tribunal.", field=field) from None
            raise cnj_refusal(error, field) from None
        except CnjError as error:
            raise cnj_refusal(error, field) from None

    # reference data ------------------------------------------------------------------------------

    def get_orgao(self, orgao_id: str) -> StoredOrgao:
        stored = self.repository.load_orgao(orgao_id)
        if stored is None:
            raise NotFound(f"Órgão julgador {orgao_id} não cadastrado.", field="orgao")
        return stored

    def situation(self, stored: StoredOrgao) -> OrgaoSituation:
        """The órgão as of today: who receives in each seat, counts, members and the DIST-02 audit."""
        return orgao_situation(stored, self.today(), self.config)

    def orgaos(self, limit: int, start: PageKey) -> tuple[list[dict[str, Any]], PageKey]:
        return self.repository.orgaos_page(limit, start)

    def members(self, orgao_id: str, limit: int, start: PageKey) -> tuple[list[tuple[Judge, bool]], PageKey]:
        """One page of the órgão's judges (404 when the órgão is not registered)."""
        if not self.repository.orgao_exists(orgao_id):
            raise NotFound(f"Órgão julgador {orgao_id} não cadastrado.", field="orgao")
        return self.repository.members_page(orgao_id, limit, start)

    @staticmethod
    def check_orgao(spec: OrgaoSpec) -> None:
        """Refuses reference data that cannot be stored (before anything is written)."""
        _check_mandates(spec.orgao)

    def import_orgaos(self, drafts: Sequence[OrgaoDraft]) -> list[Imported]:
        """Replaces several órgãos, each as :meth:`put_orgao`; every one is checked before the first is written.
        A refusal names ``orgaos.<index>`` and, once writing began, lists what was written (``importados``)."""
        ids = [draft.id for draft in drafts]
        if len(set(ids)) != len(ids):
            raise Invalid("órgão repetido na importação", field="orgaos")
        specs: list[OrgaoSpec] = []
        for index, draft in enumerate(drafts):
            try:
                specs.append(draft.spec(draft.id))
                self.check_orgao(specs[-1])
            except CourtError as error:
                raise _at_index(error, index) from None
        digest = acts.import_digest([acts.import_part(s.orgao, s.name, s.classes, s.desembargadores) for s in specs])
        done: list[Imported] = []
        for index, spec in enumerate(specs):
            last = index == len(specs) - 1

            def act_of(existing: StoredOrgao | None, spec: OrgaoSpec = spec, last: bool = last) -> Act | None:
                # ONE record per import, in the transaction of its last órgão (each órgão is its own transaction)
                if not last:
                    return None
                created = [d.id for d in done if d.created] + ([spec.orgao.id] if existing is None else [])
                return acts.orgao_import(digest, ids, created)

            try:
                stored, created = self.put_orgao(spec, act_of=act_of)
            except CourtError as error:
                error.extra.setdefault("importados", [d.as_member() for d in done])
                if done:
                    # The órgãos written before the refusal committed without the import's record (it goes with
                    # the last órgão): it is written now, after them, naming only what was written.
                    self.repository.record(acts.orgao_import(digest, [d.id for d in done],
                                                             [d.id for d in done if d.created]))
                raise _at_index(error, index) from None
            done.append(Imported(spec.orgao.id, created, stored.version))
        return done

    def register_orgao(self, orgao_id: str, source: OrgaoSource) -> tuple[StoredOrgao, bool]:
        """Creates or replaces the órgão ``orgao_id`` from what was received (see :meth:`put_orgao`)."""
        if not re.match(ORGAO_ID, orgao_id):
            raise Invalid("identificador de órgão inválido", field="orgao")
        return self.put_orgao(source.spec(orgao_id))

    def put_orgao(self, spec: OrgaoSpec, *,
                  act_of: Callable[[StoredOrgao | None], Act | None] | None = None) -> tuple[StoredOrgao, bool]:
        """Creates or replaces an órgão's reference data; answers the stored órgão and whether it is new.

        Audited as ``DIST.ORGAO.CADASTRAR``/``ALTERAR`` (``act_of``: another act, given the órgão as read)."""
        self.check_orgao(spec)
        self._settled(spec.orgao.id)

        def attempt() -> tuple[StoredOrgao, bool]:
            existing = self.repository.load_orgao(spec.orgao.id)
            act = (act_of(existing) if act_of is not None else
                   acts.orgao_put(spec.orgao, spec.name, spec.classes, spec.desembargadores, existing))
            self.repository.replace_orgao(spec.orgao, name=spec.name, classes=spec.classes,
                                          desembargadores=spec.desembargadores, existing=existing, act=act)
            return self.get_orgao(spec.orgao.id), existing is None

        return self._retrying(attempt)

    def register_absence(self, orgao_id: str, judge_id: str, absence: Absence,
                         correlation_id: str) -> tuple[Judge, bool]:
        """Adds an absence to a judge (DIST-06); a desembargador's absence is published for PAG-03 in the same
        transaction. Answers the judge and whether an event was emitted."""
        self._settled(orgao_id)

        def attempt() -> tuple[Judge, bool]:
            stored = self.get_orgao(orgao_id)
            if not stored.state.orgao.has_judge(judge_id):
                raise NotFound(f"Juiz {judge_id} não compõe o órgão {orgao_id}.", field="juiz")
            before = stored.state.orgao.judge(judge_id)
            judge = before.with_absence(absence)
            events = []
            if judge_id in stored.desembargadores:
                events.append(desembargador_absence_event(orgao_id=orgao_id, judge=judge, absence=absence,
                                                          tribunal=self.settings.tribunal,
                                                          correlation_id=correlation_id))
            self.repository.save_judge(stored, judge, events,
                                       act=acts.absence_registered(orgao_id, before, judge, bool(events)))
            return judge, bool(events)

        return self._retrying(attempt)

    # distribution (DIST-02, 03, 05, 07, 09, 11; issue 16) ---------------------------------------------
    #
    # Every act that places a case in the órgão's log has two moments. Registration: the act is queued in one
    # transaction, with its place in the queue and the beacon round fixed = the first after that commit.
    # Resolution: once that round is out and verified, the acts are drawn and chained in queue order (seed of
    # the registration's day AND the round), each in its own transaction that removes it from the queue.
    # The caller waits up to ``beacon_wait_s`` for its act; otherwise it gets :class:`Awaiting` (202).

    def distribute(self, command: DistributionCommand) -> Outcome | Awaiting:
        command = replace(command, related=self._related(command))

        def dry_run(stored: StoredOrgao, now: datetime) -> None:
            self._decide_distribution(stored, command, now, _DRY_ROUND)

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
            self._decide_redistribution(stored, command, now, _DRY_ROUND, previous)

        return self._register_and_await(first.orgao, number, KIND_REDISTRIBUTION, redistribution_to_json(command),
                                        None, dry_run, previous=first)

    def status(self, number: CnjNumber) -> StoredCase | Awaiting:
        """A case as it stands: awaiting its round (resolved first if the round is out), or distributed."""
        pending = self.repository.pending_act(number)
        if pending is not None:
            self.resolve_pending(pending.orgao, until=pending)
            pending = self.repository.pending_act(number)
            if pending is not None and pending.kind != KIND_REDISTRIBUTION:
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
            known = stored is not None
            if stored is None:
                stored = self.repository.load_orgao(orgao_id)
            trust_known = True
            if stored is None or not stored.queue or (until is not None and stored.queue[0].order > until.order):
                if known:
                    trust_known = False
                    continue
                break
            act = stored.queue[0]
            round_ = None
            if act.kind != KIND_MANUAL:
                round_ = rounds.get(act.round) or self.rounds.get(act.round)
                if round_ is None:  # not out yet: wait for it, then read the órgão again before deciding
                    round_ = self.rounds.get(act.round, remaining())
                    if round_ is None:
                        break
                    rounds[act.round] = round_
                    continue
                rounds[act.round] = round_
            resolver, correlation = _resolver()
            try:
                with acting_as(resolver, correlation_id=correlation):
                    self._resolve_one(stored, act, round_, resolved)
            except (WriteConflict, CaseAlreadyDistributed):  # another resolver (or a registration) went first
                conflicts += 1
                continue
            if until is not None and act.order == until.order:
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
                if pending.kind == KIND_REDISTRIBUTION and new_case is not None:  # it was distributed already
                    return self._existing(self.case(number))
                return pending
            return act

        registered = self._retrying(attempt)
        if isinstance(registered, Outcome):
            return registered
        return self._await(registered)

    def _await(self, act: PendingAct) -> Outcome | Awaiting:
        known: dict[int, BeaconRound] = {}
        if act.kind != KIND_MANUAL:  # its own round first: the acts before it have earlier ones, out by then
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
        redistribution = redistribution_from_json(pending.command)
        assert round_ is not None
        previous = self.case(redistribution.number)
        if previous.current_seq != redistribution.seq:
            raise Conflict(f"o processo {redistribution.number} mudou de relator depois do pedido de redistribuição")
        decision = self._decide_redistribution(stored, redistribution, pending.registered_at, round_,
                                               previous).acted_by(agent)
        return decision, previous.case, previous, acts.redistributed(previous, decision)

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

    def _settled(self, orgao_id: str) -> None:
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

    # numbering (DIST-01) ----------------------------------------------------------------------------

    def next_number(self, origin: int, year: int | None = None) -> CnjNumber:
        """The next number of the origin and year (DIST-01), audited with the counter (a concurrent number: read
        the counter again)."""
        chosen_year = year or self.today().year

        def attempt() -> CnjNumber:
            return self.repository.next_number(origin, chosen_year, segment=self.config.cnj_segmento,
                                               tribunal=self.config.cnj_tribunal,
                                               act=lambda number: acts.numbered(str(number), origin, chosen_year))

        try:
            return self._retrying(attempt)
        except CnjError as error:  # the origin ran out of numbers this year
            raise cnj_refusal(error, "numero_processo") from None

    # reading -------------------------------------------------------------------------------------

    def case(self, number: CnjNumber) -> StoredCase:
        row = self.repository.get_case(number)
        if row is None:
            raise NotFound(f"Processo {number} não distribuído.", field="numero")
        return row

    def proof(self, number: CnjNumber) -> tuple[StoredCase, list[tuple[DrawRecord, CaseDetails | None]],
                                                list[PublishedSeed], date]:
        """The records of a case, the seeds of their days (revealed by the caller only for past days) and today."""
        row = self.case(number)
        pairs = self.repository.records(row.orgao, row.seqs)
        days = sorted({date.fromisoformat(r.seed_day) for r, _ in pairs if r.seed_day})
        today = self.today()
        published = ([p for p in self.seeds.published(days[0], days[-1], reveal_before=today) if p.day in days]
                     if days else [])
        return row, pairs, published, today

    def export(self, log_id: str) -> dict[str, Any]:
        """The public export of a log (DIST-11) that ``scripts/verify_draws.py`` checks; seeds of past days only."""
        pairs = self.repository.records(log_id)
        if not pairs and self.repository.load_orgao(log_id) is None:
            raise NotFound(f"Não há log de distribuição {log_id}.", field="log")
        now = self.now()
        today = now.date()
        days = sorted({date.fromisoformat(r.seed_day) for r, _ in pairs if r.seed_day})
        published = self.seeds.published(days[0] if days else today, today + timedelta(days=1), reveal_before=today)
        return public_export(
            tribunal=self.settings.tribunal, log_id=log_id, records=[r for r, _ in pairs],
            details={r.seq: d for r, d in pairs if d is not None},
            seeds=[p.as_seed() for p in published if p.day < today],
            commitments={p.day: p.commitment for p in published}, today=today, generated_at=now,
            min_witnesses=self.config.testemunhas_sorteio_manual, beacons=self._beacons_of(r for r, _ in pairs),
        )

    def _beacons_of(self, records: Iterable[DrawRecord]) -> list[dict[str, Any]]:
        """The chains other than quicknet that decided draws of the export (the local stack's beacon), so the
        verifier can check their signatures — and say they are not the League of Entropy's."""
        used = {r.beacon.chain for r in records if r.beacon is not None}
        ours = self.rounds.chain
        return [ours.to_json()] if ours.hash_hex in used and ours.hash != QUICKNET.hash else []

    def commitments(self, start: date | None, end: date | None) -> tuple[list[PublishedSeed], date]:
        """Commitments of ``start..end`` (default: the last 30 days to tomorrow); today's and tomorrow's seeds
        are created first, so a day's commitment is public before its first draw."""
        today = self.today()
        tomorrow = today + timedelta(days=1)
        self.seeds.ensure([today, tomorrow])
        start = start or today - timedelta(days=30)
        return self.seeds.published(start, end or tomorrow, reveal_before=today), today

    # retry ----------------------------------------------------------------------------------------

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Runs ``attempt`` again (fresh reads) while it meets a concurrent write, then :class:`Busy`."""
        return retry_on_conflict(attempts=self.max_attempts, sleep=self.sleep,
                                 busy_detail=BUSY_DETAIL.format(attempts=self.max_attempts))(attempt)()


def _check_new_case(stored: StoredOrgao, command: DistributionCommand) -> None:
    if stored.classes and command.case.classe not in stored.classes:
        raise Invalid(f"classe {command.case.classe} não é distribuída no órgão {command.orgao} "
                      f"(classes: {', '.join(stored.classes)})", field="classe")
    _check_judges(stored, command.excluded)


def _check_judges(stored: StoredOrgao, judges: Mapping[str, str] | Sequence[str]) -> None:
    unknown = sorted(j for j in judges if not stored.state.orgao.has_judge(j))
    if unknown:
        raise Invalid(f"juiz(es) que não compõem o órgão {stored.id}: {', '.join(unknown)}", field="excluidos")


def _at_index(error: CourtError, index: int) -> CourtError:
    """``error`` naming the ``index``-th órgão of an import (``orgaos.<index>[.<field>]``)."""
    error.field = f"orgaos.{index}" + (f".{error.field}" if error.field else "")
    return error


def _check_mandates(orgao: Orgao) -> None:
    """Two titulars (or two substitutes) of one seat with overlapping mandates cannot be stored."""
    by_post: dict[tuple[str, Role], list[Judge]] = {}
    for judge in orgao.judges:
        by_post.setdefault((judge.seat, judge.role), []).append(judge)
    for (seat, role), judges in by_post.items():
        ordered = sorted(judges, key=lambda j: j.mandate_start or date.min)
        for before, after in zip(ordered, ordered[1:], strict=False):
            end = before.mandate_end or date.max
            start = after.mandate_start or date.min
            if start <= end:
                raise StateError(f"cadeira {seat}: mandatos de {role.value} sobrepostos ({before.id} e {after.id})")


def _resolver() -> tuple[Actor, str | None]:
    """Who resolves, in which correlation: the system — the schedule or consumer at hand if it is one, else
    ``sistema:distribuicao:farol`` in the request's correlation (a user registers; the draw is not theirs)."""
    now = current_or_none()
    if now is None:
        return RESOLVER, None
    return (now.actor if now.actor.kind == "sistema" else RESOLVER), now.correlation_id
