"""HTTP routes of plantao-svc (thin handlers: parse → use case → response model).

Roles: reference data ``admin``; generation, approval, impediments and approvals of swaps and compensation
``presidencia``; requests of swaps and compensation ``gestor``/``presidencia``/``admin``; staff reads every
role. Public reads (PLAN-03) show who serves a shift only from D−5: before that, an entry's fields and the
whole answer depend on the calendar, the reference data and the clock — never on who is designated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from chalice import Response
from chalicelib.plantao.adapters.dynamodb import APROVADA, StoredScale
from chalicelib.plantao.domain.compensation import CreditKind
from chalicelib.plantao.domain.embargo import PREPARERS, disclosed, disclosure_day, fully_disclosed, sees_names
from chalicelib.plantao.domain.errors import PlantaoError
from chalicelib.plantao.domain.scales import Kind, Month, Plantao
from chalicelib.plantao.service import NotFound
from pydantic import BaseModel, Field

from courtlib.auth.principal import ROLES
from courtlib.calendar.api import calendar_admin_routes, calendar_read_routes
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery
from courtlib.http.responses import require_accept
from courtlib.http.validation import MONTH_PATTERN

TITLE = "plantao-svc — Plantão judiciário e calendário do tribunal"
routes = RouteSet(service="plantao", title="Plantão judiciário", tag="Plantão")
public_routes = RouteSet(service="plantao", title="Plantão judiciário (consulta pública)", tag="Plantão (público)")
ROUTE_SETS: list[RouteSet] = [routes, public_routes, calendar_admin_routes, calendar_read_routes]

STAFF = set(ROLES)
PRESIDENCY = {"presidencia"}
REQUESTERS = {"gestor", "presidencia", "admin"}
ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MONTH = MONTH_PATTERN
KindName = Literal["estadual", "municipal", "noturno", "segundo_grau", "eleitoral"]


# --- reference data -------------------------------------------------------------------------------


class AfastamentoIn(BaseModel):
    inicio: date
    fim: date
    motivo: str = Field("afastamento", min_length=3, max_length=120)


class RegiaoIn(BaseModel):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=2, max_length=200)
    ordem: int = Field(ge=0, le=9999)


class ComarcaIn(BaseModel):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=2, max_length=200)
    municipio: str = Field(min_length=1, max_length=200,
                           description="Código IBGE ou nome de um município do tribunal (guardado pelo código IBGE)")
    regiao: str = Field(pattern=ID)
    ordem: int = Field(ge=0, le=9999)
    entrancia: Literal["inicial", "intermediaria", "final", "especial"] = "inicial"
    vara_tabelar: str | None = Field(None, pattern=ID, description="Juízo que cobre a comarca de vara única")


class JuizoIn(BaseModel):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=2, max_length=200)
    comarca: str = Field(pattern=ID)
    ordem: int = Field(ge=0, le=9999, description="Ordem dos juízos na comarca")
    juiz: str | None = Field(None, pattern=ID, description="Magistrado em exercício (vazio = vago)")


class MagistradoIn(BaseModel):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=3, max_length=200)
    antiguidade: int = Field(ge=1, le=99999, description="1 = mais antigo")
    juizo: str | None = Field(None, pattern=ID)
    email: str | None = Field(None, max_length=200)
    desembargador: bool = Field(False, description="Desembargador ou JDS (2º grau)")
    orgao: str | None = Field(None, pattern=ID, description="Órgão julgador em que tem exercício")
    administracao: bool = False
    diretor_escola: bool = False
    afastamentos: list[AfastamentoIn] = Field(default_factory=list, max_length=100)


class ZonaIn(BaseModel):
    id: str = Field(pattern=ID)
    municipio: str = Field(min_length=1, max_length=200,
                           description="Código IBGE ou nome de um município do tribunal (guardado pelo código IBGE)")
    numero: int = Field(ge=1, le=9999)
    juiz: str | None = Field(None, pattern=ID)


class PeriodoIn(BaseModel):
    inicio: date
    fim: date


class NoturnoGrupoIn(BaseModel):
    """Juízes já designados para um quadrimestre (migração do que foi decidido antes deste sistema)."""

    ano: int = Field(ge=2000, le=2100)
    quadrimestre: int = Field(ge=1, le=3)
    juizes: list[str] = Field(min_length=1, max_length=20)


class ReferenciaIn(BaseModel):
    """Importação (upsert por id) — o resultado inteiro precisa ser consistente."""

    regioes: list[RegiaoIn] = Field(default_factory=list, max_length=500)
    comarcas: list[ComarcaIn] = Field(default_factory=list, max_length=2000)
    juizos: list[JuizoIn] = Field(default_factory=list, max_length=5000)
    magistrados: list[MagistradoIn] = Field(default_factory=list, max_length=5000)
    zonas: list[ZonaIn] = Field(default_factory=list, max_length=2000)
    periodos_eleitorais: list[PeriodoIn] = Field(default_factory=list, max_length=50)
    noturno: list[NoturnoGrupoIn] = Field(default_factory=list, max_length=50)

    def parts(self) -> dict[str, list[dict[str, Any]]]:
        def dump(items: list[BaseModel]) -> list[dict[str, Any]]:
            return [i.model_dump(mode="json") for i in items]

        periods = [{"id": p.inicio.isoformat(), **p.model_dump(mode="json")} for p in self.periodos_eleitorais]
        parts = {"REGIAO": dump(self.regioes), "COMARCA": dump(self.comarcas), "JUIZO": dump(self.juizos),
                 "MAGISTRADO": dump(self.magistrados), "ZONA": dump(self.zonas), "PERIODO": periods,
                 "NOTURNO": [{"id": f"{g.ano}-{g.quadrimestre}", **g.model_dump(mode="json")} for g in self.noturno]}
        return {k: v for k, v in parts.items() if v}


class ImportacaoOut(BaseModel):
    importados: dict[str, int]


class CandidaturaIn(BaseModel):
    magistrado: str = Field(pattern=ID)


class CandidaturasOut(BaseModel):
    ano: int
    quadrimestre: int
    candidatos: list[str]


class NoturnoIn(BaseModel):
    juizes: list[str] = Field(min_length=1, max_length=20)


# --- scales ---------------------------------------------------------------------------------------


class EscalaIn(BaseModel):
    mes: str = Field(pattern=MONTH, description="AAAA-MM")
    tipo: KindName


class PlantaoOut(BaseModel):
    id: str
    rotacao: str
    unidade: str
    data: date
    inicio: datetime
    fim: datetime
    dia_util: bool
    juizo: str | None = Field(description="Oculto (nulo) antes de D−5 para quem não prepara nem aprova (PLAN-03)")
    juizo_nome: str | None
    magistrado: str | None = Field(description="Oculto (nulo) antes de D−5, salvo à presidência, ao admin e ao "
                                               "próprio magistrado (PLAN-03)")
    nome: str | None
    origem: str
    realizado: bool
    divulgado: bool = Field(description="Já público (a partir de D−5, PLAN-03)")


class PortariaRef(BaseModel):
    numero: str
    serie: str
    ano: int
    n: int
    motivo: str
    texto: str
    pdf: str
    emitida_em: str


class EscalaOut(BaseModel):
    id: str
    mes: str
    tipo: str
    status: str
    versao: int
    gerada_em: str
    aprovada_em: str | None
    aprovada_por: str | None
    inicio_rotacao: dict[str, str | None]
    fim_rotacao: dict[str, str | None]
    plantoes: list[PlantaoOut]
    portarias: list[PortariaRef]
    avisos_enviados: int | None = None


class EscalasOut(BaseModel):
    mes: str
    itens: list[EscalaOut]


class MesQuery(BaseModel):
    mes: str = Field(pattern=MONTH)


class PermutaIn(BaseModel):
    plantao_a: str = Field(max_length=120)
    magistrado_a: str = Field(pattern=ID)
    plantao_b: str = Field(max_length=120)
    magistrado_b: str = Field(pattern=ID)
    motivo: str = Field(min_length=3, max_length=500)


class PermutaOut(BaseModel):
    id: str
    escala: str
    plantao_a: str
    magistrado_a: str
    plantao_b: str
    magistrado_b: str
    motivo: str
    status: str
    portaria: str | None = None
    avisos_enviados: int | None = None


class ImpedimentoIn(BaseModel):
    plantao: str = Field(max_length=120)
    motivo: str = Field(min_length=3, max_length=500)


class ImpedimentoOut(BaseModel):
    escala: str
    plantao: PlantaoOut
    portaria: str | None
    avisos_enviados: int


class PortariaOut(BaseModel):
    numero: str
    escala: str
    motivo: str
    emitida_em: str
    texto_s3: str
    pdf_s3: str
    texto: str


# --- compensation ---------------------------------------------------------------------------------


class CreditoIn(BaseModel):
    magistrado: str = Field(pattern=ID)
    tipo: Literal["acao_social", "cedes"]
    data: date
    descricao: str = Field(min_length=3, max_length=300)


class LancamentoOut(BaseModel):
    id: str
    data: date
    dias: int
    tipo: str
    referencia: str


class UsoIn(BaseModel):
    magistrado: str = Field(pattern=ID)
    dias: list[date] = Field(min_length=1, max_length=60)
    substituto: str = Field(pattern=ID, description="Juiz titular que substitui nos dias da compensação")


class UsoOut(BaseModel):
    id: str
    magistrado: str
    substituto: str
    dias: list[date]
    status: str


class ExtratoOut(BaseModel):
    magistrado: str
    saldo: int
    reservado: int
    disponivel: int
    lancamentos: list[LancamentoOut]
    usos: list[UsoOut]


# --- public (PLAN-03) ------------------------------------------------------------------------------


class PlantaoPublicoOut(BaseModel):
    data: date
    tipo: str
    unidade: str
    inicio: datetime
    fim: datetime
    divulgacao_em: date = Field(description="A partir deste dia o plantonista é divulgado (PLAN-03)")
    divulgado: bool
    magistrado: str | None = Field(description="Nome, só a partir de divulgacao_em")
    juizo: str | None = Field(description="Juízo designado, só a partir de divulgacao_em")


class EscalaPublicaOut(BaseModel):
    mes: str
    hoje: date
    plantoes: list[PlantaoPublicoOut]
    portarias: list[str] = Field(description="Portarias de escalas já inteiramente divulgadas")


class DiaPublicoOut(BaseModel):
    data: date
    hoje: date
    plantoes: list[PlantaoPublicoOut]


class TipoQuery(BaseModel):
    tipo: KindName | None = None


# --- errors ---------------------------------------------------------------------------------------


@contextmanager
def problems() -> Iterator[None]:
    try:
        yield
    except PlantaoError as error:
        raise ProblemError(error.status, error.code, error.detail, error.field, **error.extra) from None
    except NotFound as error:
        raise ProblemError.not_found(error.detail, field=error.field) from None


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise ProblemError.unprocessable("VALIDACAO", "mês inválido: use AAAA-MM", field="mes") from None


# --- reference data routes --------------------------------------------------------------------------


@routes.route("/referencia", methods=["PUT"], roles={"admin"}, body=ReferenciaIn, response=ImportacaoOut,
              summary="Importa dados de referência (regiões, comarcas, juízos, magistrados, zonas, períodos eleitorais)")
def put_reference(ctx: RequestContext, body: ReferenciaIn) -> ImportacaoOut:
    with problems():
        return ImportacaoOut(importados=ctx.deps.service.import_reference(body.parts()))


def _reference_page(ctx: RequestContext, query: PageQuery, kind: str, to: Any) -> Page[dict[str, Any]]:
    start = ctx.decode_cursor(query.cursor)
    items, after = ctx.deps.service.reference_page(kind, query.limite, None if start is None else start.get("depois"))
    return Page[dict[str, Any]](itens=[to(item) for item in items],
                                proximo=ctx.next_cursor(None if after is None else {"depois": after}))


@routes.route("/regioes", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="As regiões, por identificador (cursor)")
def list_regions(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    from chalicelib.plantao.adapters import codec

    return _reference_page(ctx, query, "regions", codec.region_to)


@routes.route("/comarcas", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="As comarcas, por identificador (cursor)")
def list_comarcas(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    from chalicelib.plantao.adapters import codec

    return _reference_page(ctx, query, "comarcas", codec.comarca_to)


@routes.route("/juizos", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="Os juízos, por identificador (cursor)")
def list_juizos(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    from chalicelib.plantao.adapters import codec

    return _reference_page(ctx, query, "juizos", codec.juizo_to)


@routes.route("/magistrados", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="Os magistrados, por identificador (cursor)")
def list_magistrates(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    from chalicelib.plantao.adapters import codec

    return _reference_page(ctx, query, "magistrates", codec.magistrate_to)


@routes.route("/zonas", methods=["GET"], roles=STAFF, query=PageQuery, response=Page[dict[str, Any]],
              summary="As zonas eleitorais, por identificador (cursor)")
def list_zones(ctx: RequestContext, query: PageQuery) -> Page[dict[str, Any]]:
    from chalicelib.plantao.adapters import codec

    return _reference_page(ctx, query, "zones", codec.zone_to)


@routes.route("/referencia", methods=["GET"], roles=STAFF, summary="Os dados de referência do plantão")
def get_reference(ctx: RequestContext) -> dict[str, Any]:
    from chalicelib.plantao.adapters import codec

    ref = ctx.deps.service.reference()
    return {"regioes": [codec.region_to(r) for r in ref.regions], "comarcas": [codec.comarca_to(c) for c in ref.comarcas],
            "juizos": [codec.juizo_to(j) for j in ref.juizos],
            "magistrados": [codec.magistrate_to(m) for m in ref.magistrates],
            "zonas": [codec.zone_to(z) for z in ref.zones],
            "periodos_eleitorais": [codec.period_to(p) for p in ref.electoral_periods],
            "noturno": [codec.night_to(g) for g in ref.night_groups]}


@routes.route("/noturno/{ano}/{quadrimestre}/candidaturas", methods=["POST"], roles=REQUESTERS, body=CandidaturaIn,
              response=CandidaturasOut, status=201, idempotent=True,
              summary="Candidatura ao plantão noturno do quadrimestre, no mês do edital (PLAN-01)")
def post_candidate(ctx: RequestContext, body: CandidaturaIn, ano: str, quadrimestre: str) -> CandidaturasOut:
    year, q = _quadrimester(ano, quadrimestre)
    with problems():
        names = ctx.deps.service.add_candidate(year, q, body.magistrado)
    return CandidaturasOut(ano=year, quadrimestre=q, candidatos=names)


@routes.route("/noturno/{ano}/{quadrimestre}", methods=["PUT"], roles=PRESIDENCY, body=NoturnoIn,
              response=CandidaturasOut, summary="Designa os juízes do plantão noturno do quadrimestre (PLAN-01)")
def put_night_group(ctx: RequestContext, body: NoturnoIn, ano: str, quadrimestre: str) -> CandidaturasOut:
    year, q = _quadrimester(ano, quadrimestre)
    with problems():
        ctx.deps.service.designate_night(year, q, body.juizes)
    return CandidaturasOut(ano=year, quadrimestre=q, candidatos=body.juizes)


def _quadrimester(ano: str, quadrimestre: str) -> tuple[int, int]:
    if not (ano.isdigit() and quadrimestre in ("1", "2", "3") and 2000 <= int(ano) <= 2100):
        raise ProblemError.unprocessable("VALIDACAO", "ano ou quadrimestre inválido (1, 2 ou 3)", field="quadrimestre")
    return int(ano), int(quadrimestre)


class RotacaoIn(BaseModel):
    ultimo_mes: str = Field(pattern=MONTH, description="Último mês feito fora do sistema")
    ultimos: dict[str, str] = Field(min_length=1, max_length=500,
                                    description="Rotação → membro (juízo, zona ou magistrado) que serviu por último")


class RotacaoOut(BaseModel):
    tipo: str
    ultimo_mes: str
    posicoes: dict[str, str]


@routes.route("/rotacoes/{tipo}", methods=["PUT"], roles={"admin", "presidencia"}, body=RotacaoIn, response=RotacaoOut,
              summary="Na adoção do sistema: onde cada rotação parou nas escalas feitas à mão (PLAN-02)")
def put_rotation(ctx: RequestContext, body: RotacaoIn, tipo: str) -> RotacaoOut:
    if tipo not in {k.value for k in Kind}:
        raise ProblemError.not_found(f"Tipo de plantão desconhecido: {tipo}.")
    with problems():
        positions = ctx.deps.service.continue_from(Kind(tipo), _month(body.ultimo_mes), body.ultimos)
    return RotacaoOut(tipo=tipo, ultimo_mes=body.ultimo_mes, posicoes=positions)


# --- scales -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Viewer:
    """Who reads a scale and when: PLAN-03 decides, shift by shift, whether the names are shown."""

    username: str | None
    groups: frozenset[str]
    today: date
    embargo_days: int

    @classmethod
    def of(cls, ctx: RequestContext) -> _Viewer:
        service = ctx.deps.service
        return cls(ctx.principal.username, ctx.principal.groups, service.today(), service.rules.embargo_publicacao_dias)

    def sees(self, p: Plantao) -> bool:
        return sees_names(p.day, p.magistrado, self.today, self.embargo_days, viewer=self.username, groups=self.groups)

    def sees_all(self, plantoes: list[Plantao] | tuple[Plantao, ...]) -> bool:
        return bool(self.groups & PREPARERS) or fully_disclosed([p.day for p in plantoes], self.today,
                                                                 self.embargo_days)


def _plantao_out(p: Plantao, served: frozenset[str], viewer: _Viewer) -> PlantaoOut:
    shown = viewer.sees(p)
    return PlantaoOut(id=p.id, rotacao=p.rotation, unidade=p.unit, data=p.day, inicio=p.start, fim=p.end,
                      dia_util=p.dia_util, juizo=p.juizo if shown else None, juizo_nome=p.juizo_nome if shown else None,
                      magistrado=p.magistrado if shown else None, nome=p.nome if shown else None,
                      origem=p.origem, realizado=p.id in served,
                      divulgado=disclosed(p.day, viewer.today, viewer.embargo_days))


def _scale_out(stored: StoredScale, viewer: _Viewer, sent: int | None = None) -> EscalaOut:
    """The scale as ``viewer`` may see it: before D−5 the names of a shift, the rotation's positions (which name
    magistrates) and the portarias (which list every day) only for those PLAN-03 allows."""
    s = stored.scale
    whole = viewer.sees_all(s.plantoes)
    return EscalaOut(id=s.id, mes=str(s.month), tipo=s.kind.value, status=stored.status, versao=stored.version,
                     gerada_em=stored.generated_at, aprovada_em=stored.approved_at, aprovada_por=stored.approved_by,
                     inicio_rotacao={k: v if whole else None for k, v in s.start.items()},
                     fim_rotacao={k: v if whole else None for k, v in s.end.items()},
                     plantoes=[_plantao_out(p, stored.served, viewer) for p in s.plantoes],
                     portarias=[PortariaRef(**{k: p[k] for k in PortariaRef.model_fields}) for p in stored.portarias]
                     if whole else [],
                     avisos_enviados=sent)


@routes.route("/escalas", methods=["POST"], roles=PRESIDENCY, body=EscalaIn, response=EscalaOut, status=201,
              idempotent=True, summary="Gera o rascunho da escala de um mês e tipo, continuando a rotação (PLAN-01/02/09)")
def post_scale(ctx: RequestContext, body: EscalaIn) -> Response:
    with problems():
        stored = ctx.deps.service.generate(_month(body.mes), Kind(body.tipo))
    return Response(body=_scale_out(stored, _Viewer.of(ctx)).model_dump(mode="json"), status_code=201,
                    headers={"Location": f"/escalas/{stored.id}"})


@routes.route("/escalas", methods=["GET"], roles=STAFF, query=MesQuery, response=EscalasOut,
              summary="As escalas de um mês (todos os tipos), com os nomes")
def list_scales(ctx: RequestContext, query: MesQuery) -> EscalasOut:
    stored = ctx.deps.repository.month_scales(_month(query.mes), consistent=True)
    viewer = _Viewer.of(ctx)
    return EscalasOut(mes=query.mes, itens=[_scale_out(s, viewer) for s in stored])


@routes.route("/escalas/{escala}", methods=["GET"], roles=STAFF, response=EscalaOut,
              summary="Uma escala com todos os nomes (pessoal autorizado)")
def get_scale(ctx: RequestContext, escala: str) -> EscalaOut:
    with problems():
        return _scale_out(ctx.deps.service.scale(escala), _Viewer.of(ctx))


@routes.route("/escalas/{escala}/regeneracao", methods=["POST"], roles=PRESIDENCY, response=EscalaOut,
              summary="Gera de novo um rascunho (mesmas posições de rotação: mesmos dados, mesmo resultado)")
def post_regeneration(ctx: RequestContext, escala: str) -> EscalaOut:
    with problems():
        return _scale_out(ctx.deps.service.regenerate(escala), _Viewer.of(ctx))


@routes.route("/escalas/{escala}/aprovacao", methods=["POST"], roles=PRESIDENCY, response=EscalaOut,
              summary="Aprova a escala: portaria M/MI (PDF e texto no S3) e aviso a cada designado (PLAN-04)")
def post_approval(ctx: RequestContext, escala: str) -> EscalaOut:
    with problems():
        stored, _record, sent = ctx.deps.service.approve(escala, ctx.principal.username or ctx.principal.id)
    return _scale_out(stored, _Viewer.of(ctx), sent)


@routes.route("/escalas/{escala}/permutas", methods=["POST"], roles=REQUESTERS, body=PermutaIn, response=PermutaOut,
              status=201, idempotent=True, summary="Pede a permuta de dois plantões (PLAN-05)")
def post_swap(ctx: RequestContext, body: PermutaIn, escala: str) -> PermutaOut:
    with problems():
        data = ctx.deps.service.request_swap(escala, body.plantao_a, body.magistrado_a, body.plantao_b,
                                             body.magistrado_b, body.motivo, ctx.principal.username or "")
    return PermutaOut(**{k: data[k] for k in PermutaOut.model_fields if k in data})


class PermutasOut(BaseModel):
    escala: str
    itens: list[PermutaOut]


@routes.route("/escalas/{escala}/permutas", methods=["GET"], roles=STAFF, response=PermutasOut,
              summary="Pedidos de permuta de uma escala, pendentes e deferidos (PLAN-05)")
def list_swaps(ctx: RequestContext, escala: str) -> PermutasOut:
    with problems():
        ctx.deps.service.scale(escala)
    items = [PermutaOut(**{k: data[k] for k in PermutaOut.model_fields if k in data}, status=status)
             for data, status in ctx.deps.repository.swap_requests(escala)]
    return PermutasOut(escala=escala, itens=items)


@routes.route("/permutas/{permuta}/aprovacao", methods=["POST"], roles=PRESIDENCY, response=PermutaOut,
              summary="Defere a permuta: escala, portaria e registro alterados (PLAN-05)")
def post_swap_approval(ctx: RequestContext, permuta: str) -> PermutaOut:
    with problems():
        data, _stored, record, sent = ctx.deps.service.approve_swap(permuta, ctx.principal.username or "")
    return PermutaOut(**{k: data[k] for k in PermutaOut.model_fields if k in data},
                      portaria=record["numero"] if record else None, avisos_enviados=sent)


@routes.route("/escalas/{escala}/impedimentos", methods=["POST"], roles=PRESIDENCY, body=ImpedimentoIn,
              response=ImpedimentoOut, status=201, idempotent=True,
              summary="Impedimento: substitui quem seria o primeiro do mês seguinte, antecipando-o (PLAN-06)")
def post_impediment(ctx: RequestContext, body: ImpedimentoIn, escala: str) -> ImpedimentoOut:
    with problems():
        stored, new, record, sent = ctx.deps.service.impediment(escala, body.plantao, body.motivo,
                                                                ctx.principal.username or "")
    return ImpedimentoOut(escala=stored.id, plantao=_plantao_out(new, stored.served, _Viewer.of(ctx)),
                          portaria=record["numero"] if record else None, avisos_enviados=sent)


class NovosDiasOut(BaseModel):
    escala: str
    acrescentados: list[PlantaoOut]
    portaria: str | None
    avisos_enviados: int


@routes.route("/escalas/{escala}/novos-dias", methods=["POST"], roles=PRESIDENCY, response=NovosDiasOut,
              summary="Cobre dias sem expediente decretados depois da escala, antecipando o primeiro do mês seguinte "
                      "(CAL-03, 003 10.11.4)")
def post_new_days(ctx: RequestContext, escala: str) -> NovosDiasOut:
    with problems():
        stored, added, record, sent = ctx.deps.service.cover_new_days(escala, ctx.principal.username or "")
    return NovosDiasOut(escala=stored.id, acrescentados=[_plantao_out(p, stored.served, _Viewer.of(ctx)) for p in added],
                        portaria=record["numero"] if record else None, avisos_enviados=sent)


@routes.route("/portarias/{serie}/{ano}/{numero}", methods=["GET"], roles=STAFF, response=PortariaOut,
              summary="Uma portaria de plantão: texto para o DJe e chaves no S3")
def get_portaria(ctx: RequestContext, serie: str, ano: str, numero: str) -> PortariaOut:
    if not (ano.isdigit() and numero.isdigit()):
        raise ProblemError.not_found("Portaria não encontrada.")
    with problems():
        record, text = ctx.deps.service.portaria(serie, int(ano), int(numero))
    return PortariaOut(numero=record["numero"], escala=record["escala"], motivo=record["motivo"],
                       emitida_em=record["emitida_em"], texto_s3=record["texto"], pdf_s3=record["pdf"], texto=text)


def _portaria_document(ctx: RequestContext, serie: str, ano: str, numero: str, kind: str) -> bytes:
    if not (ano.isdigit() and numero.isdigit()):
        raise ProblemError.not_found("Portaria não encontrada.")
    with problems():
        return ctx.deps.service.portaria_document(serie, int(ano), int(numero), kind)


@routes.route("/portarias/{serie}/{ano}/{numero}/pdf", methods=["GET"], roles=STAFF, errors={406},
              summary="O PDF da portaria, como guardado na aprovação (envie Accept: application/pdf)")
def get_portaria_pdf(ctx: RequestContext, serie: str, ano: str, numero: str) -> Response:
    require_accept(ctx.headers, "application/pdf")
    data = _portaria_document(ctx, serie, ano, numero, "pdf")
    return Response(body=data, status_code=200, headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="portaria-{serie}-{numero}-{ano}.pdf"'})


@routes.route("/portarias/{serie}/{ano}/{numero}/texto", methods=["GET"], roles=STAFF,
              summary="O texto da portaria para o DJe, como guardado na aprovação")
def get_portaria_text(ctx: RequestContext, serie: str, ano: str, numero: str) -> Response:
    data = _portaria_document(ctx, serie, ano, numero, "texto")
    return Response(body=data.decode("utf-8"), status_code=200,
                    headers={"Content-Type": "text/plain; charset=utf-8"})


# --- compensation ---------------------------------------------------------------------------------------


@routes.route("/compensacoes/creditos", methods=["POST"], roles={"admin", "presidencia"}, body=CreditoIn,
              response=LancamentoOut, status=201, idempotent=True,
              summary="Lança ação social (dia sem expediente) ou encontro do CEDES (desembargador) (PLAN-07)",
              errors={404})
def post_credit(ctx: RequestContext, body: CreditoIn) -> LancamentoOut:
    with problems():
        entry = ctx.deps.service.credit(body.magistrado, CreditKind(body.tipo), body.data, body.descricao)
    return LancamentoOut(id=entry.id, data=entry.day, dias=entry.days, tipo=entry.kind, referencia=entry.ref)


@routes.route("/compensacoes/{magistrado}", methods=["GET"], roles=STAFF, response=ExtratoOut,
              summary="Saldo e extrato de compensação de um magistrado (PLAN-07/08)")
def get_ledger(ctx: RequestContext, magistrado: str) -> ExtratoOut:
    with problems():
        data = ctx.deps.service.ledger(magistrado)
    return ExtratoOut(magistrado=data["magistrado"], saldo=data["saldo"], reservado=data["reservado"],
                      disponivel=data["disponivel"],
                      lancamentos=[LancamentoOut(id=e.id, data=e.day, dias=e.days, tipo=e.kind, referencia=e.ref)
                                   for e in data["lancamentos"]],
                      usos=[UsoOut(**{k: u[k] for k in UsoOut.model_fields}) for u in data["usos"]])


@routes.route("/compensacoes/usos", methods=["POST"], roles=REQUESTERS, body=UsoIn, response=UsoOut, status=201,
              idempotent=True, summary="Pede folga compensatória: só dias úteis, até o saldo, com substituto (PLAN-08)",
              errors={404})
def post_use(ctx: RequestContext, body: UsoIn) -> UsoOut:
    with problems():
        data = ctx.deps.service.request_use(body.magistrado, body.dias, body.substituto, ctx.principal.username or "")
    return UsoOut(**{k: data[k] for k in UsoOut.model_fields})


@routes.route("/compensacoes/{magistrado}/usos/{uso}/aprovacao", methods=["POST"], roles=PRESIDENCY, response=UsoOut,
              summary="Defere a folga compensatória; a cumulação do substituto vai ao pagamentos-svc (PLAN-08)")
def post_use_approval(ctx: RequestContext, magistrado: str, uso: str) -> UsoOut:
    with problems():
        data = ctx.deps.service.approve_use(magistrado, uso, ctx.principal.username or "", ctx.correlation_id)
    return UsoOut(**{k: data[k] for k in UsoOut.model_fields})


# --- public reads (PLAN-03) ---------------------------------------------------------------------------------


def _public_entries(scales: list[StoredScale], today: date, embargo: int, day: date | None = None,
                    kind: str | None = None) -> list[PlantaoPublicoOut]:
    """Approved scales only. Before D−embargo an entry carries nothing that depends on who serves; the order
    is by (day, kind, rotation), which no designation changes."""
    out: list[tuple[tuple[Any, ...], PlantaoPublicoOut]] = []
    for stored in scales:
        if stored.status != APROVADA or (kind and stored.scale.kind.value != kind):
            continue
        for p in stored.scale.plantoes:
            if day is not None and p.day != day:
                continue
            shown = disclosed(p.day, today, embargo)
            out.append(((p.day, stored.scale.kind.value, p.rotation), PlantaoPublicoOut(
                data=p.day, tipo=stored.scale.kind.value, unidade=p.unit, inicio=p.start, fim=p.end,
                divulgacao_em=disclosure_day(p.day, embargo), divulgado=shown,
                magistrado=p.nome if shown else None, juizo=p.juizo_nome if shown else None)))
    return [entry for _, entry in sorted(out, key=lambda pair: pair[0])]


@public_routes.route("/publico/escalas/{mes}", methods=["GET"], public=True, query=TipoQuery,
                     response=EscalaPublicaOut,
                     summary="Escalas aprovadas de um mês; o plantonista aparece só a partir de 5 dias antes (PLAN-03)")
def get_public_month(ctx: RequestContext, query: TipoQuery, mes: str) -> EscalaPublicaOut:
    month = _month(mes)
    service = ctx.deps.service
    today, embargo = service.today(), service.rules.embargo_publicacao_dias
    scales = ctx.deps.repository.published_month(month)
    entries = _public_entries(scales, today, embargo, kind=query.tipo)
    portarias = sorted(p["numero"] for s in scales if s.status == APROVADA and (not query.tipo or s.scale.kind == query.tipo)
                       and fully_disclosed([x.day for x in s.scale.plantoes], today, embargo) for p in s.portarias)
    return EscalaPublicaOut(mes=str(month), hoje=today, plantoes=entries, portarias=portarias)


@public_routes.route("/publico/plantoes/{data}", methods=["GET"], public=True, query=TipoQuery, response=DiaPublicoOut,
                     summary="Quem está de plantão num dia (nomes só a partir de 5 dias antes, PLAN-03)")
def get_public_day(ctx: RequestContext, query: TipoQuery, data: str) -> DiaPublicoOut:
    try:
        day = date.fromisoformat(data)
    except ValueError:
        raise ProblemError.unprocessable("VALIDACAO", "data inválida: use AAAA-MM-DD", field="data") from None
    service = ctx.deps.service
    today, embargo = service.today(), service.rules.embargo_publicacao_dias
    scales = ctx.deps.repository.published_month(Month.of(day))
    return DiaPublicoOut(data=day, hoje=today, plantoes=_public_entries(scales, today, embargo, day=day, kind=query.tipo))
