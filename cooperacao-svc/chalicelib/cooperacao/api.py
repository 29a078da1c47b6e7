"""HTTP routes of cooperacao-svc (thin handlers: parse → use case → response model).

Refusals by a rule are 422 (409 for conflicts) with ``code`` = the rule (COOP-xx), ``field`` and a Portuguese
``detail`` saying why and what is left; a refused request writes nothing. A servant reaches only their own
requests and records; a manager only their unit's; a partner court only its own judicial requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any, Literal

from chalice import Response
from chalicelib.cooperacao.api_judicial import routes as judicial_routes
from chalicelib.cooperacao.domain.model import (
    CommissionedPost,
    Consents,
    Cooperation,
    Designation,
    Leave,
    LeaveKind,
    Modality,
    Period,
    Portaria,
    RuleError,
    Servant,
    Unit,
    UnitKind,
    WorkingHours,
)
from chalicelib.cooperacao.domain.rules import hours_text, previous_month
from chalicelib.cooperacao.service import TZ, Actor, Busy, Forbidden, NotFound, RequestCommand
from pydantic import BaseModel, Field, field_validator, model_validator

from courtlib.auth.principal import ROLES
from courtlib.calendar.api import calendar_read_routes
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery
from courtlib.http.validation import MONTH_PATTERN, LocalTime

TITLE = "cooperacao-svc — Cooperação de servidores e cooperação judiciária"
routes = RouteSet(service="cooperacao", title="Cooperação de servidores", tag="Cooperação de servidores")
ROUTE_SETS: list[RouteSet] = [routes, judicial_routes, calendar_read_routes]

REFERENCE_ROLES = {"admin", "corregedoria"}
STAFF_ROLES = set(ROLES)
CLOSE_ROLES = {"admin", "dimag"}
ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
MONTH = MONTH_PATTERN


# --- errors -------------------------------------------------------------------------------------


@contextmanager
def problems() -> Iterator[None]:
    try:
        yield
    except RuleError as error:
        raise ProblemError(error.status, error.code, error.detail, error.field, **error.extra) from None
    except NotFound as error:
        raise ProblemError.not_found(error.detail, field=error.field) from None
    except Forbidden as error:
        raise ProblemError.forbidden(error.detail) from None
    except Busy as error:
        raise ProblemError(503, "CONCORRENCIA", f"Gravações simultâneas demais ({error}). Tente de novo.",
                           headers={"Retry-After": "1"}) from None


def actor(ctx: RequestContext) -> Actor:
    return Actor(ctx.principal.username or "", ctx.principal.groups)


# --- reference data models ------------------------------------------------------------------------


class ServidorIn(BaseModel):
    nome: str = Field(min_length=3, max_length=200)
    efetivo: bool
    cargo_comissao: CommissionedPost | None = Field(None, description="Cargo em comissão ocupado (COOP-03)")
    funcao_gratificada: bool = False
    graduacao_direito: bool = False
    lotacao: str = Field(pattern=ID)
    jornada_inicio: LocalTime = Field(time(12), description="Expediente normal (COOP-06)")
    jornada_fim: LocalTime = time(19)

    @model_validator(mode="after")
    def _hours(self) -> ServidorIn:
        if self.jornada_fim <= self.jornada_inicio:
            raise ValueError("jornada_fim deve ser depois de jornada_inicio")
        if not self.efetivo and self.cargo_comissao is None:
            raise ValueError("servidor não efetivo ocupa um cargo em comissão (informe cargo_comissao)")
        return self

    def domain(self, servant_id: str) -> Servant:
        return Servant(servant_id, self.nome, self.efetivo, self.cargo_comissao, self.funcao_gratificada,
                       self.graduacao_direito, self.lotacao, WorkingHours(self.jornada_inicio, self.jornada_fim))


class ServidorOut(ServidorIn):
    id: str


class UnidadeIn(BaseModel):
    nome: str = Field(min_length=3, max_length=200)
    tipo: UnitKind
    predio: str = Field(min_length=1, max_length=80, description="Prédio (COOP-05: presencial só no mesmo)")
    gestor: str | None = Field(None, pattern=ID, description="Matrícula do gestor operacional")
    municipio: str | None = Field(None, pattern=r"^\d{7}$", description="Código IBGE (dias úteis, CAL-01)")

    def domain(self, unit_id: str) -> Unit:
        return Unit(unit_id, self.nome, self.tipo, self.predio, self.gestor, self.municipio)


class UnidadeOut(UnidadeIn):
    id: str


class AnexoIn(BaseModel):
    unidades: dict[str, int] = Field(description="unidade → cooperadores por mês (COOP-02)", max_length=2000)

    @model_validator(mode="after")
    def _positive(self) -> AnexoIn:
        if any(q < 1 or q > 100 for q in self.unidades.values()):
            raise ValueError("cotas entre 1 e 100")
        return self


class PeriodoIn(BaseModel):
    inicio: date
    fim: date

    @model_validator(mode="after")
    def _ordered(self) -> PeriodoIn:
        if self.fim < self.inicio:
            raise ValueError("fim anterior ao início")
        return self

    def period(self) -> Period:
        return Period(self.inicio, self.fim)


class PortariaIn(PeriodoIn):
    modalidade: Literal["M2", "M3"]
    unidades: dict[str, int] = Field(min_length=1, max_length=2000)
    ampliada: bool = Field(False, description="A CGJ ampliou a cota (M2 até 5; M3 cartórios até 10)")

    def domain(self, portaria_id: str) -> Portaria:
        return Portaria(portaria_id, Modality(self.modalidade), self.period(), dict(self.unidades), self.ampliada)


class AfastamentoIn(PeriodoIn):
    unidade: str = Field(pattern=ID)
    servidor: str = Field(pattern=ID)
    tipo: LeaveKind
    comissionado: bool = Field(True, description="Saúde: só de ocupante de cargo em comissão abre M5")

    def domain(self) -> Leave:
        return Leave(self.unidade, self.servidor, self.tipo, self.period(), self.comissionado)


class DesignacaoIn(PeriodoIn):
    unidade: str = Field(pattern=ID)
    servidor: str = Field(pattern=ID)
    efetivo: bool
    lotacao: str = Field(pattern=ID)

    def domain(self) -> Designation:
        return Designation(self.unidade, self.servidor, self.efetivo, self.lotacao, self.period())


class NormaIn(BaseModel):
    data_final: date = Field(description="Prazo máximo da norma (COOP-09); 002: 31/12/2025")


class ServidorImportadoIn(ServidorIn):
    id: str = Field(pattern=ID)


class UnidadeImportadaIn(UnidadeIn):
    id: str = Field(pattern=ID)


class PortariaImportadaIn(PortariaIn):
    id: str = Field(pattern=ID)


class ImportacaoIn(BaseModel):
    unidades: list[UnidadeImportadaIn] = Field(default_factory=list, max_length=5000)
    servidores: list[ServidorImportadoIn] = Field(default_factory=list, max_length=25000)
    anexos: dict[Literal["I", "IV", "V"], dict[str, int]] = Field(default_factory=dict)
    portarias: list[PortariaImportadaIn] = Field(default_factory=list, max_length=500)
    afastamentos: list[AfastamentoIn] = Field(default_factory=list, max_length=5000)
    designacoes: list[DesignacaoIn] = Field(default_factory=list, max_length=5000)
    norma: NormaIn | None = None


class ImportacaoOut(BaseModel):
    unidades: int
    servidores: int
    anexos: int
    portarias: int
    afastamentos: int
    designacoes: int


# --- request models -------------------------------------------------------------------------------


class AnuenciasIn(BaseModel):
    servidor: bool = False
    gestor_lotacao: bool = False
    gestor_cooperada: bool = False


class PedidoIn(PeriodoIn):
    """COOP-01: o formulário eletrônico de requerimento."""

    unidade_lotacao: str = Field(pattern=ID)
    unidade_cooperada: str = Field(pattern=ID)
    modalidade: Modality
    presencial: bool = Field(False, description="Remota por padrão (COOP-05)")
    anuencias: AnuenciasIn = AnuenciasIn()
    plano_trabalho: str | None = Field(None, max_length=5000, description="M2/M3: plano de trabalho da unidade")
    afastado: str | None = Field(None, pattern=ID, description="M5: matrícula do servidor afastado")


class CooperacaoImportadaIn(PedidoIn):
    servidor: str = Field(pattern=ID)
    meta: str = Field(min_length=1, max_length=2000)
    deferido_em: date


class ImportacaoCooperacoesIn(BaseModel):
    cooperacoes: list[CooperacaoImportadaIn] = Field(min_length=1, max_length=500)


class DecisaoRegistroOut(BaseModel):
    acao: str
    por: str
    papel: str
    regra: str
    situacao: str
    em: str
    motivo: str | None = None
    meta: str | None = None
    fim_anterior: str | None = None
    fim: str | None = None


class CooperacaoOut(BaseModel):
    id: str
    servidor: str
    unidade_lotacao: str
    unidade_cooperada: str
    modalidade: str
    inicio: date
    fim: date
    presencial: bool
    plano_trabalho: str | None
    afastado: str | None
    situacao: str
    meta: str | None
    deferida_em: date | None = Field(None, description="Dia do deferimento: as sessões contam a partir dele")
    vagas_restantes: int | None = Field(None, description="Vagas da unidade no mês mais cheio, após este pedido")
    decisoes: list[DecisaoRegistroOut] | None = None


class CooperacoesOut(BaseModel):
    itens: list[CooperacaoOut]


class DecisaoIn(BaseModel):
    deferir: bool
    meta: str | None = Field(None, max_length=2000, description="Meta de produtividade (gestor, ao deferir)")
    motivo: str | None = Field(None, max_length=2000)


class FimIn(BaseModel):
    fim: date
    motivo: str | None = Field(None, max_length=2000)


class PontoIn(BaseModel):
    inicio: datetime = Field(description="Início da sessão (sem fuso = America/Sao_Paulo)")
    fim: datetime

    @field_validator("inicio", "fim")
    @classmethod
    def _in_court_zone(cls, value: datetime) -> datetime:
        """The moment in the court's zone; one that has none there (0001-01-01T00:00Z) is refused, not a 500."""
        try:
            return _local(value).astimezone(TZ)
        except OverflowError:
            raise ValueError("data e hora fora do intervalo aceito") from None


