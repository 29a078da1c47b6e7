"""API Gateway's own answers (issue 12): problem+json with a correlation id, never echoing a credential.

Errors that never reach the app (unknown route, missing or refused token, unsupported media type, body too
large, throttling, gateway faults) are answered by API Gateway from the GatewayResponses that
``infra/merge/sqs-and-stream.json`` adds to every service's packaged template (``chalice package
--merge-template``, see ``infra/package.sh``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

MERGE = Path(__file__).resolve().parents[2] / "infra" / "merge" / "sqs-and-stream.json"
REQUIRED = {
    "DEFAULT_4XX": None, "DEFAULT_5XX": None, "UNAUTHORIZED": "401", "ACCESS_DENIED": "403",
    "MISSING_AUTHENTICATION_TOKEN": "404", "UNSUPPORTED_MEDIA_TYPE": "415", "REQUEST_TOO_LARGE": "413",
    "RESOURCE_NOT_FOUND": "404", "EXPIRED_TOKEN": "401", "INVALID_SIGNATURE": "401", "THROTTLED": "429",
    "QUOTA_EXCEEDED": "429", "BAD_REQUEST_BODY": "400", "BAD_REQUEST_PARAMETERS": "400",
    "INTEGRATION_FAILURE": "503", "INTEGRATION_TIMEOUT": "503", "AUTHORIZER_FAILURE": "503",
    "AUTHORIZER_CONFIGURATION_ERROR": "503", "API_CONFIGURATION_ERROR": "503",
}


def responses() -> dict[str, dict]:
    resources = json.loads(MERGE.read_text(encoding="utf-8"))["Resources"]
    found = {}
    for resource in resources.values():
        if resource.get("Type") == "AWS::ApiGateway::GatewayResponse":
            found[resource["Properties"]["ResponseType"]] = resource["Properties"]
    return found


def render(template: str) -> dict:
    """The template as API Gateway fills it ($context variables become plain strings)."""
    return json.loads(re.sub(r"\$context\.[A-Za-z.]+", "x", template))


def test_every_gateway_answer_is_declared_on_the_chalice_api():
    found = responses()
    assert set(REQUIRED) <= set(found)
    for kind, properties in found.items():
        assert properties["RestApiId"] == {"Ref": "RestAPI"}, kind  # the API chalice package names RestAPI
        if REQUIRED.get(kind):
            assert properties["StatusCode"] == REQUIRED[kind], kind


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_each_is_problem_json_with_the_request_id_as_correlation_id(kind):
    properties = responses()[kind]
    headers = properties["ResponseParameters"]
    assert headers["gatewayresponse.header.Content-Type"] == "'application/problem+json'"
    assert headers["gatewayresponse.header.X-Correlation-Id"] == "context.requestId"
    template = properties["ResponseTemplates"]["application/json"]
    body = render(template)
    assert {"type", "title", "code", "detail", "correlation_id"} <= set(body)  # status: the gateway's own on defaults
    assert "$context.requestId" in template and body["detail"]
    assert '"instance": "$context.path"' in template  # as the app's problems; API Gateway's path has the stage
    if REQUIRED.get(kind):
        assert body["status"] == int(REQUIRED[kind])


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_no_answer_echoes_a_credential_or_the_gateways_own_message(kind):
    text = json.dumps(responses()[kind])
    # $context.error.message carries the SigV4 text that quotes the whole Authorization header.
    for forbidden in ("$context.error.message", "$input", "method.request.header", "$context.authorizer",
                      "$context.identity"):
        assert forbidden not in text, (kind, forbidden)


def test_an_expired_token_reads_sessao_expirada_and_the_others_keep_the_generic_refusal():
    expired = render(responses()["EXPIRED_TOKEN"]["ResponseTemplates"]["application/json"])
    assert (expired["code"], expired["detail"]) == ("TOKEN_EXPIRADO", "Sessão expirada: entre novamente.")
    for kind in ("UNAUTHORIZED", "INVALID_SIGNATURE"):
        assert render(responses()[kind]["ResponseTemplates"]["application/json"])["code"] == "NAO_AUTENTICADO"
