"""HTTP routes of cartas precatórias (DIST-10): zones and elections (staff), cartas (partner API), consultation.

Partners call with ``X-Parceiro-*`` signed requests (courtlib.auth.partners); a partner sees only its own
cartas, addressed by its own ``id_origem``: another partner's id answers 404, so existence does not leak.
The draw is recorded in the municipality's verifiable log ``ZONAS-<municipio>`` (DIST-11), exported by
``/sorteios/exportacao?log=ZONAS-<municipio>``; the public consultation masks secret cartas (DIST-08).
A carta is drawn in two moments (issue 16): ``POST /precatorias`` answers 201 once its beacon round is out
(≤ ``farol.espera_maxima_s``), or 202 with ``Location: /precatorias/{id_origem}`` and ``Retry-After``; that
resource answers ``situacao: aguardando_farol`` until the carta is drawn, then the carta (``distribuida``).
Models are in ``schemas.py``, use cases in ``precatorias.py``.
"""

from __future__ import annotations

import math

from chalice import Response
from chalicelib.distribuicao.domain.draw import CaseData
from chalicelib.distribuicao.domain.precatorias import MatterKind
from chalicelib.distribuicao.precatorias import CartaAwaiting, CartaCommand, ZoneSpec
from chalicelib.distribuicao.schemas import (
    ConsultaPrecatoriasOut,
    EleicaoIn,
    EleicaoOut,
    PrecatoriaAguardandoOut,
    PrecatoriaIn,
    PrecatoriaOut,
    ZonasIn,
    ZonasOut,
    carta_awaiting_out,
    carta_out,
    public_carta_out,
    zones_out,
)

from courtlib import clock
from courtlib.audit.api import add_history_route
from courtlib.auth.principal import ROLES
from courtlib.http import RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery

routes = RouteSet(service="distribuicao", title="Cartas precatórias", tag="Cartas precatórias")

CLASSE_CARTA = "CartPrec"


def _partner(ctx: RequestContext) -> str:
    """The calling partner court (the routes are ``partner=True``: the dispatcher verified the signature)."""
    assert ctx.principal.partner_id is not None
    return ctx.principal.partner_id


# --- reference data (staff) -------------------------------------------------------------------


@routes.route("/zonas/{municipio}", methods=["PUT"], roles={"distribuicao", "admin"}, body=ZonasIn, response=ZonasOut,
              summary="Cadastra ou substitui as zonas eleitorais de um município (DIST-10)", other_status=201)
def put_zones(ctx: RequestContext, body: ZonasIn, municipio: str) -> Response:
    stored, created = ctx.deps.precatorias.put_zones(
        municipio, [ZoneSpec(z.numero, z.instalada_em) for z in body.zonas])
    out = zones_out(stored)
    return Response(body=out.model_dump(mode="json"), status_code=201 if created else 200,
                    headers={"Location": f"/zonas/{municipio}"})


@routes.route("/zonas/{municipio}", methods=["GET"], roles=set(ROLES), response=ZonasOut,
              summary="As zonas eleitorais de um município, a zona distribuidora e as contagens (DIST-10)")
def get_zones(ctx: RequestContext, municipio: str) -> ZonasOut:
    return zones_out(ctx.deps.precatorias.zones(municipio))


@routes.route("/eleicoes/{data}", methods=["PUT"], roles={"admin"}, body=EleicaoIn, response=EleicaoOut,
              summary="Registra um dia de eleição e as zonas designadas para a propaganda (DIST-10)")
def put_election(ctx: RequestContext, body: EleicaoIn, data: str) -> EleicaoOut:
    election = ctx.deps.precatorias.put_election(data, body.zonas_propaganda)
    return EleicaoOut(data=election.day, zonas_propaganda=sorted(election.propaganda_zones))


