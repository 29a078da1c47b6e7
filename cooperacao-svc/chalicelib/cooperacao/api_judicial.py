"""HTTP routes of judicial cooperation (COOP-12): partner API, internal juízos, the Núcleo, the public register.

Partners call with ``X-Parceiro-*`` signed requests (courtlib.auth.partners) and address their requests by their
own ``id_origem``: another partner's id answers 404, so existence does not leak. The same ``id_origem`` again
returns the first request (200, ``ja_recebido``); with a different content it is a 409.
"""

from __future__ import annotations

import re
from typing import Any

from chalice import Response
from chalicelib.cooperacao.judicial import INTERNAL, JudicialService
from chalicelib.cooperacao.schemas import (
    ID_ORIGEM,
    ORIGEM,
    AtoIn,
    AtoOut,
    DeliberacaoIn,
    DeliberadoOut,
    PedidoJudicialIn,
    PedidoJudicialOut,
    RegistroOut,
    RegistroQuery,
    ato_out,
    pedido_out,
)

from courtlib.errors import NotFound
from courtlib.http import RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery

routes = RouteSet(service="cooperacao", title="Cooperação judiciária", tag="Cooperação judiciária")


def _service(ctx: RequestContext) -> JudicialService:
    return ctx.deps.judicial


def _received(data: dict[str, Any], created: bool, location: str) -> Response:
    out = pedido_out(data, replay=not created)
    return Response(body=out.model_dump(mode="json"), status_code=201 if created else 200,
                    headers={"Location": location})


# --- partner API ---------------------------------------------------------------------------------------


@routes.route("/cooperacao-judiciaria/pedidos", methods=["POST"], partner=True, body=PedidoJudicialIn,
              response=PedidoJudicialOut, status=201,
              summary="Pedido de cooperação judiciária de um tribunal parceiro (COOP-12); o mesmo id_origem devolve "
                      "o mesmo pedido", other_status=200)
def post_partner_request(ctx: RequestContext, body: PedidoJudicialIn) -> Response:
    partner = ctx.principal.partner_id or ""
    data, created = _service(ctx).receive(partner, body.id_origem, body.model_dump(mode="json"))
    return _received(data, created, f"/cooperacao-judiciaria/pedidos/{body.id_origem}")


@routes.route("/cooperacao-judiciaria/pedidos/{id}", methods=["GET"], partner=True, response=PedidoJudicialOut,
              summary="Um pedido do próprio parceiro, com as deliberações (o de outro parceiro responde 404)")
def get_partner_request(ctx: RequestContext, id: str) -> PedidoJudicialOut:
    if not re.match(ID_ORIGEM, id):
        raise NotFound("Pedido de cooperação não encontrado.", field="id")
    return pedido_out(_service(ctx).get(ctx.principal.partner_id or "", id))


@routes.route("/cooperacao-judiciaria/pedidos", methods=["GET"], partner=True, query=PageQuery,
              response=Page[PedidoJudicialOut], summary="Os pedidos do parceiro (cursor)")
def list_partner_requests(ctx: RequestContext, query: PageQuery) -> Page[PedidoJudicialOut]:
    items, last = _service(ctx).list_of(ctx.principal.partner_id or "", query.limite, ctx.decode_cursor(query.cursor))
    return Page[PedidoJudicialOut](itens=[pedido_out(i) for i in items], proximo=ctx.next_cursor(last))


# --- internal juízos and the Núcleo --------------------------------------------------------------------------


@routes.route("/nucleo/pedidos", methods=["POST"], roles={"gestor", "nucleo_cooperacao"}, body=PedidoJudicialIn,
              response=PedidoJudicialOut, status=201, idempotent=True,
              summary="Pedido de cooperação de um juízo interno (COOP-12)", other_status=200)
def post_internal_request(ctx: RequestContext, body: PedidoJudicialIn) -> Response:
    data, created = _service(ctx).receive(INTERNAL, body.id_origem, body.model_dump(mode="json"))
    return _received(data, created, f"/nucleo/pedidos/{INTERNAL}/{body.id_origem}")


@routes.route("/nucleo/pedidos", methods=["GET"], roles={"nucleo_cooperacao"}, query=PageQuery,
              response=Page[PedidoJudicialOut], summary="Todos os pedidos (parceiros e internos), por chegada")
def list_all_requests(ctx: RequestContext, query: PageQuery) -> Page[PedidoJudicialOut]:
    items, last = _service(ctx).list_all(query.limite, ctx.decode_cursor(query.cursor))
    return Page[PedidoJudicialOut](itens=[pedido_out(i) for i in items], proximo=ctx.next_cursor(last))


@routes.route("/nucleo/pedidos/{origem}/{id}", methods=["GET"], roles={"nucleo_cooperacao"},
              response=PedidoJudicialOut, summary="Um pedido")
def get_request(ctx: RequestContext, origem: str, id: str) -> PedidoJudicialOut:
    return pedido_out(_service(ctx).get(origem, id))


@routes.route("/nucleo/pedidos/{origem}/{id}/deliberacao", methods=["POST"], roles={"nucleo_cooperacao"},
              body=DeliberacaoIn, response=DeliberadoOut,
              summary="Deliberação do Núcleo (supervisor, coordenador, magistrado de cooperação, secretário); o ato "
                      "deferido vai ao registro público")
def post_deliberation(ctx: RequestContext, body: DeliberacaoIn, origem: str, id: str) -> DeliberadoOut:
    if not re.match(ORIGEM, origem):
        raise NotFound("Pedido de cooperação não encontrado.", field="origem")
    act = None if body.ato is None else body.ato.model_dump(mode="json")
    data, published = _service(ctx).deliberate(origem, id, ctx.principal.username or "", body.membro,
                           body.decisao, body.fundamento, act)
    return DeliberadoOut(pedido=pedido_out(data), ato=None if published is None else ato_out(published))


# --- public register (banco de boas práticas) ------------------------------------------------------------


@routes.route("/registro/atos", methods=["POST"], roles={"nucleo_cooperacao", "admin"}, body=AtoIn, response=AtoOut,
              status=201, idempotent=True, summary="Publica um ato ou acordo de cooperação no registro público")
def post_act(ctx: RequestContext, body: AtoIn) -> AtoOut:
    return ato_out(_service(ctx).publish(body.model_dump(mode="json"), ctx.principal.username or ""))


@routes.route("/registro/atos", methods=["GET"], public=True, query=RegistroQuery, response=RegistroOut,
              summary="Consulta pública do banco de boas práticas (texto, tipo, ano), mais recentes primeiro")
def search_acts(ctx: RequestContext, query: RegistroQuery) -> RegistroOut:
    items = _service(ctx).search(query.q, query.tipo, query.ano, query.limite)
    return RegistroOut(itens=[ato_out(i) for i in items])


@routes.route("/registro/atos/{id}", methods=["GET"], public=True, response=AtoOut, summary="Um ato do registro")
def get_act(ctx: RequestContext, id: str) -> AtoOut:
    return ato_out(_service(ctx).act(id))
