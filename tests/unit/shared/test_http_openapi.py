"""OpenAPI 3.1 built from the declared routes: every route present, every reference resolvable."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

import pytest
from chalice import Chalice
from chalice.test import Client
from pydantic import BaseModel, Field

from courtlib.http import Page, PageQuery, RequestContext, RouteSet, openapi_document
from courtlib.http.dispatch import build_blueprint


class Municipio(BaseModel):
    codigo: str = Field(pattern=r"^\d{7}$")


class DiaIn(BaseModel):
    data: date
    tipo: Literal["feriado_municipal", "ponto_facultativo", "sem_expediente"]
    municipio: Municipio | None = None


class DiaOut(BaseModel):
    id: str
    data: date
    valor: Decimal


class DiasQuery(PageQuery):
    ano: int | None = None
    tipos: list[str] = []


def api_routes() -> RouteSet:
    routes = RouteSet(service="plantao", title="Plantão judiciário")

    @routes.route("/calendario/dias", methods=["POST"], roles={"admin"}, body=DiaIn, response=DiaOut, status=201,
                  idempotent=True, summary="Registra um dia sem expediente")
    def register_day(ctx: RequestContext, body: DiaIn) -> DiaOut:
        """Dias sem expediente alimentam o cálculo de dias úteis (CAL-01)."""
        raise NotImplementedError

    @routes.route("/calendario/dias", methods=["GET"], public=True, query=DiasQuery, response=Page[DiaOut])
    def list_days(ctx: RequestContext, query: DiasQuery) -> Page[DiaOut]:
        raise NotImplementedError

    @routes.route("/calendario/dias/{data}", methods=["DELETE"], roles={"admin", "presidencia"}, status=204)
    def delete_day(ctx: RequestContext, data: str) -> None:
        raise NotImplementedError

    @routes.route("/precatorias", methods=["POST"], partner=True, body=DiaIn, idempotent=True, response=list[DiaOut])
    def partner_request(ctx: RequestContext, body: DiaIn) -> list[DiaOut]:
        raise NotImplementedError

    return routes


def ops_routes(document: Any) -> RouteSet:
    routes = RouteSet(service="plantao", title="Operação")

    @routes.route("/openapi.json", public=True, summary="Documento OpenAPI")
    def openapi(ctx: RequestContext) -> dict[str, Any]:
        return document()

    @routes.route("/health", public=True)
    def health(ctx: RequestContext) -> dict[str, str]:
        return {"status": "ok"}

    return routes


@pytest.fixture(scope="module")
def route_sets():
    api = api_routes()
    ops = ops_routes(lambda: openapi_document(api, ops, title="plantao"))
    return api, ops


@pytest.fixture(scope="module")
def document(route_sets):
    return openapi_document(*route_sets, title="plantao", version="1.2.3")


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(document: dict, ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_document_is_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {"title": "plantao", "version": "1.2.3"}


def test_every_registered_route_is_present(document, route_sets):
    operations = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    declared = {(spec.path, method) for route_set in route_sets for spec in route_set.routes for method in spec.methods}
    assert operations == declared
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_every_reference_resolves(document):
    refs = _refs(document)
    assert refs
    for ref in refs:
        assert _resolve(document, ref) is not None


def test_request_body_schema_refers_to_hoisted_components(document):
    operation = document["paths"]["/calendario/dias"]["post"]
    schema = _resolve(document, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(schema["required"]) == {"data", "tipo"}
    assert schema["additionalProperties"] is False
    nested = _resolve(document, schema["properties"]["municipio"]["anyOf"][0]["$ref"])
    assert nested["additionalProperties"] is False  # refused at runtime too
    assert "$defs" not in str(document)


def test_responses_and_problems(document):
    post = document["paths"]["/calendario/dias"]["post"]
    assert set(post["responses"]) == {"201", "400", "401", "403", "409", "413", "415", "422", "429", "500", "503"}
    created = _resolve(document, post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"])
    assert created["properties"]["valor"]["type"] == "string"  # Decimal is sent as a string
    problem = _resolve(document, post["responses"]["422"]["$ref"])
    assert "application/problem+json" in problem["content"]
    assert document["paths"]["/calendario/dias/{data}"]["delete"]["responses"]["204"] == {"description": "Sucesso"}


def test_every_refusal_the_mechanism_can_answer_is_declared(document):
    paths = document["paths"]
    delete = set(paths["/calendario/dias/{data}"]["delete"]["responses"])
    # a path parameter: 404, 422; a write: 409
    assert delete == {"204", "401", "403", "404", "409", "422", "429", "500", "503"}
    listing = set(paths["/calendario/dias"]["get"]["responses"])
    assert listing == {"200", "400", "422", "429", "500", "503"}  # public: no 401/403; no path parameter: no 404
    partner = set(paths["/precatorias"]["post"]["responses"])
    assert {"401", "409", "415"} <= partner and "403" not in partner
    assert set(paths["/health"]["get"]["responses"]) == {"200", "429", "500", "503"}
    for item in paths.values():
        for operation in item.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert _resolve(document, response["$ref"])["content"]["application/problem+json"]


def test_errors_declared_on_a_route_reach_its_operation():
    routes = RouteSet(service="plantao")

    @routes.route("/escalas/atual", roles={"admin"}, errors={404, 409})
    def current(ctx: RequestContext) -> None:
        raise NotImplementedError

    responses = openapi_document(routes)["paths"]["/escalas/atual"]["get"]["responses"]
    assert {"404", "409"} <= set(responses)


def test_errors_must_be_refusal_statuses():
    with pytest.raises(TypeError, match="errors="):
        RouteSet(service="plantao").route("/x", roles={"admin"}, errors={302})


def test_access_extension_names_who_may_call(document):
    paths = document["paths"]
    assert paths["/calendario/dias"]["post"]["x-acesso"] == "perfis"
    assert paths["/calendario/dias"]["get"]["x-acesso"] == "publico"
    assert paths["/precatorias"]["post"]["x-acesso"] == "parceiro"
    assert "x-roles" not in paths["/calendario/dias"]["get"]


def test_security_per_access_rule(document):
    paths = document["paths"]
    assert paths["/calendario/dias"]["post"]["security"] == [{"cognito": []}]
    assert paths["/calendario/dias"]["post"]["x-roles"] == ["admin"]
    assert "admin" in paths["/calendario/dias"]["post"]["description"]
    assert paths["/calendario/dias/{data}"]["delete"]["x-roles"] == ["admin", "presidencia"]
    assert paths["/calendario/dias"]["get"]["security"] == []
    assert paths["/precatorias"]["post"]["security"] == [{"parceiro": []}]
    schemes = document["components"]["securitySchemes"]
    assert schemes["cognito"]["scheme"] == "bearer"
    assert schemes["parceiro"] == {**schemes["parceiro"], "type": "apiKey", "in": "header",
                                   "name": "X-Parceiro-Assinatura"}


def test_parameters_from_path_templates_and_query_models(document):
    delete = document["paths"]["/calendario/dias/{data}"]["delete"]
    assert {"name": "data", "in": "path", "required": True, "schema": {"type": "string"}} in delete["parameters"]
    query = {p["name"]: p for p in document["paths"]["/calendario/dias"]["get"]["parameters"] if "name" in p}
    assert query["limite"]["schema"]["maximum"] == 200 and query["limite"]["schema"]["default"] == 50
    assert query["cursor"]["schema"]["type"] == "string"
    assert query["tipos"]["schema"]["type"] == "array"
    post = document["paths"]["/calendario/dias"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in post["parameters"]


def test_summary_and_tags(document):
    post = document["paths"]["/calendario/dias"]["post"]
    assert post["summary"] == "Registra um dia sem expediente"
    assert "CAL-01" in post["description"]
    assert post["tags"] == ["Plantão judiciário"]
    assert {"name": "Operação"} in document["tags"]


def test_document_passes_an_openapi_validator(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)


def test_component_schemas_are_valid_json_schema(document):
    jsonschema = pytest.importorskip("jsonschema")
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_openapi_is_served_by_a_public_route_set(route_sets):
    app = Chalice(app_name="plantao")
    api, ops = route_sets
    app.register_blueprint(build_blueprint(ops, pagination_secret="s"))
    response = Client(app).http.get("/openapi.json")
    assert response.status_code == 200
    assert response.json_body["openapi"] == "3.1.0"
    assert "/calendario/dias" in response.json_body["paths"]


def test_single_route_set_document(route_sets):
    assert openapi_document(route_sets[0])["info"]["title"] == "Plantão judiciário"