add_history_route(routes, "/zonas/{municipio}/historico", target_type="municipio", roles=set(ROLES),
                  tags=["Cartas precatórias"],
                  summary="Histórico das zonas eleitorais de um município (cadastro e substituições, DIST-10)")


# --- partner API ------------------------------------------------------------------------------


@routes.route("/precatorias", methods=["POST"], partner=True, body=PrecatoriaIn, response=PrecatoriaOut, status=201,
              idempotent=True, accepted=PrecatoriaAguardandoOut,
              summary="Recebe uma carta precatória de um tribunal parceiro e a distribui entre as zonas (DIST-10), "
                      "sorteada com a rodada do farol fixada no registro; 202 enquanto a rodada não sai; o mesmo "
                      "id_origem devolve a mesma distribuição", other_status=200)
def post_precatoria(ctx: RequestContext, body: PrecatoriaIn) -> Response:
    service = ctx.deps.precatorias
    number = service.parse_number(body.numero_processo, "numero_processo")
    case = CaseData(number, CLASSE_CARTA, secret=body.segredo_justica, parties=tuple(body.partes),
                    lawyers=tuple(body.advogados))
    outcome = service.receive(CartaCommand(
        partner=_partner(ctx), origin_id=body.id_origem, municipality=body.municipio,
        kind=MatterKind(body.materia), case=case, voter_zone=body.zona_eleitor))
    if isinstance(outcome, CartaAwaiting):
        return _awaiting_response(outcome, 202)
    out = carta_out(outcome.carta, replay=not outcome.created)
    return Response(body=out.model_dump(mode="json"), status_code=201 if outcome.created else 200,
                    headers={"Location": f"/precatorias/{outcome.carta.origin_id}"})


@routes.route("/precatorias/{id}", methods=["GET"], partner=True, response=PrecatoriaOut | PrecatoriaAguardandoOut,
              summary="Uma carta precatória do próprio parceiro: a carta distribuída, ou a registrada que aguarda a "
                      "rodada do farol (situacao aguardando_farol, com Retry-After); a de outro parceiro responde 404")
def get_precatoria(ctx: RequestContext, id: str) -> PrecatoriaOut | Response:
    status = ctx.deps.precatorias.status(_partner(ctx), id)
    if isinstance(status, CartaAwaiting):
        return _awaiting_response(status, 200)
    return carta_out(status)


@routes.route("/precatorias", methods=["GET"], partner=True, query=PageQuery, response=Page[PrecatoriaOut],
              summary="As cartas precatórias enviadas pelo parceiro, das mais antigas às mais novas (cursor)")
def list_precatorias(ctx: RequestContext, query: PageQuery) -> Page[PrecatoriaOut]:
    rows, last = ctx.deps.precatorias.cartas(_partner(ctx), query.limite, ctx.decode_cursor(query.cursor))
    return Page[PrecatoriaOut](itens=[carta_out(r) for r in rows], proximo=ctx.next_cursor(last))


# --- public (DIST-08) -------------------------------------------------------------------------


@routes.route("/precatorias/consulta/{numero}", methods=["GET"], public=True, response=ConsultaPrecatoriasOut,
              summary="Consulta pública de cartas precatórias por número (partes e advogados ocultos em segredo)")
def get_public(ctx: RequestContext, numero: str) -> ConsultaPrecatoriasOut:
    service = ctx.deps.precatorias
    rows = service.public(service.parse_number(numero, "numero"))
    return ConsultaPrecatoriasOut(itens=[public_carta_out(r) for r in rows])


def _awaiting_response(awaiting: CartaAwaiting, status: int) -> Response:
    """The carta awaiting its round: where to follow it, and when to ask again (the round's time, at least 1 s)."""
    out = carta_awaiting_out(awaiting)
    retry = max(1, math.ceil((awaiting.due_at - clock.now()).total_seconds()))
    return Response(body=out.model_dump(mode="json"), status_code=status,
                    headers={"Location": out.consulta, "Retry-After": str(retry)})
