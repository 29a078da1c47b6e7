"""HTTP routes of pagamentos-svc: thin handlers that call a use case (:mod:`.service`) or a query (:mod:`.queries`).

Bodies and queries are in :mod:`.schemas`; roles and validation come from courtlib.http, and every refusal is a
:mod:`courtlib.errors` type the dispatcher answers as problem+json (nothing written): unknown person 422
``PESSOA_DESCONHECIDA``; impossible period 422 ``VALIDACAO`` (field ``fim``); overlapping designation for the same
juízo 409 ``DESIGNACAO_SOBREPOSTA``; editing, signing or sending a memo out of its lifecycle 409 ``PAG-10``;
unknown memo 404.
"""

from __future__ import annotations

from typing import Any

from chalice import Response
from chalicelib.pagamentos.queries import memo_document
from chalicelib.pagamentos.schemas import (
    CompetenciaQuery,
    CsvQuery,
    DesignacaoIn,
    EdicaoIn,
    ExecucaoIn,
    FeriasIn,
    FeriasRenunciadasIn,
    ImportacaoIn,
    ListaQuery,
    PessoaIn,
    SessaoIn,
)

from courtlib.audit.api import add_history_route
from courtlib.calendar.api import calendar_read_routes
from courtlib.csvexport import BR, PLAIN
from courtlib.http import RequestContext, RouteSet
from courtlib.http.responses import require_accept
from courtlib.http.run_status import SituacaoExecucaoOut

TITLE = "pagamentos-svc — Memorandos de pagamento"
routes = RouteSet(service="pagamentos", title="Memorandos de pagamento", tag="Pagamentos")
ROUTE_SETS: list[RouteSet] = [routes, calendar_read_routes]

RECORD_ROLES = {"dimag", "presidencia", "admin"}
READ_ROLES = {"dimag", "presidencia", "admin"}


def _user(ctx: RequestContext) -> str:
    return ctx.principal.username or ""


# --- people and designations ---------------------------------------------------------------------


@routes.route("/pessoas/{pessoa}", methods=["PUT"], roles={"dimag", "admin"}, body=PessoaIn, status=200,
              summary="Cadastra ou atualiza magistrado ou servidor")
def put_person(ctx: RequestContext, body: PessoaIn, pessoa: str) -> dict[str, Any]:
    return ctx.deps.service.register_person(body.domain(pessoa))


@routes.route("/pessoas", methods=["GET"], roles=READ_ROLES, query=ListaQuery,
              summary="As pessoas (magistrados e servidores), por matrícula (cursor)")
def list_people(ctx: RequestContext, query: ListaQuery) -> dict[str, Any]:
    people, last = ctx.deps.queries.people_page(query.limite, ctx.decode_cursor(query.cursor))
    return {"itens": people, "proximo": ctx.next_cursor(last)}


@routes.route("/pessoas/{pessoa}", methods=["GET"], roles=READ_ROLES, summary="Cadastro de uma pessoa")
def get_person(ctx: RequestContext, pessoa: str) -> dict[str, Any]:
    return ctx.deps.queries.person(pessoa)


@routes.route("/importacao", methods=["POST"], roles={"dimag", "admin"}, body=ImportacaoIn, idempotent=True,
              summary="Importação em lote de pessoas e designações (tudo ou nada nas recusas)")
def post_import(ctx: RequestContext, body: ImportacaoIn) -> dict[str, Any]:
    return ctx.deps.service.import_batch([p.domain(p.id) for p in body.pessoas],
                                         [d.domain() for d in body.designacoes])


@routes.route("/designacoes", methods=["POST"], roles=RECORD_ROLES, body=DesignacaoIn, idempotent=True,
              summary="Designação de magistrado (cumulação, auxílio, convocação, substituição, diárias, função)",
              other_status=201)
def post_designation(ctx: RequestContext, body: DesignacaoIn) -> Response:
    stored, created = ctx.deps.service.create_designation(body.domain())
    return Response(body=stored, status_code=201 if created else 200, headers={"Content-Type": "application/json"})


@routes.route("/designacoes/{designacao}", methods=["GET"], roles=READ_ROLES, summary="Uma designação")
def get_designation(ctx: RequestContext, designacao: str) -> dict[str, Any]:
    return ctx.deps.queries.designation(designacao)


@routes.route("/pessoas/{pessoa}/designacoes", methods=["GET"], roles=READ_ROLES,
              summary="Designações de um magistrado")
def list_designations(ctx: RequestContext, pessoa: str) -> dict[str, Any]:
    return {"pessoa": pessoa, "itens": ctx.deps.queries.designations_of(pessoa)}


@routes.route("/ferias", methods=["POST"], roles=RECORD_ROLES, body=FeriasIn, status=201, idempotent=True,
              summary="Férias de magistrado (PAG-09, e exceções de PAG-03/04/05/07)")
def post_vacation(ctx: RequestContext, body: FeriasIn) -> dict[str, Any]:
    return ctx.deps.service.record_vacation(body.domain())


@routes.route("/ferias-renunciadas", methods=["POST"], roles=RECORD_ROLES, body=FeriasRenunciadasIn, status=201,
              idempotent=True, summary="Férias renunciadas autorizadas (indenização, PAG-09)")
def post_renounced(ctx: RequestContext, body: FeriasRenunciadasIn) -> dict[str, Any]:
    return ctx.deps.service.record_renounced(body.domain())


@routes.route("/sessoes", methods=["POST"], roles=RECORD_ROLES, body=SessaoIn, status=201, idempotent=True,
              summary="Sessão do Tribunal e a situação de cada membro (PAG-07)")
def post_session(ctx: RequestContext, body: SessaoIn) -> dict[str, Any]:
    return ctx.deps.service.record_session(body.domain())


