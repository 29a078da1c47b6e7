"""Use cases of cartas precatórias (DIST-10): zones, elections, and the distribution of a partner's carta.

A carta reads the municipality's head (one GetItem), the election days (one Query), lets the pure domain
decide (``domain/precatorias.py``) and writes carta, record and head in one transaction, retried on a
concurrent draw like the órgãos' distributions. The same (partner, id_origem) is answered from its row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.distribuicao.adapters.precatorias import (
    CartaExists,
    PrecatoriaRepository,
    StoredCarta,
    StoredZones,
    zone_id,
)
from chalicelib.distribuicao.adapters.seeds import SeedStore
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.precatorias import Election, MatterKind, Zone, distribute_precatoria
from chalicelib.distribuicao.service import Conflict, DistribuicaoService, NotFound

from courtlib.config import DistribuicaoConfig


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
    def __init__(self, repository: PrecatoriaRepository, seeds: SeedStore, *, clock: Callable[[], datetime],
                 config: DistribuicaoConfig, retrying: DistribuicaoService) -> None:
        self.repository = repository
        self.seeds = seeds
        self.clock = clock
        self.config = config
        self._base = retrying  # its retry loop and time zone

    def put_zones(self, municipality: str, zones: Sequence[ZoneSpec]) -> tuple[StoredZones, bool]:
        domain = [Zone(zone_id(z.number), z.number, frozenset({municipality}), z.installed_on) for z in zones]

        def attempt() -> tuple[StoredZones, bool]:
            existing = self.repository.load_zones(municipality)
            self.repository.save_zones(municipality, domain, existing)
            stored = self.repository.load_zones(municipality)
            assert stored is not None
            return stored, existing is None

        return self._base._retrying(attempt)

    def zones(self, municipality: str) -> StoredZones:
        stored = self.repository.load_zones(municipality)
        if stored is None:
            raise NotFound(f"Nenhuma zona eleitoral cadastrada no município {municipality}.", field="municipio")
        return stored

    def put_election(self, day: date, zone_numbers: Sequence[int]) -> Election:
        election = Election(day, frozenset(zone_id(n) for n in zone_numbers))
        self.repository.save_election(election)
        return election

    def receive(self, command: CartaCommand) -> CartaOutcome:
        """Distributes a carta once per (partner, id_origem); a retry gets the first answer, without a draw."""
        existing = self.repository.get_carta(command.partner, command.origin_id)
        if existing is not None:
            return self._replay(existing, command)

        def attempt() -> CartaOutcome:
            stored = self.zones(command.municipality)
            now = self._base.now()
            voter = None if command.voter_zone is None else zone_id(command.voter_zone)
            decision = distribute_precatoria(
                stored.state, command.case, seed=self.seeds.seed_for(now.date()), now=now,
                elections=self.repository.elections(), kind=command.kind, voter_zone_id=voter, config=self.config,
            )
            try:
                carta = self.repository.commit_carta(stored, decision, partner=command.partner,
                                                     origin_id=command.origin_id, kind=command.kind.value,
                                                     secret=command.case.secret)
            except CartaExists:
                row = self.repository.get_carta(command.partner, command.origin_id)
                assert row is not None
                return self._replay(row, command)
            return CartaOutcome(carta, True)

        return self._base._retrying(attempt)

    @staticmethod
    def _replay(row: StoredCarta, command: CartaCommand) -> CartaOutcome:
        if row.number != str(command.case.number) or row.municipality != command.municipality:
            raise Conflict(f"o id_origem {command.origin_id} já foi usado para a carta {row.number} "
                           f"({row.municipality}); use outro id para outra carta")
        return CartaOutcome(row, False)

    def carta(self, partner: str, origin_id: str) -> StoredCarta:
        row = self.repository.get_carta(partner, origin_id)
        if row is None:
            raise NotFound(f"Carta precatória {origin_id} não encontrada.", field="id")
        return row

    def cartas(self, partner: str, limit: int, start: dict[str, Any] | None
               ) -> tuple[list[StoredCarta], dict[str, Any] | None]:
        return self.repository.list_cartas(partner, limit, start)

    def public(self, digits: str) -> list[StoredCarta]:
        rows = self.repository.cartas_by_number(digits)
        if not rows:
            raise NotFound("Carta precatória não recebida por este Tribunal.", field="numero")
        return rows
