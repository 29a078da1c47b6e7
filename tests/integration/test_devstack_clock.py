"""The local stack's clock (issue 11 §1) and its own token key (issue 12 point 11), on the fixture app.

One LocalStack for the module, started at a fixed instant; its clock only moves forward, so the
tests run in file order and each one moves it on.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jwt
import pytest

from courtlib import clock
from devstack.apps import load_app_file
from devstack.demo import DEMO_PASSWORD, USERS
from devstack.stack import LocalStack

FIXTURE = Path(__file__).resolve().parent / "fixtures_app"
STAGE = "relogioteste"
START = datetime(2027, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=-3)))
TEST_USERS = tuple(u for u in USERS if set(u.groups) <= {"admin", "servidor"})


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    local = LocalStack(apps={"teste": lambda: load_app_file(FIXTURE / "app.py", "devstack_clock_fixture_app")},
                       ports={"teste": 0}, moto_port=0, control_port=0, template=FIXTURE / "template.yaml",
                       identity=FIXTURE / "identity.yaml", parameters={"Stage": STAGE, "QueueVisibilityTimeout": "1"},
                       users=TEST_USERS, seed=False, now=START)
    with local:
        yield local
    assert isinstance(clock.current(), clock.SystemClock), "stop() gives the process its system clock back"


@pytest.fixture(scope="module")
def scheduled(stack: LocalStack) -> list[dict[str, Any]]:
    return sys.modules["devstack_clock_fixture_app"].RECEIVED.setdefault("scheduled", [])


def _http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, dict, Any]:
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(url, method=method, data=data,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def test_the_stack_clock_starts_where_asked_and_every_now_reads_it(stack):
    status, _, body = _http("GET", f"{stack.control_url}/relogio")
    assert status == 200
    assert body["hoje"] == "2027-03-01" and body["agora"].startswith("2027-03-01T09:0")
    assert clock.today().isoformat() == "2027-03-01"


def test_setting_the_clock_forward_fires_nothing_and_backwards_is_refused(stack, scheduled):
    before = len(scheduled)
    status, _, body = _http("POST", f"{stack.control_url}/relogio", {"agora": "2027-03-02T08:00:00-03:00"})
    assert status == 200 and body["hoje"] == "2027-03-02"
    assert len(scheduled) == before, "a jump sets the date: the schedules resume from there"
    status, headers, problem = _http("POST", f"{stack.control_url}/relogio", {"agora": "2027-03-01T08:00:00-03:00"})
    assert status == 409 and headers["Content-Type"].startswith("application/problem+json")
    assert problem["code"] == "RELOGIO_NAO_VOLTA" and "não volta no tempo" in problem["detail"]
    status, _, problem = _http("POST", f"{stack.control_url}/relogio", {"avancar": "-P1D"})
    assert status == 409 and problem["code"] == "RELOGIO_NAO_VOLTA"
    assert clock.today().isoformat() == "2027-03-02", "a refused move changes nothing"


@pytest.mark.parametrize("body", [{"avancar": "1 dia"}, {"avancar": "P"}, {"agora": "2027-03-05T09:00:00"},
                                  {"agora": "ontem"}, {}, {"agora": "2027-04-01T00:00:00Z", "avancar": "P1D"}])
def test_unreadable_clock_requests_are_422_problems(stack, body):
    status, headers, problem = _http("POST", f"{stack.control_url}/relogio", body)
    assert status == 422 and headers["Content-Type"].startswith("application/problem+json")
    assert problem["code"].startswith("RELOGIO_") and problem["detail"]


def test_advancing_fires_each_crossed_schedule_once_at_its_own_instant(stack, scheduled):
    (entry,) = stack._sources.schedules.values()
    first_due = entry.next_at
    before = len(scheduled)
    status, _, body = _http("POST", f"{stack.control_url}/relogio", {"avancar": "P3D"})
    assert status == 200, body
    runs = body["disparados"]
    assert [r["handler"] for r in runs] == ["sweep_outbox"] * 3
    instants = [datetime.fromisoformat(r["instante"]) for r in runs]
    assert instants == [first_due + timedelta(days=n) for n in range(3)]
    events = scheduled[before:]
    assert [e["time"] for e in events] == [i.strftime("%Y-%m-%dT%H:%M:%SZ") for i in instants], \
        "each run has its own instant as the event time"
    assert body["relogio"]["hoje"] == "2027-03-05"

    again = _http("POST", f"{stack.control_url}/relogio", {"avancar": "PT1H"})[2]
    assert again["disparados"] == [], "an interval already crossed is not run again"
    assert len(scheduled) == before + 3
    assert entry.next_at == first_due + timedelta(days=3)


def test_a_moto_signed_token_is_refused_and_the_stacks_own_token_passes(stack):
    from moto.utilities.utils import load_resource

    jwk = load_resource("cognitoidp/resources/jwks-private.json")
    moto_key = jwt.PyJWK(jwk["keys"][0] if "keys" in jwk else jwk, algorithm="RS256").key
    now = int(clock.now().timestamp())
    claims = {**jwt.decode(stack.tokens["servidor.ana"], options={"verify_signature": False}),
              "cognito:groups": ["admin"], "iat": now, "exp": now + 3600}
    for issuer in (claims["iss"], f"https://cognito-idp.sa-east-1.amazonaws.com/{stack.outputs['UserPoolId']}"):
        forged = jwt.encode({**claims, "iss": issuer}, moto_key, algorithm="RS256", headers={"kid": "dummy"})
        assert _http("GET", f"{stack.urls['teste']}/protegido", headers={"Authorization": forged})[0] == 401
    status, _, login = _http("POST", f"{stack.control_url}/login", {"usuario": "admin.ti", "senha": DEMO_PASSWORD})
    assert status == 200
    assert _http("GET", f"{stack.urls['teste']}/protegido", headers={"Authorization": login["id_token"]})[2] == {
        "usuario": "admin.ti", "grupos": ["admin"]}


def test_login_with_a_wrong_password_or_no_user_is_refused(stack):
    status, _, problem = _http("POST", f"{stack.control_url}/login", {"usuario": "admin.ti", "senha": "errada-123"})
    assert status == 401 and problem["code"] == "CREDENCIAIS_INVALIDAS"
    assert _http("POST", f"{stack.control_url}/login", {"usuario": "ninguem", "senha": "x"})[0] == 401
    assert _http("POST", f"{stack.control_url}/login", {"senha": "x"})[2]["field"] == "usuario"


def test_a_token_expires_by_the_stack_clock_and_a_fresh_one_works(stack):
    login = {"usuario": "servidor.ana", "senha": DEMO_PASSWORD}
    old = _http("POST", f"{stack.control_url}/login", login)[2]["id_token"]
    assert _http("GET", f"{stack.urls['teste']}/protegido", headers={"Authorization": old})[0] == 200
    assert _http("POST", f"{stack.control_url}/relogio", {"avancar": "PT2H"})[0] == 200
    assert _http("GET", f"{stack.urls['teste']}/protegido", headers={"Authorization": old})[0] == 401
    fresh = _http("GET", f"{stack.control_url}/tokens")[2]["servidor.ana"]
    claims = jwt.decode(fresh, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 3600 and claims["iat"] >= int(clock.now().timestamp()) - 60
    assert _http("GET", f"{stack.urls['teste']}/protegido", headers={"Authorization": fresh})[0] == 200
