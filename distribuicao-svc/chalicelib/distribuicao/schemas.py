"""Request and response models of distribuicao-svc's HTTP API (pydantic), and their mapping from the use cases'
results: JSON fields in Portuguese, exactly as the routes have always answered them.

``api.py``, ``api_precatorias.py`` and ``api_editais.py`` hold the routes only.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.distribuicao.domain.draw import PreventionKind
from chalicelib.distribuicao.domain.judges import Absence, Exclusion, Judge, Orgao, Role, Seat, describe_exclusion
from chalicelib.distribuicao.domain.log import SEGREDO, CaseDetails, DrawRecord
from chalicelib.distribuicao.draws import Awaiting, Outcome
from chalicelib.distribuicao.orgaos_csv import MAX_JUDGES, MAX_ORGAOS, MAX_SEATS
from chalicelib.distribuicao.ports import StoredCarta, StoredCase, StoredZones
from chalicelib.distribuicao.precatorias import ID_ORIGEM, MUNICIPIO, CartaAwaiting
from chalicelib.distribuicao.queries import EditalLinks, OrgaoSituation
from chalicelib.distribuicao.service import ORGAO_ID, OrgaoSpec
from pydantic import AwareDatetime, Field, field_validator, model_validator

from courtlib.http.validation import FieldError, end_not_before_start
from courtlib.schema import Schema

UNIT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
CLASSE = r"^[A-Za-z][A-Za-z0-9-]{0,19}$"
MAX_LISTED = 200

# --- reference data models ------------------------------------------------------------------


class AusenciaIn(Schema):
    inicio: date
    fim: date | None = Field(None, description="Último dia (inclusive); vazio = até novo aviso")
    motivo: str = Field("afastamento", min_length=3, max_length=120, description="férias, licença, ...")

    _ordered = field_validator("fim")(end_not_before_start)

    def domain(self) -> Absence:
        return Absence(self.inicio, self.fim, self.motivo)


class CadeiraIn(Schema):
    id: str = Field(pattern=UNIT_ID)
    rotulo: str = Field("", max_length=120)
    vaga_desde: date | None = None


class JuizIn(Schema):
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


class OrgaoIn(Schema):
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


class ImportacaoIn(Schema):
    orgaos: list[OrgaoImportadoIn] = Field(min_length=1, max_length=MAX_ORGAOS)


class AusenciaRegistroIn(AusenciaIn):
    juiz: str = Field(pattern=UNIT_ID)


class AusenciaOut(Schema):
    inicio: date
    fim: date | None
    motivo: str


class JuizOut(Schema):
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


class CadeiraOut(Schema):
    id: str
    rotulo: str
    vaga_desde: date | None
    relator: str | None = Field(description="Quem recebe como relator um processo distribuído hoje")
    em_exercicio: str | None = Field(description="Quem recebe os autos hoje (o relator ou o seu substituto)")
    sorteavel: bool
    motivo_exclusao: str | None
    contagens: dict[str, int]
    total: int


class CabecaOut(Schema):
    seq: int
    hash: str


class IgualdadeOut(Schema):
    """DIST-02 audit of the seats drawable today: spreads per class and overall, against the configured limits."""

    diferenca_por_classe: dict[str, int]
    diferenca_total: int
    maximo_por_classe: int
    maximo_total_configurado: int
    limite_teorico_total: int = Field(description="⌈k/2⌉ para k classes em uso: o pior caso da regra por classe")
    alertas: list[str]


class OrgaoOut(Schema):
    id: str
    nome: str
    classes: list[str]
    situacao_em: date
    cadeiras: list[CadeiraOut]
    juizes: list[JuizOut]
    log: CabecaOut
    igualdade: IgualdadeOut
    versao: int


class ImportadoOut(Schema):
    id: str
    criado: bool
    versao: int


class ImportacaoOut(Schema):
    importados: list[ImportadoOut]


class AusenciaRegistradaOut(Schema):
    orgao: str
    juiz: str
    ausencias: list[AusenciaOut]
    evento_publicado: bool = Field(description="Ausência de desembargador publicada para pagamentos-svc (PAG-03)")


# --- distribution models --------------------------------------------------------------------


class ExclusaoIn(Schema):
    juiz: str = Field(pattern=UNIT_ID)
    motivo: Literal["impedimento", "suspeicao", "relator_decisao_impugnada"]


class ProcessoRelacionadoIn(Schema):
    """DIST-03: o processo que torna um juiz prevento."""

    numero: str = Field(max_length=40)
    tipo: PreventionKind
    redator_acordao: str | None = Field(None, pattern=UNIT_ID, description="Quando o relator ficou vencido")
    relator: str | None = Field(None, pattern=UNIT_ID, description="Só para processo anterior a este sistema")
    cadeira: str | None = Field(None, pattern=UNIT_ID, description="Só para processo anterior a este sistema")
    pendente: bool | None = None


class DistribuicaoIn(Schema):
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


class RedistribuicaoIn(Schema):
    motivo: Literal["erro", "impedimento", "suspeicao"]
    excluidos: list[ExclusaoIn] = Field(default_factory=list, max_length=30)


class NumeracaoIn(Schema):
    origem: int = Field(ge=0, le=9999, description="OOOO: unidade de origem")
    ano: int | None = Field(None, ge=2000, le=2100, description="AAAA; por padrão, o ano corrente")


class NumeracaoOut(Schema):
    numero_processo: str
    digitos: str
    sequencial: int
    ano: int
    origem: int


class JuizRef(Schema):
    id: str
    nome: str | None


class SorteioRef(Schema):
    id: str = Field(description="<log>#<seq>")
    log: str
    seq: int
    hash: str | None
    registrado_em: str | None
    regra: str
    modo: str
    farol: dict[str, Any] | None = Field(None, description="A rodada do farol que decidiu o sorteio: cadeia, "
                                         "rodada, assinatura, aleatoriedade (issue 16)")


class DistribuicaoOut(Schema):
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


class ConsultaOut(Schema):
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
    situacao: Literal["distribuido"] = "distribuido"


class FarolAguardadoOut(Schema):
    cadeia: str = Field(description="Hash da cadeia do farol (quicknet da League of Entropy, ou o farol local)")
    rodada: int = Field(description="A rodada fixada no registro: a primeira publicada depois dele")
    publicada_a_partir_de: datetime


class AguardandoFarolOut(Schema):
    """O ato registrado, à espera da rodada do farol que o decide (issue 16)."""

    numero_processo: str
    orgao: str
    situacao: Literal["aguardando_farol"] = "aguardando_farol"
    ato: str = Field(description="distribuicao, manual ou redistribuicao")
    registrado_em: datetime
    farol: FarolAguardadoOut
    consulta: str


class SementeOut(Schema):
    dia: date
    sha256: str
    semente: str | None = Field(description="Revelada só depois do dia (compromisso–revelação)")


class ProvaOut(Schema):
    numero_processo: str
    log: str
    registros: list[dict[str, Any]]
    sementes: list[SementeOut]
    verificacao: str


class ExportacaoQuery(Schema):
    log: str = Field(pattern=ORGAO_ID)


class CompromissosQuery(Schema):
    inicio: date | None = None
    fim: date | None = None

    @model_validator(mode="after")
    def _bounded(self) -> CompromissosQuery:
        if self.inicio and self.fim and (self.fim < self.inicio or (self.fim - self.inicio).days > 400):
            raise FieldError("fim", "período inválido (fim antes do início ou mais de 400 dias)")
        return self


class CompromissosOut(Schema):
    hoje: date
    itens: list[SementeOut]


class OrgaoResumoOut(Schema):
    id: str
    nome: str
    classes: list[str]


# --- cartas precatórias (DIST-10) ----------------------------------------------------------------


class ZonaIn(Schema):
    numero: int = Field(ge=1, le=999, description="Número da zona eleitoral")
    instalada_em: date = Field(description="Data de instalação (a mais antiga distribui a carta, art. 10 §1º)")


class ZonasIn(Schema):
    zonas: list[ZonaIn] = Field(min_length=1, max_length=50)

    @field_validator("zonas")
    @classmethod
    def _unique(cls, value: list[ZonaIn]) -> list[ZonaIn]:
        if len({z.numero for z in value}) != len(value):
            raise ValueError("zona repetida")
        return value


class ZonaOut(Schema):
    id: str
    numero: int
    instalada_em: date | None
    contagem: int


class ZonasOut(Schema):
    municipio: str
    zona_distribuidora: str
    zonas: list[ZonaOut]
    log: str
    seq: int


class EleicaoIn(Schema):
    zonas_propaganda: list[int] = Field(default_factory=list, max_length=200,
                                        description="Zonas designadas para a propaganda eleitoral")


class EleicaoOut(Schema):
    data: date
    zonas_propaganda: list[str]


class PrecatoriaIn(Schema):
    numero_processo: str = Field(min_length=20, max_length=25)
    municipio: str = Field(pattern=MUNICIPIO, description="Código IBGE do município deprecado")
    materia: Literal["carta", "cadastro_eleitoral", "criminal"] = "carta"
    zona_eleitor: int | None = Field(None, ge=1, le=999, description="Zona do domicílio (cadastro eleitoral)")
    partes: list[str] = Field(min_length=1, max_length=50)
    advogados: list[str] = Field(default_factory=list, max_length=50)
    segredo_justica: bool = False
    id_origem: str = Field(pattern=ID_ORIGEM, description="Identificador da carta no tribunal deprecante")

    @field_validator("partes", "advogados")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        if any(not v.strip() or len(v) > 300 for v in value):
            raise ValueError("nome vazio ou longo demais")
        return value


class SorteioPrecatoriaOut(Schema):
    id: str
    log: str
    seq: int
    hash: str
    regra: str
    modo: str


class PrecatoriaOut(Schema):
    id: str = Field(description="O id_origem do parceiro")
    numero_processo: str
    municipio: str
    materia: str
    zona: str
    zona_distribuidora: str
    segredo_justica: bool
    partes: list[str]
    advogados: list[str]
    recebida_em: str
    sorteio: SorteioPrecatoriaOut
    ja_recebida: bool = False
    situacao: Literal["distribuida"] = "distribuida"


class PrecatoriaAguardandoOut(Schema):
    """A carta registrada, à espera da rodada do farol que a decide (issue 16): nada foi sorteado ainda."""

    id: str = Field(description="O id_origem do parceiro")
    numero_processo: str
    municipio: str
    situacao: Literal["aguardando_farol"] = "aguardando_farol"
    registrada_em: datetime
    farol: FarolAguardadoOut
    consulta: str = Field(description="A carta (GET): esta situação até o sorteio, depois a carta distribuída")


class ConsultaPrecatoriaOut(Schema):
    numero_processo: str
    juizo_deprecante: str
    municipio: str
    zona: str
    zona_distribuidora: str
    segredo_justica: bool
    partes: list[str] | str
    advogados: list[str] | str
    recebida_em: str
    sorteio: str
    prova: str


class ConsultaPrecatoriasOut(Schema):
    itens: list[ConsultaPrecatoriaOut]


# --- edital (DIST-08) ---------------------------------------------------------------------------


class EditaisQuery(Schema):
    ano: int | None = Field(None, ge=2000, le=2100, description="Ano dos editais (padrão: o ano corrente)")


class EditalOut(Schema):
    inicio: date
    fim: date
    json_url: str = Field(description="Link do documento JSON, válido por uma hora")
    pdf_url: str = Field(description="Link do PDF, válido por uma hora")


class EditaisOut(Schema):
    ano: int
    itens: list[EditalOut]


# --- from the use cases' results ----------------------------------------------------------------


def exclusions(items: list[ExclusaoIn]) -> dict[str, str]:
    codes = {"impedimento": Exclusion.IMPEDIMENTO, "suspeicao": Exclusion.SUSPEICAO,
             "relator_decisao_impugnada": Exclusion.RELATOR_DECISAO_IMPUGNADA}
    return {item.juiz: str(codes[item.motivo]) for item in items}


def absence_out(absence: Absence) -> AusenciaOut:
    return AusenciaOut(inicio=absence.start, fim=absence.end, motivo=absence.reason)


def judge_out(j: Judge, desembargador: bool) -> JuizOut:
    return JuizOut(id=j.id, nome=j.name, antiguidade=j.seniority, cadeira=j.seat, papel=j.role.value,
                   presidente=j.president, desembargador=desembargador, inicio_mandato=j.mandate_start,
                   fim_mandato=j.mandate_end, ausencias=[absence_out(a) for a in j.absences])


def orgao_out(situation: OrgaoSituation) -> OrgaoOut:
    stored = situation.stored
    state = stored.state
    seats = [CadeiraOut(
        id=s.status.id, rotulo=s.status.seat.label, vaga_desde=s.status.seat.vacant_since,
        relator=None if s.status.relator is None else s.status.relator.id,
        em_exercicio=None if s.status.acting is None else s.status.acting.id, sorteavel=s.drawable,
        motivo_exclusao=None if s.status.exclusion is None else describe_exclusion(s.status.exclusion),
        contagens=s.counts, total=s.total,
    ) for s in situation.seats]
    report = situation.equality
    igualdade = IgualdadeOut(diferenca_por_classe=report.per_class, diferenca_total=report.overall,
                             maximo_por_classe=report.max_per_class, maximo_total_configurado=report.max_overall,
                             limite_teorico_total=report.bound_overall, alertas=report.problems())
    return OrgaoOut(id=stored.id, nome=stored.name, classes=list(stored.classes), situacao_em=situation.today,
                    cadeiras=seats, juizes=[judge_out(j, d) for j, d in situation.judges],
                    log=CabecaOut(seq=state.head.seq, hash=state.head.hash), igualdade=igualdade,
                    versao=stored.version)


def judge_ref(judge_id: str | None, name: str | None) -> JuizRef | None:
    return None if judge_id is None else JuizRef(id=judge_id, nome=name)


def proof_link(row: StoredCase) -> str:
    return f"/distribuicoes/{row.number}/prova"


def distribution_out(outcome: Outcome) -> DistribuicaoOut:
    row, record = outcome.case, outcome.record
    return DistribuicaoOut(
        numero_processo=str(row.number), orgao=row.orgao, classe=row.case.classe, cadeira=row.seat,
        relator=judge_ref(row.relator, row.relator_name), revisor=judge_ref(row.revisor, row.revisor_name),
        conclusos_a=row.acting if row.acting != row.relator else None, regra=row.rule, modo=row.mode,
        segredo_justica=row.case.secret, urgente=row.case.urgent,
        sorteio=SorteioRef(id=f"{row.orgao}#{row.current_seq}", log=row.orgao, seq=row.current_seq,
                           hash=None if record is None else record.hash,
                           registrado_em=None if record is None else record.recorded_at, regra=row.rule, modo=row.mode,
                           farol=None if record is None or record.beacon is None else record.beacon.to_dict()),
        prova=proof_link(row), ja_distribuido=not outcome.created,
    )


def consulta_out(row: StoredCase) -> ConsultaOut:
    """DIST-08: parties, lawyers and subjects masked under segredo de justiça."""
    secret = row.case.secret
    return ConsultaOut(
        numero_processo=str(row.number), orgao=row.orgao, classe=row.case.classe,
        relator=judge_ref(row.relator, row.relator_name), revisor=judge_ref(row.revisor, row.revisor_name),
        regra=row.rule, distribuido_em=row.distributed_at, segredo_justica=secret,
        partes=SEGREDO if secret else list(row.details.parties),
        advogados=SEGREDO if secret else list(row.details.lawyers),
        assuntos=SEGREDO if secret else list(row.details.subjects),
        sorteios=[f"{row.orgao}#{seq}" for seq in row.seqs], prova=proof_link(row),
        atos_anulados_de=list(row.voided_acts_of),
    )


def awaiting_out(awaiting: Awaiting) -> AguardandoFarolOut:
    act = awaiting.act
    return AguardandoFarolOut(
        numero_processo=str(act.number), orgao=act.orgao, ato=act.kind, registrado_em=act.registered_at,
        farol=FarolAguardadoOut(cadeia=act.chain, rodada=act.round, publicada_a_partir_de=awaiting.due_at),
        consulta=f"/distribuicoes/{act.number}",
    )


def public_record(record: DrawRecord, details: CaseDetails | None) -> dict[str, Any]:
    item = record.to_dict()
    item["detalhes"] = None if details is None or record.details_hash is None else details.public(record.secret)
    return item


def zones_out(stored: StoredZones) -> ZonasOut:
    state = stored.state
    zones = state.local_zones()
    counts = state.counters.as_dict()
    return ZonasOut(
        municipio=state.municipality, zona_distribuidora=zones[0].id, log=state.log_id, seq=state.head.seq,
        zonas=[ZonaOut(id=z.id, numero=z.number, instalada_em=z.installed_on,
                       contagem=sum(counts.get(z.id, {}).values())) for z in zones],
    )


def carta_out(row: StoredCarta, replay: bool = False) -> PrecatoriaOut:
    return PrecatoriaOut(
        id=row.origin_id, numero_processo=row.number, municipio=row.municipality, materia=row.kind, zona=row.zone,
        zona_distribuidora=row.distributor, segredo_justica=row.secret, partes=list(row.details.parties),
        advogados=list(row.details.lawyers), recebida_em=row.received_at,
        sorteio=SorteioPrecatoriaOut(id=f"{row.log_id}#{row.seq}", log=row.log_id, seq=row.seq, hash=row.record_hash,
                                     regra=row.rule, modo=row.mode),
        ja_recebida=replay,
    )


def carta_awaiting_out(awaiting: CartaAwaiting) -> PrecatoriaAguardandoOut:
    pending = awaiting.pending
    return PrecatoriaAguardandoOut(
        id=pending.origin_id, numero_processo=pending.number, municipio=pending.municipality,
        registrada_em=pending.registered_at,
        farol=FarolAguardadoOut(cadeia=pending.chain, rodada=pending.round, publicada_a_partir_de=awaiting.due_at),
        consulta=f"/precatorias/{pending.origin_id}",
    )


def public_carta_out(r: StoredCarta) -> ConsultaPrecatoriaOut:
    """DIST-08: parties and lawyers masked under segredo de justiça."""
    return ConsultaPrecatoriaOut(
        numero_processo=r.number, juizo_deprecante=r.partner, municipio=r.municipality, zona=r.zone,
        zona_distribuidora=r.distributor, segredo_justica=r.secret,
        partes=SEGREDO if r.secret else list(r.details.parties),
        advogados=SEGREDO if r.secret else list(r.details.lawyers), recebida_em=r.received_at,
        sorteio=f"{r.log_id}#{r.seq}", prova=f"/sorteios/exportacao?log={r.log_id}",
    )


def edital_out(links: EditalLinks) -> EditalOut:
    return EditalOut(inicio=links.start, fim=links.end, json_url=links.json_url, pdf_url=links.pdf_url)
