"""courtlib.runs: the run request of a monthly job asked by hand (issue 15), pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from courtlib.runs import DONE, FAILED, PENDING, RUNNING, SITUATIONS, RunRequest, new_request

T0 = datetime(2027, 4, 1, 12, tzinfo=UTC)


def _request(situacao: str = PENDING, execucao: int = 1) -> RunRequest:
    return RunRequest("2027-03", situacao, "dimag.folha", T0.isoformat(), "c", execucao)


@given(st.sampled_from(SITUATIONS), st.integers(min_value=1, max_value=10_000))
def test_a_new_request_only_when_none_is_pending_or_running_and_it_is_the_next_run(situacao, execucao):
    previous = _request(situacao, execucao)
    made = new_request("2027-03", "admin.ti", T0 + timedelta(hours=1), "c2", previous)
    if situacao in (PENDING, RUNNING):
        assert made is None
    else:
        assert made is not None and (made.situacao, made.execucao, made.solicitado_por) == (
            PENDING, execucao + 1, "admin.ti")


def test_the_first_request_is_run_one_and_the_status_names_every_field():
    made = new_request("2027-03", "dimag.folha", T0, "c", None)
    assert made is not None and made.execucao == 1
    assert set(made.status()) == {"competencia", "situacao", "solicitado_por", "solicitado_em", "iniciado_em",
                                  "concluido_em", "resumo", "execucao"}


@given(st.sampled_from([DONE, FAILED]))
def test_a_round_trip_through_the_stored_dict_is_the_same_request(end):
    started = _request().started(T0)
    ended = started.finished(T0, {"publicados": 3}) if end == DONE else started.failed(T0, "motivo")
    assert RunRequest.from_dict(ended.to_dict()) == ended and ended.iniciado_em == T0.isoformat()


def test_a_run_started_again_after_a_cut_keeps_its_first_start_and_drops_the_failure():
    first = _request().started(T0).failed(T0 + timedelta(minutes=15), "cortado")
    again = first.started(T0 + timedelta(hours=2))
    assert (again.situacao, again.iniciado_em, again.motivo) == (RUNNING, T0.isoformat(), None)
