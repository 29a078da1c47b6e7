"""HTTP routes of the fortnightly edital (DIST-08): the public finds each period's JSON and PDF.

The documents are written by the ``publish_edital`` schedule; the bucket is never public, so each
answer carries presigned links valid for one hour. Secret cases are already masked in the documents.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from courtlib.http import ProblemError, RequestContext, RouteSet

routes = RouteSet(service="distribuicao", title="Edital de distribuição", tag="Edital")

LINK_SECONDS = 3600


class EditaisQuery(BaseModel):
    ano: int | None = Field(None, ge=2000, le=2100, description="Ano dos editais (padrão: o ano corrente)")


class EditalOut(BaseModel):
    inicio: date
    fim: date
    json_url: str = Field(description="Link do documento JSON, válido por uma hora")
    pdf_url: str = Field(description="Link do PDF, válido por uma hora")


class EditaisOut(BaseModel):
    ano: int
    itens: list[EditalOut]


def _out(ctx: RequestContext, start: date, end: date) -> EditalOut:
    from chalicelib.distribuicao.adapters.edital import edital_keys

    json_key, pdf_key = edital_keys(start, end)
    store = ctx.deps.editais
    return EditalOut(inicio=start, fim=end, json_url=store.presigned_get(json_key, LINK_SECONDS),
                     pdf_url=store.presigned_get(pdf_key, LINK_SECONDS))


@routes.route("/editais", methods=["GET"], public=True, query=EditaisQuery, response=EditaisOut,
              summary="Editais de distribuição publicados no ano, com links para o JSON e o PDF (DIST-08)")
def list_editais(ctx: RequestContext, query: EditaisQuery) -> EditaisOut:
    year = query.ano or ctx.deps.clock().year
    return EditaisOut(ano=year, itens=[_out(ctx, start, end) for start, end in ctx.deps.editais.published(year)])


@routes.route("/editais/{inicio}", methods=["GET"], public=True, response=EditalOut,
              summary="O edital do período que começa em {inicio} (AAAA-MM-DD), com links para o JSON e o PDF")
def get_edital(ctx: RequestContext, inicio: str) -> EditalOut:
    try:
        start = date.fromisoformat(inicio)
    except ValueError:
        raise ProblemError.unprocessable("VALIDACAO", "data inválida: use AAAA-MM-DD", field="inicio") from None
    for period_start, period_end in ctx.deps.editais.published(start.year):
        if period_start == start:
            return _out(ctx, period_start, period_end)
    raise ProblemError.not_found(f"Nenhum edital publicado para o período iniciado em {start:%d/%m/%Y}.",
                                 field="inicio")
