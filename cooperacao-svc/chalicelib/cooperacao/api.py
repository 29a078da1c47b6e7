"""HTTP routes of servants' cooperation (thin handlers: body → use case or query → response; bodies in schemas.py).

Refusals are the use cases' :mod:`courtlib.errors` (the dispatcher answers problem+json): 422 with ``code`` = the
rule (COOP-xx), 409 for conflicts, ``field`` and a Portuguese ``detail`` saying why and what is left; a refused
request writes nothing. A servant reaches only their own requests and records; a manager only their unit's; a
partner court only its own judicial requests.
"""

from __future__ import annotations

import re
from typing import Any

from chalice import Response
from chalicelib.cooperacao.api_judicial import routes as judicial_routes
from chalicelib.cooperacao.domain.rules import hours_text
from chalicelib.cooperacao.schemas import (
    ID,
    MONTH,
    AfastamentoIn,
    AnexoIn,
    CooperacaoOut,
    CooperacoesOut,
    DecisaoIn,
    DesignacaoIn,
    FechamentoIn,
    FimIn,
    ImportacaoCooperacoesIn,
    ImportacaoIn,
    ImportacaoOut,
    NormaIn,
    PedidoIn,
    PontoIn,
    PontoRegistradoOut,
    PontosOut,
    PontosQuery,
    PortariaIn,
    ServidorIn,
    ServidorOut,
    UnidadeIn,
    UnidadeOut,
    coop_out,
    ponto_out,
    servant_out,
    unit_out,
)
from chalicelib.cooperacao.service import Actor

from courtlib.audit.api import add_history_route
from courtlib.auth.principal import ROLES
from courtlib.calendar.api import calendar_read_routes
from courtlib.errors import Invalid
from courtlib.http import RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery
from courtlib.http.run_status import SituacaoExecucaoOut

__all__ = ["ROUTE_SETS", "TITLE", "PontoIn", "routes"]

TITLE = "cooperacao-svc — Cooperação de servidores e cooperação judiciária"
routes = RouteSet(service="cooperacao", title="Cooperação de servidores", tag="Cooperação de servidores")
ROUTE_SETS: list[RouteSet] = [routes, judicial_routes, calendar_read_routes]

REFERENCE_ROLES = {"admin", "corregedoria"}
STAFF_ROLES = set(ROLES)
CLOSE_ROLES = {"admin", "dimag"}


def actor(ctx: RequestContext) -> Actor:
    return Actor(ctx.principal.username or "", ctx.principal.groups)


def _check_id(value: str, field: str) -> None:
    if not re.match(ID, value):
        raise Invalid("identificador inválido", field=field)


# --- reference data -------------------------------------------------------------------------------


@routes.route("/servidores/{servidor}", methods=["PUT"], roles=REFERENCE_ROLES, body=ServidorIn, response=ServidorOut,
              summary="Cadastra ou substitui um servidor: cargo, comissão, FG, Direito, lotação, expediente")
def put_servant(ctx: RequestContext, body: ServidorIn, servidor: str) -> ServidorOut:
    _check_id(servidor, "servidor")
    servant = body.domain(servidor)
    ctx.deps.service.put_servant(servant)
    return servant_out(servant)


@routes.route("/servidores/{servidor}", methods=["GET"], roles=STAFF_ROLES, response=ServidorOut,
              owner="servidor", owner_unless=REFERENCE_ROLES,
              summary="Cadastro de um servidor (o próprio, a administração ou a Corregedoria)")
def get_servant(ctx: RequestContext, servidor: str) -> ServidorOut:
    return servant_out(ctx.deps.queries.servant(servidor))


@routes.route("/servidores", methods=["GET"], roles=REFERENCE_ROLES, query=PageQuery, response=Page[ServidorOut],
              summary="Os servidores, por matrícula (cursor); cadastro pessoal: só administração e Corregedoria")
def list_servants(ctx: RequestContext, query: PageQuery) -> Page[ServidorOut]:
    servants, last = ctx.deps.queries.servants(query.limite, ctx.decode_cursor(query.cursor))
    return Page[ServidorOut](itens=[servant_out(s) for s in servants], proximo=ctx.next_cursor(last))


