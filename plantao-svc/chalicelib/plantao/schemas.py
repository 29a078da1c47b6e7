"""Request and response models of plantao-svc's HTTP API (pydantic): JSON fields in Portuguese, as the court
names them; the OpenAPI document is generated from them. Also the parsing of path parameters that no model
describes (a month, a day, a quadrimester, a portaria's number), refused as the models refuse."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from chalicelib.plantao.domain.scales import Kind, Month
from pydantic import BaseModel, Field

from courtlib.errors import Invalid, NotFound
from courtlib.http.run_status import SituacaoExecucaoOut
from courtlib.http.validation import MONTH_PATTERN
from courtlib.schema import Schema

ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MONTH = MONTH_PATTERN
KindName = Literal["estadual", "municipal", "noturno", "segundo_grau", "eleitoral"]


# --- reference data -------------------------------------------------------------------------------


class AfastamentoIn(Schema):
    inicio: date
    fim: date
    motivo: str = Field("afastamento", min_length=3, max_length=120)


class RegiaoIn(Schema):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=2, max_length=200)
    ordem: int = Field(ge=0, le=9999)


class ComarcaIn(Schema):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=2, max_length=200)
    municipio: str = Field(min_length=1, max_length=200,
                           description="Código IBGE ou nome de um município do tribunal (guardado pelo código IBGE)")
    regiao: str = Field(pattern=ID)
    ordem: int = Field(ge=0, le=9999)
    entrancia: Literal["inicial", "intermediaria", "final", "especial"] = "inicial"
    vara_tabelar: str | None = Field(None, pattern=ID, description="Juízo que cobre a comarca de vara única")


class JuizoIn(Schema):
    id: str = Field(pattern=ID)
    nome: str = Field(min_length=2, max_length=200)
    comarca: str = Field(pattern=ID)
    ordem: int = Field(ge=0, le=9999, description="Ordem dos juízos na comarca")
    juiz: str | None = Field(None, pattern=ID, description="Magistrado em exercício (vazio = vago)")


class MagistradoIn(Schema):
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


class ZonaIn(Schema):
    id: str = Field(pattern=ID)
    municipio: str = Field(min_length=1, max_length=200,
                           description="Código IBGE ou nome de um município do tribunal (guardado pelo código IBGE)")
    numero: int = Field(ge=1, le=9999)
    juiz: str | None = Field(None, pattern=ID)


class PeriodoIn(Schema):
    inicio: date
    fim: date


class NoturnoGrupoIn(Schema):
    """Juízes já designados para um quadrimestre (migração do que foi decidido antes deste sistema)."""

    ano: int = Field(ge=2000, le=2100)
    quadrimestre: int = Field(ge=1, le=3)
    juizes: list[str] = Field(min_length=1, max_length=20)


class ReferenciaIn(Schema):
    """Importação (upsert por id) — o resultado inteiro precisa ser consistente."""

    regioes: list[RegiaoIn] = Field(default_factory=list, max_length=500)
    comarcas: list[ComarcaIn] = Field(default_factory=list, max_length=2000)
    juizos: list[JuizoIn] = Field(default_factory=list, max_length=5000)
    magistrados: list[MagistradoIn] = Field(default_factory=list, max_length=5000)
    zonas: list[ZonaIn] = Field(default_factory=list, max_length=2000)
    periodos_eleitorais: list[PeriodoIn] = Field(default_factory=list, max_length=50)
    noturno: list[NoturnoGrupoIn] = Field(default_factory=list, max_length=50)

    def parts(self) -> dict[str, list[dict[str, Any]]]:
        def dump(items: Sequence[BaseModel]) -> list[dict[str, Any]]:
            return [i.model_dump(mode="json") for i in items]

        periods = [{"id": p.inicio.isoformat(), **p.model_dump(mode="json")} for p in self.periodos_eleitorais]
        parts = {"REGIAO": dump(self.regioes), "COMARCA": dump(self.comarcas), "JUIZO": dump(self.juizos),
                 "MAGISTRADO": dump(self.magistrados), "ZONA": dump(self.zonas), "PERIODO": periods,
                 "NOTURNO": [{"id": f"{g.ano}-{g.quadrimestre}", **g.model_dump(mode="json")} for g in self.noturno]}
        return {k: v for k, v in parts.items() if v}


class ImportacaoOut(Schema):
    importados: dict[str, int]


class CandidaturaIn(Schema):
    magistrado: str = Field(pattern=ID)


class CandidaturasOut(Schema):
    ano: int
    quadrimestre: int
    candidatos: list[str]


class NoturnoIn(Schema):
    juizes: list[str] = Field(min_length=1, max_length=20)


class RotacaoIn(Schema):
    ultimo_mes: str = Field(pattern=MONTH, description="Último mês feito fora do sistema")
    ultimos: dict[str, str] = Field(min_length=1, max_length=500,
                                    description="Rotação → membro (juízo, zona ou magistrado) que serviu por último")


class RotacaoOut(Schema):
    tipo: str
    ultimo_mes: str
    posicoes: dict[str, str]


# --- scales ---------------------------------------------------------------------------------------


class EscalaIn(Schema):
    mes: str = Field(pattern=MONTH, description="AAAA-MM")
    tipo: KindName


class PlantaoOut(Schema):
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


class PortariaRef(Schema):
    numero: str
    serie: str
    ano: int
    n: int
    motivo: str
    texto: str
    pdf: str
    emitida_em: str
    documento: Literal["pendente", "pronto"] = Field(
        "pronto", description="pendente: o texto e o PDF ainda estão sendo gerados depois da aprovação (PLAN-04)")
    link_pdf: str | None = Field(None, description="A rota do PDF, quando o documento está pronto")


class GeracaoOut(SituacaoExecucaoOut):
    """A generation asked by ``POST /escalas`` (202) and read at ``GET /geracoes/{escala}``: ``competencia`` is the
    month; ``concluida`` carries in ``resumo`` the scale's id and its number of shifts, ``falhou`` the reason in
    ``motivo`` and the rule in ``resumo.codigo``. No one's name: the scale is read at ``link`` under PLAN-03."""

    escala: str
    tipo: str
    link: str | None = None


