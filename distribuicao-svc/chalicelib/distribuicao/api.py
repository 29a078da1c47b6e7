"""HTTP routes of distribuicao-svc: thin handlers (request model → use case → response model).

Models are in ``schemas.py``; use cases in ``service.py`` and ``draws.py`` (``queries.py``: pure reads); refusals
are ``courtlib.errors`` types raised by the domain and the use cases, answered as problem+json by the dispatcher:
invalid CNJ number → 422 ``DIST-01`` naming the part; no eligible judge → 409 ``DIST-02`` with the reason of
each seat (``motivos``); unknown órgão or case → 404; concurrent writes that won every retry → 503.
"""

from __future__ import annotations

import math
from typing import Any

from chalice import Response
from chalicelib.distribuicao.api_editais import routes as edital_routes
from chalicelib.distribuicao.api_precatorias import routes as precatoria_routes
from chalicelib.distribuicao.commands import DistributionCommand, ManualDrawCommand, RelatedRef
from chalicelib.distribuicao.core import CoreUseCases
from chalicelib.distribuicao.domain.draw import CaseData, PreventionKind, RedistributionReason
from chalicelib.distribuicao.draws import Awaiting, Outcome
from chalicelib.distribuicao.orgaos_csv import orgaos_from_csv
from chalicelib.distribuicao.schemas import (
    AguardandoFarolOut,
    AusenciaRegistradaOut,
    AusenciaRegistroIn,
    CompromissosOut,
    CompromissosQuery,
    ConsultaOut,
    DistribuicaoIn,
    DistribuicaoManualIn,
    DistribuicaoOut,
    ExportacaoQuery,
    ImportacaoIn,
    ImportacaoOut,
    ImportadoOut,
    JuizOut,
    NumeracaoIn,
    NumeracaoOut,
    OrgaoIn,
    OrgaoOut,
    OrgaoResumoOut,
    ProvaOut,
    RedistribuicaoIn,
    SementeOut,
    absence_out,
    awaiting_out,
    consulta_out,
    distribution_out,
    exclusions,
    judge_out,
    orgao_out,
    public_record,
)

from courtlib import clock
from courtlib.audit.api import add_history_route
from courtlib.auth.principal import ROLES
from courtlib.calendar.api import calendar_read_routes
from courtlib.errors import Invalid
from courtlib.http import RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery

__all__ = ["ROUTE_SETS", "TITLE", "OrgaoIn", "routes"]  # OrgaoIn: the draws bench builds its órgão with it

TITLE = "distribuicao-svc — Distribuição de processos"
routes = RouteSet(service="distribuicao", title="Distribuição de processos", tag="Distribuição")
ROUTE_SETS: list[RouteSet] = [routes, precatoria_routes, edital_routes, calendar_read_routes]

REFERENCE_ROLES = {"distribuicao", "admin"}
STAFF_ROLES = set(ROLES)


# --- reference data ---------------------------------------------------------------------------


@routes.route("/orgaos/{orgao}", methods=["PUT"], roles=REFERENCE_ROLES, body=OrgaoIn, response=OrgaoOut,
              summary="Cadastra ou substitui um órgão julgador: cadeiras, juízes, Presidente, mandatos e classes",
              other_status=201)
def put_orgao(ctx: RequestContext, body: OrgaoIn, orgao: str) -> Response:
    service = ctx.deps.service
    stored, created = service.register_orgao(orgao, body)
    out = orgao_out(service.situation(stored))
    return Response(body=out.model_dump(mode="json"), status_code=201 if created else 200,
                    headers={"Location": f"/orgaos/{orgao}"})


@routes.route("/orgaos/importacao", methods=["POST"], roles=REFERENCE_ROLES, body=ImportacaoIn, response=ImportacaoOut,
              csv=orgaos_from_csv,
              summary="Importa vários órgãos julgadores de uma vez, em JSON ou CSV (uma linha por juiz); cada um "
                      "substituído por inteiro, e nada é gravado se algum for recusado")
def import_orgaos(ctx: RequestContext, body: ImportacaoIn) -> ImportacaoOut:
    done = ctx.deps.service.import_orgaos(body.orgaos)
    return ImportacaoOut(importados=[ImportadoOut(id=d.id, criado=d.created, versao=d.version) for d in done])


@routes.route("/orgaos", methods=["GET"], roles=STAFF_ROLES, query=PageQuery, response=Page[OrgaoResumoOut],
              summary="Os órgãos julgadores, por identificador (cursor)")
def list_orgaos(ctx: RequestContext, query: PageQuery) -> Page[OrgaoResumoOut]:
    items, last = ctx.deps.service.orgaos(query.limite, ctx.decode_cursor(query.cursor))
    return Page[OrgaoResumoOut](itens=[OrgaoResumoOut(**{k: i.get(k) for k in ("id", "nome", "classes")})
                                       for i in items], proximo=ctx.next_cursor(last))