@routes.route("/unidades", methods=["GET"], roles=STAFF_ROLES, query=PageQuery, response=Page[UnidadeOut],
              summary="As unidades, por identificador (cursor)")
def list_units(ctx: RequestContext, query: PageQuery) -> Page[UnidadeOut]:
    units, last = ctx.deps.queries.units(query.limite, ctx.decode_cursor(query.cursor))
    return Page[UnidadeOut](itens=[unit_out(u) for u in units], proximo=ctx.next_cursor(last))


@routes.route("/unidades/{unidade}", methods=["PUT"], roles=REFERENCE_ROLES, body=UnidadeIn, response=UnidadeOut,
              summary="Cadastra ou substitui uma unidade: gestor, prédio, tipo (gabinete/cartório/outra)")
def put_unit(ctx: RequestContext, body: UnidadeIn, unidade: str) -> UnidadeOut:
    _check_id(unidade, "unidade")
    ctx.deps.service.put_unit(body.domain(unidade))
    return UnidadeOut(id=unidade, **body.model_dump())


@routes.route("/unidades/{unidade}", methods=["GET"], roles=STAFF_ROLES, response=UnidadeOut,
              summary="Uma unidade")
def get_unit(ctx: RequestContext, unidade: str) -> UnidadeOut:
    return unit_out(ctx.deps.queries.unit(unidade))


@routes.route("/anexos/{anexo}", methods=["PUT"], roles=REFERENCE_ROLES, body=AnexoIn, response=AnexoIn,
              summary="Substitui a lista de um anexo da norma (I: M1, IV: M4, V: M5) com a cota de cada unidade")
def put_annex(ctx: RequestContext, body: AnexoIn, anexo: str) -> AnexoIn:
    ctx.deps.service.put_annex(anexo, body.unidades)
    return body


@routes.route("/anexos/{anexo}", methods=["GET"], roles=STAFF_ROLES, response=AnexoIn, summary="A lista de um anexo")
def get_annex(ctx: RequestContext, anexo: str) -> AnexoIn:
    return AnexoIn(unidades=ctx.deps.queries.annex(anexo))


@routes.route("/portarias/{portaria}", methods=["PUT"], roles=REFERENCE_ROLES, body=PortariaIn, response=PortariaIn,
              summary="Portaria mensal da CGJ para M2/M3: período e cota por unidade (limites do COOP-02)")
def put_portaria(ctx: RequestContext, body: PortariaIn, portaria: str) -> PortariaIn:
    _check_id(portaria, "portaria")
    ctx.deps.service.put_portaria(body.domain(portaria))
    return body


@routes.route("/portarias", methods=["GET"], roles=STAFF_ROLES, summary="As portarias da CGJ")
def list_portarias(ctx: RequestContext) -> dict[str, Any]:
    return {"itens": ctx.deps.queries.portarias()}


@routes.route("/afastamentos", methods=["POST"], roles=REFERENCE_ROLES, body=AfastamentoIn, status=201,
              response=AfastamentoIn, idempotent=True,
              summary="Afastamento (saúde de comissionado, nascimento de filho) que abre M5 (COOP-09)", errors={404})
def post_leave(ctx: RequestContext, body: AfastamentoIn) -> AfastamentoIn:
    ctx.deps.service.put_leave(body.domain())
    return body


@routes.route("/designacoes", methods=["POST"], roles=REFERENCE_ROLES, body=DesignacaoIn, status=201,
              response=DesignacaoIn, idempotent=True,
              summary="Designação de substituto numa unidade (efetivo de outra unidade impede M5, COOP-09)",
              errors={404})
def post_designation(ctx: RequestContext, body: DesignacaoIn) -> DesignacaoIn:
    ctx.deps.service.put_designation(body.domain())
    return body


@routes.route("/norma", methods=["PUT"], roles=REFERENCE_ROLES, body=NormaIn, response=NormaIn,
              summary="Prazo máximo da norma (COOP-09)")
def put_norm(ctx: RequestContext, body: NormaIn) -> NormaIn:
    ctx.deps.service.put_final_date(body.data_final)
    return body


