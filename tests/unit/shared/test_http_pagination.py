"""Cursor pagination: signed opaque cursors, ``limite`` default 50 and max 200, ``Page[T]``."""

from __future__ import annotations

import json

import pytest
from chalice import Chalice
from chalice.test import Client
from pydantic import BaseModel

from courtlib.http import Page, PageQuery, ProblemError, RequestContext, RouteSet, decode_cursor, encode_cursor
from courtlib.http.dispatch import build_blueprint

KEY = {"pk": {"S": "DIA#2026"}, "sk": {"S": "2026-12-08"}}
ROWS = [f"2026-12-{day:02d}" for day in range(1, 31)]


class Dia(BaseModel):
    data: str


def build_app() -> Chalice:
    routes = RouteSet(service="teste")

    @routes.route("/dias", public=True, query=PageQuery, response=Page[Dia])
    def listing(ctx: RequestContext, query: PageQuery) -> Page[Dia]:
        start_key = ctx.decode_cursor(query.cursor)
        start = int(start_key["offset"]) if start_key else 0
        chunk = ROWS[start:start + query.limite]
        last = {"offset": start + len(chunk)} if start + len(chunk) < len(ROWS) else None
        return Page[Dia](itens=[Dia(data=row) for row in chunk], proximo=ctx.next_cursor(last))

    @routes.route("/outros", public=True, query=PageQuery)
    def others(ctx: RequestContext, query: PageQuery) -> dict:
        return {"chave": ctx.decode_cursor(query.cursor)}

    app = Chalice(app_name="teste")
    app.register_blueprint(build_blueprint(routes, pagination_secret="segredo"))
    return app


@pytest.fixture(scope="module")
def client():
    with Client(build_app()) as test_client:
        yield test_client.http


def test_cursor_roundtrip():
    cursor = encode_cursor(KEY, "segredo")
    assert decode_cursor(cursor, "segredo") == KEY
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor


@pytest.mark.parametrize("mutate", [
    lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),       # MAC changed
    lambda c: encode_cursor({"pk": {"S": "OUTRO"}}, "chute") ,           # forged with another secret
    lambda c: c.split(".")[0],                                           # MAC removed
    lambda c: "lixo",
    lambda c: "!!!.###",
])
def test_tampered_cursor_is_refused(mutate):
    with pytest.raises(ProblemError) as error:
        decode_cursor(mutate(encode_cursor(KEY, "segredo")), "segredo")
    assert error.value.status == 400
    assert error.value.code == "CURSOR_INVALIDO"


def test_cursor_of_one_listing_is_refused_by_another(client):
    first = json.loads(client.get("/dias?limite=5").body)
    response = client.get(f"/outros?cursor={first['proximo']}")
    assert response.status_code == 400
    assert json.loads(response.body)["code"] == "CURSOR_INVALIDO"


def test_pages_follow_the_cursor_to_the_end(client):
    seen, cursor = [], None
    for _ in range(10):
        response = client.get("/dias?limite=7" + (f"&cursor={cursor}" if cursor else ""))
        page = json.loads(response.body)
        seen += [item["data"] for item in page["itens"]]
        cursor = page["proximo"]
        if cursor is None:
            break
    assert seen == ROWS


def test_default_limit_is_50_and_max_200(client):
    page = json.loads(client.get("/dias").body)
    assert len(page["itens"]) == 30 and page["proximo"] is None
    assert client.get("/dias?limite=200").status_code == 200
    too_many = client.get("/dias?limite=201")
    assert too_many.status_code == 422
    assert json.loads(too_many.body)["field"] == "limite"
    assert client.get("/dias?limite=0").status_code == 422


def test_tampered_cursor_over_http_is_400_problem(client):
    response = client.get("/dias?cursor=eyJvZmZzZXQiOjV9.AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(response.body)["field"] == "cursor"
