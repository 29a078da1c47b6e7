"""Use cases of cartas precatórias (DIST-10): zones, elections, and the distribution of a partner's carta.

A carta reads the municipality's head (one GetItem), the election days (one Query), lets the pure domain
decide (``domain/precatorias.py``) and writes carta, record and head in one unit of work, retried on a
concurrent draw like the órgãos' distributions. The same (partner, id_origem) is answered from its row.
Depends only on the ports (``ports.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar, TypeVar

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.core import MAX_ATTEMPTS, TZ, cnj_refusal
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, parse_cnj
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.precatorias import (
    RULE,
    Election,
    MatterKind,
    Zone,
    distribute_precatoria,
    zone_id,
)
from chalicelib.distribuicao.ports import (
    CartaExists,
    Clock,
    PageKey,
    PrecatoriaRepository,
    SeedStore,
    StoredCarta,
    StoredZones,
)

from courtlib.errors import Conflict, Invalid, NotFound, Refusal
from courtlib.retry import retry_on_conflict

MUNICIPIO = r"^[0-9]{7}$"  # código IBGE
ID_ORIGEM = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
BUSY_DETAIL = ("Muitas cartas simultâneas neste município: o município recebeu outras alterações ao mesmo tempo "
               "({attempts} tentativas). Tente de novo.")

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


class PrecatoriaService:
    """Zones, elections and the cartas of partner courts (DIST-10)."""

    def __init__(self, repository: PrecatoriaRepository, seeds: SeedStore, *, clock: Clock,
                 config: DistribuicaoConfig, max_attempts: int = MAX_ATTEMPTS,
                 sleep: Callable[[float], None] | None = None) -> None:
        self.repository = repository
        self.seeds = seeds
        self.clock = clock
        self.config = config
        self.max_attempts = max_attempts
        self.sleep = sleep

    def parse_number(self, text: str, field: str) -> CnjNumber:
        """Any tribunal's CNJ number (cartas come from other courts), of a year already begun (DIST-01)."""
        try:
            return parse_cnj(text, latest_year=self.clock().year)
        except CnjError as error:
            raise cnj_refusal(error, field) from None

    # zones and elections ---------------------------------------------------------------------------

    def put_zones(self, municipality: str, zones: Sequence[ZoneSpec]) -> tuple[StoredZones, bool]:
        _check_municipality(municipality)
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

    def receive(self, command: CartaCommand) -> CartaOutcome:
        """Distributes a carta once per (partner, id_origem); a retry gets the first answer, without a draw."""
        if command.kind is MatterKind.CADASTRO_ELEITORAL and command.voter_zone is None:
            raise IncompleteCarta(RULE, "Matéria do cadastro eleitoral: informe zona_eleitor.", field="zona_eleitor")
        existing = self.repository.get_carta(command.partner, command.origin_id)
        if existing is not None:
            return self._replay(existing, command)

        def attempt() -> CartaOutcome:
            stored = self.zones(command.municipality)
            now = self.clock().astimezone(TZ)
            voter = None if command.voter_zone is None else zone_id(command.voter_zone)
            decision = distribute_precatoria(
                stored.state, command.case, seed=self.seeds.seed_for(now.date()), now=now,
                elections=self.repository.elections(), kind=command.kind, voter_zone_id=voter, config=self.config,
            ).acted_by(acts.agent())
            try:
                carta = self.repository.commit_carta(stored, decision, partner=command.partner,
                                                     origin_id=command.origin_id, kind=command.kind.value,
                                                     secret=command.case.secret,
                                                     act=acts.carta_distributed(command.partner, command.origin_id,
                                                                                command.municipality, decision))
            except CartaExists:
                row = self.repository.get_carta(command.partner, command.origin_id)
                assert row is not None
                return self._replay(row, command)
            return CartaOutcome(carta, True)

        return self._retrying(attempt)

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
