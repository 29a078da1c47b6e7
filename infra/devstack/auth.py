"""Cognito on the local stack: tokens really verified, and ID tokens for the demo users.

moto signs its Cognito tokens with a key bundled in its package (``kid: dummy``, public), so
anyone could forge a token with any groups. The users, passwords and groups still live in moto's
user pool (``admin_initiate_auth`` checks the password and gives the claims), but the stack
re-signs those claims with an RSA key it generates at start (:class:`TokenSigner`), with ``iat``
and ``exp`` (1 h) from ``courtlib.clock``; the verifier accepts that key only and checks ``exp``
against the same clock, so advancing the clock expires tokens as time would.

``chalice local`` decodes a Cognito JWT without verifying it, so any forged token would pass.
Here the gateway of each served app gets a :class:`VerifyingAuthorizer` — a subclass of chalice's
``LocalGatewayAuthorizer`` whose ``_decode_jwt_payload`` verifies the token with the stack's
key (:class:`TokenVerifier`). It is installed per server (``devstack.http`` builds a ``LocalGateway`` subclass for
each app) rather than by patching chalice's class, which would also change ``chalice.test.Client``
for every other test running in the same process.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import jwt
from chalice.app import Chalice, CognitoUserPoolAuthorizer
from chalice.local import LambdaContext, LocalGatewayAuthorizer, NotAuthorizedError
from cryptography.hazmat.primitives.asymmetric import rsa

from courtlib import clock
from courtlib.auth.tokens import TokenExpired
from devstack.demo import DEMO_PASSWORD, DemoUser

log = logging.getLogger("devstack")

UNAUTHORIZED_BODY = json.dumps({
    "type": "about:blank", "title": "Não autenticado", "status": 401, "code": "NAO_AUTENTICADO",
    "detail": "Token ausente, inválido ou expirado.",
}, ensure_ascii=False).encode("utf-8")


class InvalidToken(Exception):
    pass


class ExpiredToken(InvalidToken, TokenExpired):
    """Signed by the stack's key, for this pool and client, but past ``exp`` by the stack's clock."""


class SessionExpired(NotAuthorizedError):
    """The authorizer's refusal of an :class:`ExpiredToken` (the gateway answers ``TOKEN_EXPIRADO``)."""


TOKEN_VALIDITY = timedelta(hours=1)
# The claims of moto's ID token that the stack's token replaces with its own.
REPLACED_CLAIMS = ("iss", "iat", "exp", "nbf", "auth_time", "jti")


class InvalidCredentials(Exception):
    """User unknown or wrong password (moto's NotAuthorizedException / UserNotFoundException)."""


class TokenSigner:
    """The stack's own RS256 key, made at start: signs ID tokens with ``iat``/``exp`` from ``courtlib.clock``."""

    def __init__(self, issuer: str, validity: timedelta = TOKEN_VALIDITY) -> None:
        self.issuer = issuer
        self.validity = validity
        self.kid = f"devstack-{uuid.uuid4().hex[:12]}"
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.public_key = self._key.public_key()

    def sign(self, claims: dict[str, Any]) -> str:
        issued = int(clock.now().timestamp())
        payload = {key: value for key, value in claims.items() if key not in REPLACED_CLAIMS}
        payload.update({"iss": self.issuer, "iat": issued, "auth_time": issued,
                        "exp": issued + int(self.validity.total_seconds())})
        return jwt.encode(payload, self._key, algorithm="RS256", headers={"kid": self.kid})