# --- the run and the memos ------------------------------------------------------------------------


@routes.route("/execucoes", methods=["POST"], roles={"dimag"}, body=ExecucaoIn, response=SituacaoExecucaoOut,
              status=202, idempotent=True,
              summary="Solicita a apuração mensal (PAG-01), executada em seguida pela fila; repetir não muda nada. "
                      "Acompanhe em Location.")
def post_run(ctx: RequestContext, body: ExecucaoIn) -> Response:
    service = ctx.deps.service
    request = service.request_run(service.finished_month(body.competencia), ctx.correlation_id,
                                  ctx.principal.username or "")
    return Response(body=request.status(), status_code=202,
                    headers={"Location": f"/execucoes/{request.competencia}"})


@routes.route("/execucoes/{competencia}", methods=["GET"], roles=READ_ROLES, response=SituacaoExecucaoOut,
              summary="Situação da execução mensal: pendente, em_andamento, concluida (com o resumo) ou falhou")
def get_run(ctx: RequestContext, competencia: str) -> dict[str, Any]:
    return ctx.deps.queries.run_status(competencia)


@routes.route("/memorandos", methods=["GET"], roles=READ_ROLES, query=CompetenciaQuery,
              summary="Memorandos de uma competência com totais (resumo mensal)")
def list_memos(ctx: RequestContext, query: CompetenciaQuery) -> dict[str, Any]:
    return ctx.deps.queries.summary(query.competencia)


@routes.route("/resumos/{competencia}", methods=["GET"], roles=READ_ROLES, summary="Resumo mensal")
def get_summary(ctx: RequestContext, competencia: str) -> dict[str, Any]:
    return ctx.deps.queries.summary(competencia)


@routes.route("/memorandos/{memorando}", methods=["GET"], roles=READ_ROLES, summary="Memorando em JSON")
def get_memo(ctx: RequestContext, memorando: str) -> dict[str, Any]:
    return ctx.deps.queries.document(memorando)


@routes.route("/memorandos/{memorando}", methods=["PATCH"], roles={"dimag", "presidencia"}, body=EdicaoIn,
              summary="Observação num rascunho; assinado ou enviado → 409 (PAG-10)")
def patch_memo(ctx: RequestContext, body: EdicaoIn, memorando: str) -> dict[str, Any]:
    return memo_document(ctx.deps.service.edit(memorando, _user(ctx), body.observacao))


def _memo_named(ctx: RequestContext, memorando: str) -> None:
    ctx.deps.queries.require_memo_id(memorando)


# Every role that reads a memo reads all of them (no one's own records here): the check only refuses ids
# that name no memo.
add_history_route(routes, "/memorandos/{memorando}/historico", target_type="memorando", roles=READ_ROLES,
                  may_read=_memo_named, tags=["Pagamentos"],
                  summary="Histórico do memorando: cada versão da observação (com o editor), assinatura e envio")


@routes.route("/memorandos/{memorando}/csv", methods=["GET"], roles=READ_ROLES, query=CsvQuery,
              summary="CSV para a folha (colunas em docs/pagamentos.md)")
def get_memo_csv(ctx: RequestContext, query: CsvQuery, memorando: str) -> Response:
    text = ctx.deps.queries.csv(memorando, PLAIN if query.formato == "simples" else BR)
    return Response(body=text, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{memorando}.csv"'})


@routes.route("/memorandos/{memorando}/pdf", methods=["GET"], roles=READ_ROLES, errors={406},
              summary="PDF para assinatura (envie Accept: application/pdf)")
def get_memo_pdf(ctx: RequestContext, memorando: str) -> Response:
    require_accept(ctx.headers, "application/pdf")
    data = ctx.deps.queries.pdf(memorando)
    return Response(body=data, status_code=200, headers={
        "Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{memorando}.pdf"'})


@routes.route("/memorandos/{memorando}/assinatura", methods=["POST"], roles={"presidencia"},
              summary="Despacho do Presidente: rascunho → assinado (PAG-10)")
def post_sign(ctx: RequestContext, memorando: str) -> dict[str, Any]:
    return memo_document(ctx.deps.service.sign(memorando, _user(ctx)))


@routes.route("/memorandos/{memorando}/envio", methods=["POST"], roles={"presidencia", "dimag"},
              summary="Envio à DIMAG: JSON, CSV e PDF no S3; assinado → enviado (PAG-10)")
def post_send(ctx: RequestContext, memorando: str) -> dict[str, Any]:
    return memo_document(ctx.deps.service.send(memorando, _user(ctx)))


@routes.route("/plantoes", methods=["GET"], roles=READ_ROLES, query=CompetenciaQuery,
              summary="Plantões cumpridos no mês, como plantao-svc os publicou (registro; sem pagamento próprio)")
def list_duties(ctx: RequestContext, query: CompetenciaQuery) -> dict[str, Any]:
    return {"competencia": query.competencia, "itens": ctx.deps.queries.duties(query.competencia)}


# --- parked events ---------------------------------------------------------------------------------


@routes.route("/estacionados", methods=["GET"], roles={"dimag", "admin"}, query=ListaQuery,
              summary="Eventos que não puderam ser aplicados, com o motivo")
def list_parked(ctx: RequestContext, query: ListaQuery) -> dict[str, Any]:
    items, last = ctx.deps.queries.parked(query.limite, ctx.decode_cursor(query.cursor))
    return {"itens": items, "proximo": ctx.next_cursor(last)}


@routes.route("/estacionados/{evento}/reprocessar", methods=["POST"], roles={"dimag"},
              summary="Aplica de novo um evento estacionado (depois do cadastro da pessoa)")
def replay_parked(ctx: RequestContext, evento: str) -> dict[str, Any]:
    return ctx.deps.service.replay_parked(evento)
