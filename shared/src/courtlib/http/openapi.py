"""OpenAPI 3.1 from the declared routes: one document per service, from one or more route sets.

Schemas come from the pydantic models (``$defs`` hoisted to ``components/schemas``; request
models in validation mode, responses in serialization mode, so ``Decimal`` shows as the string
it is sent as). Every refusal refers to the shared ``Problema`` schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pydantic import ConfigDict, Field, TypeAdapter

from courtlib.auth.partners import HEADER_DATE, HEADER_ID, HEADER_NONCE, HEADER_SIGNATURE, MAX_SKEW_SECONDS
from courtlib.http.correlation import HEADER as CORRELATION_HEADER
from courtlib.http.idempotency import HEADER as IDEMPOTENCY_HEADER
from courtlib.http.problems import PROBLEM_CONTENT_TYPE
from courtlib.schema import Schema

if TYPE_CHECKING:
    from courtlib.http.routing import RouteSet, RouteSpec

OPENAPI_VERSION = "3.1.0"
_REF = "#/components/schemas/{model}"


class ErroDeCampo(Schema):
    field: str
    detail: str


class Problema(Schema):
    """Problem details (RFC 9457); ``code`` names the rule or the kind of error."""

    model_config = ConfigDict(extra="allow", title="Problema")

    type: str = Field(description="URI do tipo do problema")
    title: str
    status: int
    code: str = Field(description="Código da regra ou do erro: COOP-03, VALIDACAO, NAO_AUTENTICADO…")
    detail: str
    field: str | None = Field(None, description="Campo em erro (notação com pontos)")
    instance: str | None = Field(None, description="Caminho da requisição")
    correlation_id: str | None = None
    errors: list[ErroDeCampo] | None = Field(None, description="Todos os erros de validação")


_PROBLEM_RESPONSES = {
    "400": ("RequisicaoInvalida", "Corpo, cursor ou cabeçalho inválido"),
    "401": ("NaoAutenticado", "Credenciais ausentes ou inválidas"),
    "403": ("Proibido", "Perfil sem permissão"),
    "404": ("NaoEncontrado", "Recurso não encontrado"),
    "406": ("FormatoNaoAceito", "O cabeçalho Accept não aceita o formato do recurso (ex.: application/pdf)"),
    "409": ("Conflito", "Conflito com o estado atual ou requisição idempotente em andamento"),
    "413": ("CorpoGrandeDemais", "Corpo acima do limite aceito"),
    "415": ("TipoDeMidiaNaoSuportado", "Content-Type não aceito pela rota"),
    "422": ("NaoProcessavel", "Dados inválidos ou regra de negócio violada"),
    "429": ("MuitasRequisicoes", "Limite de requisições excedido; tente após Retry-After"),
    "500": ("ErroInterno", "Erro inesperado"),
    "503": ("Indisponivel", "Falha temporária de um serviço da AWS; repita após Retry-After"),
}

ALWAYS = frozenset({429, 500, 503})
"""Any route can be throttled by API Gateway (429), fail unexpectedly (500) or meet a transient AWS
failure (503 with Retry-After)."""


def refusals(spec: RouteSpec) -> frozenset[int]:
    """Every refusal status ``spec`` can answer: those its declaration implies, plus its ``errors=``.

    A body → 400 (not JSON), 413, 415 (other Content-Type), 422; a query → 400 (cursor), 422;
    idempotent → 400 (bad key), 409 (in progress or key reused), 422; a write (POST, PUT, PATCH,
    DELETE) → 409 and 422, since a use case may refuse it for the current state or by a rule;
    path parameters → 404 (nothing there) and 422 (a value the route cannot parse, such as a
    malformed month); not public → 401; roles → 403.
    """
    statuses = set(ALWAYS) | set(spec.errors)
    if set(spec.methods) - {"GET", "HEAD"}:
        statuses |= {409, 422}
    if spec.body is not None:
        statuses |= {400, 413, 415, 422}
    if spec.query is not None:
        statuses |= {400, 422}
    if spec.idempotent:
        statuses |= {400, 409, 422}
    if spec.path_params:
        statuses |= {404, 422}
    if not spec.public:
        statuses.add(401)
    if spec.access == "roles":
        statuses.add(403)
    return frozenset(statuses)

_PARTNER_DESCRIPTION = (
    f"Requisição assinada por tribunal parceiro. Cabeçalhos `{HEADER_ID}` (id da chave), `{HEADER_DATE}` "
    f"(RFC 3339 UTC, tolerância de ±{MAX_SKEW_SECONDS} s), `{HEADER_NONCE}` (16 a 64 caracteres A-Z a-z 0-9 - _, "
    "novo a cada requisição: repetido dentro da janela → 401 ASSINATURA_REPETIDA) e "
    f"`{HEADER_SIGNATURE}` = HMAC-SHA256 hexadecimal, "
    "com o segredo compartilhado, de MÉTODO, caminho, query canônica (pares codificados RFC 3986, ordenados), "
    f"`{HEADER_DATE}`, `{HEADER_NONCE}` e SHA-256 hexadecimal do corpo, unidos por quebra de linha."
)


def openapi_document(*route_sets: RouteSet, title: str | None = None, version: str = "1.0.0",
                     description: str | None = None, servers: Iterable[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One OpenAPI 3.1 document for all ``route_sets`` (typically the service's API and its ops routes)."""
    specs = [(route_set, spec) for route_set in route_sets for spec in route_set.routes]
    inputs: list[tuple[Any, Any, TypeAdapter[Any]]] = [(("problema",), "serialization", TypeAdapter(Problema))]
    for index, (_, spec) in enumerate(specs):
        if spec.body is not None:
            inputs.append(((index, "body"), "validation", TypeAdapter(spec.body)))
        if spec.query is not None:
            inputs.append(((index, "query"), "validation", TypeAdapter(spec.query)))
        if spec.response is not None:
            inputs.append(((index, "response"), "serialization", TypeAdapter(spec.response)))
        if spec.accepted is not None:
            inputs.append(((index, "accepted"), "serialization", TypeAdapter(spec.accepted)))
    mapping, top = TypeAdapter.json_schemas(inputs, ref_template=_REF)
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    refs = {key: schema for (key, _mode), schema in mapping.items()}
    request_roots = [refs[key] for key in refs if key[-1] in ("body", "query")]
    _forbid_extras(schemas, request_roots)

    paths: dict[str, dict[str, Any]] = {}
    operation_ids: set[str] = set()
    for index, (_, spec) in enumerate(specs):
        for method in spec.methods:
            operation = _operation(spec, method, index, refs, schemas, operation_ids)
            paths.setdefault(spec.path, {})[method.lower()] = operation

    info: dict[str, Any] = {"title": title or " / ".join(rs.title for rs in route_sets) or "API", "version": version}
    if description:
        info["description"] = description
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": info,
        "tags": _tags(route_sets),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                name: {"description": text, "content": {PROBLEM_CONTENT_TYPE: {"schema": refs[("problema",)]}}}
                for name, text in _PROBLEM_RESPONSES.values()
            },
            "parameters": {
                "CorrelationId": {"name": CORRELATION_HEADER, "in": "header", "required": False,
                                  "description": "Id de correlação (gerado se ausente; devolvido em toda resposta)",
                                  "schema": {"type": "string", "maxLength": 128}},
                "IdempotencyKey": {"name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
                                   "description": "Chave de idempotência: uma repetição com a mesma chave e o mesmo "
                                                  "corpo recebe a mesma resposta (24 h)",
                                   "schema": {"type": "string", "minLength": 1, "maxLength": 255}},
                "ParceiroId": {"name": HEADER_ID, "in": "header", "required": True, "schema": {"type": "string"}},
                "ParceiroData": {"name": HEADER_DATE, "in": "header", "required": True,
                                 "schema": {"type": "string", "format": "date-time"}},
            },
            "securitySchemes": {
                "cognito": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                            "description": "ID token do Cognito; os perfis (grupos) exigidos estão em `x-roles`."},
                "parceiro": {"type": "apiKey", "in": "header", "name": HEADER_SIGNATURE,
                             "description": _PARTNER_DESCRIPTION},
            },
        },
    }
    if servers:
        document["servers"] = list(servers)
    return document


