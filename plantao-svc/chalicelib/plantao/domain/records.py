"""What the use cases read and write besides the pure values: a scale with its life (status, version, served
shifts, portarias), a rotation's positions and a magistrate's compensation ledger, each versioned so that a write
is conditioned on what was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.plantao.domain.compensation import LedgerEntry
from chalicelib.plantao.domain.scales import Kind, Scale

RASCUNHO, APROVADA = "rascunho", "aprovada"  # a scale's status (PLAN-02 draft, PLAN-04 approved)
PENDENTE = "pendente"  # a swap request or a compensation use awaiting the presidency


@dataclass
class StoredScale:
    scale: Scale
    status: str
    version: int  # 0 = never written
    served: frozenset[str] = frozenset()
    portarias: list[dict[str, Any]] = field(default_factory=list)
    generated_at: str = ""
    approved_at: str | None = None
    approved_by: str | None = None

    @property
    def id(self) -> str:
        return str(self.scale.id)  # str(): a checker run on domain/ alone may see Scale as Any


@dataclass
class RotationState:
    kind: Kind
    month: str | None
    positions: dict[str, str | None]
    version: int  # 0 = never written


@dataclass(frozen=True)
class Ledger:
    """A magistrate's compensation (PLAN-07, PLAN-08): the balance in dias úteis, the days reserved by uses
    awaiting approval, the version the balance's writes are conditioned on, the entries and the uses."""

    balance: int = 0
    reserved: int = 0
    version: int = 0  # 0 = no balance yet
    entries: tuple[LedgerEntry, ...] = ()
    uses: tuple[dict[str, Any], ...] = ()

    @property
    def free(self) -> int:
        """What a new use may still take (PLAN-08)."""
        return self.balance - self.reserved