@routes.route("/orgaos/{orgao}/membros", methods=["GET"], roles=STAFF_ROLES, query=PageQuery, response=Page[JuizOut],
              summary="Os membros de um órgão julgador, por identificador (cursor)")
def list_members(ctx: RequestContext, query: PageQuery, orgao: str) -> Page[JuizOut]:
    members, last = ctx.deps.service.members(orgao, query.limite, ctx.decode_cursor(query.cursor))
    return Page[JuizOut](itens=[judge_out(j, desembargador) for j, desembargador in members],
                         proximo=ctx.next_cursor(last))


@routes.route("/orgaos/{orgao}", methods=["GET"], roles=STAFF_ROLES, response=OrgaoOut,
              summary="Um órgão julgador: quem recebe hoje em cada cadeira, contagens e cabeça do log")
def get_orgao(ctx: RequestContext, orgao: str) -> OrgaoOut:
    service = ctx.deps.service
    return orgao_out(service.situation(service.get_orgao(orgao)))


@routes.route("/orgaos/{orgao}/ausencias", methods=["POST"], roles=REFERENCE_ROLES, body=AusenciaRegistroIn,
              response=AusenciaRegistradaOut, status=201, idempotent=True,
              summary="Registra o afastamento de um juiz (DIST-06); o de desembargador é publicado (PAG-03)")
def register_absence(ctx: RequestContext, body: AusenciaRegistroIn, orgao: str) -> AusenciaRegistradaOut:
    judge, published = ctx.deps.service.register_absence(orgao, body.juiz, body.domain(), ctx.correlation_id)
    return AusenciaRegistradaOut(orgao=orgao, juiz=judge.id, ausencias=[absence_out(a) for a in judge.absences],
                                 evento_publicado=published)


# --- distribution -----------------------------------------------------------------------------


@routes.route("/distribuicoes", methods=["POST"], roles={"distribuicao"}, body=DistribuicaoIn, response=DistribuicaoOut,
              status=201, idempotent=True, accepted=AguardandoFarolOut,
              summary="Distribui um processo: sorteio verificável com igualdade por classe, ou prevenção "
                      "(DIST-02, DIST-03)", other_status=200)
def post_distribution(ctx: RequestContext, body: DistribuicaoIn) -> Response:
    draws = ctx.deps.draws
    return _distribution_response(draws.distribute(_command(draws, body)))


@routes.route("/distribuicoes/manuais", methods=["POST"], roles={"distribuicao"}, body=DistribuicaoManualIn,
              response=DistribuicaoOut, status=201, idempotent=True, accepted=AguardandoFarolOut,
              summary="Registra um sorteio manual feito com o sistema fora do ar: testemunhas e ata (DIST-09)",
              other_status=200)
def post_manual_distribution(ctx: RequestContext, body: DistribuicaoManualIn) -> Response:
    draws = ctx.deps.draws
    command = ManualDrawCommand(_command(draws, body), body.cadeira, tuple(body.testemunhas), body.ata,
                                body.autorizado_por, body.realizado_em)
    return _distribution_response(draws.manual_draw(command))


@routes.route("/distribuicoes/{numero}/redistribuicao", methods=["POST"], roles={"distribuicao", "presidencia"},
              body=RedistribuicaoIn, response=DistribuicaoOut, status=201, idempotent=True, accepted=AguardandoFarolOut,
              summary="Redistribui por erro, impedimento ou suspeição do relator, com compensação (DIST-04)",
              other_status=200)
def post_redistribution(ctx: RequestContext, body: RedistribuicaoIn, numero: str) -> Response:
    draws = ctx.deps.draws
    number = draws.parse_number(numero, "numero", lookup=True)
    return _distribution_response(draws.redistribute(number, RedistributionReason(body.motivo),
                                                       exclusions(body.excluidos)))


@routes.route("/processos/numeracao", methods=["POST"], roles={"distribuicao"}, body=NumeracaoIn,
              response=NumeracaoOut, status=201, idempotent=True,
              summary="Gera o próximo número CNJ da origem no ano, com dígitos verificadores (DIST-01)")
def post_numbering(ctx: RequestContext, body: NumeracaoIn) -> NumeracaoOut:
    number = ctx.deps.service.next_number(body.origem, body.ano)
    return NumeracaoOut(numero_processo=str(number), digitos=number.digits, sequencial=number.sequential,
                        ano=number.year, origem=number.origin)


# --- public (DIST-08, DIST-11) ------------------------------------------------------------------


@routes.route("/distribuicoes/{numero}", methods=["GET"], public=True, response=ConsultaOut | AguardandoFarolOut,
              summary="Consulta pública de uma distribuição (partes e advogados ocultos em segredo de justiça), ou "
                      "do processo registrado que aguarda a rodada do farol (situacao aguardando_farol)")
def get_distribution(ctx: RequestContext, numero: str) -> ConsultaOut | Response:
    draws = ctx.deps.draws
    status = draws.status(draws.parse_number(numero, "numero", lookup=True))
    if isinstance(status, Awaiting):
        return _awaiting_response(status, 200)
    return consulta_out(status)


