"""Errors as RFC 9457 problem details (``application/problem+json``), messages in Portuguese.

Members: ``type`` (``<PROBLEM_TYPE_BASE><code>``), ``title``, ``status``, ``code`` (the rule or
error kind: ``COOP-03``, ``VALIDACAO``…), ``detail``, ``field`` (when one field is at fault),
``instance`` (the request path), ``correlation_id``, plus any extension (``errors``…).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from courtlib.errors import CourtError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = os.environ.get("PROBLEM_TYPE_BASE", "https://tribunal.example/problemas/")

TITLES: dict[int, str] = {
    400: "Requisição inválida",
    401: "Não autenticado",
    403: "Acesso negado",
    404: "Não encontrado",
    405: "Método não permitido",
    406: "Formato não aceito",
    409: "Conflito",
    412: "Pré-condição falhou",
    413: "Corpo grande demais",
    415: "Tipo de conteúdo não suportado",
    422: "Requisição não processável",
    429: "Requisições demais",
    500: "Erro interno",
    503: "Serviço indisponível",
}

# Machine codes used by the platform itself; services add their rule ids (COOP-03, PLAN-08…).
VALIDATION = "VALIDACAO"
INVALID_BODY = "CORPO_INVALIDO"
NOT_AUTHENTICATED = "NAO_AUTENTICADO"
TOKEN_EXPIRED = "TOKEN_EXPIRADO"  # a genuine token past its exp: the user signs in again
TOKEN_EXPIRED_DETAIL = "Sessão expirada: entre novamente."
FORBIDDEN = "PROIBIDO"
NOT_FOUND = "NAO_ENCONTRADO"
CONFLICT = "CONFLITO"
IDEMPOTENCY = "IDEMPOTENCIA"
IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCIA_EM_ANDAMENTO"
INVALID_SIGNATURE = "ASSINATURA_INVALIDA"
REPLAYED_SIGNATURE = "ASSINATURA_REPETIDA"
INVALID_CURSOR = "CURSOR_INVALIDO"
INTERNAL_ERROR = "ERRO_INTERNO"
UNAVAILABLE = "SERVICO_INDISPONIVEL"
UNAVAILABLE_DETAIL = ("Um serviço da AWS não respondeu a tempo. Nada foi perdido: repita a requisição com a mesma "
                      "Idempotency-Key após o intervalo de Retry-After.")
INTERNAL_DETAIL = "Ocorreu um erro inesperado. Tente novamente; se persistir, informe o correlation_id ao suporte."

_RESERVED = frozenset({"type", "title", "status", "code", "detail", "field", "instance", "correlation_id"})


class ProblemError(Exception):
    """Raise anywhere in a route to answer with a problem: ``ProblemError(422, "COOP-06", "…", field="horas")``.

    Keyword extras become extension members of the body (``type=`` overrides the type URI);
    ``headers=`` adds response headers (``Retry-After``, ``WWW-Authenticate``…).
    """

    def __init__(self, status: int, code: str, detail: str, field: str | None = None, title: str | None = None,
                 *, headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.field = field
        self.title = title or TITLES.get(status, "Erro")
        self.type = str(extra.pop("type", None) or f"{PROBLEM_TYPE_BASE}{code}")
        self.headers = dict(headers or {})
        clash = _RESERVED.intersection(extra)
        if clash:
            raise TypeError(f"reserved problem members passed as extras: {sorted(clash)}")
        self.extra = extra

    @classmethod
    def not_found(cls, detail: str = "Recurso não encontrado.", **kwargs: Any) -> ProblemError:
        return cls(404, NOT_FOUND, detail, **kwargs)

    @classmethod
    def forbidden(cls, detail: str = "Você não tem permissão para esta operação.", **kwargs: Any) -> ProblemError:
        return cls(403, FORBIDDEN, detail, **kwargs)

    @classmethod
    def conflict(cls, detail: str, code: str = CONFLICT, **kwargs: Any) -> ProblemError:
        return cls(409, code, detail, **kwargs)

    @classmethod
    def unprocessable(cls, code: str, detail: str, field: str | None = None, **kwargs: Any) -> ProblemError:
        """A business rule refused the request (422 with the rule id as code)."""
        return cls(422, code, detail, field, **kwargs)

    def body(self, instance: str | None = None, correlation_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status, "code": self.code,
                                "detail": self.detail}
        if self.field is not None:
            body["field"] = self.field
        if instance is not None:
            body["instance"] = instance
        if correlation_id is not None:
            body["correlation_id"] = correlation_id
        body.update(self.extra)
        return body


def internal_error() -> ProblemError:
    return ProblemError(500, INTERNAL_ERROR, INTERNAL_DETAIL)


def service_unavailable(retry_after_s: int = 1) -> ProblemError:
    """A transient AWS failure (throttling, 5xx, a dropped connection): the client retries with the same key."""
    return ProblemError(503, UNAVAILABLE, UNAVAILABLE_DETAIL, headers={"Retry-After": str(retry_after_s)})


def problem_from_error(error: CourtError) -> ProblemError:
    """The one translation of the error model (:mod:`courtlib.errors`) to problem+json."""
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return ProblemError(error.status, error.code, error.detail, error.field, headers=headers, **error.extra)
