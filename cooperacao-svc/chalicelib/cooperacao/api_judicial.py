"""HTTP routes of judicial cooperation (COOP-12): partner API, internal juízos, the Núcleo, the public register.

Partners call with ``X-Parceiro-*`` signed requests (courtlib.auth.partners) and address their requests by their
own ``id_origem``: another partner's id answers 404, so existence does not leak. The same ``id_origem`` again
returns the first request (200, ``ja_recebido``); with a different content it is a 409.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from chalice import Response
from chalicelib.cooperacao.domain.model import RuleError
from chalicelib.cooperacao.judicial import INTERNAL, JudicialService
from chalicelib.cooperacao.service import NotFound
from pydantic import BaseModel, Field

from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery

routes = RouteSet(service="cooperacao", title="Cooperação judiciária", tag="Cooperação judiciária")

ID_ORIGEM = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
ORIGEM = r"^[A-Z][A-Z0-9-]{1,19}$"
Instrumento = Literal["auxilio_direto", "ato_concertado", "ato_conjunto", "carta", "outro"]
TipoAto = Literal["acordo_cooperacao_tecnica", "termo_cooperacao", "ato_concertado", "ato_conjunto", "boa_pratica"]


class PedidoJudicialIn(BaseModel):
    """A request for judicial cooperation (CNJ Res. 350/2020)."""

    id_origem: str = Field(pattern=ID_ORIGEM, description="Identificador do pedido no juízo de origem")
    juizo_solicitante: str = Field(min_length=3, max_length=200)
    juizo_destinatario: str = Field(min_length=3, max_length=200, description="Juízo ou unidade deste tribunal")
    instrumento: Instrumento = "auxilio_direto"
    objeto: str = Field(min_length=5, max_length=5000, description="O ato pedido (citação, prova, ...)")
    numero_processo: str | None = Field(None, max_length=30)
    urgente: bool = False


class DeliberacaoOut(BaseModel):
    por: str
    membro: str
    decisao: str
    fundamento: str
    em: str
    regra: str


class PedidoJudicialOut(PedidoJudicialIn):
    origem: str
    id: str
    situacao: str
    recebido_em: str
    deliberacoes: list[DeliberacaoOut]
    ja_recebido: bool = False


class AtoIn(BaseModel):
    """An act or agreement for the public register (banco de boas práticas, 000)."""

    tipo: TipoAto
    titulo: str = Field(min_length=5, max_length=300)
    resumo: str = Field("", max_length=5000)
    partes: list[str] = Field(default_factory=list, max_length=30)
    numero: str | None = Field(None, max_length=60, description="Processo SEI, termo...")
    data: date
    link: str | None = Field(None, max_length=500)


class AtoOut(AtoIn):
    id: str
    pedido: str | None = None
    publicado_em: str


class DeliberacaoIn(BaseModel):
    membro: Literal["supervisor", "coordenador", "magistrado_cooperacao", "secretario"]
    decisao: Literal["deferido", "indeferido", "concluido"]
    fundamento: str = Field(min_length=5, max_length=5000)
    ato: AtoIn | None = Field(None, description="Ato de cooperação a publicar no registro público")


class DeliberadoOut(BaseModel):
    pedido: PedidoJudicialOut
    ato: AtoOut | None


class RegistroQuery(BaseModel):
    q: str | None = Field(None, max_length=200, description="Palavras no título, resumo, partes ou número")
    tipo: TipoAto | None = None
    ano: int | None = Field(None, ge=1990, le=2100)
    limite: int = Field(50, ge=1, le=200)


class RegistroOut(BaseModel):
    itens: list[AtoOut]


def _service(ctx: RequestContext) -> JudicialService:
    return ctx.deps.judicial


def _run(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except RuleError as error:
        raise ProblemError(error.status, error.code, error.detail, error.field) from None
    except NotFound as error:
        raise ProblemError.not_found(error.detail, field=error.field) from None


def _out(data: dict[str, Any], replay: bool = False) -> PedidoJudicialOut:
    return PedidoJudicialOut(**{k: v for k, v in data.items() if k in PedidoJudicialOut.model_fields},
                             ja_recebido=replay)


def _act_out(data: dict[str, Any]) -> AtoOut:
    return AtoOut(**{k: v for k, v in data.items() if k in AtoOut.model_fields})


def _received(data: dict[str, Any], created: bool, location: str) -> Response:
    out = _out(data, replay=not created)
    return Response(body=out.model_dump(mode="json"), status_code=201 if created else 200,
                    headers={"Location": location})


# --- partner API ---------------------------------------------------------------------------------------


@routes.route("/cooperacao-judiciaria/pedidos", methods=["POST"], partner=True, body=PedidoJudicialIn,
              response=PedidoJudicialOut, status=201,
              summary="Pedido de cooperação judiciária de um tribunal parceiro (COOP-12); o mesmo id_origem devolve "
                      "o mesmo pedido", other_status=200)
def post_partner_request(ctx: RequestContext, body: PedidoJudicialIn) -> Response:
    partner = ctx.principal.partner_id or ""
    data, created = _run(_service(ctx).receive, partner, body.id_origem, body.model_dump(mode="json"))
    return _received(data, created, f"/cooperacao-judiciaria/pedidos/{body.id_origem}")


@routes.route("/cooperacao-judiciaria/pedidos/{id}", methods=["GET"], partner=True, response=PedidoJudicialOut,
              summary="Um pedido do próprio parceiro, com as deliberações (o de outro parceiro responde 404)")
def get_partner_request(ctx: RequestContext, id: str) -> PedidoJudicialOut:
    if not re.match(ID_ORIGEM, id):
        raise ProblemError.not_found("Pedido de cooperação não encontrado.", field="id")
    return _out(_run(_service(ctx).get, ctx.principal.partner_id or "", id))


@routes.route("/cooperacao-judiciaria/pedidos", methods=["GET"], partner=True, query=PageQuery,
              response=Page[PedidoJudicialOut], summary="Os pedidos do parceiro (cursor)")
def list_partner_requests(ctx: RequestContext, query: PageQuery) -> Page[PedidoJudicialOut]:
    items, last = _service(ctx).list_of(ctx.principal.partner_id or "", query.limite, ctx.decode_cursor(query.cursor))
    return Page[PedidoJudicialOut](itens=[_out(i) for i in items], proximo=ctx.next_cursor(last))


# --- internal juízos and the Núcleo --------------------------------------------------------------------------


@routes.route("/nucleo/pedidos", methods=["POST"], roles={"gestor", "nucleo_cooperacao"}, body=PedidoJudicialIn,
              response=PedidoJudicialOut, status=201, idempotent=True,
              summary="Pedido de cooperação de um juízo interno (COOP-12)", other_status=200)
def post_internal_request(ctx: RequestContext, body: PedidoJudicialIn) -> Response:
    data, created = _run(_service(ctx).receive, INTERNAL, body.id_origem, body.model_dump(mode="json"))
    return _received(data, created, f"/nucleo/pedidos/{INTERNAL}/{body.id_origem}")


@routes.route("/nucleo/pedidos", methods=["GET"], roles={"nucleo_cooperacao"}, query=PageQuery,
              response=Page[PedidoJudicialOut], summary="Todos os pedidos (parceiros e internos), por chegada")
def list_all_requests(ctx: RequestContext, query: PageQuery) -> Page[PedidoJudicialOut]:
    items, last = _service(ctx).list_all(query.limite, ctx.decode_cursor(query.cursor))
    return Page[PedidoJudicialOut](itens=[_out(i) for i in items], proximo=ctx.next_cursor(last))


@routes.route("/nucleo/pedidos/{origem}/{id}", methods=["GET"], roles={"nucleo_cooperacao"},
              response=PedidoJudicialOut, summary="Um pedido")
def get_request(ctx: RequestContext, origem: str, id: str) -> PedidoJudicialOut:
    return _out(_run(_service(ctx).get, origem, id))


@routes.route("/nucleo/pedidos/{origem}/{id}/deliberacao", methods=["POST"], roles={"nucleo_cooperacao"},
              body=DeliberacaoIn, response=DeliberadoOut,
              summary="Deliberação do Núcleo (supervisor, coordenador, magistrado de cooperação, secretário); o ato "
                      "deferido vai ao registro público")
def post_deliberation(ctx: RequestContext, body: DeliberacaoIn, origem: str, id: str) -> DeliberadoOut:
    if not re.match(ORIGEM, origem):
        raise ProblemError.not_found("Pedido de cooperação não encontrado.", field="origem")
    act = None if body.ato is None else body.ato.model_dump(mode="json")
    data, published = _run(_service(ctx).deliberate, origem, id, ctx.principal.username or "", body.membro,
                           body.decisao, body.fundamento, act)
    return DeliberadoOut(pedido=_out(data), ato=None if published is None else _act_out(published))


# --- public register (banco de boas práticas) ------------------------------------------------------------


@routes.route("/registro/atos", methods=["POST"], roles={"nucleo_cooperacao", "admin"}, body=AtoIn, response=AtoOut,
              status=201, idempotent=True, summary="Publica um ato ou acordo de cooperação no registro público")
def post_act(ctx: RequestContext, body: AtoIn) -> AtoOut:
    return _act_out(_service(ctx).publish(body.model_dump(mode="json"), ctx.principal.username or ""))


@routes.route("/registro/atos", methods=["GET"], public=True, query=RegistroQuery, response=RegistroOut,
              summary="Consulta pública do banco de boas práticas (texto, tipo, ano), mais recentes primeiro")
def search_acts(ctx: RequestContext, query: RegistroQuery) -> RegistroOut:
    items = _service(ctx).search(query.q, query.tipo, query.ano, query.limite)
    return RegistroOut(itens=[_act_out(i) for i in items])


@routes.route("/registro/atos/{id}", methods=["GET"], public=True, response=AtoOut, summary="Um ato do registro")
def get_act(ctx: RequestContext, id: str) -> AtoOut:
    return _act_out(_run(_service(ctx).act, id))