class TokenVerifier:
    """Verifies ID tokens like API Gateway's Cognito authorizer: RS256 by the stack's key, exp, iss, aud, token_use.

    ``exp`` (and ``iat``) are checked against ``courtlib.clock``, not the machine's clock.
    """

    def __init__(self, signer: TokenSigner, client_id: str) -> None:
        self.signer = signer
        self.issuers = [signer.issuer]
        self.client_id = client_id

    def verify(self, token: str) -> dict[str, Any]:
        token = token.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            if jwt.get_unverified_header(token).get("kid") != self.signer.kid:
                raise InvalidToken("not signed by the local stack's key")
            claims = jwt.decode(token, self.signer.public_key, algorithms=["RS256"], audience=self.client_id,
                                issuer=self.issuers, options={"require": ["exp", "iat", "iss", "aud", "token_use"],
                                                              "verify_exp": False, "verify_iat": False,
                                                              "verify_nbf": False})
        except (jwt.PyJWTError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        if claims.get("token_use") != "id":
            raise InvalidToken("not an ID token")
        if not isinstance(claims["exp"], int):
            raise InvalidToken("exp is not a number")
        if claims["exp"] <= clock.now().timestamp():  # only a genuine token learns that it expired
            raise ExpiredToken("expired (by the stack's clock)")
        return claims


def unauthorized(context: LambdaContext | None = None, *, expired: bool = False) -> NotAuthorizedError:
    headers = {"Content-Type": "application/problem+json", "x-amzn-ErrorType": "UnauthorizedException"}
    if context is not None:
        headers["x-amzn-RequestId"] = context.aws_request_id
    return (SessionExpired if expired else NotAuthorizedError)(headers, UNAUTHORIZED_BODY)


class VerifyingAuthorizer(LocalGatewayAuthorizer):
    """chalice's local authorizer, but a Cognito route needs a present, valid ID token (as in API Gateway)."""

    def __init__(self, app_object: Chalice, verifier: TokenVerifier) -> None:
        super().__init__(app_object)
        self._verifier = verifier

    def authorize(self, raw_path: str, lambda_event: dict[str, Any], lambda_context: LambdaContext) -> Any:
        route = self._route_for_event(lambda_event)
        if route is None or not isinstance(route.authorizer, CognitoUserPoolAuthorizer):
            return super().authorize(raw_path, lambda_event, lambda_context)
        # The parent's Cognito branch, except that a missing token is refused (chalice local lets
        # it through), the authorizer's own header is read, and no "not supported" warning is issued.
        header = (getattr(route.authorizer, "_header", None) or "Authorization").lower()
        token = (lambda_event.get("headers") or {}).get(header)
        if not token:
            raise unauthorized(lambda_context)
        try:
            claims = self._decode_jwt_payload(token)
        except InvalidToken as error:
            log.debug("token recusado: %s", error)
            raise unauthorized(lambda_context, expired=isinstance(error, ExpiredToken)) from None
        lambda_event = self._update_lambda_event(
            lambda_event, {"context": {"claims": claims}, "principalId": claims["cognito:username"]})
        return lambda_event, lambda_context

    def _decode_jwt_payload(self, jwt_token: str) -> dict[str, Any]:
        claims = self._verifier.verify(jwt_token)
        if "cognito:username" not in claims:
            raise InvalidToken("no cognito:username claim")
        return claims


def create_demo_users(cognito: Any, user_pool_id: str, users: Iterable[DemoUser],
                      password: str = DEMO_PASSWORD) -> None:
    """Each demo user, confirmed with a permanent password and in its groups."""
    for user in users:
        cognito.admin_create_user(
            UserPoolId=user_pool_id, Username=user.username, MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "name", "Value": user.name}, {"Name": "email", "Value": user.email},
                            {"Name": "email_verified", "Value": "true"}],
        )
        cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=user.username, Password=password,
                                        Permanent=True)
        for group in user.groups:
            cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=user.username, GroupName=group)


def id_token(cognito: Any, user_pool_id: str, client_id: str, username: str, password: str = DEMO_PASSWORD,
             *, signer: TokenSigner) -> str:
    """Signs in at the user pool (password checked by moto) and returns its claims signed by ``signer``."""
    try:
        result = cognito.admin_initiate_auth(UserPoolId=user_pool_id, ClientId=client_id,
                                             AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                             AuthParameters={"USERNAME": username, "PASSWORD": password})
    except cognito.exceptions.NotAuthorizedException as error:
        raise InvalidCredentials(username) from error
    except cognito.exceptions.UserNotFoundException as error:
        raise InvalidCredentials(username) from error
    if "AuthenticationResult" not in result:  # a challenge (new password...): not a sign-in the stack completes
        raise InvalidCredentials(username)
    # moto's token came straight from the embedded user pool over this process's own channel: its
    # claims are read, its signature (moto's public bundled key) is worth nothing and is not used.
    claims = jwt.decode(result["AuthenticationResult"]["IdToken"], options={"verify_signature": False})
    return signer.sign(claims)


def issue_demo_tokens(cognito: Any, user_pool_id: str, client_id: str, users: Iterable[DemoUser],
                      password: str = DEMO_PASSWORD, *, signer: TokenSigner) -> dict[str, str]:
    """Creates the demo users and returns ``{username: ID token}``."""
    users = list(users)
    # One thread per user: each user is a few round trips to moto that depend on nothing else
    # (sequentially, the nine demo users took about a second of `make run`'s start).
    with ThreadPoolExecutor(max_workers=max(1, min(len(users), 8)), thread_name_prefix="cognito") as pool:
        list(pool.map(lambda user: create_demo_users(cognito, user_pool_id, [user], password), users))
        tokens = pool.map(lambda user: id_token(cognito, user_pool_id, client_id, user.username, password,
                                                signer=signer), users)
        return dict(zip((user.username for user in users), tokens, strict=True))