class PontoOut(BaseModel):
    servidor: str
    cooperacao: str
    inicio: datetime
    fim: datetime
    minutos: int


class PontoRegistradoOut(BaseModel):
    registro: PontoOut
    competencia: str
    minutos_mes: int
    disponiveis_minutos: int
    disponiveis: str


class PontosQuery(BaseModel):
    competencia: str = Field(pattern=MONTH)


class PontosOut(BaseModel):
    servidor: str
    competencia: str
    minutos_mes: int
    disponiveis_minutos: int
    itens: list[PontoOut]


class FechamentoIn(BaseModel):
    competencia: str | None = Field(None, pattern=MONTH, description="Padrão: o mês anterior")


class FechamentoOut(BaseModel):
    competencia: str
    servidores: int
    publicados: int
    ajustes: int
    lotes: int


# --- helpers ------------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    return value.replace(tzinfo=TZ) if value.tzinfo is None else value


def _coop_out(c: Cooperation, left: int | None = None, decisions: list[dict[str, Any]] | None = None) -> CooperacaoOut:
    return CooperacaoOut(
        id=c.id, servidor=c.servant, unidade_lotacao=c.home_unit, unidade_cooperada=c.unit, modalidade=c.modality,
        inicio=c.period.start, fim=c.period.end, presencial=c.presencial, plano_trabalho=c.work_plan,
        afastado=c.leave_servant, situacao=c.status, meta=c.goal, deferida_em=c.approved_on, vagas_restantes=left,
        decisoes=None if decisions is None else [DecisaoRegistroOut(**{k: d.get(k) for k in DecisaoRegistroOut
                                                                       .model_fields}) for d in decisions])


