"""Authorization matrix, generated from each service's own OpenAPI: every operation × every caller.

Callers: each demo user (``devstack.demo.USERS``), no token, forged tokens (another key, expired,
another audience, unsigned) and, on partner routes, a partner court's signature and a staff token.
Each operation's access comes from its OpenAPI (``x-acesso``, ``x-roles``, ``x-dono``), which the
route declarations generate, so a new route gets its rows without anyone writing them; a route
without a valid declaration fails here.

Expected: a role outside ``x-roles`` → 403; no or forged token → 401; an allowed role → neither; a
public route answers without a token; a partner route refuses a staff token and takes a signed
request; a servant reaches only their own records on routes with an owner parameter.

No request here changes anything: the authorization decision comes before validation (see
``courtlib.http.dispatch``), so allowed callers send a body the validator refuses and ids that do
not exist, and refused callers are stopped before either is read.
"""

from __future__ import annotations

import gzip
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from courtlib.auth.principal import ROLES
from devstack.demo import USERS
from tests.local_stack import SERVICES, register_partner, sign_prepared

pytestmark = pytest.mark.e2e

TIMEOUT = 30
PARTNER = "MATRIZ-PARCEIRO"
INVALID_BODY = {"__matriz__": True}  # every request model forbids unknown members: refused before any write
ACCESS = {"perfis", "publico", "parceiro"}


@dataclass(frozen=True)
class Row:
    service: str
    method: str
    path: str
    caller: str
    expected: str  # "401", "403" or "passa" (neither 401 nor 403)

    def holds(self, status: int) -> bool:
        return status not in (401, 403) if self.expected == "passa" else status == int(self.expected)


