"""HTTP routes of distribuicao-svc (thin handlers: parse → use case → response model).

Validation and roles come from courtlib.http; rules and their refusals from the domain (``domain/``);
reading and writing from ``service.py``. Refusals: invalid CNJ number → 422 ``DIST-01`` naming the part;
no eligible judge → 409 ``DIST-02`` with the reason of each seat; unknown órgão or case → 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Literal

from chalice import Response
from chalicelib.distribuicao.adapters.dynamodb import StoredCase, StoredOrgao
from chalicelib.distribuicao.api_editais import routes as edital_routes
from chalicelib.distribuicao.api_precatorias import routes as precatoria_routes
from chalicelib.distribuicao.domain.cnj import CnjError, CnjNumber, ForeignCnjError, parse_for_tribunal
from chalicelib.distribuicao.domain.draw import CaseData, PreventionKind, RedistributionReason
from chalicelib.distribuicao.domain.equality import equality_report
from chalicelib.distribuicao.domain.errors import (
    DistribuicaoError,
    ManualDrawError,
    NoEligibleJudgeError,
    StateError,
)
from chalicelib.distribuicao.domain.judges import Absence, Exclusion, Judge, Orgao, Role, Seat, describe_exclusion
from chalicelib.distribuicao.domain.log import SEGREDO, CaseDetails, DrawRecord
from chalicelib.distribuicao.orgaos_csv import MAX_JUDGES, MAX_ORGAOS, MAX_SEATS, orgaos_from_csv
from chalicelib.distribuicao.service import (
    Busy,
    Conflict,
    DistributionCommand,
    Invalid,
    ManualDrawCommand,
    NotFound,
    OrgaoSpec,
    Outcome,
    RelatedRef,
)
from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from courtlib.auth.principal import ROLES
from courtlib.calendar.api import calendar_read_routes
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.pagination import Page, PageQuery
from courtlib.messaging.outbox import TransactionTooLarge

TITLE = "distribuicao-svc — Distribuição de processos"
routes = RouteSet(service="distribuicao", title="Distribuição de processos", tag="Distribuição")
ROUTE_SETS: list[RouteSet] = [routes, precatoria_routes, edital_routes, calendar_read_routes]

REFERENCE_ROLES = {"distribuicao", "admin"}
STAFF_ROLES = set(ROLES)
ORGAO_ID = r"^[A-Za-z0-9][A-Za-z0-9:._-]{0,63}$"
UNIT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
CLASSE = r"^[A-Za-z][A-Za-z0-9-]{0,19}$"
MAX_LISTED = 200


# --- reference data models ------------------------------------------------------------------


class AusenciaIn(BaseModel):
    inicio: date
    fim: date | None = Field(None, description="Último dia (inclusive); vazio = até novo aviso")
    motivo: str = Field("afastamento", min_length=3, max_length=120, description="férias, licença, ...")

    @model_validator(mode="after")
    def _ordered(self) -> AusenciaIn:
        if self.fim is not None and self.fim < self.inicio:
            raise ValueError("fim anterior ao início")
        return self

    def domain(self) -> Absence:
        return Absence(self.inicio, self.fim, self.motivo)


class CadeiraIn(BaseModel):
    id: str = Field(pattern=UNIT_ID)
    rotulo: str = Field("", max_length=120)
    vaga_desde: date | None = None


class JuizIn(BaseModel):
    id: str = Field(pattern=UNIT_ID)
    nome: str = Field(min_length=3, max_length=200)
    antiguidade: int = Field(ge=1, le=10_000, description="1 = mais antigo no Tribunal")
    cadeira: str = Field(pattern=UNIT_ID)
    papel: Literal["titular", "substituto"] = "titular"
    presidente: bool = False
    desembargador: bool = Field(False, description="Ausências de desembargadores são publicadas (PAG-03)")
    inicio_mandato: date | None = None
    fim_mandato: date | None = None
    ausencias: list[AusenciaIn] = Field(default_factory=list, max_length=100)

    def domain(self) -> Judge:
        return Judge(self.id, self.nome, self.antiguidade, self.cadeira, Role(self.papel), self.presidente,
                     self.inicio_mandato, self.fim_mandato, tuple(a.domain() for a in self.ausencias))


class OrgaoIn(BaseModel):
    nome: str = Field(min_length=3, max_length=200)
    classes: list[str] = Field(min_length=1, max_length=100, description="Siglas das classes distribuídas (RE, HC…)")
    cadeiras: list[CadeiraIn] = Field(min_length=1, max_length=MAX_SEATS)
    juizes: list[JuizIn] = Field(min_length=1, max_length=MAX_JUDGES)

    @field_validator("classes")
    @classmethod
    def _classes(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not re.match(CLASSE, c)]
        if bad:
            raise ValueError(f"sigla de classe inválida: {bad[0]!r}")
        return sorted(set(value))

    def spec(self, orgao_id: str) -> OrgaoSpec:
        seats = tuple(Seat(c.id, c.rotulo, c.vaga_desde) for c in self.cadeiras)
        orgao = Orgao(orgao_id, seats, tuple(j.domain() for j in self.juizes))
        return OrgaoSpec(orgao, self.nome, tuple(self.classes), frozenset(j.id for j in self.juizes if j.desembargador))


class OrgaoImportadoIn(OrgaoIn):
    id: str = Field(pattern=ORGAO_ID)


class ImportacaoIn(BaseModel):
    orgaos: list[OrgaoImportadoIn] = Field(min_length=1, max_length=MAX_ORGAOS)


class AusenciaRegistroIn(AusenciaIn):
    juiz: str = Field(pattern=UNIT_ID)


class AusenciaOut(BaseModel):
    inicio: date
    fim: date | None
    motivo: str


class JuizOut(BaseModel):
    id: str
    nome: str
    antiguidade: int
    cadeira: str
    papel: str
    presidente: bool
    desembargador: bool
    inicio_mandato: date | None
    fim_mandato: date | None
    ausencias: list[AusenciaOut]


class CadeiraOut(BaseModel):
    id: str
    rotulo: str
    vaga_desde: date | None
    relator: str | None = Field(description="Quem recebe como relator um processo distribuído hoje")
    em_exercicio: str | None = Field(description="Quem recebe os autos hoje (o relator ou o seu substituto)")
    sorteavel: bool
    motivo_exclusao: str | None
    contagens: dict[str, int]
    total: int


class CabecaOut(BaseModel):
    seq: int
    hash: str


class IgualdadeOut(BaseModel):
    """DIST-02 audit of the seats drawable today: spreads per class and overall, against the configured limits."""

    diferenca_por_classe: dict[str, int]
    diferenca_total: int
    maximo_por_classe: int
    maximo_total_configurado: int
    limite_teorico_total: int = Field(description="⌈k/2⌉ para k classes em uso: o pior caso da regra por classe")
    alertas: list[str]


class OrgaoOut(BaseModel):
    id: str
    nome: str
    classes: list[str]
    situacao_em: date
    cadeiras: list[CadeiraOut]
    juizes: list[JuizOut]
    log: CabecaOut
    igualdade: IgualdadeOut
    versao: int


class ImportadoOut(BaseModel):
    id: str
    criado: bool
    versao: int


class ImportacaoOut(BaseModel):
    importados: list[ImportadoOut]


class AusenciaRegistradaOut(BaseModel):
    orgao: str
    juiz: str
    ausencias: list[AusenciaOut]
    evento_publicado: bool = Field(description="Ausência de desembargador publicada para pagamentos-svc (PAG-03)")


# --- distribution models --------------------------------------------------------------------


class ExclusaoIn(BaseModel):
    juiz: str = Field(pattern=UNIT_ID)
    motivo: Literal["impedimento", "suspeicao", "relator_decisao_impugnada"]


class ProcessoRelacionadoIn(BaseModel):
    """DIST-03: o processo que torna um juiz prevento."""

    numero: str = Field(max_length=40)
    tipo: PreventionKind
    redator_acordao: str | None = Field(None, pattern=UNIT_ID, description="Quando o relator ficou vencido")
    relator: str | None = Field(None, pattern=UNIT_ID, description="Só para processo anterior a este sistema")
    cadeira: str | None = Field(None, pattern=UNIT_ID, description="Só para processo anterior a este sistema")
    pendente: bool | None = None


class DistribuicaoIn(BaseModel):
    numero_processo: str = Field(max_length=40, description="NNNNNNN-DD.AAAA.J.TR.OOOO ou os 20 dígitos")
    orgao: str = Field(pattern=ORGAO_ID)
    classe: str = Field(pattern=CLASSE)
    assuntos: list[str] = Field(default_factory=list, max_length=MAX_LISTED)
    partes: list[str] = Field(default_factory=list, max_length=MAX_LISTED)
    advogados: list[str] = Field(default_factory=list, max_length=MAX_LISTED)
    segredo_justica: bool = False
    urgente: bool = False
    exige_revisor: bool = Field(False, description="Revisor (DIST-07) além das classes que sempre o têm")
    processo_relacionado: ProcessoRelacionadoIn | None = None
    excluidos: list[ExclusaoIn] = Field(default_factory=list, max_length=30,
                                        description="Impedimentos e suspeições já conhecidos; DIST-05")

    @field_validator("assuntos", "partes", "advogados")
    @classmethod
    def _texts(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not v or len(v) > 300 for v in cleaned):
            raise ValueError("cada item deve ter de 1 a 300 caracteres")
        return cleaned


class DistribuicaoManualIn(DistribuicaoIn):
    """DIST-09: sorteio feito à mão com o sistema fora do ar."""

    cadeira: str = Field(pattern=UNIT_ID, description="Cadeira sorteada à mão")
    testemunhas: list[str] = Field(min_length=1, max_length=10)
    ata: str = Field(min_length=3, max_length=2000)
    autorizado_por: str = Field(min_length=3, max_length=200)
    realizado_em: AwareDatetime


class RedistribuicaoIn(BaseModel):
    motivo: Literal["erro", "impedimento", "suspeicao"]
    excluidos: list[ExclusaoIn] = Field(default_factory=list, max_length=30)


class NumeracaoIn(BaseModel):
    origem: int = Field(ge=0, le=9999, description="OOOO: unidade de origem")
    ano: int | None = Field(None, ge=2000, le=2100, description="AAAA; por padrão, o ano corrente")


class NumeracaoOut(BaseModel):
    numero_processo: str
    digitos: str
    sequencial: int
    ano: int
    origem: int


class JuizRef(BaseModel):
    id: str
    nome: str | None


class SorteioRef(BaseModel):
    id: str = Field(description="<log>#<seq>")
    log: str
    seq: int
    hash: str | None
    registrado_em: str | None
    regra: str
    modo: str


class DistribuicaoOut(BaseModel):
    numero_processo: str
    orgao: str
    classe: str
    cadeira: str
    relator: JuizRef | None
    revisor: JuizRef | None
    conclusos_a: str | None = Field(description="Substituto que recebe os autos enquanto o relator está afastado")
    regra: str
    modo: str
    segredo_justica: bool
    urgente: bool
    sorteio: SorteioRef
    prova: str
    ja_distribuido: bool = Field(False, description="O processo já estava distribuído: nenhum novo sorteio")


class ConsultaOut(BaseModel):
    """DIST-08: o que qualquer pessoa vê de uma distribuição (segredo de justiça mascarado)."""

    numero_processo: str
    orgao: str
    classe: str
    relator: JuizRef | None
    revisor: JuizRef | None
    regra: str
    distribuido_em: str
    segredo_justica: bool
    partes: list[str] | str
    advogados: list[str] | str
    assuntos: list[str] | str
    sorteios: list[str]
    prova: str
    atos_anulados_de: list[str]


class SementeOut(BaseModel):
    dia: date
    sha256: str
    semente: str | None = Field(description="Revelada só depois do dia (compromisso–revelação)")


class ProvaOut(BaseModel):
    numero_processo: str
    log: str
    registros: list[dict[str, Any]]
    sementes: list[SementeOut]
    verificacao: str


class ExportacaoQuery(BaseModel):
    log: str = Field(pattern=ORGAO_ID)


class CompromissosQuery(BaseModel):
    inicio: date | None = None
    fim: date | None = None

    @model_validator(mode="after")
    def _bounded(self) -> CompromissosQuery:
        if self.inicio and self.fim and (self.fim < self.inicio or (self.fim - self.inicio).days > 400):
            raise ValueError("período inválido (fim antes do início ou mais de 400 dias)")
        return self


class CompromissosOut(BaseModel):
    hoje: date
    itens: list[SementeOut]


# --- errors -----------------------------------------------------------------------------------


@contextmanager
def problems(code: str = "DIST-02") -> Iterator[None]:
    """Domain and use-case refusals as problems; ``code`` for a rule refusal without a more precise one."""
    try:
        yield
    except CnjError as error:
        raise _cnj_problem(error, "numero_processo") from None
    except NoEligibleJudgeError as error:
        raise ProblemError(409, "DIST-02", error.detail, motivos=error.reasons) from None
    except ManualDrawError as error:
        raise ProblemError.unprocessable("DIST-09", error.detail) from None
    except StateError as error:
        raise ProblemError.unprocessable("ORGAO_INCONSISTENTE", error.detail) from None
    except NotFound as error:
        raise ProblemError.not_found(error.detail, field=error.field) from None
    except Invalid as error:
        raise ProblemError.unprocessable(error.code, error.detail, field=error.field) from None
    except TransactionTooLarge:
        raise ProblemError.unprocessable("VALIDACAO", "Alterações demais para uma só transação: envie o órgão "
                                         "com menos cadeiras e juízes de cada vez.") from None
    except Conflict as error:
        raise ProblemError.conflict(str(error)) from None
    except Busy as error:
        raise ProblemError(503, "CONCORRENCIA",
                           f"Muitas distribuições simultâneas neste órgão: {error}. Tente de novo.",
                           headers={"Retry-After": "1"}) from None
    except DistribuicaoError as error:
        raise ProblemError.unprocessable(code, error.detail) from None


FOREIGN_CASE = "PROCESSO_DE_OUTRO_TRIBUNAL"


def _cnj_problem(error: CnjError, field: str) -> ProblemError:
    if isinstance(error, ForeignCnjError):
        return ProblemError.unprocessable(FOREIGN_CASE, f"{error.number}: {error.detail}. Este tribunal distribui "
                                          "só os seus processos.", field=field)
    return ProblemError.unprocessable("DIST-01", f"Número de processo inválido: {error.detail}",
                                      field=f"{field}.{error.part.value}", parte=error.part.value)


def _cnj(ctx: RequestContext, text: str, field: str, *, lookup: bool = False) -> CnjNumber:
    """This tribunal's number in ``text``; on a lookup (``lookup=True``) another court's valid number is a 404,
    never distributed here (DIST-01)."""
    try:
        return parse_for_tribunal(text, ctx.deps.config.distribuicao, latest_year=ctx.deps.service.today().year)
    except ForeignCnjError as error:
        if lookup:
            raise ProblemError.not_found(f"O processo {error.number} não foi distribuído neste tribunal.",
                                         field=field) from None
        raise _cnj_problem(error, field) from None
    except CnjError as error:
        raise _cnj_problem(error, field) from None


# --- reference data ---------------------------------------------------------------------------


@routes.route("/orgaos/{orgao}", methods=["PUT"], roles=REFERENCE_ROLES, body=OrgaoIn, response=OrgaoOut,
              summary="Cadastra ou substitui um órgão julgador: cadeiras, juízes, Presidente, mandatos e classes",
              other_status=201)
def put_orgao(ctx: RequestContext, body: OrgaoIn, orgao: str) -> Response:
    _check_orgao_id(orgao)
    with problems("VALIDACAO"):
        stored, created = ctx.deps.service.put_orgao(body.spec(orgao))
        out = _orgao_out(ctx, stored)
    return Response(body=out.model_dump(mode="json"), status_code=201 if created else 200,
                    headers={"Location": f"/orgaos/{orgao}"})


@routes.route("/orgaos/importacao", methods=["POST"], roles=REFERENCE_ROLES, body=ImportacaoIn, response=ImportacaoOut,
              csv=orgaos_from_csv,
              summary="Importa vários órgãos julgadores de uma vez, em JSON ou CSV (uma linha por juiz); cada um "
                      "substituído por inteiro, e nada é gravado se algum for recusado")
def import_orgaos(ctx: RequestContext, body: ImportacaoIn) -> ImportacaoOut:
    ids = [o.id for o in body.orgaos]
    if len(set(ids)) != len(ids):
        raise ProblemError.unprocessable("VALIDACAO", "órgão repetido na importação", field="orgaos")
    specs: list[OrgaoSpec] = []
    for index, item in enumerate(body.orgaos):  # every órgão is checked before the first is written
        try:
            with problems("VALIDACAO"):
                specs.append(item.spec(item.id))
                ctx.deps.service.check_orgao(specs[-1])
        except ProblemError as error:
            error.field = f"orgaos.{index}" + (f".{error.field}" if error.field else "")
            raise
    done: list[ImportadoOut] = []
    for index, (item, spec) in enumerate(zip(body.orgaos, specs, strict=True)):
        try:
            with problems("VALIDACAO"):
                stored, created = ctx.deps.service.put_orgao(spec)
        except ProblemError as error:
            error.extra.setdefault("importados", [d.model_dump() for d in done])
            error.field = f"orgaos.{index}" + (f".{error.field}" if error.field else "")
            raise
        done.append(ImportadoOut(id=item.id, criado=created, versao=stored.version))
    return ImportacaoOut(importados=done)


class OrgaoResumoOut(BaseModel):
    id: str
    nome: str
    classes: list[str]


@routes.route("/orgaos", methods=["GET"], roles=STAFF_ROLES, query=PageQuery, response=Page[OrgaoResumoOut],
              summary="Os órgãos julgadores, por identificador (cursor)")
def list_orgaos(ctx: RequestContext, query: PageQuery) -> Page[OrgaoResumoOut]:
    items, last = ctx.deps.service.orgaos(query.limite, ctx.decode_cursor(query.cursor))
    return Page[OrgaoResumoOut](itens=[OrgaoResumoOut(**{k: i.get(k) for k in ("id", "nome", "classes")})
                                       for i in items], proximo=ctx.next_cursor(last))


@routes.route("/orgaos/{orgao}/membros", methods=["GET"], roles=STAFF_ROLES, query=PageQuery, response=Page[JuizOut],
              summary="Os membros de um órgão julgador, por identificador (cursor)")
def list_members(ctx: RequestContext, query: PageQuery, orgao: str) -> Page[JuizOut]:
    with problems():
        members, last = ctx.deps.service.members(orgao, query.limite, ctx.decode_cursor(query.cursor))
    return Page[JuizOut](itens=[_judge_out(j, desembargador) for j, desembargador in members],
                         proximo=ctx.next_cursor(last))


@routes.route("/orgaos/{orgao}", methods=["GET"], roles=STAFF_ROLES, response=OrgaoOut,
              summary="Um órgão julgador: quem recebe hoje em cada cadeira, contagens e cabeça do log")
def get_orgao(ctx: RequestContext, orgao: str) -> OrgaoOut:
    with problems():
        return _orgao_out(ctx, ctx.deps.service.get_orgao(orgao))


@routes.route("/orgaos/{orgao}/ausencias", methods=["POST"], roles=REFERENCE_ROLES, body=AusenciaRegistroIn,
              response=AusenciaRegistradaOut, status=201, idempotent=True,
              summary="Registra o afastamento de um juiz (DIST-06); o de desembargador é publicado (PAG-03)")
def register_absence(ctx: RequestContext, body: AusenciaRegistroIn, orgao: str) -> AusenciaRegistradaOut:
    with problems("DIST-06"):
        judge, published = ctx.deps.service.register_absence(orgao, body.juiz, body.domain(), ctx.correlation_id)
    return AusenciaRegistradaOut(orgao=orgao, juiz=judge.id, ausencias=[_absence_out(a) for a in judge.absences],
                                 evento_publicado=published)


# --- distribution -----------------------------------------------------------------------------


@routes.route("/distribuicoes", methods=["POST"], roles={"distribuicao"}, body=DistribuicaoIn, response=DistribuicaoOut,
              status=201, idempotent=True,
              summary="Distribui um processo: sorteio verificável com igualdade por classe, ou prevenção "
                      "(DIST-02, DIST-03)", other_status=200)
def post_distribution(ctx: RequestContext, body: DistribuicaoIn) -> Response:
    command = _command(ctx, body)
    with problems():
        outcome = ctx.deps.service.distribute(command)
    return _distribution_response(outcome)


@routes.route("/distribuicoes/manuais", methods=["POST"], roles={"distribuicao"}, body=DistribuicaoManualIn,
              response=DistribuicaoOut, status=201, idempotent=True,
              summary="Registra um sorteio manual feito com o sistema fora do ar: testemunhas e ata (DIST-09)",
              other_status=200)
def post_manual_distribution(ctx: RequestContext, body: DistribuicaoManualIn) -> Response:
    command = ManualDrawCommand(_command(ctx, body), body.cadeira, tuple(body.testemunhas), body.ata,
                                body.autorizado_por, body.realizado_em)
    with problems("DIST-09"):
        outcome = ctx.deps.service.manual_draw(command)
    return _distribution_response(outcome)


@routes.route("/distribuicoes/{numero}/redistribuicao", methods=["POST"], roles={"distribuicao", "presidencia"},
              body=RedistribuicaoIn, response=DistribuicaoOut, status=201, idempotent=True,
              summary="Redistribui por erro, impedimento ou suspeição do relator, com compensação (DIST-04)",
              other_status=200)
def post_redistribution(ctx: RequestContext, body: RedistribuicaoIn, numero: str) -> Response:
    number = _cnj(ctx, numero, "numero", lookup=True)
    with problems("DIST-04"):
        outcome = ctx.deps.service.redistribute(number, RedistributionReason(body.motivo), _exclusions(body.excluidos))
    return _distribution_response(outcome)


@routes.route("/processos/numeracao", methods=["POST"], roles={"distribuicao"}, body=NumeracaoIn,
              response=NumeracaoOut, status=201, idempotent=True,
              summary="Gera o próximo número CNJ da origem no ano, com dígitos verificadores (DIST-01)")
def post_numbering(ctx: RequestContext, body: NumeracaoIn) -> NumeracaoOut:
    with problems("DIST-01"):
        number = ctx.deps.service.next_number(body.origem, body.ano)
    return NumeracaoOut(numero_processo=str(number), digitos=number.digits, sequencial=number.sequential,
                        ano=number.year, origem=number.origin)


# --- public (DIST-08, DIST-11) ------------------------------------------------------------------


@routes.route("/distribuicoes/{numero}", methods=["GET"], public=True, response=ConsultaOut,
              summary="Consulta pública de uma distribuição (partes e advogados ocultos em segredo de justiça)")
def get_distribution(ctx: RequestContext, numero: str) -> ConsultaOut:
    number = _cnj(ctx, numero, "numero", lookup=True)
    with problems():
        row = ctx.deps.service.case(number)
    secret = row.case.secret
    return ConsultaOut(
        numero_processo=str(row.number), orgao=row.orgao, classe=row.case.classe,
        relator=_ref(row.relator, row.relator_name), revisor=_ref(row.revisor, row.revisor_name), regra=row.rule,
        distribuido_em=row.distributed_at, segredo_justica=secret,
        partes=SEGREDO if secret else list(row.details.parties),
        advogados=SEGREDO if secret else list(row.details.lawyers),
        assuntos=SEGREDO if secret else list(row.details.subjects),
        sorteios=[f"{row.orgao}#{seq}" for seq in row.seqs], prova=_proof_link(row),
        atos_anulados_de=list(row.voided_acts_of),
    )


@routes.route("/distribuicoes/{numero}/prova", methods=["GET"], public=True, response=ProvaOut,
              summary="Os registros encadeados dos sorteios do processo e as sementes já reveladas (DIST-11)")
def get_proof(ctx: RequestContext, numero: str) -> ProvaOut:
    number = _cnj(ctx, numero, "numero", lookup=True)
    with problems():
        row, pairs, published, today = ctx.deps.service.proof(number)
    return ProvaOut(
        numero_processo=str(row.number), log=row.orgao, registros=[_public_record(r, d) for r, d in pairs],
        sementes=[SementeOut(dia=p.day, sha256=p.commitment, semente=p.revealed(today)) for p in published],
        verificacao=f"Baixe /sorteios/exportacao?log={row.orgao} e rode scripts/verify_draws.py: refaz o encadeamento "
                    "e cada sorteio a partir das sementes reveladas.",
    )


@routes.route("/sorteios/exportacao", methods=["GET"], public=True, query=ExportacaoQuery,
              summary="Exportação pública do log (formato lido por scripts/verify_draws.py); sementes só de dias "
                      "passados", errors={404})
def get_export(ctx: RequestContext, query: ExportacaoQuery) -> dict[str, Any]:
    with problems():
        return ctx.deps.service.export(query.log)


@routes.route("/sorteios/compromissos", methods=["GET"], public=True, query=CompromissosQuery, response=CompromissosOut,
              summary="Compromissos (sha256) das sementes diárias, publicados antes de cada dia; sementes de dias "
                      "passados")
def get_commitments(ctx: RequestContext, query: CompromissosQuery) -> CompromissosOut:
    published, today = ctx.deps.service.commitments(query.inicio, query.fim)
    return CompromissosOut(hoje=today, itens=[SementeOut(dia=p.day, sha256=p.commitment, semente=p.revealed(today))
                                              for p in published])


# --- helpers ----------------------------------------------------------------------------------


def _check_orgao_id(orgao: str) -> None:
    if not re.match(ORGAO_ID, orgao):
        raise ProblemError.unprocessable("VALIDACAO", "identificador de órgão inválido", field="orgao")


def _exclusions(items: list[ExclusaoIn]) -> dict[str, str]:
    codes = {"impedimento": Exclusion.IMPEDIMENTO, "suspeicao": Exclusion.SUSPEICAO,
             "relator_decisao_impugnada": Exclusion.RELATOR_DECISAO_IMPUGNADA}
    return {item.juiz: str(codes[item.motivo]) for item in items}


def _command(ctx: RequestContext, body: DistribuicaoIn) -> DistributionCommand:
    number = _cnj(ctx, body.numero_processo, "numero_processo")
    related = None
    if body.processo_relacionado is not None:
        ref = body.processo_relacionado
        related = RelatedRef(_cnj(ctx, ref.numero, "processo_relacionado.numero"), PreventionKind(ref.tipo),
                             ref.redator_acordao, ref.relator, ref.cadeira, ref.pendente)
    with problems("VALIDACAO"):
        case = CaseData(number, body.classe, secret=body.segredo_justica, urgent=body.urgente,
                        needs_revisor=body.exige_revisor, parties=tuple(body.partes), lawyers=tuple(body.advogados),
                        subjects=tuple(body.assuntos))
    return DistributionCommand(body.orgao, case, related, _exclusions(body.excluidos))


def _ref(judge_id: str | None, name: str | None) -> JuizRef | None:
    return None if judge_id is None else JuizRef(id=judge_id, nome=name)


def _proof_link(row: StoredCase) -> str:
    return f"/distribuicoes/{row.number}/prova"


def _distribution_response(outcome: Outcome) -> Response:
    row, record = outcome.case, outcome.record
    out = DistribuicaoOut(
        numero_processo=str(row.number), orgao=row.orgao, classe=row.case.classe, cadeira=row.seat,
        relator=_ref(row.relator, row.relator_name), revisor=_ref(row.revisor, row.revisor_name),
        conclusos_a=row.acting if row.acting != row.relator else None, regra=row.rule, modo=row.mode,
        segredo_justica=row.case.secret, urgente=row.case.urgent,
        sorteio=SorteioRef(id=f"{row.orgao}#{row.current_seq}", log=row.orgao, seq=row.current_seq,
                           hash=None if record is None else record.hash,
                           registrado_em=None if record is None else record.recorded_at, regra=row.rule, modo=row.mode),
        prova=_proof_link(row), ja_distribuido=not outcome.created,
    )
    return Response(body=out.model_dump(mode="json"), status_code=201 if outcome.created else 200,
                    headers={"Location": f"/distribuicoes/{row.number}"})


def _public_record(record: DrawRecord, details: CaseDetails | None) -> dict[str, Any]:
    item = record.to_dict()
    item["detalhes"] = None if details is None or record.details_hash is None else details.public(record.secret)
    return item


def _absence_out(absence: Absence) -> AusenciaOut:
    return AusenciaOut(inicio=absence.start, fim=absence.end, motivo=absence.reason)


def _judge_out(j: Judge, desembargador: bool) -> JuizOut:
    return JuizOut(id=j.id, nome=j.name, antiguidade=j.seniority, cadeira=j.seat, papel=j.role.value,
                   presidente=j.president, desembargador=desembargador, inicio_mandato=j.mandate_start,
                   fim_mandato=j.mandate_end, ausencias=[_absence_out(a) for a in j.absences])


def _orgao_out(ctx: RequestContext, stored: StoredOrgao) -> OrgaoOut:
    state = stored.state
    today = ctx.deps.service.today()
    seats = []
    for status in state.orgao.statuses(today, ctx.deps.config.distribuicao):
        by_class = state.counters.as_dict().get(status.id, {})
        seats.append(CadeiraOut(
            id=status.id, rotulo=status.seat.label, vaga_desde=status.seat.vacant_since,
            relator=None if status.relator is None else status.relator.id,
            em_exercicio=None if status.acting is None else status.acting.id, sorteavel=status.exclusion is None,
            motivo_exclusao=None if status.exclusion is None else describe_exclusion(status.exclusion),
            contagens=by_class, total=state.counters.total(status.id),
        ))
    judges = [_judge_out(j, j.id in stored.desembargadores)
              for j in sorted(state.orgao.judges, key=lambda j: j.seniority_key)]
    report = equality_report(state.counters, [seat.id for seat in seats if seat.sorteavel], ctx.deps.config.distribuicao)
    igualdade = IgualdadeOut(diferenca_por_classe=report.per_class, diferenca_total=report.overall,
                             maximo_por_classe=report.max_per_class, maximo_total_configurado=report.max_overall,
                             limite_teorico_total=report.bound_overall, alertas=report.problems())
    return OrgaoOut(id=stored.id, nome=stored.name, classes=list(stored.classes), situacao_em=today, cadeiras=seats,
                    juizes=judges, log=CabecaOut(seq=state.head.seq, hash=state.head.hash), igualdade=igualdade,
                    versao=stored.version)