def _servant_out(s: Servant) -> ServidorOut:
    return ServidorOut(id=s.id, nome=s.name, efetivo=s.efetivo, cargo_comissao=s.post,
                       funcao_gratificada=s.funcao_gratificada, graduacao_direito=s.law_degree, lotacao=s.lotacao,
                       jornada_inicio=s.hours.start, jornada_fim=s.hours.end)


def _check_id(value: str, field: str) -> None:
    import re

    if not re.match(ID, value):
        raise ProblemError.unprocessable("VALIDACAO", "identificador inválido", field=field)


# --- reference data -------------------------------------------------------------------------------


@routes.route("/servidores/{servidor}", methods=["PUT"], roles=REFERENCE_ROLES, body=ServidorIn, response=ServidorOut,
              summary="Cadastra ou substitui um servidor: cargo, comissão, FG, Direito, lotação, expediente")
def put_servant(ctx: RequestContext, body: ServidorIn, servidor: str) -> ServidorOut:
    _check_id(servidor, "servidor")
    servant = body.domain(servidor)
    ctx.deps.service.put_servant(servant)
    return _servant_out(servant)


@routes.route("/servidores/{servidor}", methods=["GET"], roles=STAFF_ROLES, response=ServidorOut,
              owner="servidor", owner_unless=REFERENCE_ROLES,
              summary="Cadastro de um servidor (o próprio, a administração ou a Corregedoria)")