@routes.route("/importacao", methods=["POST"], roles=REFERENCE_ROLES, body=ImportacaoIn, response=ImportacaoOut,
              idempotent=True, summary="Importação em lote dos dados de referência (unidades primeiro)", errors={404})
def post_import(ctx: RequestContext, body: ImportacaoIn) -> ImportacaoOut:
    ctx.deps.service.import_reference(body.domain())
    return body.counts()


# --- requests (COOP-01..05, 07, 09) and decisions (COOP-10) ----------------------------------------


@routes.route("/cooperacoes", methods=["POST"], roles={"servidor"}, body=PedidoIn, response=CooperacaoOut, status=201,
              idempotent=True, summary="Requerimento de cooperação (COOP-01), conferido na hora (COOP-02..05, 07, 09)",
              errors={404})
def post_request(ctx: RequestContext, body: PedidoIn) -> Response:
    coop, left = ctx.deps.service.submit(ctx.principal.username or "", body.command())
    out = coop_out(coop, left)
    return Response(body=out.model_dump(mode="json"), status_code=201, headers={"Location": f"/cooperacoes/{coop.id}"})


@routes.route("/cooperacoes/importacao", methods=["POST"], roles=REFERENCE_ROLES, body=ImportacaoCooperacoesIn,
              response=CooperacoesOut, status=201, idempotent=True,
              summary="Importa cooperações já deferidas no processo anterior (mesmas regras, julgadas no início de "
                      "cada uma); a primeira recusada interrompe a importação e diz quais entraram", errors={404})
def post_import_cooperations(ctx: RequestContext, body: ImportacaoCooperacoesIn) -> CooperacoesOut:
    done = ctx.deps.service.import_cooperations([item.domain() for item in body.cooperacoes],
                                                ctx.principal.username or "")
    return CooperacoesOut(itens=[coop_out(coop, left) for coop, left in done])


@routes.route("/cooperacoes", methods=["GET"], roles={"servidor"}, response=CooperacoesOut,
              summary="As cooperações do próprio servidor")
def list_own(ctx: RequestContext) -> CooperacoesOut:
    return CooperacoesOut(itens=[coop_out(c) for c in ctx.deps.queries.own_cooperations(actor(ctx))])


@routes.route("/cooperacoes/{id}", methods=["GET"], roles=STAFF_ROLES, response=CooperacaoOut,
              summary="Uma cooperação com as decisões (o servidor, os gestores das unidades, Corregedoria, admin)")
def get_request(ctx: RequestContext, id: str) -> CooperacaoOut:
    coop, decisions = ctx.deps.queries.cooperation(id, actor(ctx))
    return coop_out(coop, decisions=decisions)


def _may_read_cooperation(ctx: RequestContext, coop_id: str) -> None:
    """The cooperation's own read rule: the servant, the managers of both units, the Corregedoria, admin."""
    ctx.deps.queries.cooperation(coop_id, actor(ctx))


add_history_route(routes, "/cooperacoes/{id}/historico", target_type="cooperacao", roles=STAFF_ROLES,
                  may_read=_may_read_cooperation, tags=["Cooperação de servidores"],
                  summary="Histórico auditado de uma cooperação: requerimento ou importação, decisões, prorrogação, "
                          "término e pontos (quem, quando, regra, antes e depois)")


@routes.route("/unidades/{unidade}/cooperacoes", methods=["GET"], roles={"gestor", "corregedoria", "admin"},
              response=CooperacoesOut, summary="As cooperações de uma unidade (o seu gestor, Corregedoria, admin)")
def list_unit(ctx: RequestContext, unidade: str) -> CooperacoesOut:
    return CooperacoesOut(itens=[coop_out(c) for c in ctx.deps.queries.unit_cooperations(unidade, actor(ctx))])


@routes.route("/cooperacoes/{id}/decisao", methods=["POST"], roles={"gestor", "corregedoria"}, body=DecisaoIn,
              response=CooperacaoOut, summary="Deferimento/indeferimento (COOP-10): gestor da unidade cooperada "
                                              "com a meta; em M2/M3 depois a Corregedoria")
