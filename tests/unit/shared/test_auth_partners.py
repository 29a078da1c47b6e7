"""Partner courts: API key id + HMAC-SHA256 signature of method, path, sorted query, timestamp and body hash."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from chalice import Chalice
from chalice.test import Client
from pydantic import BaseModel

from courtlib.auth.partners import (
    HEADER_NONCE,
    HEADER_SIGNATURE,
    SignatureError,
    StaticPartnerKeyStore,
    canonical_query,
    sign_request,
    string_to_sign,
    verify,
)
from courtlib.http import RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.http.testing import InMemoryIdempotencyStore

SECRET = "segredo-do-tjsc"
KEYS = StaticPartnerKeyStore({"TJSC": SECRET})


class PrecatoriaIn(BaseModel):
    numero: str


def build_app() -> Chalice:
    routes = RouteSet(service="cooperacao")

    @routes.route("/precatorias", methods=["POST"], partner=True, body=PrecatoriaIn, idempotent=True, status=201)
    def receive(ctx: RequestContext, body: PrecatoriaIn) -> dict:
        return {"parceiro": ctx.principal.partner_id, "is_partner": ctx.principal.is_partner, "numero": body.numero}

    @routes.route("/precatorias/{numero}", partner=True)
    def read(ctx: RequestContext, numero: str) -> dict:
        return {"numero": numero, "consulta": ctx.query}

    app = Chalice(app_name="cooperacao")
    app.register_blueprint(build_blueprint(routes, partner_keys=KEYS, idempotency_store=InMemoryIdempotencyStore(),
                                            pagination_secret="s"))
    return app


@pytest.fixture(scope="module")
def client():
    with Client(build_app()) as test_client:
        yield test_client.http


BODY = json.dumps({"numero": "0001234-56.2026.6.11.0001"}).encode()


def signed_post(client, *, secret=SECRET, partner="TJSC", body=BODY, sent_body=None, timestamp=None):
    headers = sign_request(partner, secret, "POST", "/precatorias", body=body, timestamp=timestamp)
    return client.post("/precatorias", body=sent_body if sent_body is not None else body,
                       headers={"Content-Type": "application/json", **headers})


def test_correctly_signed_request_is_served_as_the_partner(client):
    response = signed_post(client)
    assert response.status_code == 201
    assert json.loads(response.body) == {"parceiro": "TJSC", "is_partner": True, "numero": "0001234-56.2026.6.11.0001"}


def test_signed_get_with_query_in_any_order(client):
    headers = sign_request("TJSC", SECRET, "GET", "/precatorias/123", query={"b": "2", "a": ["1", "0"]})
    response = client.get("/precatorias/123?b=2&a=1&a=0", headers=headers)
    assert response.status_code == 200, response.body
    assert json.loads(response.body)["numero"] == "123"


def _refused(response) -> dict:
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    return json.loads(response.body)


def test_bad_signature_is_401(client):
    body = _refused(signed_post(client, secret="outro-segredo"))
    assert body["code"] == "ASSINATURA_INVALIDA"


def test_tampered_body_is_401(client):
    assert _refused(signed_post(client, sent_body=BODY.replace(b"0001", b"0002")))["code"] == "ASSINATURA_INVALIDA"


def test_stale_timestamp_is_401(client):
    old = datetime.now(UTC) - timedelta(seconds=301)
    assert _refused(signed_post(client, timestamp=old))["code"] == "ASSINATURA_INVALIDA"


def test_future_timestamp_beyond_skew_is_401(client):
    ahead = datetime.now(UTC) + timedelta(seconds=400)
    assert _refused(signed_post(client, timestamp=ahead))["code"] == "ASSINATURA_INVALIDA"


def test_unknown_partner_is_401(client):
    assert _refused(signed_post(client, partner="TJXX"))["code"] == "ASSINATURA_INVALIDA"


def test_every_signature_failure_gives_the_same_answer(client):
    answers = [_refused(response) for response in (
        signed_post(client, secret="outro"), signed_post(client, partner="TJXX"),
        signed_post(client, timestamp=datetime.now(UTC) - timedelta(hours=1)),
    )]
    assert len({(a["code"], a["detail"]) for a in answers}) == 1


def test_missing_header_is_named(client):
    headers = sign_request("TJSC", SECRET, "POST", "/precatorias", body=BODY)
    del headers[HEADER_SIGNATURE]
    response = client.post("/precatorias", body=BODY, headers={"Content-Type": "application/json", **headers})
    body = _refused(response)
    assert body["code"] == "NAO_AUTENTICADO"
    assert body["field"] == HEADER_SIGNATURE


def test_no_headers_at_all_is_401(client):
    assert _refused(client.post("/precatorias", body=BODY, headers={"Content-Type": "application/json"}))


def test_verify_returns_the_partner_id_and_accepts_the_boundary():
    now = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    headers = sign_request("TJSC", SECRET, "POST", "/p", body=b"{}", timestamp=now - timedelta(seconds=300))
    assert verify(KEYS, method="POST", path="/p", query=None, headers=headers, body=b"{}", now=now) == "TJSC"
    with pytest.raises(SignatureError):
        verify(KEYS, method="POST", path="/p", query=None, headers=headers, body=b"{}",
               now=now + timedelta(seconds=1))


@pytest.mark.parametrize("change", [
    {"method": "PUT"}, {"path": "/q"}, {"query": {"a": "1"}}, {"body": b"{ }"},
])
def test_each_signed_part_matters(change):
    now = datetime.now(UTC)
    headers = sign_request("TJSC", SECRET, "POST", "/p", body=b"{}", timestamp=now)
    request = {"method": "POST", "path": "/p", "query": None, "body": b"{}", **change}
    with pytest.raises(SignatureError):
        verify(KEYS, headers=headers, now=now, **request)


def test_garbage_signature_and_timestamp_are_refused():
    now = datetime.now(UTC)
    headers = sign_request("TJSC", SECRET, "GET", "/p", timestamp=now)
    for broken in ({HEADER_SIGNATURE: "zz"}, {"X-Parceiro-Data": "ontem"}, {"X-Parceiro-Data": "2026-11-25T19:00:00"},
                   {"X-Parceiro-Id": "TJ SC/../"}):
        with pytest.raises(SignatureError):
            verify(KEYS, method="GET", path="/p", query=None, headers={**headers, **broken}, body=b"", now=now)


def test_canonical_query_sorts_and_percent_encodes():
    assert canonical_query({"b": "2", "a": ["z", "y"], "c": "á b"}) == "a=y&a=z&b=2&c=%C3%A1%20b"
    assert canonical_query("b=2&a=1") == canonical_query([("a", "1"), ("b", "2")]) == "a=1&b=2"
    assert canonical_query(None) == ""


def test_string_to_sign_layout():
    text = string_to_sign("post", "/p", {"x": "1"}, "2026-11-25T19:00:00Z", b"", nonce="n-1")
    assert text.split("\n") == ["POST", "/p", "x=1", "2026-11-25T19:00:00Z", "n-1",
                                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"]


def test_a_replayed_post_is_401_with_its_own_code_and_the_retry_with_a_new_nonce_is_served(client):
    headers = sign_request("TJSC", SECRET, "POST", "/precatorias", body=BODY)
    send = {"Content-Type": "application/json", **headers}
    assert client.post("/precatorias", body=BODY, headers=send).status_code == 201
    replay = _refused(client.post("/precatorias", body=BODY, headers=send))
    assert replay["code"] == "ASSINATURA_REPETIDA"
    assert signed_post(client).status_code == 201  # sign_request draws a fresh nonce each time


def test_a_replayed_get_is_401_too(client):
    headers = sign_request("TJSC", SECRET, "GET", "/precatorias/123")
    assert client.get("/precatorias/123", headers=headers).status_code == 200
    assert _refused(client.get("/precatorias/123", headers=headers))["code"] == "ASSINATURA_REPETIDA"


def test_the_nonce_is_signed_and_required():
    now = datetime.now(UTC)
    headers = sign_request("TJSC", SECRET, "GET", "/p", timestamp=now)
    assert len(headers[HEADER_NONCE]) >= 16
    keys = StaticPartnerKeyStore({"TJSC": SECRET})
    with pytest.raises(SignatureError):  # another nonce under the same signature
        verify(keys, method="GET", path="/p", query=None, headers={**headers, HEADER_NONCE: "a" * 32}, body=b"",
               now=now)
    without = {k: v for k, v in headers.items() if k != HEADER_NONCE}
    with pytest.raises(SignatureError) as missing:
        verify(keys, method="GET", path="/p", query=None, headers=without, body=b"", now=now)
    assert missing.value.missing == HEADER_NONCE


def test_a_nonce_is_kept_as_long_as_the_window_then_forgotten():
    keys = StaticPartnerKeyStore({"TJSC": SECRET})
    now = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    headers = sign_request("TJSC", SECRET, "GET", "/p", timestamp=now)
    assert verify(keys, method="GET", path="/p", query=None, headers=headers, body=b"", now=now) == "TJSC"
    with pytest.raises(SignatureError) as replay:
        verify(keys, method="GET", path="/p", query=None, headers=headers, body=b"", now=now + timedelta(seconds=300))
    assert replay.value.replayed
    assert keys.claim_nonce("TJSC", headers[HEADER_NONCE], now.timestamp() + 600, now=now.timestamp() + 601)