def _operation(spec: RouteSpec, method: str, index: int, refs: dict[Any, Any], schemas: dict[str, Any],
               operation_ids: set[str]) -> dict[str, Any]:
    operation_id = spec.name if len(spec.methods) == 1 else f"{spec.name}_{method.lower()}"
    while operation_id in operation_ids:
        operation_id += "_"
    operation_ids.add(operation_id)
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in spec.path_params
    ]
    if (index, "query") in refs:
        parameters += _query_parameters(refs[(index, "query")], schemas)
    parameters.append({"$ref": "#/components/parameters/CorrelationId"})
    if spec.idempotent:
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if spec.partner:
        parameters += [{"$ref": "#/components/parameters/ParceiroId"}, {"$ref": "#/components/parameters/ParceiroData"}]

    operation: dict[str, Any] = {"operationId": operation_id, "tags": list(spec.tags), "parameters": parameters}
    if spec.summary:
        operation["summary"] = spec.summary
    description = spec.description or ""
    operation["x-acesso"] = {"roles": "perfis", "public": "publico", "partner": "parceiro"}[spec.access]
    if spec.access == "roles":
        roles = sorted(spec.roles)
        operation["x-roles"] = roles
        if spec.owner is not None:
            operation["x-dono"] = {"parametro": spec.owner, "exceto_perfis": sorted(spec.owner_unless)}
            description = (f"{description}\n\nSó o próprio `{spec.owner}`"
                           + (f" ou os perfis {', '.join(sorted(spec.owner_unless))}." if spec.owner_unless
                              else ".")).strip()
        description = f"{description}\n\nPerfis: {', '.join(roles)}.".strip()
        operation["security"] = [{"cognito": []}]
    elif spec.partner:
        description = f"{description}\n\nTribunais parceiros (requisição assinada).".strip()
        operation["security"] = [{"parceiro": []}]
    else:
        operation["security"] = []
    if description:
        operation["description"] = description
    if (index, "body") in refs:
        body_schema = refs[(index, "body")]
        content: dict[str, Any] = {"application/json": {"schema": body_schema}}
        if spec.csv is not None:
            content["text/csv"] = {"schema": {"type": "string", "description": "Planilha CSV (vírgula ou ponto e "
                                                                               "vírgula), uma linha por registro"}}
        operation["requestBody"] = {"required": True, "content": content}
    operation["responses"] = _responses(spec, refs.get((index, "response")))
    if (index, "accepted") in refs:
        operation["responses"]["202"] = {
            "description": "Aceito: registrado, concluído depois; acompanhe o recurso em Location",
            "headers": {
                "Location": {"description": "O recurso de situação, a consultar até a conclusão",
                             "schema": {"type": "string"}},
                "Retry-After": {"description": "Segundos até valer a pena consultar de novo",
                                "schema": {"type": "integer", "minimum": 1}},
            },
            "content": {"application/json": {"schema": refs[(index, "accepted")]}},
        }
    return operation


