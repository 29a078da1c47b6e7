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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, ForeignCnjError, parse_for_tribunal
from chalicelib.distribuicao.domain.draw import (
    CaseData,
    Decision,
    DistributionRequest,
    PreventionKind,
    RedistributionReason,
    RelatedCase,
    distribute,
    manual_draw,
    redistribute,
)
from chalicelib.distribuicao.domain.errors import StateError
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao, Role
from chalicelib.distribuicao.domain.log import CaseDetails, DrawRecord, public_export
from chalicelib.distribuicao.events import desembargador_absence_event
from chalicelib.distribuicao.ports import (
    Act,
    CaseAlreadyDistributed,
    Clock,
    OrgaoRepository,
    PageKey,
    PublishedSeed,
    SeedStore,
    StoredCase,
    StoredOrgao,
)
from chalicelib.distribuicao.queries import OrgaoSituation, orgao_situation

from courtlib.clock import TRIBUNAL_TZ
from courtlib.errors import Conflict, CourtError, Invalid, NotFound, Refusal
from courtlib.retry import retry_on_conflict
from courtlib.settings import ServiceSettings

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
MAX_ATTEMPTS = 10  # the first try and 9 retries: eight clients in one órgão rarely exhaust them
FOREIGN_CASE = "PROCESSO_DE_OUTRO_TRIBUNAL"
ORGAO_ID = r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$"
BUSY_DETAIL = ("Muitas distribuições simultâneas neste órgão: o órgão recebeu outras alterações ao mesmo tempo "
               "({attempts} tentativas). Tente de novo.")

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
class RelatedRef:
    """The case that may make a judge prevento (DIST-03); relator/seat only for cases older than this system."""

    number: CnjNumber
    kind: PreventionKind
    acordao_writer: str | None = None
    relator: str | None = None
    seat: str | None = None
    pending: bool | None = None


