"""Request and response bodies of cooperacao-svc (pydantic; JSON fields in Portuguese) and their conversion to
and from the domain. Field constraints here answer 422 ``VALIDACAO`` before any use case runs."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal

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
    Servant,
    TimeRecord,
    Unit,
    UnitKind,
    WorkingHours,
)
from chalicelib.cooperacao.service import TZ, ApprovedImport, ReferenceImport, RequestCommand
from pydantic import Field, field_validator, model_validator

from courtlib.http.validation import MONTH_PATTERN, FieldError, LocalTime, RuleRefusal, end_not_before_start
from courtlib.schema import Schema

ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
MONTH = MONTH_PATTERN


# --- reference data --------------------------------------------------------------------------------


class ServidorIn(Schema):
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
            raise FieldError("jornada_fim", "deve ser depois de jornada_inicio")
        if not self.efetivo and self.cargo_comissao is None:
            raise FieldError("cargo_comissao", "servidor não efetivo ocupa um cargo em comissão: informe-o")
        return self

    def domain(self, servant_id: str) -> Servant:
        return Servant(servant_id, self.nome, self.efetivo, self.cargo_comissao, self.funcao_gratificada,
                       self.graduacao_direito, self.lotacao, WorkingHours(self.jornada_inicio, self.jornada_fim))


class ServidorOut(ServidorIn):
    id: str


class UnidadeIn(Schema):
    nome: str = Field(min_length=3, max_length=200)
    tipo: UnitKind
    predio: str = Field(min_length=1, max_length=80, description="Prédio (COOP-05: presencial só no mesmo)")
    gestor: str | None = Field(None, pattern=ID, description="Matrícula do gestor operacional")
    municipio: str | None = Field(None, pattern=r"^\d{7}$", description="Código IBGE (dias úteis, CAL-01)")

    def domain(self, unit_id: str) -> Unit:
        return Unit(unit_id, self.nome, self.tipo, self.predio, self.gestor, self.municipio)


class UnidadeOut(UnidadeIn):
    id: str


class AnexoIn(Schema):
    unidades: dict[str, int] = Field(description="unidade → cooperadores por mês (COOP-02)", max_length=2000)

    @model_validator(mode="after")
    def _positive(self) -> AnexoIn:
        if any(q < 1 or q > 100 for q in self.unidades.values()):
            raise FieldError("unidades", "cotas entre 1 e 100")
        return self


class PeriodoIn(Schema):
    inicio: date
    fim: date

    _ordered = field_validator("fim")(end_not_before_start)

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


class NormaIn(Schema):
    data_final: date = Field(description="Prazo máximo da norma (COOP-09); 002: 31/12/2025")


class ServidorImportadoIn(ServidorIn):
    id: str = Field(pattern=ID)


class UnidadeImportadaIn(UnidadeIn):
    id: str = Field(pattern=ID)


class PortariaImportadaIn(PortariaIn):
    id: str = Field(pattern=ID)


class ImportacaoIn(Schema):
    unidades: list[UnidadeImportadaIn] = Field(default_factory=list, max_length=5000)
    servidores: list[ServidorImportadoIn] = Field(default_factory=list, max_length=25000)
    anexos: dict[Literal["I", "IV", "V"], dict[str, int]] = Field(default_factory=dict)
    portarias: list[PortariaImportadaIn] = Field(default_factory=list, max_length=500)
    afastamentos: list[AfastamentoIn] = Field(default_factory=list, max_length=5000)
    designacoes: list[DesignacaoIn] = Field(default_factory=list, max_length=5000)
    norma: NormaIn | None = None

    def domain(self) -> ReferenceImport:
        return ReferenceImport([u.domain(u.id) for u in self.unidades], [s.domain(s.id) for s in self.servidores],
                               {str(annex): quotas for annex, quotas in self.anexos.items()},
                               [p.domain(p.id) for p in self.portarias],
                               [a.domain() for a in self.afastamentos], [d.domain() for d in self.designacoes],
                               None if self.norma is None else self.norma.data_final)

    def counts(self) -> ImportacaoOut:
        return ImportacaoOut(unidades=len(self.unidades), servidores=len(self.servidores), anexos=len(self.anexos),
                             portarias=len(self.portarias), afastamentos=len(self.afastamentos),
                             designacoes=len(self.designacoes))


class ImportacaoOut(Schema):
    unidades: int
    servidores: int
    anexos: int
    portarias: int
    afastamentos: int
    designacoes: int


# --- cooperations and pontos -------------------------------------------------------------------------


class AnuenciasIn(Schema):
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

    def command(self) -> RequestCommand:
        return RequestCommand(self.unidade_lotacao, self.unidade_cooperada, self.modalidade, self.period(),
                              self.presencial, Consents(self.anuencias.servidor, self.anuencias.gestor_lotacao,
                                                        self.anuencias.gestor_cooperada),
                              self.plano_trabalho, self.afastado)


class CooperacaoImportadaIn(PedidoIn):
    servidor: str = Field(pattern=ID)
    meta: str = Field(min_length=1, max_length=2000)
    deferido_em: date

    def domain(self) -> ApprovedImport:
        return ApprovedImport(self.servidor, self.command(), self.meta, self.deferido_em)


class ImportacaoCooperacoesIn(Schema):
    cooperacoes: list[CooperacaoImportadaIn] = Field(min_length=1, max_length=500)


class DecisaoRegistroOut(Schema):
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


class CooperacaoOut(Schema):
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


class CooperacoesOut(Schema):
    itens: list[CooperacaoOut]


class DecisaoIn(Schema):
    deferir: bool
    meta: str | None = Field(None, max_length=2000, description="Meta de produtividade (gestor, ao deferir)")
    motivo: str | None = Field(None, max_length=2000)


class FimIn(Schema):
    fim: date
    motivo: str | None = Field(None, max_length=2000)


PONTO_EXAMPLE = "2027-03-01T08:00:00-03:00"


class PontoIn(Schema):
    inicio: datetime = Field(description=f"Início da sessão, com o fuso de quem a registra (ex.: {PONTO_EXAMPLE})")
    fim: datetime = Field(description="Fim da sessão, com fuso")

    @field_validator("inicio", "fim")
    @classmethod
    def _in_court_zone(cls, value: datetime) -> datetime:
        """The moment in the court's zone. Without an offset it is refused (COOP-08), not read as Brasília's:
        Brazil has four zones (Acre −05, Amazonas −04), and a session in Rio Branco would shift by two hours. One
        that has no moment in the court's zone (0001-01-01T00:00Z) is refused too, not a 500."""
        if value.tzinfo is None or value.utcoffset() is None:
            raise RuleRefusal("COOP-08", f"informe o fuso, ex.: {PONTO_EXAMPLE}")
        try:
            return value.astimezone(TZ)
        except OverflowError:
            raise ValueError("data e hora fora do intervalo aceito") from None