def get_servant(ctx: RequestContext, servidor: str) -> ServidorOut:
    with problems():
        return _servant_out(ctx.deps.service.servant(servidor))


@routes.route("/servidores", methods=["GET"], roles=REFERENCE_ROLES, query=PageQuery, response=Page[ServidorOut],
              summary="Os servidores, por matrícula (cursor); cadastro pessoal: só administração e Corregedoria")
def list_servants(ctx: RequestContext, query: PageQuery) -> Page[ServidorOut]:
    servants, last = ctx.deps.service.servants(query.limite, ctx.decode_cursor(query.cursor))
    return Page[ServidorOut](itens=[_servant_out(s) for s in servants], proximo=ctx.next_cursor(last))


@routes.route("/unidades", methods=["GET"], roles=STAFF_ROLES, query=PageQuery, response=Page[UnidadeOut],
              summary="As unidades, por identificador (cursor)")
def list_units(ctx: RequestContext, query: PageQuery) -> Page[UnidadeOut]:
    units, last = ctx.deps.service.units(query.limite, ctx.decode_cursor(query.cursor))
    return Page[UnidadeOut](itens=[_unit_out(u) for u in units], proximo=ctx.next_cursor(last))


@routes.route("/unidades/{unidade}", methods=["PUT"], roles=REFERENCE_ROLES, body=UnidadeIn, response=UnidadeOut,
              summary="Cadastra ou substitui uma unidade: gestor, prédio, tipo (gabinete/cartório/outra)")
def put_unit(ctx: RequestContext, body: UnidadeIn, unidade: str) -> UnidadeOut:
    _check_id(unidade, "unidade")
    ctx.deps.service.put_unit(body.domain(unidade))
    return UnidadeOut(id=unidade, **body.model_dump())


@routes.route("/unidades/{unidade}", methods=["GET"], roles=STAFF_ROLES, response=UnidadeOut,
              summary="Uma unidade")
def get_unit(ctx: RequestContext, unidade: str) -> UnidadeOut:
    with problems():
        return _unit_out(ctx.deps.service.unit(unidade))


def _unit_out(u: Unit) -> UnidadeOut:
    return UnidadeOut(id=u.id, nome=u.name, tipo=u.kind, predio=u.building, gestor=u.manager, municipio=u.municipality)


@routes.route("/anexos/{anexo}", methods=["PUT"], roles=REFERENCE_ROLES, body=AnexoIn, response=AnexoIn,
              summary="Substitui a lista de um anexo da norma (I: M1, IV: M4, V: M5) com a cota de cada unidade")
def put_annex(ctx: RequestContext, body: AnexoIn, anexo: str) -> AnexoIn:
    if anexo not in ("I", "IV", "V"):
        raise ProblemError.not_found("Anexo inexistente (I, IV ou V).", field="anexo")
    with problems():
        ctx.deps.service.put_annex(anexo, body.unidades)
    return body


