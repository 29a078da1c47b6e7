"""Every goal ``make bench`` checks, gathered as the sections measure them, so that the run ends with one table of
goals met and not met (issue 15 asks for it; the README's table is copied from it).

A section calls :func:`check` where it prints its verdict; ``bench.__main__`` names the section being run with
:func:`section` and prints :func:`table` at the end. Pure bookkeeping, no I/O but the ``emit`` it is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MET = "atingida"
NOT_MET = "NÃO ATINGIDA"


@dataclass(frozen=True)
class Goal:
    section: str
    name: str
    measured: str
    target: str
    met: bool


_goals: list[Goal] = []
_section = ["—"]


def section(title: str) -> None:
    """The section whose goals come next (its title as the table shows it)."""
    _section[0] = title


def check(name: str, measured: str, target: str, met: bool) -> str:
    """Record one goal and return its verdict, for the section's own line."""
    _goals.append(Goal(_section[0], name, measured, target, met))
    return MET if met else NOT_MET


def at_most(name: str, value: float, goal: float, unit: str = "×") -> str:
    """A goal on a figure that must not exceed ``goal`` (ratios, seconds, ms)."""
    return check(name, f"{value:.2f}{unit}", f"≤{goal:g}{unit}", value <= goal)


def at_least(name: str, value: float, goal: float, unit: str = "") -> str:
    """A goal on a figure that must reach ``goal`` (throughput)."""
    return check(name, f"{value:.2f}{unit}", f"≥{goal:g}{unit}", value >= goal)


def recorded() -> list[Goal]:
    return list(_goals)


def reset() -> None:
    _goals.clear()
    _section[0] = "—"


def table(emit: Callable[[str], None]) -> None:
    """The closing table: one line per goal, in the order measured, then the count."""
    goals = recorded()
    if not goals:
        return
    emit("Metas desta execução")
    emit(f"  {'seção':<22} {'meta':<52} {'medido':>14} {'alvo':>10}  veredito")
    for goal in goals:
        emit(f"  {goal.section[:22]:<22} {goal.name[:52]:<52} {goal.measured:>14} {goal.target:>10}  "
             f"{MET if goal.met else NOT_MET}")
    met = sum(goal.met for goal in goals)
    emit(f"  {met} de {len(goals)} metas atingidas")
