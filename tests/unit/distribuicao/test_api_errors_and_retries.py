"""distribuicao-svc's application layer without AWS: the bounded retry on concurrent writes, the mapping of
DynamoDB's transaction conflicts, and the problems the HTTP layer answers (DIST-01, DIST-02, DIST-09) — now
through the one error model (``courtlib.errors``), mapped once by the dispatcher."""

from __future__ import annotations

import pytest
from chalicelib.distribuicao.adapters.dynamodb import commit, conflict_or
from chalicelib.distribuicao.config import DistribuicaoConfig
from chalicelib.distribuicao.domain.errors import ManualDrawError, NoEligibleJudgeError
from chalicelib.distribuicao.service import DistribuicaoService
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from courtlib.errors import Busy, Invalid, NotFound, WriteConflict, as_court_error
from courtlib.http import ProblemError
from courtlib.http.problems import problem_from_error
from courtlib.messaging.outbox import TransactionTooLarge
from courtlib.retry import MAX_PAUSE_S
from tests.unit.distribuicao.fakes import instant_beacon
from tests.unit.distribuicao.support import NOW


def service(max_attempts: int = 6) -> tuple[DistribuicaoService, list[float]]:
    pauses: list[float] = []
    svc = DistribuicaoService(None, None, clock=lambda: NOW, config=DistribuicaoConfig(),  # type: ignore[arg-type]
                              settings=None, max_attempts=max_attempts, sleep=pauses.append,  # type: ignore[arg-type]
                              beacon=instant_beacon())
    return svc, pauses


def test_dist_02_a_concurrent_write_is_retried_until_it_goes_through():
    svc, pauses = service()
    outcomes = iter([WriteConflict(), WriteConflict(), "escrito"])

    def attempt():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert svc._retrying(attempt) == "escrito"
    assert len(pauses) == 2 and all(0 <= p <= MAX_PAUSE_S for p in pauses)


def test_dist_02_retries_are_bounded_then_busy():
    svc, pauses = service(max_attempts=5)
    calls = []

    def attempt():
        calls.append(1)
        raise WriteConflict()

    with pytest.raises(Busy):
        svc._retrying(attempt)
    assert len(calls) == 5 and len(pauses) == 4, "no pause after the last attempt"


def test_other_errors_are_not_retried():
    svc, _ = service()
    calls = []

    def attempt():
        calls.append(1)
        raise NotFound("não há")

    with pytest.raises(NotFound):
        svc._retrying(attempt)
    assert calls == [1]


def _cancelled(*codes: str | None) -> TransactWriteError:
    """The error PynamoDB raises for a cancelled transaction (one reason per item, None = not the cause)."""
    reasons = [None if code is None else CancellationReason(code=code, message=code) for code in codes]
    cause = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"}},
                               "TransactWriteItems", cancellation_reasons=reasons)
    return TransactWriteError("cancelled", cause=cause)


def test_dynamodb_transaction_conflict_is_a_concurrent_write():
    assert isinstance(conflict_or(_cancelled(None, "TransactionConflict")), WriteConflict)
    other = _cancelled("ValidationError")
    assert conflict_or(other) is other


def _problem(error: Exception) -> ProblemError:
    """What the dispatcher answers for ``error`` (the one translation, ``courtlib.errors``)."""
    refusal = as_court_error(error)
    assert refusal is not None, f"{error!r} would be a 500"
    return problem_from_error(refusal)


def test_dist_01_bad_number_names_the_part():
    svc, _ = service()
    with pytest.raises(Exception) as caught:
        svc.parse_number("0001234-00.2026.6.11.0001", "numero_processo")
    problem = _problem(caught.value)
    assert (problem.status, problem.code, problem.field) == (422, "DIST-01", "numero_processo.digitos_verificadores")
    assert problem.extra["parte"] == "digitos_verificadores"


def test_dist_02_no_eligible_judge_is_a_conflict_with_reasons():
    problem = _problem(NoEligibleJudgeError("ninguém", {"C1": "presidente"}))
    assert (problem.status, problem.code, problem.extra["motivos"]) == (409, "DIST-02", {"C1": "presidente"})


class _TooLarge:
    def commit(self) -> None:
        raise TransactionTooLarge("101 itens")


def test_refusals_map_to_their_codes():
    assert _problem(ManualDrawError("duas testemunhas")).code == "DIST-09"
    assert _problem(Invalid("classe", field="classe")).field == "classe"
    assert _problem(NotFound("órgão", field="orgao")).status == 404
    with pytest.raises(Exception) as too_large:
        commit(_TooLarge())  # type: ignore[arg-type]
    assert _problem(too_large.value).status == 422
    busy = _problem(Busy("cheio"))
    assert busy.status == 503 and busy.headers["Retry-After"] == "1"