@routes.route("/anexos/{anexo}", methods=["GET"], roles=STAFF_ROLES, response=AnexoIn, summary="A lista de um anexo")
def get_annex(ctx: RequestContext, anexo: str) -> AnexoIn:
    if anexo not in ("I", "IV", "V"):
        raise ProblemError.not_found("Anexo inexistente (I, IV ou V).", field="anexo")
    return AnexoIn(unidades=ctx.deps.service.annex(anexo))


@routes.route("/portarias/{portaria}", methods=["PUT"], roles=REFERENCE_ROLES, body=PortariaIn, response=PortariaIn,
              summary="Portaria mensal da CGJ para M2/M3: período e cota por unidade (limites do COOP-02)")
def put_portaria(ctx: RequestContext, body: PortariaIn, portaria: str) -> PortariaIn:
    _check_id(portaria, "portaria")
    with problems():
        ctx.deps.service.put_portaria(body.domain(portaria))
    return body


@routes.route("/portarias", methods=["GET"], roles=STAFF_ROLES, summary="As portarias da CGJ")
def list_portarias(ctx: RequestContext) -> dict[str, Any]:
    return {"itens": ctx.deps.service.portarias()}


@routes.route("/afastamentos", methods=["POST"], roles=REFERENCE_ROLES, body=AfastamentoIn, status=201,
              response=AfastamentoIn, idempotent=True,
              summary="Afastamento (saúde de comissionado, nascimento de filho) que abre M5 (COOP-09)", errors={404})
def post_leave(ctx: RequestContext, body: AfastamentoIn) -> AfastamentoIn:
    with problems():
        ctx.deps.service.put_leave(body.domain())
    return body


@routes.route("/designacoes", methods=["POST"], roles=REFERENCE_ROLES, body=DesignacaoIn, status=201,
              response=DesignacaoIn, idempotent=True,
              summary="Designação de substituto numa unidade (efetivo de outra unidade impede M5, COOP-09)",
              errors={404})
def post_designation(ctx: RequestContext, body: DesignacaoIn) -> DesignacaoIn:
    with problems():
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
    service = ctx.deps.service
    with problems():
        for u in body.unidades:
            service.put_unit(u.domain(u.id))
        for s in body.servidores:
            service.put_servant(s.domain(s.id))
        for annex, quotas in body.anexos.items():
            service.put_annex(annex, quotas)
        for p in body.portarias:
            service.put_portaria(p.domain(p.id))
        for leave in body.afastamentos:
            service.put_leave(leave.domain())
        for d in body.designacoes:
            service.put_designation(d.domain())
        if body.norma is not None:
            service.put_final_date(body.norma.data_final)
    return ImportacaoOut(unidades=len(body.unidades), servidores=len(body.servidores), anexos=len(body.anexos),
                         portarias=len(body.portarias), afastamentos=len(body.afastamentos),
                         designacoes=len(body.designacoes))


# --- requests (COOP-01..05, 07, 09) and decisions (COOP-10) ----------------------------------------


@routes.route("/cooperacoes", methods=["POST"], roles={"servidor"}, body=PedidoIn, response=CooperacaoOut, status=201,
              idempotent=True, summary="Requerimento de cooperação (COOP-01), conferido na hora (COOP-02..05, 07, 09)",
              errors={404})
def post_request(ctx: RequestContext, body: PedidoIn) -> Response:
    with problems():
        coop, left = ctx.deps.service.submit(ctx.principal.username or "", _command(body))
    out = _coop_out(coop, left)
    return Response(body=out.model_dump(mode="json"), status_code=201, headers={"Location": f"/cooperacoes/{coop.id}"})


def _command(body: PedidoIn) -> RequestCommand:
    return RequestCommand(body.unidade_lotacao, body.unidade_cooperada, body.modalidade, body.period(),
                          body.presencial, Consents(body.anuencias.servidor, body.anuencias.gestor_lotacao,
                                                    body.anuencias.gestor_cooperada),
                          body.plano_trabalho, body.afastado)


@routes.route("/cooperacoes/importacao", methods=["POST"], roles=REFERENCE_ROLES, body=ImportacaoCooperacoesIn,
              response=CooperacoesOut, status=201, idempotent=True,
              summary="Importa cooperações já deferidas no processo anterior (mesmas regras, julgadas no início de "
                      "cada uma); a primeira recusada interrompe a importação e diz quais entraram", errors={404})
