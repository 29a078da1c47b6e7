"""The closing table of ``make bench``: every goal a section checks appears once, with its verdict."""

from __future__ import annotations

import pytest

from bench import goals


@pytest.fixture(autouse=True)
def _fresh() -> None:
    goals.reset()


def test_each_check_returns_the_verdict_and_is_listed_under_its_section() -> None:
    goals.section("Sorteios")
    assert goals.at_most("p99 de um sorteio", 8.0, 8) == goals.MET
    assert goals.at_least("vazão, 1 cliente", 120.0, 150, "/s") == goals.NOT_MET
    goals.section("Eventos")
    assert goals.at_most("p50 commit → consumidor", 390, 300, " ms") == goals.NOT_MET
    rows = [(g.section, g.name, g.met) for g in goals.recorded()]
    assert rows == [("Sorteios", "p99 de um sorteio", True), ("Sorteios", "vazão, 1 cliente", False),
                    ("Eventos", "p50 commit → consumidor", False)]


def test_the_table_counts_goals_met() -> None:
    goals.section("Import")
    goals.at_most("import app", 1.05, 1.1)
    goals.at_most("partida a frio", 1.6, 1.3)
    lines: list[str] = []
    goals.table(lines.append)
    assert lines[0] == "Metas desta execução"
    assert "1 de 2 metas atingidas" in lines[-1]
    assert any("import app" in line and goals.MET in line for line in lines)
    assert any("partida a frio" in line and goals.NOT_MET in line for line in lines)


def test_no_goal_no_table() -> None:
    lines: list[str] = []
    goals.table(lines.append)
    assert lines == []