class PontoOut(Schema):
    servidor: str
    cooperacao: str
    inicio: datetime
    fim: datetime
    minutos: int


class PontoRegistradoOut(Schema):
    registro: PontoOut
    competencia: str
    minutos_mes: int
    disponiveis_minutos: int
    disponiveis: str


class PontosQuery(Schema):
    competencia: str = Field(pattern=MONTH)


class PontosOut(Schema):
    servidor: str
    competencia: str
    minutos_mes: int
    disponiveis_minutos: int
    itens: list[PontoOut]


class FechamentoIn(Schema):
    competencia: str | None = Field(None, pattern=MONTH, description="Padrão: o mês anterior")


# --- from the domain ------------------------------------------------------------------------------


def servant_out(s: Servant) -> ServidorOut:
    return ServidorOut(id=s.id, nome=s.name, efetivo=s.efetivo, cargo_comissao=s.post,
                       funcao_gratificada=s.funcao_gratificada, graduacao_direito=s.law_degree, lotacao=s.lotacao,
                       jornada_inicio=s.hours.start, jornada_fim=s.hours.end)


def unit_out(u: Unit) -> UnidadeOut:
    return UnidadeOut(id=u.id, nome=u.name, tipo=u.kind, predio=u.building, gestor=u.manager, municipio=u.municipality)


