"""Use cases of cartas precatórias (DIST-10): zones, elections, and the distribution of a partner's carta.

A carta is drawn in two moments (issue 16), like an órgão's case (``draws.py``). Registration: the carta is
queued in its municipality with the beacon round that will decide it, the first after that commit (a refusal by
the rules comes now, nothing written). Resolution: once that round is out and verified, the queued cartas are
drawn in order from the registration day's seed AND the round, each in one unit of work that takes it off the
queue. The partner waits up to ``beacon_wait_s``; otherwise it gets :class:`CartaAwaiting` (202, ``Location``
the carta), drawn later by a request about it or the every-minute schedule — never without a verified round.
The same (partner, id_origem) is answered from its row (or its place in the queue). Depends only on the ports.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.beacon_wait import RoundWaiter
from chalicelib.distribuicao.commands import case_from_json, case_to_json
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.core import MAX_ATTEMPTS, TZ, cnj_refusal
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, parse_cnj
from chalicelib.distribuicao.domain.draw import CaseData, Decision
from chalicelib.distribuicao.domain.log import BeaconRound
from chalicelib.distribuicao.domain.precatorias import (
    RULE,
    Election,
    MatterKind,
    Zone,
    distribute_precatoria,
    zone_id,
)
from chalicelib.distribuicao.draws import DEFAULT_BEACON_WAIT_S, DRY_ROUND, resolving_actor
from chalicelib.distribuicao.ports import (
    ActPending,
    CartaExists,
    Clock,
    PageKey,
    PendingCarta,
    PrecatoriaRepository,
    RoundSource,
    SeedStore,
    StoredCarta,
    StoredZones,
)

from courtlib.audit.actor import acting_as
from courtlib.errors import Busy, Conflict, CourtError, Invalid, NotFound, Refusal, WriteConflict
from courtlib.retry import retry_on_conflict

MUNICIPIO = r"^[0-9]{7}$"  # código IBGE
ID_ORIGEM = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
BUSY_DETAIL = ("Muitas cartas simultâneas neste município: o município recebeu outras alterações ao mesmo tempo "
               "({attempts} tentativas). Tente de novo.")
AWAITING_DETAIL = ("Há cartas deste município aguardando a rodada do farol; elas vêm antes de qualquer alteração das "
                   "zonas. Tente de novo em instantes.")

T = TypeVar("T")


class IncompleteCarta(Refusal):
    """A carta that lacks what its matter requires (DIST-10): 400, the request itself is incomplete."""

    status: ClassVar[int] = 400


@dataclass(frozen=True)
class ZoneSpec:
    number: int
    installed_on: date | None


@dataclass(frozen=True)
class CartaCommand:
    partner: str
    origin_id: str
    municipality: str
    kind: MatterKind
    case: CaseData
    voter_zone: int | None = None


@dataclass(frozen=True)
class CartaOutcome:
    carta: StoredCarta
    created: bool


@dataclass(frozen=True)
class CartaAwaiting:
    """A carta registered and still awaiting its beacon round (answered 202; ``GET /precatorias/{id}``)."""

    pending: PendingCarta
    due_at: datetime


@dataclass
class CartasResolved:
    """What one pass over a municipality's queue did: the cartas drawn and those refused, by queue order."""

    drawn: dict[int, CartaOutcome] = field(default_factory=dict)
    refused: dict[int, CourtError] = field(default_factory=dict)


def carta_to_json(command: CartaCommand) -> dict[str, Any]:
    return {"parceiro": command.partner, "id_origem": command.origin_id, "municipio": command.municipality,
            "materia": command.kind.value, "processo": case_to_json(command.case), "zona_eleitor": command.voter_zone}


def carta_from_json(d: Mapping[str, Any]) -> CartaCommand:
    return CartaCommand(d["parceiro"], d["id_origem"], d["municipio"], MatterKind(d["materia"]),
                        case_from_json(d["processo"]), d.get("zona_eleitor"))