def _forged_tokens(real: str) -> dict[str, str]:
    """Tokens an attacker could present: another key, expired, another audience, unsigned.

    The expired and other-audience ones are signed with moto's bundled Cognito key, which the local
    user pool signs with today, so they are refused for their claims, not for their key.
    """
    claims = jwt.decode(real, options={"verify_signature": False})
    kid = jwt.get_unverified_header(real).get("kid")
    bundled = json.loads(gzip.decompress(
        files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()))
    moto_key = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(bundled))
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    return {
        "token de outra chave": jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid}),
        "token expirado": jwt.encode({**claims, "iat": now - 7200, "exp": now - 3600}, moto_key, algorithm="RS256",
                                     headers={"kid": bundled["kid"]}),
        "token de outra audiência": jwt.encode({**claims, "aud": "outro-cliente"}, moto_key, algorithm="RS256",
                                               headers={"kid": bundled["kid"]}),
        "token sem assinatura": jwt.encode(claims, None, algorithm="none"),
    }


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def _declaration_errors(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    access = operation.get("x-acesso")
    label = f"{method} {path}"
    if access not in ACCESS:
        return [f"{label}: x-acesso {access!r} (expected one of {sorted(ACCESS)})"]
    roles = operation.get("x-roles")
    if access == "perfis" and (not roles or not set(roles) <= ROLES):
        return [f"{label}: x-roles {roles!r} must be a non-empty subset of {sorted(ROLES)}"]
    if access != "perfis" and roles:
        return [f"{label}: x-roles on a {access} route"]
    security = operation.get("security")
    wanted = {"perfis": [{"cognito": []}], "publico": [], "parceiro": [{"parceiro": []}]}[access]
    if security != wanted:
        return [f"{label}: security {security!r} ≠ {wanted!r}"]
    for status in {"perfis": ("401", "403"), "parceiro": ("401",), "publico": ()}[access]:
        if status not in operation["responses"]:
            return [f"{label}: {status} not declared"]
    return []


def _url(base: str, path: str, values: dict[str, str]) -> str:
    for name in [part[1:-1] for part in path.split("/") if part.startswith("{")]:
        path = path.replace(f"{{{name}}}", values.get(name, f"matriz-{uuid.uuid4().hex[:10]}"))
    return base + path


def _send(session: requests.Session, method: str, url: str, operation: dict[str, Any],
          headers: dict[str, str], partner_secret: str | None = None) -> requests.Response:
    body = INVALID_BODY if "requestBody" in operation else None
    request = requests.Request(method, url, headers=headers, json=body)
    prepared = session.prepare_request(request)
    if partner_secret is not None:
        sign_prepared(prepared, PARTNER, partner_secret)
    return session.send(prepared, timeout=TIMEOUT)


@pytest.mark.parametrize("service", SERVICES)
def test_authorization_matrix(stack, service):
    base = stack["urls"][service]
    tokens = stack["tokens"]
    document = requests.get(f"{base}/openapi.json", timeout=TIMEOUT).json()
    operations = list(_operations(document))
    declaration_errors = [error for op in operations for error in _declaration_errors(*op)]
    assert not declaration_errors, "\n".join(declaration_errors)

    forged = _forged_tokens(tokens["admin.ti"])
    secret = (register_partner(base, tokens["admin.ti"], PARTNER)
              if any(op.get("x-acesso") == "parceiro" for *_, op in operations) else None)
    session = requests.Session()
    wrong: list[str] = []
    rows = 0

    def check(row: Row, response: requests.Response) -> None:
        nonlocal rows
        rows += 1
        if not row.holds(response.status_code):
            wrong.append(f"{row.method} {row.path} as {row.caller}: expected {row.expected}, got "
                         f"{response.status_code} {response.text[:160]}")

    for method, path, operation in operations:
        access = operation["x-acesso"]
        if access == "publico":
            row = Row(service, method, path, "sem token", "passa")
            check(row, _send(session, method, _url(base, path, {}), operation, {}))
            continue
        if access == "parceiro":
            for caller, headers, secret_used, expected in (
                    ("sem assinatura", {}, None, "401"),
                    ("token de admin (não é parceiro)", {"Authorization": f"Bearer {tokens['admin.ti']}"}, None, "401"),
                    ("parceiro assinado", {}, secret, "passa")):
                row = Row(service, method, path, caller, expected)
                check(row, _send(session, method, _url(base, path, {}), operation, headers, secret_used))
            continue
        allowed = set(operation["x-roles"])
        url = _url(base, path, {})
        check(Row(service, method, path, "sem token", "401"), _send(session, method, url, operation, {}))
        for name, token in forged.items():
            check(Row(service, method, path, name, "401"),
                  _send(session, method, url, operation, {"Authorization": f"Bearer {token}"}))
        owner = operation.get("x-dono")
        for user in USERS:
            headers = {"Authorization": f"Bearer {tokens[user.username]}"}
            may = bool(allowed & set(user.groups))
            unrestricted = owner is None or bool(set(owner["exceto_perfis"]) & set(user.groups))
            if not may or unrestricted:
                check(Row(service, method, path, user.username, "passa" if may else "403"),
                      _send(session, method, url, operation, headers))
                continue
            others = next(u.username for u in USERS if u.username != user.username)
            own_url = _url(base, path, {owner["parametro"]: user.username})
            check(Row(service, method, path, f"{user.username} (o próprio)", "passa"),
                  _send(session, method, own_url, operation, headers))
            other_url = _url(base, path, {owner["parametro"]: others})
            check(Row(service, method, path, f"{user.username} (registro de {others})", "403"),
                  _send(session, method, other_url, operation, headers))

    print(f"\n{service}: {len(operations)} operations, {rows} rows")
    assert not wrong, f"{len(wrong)} of {rows} rows wrong:\n" + "\n".join(wrong)


@pytest.mark.parametrize("operation, complaint", [
    ({"security": [{"cognito": []}], "responses": {}}, "x-acesso"),
    ({"x-acesso": "perfis", "security": [{"cognito": []}], "responses": {"401": {}, "403": {}}}, "x-roles"),
    ({"x-acesso": "perfis", "x-roles": ["dono_do_mundo"], "security": [{"cognito": []}], "responses": {}}, "x-roles"),
    ({"x-acesso": "publico", "security": [{"cognito": []}], "responses": {}}, "security"),
    ({"x-acesso": "parceiro", "security": [{"parceiro": []}], "responses": {}}, "401 not declared"),
])
def test_an_operation_without_a_right_access_declaration_fails_the_matrix(operation, complaint):
    [error] = _declaration_errors("POST", "/nova-rota", operation)
    assert complaint in error
