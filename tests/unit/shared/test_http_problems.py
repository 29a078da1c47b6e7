"""problem+json (RFC 9457): malformed and invalid bodies, query validation, unexpected errors."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Literal

import pytest
from chalice import BadRequestError, Chalice, NotFoundError
from chalice.test import Client
from pydantic import BaseModel, ConfigDict, Field

from courtlib.http import PageQuery, ProblemError, RequestContext, RouteSet
from courtlib.http.dispatch import build_blueprint
from courtlib.http.validation import translate

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:chalice.local")


class Endereco(BaseModel):
    municipio: str = Field(min_length=2)


class DiaIn(BaseModel):
    data: date
    tipo: Literal["feriado_municipal", "ponto_facultativo", "sem_expediente"]
    municipio: str | None = Field(None, max_length=7)
    horas: int = Field(0, ge=0, le=40)
    valor: Decimal = Decimal("0")
    endereco: Endereco | None = None


class Permissive(BaseModel):
    model_config = ConfigDict(extra="allow")
    nome: str


class DiasQuery(PageQuery):
    ano: int | None = Field(None, ge=2000)
    tipos: list[str] = []


def build_app() -> Chalice:
    routes = RouteSet(service="teste", title="Teste")

    @routes.route("/dias", methods=["POST"], public=True, body=DiaIn, status=201)
    def create(ctx: RequestContext, body: DiaIn) -> dict:
        return {"data": body.data, "valor": body.valor, "horas": body.horas}

    @routes.route("/livre", methods=["POST"], public=True, body=Permissive)
    def permissive(ctx: RequestContext, body: Permissive) -> Permissive:
        return body

    @routes.route("/dias", methods=["GET"], public=True, query=DiasQuery)
    def listing(ctx: RequestContext, query: DiasQuery) -> dict:
        return {"ano": query.ano, "limite": query.limite, "tipos": query.tipos}

    @routes.route("/regra", methods=["POST"], public=True)
    def rule(ctx: RequestContext) -> None:
        raise ProblemError(422, "COOP-06", "O limite de 40 horas no mês seria ultrapassado.", field="horas",
                           limite=40)

    @routes.route("/falha", public=True)
    def failure(ctx: RequestContext) -> None:
        raise RuntimeError("senha=hunter2 em /var/task/segredo.py")

    @routes.route("/chalice/{item}", public=True)
    def chalice_errors(ctx: RequestContext) -> None:
        if ctx.path["item"] == "ausente":
            raise NotFoundError("Item ausente.")
        raise BadRequestError("Ruim.")

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(routes, pagination_secret="s"))
    return app


@pytest.fixture(scope="module")
def client():
    with Client(build_app()) as test_client:
        yield test_client.http


def post(client, path: str, body, **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(path, body=raw, headers={"Content-Type": "application/json", **headers})


def problem(response) -> dict:
    assert response.headers["Content-Type"] == "application/problem+json"
    body = json.loads(response.body)
    assert body["status"] == response.status_code
    return body


VALID = {"data": "2026-12-08", "tipo": "feriado_municipal"}


def test_valid_body_reaches_the_handler_and_decimal_is_sent_as_a_string(client):
    response = post(client, "/dias", {**VALID, "valor": "10.10", "horas": 3})
    assert response.status_code == 201
    assert json.loads(response.body) == {"data": "2026-12-08", "valor": "10.10", "horas": 3}


def test_decimal_from_a_json_number_stays_exact(client):
    response = post(client, "/dias", b'{"data": "2026-12-08", "tipo": "feriado_municipal", "valor": 0.1}')
    assert json.loads(response.body)["valor"] == "0.1"


@pytest.mark.parametrize("raw", [b"{", b"{\"data\": }", b"\xff\xfe{}", b"nao-e-json"])
def test_malformed_json_is_400(client, raw):
    response = post(client, "/dias", raw)
    assert response.status_code == 400
    body = problem(response)
    assert body["code"] == "CORPO_INVALIDO"
    assert "JSON" in body["detail"] or "UTF-8" in body["detail"]


@pytest.mark.parametrize("raw", [b"[]", b'"texto"', b"42", b"null", b""])
def test_body_that_is_not_an_object_is_400(client, raw):
    response = post(client, "/dias", raw)
    assert response.status_code == 400
    assert problem(response)["code"] == "CORPO_INVALIDO"


def test_missing_field_is_422_with_field_and_portuguese_detail(client):
    response = post(client, "/dias", {"tipo": "feriado_municipal"})
    assert response.status_code == 422
    body = problem(response)
    assert body["code"] == "VALIDACAO"
    assert body["field"] == "data"
    assert body["errors"] == [{"field": "data", "detail": "campo obrigatório"}]
    assert body["type"].endswith("/VALIDACAO")
    assert body["instance"] == "/dias"


def test_unknown_field_is_422(client):
    response = post(client, "/dias", {**VALID, "dataa": "2026-12-09"})
    body = problem(response)
    assert response.status_code == 422
    assert body["field"] == "dataa"
    assert body["errors"][0]["detail"] == "campo não permitido"


def test_unknown_field_in_a_nested_model_is_422(client):
    response = post(client, "/dias", {**VALID, "endereco": {"municipio": "Cuiabá", "uf": "MT"}})
    assert problem(response)["field"] == "endereco.uf"


def test_unknown_field_is_refused_even_if_the_model_allows_extras(client):
    response = post(client, "/livre", {"nome": "x", "outro": 1})
    assert response.status_code == 422
    assert problem(response)["field"] == "outro"


@pytest.mark.parametrize(("field", "value", "detail"), [
    ("data", "08/12/2026", "deve ser uma data no formato AAAA-MM-DD"),
    ("tipo", "feriado", "deve ser um destes valores: 'feriado_municipal', 'ponto_facultativo' ou 'sem_expediente'"),
    ("horas", "muitas", "deve ser um número inteiro"),
    ("horas", 41, "deve ser menor ou igual a 40"),
    ("horas", -1, "deve ser maior ou igual a 0"),
    ("municipio", 5103403, "deve ser um texto"),
    ("municipio", "51034031", "deve ter no máximo 7 caractere(s)"),
    ("valor", "dez", "deve ser um número decimal"),
])
def test_wrong_typed_field_is_422_in_portuguese(client, field, value, detail):
    response = post(client, "/dias", {**VALID, field: value})
    assert response.status_code == 422
    body = problem(response)
    assert body["field"] == field
    assert body["errors"][0]["detail"] == detail
    assert body["detail"] == f"{field}: {detail}"


def test_every_error_is_listed_with_dotted_locations(client):
    response = post(client, "/dias", {"tipo": "x", "endereco": {"municipio": "A"}})
    fields = [error["field"] for error in problem(response)["errors"]]
    assert fields == ["data", "tipo", "endereco.municipio"]


def test_query_is_validated_with_the_field_named(client):
    response = client.get("/dias?ano=1999")
    assert response.status_code == 422
    body = problem(response)
    assert body["field"] == "ano"
    assert body["detail"] == "ano: deve ser maior ou igual a 2000"


def test_unknown_query_parameter_is_422(client):
    response = client.get("/dias?limit=10")
    assert response.status_code == 422
    assert problem(response)["field"] == "limit"


def test_query_values_are_coerced_and_lists_take_every_value(client):
    response = client.get("/dias?ano=2026&tipos=a&tipos=b")
    assert response.status_code == 200
    assert json.loads(response.body) == {"ano": 2026, "limite": 50, "tipos": ["a", "b"]}


def test_problem_error_from_a_rule_carries_code_field_and_extensions(client):
    response = client.post("/regra")
    body = problem(response)
    assert response.status_code == 422
    assert body["code"] == "COOP-06"
    assert body["field"] == "horas"
    assert body["limite"] == 40
    assert body["type"] == "https://tribunal.example/problemas/COOP-06"
    assert body["correlation_id"] == response.headers["X-Correlation-Id"]


def test_unexpected_exception_is_a_500_problem_that_leaks_nothing(client):
    response = client.get("/falha")
    assert response.status_code == 500
    body = problem(response)
    assert body["code"] == "ERRO_INTERNO"
    assert "hunter2" not in response.body.decode() and "Traceback" not in response.body.decode()
    assert body["detail"].startswith("Ocorreu um erro inesperado")
    assert body["correlation_id"] == response.headers["X-Correlation-Id"]


def test_chalice_view_errors_become_problems(client):
    missing = client.get("/chalice/ausente")
    assert missing.status_code == 404
    assert problem(missing)["code"] == "NAO_ENCONTRADO"
    assert problem(client.get("/chalice/outro"))["status"] == 400


def test_reserved_members_cannot_be_passed_as_extras():
    with pytest.raises(TypeError):
        ProblemError(400, "X", "d", status=500)


def test_custom_validator_message_is_kept():
    error = {"type": "value_error", "ctx": {"error": ValueError("período invertido")}}
    assert translate(error) == "período invertido"
    assert translate({"type": "some_new_pydantic_error"}) == "valor inválido"


def test_a_pdf_asked_without_its_accept_is_a_406_with_a_portuguese_title():
    """GET …/pdf without ``Accept: application/pdf`` answered the title "Erro": every status the platform
    raises has its own Portuguese title (RFC 9457's short summary of the problem type)."""
    from courtlib.http.responses import require_accept

    with pytest.raises(ProblemError) as raised:
        require_accept({"Accept": "application/json"}, "application/pdf")
    body = raised.value.body("/memorandos/x/pdf", "c1")
    assert (body["status"], body["code"], body["field"]) == (406, "FORMATO_NAO_ACEITO", "Accept")
    assert body["title"] == "Formato não aceito"


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 406, 409, 412, 413, 415, 422, 429, 500, 503])
def test_every_status_the_platform_answers_has_a_portuguese_title(status):
    assert ProblemError(status, "X", "detalhe").title not in ("", "Erro")