class PrecatoriaService:
    """Zones, elections and the cartas of partner courts (DIST-10)."""

    def __init__(self, repository: PrecatoriaRepository, seeds: SeedStore, *, clock: Clock,
                 config: DistribuicaoConfig, beacon: RoundSource, beacon_wait_s: float = DEFAULT_BEACON_WAIT_S,
                 max_attempts: int = MAX_ATTEMPTS, sleep: Callable[[float], None] | None = None,
                 beacon_sleep: Callable[[float], None] = time.sleep) -> None:
        self.repository = repository
        self.seeds = seeds
        self.clock = clock
        self.config = config
        self.max_attempts = max_attempts
        self.sleep = sleep
        self.beacon_wait_s = beacon_wait_s
        self.rounds = RoundWaiter(beacon, now=clock, sleep=beacon_sleep)

    def parse_number(self, text: str, field: str) -> CnjNumber:
        """Any tribunal's CNJ number (cartas come from other courts), of a year already begun (DIST-01)."""
        try:
            return parse_cnj(text, latest_year=self.clock().year)
        except CnjError as error:
            raise cnj_refusal(error, field) from None

    # zones and elections ---------------------------------------------------------------------------

    def put_zones(self, municipality: str, zones: Sequence[ZoneSpec]) -> tuple[StoredZones, bool]:
        """Creates or replaces a municipality's zones; waits for its queued cartas (registered on the zones as
        they were): resolves what it can, then 503 (nothing written) if cartas still await their round."""
        _check_municipality(municipality)
        self._settled(municipality)
        domain = [Zone(zone_id(z.number), z.number, frozenset({municipality}), z.installed_on) for z in zones]

        def attempt() -> tuple[StoredZones, bool]:
            existing = self.repository.load_zones(municipality)
            self.repository.save_zones(municipality, domain, existing,
                                       act=acts.zones_put(municipality, domain, existing))
            stored = self.repository.load_zones(municipality)
            assert stored is not None
            return stored, existing is None

        return self._retrying(attempt)

    def zones(self, municipality: str) -> StoredZones:
        _check_municipality(municipality)
        stored = self.repository.load_zones(municipality)
        if stored is None:
            raise NotFound(f"Nenhuma zona eleitoral cadastrada no município {municipality}.", field="municipio")
        return stored

    def put_election(self, day_text: str, zone_numbers: Sequence[int]) -> Election:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise Invalid("data inválida (AAAA-MM-DD)", field="data") from None
        election = Election(day, frozenset(zone_id(n) for n in zone_numbers))
        previous = self.repository.election(day)
        self.repository.save_election(election, act=acts.election_put(election, previous))
        return election

    # cartas ----------------------------------------------------------------------------------------

    def receive(self, command: CartaCommand) -> CartaOutcome | CartaAwaiting:
        """Registers a carta once per (partner, id_origem) and waits for its draw; a retry gets the first
        answer, without a draw (the carta as drawn, or its place in the queue)."""
        if command.kind is MatterKind.CADASTRO_ELEITORAL and command.voter_zone is None:
            raise IncompleteCarta(RULE, "Matéria do cadastro eleitoral: informe zona_eleitor.", field="zona_eleitor")
        known = self._known(command)
        if known is not None:
            return known
        command_json = {**carta_to_json(command), "agente": acts.agent()}

        def attempt() -> CartaOutcome | PendingCarta:
            stored = self.zones(command.municipality)
            now = self.clock().astimezone(TZ)
            self._decide(stored, command, now, DRY_ROUND)  # a refusal by the rules comes now, nothing written
            pending = PendingCarta(command.municipality, stored.queued + 1, command.partner, command.origin_id,
                                   str(command.case.number), self.rounds.chain_hash,
                                   self.rounds.first_round_after(now), now, command_json)
            try:
                self.repository.register_carta(stored, pending, act=acts.carta_registered(pending))
            except (CartaExists, ActPending):  # the same carta again, drawn or queued meanwhile
                again = self._known(command)
                if again is None:
                    raise WriteConflict() from None  # drawn between the two reads: read again
                return again.pending if isinstance(again, CartaAwaiting) else again
            return pending

        registered = self._retrying(attempt)
        if isinstance(registered, CartaOutcome):
            return registered
        return self._await(registered)

    def _known(self, command: CartaCommand) -> CartaOutcome | CartaAwaiting | None:
        """The carta this (partner, id_origem) already named: drawn, or awaiting its round; None if new."""
        existing = self.repository.get_carta(command.partner, command.origin_id)
        if existing is not None:
            return self._replay(existing, command)
        pending = self.repository.pending_carta(command.partner, command.origin_id)
        if pending is None:
            return None
        if pending.number != str(command.case.number) or pending.municipality != command.municipality:
            raise Conflict(f"o id_origem {command.origin_id} já foi usado para a carta {pending.number} "
                           f"({pending.municipality}); use outro id para outra carta")
        return self._awaiting(pending)

    def status(self, partner: str, origin_id: str) -> StoredCarta | CartaAwaiting:
        """A partner's carta as it stands: drawn, or awaiting its round (drawn first if the round is out)."""
        pending = self.repository.pending_carta(partner, origin_id) if re.match(ID_ORIGEM, origin_id) else None
        if pending is not None:
            self.resolve_pending(pending.municipality, until=pending)
            pending = self.repository.pending_carta(partner, origin_id)
            if pending is not None:
                return self._awaiting(pending)
        return self.carta(partner, origin_id)

    def resolve_pending(self, municipality: str, *, until: PendingCarta | None = None, wait_s: float = 0.0,
                        known: dict[int, BeaconRound] | None = None) -> CartasResolved:
        """The second moment: draws the municipality's queued cartas in order while their rounds are out (waiting
        up to ``wait_s`` for each), stopping after ``until``. Race-safe like the órgãos' (``draws.py``)."""
        resolved = CartasResolved()
        deadline = self.clock() + timedelta(seconds=wait_s)
        stop = time.monotonic() + wait_s
        rounds: dict[int, BeaconRound] = dict(known or {})

        def remaining() -> float:
            return max(0.0, min((deadline - self.clock()).total_seconds(), stop - time.monotonic()))

        conflicts = 0
        while conflicts < self.max_attempts or remaining() > 0:
            stored = self.repository.load_zones(municipality)
            if stored is None or not stored.queue:
                break
            pending = stored.queue[0]
            if until is not None and pending.order > until.order:
                break
            round_ = rounds.get(pending.round) or self.rounds.get(pending.round)
            if round_ is None:  # not out yet: wait for it, then read the queue again before deciding
                round_ = self.rounds.get(pending.round, remaining())
                if round_ is None:
                    break
                rounds[pending.round] = round_
                continue
            rounds[pending.round] = round_
            actor, correlation = resolving_actor()
            try:
                with acting_as(actor, correlation_id=correlation):
                    self._resolve_one(stored, pending, round_, resolved)
            except (WriteConflict, CartaExists):  # another resolver (or a registration) went first
                conflicts += 1
                continue
            if until is not None and pending.order == until.order:
                break
        return resolved

    def _await(self, pending: PendingCarta) -> CartaOutcome | CartaAwaiting:
        began = time.monotonic()
        round_ = self.rounds.get(pending.round, self.beacon_wait_s)
        if round_ is None:
            return self._awaiting(pending)
        wait_s = max(0.0, self.beacon_wait_s - (time.monotonic() - began))
        resolved = self.resolve_pending(pending.municipality, until=pending, wait_s=wait_s,
                                        known={pending.round: round_})
        if pending.order in resolved.refused:
            raise resolved.refused[pending.order]
        if pending.order in resolved.drawn:
            return resolved.drawn[pending.order]
        still = self.repository.pending_carta(pending.partner, pending.origin_id)
        if still is not None:
            return self._awaiting(still)
        return CartaOutcome(self.carta(pending.partner, pending.origin_id), True)  # drawn by another meanwhile

    def _awaiting(self, pending: PendingCarta) -> CartaAwaiting:
        return CartaAwaiting(pending, self.rounds.chain.round_time(pending.round).astimezone(TZ))

    def _resolve_one(self, stored: StoredZones, pending: PendingCarta, round_: BeaconRound,
                     resolved: CartasResolved) -> None:
        """Draws ``pending`` (as registered, naming who sent it) and commits it with its audited act, or — the
        rules refusing it now — takes it off the queue, audited too (nothing drawn)."""
        command = carta_from_json(pending.command)
        try:
            decision = self._decide(stored, command, pending.registered_at, round_).acted_by(
                pending.command.get("agente"))
        except CourtError as error:
            self.repository.drop_pending_carta(stored, pending, act=acts.carta_refused(pending, error))
            resolved.refused[pending.order] = error
            return
        carta = self.repository.commit_carta(
            stored, decision, partner=command.partner, origin_id=command.origin_id, kind=command.kind.value,
            secret=command.case.secret, resolves=pending,
            act=acts.carta_distributed(command.partner, command.origin_id, command.municipality, decision))
        resolved.drawn[pending.order] = CartaOutcome(carta, True)

    def _decide(self, stored: StoredZones, command: CartaCommand, now: datetime, round_: BeaconRound) -> Decision:
        voter = None if command.voter_zone is None else zone_id(command.voter_zone)
        return distribute_precatoria(
            stored.state, command.case, seed=self.seeds.seed_for(now.astimezone(TZ).date()), now=now,
            elections=self.repository.elections(), kind=command.kind, voter_zone_id=voter, config=self.config,
            beacon=round_,
        )

    def _settled(self, municipality: str) -> None:
        stored = self.repository.load_zones(municipality)
        if stored is not None and stored.queue:
            self.resolve_pending(municipality)
            stored = self.repository.load_zones(municipality)
            if stored is not None and stored.queue:
                raise Busy(AWAITING_DETAIL)

    @staticmethod
    def _replay(row: StoredCarta, command: CartaCommand) -> CartaOutcome:
        if row.number != str(command.case.number) or row.municipality != command.municipality:
            raise Conflict(f"o id_origem {command.origin_id} já foi usado para a carta {row.number} "
                           f"({row.municipality}); use outro id para outra carta")
        return CartaOutcome(row, False)

    def carta(self, partner: str, origin_id: str) -> StoredCarta:
        """A partner's own carta; another partner's id answers 404, so existence does not leak."""
        row = self.repository.get_carta(partner, origin_id) if re.match(ID_ORIGEM, origin_id) else None
        if row is None:
            raise NotFound("Carta precatória não encontrada.", field="id")
        return row

    def cartas(self, partner: str, limit: int, start: PageKey) -> tuple[list[StoredCarta], PageKey]:
        return self.repository.list_cartas(partner, limit, start)

    def public(self, number: CnjNumber) -> list[StoredCarta]:
        rows = self.repository.cartas_by_number(number.digits)
        if not rows:
            raise NotFound("Carta precatória não recebida por este Tribunal.", field="numero")
        return rows

    def _retrying(self, attempt: Callable[[], T]) -> T:
        return retry_on_conflict(attempts=self.max_attempts, sleep=self.sleep,
                                 busy_detail=BUSY_DETAIL.format(attempts=self.max_attempts))(attempt)()


def _check_municipality(municipality: str) -> None:
    if not re.match(MUNICIPIO, municipality):
        raise Invalid("município deve ser o código IBGE (7 dígitos)", field="municipio")
