"""issue 12 point 3: a failure of AWS answers 503 problem+json with Retry-After, never 500; a refusal stays one."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from chalice import Chalice
from chalice.test import Client
from pynamodb.exceptions import GetError, PutError, QueryError, TransactWriteError

from courtlib.aws_failures import is_aws_failure
from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")


def client_error(code: str, status: int = 400, operation: str = "GetItem", **extra) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status},
                        **extra}, operation)


def cancelled(*codes: str) -> TransactWriteError:
    from pynamodb.exceptions import CancellationReason, VerboseClientError

    error = VerboseClientError({"Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                                "ResponseMetadata": {"HTTPStatusCode": 400}}, "TransactWriteItems", {},
                               cancellation_reasons=[CancellationReason(code=c) if c != "None" else None
                                                     for c in codes])
    return TransactWriteError("Failed to write transaction items", error)


FAILURES = {
    "get timed out": GetError("Failed to get item", ReadTimeoutError(endpoint_url="http://dynamodb")),
    "put throttled": PutError("Failed to put item", client_error("ProvisionedThroughputExceededException")),
    "query internal": QueryError("Failed to query", client_error("InternalServerError", 500, "Query")),
    "transaction throttled": cancelled("None", "ThrottlingError"),
    "transaction connection": TransactWriteError("x", EndpointConnectionError(endpoint_url="http://dynamodb")),
    "s3 slow down": client_error("SlowDown", 503, "PutObject"),
    "ses throttling": client_error("Throttling", 400, "SendEmail"),
    "sqs 500": client_error("InternalError", 500, "SendMessage"),
    "connect timeout": ConnectTimeoutError(endpoint_url="http://sqs"),
    "endpoint down": EndpointConnectionError(endpoint_url="http://s3"),
}
REFUSALS = {
    "condition failed": cancelled("None", "ConditionalCheckFailed"),
    "validation": client_error("ValidationException", 400, "PutItem"),
    "put condition": PutError("Failed to put item", client_error("ConditionalCheckFailedException")),
    "a bug": KeyError("x"),
}


@pytest.mark.parametrize("name", FAILURES)
def test_aws_failures_are_recognised(name):
    assert is_aws_failure(FAILURES[name])


@pytest.mark.parametrize("name", REFUSALS)
def test_refusals_and_bugs_are_not_aws_failures(name):
    assert not is_aws_failure(REFUSALS[name])


def build_app() -> Chalice:
    routes = RouteSet(service="teste", title="Teste")

    @routes.route("/falha/{nome}", methods=["GET"], public=True)
    def failing(ctx: RequestContext) -> None:
        raise {**FAILURES, **REFUSALS}[ctx.path["nome"].replace("_", " ")]

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(routes, pagination_secret="s"))
    return app


@pytest.fixture(scope="module")
def client():
    with Client(build_app()) as test_client:
        yield test_client.http


@pytest.mark.parametrize("name", FAILURES)
def test_an_aws_failure_answers_503_problem_with_retry_after(client, name):
    response = client.get(f"/falha/{name.replace(' ', '_')}")
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "1"
    body = json.loads(response.body)
    assert body["code"] == "SERVICO_INDISPONIVEL" and body["correlation_id"] == response.headers["X-Correlation-Id"]


def test_a_bug_is_still_a_500(client):
    assert client.get("/falha/a_bug").status_code == 500
