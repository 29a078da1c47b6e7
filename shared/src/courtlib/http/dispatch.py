"""The request pipeline of one route: correlation id → caller → owner → query/body → handler (idempotent) → response.

:func:`build_blueprint` turns a declared :class:`~courtlib.http.routing.RouteSet` into a Chalice blueprint
of :class:`Dispatcher` views; the route set itself only declares (it imports nothing of this module).

Whatever happens, the answer is JSON: a problem for refusals (``ProblemError``, Chalice view
errors), a 503 with ``Retry-After`` for a transient AWS failure (:mod:`courtlib.aws_failures`) and a
generic 500 problem for anything unexpected (logged with its stack, never sent).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, ChaliceViewError, Response

from courtlib.audit.actor import acting_as, actor_of
from courtlib.auth.partners import HEADER_NONCE, SignatureError, verify
from courtlib.auth.principal import ANONYMOUS, Principal
from courtlib.auth.tokens import TokenExpired
from courtlib.aws_failures import RETRY_AFTER_SECONDS, is_aws_failure
from courtlib.errors import as_court_error
from courtlib.http import problems as p
from courtlib.http.context import RequestContext
from courtlib.http.correlation import HEADER as CORRELATION_HEADER
from courtlib.http.correlation import correlation_id_from, current_correlation_id
from courtlib.http.cors import cors_config
from courtlib.http.csvbody import CsvError, is_csv
from courtlib.http.idempotency import idempotency_key_from, run_idempotent
from courtlib.http.problems import ProblemError
from courtlib.http.responses import problem_response, to_response
from courtlib.http.validation import body_text, parse_json_object, validate_body, validate_query
from courtlib.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
    from chalice.app import Authorizer

    from courtlib.auth.partners import PartnerKeyStore
    from courtlib.http.routing import RouteSet, RouteSpec
    from courtlib.settings import ServiceSettings

_CHALICE_CODES = {400: "REQUISICAO_INVALIDA", 401: p.NOT_AUTHENTICATED, 403: p.FORBIDDEN, 404: p.NOT_FOUND,
                  409: p.CONFLICT, 422: p.VALIDATION}
_BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="tribunal"'}
_PARTNER_CHALLENGE = {"WWW-Authenticate": 'HMAC-SHA256 realm="parceiros"'}


def build_blueprint(route_set: RouteSet, *, authorizer: Authorizer | None = None, deps: Any = None,
                    idempotency_store: BasePersistenceLayer | Callable[[], BasePersistenceLayer] | None = None,
                    partner_keys: PartnerKeyStore | None = None,
                    settings: ServiceSettings | None = None, cors_origin: str | None = None,
                    pagination_secret: str | None = None,
                    token_verifier: Callable[[str], Mapping[str, Any]] | None = None) -> Blueprint:
    """A Chalice blueprint serving ``route_set``'s routes with the given runtime pieces.

    ``cors_origin`` and ``pagination_secret`` default to ``settings``' values. ``token_verifier``
    (optional) verifies the bearer token itself instead of trusting the gateway's claims — for a
    local stack, where ``chalice local`` decodes tokens without checking their signature.
    """
    routes = route_set.routes
    missing = []
    if authorizer is None and token_verifier is None:
        missing += [f"{s.path} needs an authorizer" for s in routes if s.access == "roles"]
    if partner_keys is None:
        missing += [f"{s.path} needs partner_keys" for s in routes if s.partner]
    if idempotency_store is None:
        missing += [f"{s.path} needs an idempotency_store" for s in routes if s.idempotent]
    if missing:
        raise ValueError("; ".join(missing))
    origin = cors_origin or (settings.cors_origin if settings is not None else "*")
    secret = pagination_secret or (settings.pagination_secret if settings is not None else None)
    if secret is None:
        raise ValueError("pass settings= or pagination_secret=")
    cors = cors_config(origin)
    blueprint = Blueprint(f"courtlib.http.{route_set.service}")
    for spec in routes:
        dispatcher = Dispatcher(spec, blueprint, service=route_set.service, deps=deps, cursor_secret=secret,
                                idempotency_store=idempotency_store, partner_keys=partner_keys,
                                token_verifier=token_verifier)
        route_authorizer = authorizer if spec.access == "roles" else None
        content_types = ["application/json", "text/csv"] if spec.csv else ["application/json"]
        blueprint.route(spec.path, methods=list(spec.methods), authorizer=route_authorizer, cors=cors,
                        name=spec.name, content_types=content_types)(dispatcher)
    return blueprint


def _csv_as_json(convert: Callable[[str], dict[str, Any]], text: str) -> str:
    try:
        return json.dumps(convert(text), default=str)
    except CsvError as error:
        raise error.problem() from None


class Dispatcher:
    """The Chalice view function of one :class:`RouteSpec` (path parameters arrive as keywords)."""

    def __init__(self, spec: RouteSpec, blueprint: Blueprint, *, service: str, deps: Any, cursor_secret: str,
                 idempotency_store: BasePersistenceLayer | Callable[[], BasePersistenceLayer] | None,
                 partner_keys: PartnerKeyStore | None,
                 token_verifier: Callable[[str], Mapping[str, Any]] | None) -> None:
        self.spec = spec
        self._blueprint = blueprint
        self._service = service
        self._deps = deps
        self._cursor_secret = cursor_secret
        self._idempotency_store = idempotency_store
        self._partner_keys = partner_keys
        self._token_verifier = token_verifier
        self.__name__ = spec.name
        self.__doc__ = spec.handler.__doc__

    def __call__(self, **path_params: str) -> Response:
        started = time.perf_counter()
        request = self._blueprint.current_request
        correlation_id = current_correlation_id() or correlation_id_from(request.headers)  # see observability
        path = _request_path(request, self.spec.path)
        try:
            response = self._serve(request, path, correlation_id, path_params)
        except ProblemError as error:
            response = problem_response(error, path, correlation_id)
        except ChaliceViewError as error:
            status = getattr(error, "STATUS_CODE", 400)
            code = _CHALICE_CODES.get(status, f"HTTP_{status}")
            problem = ProblemError(status, code, str(error) or p.TITLES.get(status, "Erro"))
            response = problem_response(problem, path, correlation_id)
        except Exception as error:
            refusal = as_court_error(error)
            if refusal is not None:
                response = problem_response(p.problem_from_error(refusal), path, correlation_id)
            elif is_aws_failure(error):
                logger.warning("falha transitória da AWS", extra={
                    "rota": self.spec.path, "metodo": request.method, "erro": f"{type(error).__name__}: {error}"[:500]})
                response = problem_response(p.service_unavailable(RETRY_AFTER_SECONDS), path, correlation_id)
            else:
                logger.exception("erro não tratado", extra={"rota": self.spec.path, "metodo": request.method})
                response = problem_response(p.internal_error(), path, correlation_id)
        response.headers[CORRELATION_HEADER] = correlation_id
        logger.info("requisição atendida", extra={
            "metodo": request.method, "rota": self.spec.path, "status": response.status_code,
            "duracao_ms": round((time.perf_counter() - started) * 1000, 1)})
        logger.remove_keys(["principal"])  # set in _serve; the invocation's own keys are the middleware's
        return response

    def _serve(self, request: Any, path: str, correlation_id: str, path_params: dict[str, str]) -> Response:
        spec = self.spec
        query_lists = _query_lists(request)
        principal = self._principal(request, path, query_lists)
        logger.append_keys(principal=principal.id)  # who asked, in every line of this request (never a token)
        if spec.owner is not None:
            _require_owner(principal, path_params.get(spec.owner), spec.owner_unless)
        kwargs: dict[str, Any] = {name: path_params[name] for name in spec.path_args if name in path_params}
        if spec.query is not None:
            kwargs["query"] = validate_query(spec.query, query_lists)
        parsed_body: dict[str, Any] | None = None
        if spec.body is not None:
            text = body_text(request.raw_body)
            if spec.csv is not None and is_csv(request.headers.get("content-type")):
                text = _csv_as_json(spec.csv, text)
            parsed_body = parse_json_object(text)
            kwargs["body"] = validate_body(spec.body, text)
        ctx = RequestContext(
            principal=principal, path=dict(path_params), query={k: v[-1] for k, v in query_lists.items() if v},
            headers=request.headers, correlation_id=correlation_id, deps=self._deps, method=request.method,
            route=spec.path, instance=path, request=request, cursor_secret=self._cursor_secret,
        )

        def produce() -> Response:
            with acting_as(actor_of(principal), correlation_id=correlation_id):  # who the acts audited are by
                return to_response(spec.handler(ctx, **kwargs), spec.status)

        key = idempotency_key_from(request.headers) if spec.idempotent else None
        if key is None or self._idempotency_store is None:
            return produce()
        if callable(self._idempotency_store):  # a factory: the store (and its boto3 client) is built on first use
            self._idempotency_store = self._idempotency_store()
        from courtlib.persistence import write_scope  # PynamoDB: imported by the first request that writes

        scope = f"{self._service}#{request.method}#{path}#{principal.id}"
        with write_scope(f"{scope}#{key}"):
            return run_idempotent(
                self._idempotency_store, key=key, produce=produce, lambda_context=self._lambda_context(),
                scope=scope,
                fingerprint={"corpo": parsed_body,
                             "consulta": sorted((k, v) for k, vs in query_lists.items() for v in vs)},
            )

    def _principal(self, request: Any, path: str, query: dict[str, list[str]]) -> Principal:
        spec = self.spec
        if spec.public:
            return ANONYMOUS
        if spec.partner:
            return self._partner(request, path, query)
        claims = self._claims(request)
        principal = Principal.from_claims(claims) if claims else ANONYMOUS
        if not principal.is_authenticated:
            raise ProblemError(401, p.NOT_AUTHENTICATED, "Autenticação necessária: envie um token válido no "
                               "cabeçalho Authorization.", headers=_BEARER_CHALLENGE)
        if not principal.has_role(*spec.roles):
            raise ProblemError.forbidden("Seu perfil não permite esta operação.")
        return principal

    def _claims(self, request: Any) -> Mapping[str, Any] | None:
        if self._token_verifier is None:
            authorizer = (request.context or {}).get("authorizer") or {}
            claims = authorizer.get("claims")
            return claims if isinstance(claims, Mapping) else None
        header = request.headers.get("authorization") or ""
        token = header[7:].strip() if header[:7].lower() == "bearer " else header.strip()
        if not token:
            return None
        try:
            return self._token_verifier(token)
        except TokenExpired:  # genuine but old: say so (a forged token never gets here, see courtlib.auth.tokens)
            raise ProblemError(401, p.TOKEN_EXPIRED, p.TOKEN_EXPIRED_DETAIL, headers=_BEARER_CHALLENGE) from None
        except Exception as error:
            logger.info("token recusado", extra={"motivo": type(error).__name__})
            return None

    def _partner(self, request: Any, path: str, query: dict[str, list[str]]) -> Principal:
        assert self._partner_keys is not None
        try:
            partner_id = verify(self._partner_keys, method=request.method, path=path, query=query,
                                headers=dict(request.headers.items()), body=request.raw_body or b"")
        except SignatureError as error:
            if error.missing:
                raise ProblemError(401, p.NOT_AUTHENTICATED, f"Cabeçalho {error.missing} ausente.",
                                   field=error.missing, headers=_PARTNER_CHALLENGE) from error
            logger.warning("assinatura de parceiro recusada", extra={"motivo": error.reason})
            if error.replayed:
                raise ProblemError(401, p.REPLAYED_SIGNATURE, "Requisição de parceiro repetida: cada requisição "
                                   f"assinada leva um {HEADER_NONCE} novo.", field=HEADER_NONCE,
                                   headers=_PARTNER_CHALLENGE) from error
            raise ProblemError(401, p.INVALID_SIGNATURE, "Assinatura de parceiro inválida ou expirada.",
                               headers=_PARTNER_CHALLENGE) from error
        logger.append_keys(parceiro=partner_id)
        return Principal.partner(partner_id)

    def _lambda_context(self) -> Any:
        try:
            return self._blueprint.lambda_context
        except (RuntimeError, AttributeError):
            return None


def _require_owner(principal: Principal, owner: str | None, unless_roles: frozenset[str]) -> None:
    """403 unless the caller is the record's owner or holds one of ``unless_roles``."""
    if owner is not None and principal.username == owner:
        return
    if principal.has_role(*unless_roles):
        return
    raise ProblemError.forbidden("Você só pode acessar os seus próprios registros.")


def _request_path(request: Any, template: str) -> str:
    """The path without stage: API Gateway's top-level ``path``, else ``requestContext.path`` (chalice local)."""
    event = request.to_original_event() if hasattr(request, "to_original_event") else {}
    return event.get("path") or (request.context or {}).get("path") or template


def _query_lists(request: Any) -> dict[str, list[str]]:
    params = request.query_params
    if not params:
        return {}
    return {name: list(params.getlist(name)) for name in params}
