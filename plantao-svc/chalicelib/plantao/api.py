"""HTTP routes of plantao-svc: each handler parses, calls one use case (``ctx.deps.service``) or one read
(``ctx.deps.queries``) and answers the response model (``schemas.py``). Refusals are raised by the use cases as
:mod:`courtlib.errors` types and answered as problem+json by the dispatcher.

Roles: reference data ``admin``; generation, approval, impediments and approvals of swaps and compensation
``presidencia``; requests of swaps and compensation ``gestor``/``presidencia``/``admin``; staff reads every
role. Public reads (PLAN-03) show who serves a shift only from D−5: before that, an entry's fields and the
whole answer depend on the calendar, the reference data and the clock — never on who is designated.

Histories (issue 17): ``/escalas/{escala}/historico`` (every act on the scale and its shifts, read under the same
embargo) and ``/compensacoes/{magistrado}/historico``; the calendar's days have theirs in courtlib.
"""

from __future__ import annotations

from typing import Any

from chalice import Response
from chalicelib.plantao.domain.compensation import CreditKind
from chalicelib.plantao.domain.embargo import PREPARERS
from chalicelib.plantao.domain.scales import Kind
from chalicelib.plantao.queries import (
    Viewer,
    document_state,
    generation_view,
    plantao_view,
    portaria_link,
    scale_view,
    swap_view,
    use_view,
)
from chalicelib.plantao.schemas import (
    CandidaturaIn,
    CandidaturasOut,
    CreditoIn,
    DiaPublicoOut,
    EscalaIn,
    EscalaOut,
    EscalaPublicaOut,
    EscalasOut,
    ExtratoOut,
    GeracaoOut,
    ImpedimentoIn,
    ImpedimentoOut,
    ImportacaoOut,
    LancamentoOut,
    MesQuery,
    NoturnoIn,
    NovosDiasOut,
    PermutaIn,
    PermutaOut,
    PermutasOut,
    PortariaOut,
    ReferenciaIn,
    RotacaoIn,
    RotacaoOut,
    TipoQuery,
    UsoIn,
    UsoOut,
    parse_day,
    parse_kind,
    parse_month,
    parse_portaria_number,
    parse_quadrimester,
)

from courtlib.audit.api import add_history_route, guard_audit_reads
from courtlib.auth.principal import ROLES
from courtlib.calendar.api import calendar_admin_routes, calendar_clock_routes, calendar_read_routes
from courtlib.http import RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery
from courtlib.http.responses import require_accept

TITLE = "plantao-svc — Plantão judiciário e calendário do tribunal"
routes = RouteSet(service="plantao", title="Plantão judiciário", tag="Plantão")
public_routes = RouteSet(service="plantao", title="Plantão judiciário (consulta pública)", tag="Plantão (público)")
ROUTE_SETS: list[RouteSet] = [routes, public_routes, calendar_admin_routes, calendar_read_routes,
                              calendar_clock_routes]

STAFF = set(ROLES)
PRESIDENCY = {"presidencia"}
REQUESTERS = {"gestor", "presidencia", "admin"}
GENERATION_RETRY_AFTER = 5  # seconds: a draft takes seconds to half a minute (docs/sizing.md)


def _viewer(ctx: RequestContext) -> Viewer:
    return ctx.deps.queries.viewer(ctx.principal.username, ctx.principal.groups)


def _by(ctx: RequestContext) -> str:
    return ctx.principal.username or ""


# --- reference data ------------------------------------------------------------------------------------


@routes.route("/referencia", methods=["PUT"], roles={"admin"}, body=ReferenciaIn, response=ImportacaoOut,
              summary="Importa dados de referência (regiões, comarcas, juízos, magistrados, zonas, períodos "
                      "eleitorais)")
def put_reference(ctx: RequestContext, body: ReferenciaIn) -> ImportacaoOut:
    return ImportacaoOut(importados=ctx.deps.service.import_reference(body.parts()))


def _reference_page(ctx: RequestContext, query: PageQuery, part: str) -> Page[dict[str, Any]]:
    start = ctx.decode_cursor(query.cursor)
    items, after = ctx.deps.queries.reference_page(part, query.limite, None if start is None else start.get("depois"))
    return Page[dict[str, Any]](itens=items, proximo=ctx.next_cursor(None if after is None else {"depois": after}))