class EscalaOut(Schema):
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


class EscalasOut(Schema):
    mes: str
    itens: list[EscalaOut]


class MesQuery(Schema):
    mes: str = Field(pattern=MONTH)


class PermutaIn(Schema):
    plantao_a: str = Field(max_length=120)
    magistrado_a: str = Field(pattern=ID)
    plantao_b: str = Field(max_length=120)
    magistrado_b: str = Field(pattern=ID)
    motivo: str = Field(min_length=3, max_length=500)


class PermutaOut(Schema):
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


class PermutasOut(Schema):
    escala: str
    itens: list[PermutaOut]


class ImpedimentoIn(Schema):
    plantao: str = Field(max_length=120)
    motivo: str = Field(min_length=3, max_length=500)


class ImpedimentoOut(Schema):
    escala: str
    plantao: PlantaoOut
    portaria: str | None
    avisos_enviados: int | None = Field(None, description="Os avisos seguem depois, com o documento da portaria")


class NovosDiasOut(Schema):
    escala: str
    acrescentados: list[PlantaoOut]
    portaria: str | None
    avisos_enviados: int | None = Field(None, description="Os avisos seguem depois, com o documento da portaria")


class PortariaOut(Schema):
    numero: str
    escala: str
    motivo: str
    emitida_em: str
    texto_s3: str
    pdf_s3: str
    texto: str = Field(description="O texto para o DJe; vazio enquanto o documento está pendente")
    documento: Literal["pendente", "pronto"] = "pronto"
    link_pdf: str | None = None


# --- compensation ---------------------------------------------------------------------------------


class CreditoIn(Schema):
    magistrado: str = Field(pattern=ID)
    tipo: Literal["acao_social", "cedes"]
    data: date
    descricao: str = Field(min_length=3, max_length=300)


class LancamentoOut(Schema):
    id: str
    data: date
    dias: int
    tipo: str
    referencia: str


class UsoIn(Schema):
    magistrado: str = Field(pattern=ID)
    dias: list[date] = Field(min_length=1, max_length=60)
    substituto: str = Field(pattern=ID, description="Juiz titular que substitui nos dias da compensação")


class UsoOut(Schema):
    id: str
    magistrado: str
    substituto: str
    dias: list[date]
    status: str


class ExtratoOut(Schema):
    magistrado: str
    saldo: int
    reservado: int
    disponivel: int
    lancamentos: list[LancamentoOut]
    usos: list[UsoOut]


# --- public (PLAN-03) ------------------------------------------------------------------------------


class PlantaoPublicoOut(Schema):
    data: date
    tipo: str
    unidade: str
    inicio: datetime
    fim: datetime
    divulgacao_em: date = Field(description="A partir deste dia o plantonista é divulgado (PLAN-03)")
    divulgado: bool
    magistrado: str | None = Field(description="Nome, só a partir de divulgacao_em")
    juizo: str | None = Field(description="Juízo designado, só a partir de divulgacao_em")


class EscalaPublicaOut(Schema):
    mes: str
    hoje: date
    plantoes: list[PlantaoPublicoOut]
    portarias: list[str] = Field(description="Portarias de escalas já inteiramente divulgadas")


class DiaPublicoOut(Schema):
    data: date
    hoje: date
    plantoes: list[PlantaoPublicoOut]


class TipoQuery(Schema):
    tipo: KindName | None = None


# --- path parameters -----------------------------------------------------------------------------------


def parse_month(text: str, field: str = "mes") -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise Invalid("mês inválido: use AAAA-MM", field=field) from None


def parse_day(text: str, field: str = "data") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("data inválida: use AAAA-MM-DD", field=field) from None


def parse_quadrimester(ano: str, quadrimestre: str) -> tuple[int, int]:
    if not (ano.isdigit() and quadrimestre in ("1", "2", "3") and 2000 <= int(ano) <= 2100):
        raise Invalid("ano ou quadrimestre inválido (1, 2 ou 3)", field="quadrimestre")
    return int(ano), int(quadrimestre)


def parse_kind(tipo: str) -> Kind:
    if tipo not in {k.value for k in Kind}:
        raise NotFound(f"Tipo de plantão desconhecido: {tipo}.")
    return Kind(tipo)


def parse_portaria_number(ano: str, numero: str) -> tuple[int, int]:
    if not (ano.isdigit() and numero.isdigit()):
        raise NotFound("Portaria não encontrada.")
    return int(ano), int(numero)
