"""Request bodies and query strings validated by pydantic models, errors translated to Portuguese.

Unknown members are refused (``extra="forbid"`` is applied at validation time, to nested models
too), whatever the model's own configuration says: a typo in a field name must not be ignored.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Mapping
from datetime import date, time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ValidationError, ValidationInfo

from courtlib.clock import TRIBUNAL_TZ
from courtlib.http.problems import INVALID_BODY, VALIDATION, ProblemError

MAX_REPORTED_ERRORS = 50

# A competência (AAAA-MM) whose year exists in a calendar: year 0000 matched ``\d{4}`` and crashed ``date()``.
# (pydantic's regex engine has no look-ahead, hence the spelled-out years.)
MONTH_PATTERN = r"^(000[1-9]|00[1-9]\d|0[1-9]\d{2}|[1-9]\d{3})-(0[1-9]|1[0-2])$"


def end_not_before_start(fim: date | None, info: ValidationInfo) -> date | None:
    """A period's end (``fim``) checked against its start (``inicio``), for every period model:
    ``_ordered = field_validator("fim")(end_not_before_start)``. A field validator, so the refusal names ``fim``
    (a model validator would name no field)."""
    inicio = info.data.get("inicio")
    if inicio is not None and fim is not None and fim < inicio:
        raise ValueError("deve ser igual ou posterior ao início")
    return fim


class FieldError(ValueError):
    """Raised by a model validator (a rule across fields) to name the field the refusal belongs to: pydantic gives
    such an error no location, and the problem would name no field (the console shows a refusal next to its field).
    ``field`` is relative to the model that raised it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RuleRefusal(ValueError):
    """Raised by a field validator when the refusal is a domain rule's, not a bad format: the 422 problem's code
    is ``rule`` (``COOP-08``…) instead of ``VALIDACAO``, so the caller reads which rule refused it."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


def _rule(item: Mapping[str, Any]) -> str | None:
    error = (item.get("ctx") or {}).get("error")
    return error.rule if isinstance(error, RuleRefusal) else None


def _loc(item: Mapping[str, Any]) -> tuple[Any, ...]:
    error = (item.get("ctx") or {}).get("error")
    return (*item["loc"], error.field) if isinstance(error, FieldError) else tuple(item["loc"])


def _naive(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError(f"informe o horário local ({TRIBUNAL_TZ.key}), sem fuso")
    return value


# A wall-clock time of the tribunal (an expediente, a shift's start): a zone is refused rather than converted,
# since "06:00Z" would silently become a 03:00 expediente and an aware time cannot be compared with a naive one.
LocalTime = Annotated[time, AfterValidator(_naive)]

_MESSAGES: dict[str, str] = {
    "missing": "campo obrigatório",
    "extra_forbidden": "campo não permitido",
    "string_type": "deve ser um texto",
    "string_too_short": "deve ter no mínimo {min_length} caractere(s)",
    "string_too_long": "deve ter no máximo {max_length} caractere(s)",
    "string_pattern_mismatch": "formato inválido",
    "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro",
    "int_from_float": "deve ser um número inteiro",
    "float_type": "deve ser um número",
    "float_parsing": "deve ser um número",
    "decimal_type": "deve ser um número decimal",
    "decimal_parsing": "deve ser um número decimal",
    "decimal_max_digits": "deve ter no máximo {max_digits} dígito(s)",
    "decimal_max_places": "deve ter no máximo {decimal_places} casa(s) decimal(is)",
    "decimal_whole_digits": "deve ter no máximo {whole_digits} dígito(s) antes da vírgula",
    "finite_number": "deve ser um número finito",
    "bool_type": "deve ser verdadeiro ou falso",
    "bool_parsing": "deve ser verdadeiro ou falso",
    "date_type": "deve ser uma data no formato AAAA-MM-DD",
    "date_parsing": "deve ser uma data no formato AAAA-MM-DD",
    "date_from_datetime_parsing": "deve ser uma data no formato AAAA-MM-DD",
    "date_from_datetime_inexact": "deve ser uma data no formato AAAA-MM-DD, sem horário",
    "date_past": "deve ser uma data no passado",
    "date_future": "deve ser uma data no futuro",
    "datetime_type": "deve ser data e hora no formato ISO 8601 (AAAA-MM-DDTHH:MM:SS)",
    "datetime_parsing": "deve ser data e hora no formato ISO 8601 (AAAA-MM-DDTHH:MM:SS)",
    "datetime_from_date_parsing": "deve ser data e hora no formato ISO 8601 (AAAA-MM-DDTHH:MM:SS)",
    "timezone_aware": "deve informar o fuso horário",
    "time_type": "deve ser um horário no formato HH:MM",
    "time_parsing": "deve ser um horário no formato HH:MM",
    "time_delta_type": "deve ser uma duração",
    "time_delta_parsing": "deve ser uma duração",
    "literal_error": "deve ser um destes valores: {expected}",
    "enum": "deve ser um destes valores: {expected}",
    "greater_than": "deve ser maior que {gt}",
    "greater_than_equal": "deve ser maior ou igual a {ge}",
    "less_than": "deve ser menor que {lt}",
    "less_than_equal": "deve ser menor ou igual a {le}",
    "multiple_of": "deve ser múltiplo de {multiple_of}",
    "too_short": "deve ter no mínimo {min_length} item(ns)",
    "too_long": "deve ter no máximo {max_length} item(ns)",
    "list_type": "deve ser uma lista",
    "tuple_type": "deve ser uma lista",
    "set_type": "deve ser uma lista sem repetições",
    "dict_type": "deve ser um objeto",
    "model_type": "deve ser um objeto",
    "model_attributes_type": "deve ser um objeto",
    "uuid_type": "deve ser um UUID",
    "uuid_parsing": "deve ser um UUID",
    "url_type": "deve ser uma URL",
    "url_parsing": "deve ser uma URL válida",
    "url_scheme": "deve ser uma URL com esquema permitido",
    "none_required": "deve ser nulo",
    "union_tag_invalid": "tipo não reconhecido",
    "union_tag_not_found": "tipo não informado",
}


def translate(error: Mapping[str, Any]) -> str:
    """Portuguese message for one pydantic error (custom validators keep their own message)."""
    kind = error.get("type", "")
    ctx = dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error") and ctx.get("error") is not None:
        return str(ctx["error"])
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", " ou ")
    template = _MESSAGES.get(kind)
    if template is None:
        return "valor inválido"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template


def location(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def validation_problem(error: ValidationError, *, prefix: tuple[str, ...] = ()) -> ProblemError:
    """422: the first error's field and detail (and its rule as the code, if a :class:`RuleRefusal`), all in
    ``errors``."""
    items = error.errors(include_url=False)[:MAX_REPORTED_ERRORS]
    errors: list[dict[str, str | None]] = [{"field": location((*prefix, *_loc(item))), "detail": translate(item)}
                                           for item in items]
    first: dict[str, str | None] = errors[0] if errors else {"field": None, "detail": "valor inválido"}
    detail = f"{first['field']}: {first['detail']}" if first["field"] else str(first["detail"])
    code = (_rule(items[0]) if items else None) or VALIDATION
    return ProblemError(422, code, detail, field=first["field"], errors=errors)


def body_text(raw: bytes | str | None) -> str:
    """The body as UTF-8 text (400 ``CORPO_INVALIDO`` if it is not)."""
    if isinstance(raw, str):
        return raw
    try:
        return (raw or b"").decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProblemError(400, INVALID_BODY, "O corpo da requisição deve estar em UTF-8.") from error


def parse_json_object(text: str) -> dict[str, Any]:
    """The body as a JSON object, else 400 ``CORPO_INVALIDO``."""
    if not text.strip():
        raise ProblemError(400, INVALID_BODY, "O corpo da requisição é obrigatório e deve ser um objeto JSON.")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ProblemError(400, INVALID_BODY, "O corpo da requisição não é um JSON válido.") from error
    except RecursionError as error:  # the stdlib parser recurses once per nesting level
        raise ProblemError(400, INVALID_BODY, "O corpo da requisição tem níveis de aninhamento demais.") from error
    if not isinstance(data, dict):
        raise ProblemError(400, INVALID_BODY, "O corpo da requisição deve ser um objeto JSON.")
    return data


def validate_body(model: type[BaseModel], text: str) -> BaseModel:
    """Parses in JSON mode (exact decimals, ISO dates) with unknown fields refused."""
    try:
        return model.model_validate_json(text, extra="forbid")
    except ValidationError as error:
        raise validation_problem(error) from error


def validate_query(model: type[BaseModel], params: Mapping[str, list[str]]) -> BaseModel:
    """Query parameters (each a list of values) against ``model``; list-typed fields take every value."""
    data: dict[str, Any] = {}
    fields = model.model_fields
    aliases = {info.alias or name: name for name, info in fields.items()}
    for name, values in params.items():
        field_name = aliases.get(name, name)
        info = fields.get(field_name)
        data[name] = values if info is not None and _is_sequence(info.annotation) else values[-1]
    try:
        return model.model_validate(data, extra="forbid")
    except ValidationError as error:
        raise validation_problem(error) from error


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, set, frozenset, tuple):
        return True
    return any(_is_sequence(arg) for arg in typing.get_args(annotation)) if origin is not None else False