@routes.route("/regioes", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="As regiões, por identificador (cursor)")
def list_regions(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    return _reference_page(ctx, query, "regioes")


@routes.route("/comarcas", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="As comarcas, por identificador (cursor)")
def list_comarcas(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    return _reference_page(ctx, query, "comarcas")


@routes.route("/juizos", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="Os juízos, por identificador (cursor)")
def list_juizos(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    return _reference_page(ctx, query, "juizos")


@routes.route("/magistrados", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="Os magistrados, por identificador (cursor)")
def list_magistrates(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    return _reference_page(ctx, query, "magistrados")


@routes.route("/zonas", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="As zonas eleitorais, por identificador (cursor)")
def list_zones(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    return _reference_page(ctx, query, "zonas")


@routes.route("/referencia", methods=["GET"], roles=STAFF, summary="Os dados de referência do plantão")
def get_reference(ctx: RequestContext) -> dict[str, Any]:
    return ctx.deps.queries.reference_document()


@routes.route("/noturno/{ano}/{quadrimestre}/candidaturas", methods=["POST"], roles=REQUESTERS, body=CandidaturaIn,
              response=CandidaturasOut, status=201, idempotent=True,
              summary="Candidatura ao plantão noturno do quadrimestre, no mês do edital (PLAN-01)")
def post_candidate(ctx: RequestContext, body: CandidaturaIn, ano: str, quadrimestre: str) -> CandidaturasOut:
    year, q = parse_quadrimester(ano, quadrimestre)
    names = ctx.deps.service.add_candidate(year, q, body.magistrado)
    return CandidaturasOut(ano=year, quadrimestre=q, candidatos=names)


@routes.route("/noturno/{ano}/{quadrimestre}", methods=["PUT"], roles=PRESIDENCY, body=NoturnoIn,
              response=CandidaturasOut, summary="Designa os juízes do plantão noturno do quadrimestre (PLAN-01)")
def put_night_group(ctx: RequestContext, body: NoturnoIn, ano: str, quadrimestre: str) -> CandidaturasOut:
    year, q = parse_quadrimester(ano, quadrimestre)
    ctx.deps.service.designate_night(year, q, body.juizes)
    return CandidaturasOut(ano=year, quadrimestre=q, candidatos=body.juizes)


@routes.route("/rotacoes/{tipo}", methods=["PUT"], roles={"admin", "presidencia"}, body=RotacaoIn, response=RotacaoOut,
              summary="Na adoção do sistema: onde cada rotação parou nas escalas feitas à mão (PLAN-02)")
def put_rotation(ctx: RequestContext, body: RotacaoIn, tipo: str) -> RotacaoOut:
    kind = parse_kind(tipo)
    positions = ctx.deps.service.continue_from(kind, parse_month(body.ultimo_mes), body.ultimos)
    return RotacaoOut(tipo=tipo, ultimo_mes=body.ultimo_mes, posicoes=positions)


# --- scales ----------------------------------------------------------------------------------------------


@routes.route("/escalas", methods=["POST"], roles=PRESIDENCY, body=EscalaIn, response=GeracaoOut, status=202,
              idempotent=True,
              summary="Pede o rascunho da escala de um mês e tipo, continuando a rotação (PLAN-01/02/09), gerado em "
                      "seguida pela fila; repetir enquanto corre responde o mesmo pedido. Acompanhe em Location.")
def post_scale(ctx: RequestContext, body: EscalaIn) -> Response:
    kind = Kind(body.tipo)
    request = ctx.deps.service.request_generation(parse_month(body.mes), kind, ctx.correlation_id, _by(ctx))
    status = generation_view(request, kind)
    return Response(body=status.model_dump(mode="json"), status_code=202,
                    headers={"Location": f"/geracoes/{status.escala}", "Retry-After": str(GENERATION_RETRY_AFTER)})


@routes.route("/geracoes/{escala}", methods=["GET"], roles=PREPARERS, response=GeracaoOut,
              summary="Situação da geração pedida de uma escala: pendente, em_andamento, concluida (com o link da "
                      "escala) ou falhou (com o motivo)")
def get_generation(ctx: RequestContext, escala: str) -> GeracaoOut:
    return ctx.deps.queries.generation(escala)


@routes.route("/escalas", methods=["GET"], roles=STAFF, query=MesQuery, response=EscalasOut,
              summary="As escalas de um mês (todos os tipos), com os nomes")
def list_scales(ctx: RequestContext, query: MesQuery) -> EscalasOut:
    stored = ctx.deps.queries.month_scales(parse_month(query.mes))
    viewer = _viewer(ctx)
    return EscalasOut(mes=query.mes, itens=[scale_view(s, viewer) for s in stored])


@routes.route("/escalas/{escala}", methods=["GET"], roles=STAFF, response=EscalaOut,
              summary="Uma escala com todos os nomes (pessoal autorizado)")
def get_scale(ctx: RequestContext, escala: str) -> EscalaOut:
    return scale_view(ctx.deps.queries.scale(escala), _viewer(ctx))


def _may_read_scale_history(ctx: RequestContext, escala: str) -> None:
    ctx.deps.queries.may_read_history(escala, _viewer(ctx))


add_history_route(routes, "/escalas/{escala}/historico", target_type="escala", roles=STAFF,
                  may_read=_may_read_scale_history, tags=["Plantão"],
                  summary="Histórico da escala e de seus plantões: geração, aprovação, permutas, impedimentos e "
                          "novos dias, com quem, quando, a regra e o que mudou (embargo do PLAN-03)")
guard_audit_reads(routes.service, "escala", _may_read_scale_history)  # GET /auditoria keeps the embargo too


@routes.route("/escalas/{escala}/regeneracao", methods=["POST"], roles=PRESIDENCY, response=EscalaOut,
              summary="Gera de novo um rascunho (mesmas posições de rotação: mesmos dados, mesmo resultado)")
def post_regeneration(ctx: RequestContext, escala: str) -> EscalaOut:
    return scale_view(ctx.deps.service.regenerate(escala), _viewer(ctx))


@routes.route("/escalas/{escala}/aprovacao", methods=["POST"], roles=PRESIDENCY, response=EscalaOut,
              summary="Aprova a escala: portaria M/MI (PDF e texto no S3) e aviso a cada designado (PLAN-04)")
def post_approval(ctx: RequestContext, escala: str) -> EscalaOut:
    stored, _record, sent = ctx.deps.service.approve(escala, ctx.principal.username or ctx.principal.id)
    return scale_view(stored, _viewer(ctx), sent)


@routes.route("/escalas/{escala}/permutas", methods=["POST"], roles=REQUESTERS, body=PermutaIn, response=PermutaOut,
              status=201, idempotent=True, summary="Pede a permuta de dois plantões (PLAN-05)")
def post_swap(ctx: RequestContext, body: PermutaIn, escala: str) -> PermutaOut:
    data = ctx.deps.service.request_swap(escala, body.plantao_a, body.magistrado_a, body.plantao_b,
                                         body.magistrado_b, body.motivo, _by(ctx))
    return swap_view(data)


@routes.route("/escalas/{escala}/permutas", methods=["GET"], roles=STAFF, response=PermutasOut,
              summary="Pedidos de permuta de uma escala, pendentes e deferidos (PLAN-05)")
def list_swaps(ctx: RequestContext, escala: str) -> PermutasOut:
    return PermutasOut(escala=escala, itens=ctx.deps.queries.swap_requests(escala))


@routes.route("/permutas/{permuta}/aprovacao", methods=["POST"], roles=PRESIDENCY, response=PermutaOut,
              summary="Defere a permuta: escala, portaria e registro alterados (PLAN-05)")
def post_swap_approval(ctx: RequestContext, permuta: str) -> PermutaOut:
    data, _stored, record, sent = ctx.deps.service.approve_swap(permuta, _by(ctx))
    return swap_view(data, portaria=record["numero"] if record else None, avisos_enviados=sent)


@routes.route("/escalas/{escala}/impedimentos", methods=["POST"], roles=PRESIDENCY, body=ImpedimentoIn,
              response=ImpedimentoOut, status=201, idempotent=True,
              summary="Impedimento: substitui quem seria o primeiro do mês seguinte, antecipando-o (PLAN-06)")
def post_impediment(ctx: RequestContext, body: ImpedimentoIn, escala: str) -> ImpedimentoOut:
    stored, new, record, sent = ctx.deps.service.impediment(escala, body.plantao, body.motivo, _by(ctx))
    return ImpedimentoOut(escala=stored.id, plantao=plantao_view(new, stored.served, _viewer(ctx)),
                          portaria=record["numero"] if record else None, avisos_enviados=sent)


@routes.route("/escalas/{escala}/novos-dias", methods=["POST"], roles=PRESIDENCY, response=NovosDiasOut,
              summary="Cobre dias sem expediente decretados depois da escala, antecipando o primeiro do mês seguinte "
                      "(CAL-03, 003 10.11.4)")
def post_new_days(ctx: RequestContext, escala: str) -> NovosDiasOut:
    stored, added, record, sent = ctx.deps.service.cover_new_days(escala, _by(ctx))
    viewer = _viewer(ctx)
    return NovosDiasOut(escala=stored.id, acrescentados=[plantao_view(p, stored.served, viewer) for p in added],
                        portaria=record["numero"] if record else None, avisos_enviados=sent)


@routes.route("/portarias/{serie}/{ano}/{numero}", methods=["GET"], roles=STAFF, response=PortariaOut,
              summary="Uma portaria de plantão: texto para o DJe e chaves no S3")
def get_portaria(ctx: RequestContext, serie: str, ano: str, numero: str) -> PortariaOut:
    record, text = ctx.deps.queries.portaria(serie, *parse_portaria_number(ano, numero), _viewer(ctx))
    return PortariaOut(numero=record["numero"], escala=record["escala"], motivo=record["motivo"],
                       emitida_em=record["emitida_em"], texto_s3=record["texto"], pdf_s3=record["pdf"], texto=text,
                       documento=document_state(record), link_pdf=portaria_link(record))


@routes.route("/portarias/{serie}/{ano}/{numero}/pdf", methods=["GET"], roles=STAFF, errors={406},
              summary="O PDF da portaria, como guardado na aprovação (envie Accept: application/pdf)")
def get_portaria_pdf(ctx: RequestContext, serie: str, ano: str, numero: str) -> Response:
    require_accept(ctx.headers, "application/pdf")
    data = ctx.deps.queries.portaria_document(serie, *parse_portaria_number(ano, numero), "pdf", _viewer(ctx))
    return Response(body=data, status_code=200, headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="portaria-{serie}-{numero}-{ano}.pdf"'})


@routes.route("/portarias/{serie}/{ano}/{numero}/texto", methods=["GET"], roles=STAFF,
              summary="O texto da portaria para o DJe, como guardado na aprovação")
def get_portaria_text(ctx: RequestContext, serie: str, ano: str, numero: str) -> Response:
    data = ctx.deps.queries.portaria_document(serie, *parse_portaria_number(ano, numero), "texto",
                                              _viewer(ctx))
    return Response(body=data.decode("utf-8"), status_code=200,
                    headers={"Content-Type": "text/plain; charset=utf-8"})


# --- compensation ------------------------------------------------------------------------------------------


@routes.route("/compensacoes/creditos", methods=["POST"], roles={"admin", "presidencia"}, body=CreditoIn,
              response=LancamentoOut, status=201, idempotent=True,
              summary="Lança ação social (dia sem expediente) ou encontro do CEDES (desembargador) (PLAN-07)",
              errors={404})
def post_credit(ctx: RequestContext, body: CreditoIn) -> LancamentoOut:
    entry = ctx.deps.service.credit(body.magistrado, CreditKind(body.tipo), body.data, body.descricao)
    return LancamentoOut(id=entry.id, data=entry.day, dias=entry.days, tipo=entry.kind, referencia=entry.ref)


@routes.route("/compensacoes/{magistrado}", methods=["GET"], roles=STAFF, response=ExtratoOut,
              summary="Saldo e extrato de compensação de um magistrado (PLAN-07/08)")
def get_ledger(ctx: RequestContext, magistrado: str) -> ExtratoOut:
    return ctx.deps.queries.ledger(magistrado)


add_history_route(routes, "/compensacoes/{magistrado}/historico", target_type="compensacao", roles=STAFF,
                  tags=["Plantão"], summary="Histórico da compensação de um magistrado: créditos, pedidos e "
                                            "deferimentos de folga, com quem, quando e o saldo antes e depois")


@routes.route("/compensacoes/usos", methods=["POST"], roles=REQUESTERS, body=UsoIn, response=UsoOut, status=201,
              idempotent=True, summary="Pede folga compensatória: só dias úteis, até o saldo, com substituto (PLAN-08)",
              errors={404})
def post_use(ctx: RequestContext, body: UsoIn) -> UsoOut:
    return use_view(ctx.deps.service.request_use(body.magistrado, body.dias, body.substituto, _by(ctx)))


@routes.route("/compensacoes/{magistrado}/usos/{uso}/aprovacao", methods=["POST"], roles=PRESIDENCY, response=UsoOut,
              summary="Defere a folga compensatória; a cumulação do substituto vai ao pagamentos-svc (PLAN-08)")
def post_use_approval(ctx: RequestContext, magistrado: str, uso: str) -> UsoOut:
    return use_view(ctx.deps.service.approve_use(magistrado, uso, _by(ctx), ctx.correlation_id))


# --- public reads (PLAN-03) ------------------------------------------------------------------------------------


@public_routes.route("/publico/escalas/{mes}", methods=["GET"], public=True, query=TipoQuery,
                     response=EscalaPublicaOut,
                     summary="Escalas aprovadas de um mês; o plantonista aparece só a partir de 5 dias antes (PLAN-03)")
def get_public_month(ctx: RequestContext, query: TipoQuery, mes: str) -> EscalaPublicaOut:
    return ctx.deps.queries.public_month(parse_month(mes), query.tipo)


@public_routes.route("/publico/plantoes/{data}", methods=["GET"], public=True, query=TipoQuery, response=DiaPublicoOut,
                     summary="Quem está de plantão num dia (nomes só a partir de 5 dias antes, PLAN-03)")
def get_public_day(ctx: RequestContext, query: TipoQuery, data: str) -> DiaPublicoOut:
    return ctx.deps.queries.public_day(parse_day(data), query.tipo)
