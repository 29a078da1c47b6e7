"""HTTP routes of the fortnightly edital (DIST-08): the public finds each period's JSON and PDF.

The documents are written by the ``publish_edital`` schedule; the bucket is never public, so each
answer carries presigned links valid for one hour (``queries.EditalQueries``). Secret cases are already
masked in the documents.
"""

from __future__ import annotations

from chalicelib.distribuicao.schemas import EditaisOut, EditaisQuery, EditalOut, edital_out

from courtlib.http import RequestContext, RouteSet

routes = RouteSet(service="distribuicao", title="Edital de distribuição", tag="Edital")


@routes.route("/editais", methods=["GET"], public=True, query=EditaisQuery, response=EditaisOut,
              summary="Editais de distribuição publicados no ano, com links para o JSON e o PDF (DIST-08)")
def list_editais(ctx: RequestContext, query: EditaisQuery) -> EditaisOut:
    year, links = ctx.deps.edital_queries.of_year(query.ano)
    return EditaisOut(ano=year, itens=[edital_out(item) for item in links])


@routes.route("/editais/{inicio}", methods=["GET"], public=True, response=EditalOut,
              summary="O edital do período que começa em {inicio} (AAAA-MM-DD), com links para o JSON e o PDF")
def get_edital(ctx: RequestContext, inicio: str) -> EditalOut:
    return edital_out(ctx.deps.edital_queries.starting(inicio))