def _responses(spec: RouteSpec, schema: Any) -> dict[str, Any]:
    success: dict[str, Any] = {"description": spec.summary or "Sucesso"}
    if spec.status != 204:
        success["content"] = {"application/json": {"schema": schema if schema is not None else {}}}
    responses: dict[str, Any] = {str(spec.status): success}
    if spec.other_status is not None:
        responses[str(spec.other_status)] = {**success, "description": "Sucesso (o recurso já existia)"
                                             if spec.other_status == 200 else "Criado"}
    for status in sorted(refusals(spec)):
        if str(status) not in _PROBLEM_RESPONSES:
            raise ValueError(f"{spec.path}: no problem response for status {status}")
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{_PROBLEM_RESPONSES[str(status)][0]}"})
    return responses


def _query_parameters(ref: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    model = _resolve(ref, schemas)
    required = set(model.get("required", []))
    parameters = []
    for name, prop in model.get("properties", {}).items():
        schema = _without_null({k: v for k, v in prop.items() if k not in ("title", "description")})
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": schema}
        if prop.get("description"):
            parameter["description"] = prop["description"]
        if schema.get("type") == "array":
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or has a value: ``X | None`` is documented as ``X``."""
    options = schema.get("anyOf")
    if isinstance(options, list):
        rest = [option for option in options if option != {"type": "null"}]
        if len(rest) == 1 and len(rest) < len(options):
            schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **rest[0]}
    if schema.get("default", 0) is None:
        schema = {k: v for k, v in schema.items() if k != "default"}
    return schema


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _forbid_extras(schemas: dict[str, Any], roots: list[Any]) -> None:
    """Marks request objects ``additionalProperties: false`` — the route set refuses unknown members."""
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen and name in schemas:
                    seen.add(name)
                    walk(schemas[name])
            if node.get("type") == "object" and "properties" in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for root in roots:
        walk(root)


def _tags(route_sets: Iterable[RouteSet]) -> list[dict[str, str]]:
    tags: dict[str, str] = {}
    for route_set in route_sets:
        for spec in route_set.routes:
            for tag in spec.tags:
                tags.setdefault(tag, route_set.title)
    return [{"name": name} for name in tags]
