"""distribuicao-svc's application layer without AWS: the bounded retry on concurrent writes, the mapping of
DynamoDB's transaction conflicts, and the problems the HTTP layer answers (DIST-01, DIST-02, DIST-09)."""

from __future__ import annotations

import pytest
from chalicelib.distribuicao.adapters.dynamodb import HeadMoved, conflict_or
from chalicelib.distribuicao.api import problems
from chalicelib.distribuicao.domain.cnj import parse_cnj
from chalicelib.distribuicao.domain.errors import ManualDrawError, NoEligibleJudgeError
from chalicelib.distribuicao.service import BACKOFF_CAP_SECONDS, Busy, DistribuicaoService, Invalid, NotFound
from pynamodb.exceptions import CancellationReason, TransactWriteError, VerboseClientError

from courtlib.http import ProblemError
from courtlib.messaging.outbox import TransactionTooLarge


def service(max_attempts: int = 6) -> tuple[DistribuicaoService, list[float]]:
    pauses: list[float] = []
    svc = DistribuicaoService(None, None, clock=None, config=None, settings=None,  # type: ignore[arg-type]
                              max_attempts=max_attempts, sleep=pauses.append)
    return svc, pauses


def test_dist_02_a_concurrent_write_is_retried_until_it_goes_through():
    svc, pauses = service()
    outcomes = iter([HeadMoved(), HeadMoved(), "escrito"])

    def attempt():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert svc._retrying(attempt) == "escrito"
    assert len(pauses) == 2 and all(0 <= p <= BACKOFF_CAP_SECONDS for p in pauses)


def test_dist_02_retries_are_bounded_then_busy():
    svc, pauses = service(max_attempts=5)
    calls = []

    def attempt():
        calls.append(1)
        raise HeadMoved()

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
    assert isinstance(conflict_or(_cancelled(None, "TransactionConflict")), HeadMoved)
    other = _cancelled("ValidationError")
    assert conflict_or(other) is other


def _problem(error: Exception, code: str = "DIST-02") -> ProblemError:
    with pytest.raises(ProblemError) as caught, problems(code):
        raise error
    return caught.value


def test_dist_01_bad_number_names_the_part():
    with pytest.raises(Exception) as caught:
        parse_cnj("0001234-00.2026.6.11.0001")
    problem = _problem(caught.value)
    assert (problem.status, problem.code, problem.field) == (422, "DIST-01", "numero_processo.digitos_verificadores")
    assert problem.extra["parte"] == "digitos_verificadores"


def test_dist_02_no_eligible_judge_is_a_conflict_with_reasons():
    problem = _problem(NoEligibleJudgeError("ninguém", {"C1": "presidente"}))
    assert (problem.status, problem.code, problem.extra["motivos"]) == (409, "DIST-02", {"C1": "presidente"})


def test_refusals_map_to_their_codes():
    assert _problem(ManualDrawError("duas testemunhas")).code == "DIST-09"
    assert _problem(Invalid("classe", field="classe")).field == "classe"
    assert _problem(NotFound("órgão", field="orgao")).status == 404
    assert _problem(TransactionTooLarge("101 itens")).status == 422
    busy = _problem(Busy("cheio"))
    assert busy.status == 503 and busy.headers["Retry-After"] == "1"


def test_dist_04_a_redistribution_raced_by_another_is_refused_not_applied_to_the_new_relator():
    from dataclasses import replace

    from chalicelib.distribuicao.adapters.dynamodb import DistribuicaoRepository, StoredOrgao
    from chalicelib.distribuicao.domain.draw import DistributionRequest, OrgaoState, RedistributionReason, distribute
    from chalicelib.distribuicao.service import Conflict

    from courtlib.config import DistribuicaoConfig
    from courtlib.settings import ServiceSettings
    from tests.unit.distribuicao.support import NOW, case, pleno, seed_for

    state = OrgaoState(pleno())
    decision = distribute(state, DistributionRequest(case(1)), seed=seed_for(NOW.date()), now=NOW)
    stored = StoredOrgao(state.apply(decision), "Pleno", ("RE",), 2, frozenset(), frozenset())
    repository = DistribuicaoRepository(ServiceSettings(service="distribuicao", table_name="sem-rede", pagination_secret="s"))
    row = repository._case_row(stored.id, decision, case(1), None)
    moved = replace(row, current_seq=2, seqs=(1, 2), relator="J7")

    class FakeRepository:
        commits = 0
        rows = iter([row, moved])

        def get_case(self, number):
            return next(self.rows)

        def load_orgao(self, orgao_id):
            return stored

        def commit_decision(self, *args, **kwargs):
            self.commits += 1
            raise HeadMoved()  # the other redistribution committed first

    class Seeds:
        def seed_for(self, day):
            return seed_for(day)

    fake = FakeRepository()
    svc = DistribuicaoService(fake, Seeds(), clock=lambda: NOW, config=DistribuicaoConfig(),  # type: ignore[arg-type]
                              settings=None, sleep=lambda _: None)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        svc.redistribute(row.number, RedistributionReason.IMPEDIMENTO)
    assert fake.commits == 1
    assert _problem(Conflict("já redistribuído")).status == 409