def coop_out(c: Cooperation, left: int | None = None, decisions: list[dict[str, Any]] | None = None) -> CooperacaoOut:
    return CooperacaoOut(
        id=c.id, servidor=c.servant, unidade_lotacao=c.home_unit, unidade_cooperada=c.unit, modalidade=c.modality,
        inicio=c.period.start, fim=c.period.end, presencial=c.presencial, plano_trabalho=c.work_plan,
        afastado=c.leave_servant, situacao=c.status, meta=c.goal, deferida_em=c.approved_on, vagas_restantes=left,
        decisoes=None if decisions is None else [decision_out(d) for d in decisions])


def decision_out(d: dict[str, Any]) -> DecisaoRegistroOut:
    return DecisaoRegistroOut.model_validate({k: d.get(k) for k in DecisaoRegistroOut.model_fields})


def ponto_out(r: TimeRecord) -> PontoOut:
    return PontoOut(servidor=r.servant, cooperacao=r.cooperation, inicio=r.start, fim=r.end, minutos=r.minutes)


# --- judicial cooperation (COOP-12) -----------------------------------------------------------------------

ID_ORIGEM = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$"
ORIGEM = r"^[A-Z][A-Z0-9-]{1,19}$"
Instrumento = Literal["auxilio_direto", "ato_concertado", "ato_conjunto", "carta", "outro"]
TipoAto = Literal["acordo_cooperacao_tecnica", "termo_cooperacao", "ato_concertado", "ato_conjunto", "boa_pratica"]


class PedidoJudicialIn(Schema):
    """A request for judicial cooperation (CNJ Res. 350/2020)."""

    id_origem: str = Field(pattern=ID_ORIGEM, description="Identificador do pedido no juízo de origem")
    juizo_solicitante: str = Field(min_length=3, max_length=200)
    juizo_destinatario: str = Field(min_length=3, max_length=200, description="Juízo ou unidade deste tribunal")
    instrumento: Instrumento = "auxilio_direto"
    objeto: str = Field(min_length=5, max_length=5000, description="O ato pedido (citação, prova, ...)")
    numero_processo: str | None = Field(None, max_length=30)
    urgente: bool = False


class DeliberacaoOut(Schema):
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


class AtoIn(Schema):
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


class DeliberacaoIn(Schema):
    membro: Literal["supervisor", "coordenador", "magistrado_cooperacao", "secretario"]
    decisao: Literal["deferido", "indeferido", "concluido"]
    fundamento: str = Field(min_length=5, max_length=5000)
    ato: AtoIn | None = Field(None, description="Ato de cooperação a publicar no registro público")


class DeliberadoOut(Schema):
    pedido: PedidoJudicialOut
    ato: AtoOut | None


class RegistroQuery(Schema):
    q: str | None = Field(None, max_length=200, description="Palavras no título, resumo, partes ou número")
    tipo: TipoAto | None = None
    ano: int | None = Field(None, ge=1990, le=2100)
    limite: int = Field(50, ge=1, le=200)


class RegistroOut(Schema):
    itens: list[AtoOut]


def pedido_out(data: dict[str, Any], replay: bool = False) -> PedidoJudicialOut:
    return PedidoJudicialOut(**{k: v for k, v in data.items() if k in PedidoJudicialOut.model_fields},
                             ja_recebido=replay)


def ato_out(data: dict[str, Any]) -> AtoOut:
    return AtoOut(**{k: v for k, v in data.items() if k in AtoOut.model_fields})