def post_decision(ctx: RequestContext, body: DecisaoIn, id: str) -> CooperacaoOut:
    new = ctx.deps.service.decide(id, actor(ctx), body.deferir, body.meta, body.motivo)
    return coop_out(new, decisions=ctx.deps.queries.decisions(id))


@routes.route("/cooperacoes/{id}/prorrogacao", methods=["POST"], roles={"gestor"}, body=FimIn, response=CooperacaoOut,
              summary="Prorrogação pedida pelo gestor da unidade cooperada, dentro do COOP-09 (COOP-10)")
def post_extension(ctx: RequestContext, body: FimIn, id: str) -> CooperacaoOut:
    return coop_out(ctx.deps.service.extend(id, actor(ctx), body.fim, body.motivo))


@routes.route("/cooperacoes/{id}/termino", methods=["POST"], roles={"gestor"}, body=FimIn, response=CooperacaoOut,
              summary="Término antecipado informado pelo gestor da unidade cooperada (COOP-10)")
def post_early_end(ctx: RequestContext, body: FimIn, id: str) -> CooperacaoOut:
    return coop_out(ctx.deps.service.end_early(id, actor(ctx), body.fim, body.motivo))


# --- ponto (COOP-06, COOP-08) -----------------------------------------------------------------------


@routes.route("/cooperacoes/{id}/pontos", methods=["POST"], roles={"servidor"}, body=PontoIn,
              response=PontoRegistradoOut, status=201, idempotent=True,
              summary="Registro de ponto de uma sessão (COOP-08): fora do expediente, no período, sem sobreposição, "
                      "até 40 h no mês somando todas as cooperações (COOP-06)")
def post_time_record(ctx: RequestContext, body: PontoIn, id: str) -> PontoRegistradoOut:
    record, total, left = ctx.deps.service.record_time(actor(ctx), id, body.inicio, body.fim)
    return PontoRegistradoOut(registro=ponto_out(record), competencia=record.month, minutos_mes=total,
                              disponiveis_minutos=left, disponiveis=hours_text(left))


@routes.route("/servidores/{servidor}/pontos", methods=["GET"], roles=STAFF_ROLES, query=PontosQuery,
              response=PontosOut, owner="servidor", owner_unless={"admin", "corregedoria", "dimag"},
              summary="Os pontos do servidor num mês (o próprio, admin, Corregedoria, DIMAG)")
def list_time_records(ctx: RequestContext, query: PontosQuery, servidor: str) -> PontosOut:
    sheet = ctx.deps.queries.month_sheet(servidor, query.competencia)
    return PontosOut(servidor=servidor, competencia=query.competencia, minutos_mes=sheet.minutes,
                     disponiveis_minutos=sheet.available, itens=[ponto_out(r) for r in sheet.records])


# --- monthly close (COOP-11) ------------------------------------------------------------------------


@routes.route("/fechamentos", methods=["POST"], roles=CLOSE_ROLES, body=FechamentoIn, response=SituacaoExecucaoOut,
              status=202, idempotent=True,
              summary="Solicita o fechamento de um mês (padrão: o anterior), executado em seguida pela fila: uma "
                      "gratificação por servidor; repetir não publica nada novo; correção posterior vira ajuste "
                      "(COOP-11). Acompanhe em Location.")
def post_close(ctx: RequestContext, body: FechamentoIn) -> Response:
    request = ctx.deps.service.request_close(body.competencia, ctx.correlation_id, ctx.principal.username or "")
    return Response(body=request.status(), status_code=202,
                    headers={"Location": f"/fechamentos/{request.competencia}"})


@routes.route("/fechamentos/{competencia}", methods=["GET"], roles=CLOSE_ROLES, response=SituacaoExecucaoOut,
              summary="Situação do fechamento: pendente, em_andamento, concluida (com o resumo) ou falhou")
def get_close(ctx: RequestContext, competencia: str) -> dict[str, Any]:
    if not re.match(MONTH, competencia):
        raise Invalid("competência inválida: use AAAA-MM", field="competencia")
    return ctx.deps.queries.close(competencia)