def post_import_cooperations(ctx: RequestContext, body: ImportacaoCooperacoesIn) -> CooperacoesOut:
    done: list[CooperacaoOut] = []
    for index, item in enumerate(body.cooperacoes):
        try:
            with problems():
                coop, left = ctx.deps.service.import_approved(item.servidor, _command(item), item.meta,
                                                              ctx.principal.username or "", item.deferido_em)
        except ProblemError as error:
            error.extra.setdefault("importadas", [d.id for d in done])
            error.field = f"cooperacoes.{index}" + (f".{error.field}" if error.field else "")
            raise
        done.append(_coop_out(coop, left))
    return CooperacoesOut(itens=done)


@routes.route("/cooperacoes", methods=["GET"], roles={"servidor"}, response=CooperacoesOut,
              summary="As cooperações do próprio servidor")
def list_own(ctx: RequestContext) -> CooperacoesOut:
    coops = ctx.deps.service.store.servant_cooperations(ctx.principal.username or "")
    return CooperacoesOut(itens=[_coop_out(c) for c in coops])


@routes.route("/cooperacoes/{id}", methods=["GET"], roles=STAFF_ROLES, response=CooperacaoOut,
              summary="Uma cooperação com as decisões (o servidor, os gestores das unidades, Corregedoria, admin)")
def get_request(ctx: RequestContext, id: str) -> CooperacaoOut:
    service = ctx.deps.service
    with problems():
        coop, _ = service.cooperation(id)
    if not service.can_see(coop, actor(ctx)):
        raise ProblemError.forbidden("Você só pode acessar as suas próprias cooperações ou as da sua unidade.")
    return _coop_out(coop, decisions=service.store.decisions(id))


@routes.route("/unidades/{unidade}/cooperacoes", methods=["GET"], roles={"gestor", "corregedoria", "admin"},
              response=CooperacoesOut, summary="As cooperações de uma unidade (o seu gestor, Corregedoria, admin)")
def list_unit(ctx: RequestContext, unidade: str) -> CooperacoesOut:
    service = ctx.deps.service
    with problems():
        unit = service.unit(unidade)
    if not ctx.principal.has_role("corregedoria", "admin") and unit.manager != ctx.principal.username:
        raise ProblemError.forbidden("Só o gestor da unidade vê as suas cooperações.")
    return CooperacoesOut(itens=[_coop_out(c) for c in service.store.unit_cooperations(unidade, date.min)])


@routes.route("/cooperacoes/{id}/decisao", methods=["POST"], roles={"gestor", "corregedoria"}, body=DecisaoIn,
              response=CooperacaoOut, summary="Deferimento/indeferimento (COOP-10): gestor da unidade cooperada "
                                              "com a meta; em M2/M3 depois a Corregedoria")
def post_decision(ctx: RequestContext, body: DecisaoIn, id: str) -> CooperacaoOut:
    service = ctx.deps.service
    with problems():
        coop, _ = service.cooperation(id)
        corregedoria = ctx.principal.has_role("corregedoria")
        waits_cgj = coop.status == "aguardando_corregedoria"
        role = "corregedoria" if corregedoria and (waits_cgj or not ctx.principal.has_role("gestor")) else "gestor"
        new = service.decide(id, actor(ctx), role, body.deferir, body.meta, body.motivo)
    return _coop_out(new, decisions=service.store.decisions(id))


@routes.route("/cooperacoes/{id}/prorrogacao", methods=["POST"], roles={"gestor"}, body=FimIn, response=CooperacaoOut,
              summary="Prorrogação pedida pelo gestor da unidade cooperada, dentro do COOP-09 (COOP-10)")
def post_extension(ctx: RequestContext, body: FimIn, id: str) -> CooperacaoOut:
    service = ctx.deps.service
    with problems():
        coop, _ = service.cooperation(id)
        if body.fim <= coop.period.end:
            raise RuleError("COOP-10", "fim", f"Prorrogar é terminar depois de {coop.period.end:%d/%m/%Y}.")
        new = service.change_end(id, actor(ctx), body.fim, body.motivo)
    return _coop_out(new)


