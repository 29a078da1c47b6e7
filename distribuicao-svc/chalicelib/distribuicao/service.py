"""Use cases of distribuicao-svc: read the órgão, let the pure domain decide, write it in one unit of work.

The órgãos' reference data, absences, numbering and the public proofs; the draws (distribution, manual draw,
redistribution in two moments) are in ``draws.py``, held here as ``draws``: an edit of an órgão waits for the
acts queued in it. A concurrent write makes a use case read and decide again (``core.py``).

It depends only on the ports (``ports.py``); refusals are ``courtlib.errors`` types (the domain's own
subclass them), answered as problem+json by the HTTP dispatcher.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.core import MAX_ATTEMPTS, CoreUseCases, cnj_refusal
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber
from chalicelib.distribuicao.domain.errors import StateError
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao, Role
from chalicelib.distribuicao.domain.log import CaseDetails, DrawRecord, public_export
from chalicelib.distribuicao.draws import DEFAULT_BEACON_WAIT_S, DrawService
from chalicelib.distribuicao.events import desembargador_absence_event
from chalicelib.distribuicao.ports import (
    Act,
    Clock,
    OrgaoRepository,
    PageKey,
    PublishedSeed,
    RoundSource,
    SeedStore,
    StoredCase,
    StoredOrgao,
)
from chalicelib.distribuicao.queries import OrgaoSituation, orgao_situation

from courtlib.beacon import QUICKNET
from courtlib.errors import CourtError, Invalid, NotFound
from courtlib.settings import ServiceSettings

ORGAO_ID = r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$"


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


class DistribuicaoService(CoreUseCases):
    """The órgãos' use cases: reference data, absences, numbering and the public proofs; ``draws``: the draws.

    ``sleep`` is the retry's pause (tests pass a no-op); ``max_attempts`` bounds the reads-and-decides of one call.
    """

    def __init__(self, repository: OrgaoRepository, seeds: SeedStore, *, clock: Clock,
                 config: DistribuicaoConfig, settings: ServiceSettings, beacon: RoundSource,
                 beacon_wait_s: float = DEFAULT_BEACON_WAIT_S, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] | None = None,
                 beacon_sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(repository, seeds, clock=clock, config=config, settings=settings,
                         max_attempts=max_attempts, sleep=sleep)
        self.draws = DrawService(repository, seeds, clock=clock, config=config, settings=settings, beacon=beacon,
                                 beacon_wait_s=beacon_wait_s, max_attempts=max_attempts, sleep=sleep,
                                 beacon_sleep=beacon_sleep)

    # reference data ------------------------------------------------------------------------------

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
        self.draws.settle(spec.orgao.id)

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
        self.draws.settle(orgao_id)

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
        ours = self.draws.rounds.chain
        return [ours.to_json()] if ours.hash_hex in used and ours.hash != QUICKNET.hash else []

    def commitments(self, start: date | None, end: date | None) -> tuple[list[PublishedSeed], date]:
        """Commitments of ``start..end`` (default: the last 30 days to tomorrow); today's and tomorrow's seeds
        are created first, so a day's commitment is public before its first draw."""
        today = self.today()
        tomorrow = today + timedelta(days=1)
        self.seeds.ensure([today, tomorrow])
        start = start or today - timedelta(days=30)
        return self.seeds.published(start, end or tomorrow, reveal_before=today), today


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