@routes.route("/distribuicoes/{numero}/prova", methods=["GET"], public=True, response=ProvaOut,
              summary="Os registros encadeados dos sorteios do processo e as sementes já reveladas (DIST-11)")
def get_proof(ctx: RequestContext, numero: str) -> ProvaOut:
    service = ctx.deps.service
    row, pairs, published, today = service.proof(service.parse_number(numero, "numero", lookup=True))
    return ProvaOut(
        numero_processo=str(row.number), log=row.orgao, registros=[public_record(r, d) for r, d in pairs],
        sementes=[SementeOut(dia=p.day, sha256=p.commitment, semente=p.revealed(today)) for p in published],
        verificacao=f"Baixe /sorteios/exportacao?log={row.orgao} e rode scripts/verify_draws.py: refaz o encadeamento "
                    "e cada sorteio a partir das sementes reveladas.",
    )


@routes.route("/sorteios/exportacao", methods=["GET"], public=True, query=ExportacaoQuery,
              summary="Exportação pública do log (formato lido por scripts/verify_draws.py); sementes só de dias "
                      "passados", errors={404})
def get_export(ctx: RequestContext, query: ExportacaoQuery) -> dict[str, Any]:
    export: dict[str, Any] = ctx.deps.service.export(query.log)
    return export


@routes.route("/sorteios/compromissos", methods=["GET"], public=True, query=CompromissosQuery, response=CompromissosOut,
              summary="Compromissos (sha256) das sementes diárias, publicados antes de cada dia; sementes de dias "
                      "passados")
def get_commitments(ctx: RequestContext, query: CompromissosQuery) -> CompromissosOut:
    published, today = ctx.deps.service.commitments(query.inicio, query.fim)
    return CompromissosOut(hoje=today, itens=[SementeOut(dia=p.day, sha256=p.commitment, semente=p.revealed(today))
                                              for p in published])


# --- histories (issue 17) ----------------------------------------------------------------------


def _case_history_readable(ctx: RequestContext, numero: str) -> None:
    """The case's records are under its number as the public sees it (NNNNNNN-DD.AAAA.J.TR.OOOO): another spelling
    of the same number is refused naming the right one, never answered as an empty history."""
    number = ctx.deps.service.parse_number(numero, "numero", lookup=True)
    if str(number) != numero:
        raise Invalid(f"Informe o número no formato NNNNNNN-DD.AAAA.J.TR.OOOO: {number}", field="numero")


# Staff only: the public record names a servant by role, the history names the person (corregedoria's view).
add_history_route(routes, "/distribuicoes/{numero}/historico", target_type="processo", roles=STAFF_ROLES,
                  may_read=_case_history_readable, tags=["Distribuição"],
                  summary="Histórico de um processo: numeração, distribuição ou sorteio manual e redistribuições, "
                          "com quem agiu, a regra e o antes/depois")
add_history_route(routes, "/orgaos/{orgao}/historico", target_type="orgao", roles=STAFF_ROLES, tags=["Distribuição"],
                  summary="Histórico de um órgão julgador: cadastro, alterações da composição e afastamentos")


# --- helpers ----------------------------------------------------------------------------------


def _command(service: CoreUseCases, body: DistribuicaoIn) -> DistributionCommand:
    """The use case's command from the body: numbers parsed for this tribunal (DIST-01), names as given."""
    number = service.parse_number(body.numero_processo, "numero_processo")
    related = None
    if body.processo_relacionado is not None:
        ref = body.processo_relacionado
        related = RelatedRef(service.parse_number(ref.numero, "processo_relacionado.numero"),
                             PreventionKind(ref.tipo), ref.redator_acordao, ref.relator, ref.cadeira, ref.pendente)
    case = CaseData(number, body.classe, secret=body.segredo_justica, urgent=body.urgente,
                    needs_revisor=body.exige_revisor, parties=tuple(body.partes), lawyers=tuple(body.advogados),
                    subjects=tuple(body.assuntos))
    return DistributionCommand(body.orgao, case, related, exclusions(body.excluidos))


def _awaiting_response(awaiting: Awaiting, status: int) -> Response:
    """The act awaiting its round: where to follow it, and when to ask again (the round's time, at least 1 s)."""
    out = awaiting_out(awaiting)
    retry = max(1, math.ceil((awaiting.due_at - clock.now()).total_seconds()))
    return Response(body=out.model_dump(mode="json"), status_code=status,
                    headers={"Location": out.consulta, "Retry-After": str(retry)})


def _distribution_response(outcome: Outcome | Awaiting) -> Response:
    """201 for a new distribution, 200 when the case was already distributed (no new draw), 202 when the act is
    registered and awaits its beacon round (``Location``: the case's status)."""
    if isinstance(outcome, Awaiting):
        return _awaiting_response(outcome, 202)
    out: DistribuicaoOut = distribution_out(outcome)
    return Response(body=out.model_dump(mode="json"), status_code=201 if outcome.created else 200,
                    headers={"Location": f"/distribuicoes/{outcome.case.number}"})