@dataclass(frozen=True)
class DistributionCommand:
    orgao: str
    case: CaseData
    related: RelatedRef | None = None
    excluded: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ManualDrawCommand:
    distribution: DistributionCommand
    seat: str
    witnesses: tuple[str, ...]
    ata: str
    authorized_by: str
    held_at: datetime


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
                 config: DistribuicaoConfig, settings: ServiceSettings, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.repository = repository
        self.seeds = seeds
        self.clock = clock
        self.config = config
        self.settings = settings
        self.max_attempts = max_attempts
        self.sleep = sleep

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

    # distribution (DIST-02, 03, 05, 07, 11) --------------------------------------------------------

    def distribute(self, command: DistributionCommand) -> Outcome:
        related = self._related(command)

        def attempt() -> Outcome:
            stored = self._stored_for(command)
            now = self.now()
            seed = self.seeds.seed_for(now.date())
            request = DistributionRequest(command.case, related=self._related_case(related),
                                          excluded_judges=dict(command.excluded))
            decision = distribute(stored.state, request, seed=seed, now=now, config=self.config).acted_by(acts.agent())
            return self._commit_new(stored, decision, command.case, acts.distributed(stored.id, decision))

        return self._retrying(attempt)

    def manual_draw(self, command: ManualDrawCommand) -> Outcome:
        """DIST-09: a draw made by hand (two witnesses, ata) recorded and counted like any other."""
        base = command.distribution
        if base.related is not None:
            raise Refusal("DIST-09", "processo com prevenção não é sorteado: registre-o como distribuição por "
                          "prevenção", field="processo_relacionado")

        def attempt() -> Outcome:
            stored = self._stored_for(base)
            if command.seat not in stored.state.orgao.seat_ids:
                raise Invalid(f"cadeira {command.seat} não existe no órgão {base.orgao}", field="cadeira")
            decision = manual_draw(
                stored.state, DistributionRequest(base.case, excluded_judges=dict(base.excluded)),
                chosen_seat=command.seat, witnesses=command.witnesses, ata=command.ata,
                authorized_by=command.authorized_by, held_at=command.held_at, now=self.now(), config=self.config,
            ).acted_by(acts.agent())
            return self._commit_new(stored, decision, base.case, acts.manual_draw(stored.id, decision))

        return self._retrying(attempt)

    def redistribute(self, number: CnjNumber, reason: RedistributionReason,
                     excluded: Mapping[str, str] | None = None) -> Outcome:
        """DIST-04: new draw without the relator; both seats compensated; the impeded judge's acts void.

        The request is about the relator it found: if another redistribution moves the case meanwhile, it is
        refused (:class:`~courtlib.errors.Conflict`) instead of being applied to the new relator."""
        first = self.case(number)
        reads = iter([first])

        def attempt() -> Outcome:
            previous = next(reads, None) or self.case(number)
            if previous.current_seq != first.current_seq:
                raise Conflict(f"o processo {number} foi redistribuído por outra requisição (agora com "
                               f"{previous.relator}); confira antes de pedir outra redistribuição")
            stored = self.get_orgao(previous.orgao)
            _check_judges(stored, excluded or {})
            now = self.now()
            decision = redistribute(stored.state, previous.assigned(), reason, seed=self.seeds.seed_for(now.date()),
                                    now=now, config=self.config, excluded_judges=excluded).acted_by(acts.agent())
            row = self.repository.commit_decision(stored, decision, previous.case, previous=previous,
                                                  act=acts.redistributed(previous, decision))
            return Outcome(row, decision.record, True)

        return self._retrying(attempt)

    def _commit_new(self, stored: StoredOrgao, decision: Decision, case: CaseData, act: Act) -> Outcome:
        """The new case committed with its act; a case already distributed answers its row (nothing written,
        no record)."""
        try:
            row = self.repository.commit_decision(stored, decision, case, act=act)
        except CaseAlreadyDistributed:
            row = self.case(case.number)
            current = self.repository.records(row.orgao, [row.current_seq])
            return Outcome(row, current[0][0] if current else None, False)
        return Outcome(row, decision.record, True)

    def _stored_for(self, command: DistributionCommand) -> StoredOrgao:
        stored = self.get_orgao(command.orgao)
        if stored.classes and command.case.classe not in stored.classes:
            raise Invalid(f"classe {command.case.classe} não é distribuída no órgão {command.orgao} "
                          f"(classes: {', '.join(stored.classes)})", field="classe")
        _check_judges(stored, command.excluded)
        return stored

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
        published = [p for p in self.seeds.published(days[0], days[-1]) if p.day in days] if days else []
        return row, pairs, published, self.today()

    def export(self, log_id: str) -> dict[str, Any]:
        """The public export of a log (DIST-11) that ``scripts/verify_draws.py`` checks; seeds of past days only."""
        pairs = self.repository.records(log_id)
        if not pairs and self.repository.load_orgao(log_id) is None:
            raise NotFound(f"Não há log de distribuição {log_id}.", field="log")
        now = self.now()
        today = now.date()
        days = sorted({date.fromisoformat(r.seed_day) for r, _ in pairs if r.seed_day})
        published = self.seeds.published(days[0] if days else today, today + timedelta(days=1))
        return public_export(
            tribunal=self.settings.tribunal, log_id=log_id, records=[r for r, _ in pairs],
            details={r.seq: d for r, d in pairs if d is not None},
            seeds=[p.as_seed() for p in published if p.day < today],
            commitments={p.day: p.commitment for p in published}, today=today, generated_at=now,
            min_witnesses=self.config.testemunhas_sorteio_manual,
        )

    def commitments(self, start: date | None, end: date | None) -> tuple[list[PublishedSeed], date]:
        """Commitments of ``start..end`` (default: the last 30 days to tomorrow); today's and tomorrow's seeds
        are created first, so a day's commitment is public before its first draw."""
        today = self.today()
        tomorrow = today + timedelta(days=1)
        self.seeds.ensure([today, tomorrow])
        start = start or today - timedelta(days=30)
        return self.seeds.published(start, end or tomorrow), today

    # retry ----------------------------------------------------------------------------------------

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """Runs ``attempt`` again (fresh reads) while it meets a concurrent write, then :class:`Busy`."""
        return retry_on_conflict(attempts=self.max_attempts, sleep=self.sleep,
                                 busy_detail=BUSY_DETAIL.format(attempts=self.max_attempts))(attempt)()


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
