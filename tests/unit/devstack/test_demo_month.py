"""`make demo`'s runner and summary without a stack: a wrong answer stops the demo naming the step, what was
expected and what came back; the summary's spread is max − min per class and overall (DIST-02)."""

from __future__ import annotations

import io

import pytest

from devstack import demo_month_steps
from devstack.demo_month import Demo, StepFailed, expect, play
from devstack.demo_month_summary import cases_table


def _demo() -> Demo:
    return Demo(urls={}, control="http://127.0.0.1:9", tokens={})


@pytest.fixture
def steps(monkeypatch):
    fake: list = []
    monkeypatch.setattr(demo_month_steps, "STEPS", fake)
    monkeypatch.setattr(Demo, "refresh_tokens", lambda self: None)
    return fake


def test_a_wrong_answer_stops_the_demo_with_exit_1_naming_step_expected_and_received(steps):
    ran = []
    steps += [("primeiro passo", lambda demo: ran.append(1) or "feito"),
              ("segundo passo", lambda demo: expect(False, "escala aprovada", {"status": "rascunho"})),
              ("terceiro passo", lambda demo: ran.append(3) or "")]
    out = io.StringIO()
    assert play(_demo(), out) == 1
    text = out.getvalue()
    assert "[01/3] primeiro passo: feito  ok" in text
    assert "[02/3] segundo passo  FALHOU" in text
    assert "esperado: escala aprovada" in text and "recebido: {'status': 'rascunho'}" in text
    assert ran == [1], "nothing runs after a failed step"


def test_an_answer_of_another_shape_is_a_failed_step_not_a_traceback(steps):
    steps.append(("lê o resumo", lambda demo: {}["memorandos"]))
    out = io.StringIO()
    assert play(_demo(), out) == 1
    assert "FALHOU" in out.getvalue() and "KeyError" in out.getvalue()


def test_every_step_passing_exits_0_and_prints_the_summary(steps):
    steps += [("a", lambda demo: ""), ("b", lambda demo: "")]
    out = io.StringIO()
    assert play(_demo(), out) == 0
    assert "[02/2] b  ok" in out.getvalue() and "Resumo do mês" in out.getvalue()


def test_dist_02_summary_spread_is_max_minus_min_per_class_and_overall():
    def case(judge: str, classe: str) -> dict:
        return {"relator": {"id": judge}, "classe": classe}

    cases = {str(i): c for i, c in enumerate(
        [case("a", "RE"), case("a", "RE"), case("b", "RE"), case("b", "HC"), case("c", "HC")])}
    table = cases_table(cases)
    assert table[0].split() == ["relator", "HC", "RE", "total"]
    rows = {line.split()[0]: line.split()[1:] for line in table[2:]}
    assert rows["a"] == ["0", "2", "2"] and rows["c"] == ["1", "0", "1"]
    assert table[-1].split()[-3:] == ["1", "2", "1"], "HC 1−0, RE 2−0, total 2−1"


def test_the_month_has_the_issues_steps_in_order():
    titles = [title for title, _ in demo_month_steps.STEPS]
    order = ["feriado municipal", "prevenção", "impedimento", "verificador", "edital", "geradas", "aprovadas",
             "permuta", "41ª hora", "carta precatória", "cooperação judiciária", "D−6", "D−5", "fechamento",
             "execução de pagamentos", "assinado", "ajuste"]
    positions = [next(i for i, t in enumerate(titles) if word in t) for word in order]
    assert positions == sorted(positions)


def test_step_failed_carries_expected_and_received():
    with pytest.raises(StepFailed) as caught:
        expect(0, "201", "409 COOP-06")
    assert (caught.value.expected, caught.value.received) == ("201", "409 COOP-06")