@routes.route("/cooperacoes/{id}/termino", methods=["POST"], roles={"gestor"}, body=FimIn, response=CooperacaoOut,
              summary="Término antecipado informado pelo gestor da unidade cooperada (COOP-10)")
def post_early_end(ctx: RequestContext, body: FimIn, id: str) -> CooperacaoOut:
    service = ctx.deps.service
    with problems():
        coop, _ = service.cooperation(id)
        if body.fim >= coop.period.end:
            raise RuleError("COOP-10", "fim", f"O término antecipado é antes de {coop.period.end:%d/%m/%Y}.")
        new = service.change_end(id, actor(ctx), body.fim, body.motivo)
    return _coop_out(new)


# --- ponto (COOP-06, COOP-08) -----------------------------------------------------------------------


def _ponto_out(r: Any) -> PontoOut:
    return PontoOut(servidor=r.servant, cooperacao=r.cooperation, inicio=r.start, fim=r.end, minutos=r.minutes)


@routes.route("/cooperacoes/{id}/pontos", methods=["POST"], roles={"servidor"}, body=PontoIn,
              response=PontoRegistradoOut, status=201, idempotent=True,
              summary="Registro de ponto de uma sessão (COOP-08): fora do expediente, no período, sem sobreposição, "
                      "até 40 h no mês somando todas as cooperações (COOP-06)")
def post_time_record(ctx: RequestContext, body: PontoIn, id: str) -> PontoRegistradoOut:
    with problems():
        record, total, left = ctx.deps.service.record_time(actor(ctx), id, _local(body.inicio), _local(body.fim))
    return PontoRegistradoOut(registro=_ponto_out(record), competencia=record.month, minutos_mes=total,
                              disponiveis_minutos=left, disponiveis=hours_text(left))


@routes.route("/servidores/{servidor}/pontos", methods=["GET"], roles=STAFF_ROLES, query=PontosQuery,
              response=PontosOut, owner="servidor", owner_unless={"admin", "corregedoria", "dimag"},
              summary="Os pontos do servidor num mês (o próprio, admin, Corregedoria, DIMAG)")
def list_time_records(ctx: RequestContext, query: PontosQuery, servidor: str) -> PontosOut:
    service = ctx.deps.service
    total, records = service.month_records(servidor, query.competencia)
    cap = service.coop_config.horas_mensais_max * 60
    return PontosOut(servidor=servidor, competencia=query.competencia, minutos_mes=total,
                     disponiveis_minutos=max(cap - total, 0), itens=[_ponto_out(r) for r in records])


# --- monthly close (COOP-11) ------------------------------------------------------------------------


@routes.route("/fechamentos", methods=["POST"], roles=CLOSE_ROLES, body=FechamentoIn, response=FechamentoOut,
              summary="Fecha um mês agora (padrão: o anterior): uma gratificação por servidor; repetir não publica "
                      "nada novo; correção posterior vira ajuste (COOP-11)")
def post_close(ctx: RequestContext, body: FechamentoIn) -> FechamentoOut:
    service = ctx.deps.service
    month = body.competencia or previous_month(service.today())
    current = f"{service.today():%Y-%m}"
    if month >= current:
        raise ProblemError.unprocessable("COOP-11", f"Só se fecha mês já terminado (anterior a {current}).",
                                         field="competencia")
    with problems():
        result = service.close_month(month, ctx.correlation_id, ctx.principal.username or "")
    return FechamentoOut(competencia=month, servidores=result.servants, publicados=result.published,
                         ajustes=result.adjustments, lotes=result.batches)


@routes.route("/fechamentos/{competencia}", methods=["GET"], roles=CLOSE_ROLES, summary="Situação do fechamento")
def get_close(ctx: RequestContext, competencia: str) -> dict[str, Any]:
    if not re.match(MONTH, competencia):
        raise ProblemError.unprocessable("VALIDACAO", "competência inválida: use AAAA-MM", field="competencia")
    info = ctx.deps.service.close_info(competencia)
    if info is None:
        raise ProblemError.not_found("Mês não fechado.", field="competencia")
    return info

