"""HTTP routes of pagamentos-svc (thin handlers: validation and roles come from courtlib.http).

Refusals (problem+json, nothing written): unknown person 422 ``PESSOA_DESCONHECIDA``; impossible period 422
``VALIDACAO`` (field ``fim``); overlapping designation for the same juízo 409 ``DESIGNACAO_SOBREPOSTA``;
editing, signing or sending a memo out of its lifecycle 409 ``PAG-10``; unknown memo 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from fractions import Fraction
from typing import Any, Literal

from chalice import Response
from chalicelib.pagamentos.adapters import codec
from chalicelib.pagamentos.domain.model import (
    Attendance,
    Designation,
    DomainError,
    Month,
    Period,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)
from chalicelib.pagamentos.service import Refused, new_id
from pydantic import BaseModel, Field, model_validator

from courtlib.calendar.api import calendar_read_routes
from courtlib.csvexport import BR, PLAIN
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.responses import require_accept
from courtlib.http.validation import MONTH_PATTERN

TITLE = "pagamentos-svc — Memorandos de pagamento"
routes = RouteSet(service="pagamentos", title="Memorandos de pagamento", tag="Pagamentos")
ROUTE_SETS: list[RouteSet] = [routes, calendar_read_routes]

RECORD_ROLES = {"dimag", "presidencia", "admin"}
READ_ROLES = {"dimag", "presidencia", "admin"}
ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


@contextmanager
def refusals() -> Iterator[None]:
    try:
        yield
    except Refused as error:
        raise ProblemError(error.status, error.code, error.detail, error.field) from error
    except DomainError as error:
        raise ProblemError(422, error.code, error.detail, error.field) from error


# --- bodies -------------------------------------------------------------------------------------


class PessoaIn(BaseModel):
    nome: str = Field(min_length=3, max_length=200)
    tipo: Literal["magistrado", "servidor"]
    cargo: Literal["desembargador", "jds", "juiz", "juiz_substituto", "membro", "servidor"]
    entrancia: Literal["inicial", "final", "especial"] | None = None
    juizo: str | None = Field(None, pattern=ID, description="Juízo ou unidade de lotação (1VC-CBA, GAB-C3…)")
    municipio: str | None = Field(None, pattern=r"^\d{7}$", description="IBGE do município de exercício")
    funcao_tre: Literal["presidente", "corregedor", "membro"] | None = None

    @model_validator(mode="after")
    def _coherent(self) -> PessoaIn:
        if (self.tipo == "servidor") != (self.cargo == "servidor"):
            raise ValueError("servidor tem cargo 'servidor'; magistrado, um cargo da magistratura")
        if self.cargo == "juiz" and self.entrancia is None:
            raise ValueError("juiz titular precisa da entrância")
        return self

    def domain(self, person_id: str) -> Person:
        return Person(person_id, self.nome, self.tipo, self.cargo, self.entrancia, self.juizo, self.municipio,
                      self.funcao_tre)


class PessoaImportadaIn(PessoaIn):
    id: str = Field(pattern=ID)


class PeriodoIn(BaseModel):
    inicio: date
    fim: date

    @model_validator(mode="after")
    def _ordered(self) -> PeriodoIn:
        if self.fim < self.inicio:
            raise ValueError("período impossível: fim anterior ao início")
        return self


class DesignacaoIn(PeriodoIn):
    id: str | None = Field(None, pattern=ID, description="Opcional (importação): repetir o mesmo id não duplica")
    tipo: Literal["cumulacao", "auxilio", "convocacao", "substituicao", "diarias", "funcao"]
    pessoa: str = Field(pattern=ID)
    juizo: str = Field(pattern=ID, description="Juízo cumulado/auxiliado/substituído, câmara, ou o posto")
    municipio: str | None = Field(None, pattern=r"^\d{7}$")
    fracao: Literal["1/3", "1/6"] | None = Field(None, description="PAG-02; padrão 1/3 (cumulação), 1/6 (auxílio)")
    gera_cumulacao: bool = Field(False, description="auxílio que gera cumulação ao juiz auxiliar (PAG-02)")
    quorum: bool = Field(False, description="convocação só para compor quórum: sem acréscimo (PAG-04)")
    prejuizo: bool = Field(False, description="convocação com prejuízo das funções")
    entrancia_destino: Literal["inicial", "final", "especial"] | None = None
    plena: bool = Field(False, description="substituição plena (conta para os 6 meses do PAG-05)")
    funcao: str | None = Field(None, max_length=60, description="posto com acréscimo mensal (direcao_foro…)")
    portaria: str | None = Field(None, max_length=120)

    def domain(self) -> Designation:
        return Designation(self.id or new_id(), self.tipo, self.pessoa, self.juizo, Period(self.inicio, self.fim),
                           self.municipio, Fraction(self.fracao) if self.fracao else None, self.gera_cumulacao,
                           self.quorum, self.prejuizo, self.entrancia_destino, self.plena, self.funcao, self.portaria)


class ImportacaoIn(BaseModel):
    pessoas: list[PessoaImportadaIn] = Field(default_factory=list, max_length=10_000)
    designacoes: list[DesignacaoIn] = Field(default_factory=list, max_length=2_000)


class FeriasIn(PeriodoIn):
    id: str | None = Field(None, pattern=ID)
    pessoa: str = Field(pattern=ID)


class FeriasRenunciadasIn(BaseModel):
    id: str | None = Field(None, pattern=ID)
    pessoa: str = Field(pattern=ID)
    dias: int = Field(ge=1, le=60)
    autorizado_em: date = Field(description="Data da autorização do Presidente (competência do pagamento)")
    periodo_aquisitivo: str = Field("", max_length=20)


class PresencaIn(BaseModel):
    membro: str = Field(pattern=ID)
    situacao: Literal["presente", "ausente", "ferias", "licenca", "representacao", "correicao"]
    autorizado_pleno: bool = Field(False, description="juiz autorizado pelo Pleno a representar o Presidente")


class SessaoIn(BaseModel):
    id: str = Field(pattern=ID, description="Número da sessão")
    data: date
    presencas: list[PresencaIn] = Field(min_length=1, max_length=30)


class ExecucaoIn(BaseModel):
    competencia: str | None = Field(None, pattern=MONTH_PATTERN, description="Padrão: o mês anterior")


class CompetenciaQuery(BaseModel):
    competencia: str = Field(pattern=MONTH_PATTERN)


class EdicaoIn(BaseModel):
    observacao: str = Field(max_length=2000)


class ListaQuery(BaseModel):
    limite: int = Field(100, ge=1, le=200)
    cursor: str | None = None


# --- people and designations ---------------------------------------------------------------------


@routes.route("/pessoas/{pessoa}", methods=["PUT"], roles={"dimag", "admin"}, body=PessoaIn, status=200,
              summary="Cadastra ou atualiza magistrado ou servidor")
def put_person(ctx: RequestContext, body: PessoaIn, pessoa: str) -> dict[str, Any]:
    with refusals():
        if not re.match(ID, pessoa):
            raise Refused(422, "VALIDACAO", "matrícula inválida", "pessoa")
        person = body.domain(pessoa)
        ctx.deps.service.register_people([person])
    return codec.person_to(person)


@routes.route("/pessoas", methods=["GET"], roles=READ_ROLES, query=ListaQuery,
              summary="As pessoas (magistrados e servidores), por matrícula (cursor)")
def list_people(ctx: RequestContext, query: ListaQuery) -> dict[str, Any]:
    people, last = ctx.deps.repository.people_page(query.limite, ctx.decode_cursor(query.cursor))
    return {"itens": [codec.person_to(person) for person in people], "proximo": ctx.next_cursor(last)}


@routes.route("/pessoas/{pessoa}", methods=["GET"], roles=READ_ROLES, summary="Cadastro de uma pessoa")
def get_person(ctx: RequestContext, pessoa: str) -> dict[str, Any]:
    person = ctx.deps.repository.get_person(pessoa)
    if person is None:
        raise ProblemError.not_found("Pessoa não cadastrada.")
    return codec.person_to(person)


@routes.route("/importacao", methods=["POST"], roles={"dimag", "admin"}, body=ImportacaoIn, idempotent=True,
              summary="Importação em lote de pessoas e designações (tudo ou nada nas recusas)")
def post_import(ctx: RequestContext, body: ImportacaoIn) -> dict[str, Any]:
    service = ctx.deps.service
    imported = {p.id: p.domain(p.id) for p in body.pessoas}
    designations = [d.domain() for d in body.designacoes]
    with refusals():
        for index, d in enumerate(designations):  # every refusal before any write
            person = imported.get(d.pessoa) or ctx.deps.repository.get_person(d.pessoa)
            if person is None or person.tipo != "magistrado":
                raise Refused(422, "PESSOA_DESCONHECIDA", f"designação {index}: {d.pessoa} não é magistrado "
                                                          "cadastrado.", f"designacoes[{index}].pessoa")
            try:
                service.check_designation(d, person)
            except Refused as error:
                raise Refused(error.status, error.code, f"designação {index}: {error.detail}",
                              f"designacoes[{index}].{error.field or ''}".rstrip(".")) from error
            if ctx.deps.repository.get_designation(d.id) is None:
                try:
                    ctx.deps.service.check_overlap(d)
                except Refused as error:
                    raise Refused(error.status, error.code, f"designação {index}: {error.detail}",
                                  f"designacoes[{index}]") from error
            for other in designations[:index]:
                if other.juizo == d.juizo and other.kind == d.kind and other.periodo.overlaps(d.periodo) \
                        and (d.kind != "auxilio" or other.pessoa == d.pessoa):
                    raise Refused(409, "DESIGNACAO_SOBREPOSTA", f"designações {designations.index(other)} e {index} "
                                                                f"se sobrepõem no juízo {d.juizo}.",
                                  f"designacoes[{index}]")
        service.register_people(list(imported.values()))
        created = 0
        for d in designations:
            created += service.create_designation(d)[1]
    return {"pessoas": len(imported), "designacoes_criadas": created}


@routes.route("/designacoes", methods=["POST"], roles=RECORD_ROLES, body=DesignacaoIn, idempotent=True,
              summary="Designação de magistrado (cumulação, auxílio, convocação, substituição, diárias, função)",
              other_status=201)
def post_designation(ctx: RequestContext, body: DesignacaoIn) -> Response:
    with refusals():
        stored, created = ctx.deps.service.create_designation(body.domain())
    return Response(body=stored, status_code=201 if created else 200, headers={"Content-Type": "application/json"})


@routes.route("/designacoes/{designacao}", methods=["GET"], roles=READ_ROLES, summary="Uma designação")
def get_designation(ctx: RequestContext, designacao: str) -> dict[str, Any]:
    found = ctx.deps.repository.get_designation(designacao)
    if found is None:
        raise ProblemError.not_found("Designação não encontrada.")
    return found


@routes.route("/pessoas/{pessoa}/designacoes", methods=["GET"], roles=READ_ROLES,
              summary="Designações de um magistrado")
def list_designations(ctx: RequestContext, pessoa: str) -> dict[str, Any]:
    return {"pessoa": pessoa, "itens": ctx.deps.repository.designations_of(pessoa)}


@routes.route("/ferias", methods=["POST"], roles=RECORD_ROLES, body=FeriasIn, status=201, idempotent=True,
              summary="Férias de magistrado (PAG-09, e exceções de PAG-03/04/05/07)")
def post_vacation(ctx: RequestContext, body: FeriasIn) -> dict[str, Any]:
    with refusals():
        return ctx.deps.service.record_vacation(Vacation(body.id or new_id(), body.pessoa,
                                                         Period(body.inicio, body.fim)))


@routes.route("/ferias-renunciadas", methods=["POST"], roles=RECORD_ROLES, body=FeriasRenunciadasIn, status=201,
              idempotent=True, summary="Férias renunciadas autorizadas (indenização, PAG-09)")
def post_renounced(ctx: RequestContext, body: FeriasRenunciadasIn) -> dict[str, Any]:
    with refusals():
        return ctx.deps.service.record_renounced(RenouncedVacation(body.id or new_id(), body.pessoa, body.dias,
                                                                   body.autorizado_em, body.periodo_aquisitivo))


@routes.route("/sessoes", methods=["POST"], roles=RECORD_ROLES, body=SessaoIn, status=201, idempotent=True,
              summary="Sessão do Tribunal e a situação de cada membro (PAG-07)")
def post_session(ctx: RequestContext, body: SessaoIn) -> dict[str, Any]:
    with refusals():
        return ctx.deps.service.record_session(Session(body.id, body.data, tuple(
            Attendance(p.membro, p.situacao, p.autorizado_pleno) for p in body.presencas)))


# --- the run and the memos ------------------------------------------------------------------------


@routes.route("/execucoes", methods=["POST"], roles={"dimag"}, body=ExecucaoIn,
              summary="Execução manual da apuração mensal (PAG-01); repetir não muda nada")
def post_run(ctx: RequestContext, body: ExecucaoIn) -> dict[str, Any]:
    service = ctx.deps.service
    with refusals():
        current = Month.of(service.today())
        month = Month.parse(body.competencia) if body.competencia else current.previous()
        if month >= current:  # as cooperação closes only finished months (COOP-11)
            raise ProblemError.unprocessable("PAG-01", f"Só se apura mês já terminado (anterior a {current}).",
                                             field="competencia")
        return service.run(month)


@routes.route("/memorandos", methods=["GET"], roles=READ_ROLES, query=CompetenciaQuery,
              summary="Memorandos de uma competência com totais (resumo mensal)")
def list_memos(ctx: RequestContext, query: CompetenciaQuery) -> dict[str, Any]:
    with refusals():
        return ctx.deps.service.summary(Month.parse(query.competencia))


@routes.route("/resumos/{competencia}", methods=["GET"], roles=READ_ROLES, summary="Resumo mensal")
def get_summary(ctx: RequestContext, competencia: str) -> dict[str, Any]:
    with refusals():
        return ctx.deps.service.summary(Month.parse(competencia))


@routes.route("/memorandos/{memorando}", methods=["GET"], roles=READ_ROLES, summary="Memorando em JSON")
def get_memo(ctx: RequestContext, memorando: str) -> dict[str, Any]:
    with refusals():
        service = ctx.deps.service
        return service.memo_document(service.memo(memorando))


@routes.route("/memorandos/{memorando}", methods=["PATCH"], roles={"dimag", "presidencia"}, body=EdicaoIn,
              summary="Observação num rascunho; assinado ou enviado → 409 (PAG-10)")
def patch_memo(ctx: RequestContext, body: EdicaoIn, memorando: str) -> dict[str, Any]:
    with refusals():
        service = ctx.deps.service
        return service.memo_document(service.edit(memorando, ctx.principal.username or "", body.observacao))


class CsvQuery(BaseModel):
    formato: Literal["planilha", "simples"] = Field(
        "planilha", description="planilha: ';', vírgula decimal e BOM UTF-8 (Excel/LibreOffice pt-BR); "
                                "simples: ',', ponto decimal, sem BOM (programas)")


@routes.route("/memorandos/{memorando}/csv", methods=["GET"], roles=READ_ROLES, query=CsvQuery,
              summary="CSV para a folha (colunas em docs/pagamentos.md)")
def get_memo_csv(ctx: RequestContext, query: CsvQuery, memorando: str) -> Response:
    with refusals():
        service = ctx.deps.service
        text = service.csv(service.memo(memorando), PLAIN if query.formato == "simples" else BR)
    return Response(body=text, status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": f'attachment; filename="{memorando}.csv"'})


@routes.route("/memorandos/{memorando}/pdf", methods=["GET"], roles=READ_ROLES, errors={406},
              summary="PDF para assinatura (envie Accept: application/pdf)")
def get_memo_pdf(ctx: RequestContext, memorando: str) -> Response:
    require_accept(ctx.headers, "application/pdf")
    with refusals():
        service = ctx.deps.service
        data = service.pdf(service.memo(memorando))
    return Response(body=data, status_code=200, headers={
        "Content-Type": "application/pdf", "Content-Disposition": f'inline; filename="{memorando}.pdf"'})


@routes.route("/memorandos/{memorando}/assinatura", methods=["POST"], roles={"presidencia"},
              summary="Despacho do Presidente: rascunho → assinado (PAG-10)")
def post_sign(ctx: RequestContext, memorando: str) -> dict[str, Any]:
    with refusals():
        service = ctx.deps.service
        return service.memo_document(service.sign(memorando, ctx.principal.username or ""))


@routes.route("/memorandos/{memorando}/envio", methods=["POST"], roles={"presidencia", "dimag"},
              summary="Envio à DIMAG: JSON, CSV e PDF no S3; assinado → enviado (PAG-10)")
def post_send(ctx: RequestContext, memorando: str) -> dict[str, Any]:
    with refusals():
        service = ctx.deps.service
        return service.memo_document(service.send(memorando, ctx.principal.username or ""))


@routes.route("/plantoes", methods=["GET"], roles=READ_ROLES, query=CompetenciaQuery,
              summary="Plantões cumpridos no mês, como plantao-svc os publicou (registro; sem pagamento próprio)")
def list_duties(ctx: RequestContext, query: CompetenciaQuery) -> dict[str, Any]:
    return {"competencia": query.competencia, "itens": ctx.deps.repository.facts_of_kind(query.competencia, "PLANTAO")}


# --- parked events ---------------------------------------------------------------------------------


@routes.route("/estacionados", methods=["GET"], roles={"dimag", "admin"}, query=ListaQuery,
              summary="Eventos que não puderam ser aplicados, com o motivo")
def list_parked(ctx: RequestContext, query: ListaQuery) -> dict[str, Any]:
    items, last = ctx.deps.repository.parked(query.limite, ctx.decode_cursor(query.cursor))
    shown = [{**{k: v for k, v in item.items() if k != "envelope"}, "evento": json.loads(item["envelope"])}
             for item in items]
    return {"itens": shown, "proximo": ctx.next_cursor(last)}


@routes.route("/estacionados/{evento}/reprocessar", methods=["POST"], roles={"dimag"},
              summary="Aplica de novo um evento estacionado (depois do cadastro da pessoa)")
def replay_parked(ctx: RequestContext, evento: str) -> dict[str, Any]:
    with refusals():
        return ctx.deps.service.replay_parked(evento)
