"""Cognito on the local stack: tokens really verified, and ID tokens for the demo users.

``chalice local`` decodes a Cognito JWT without verifying it, so any forged token would pass.
Here the gateway of each served app gets a :class:`VerifyingAuthorizer` — a subclass of chalice's
``LocalGatewayAuthorizer`` whose ``_decode_jwt_payload`` verifies the token against the moto user
pool's JWKS. It is installed per server (``devstack.http`` builds a ``LocalGateway`` subclass for
each app) rather than by patching chalice's class, which would also change ``chalice.test.Client``
for every other test running in the same process.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import jwt
from chalice.app import Chalice, CognitoUserPoolAuthorizer
from chalice.local import LambdaContext, LocalGatewayAuthorizer, NotAuthorizedError

from devstack.demo import DEMO_PASSWORD, DemoUser

log = logging.getLogger("devstack")

UNAUTHORIZED_BODY = json.dumps({
    "type": "about:blank", "title": "Não autenticado", "status": 401, "code": "NAO_AUTENTICADO",
    "detail": "Token ausente, inválido ou expirado.",
}, ensure_ascii=False).encode("utf-8")


class InvalidToken(Exception):
    pass


class TokenVerifier:
    """Verifies Cognito ID tokens like API Gateway's Cognito authorizer: RS256, exp, iss, aud, token_use."""

    def __init__(self, endpoint: str, user_pool_id: str, client_id: str, region: str) -> None:
        self.jwks_url = f"{endpoint}/{user_pool_id}/.well-known/jwks.json"
        # moto signs with the AWS issuer; the endpoint form is what a token minted by a local IdP would carry.
        self.issuers = [f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}", f"{endpoint}/{user_pool_id}"]
        self.client_id = client_id
        self._keys: jwt.PyJWKClient | None = None
        self._lock = threading.Lock()

    def _signing_key(self, token: str) -> Any:
        with self._lock:
            if self._keys is None:
                self._keys = jwt.PyJWKClient(self.jwks_url, cache_jwk_set=True, lifespan=3600, timeout=5)
        return self._keys.get_signing_key_from_jwt(token).key

    def verify(self, token: str) -> dict[str, Any]:
        token = token.strip()
        if token[:7].lower() == "bearer ":
            token = token[7:].strip()
        try:
            claims = jwt.decode(token, self._signing_key(token), algorithms=["RS256"], audience=self.client_id,
                                issuer=self.issuers, options={"require": ["exp", "iss", "aud", "token_use"]})
        except (jwt.PyJWTError, ValueError) as error:
            raise InvalidToken(str(error)) from error
        if claims.get("token_use") != "id":
            raise InvalidToken("not an ID token")
        return claims


def unauthorized(context: LambdaContext | None = None) -> NotAuthorizedError:
    headers = {"Content-Type": "application/problem+json", "x-amzn-ErrorType": "UnauthorizedException"}
    if context is not None:
        headers["x-amzn-RequestId"] = context.aws_request_id
    return NotAuthorizedError(headers, UNAUTHORIZED_BODY)


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
            raise unauthorized(lambda_context) from None
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


def id_token(cognito: Any, user_pool_id: str, client_id: str, username: str, password: str = DEMO_PASSWORD) -> str:
    result = cognito.admin_initiate_auth(UserPoolId=user_pool_id, ClientId=client_id,
                                         AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": username, "PASSWORD": password})
    return result["AuthenticationResult"]["IdToken"]


def issue_demo_tokens(cognito: Any, user_pool_id: str, client_id: str, users: Iterable[DemoUser],
                      password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Creates the demo users and returns ``{username: ID token}``."""
    users = list(users)
    # One thread per user: each user is a few round trips to moto that depend on nothing else
    # (sequentially, the nine demo users took about a second of `make run`'s start).
    with ThreadPoolExecutor(max_workers=max(1, min(len(users), 8)), thread_name_prefix="cognito") as pool:
        list(pool.map(lambda user: create_demo_users(cognito, user_pool_id, [user], password), users))
        tokens = pool.map(lambda user: id_token(cognito, user_pool_id, client_id, user.username, password), users)
        return dict(zip((user.username for user in users), tokens, strict=True))
