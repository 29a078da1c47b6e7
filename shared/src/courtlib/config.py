"""Per-tribunal configuration: every number DOMAIN.md calls a regulation's value, with that value as default.

A tribunal adopts the defaults and changes what its own regulation says through a JSON document of
partial overrides (the services read it from ``TRIBUNAL_CONFIG_JSON``)::

    load_tribunal_config("TRE-MT", '{"cooperacao": {"horas_mensais_max": 30}}')

Each field's comment names the rule (DOMAIN.md id) and the source it comes from.
Pure domain: no AWS imports.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, ValidationError, field_validator, model_validator

TRIBUNAL_CONFIG_ENV = "TRIBUNAL_CONFIG_JSON"

UFS: frozenset[str] = frozenset(
    "AC AL AM AP BA CE DF ES GO MA MG MS MT PA PB PE PI PR RJ RN RO RR RS SC SE SP TO".split()
)

Rounding = Literal["ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_DOWN", "ROUND_UP"]


class TribunalConfigError(ValueError):
    """A tribunal configuration (or an override of it) that cannot be accepted."""


# IBGE code prefix of each UF whose municipalities ship with courtlib (courtlib/data/municipios-<code>.json).
_SHIPPED_MUNICIPALITIES = {"MT": "51"}


@cache
def shipped_municipalities(uf: str) -> Mapping[str, str] | None:
    """IBGE code → official name of every municipality of ``uf``, from the data courtlib ships (read once, on
    first use); None when courtlib ships none for that UF."""
    prefix = _SHIPPED_MUNICIPALITIES.get(uf)
    if prefix is None:
        return None
    text = resources.files("courtlib").joinpath(f"data/municipios-{prefix}.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["municipios"])


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------------------------------------
# Small value types


class DiaDoAno(_Frozen):
    """A day of the year without the year (month, day), e.g. the start of the recesso."""

    mes: int = Field(ge=1, le=12)
    dia: int = Field(ge=1, le=31)

    @model_validator(mode="after")
    def _exists(self) -> DiaDoAno:
        date(2024, self.mes, self.dia)  # leap year: 29/02 is accepted
        return self

    def as_tuple(self) -> tuple[int, int]:
        return (self.mes, self.dia)


class Horario(_Frozen):
    """A daily time window; ``fim <= inicio`` means it ends on the next day (18h → 11h)."""

    inicio: time
    fim: time

    @property
    def vira_o_dia(self) -> bool:
        return self.fim <= self.inicio


class Municipio(_Frozen):
    """A municipality: IBGE code (the identifier calendar entries should use) and name."""

    ibge: str = Field(pattern=r"^\d{7}$")
    nome: str = Field(min_length=1)


# ---------------------------------------------------------------------------------------------
# Areas


class RecessoConfig(_Frozen):
    # CAL-02: recesso forense 20/12 a 06/01 inclusive (001 art. 12 §2; Lei 5.010/66 art. 62 I)
    inicio: DiaDoAno = DiaDoAno(mes=12, dia=20)
    fim: DiaDoAno = DiaDoAno(mes=1, dia=6)


class CalendarioConfig(_Frozen):
    recesso: RecessoConfig = RecessoConfig()  # CAL-02


class CotasCooperacao(_Frozen):
    # COOP-02 M2: 2 cooperadores por unidade por mês, até 5 quando a CGJ amplia (002)
    m2_por_unidade_mes: PositiveInt = 2
    m2_por_unidade_mes_ampliada: PositiveInt = 5
    # COOP-02 M3 (cartórios): 5 por mês, até 10 quando a CGJ amplia (002)
    m3_cartorio_mes: PositiveInt = 5
    m3_cartorio_mes_ampliada: PositiveInt = 10

    @model_validator(mode="after")
    def _widened_not_below_base(self) -> CotasCooperacao:
        if self.m2_por_unidade_mes_ampliada < self.m2_por_unidade_mes:
            raise ValueError("a cota ampliada de M2 não pode ser menor que a cota normal")
        if self.m3_cartorio_mes_ampliada < self.m3_cartorio_mes:
            raise ValueError("a cota ampliada de M3 não pode ser menor que a cota normal")
        return self


class CooperacaoConfig(_Frozen):
    horas_mensais_max: PositiveInt = 40  # COOP-06: 40 horas por mês civil, somando todas as cooperações (002)
    unidades_simultaneas_max: PositiveInt = 2  # COOP-07: no máximo 2 unidades ao mesmo tempo (002)
    cotas: CotasCooperacao = CotasCooperacao()  # COOP-02
    data_final_norma: date = date(2025, 12, 31)  # COOP-09: prazo máximo da Res. Conjunta GP/CGJ 9/2024 (002)
    m5_licenca_gestante_acrescimo_meses: PositiveInt = 1  # COOP-09: M5 nascimento de filho = licença + 1 mês (002)
    # COOP-11: valor da hora de cooperação (R$). 002 remete ao "Portal do Servidor" sem dar o número:
    # este padrão é só um valor de demonstração — o tribunal deve fixá-lo (TRIBUNAL_CONFIG_JSON).
    gratificacao_valor_hora: Decimal = Field(Decimal("45.00"), ge=0, decimal_places=2)
    # COOP-11: dia do mês (hora local) em que o agendamento diário fecha o mês anterior (escolha do tribunal).
    fechamento_dia: int = Field(1, ge=1, le=28)
    # COOP-11: servidores por transação do fechamento (2 itens cada: total do mês + outbox; AWS: ≤100 itens).
    fechamento_lote: int = Field(50, ge=1, le=50)


class NoturnoConfig(_Frozen):
    meses_edital: tuple[int, ...] = (1, 5, 9)  # PLAN-01: edital em janeiro, maio, setembro (003 10.10.1)
    juizes_por_quadrimestre: PositiveInt = 4  # PLAN-01: 4 juízes por quadrimestre (003 10.10.1)

    @field_validator("meses_edital")
    @classmethod
    def _months(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(not 1 <= m <= 12 for m in value) or len(set(value)) != len(value):
            raise ValueError("meses do edital devem ser meses distintos entre 1 e 12")
        return tuple(sorted(value))


class HorariosPlantao(_Frozen):
    # PLAN-01 (003 10.5.4, 10.6.3, 10.10.3, 10.7.3)
    estadual: Horario = Horario(inicio=time(11), fim=time(18))  # dias sem expediente, 11h–18h
    municipal: Horario = Horario(inicio=time(11), fim=time(18))  # feriados municipais do interior, 11h–18h
    noturno: Horario = Horario(inicio=time(18), fim=time(11))  # todos os dias, 18h → 11h do dia seguinte
    segundo_grau_dia_util: Horario = Horario(inicio=time(18), fim=time(11))  # 18h → 11h do dia seguinte
    segundo_grau_sem_expediente: Horario = Horario(inicio=time(11), fim=time(11))  # 11h → 11h do dia seguinte


class PlantaoConfig(_Frozen):
    horarios: HorariosPlantao = HorariosPlantao()  # PLAN-01
    noturno: NoturnoConfig = NoturnoConfig()  # PLAN-01
    embargo_publicacao_dias: int = Field(5, ge=0)  # PLAN-03: nomes divulgados só 5 dias antes (CNJ Res. 152/2012)
    compensacao_dias_uteis_por_plantao: PositiveInt = 2  # PLAN-07: plantão em dia não útil (TJRJ Res. 33/2014)
    compensacao_dias_uteis_acao_social: PositiveInt = 2  # PLAN-07: ação social em dia não útil conta igual (003 11.2)
    compensacao_dias_uteis_cedes: PositiveInt = 1  # PLAN-07: encontro do CEDES, desembargador
    portaria_serie_capital: str = "M"  # PLAN-04: capital e 2º grau (003 10.7.3, 10.10.3)
    portaria_serie_interior: str = "MI"  # PLAN-04: interior (003 10.5.3)
    # PLAN-02: dia do mês em que o agendamento gera os rascunhos do mês seguinte (a norma não fixa; 003 10.1 "mensais")
    geracao_dia_do_mes: int = Field(20, ge=1, le=28)
    # PLAN-01/09: tipos gerados pelo agendamento mensal; um tribunal eleitoral acrescenta "eleitoral" (001 art. 12 §3)
    tipos_gerados: tuple[Literal["estadual", "municipal", "noturno", "segundo_grau", "eleitoral"], ...] = (
        "estadual", "municipal", "noturno", "segundo_grau")


class DistribuicaoConfig(_Frozen):
    # DIST-01: segmento de justiça (J) e tribunal (TR) da numeração única (CNJ Res. 65/2008); 6.11 = TRE-MT
    cnj_segmento: int = Field(6, ge=1, le=9)
    cnj_tribunal: int = Field(11, ge=0, le=99)
    diferenca_max_por_classe: PositiveInt = 1  # DIST-02: igualdade rigorosa por classe (001 art. 30)
    # DIST-02: quanto a diferença total entre juízes pode crescer; a norma não fixa — o tribunal deve dizer.
    diferenca_max_total: PositiveInt = 2
    ausencia_redistribuicao_dias: PositiveInt = 15  # DIST-06: relator afastado sem substituto, após 15 dias (001)
    fim_mandato_sem_distribuicao_dias: PositiveInt = 30  # DIST-06: 30 dias antes do fim do mandato (001)
    edital_periodicidade: Literal["semanal", "quinzenal", "mensal"] = "quinzenal"  # DIST-08 (001)
    testemunhas_sorteio_manual: PositiveInt = 2  # DIST-09: duas testemunhas e ata (001)
    propaganda_dias_antes_eleicao: PositiveInt = 60  # DIST-10: zona da propaganda excluída 60 dias antes (004 art. 10)
    propaganda_dias_apos_eleicao: PositiveInt = 30  # DIST-10: ... até 30 dias após a eleição (004 art. 10)


class TabelaPagamentos(_Frozen):
    """PAG-02..09: values of one pay table, in force from ``vigencia`` (the tribunal sets them; defaults are demo
    values, not a law's). Subsídio keys: ``desembargador``, ``juiz:especial``, ``juiz:final``, ``juiz:inicial``,
    ``juiz_substituto``; diária keys ``desembargador`` and ``juiz``; ``funcoes``: monthly acréscimo per post."""

    vigencia: date = date(2020, 1, 1)
    subsidios: dict[str, Decimal] = {
        "desembargador": Decimal("41845.49"), "juiz:especial": Decimal("39753.22"),
        "juiz:final": Decimal("37765.56"), "juiz:inicial": Decimal("35877.28"),
        "juiz_substituto": Decimal("34083.42"),
    }
    diarias: dict[str, Decimal] = {"desembargador": Decimal("1300.00"), "juiz": Decimal("1100.00")}  # PAG-06
    gratificacao_sessao: Decimal = Decimal("1046.14")  # PAG-07: por sessão (001 art. 132)
    valor_hora_cooperacao: Decimal = Decimal("45.00")  # PAG-08: conferência do valor de COOP-11
    funcoes: dict[str, Decimal] = {  # 003 12.1 h–v: acréscimo mensal de quem exerce o posto (Lei 5.535/2009)
        "direcao_foro": Decimal("3977.00"), "turma_recursal": Decimal("3977.00"), "coordenacao": Decimal("2650.00"),
    }

    @field_validator("subsidios", "diarias", "funcoes")
    @classmethod
    def _non_negative(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        if any(v < 0 for v in value.values()):
            raise ValueError("valores não podem ser negativos")
        return value


class PagamentosConfig(_Frozen):
    # PAG-02: gratificação de cumulação de juízes, 1/3 ou 1/6 do subsídio pro rata (003 12.3.3)
    cumulacao_juiz_fracao_maior: Fraction = Fraction(1, 3)
    cumulacao_juiz_fracao_menor: Fraction = Fraction(1, 6)
    cumulacao_juiz_fator_com_auxilio: Fraction = Fraction(1, 2)  # PAG-02: pela metade com auxílio (003 12.3.2 c)
    # PAG-03: mais de 10% de desembargadores/JDS afastados no mês anterior (003 12.4.2; antes 20%)
    cumulacao_desembargador_limiar_afastados: Decimal = Decimal("0.10")
    cumulacao_desembargador_max_dias_ausencia: int = Field(3, ge=0)  # PAG-03: ausência de até 3 dias no mês
    cumulacao_desembargador_fracao: Fraction = Fraction(1, 3)  # PAG-03: 1/3 do subsídio (003 12.4.3)
    diferenca_entrancia_ferias_meses: PositiveInt = 6  # PAG-05: 6 meses de substituição plena (003 12.6.2.2)
    terco_ferias: Fraction = Fraction(1, 3)  # PAG-09: terço constitucional (CF art. 7º XVII)
    # PAG-02: fração da cumulação por dia de compensação (PLAN-08) usado pelo titular; a norma diz "1/3 ou 1/6"
    # sem dizer quando — o dia de folga do colega é cumulação plena de dois juízos, daí 1/3 (escolha documentada).
    cumulacao_compensacao_fracao: Fraction = Fraction(1, 3)
    # PAG-02/04/05/06/09: pro rata sobre o mês comercial de 30 dias (prática da folha; a norma não fixa).
    dias_mes_pro_rata: PositiveInt = 30
    # PAG-01: dia do mês em que o agendamento diário monta os memorandos do mês anterior (003 12.3.3.1: "no mês
    # anterior"; o calendário da DIMAG fixa a data — aqui configuração).
    dia_execucao_mensal: int = Field(5, ge=1, le=28)
    # PAG-11: sigla da divisão na numeração dos memorandos ("Memorando nº 12/2026 – DIMAG"), uma série por ano
    memorando_divisao: str = Field("DIMAG", min_length=2, max_length=20)
    # PAG-02..09: tabelas de vencimentos com vigência; vale, em cada dia, a última com vigência <= o dia.
    tabelas: tuple[TabelaPagamentos, ...] = (TabelaPagamentos(),)

    @field_validator("tabelas")
    @classmethod
    def _tables(cls, value: tuple[TabelaPagamentos, ...]) -> tuple[TabelaPagamentos, ...]:
        days = [t.vigencia for t in value]
        if len(set(days)) != len(days):
            raise ValueError("duas tabelas com a mesma vigência")
        return tuple(sorted(value, key=lambda t: t.vigencia)) or (TabelaPagamentos(),)

    def tabela_em(self, day: date) -> TabelaPagamentos:
        """The pay table in force on ``day`` (the earliest one when ``day`` precedes them all)."""
        tables = self.tabelas or (TabelaPagamentos(),)
        chosen = tables[0]
        for table in tables:
            if table.vigencia <= day:
                chosen = table
        return chosen

    @field_validator(
        "cumulacao_juiz_fracao_maior",
        "cumulacao_juiz_fracao_menor",
        "cumulacao_juiz_fator_com_auxilio",
        "cumulacao_desembargador_fracao",
        "terco_ferias",
    )
    @classmethod
    def _proper_fraction(cls, value: Fraction) -> Fraction:
        if not 0 < value <= 1:
            raise ValueError("a fração deve estar entre 0 (exclusive) e 1")
        return value

    @field_validator("cumulacao_desembargador_limiar_afastados")
    @classmethod
    def _ratio(cls, value: Decimal) -> Decimal:
        if not 0 <= value < 1:
            raise ValueError("o limiar é uma proporção entre 0 e 1 (0.10 = 10%)")
        return value


class DinheiroConfig(_Frozen):
    """Money: Decimal with 2 places, ROUND_HALF_UP (DOMAIN.md)."""

    casas_decimais: int = Field(2, ge=0, le=6)
    arredondamento: Rounding = "ROUND_HALF_UP"

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.casas_decimais)

    def round(self, value: Decimal | int | str | Fraction) -> Decimal:
        """``value`` rounded to the configured places (a Fraction is divided exactly first)."""
        if isinstance(value, Fraction):
            value = Decimal(value.numerator) / Decimal(value.denominator)
        return Decimal(value).quantize(self.quantum, rounding=self.arredondamento)


# ---------------------------------------------------------------------------------------------


class PresidenciaConfig(_Frozen):
    """Who signs the portarias and despachos (PLAN-04, PAG-10): the President's name and title as printed,
    never a login. The values below are the demo's; each tribunal sets its own (and changes them at each
    biennium)."""

    nome: str = Field("Desembargador Carlos Almeida", min_length=3)  # the demo's president (des.presidente)
    cargo: str = Field("Presidente do Tribunal Regional Eleitoral de Mato Grosso", min_length=3)


class TribunalConfig(_Frozen):
    """Everything a tribunal may set differently; defaults are the regulations' values (DOMAIN.md)."""

    tribunal_id: str = "TRE-MT"
    nome: str = "Tribunal Regional Eleitoral de Mato Grosso"  # como impresso nos documentos
    presidencia: PresidenciaConfig = PresidenciaConfig()  # PLAN-04/PAG-10: quem assina portarias e despachos
    uf: str = "MT"  # CAL-01: feriados estaduais da UF do tribunal
    capital: Municipio = Municipio(ibge="5103403", nome="Cuiabá")  # PLAN-01/PLAN-04 capital × interior
    # CAL-01/PLAN-01: the municipalities of the tribunal's territory, IBGE code → official name; calendar days and
    # comarcas name one of them. None: every municipality of the UF, from the IBGE list courtlib ships (MT only).
    municipios: dict[str, str] | None = None
    timezone: str = "America/Sao_Paulo"  # DOMAIN.md: fuso de toda regra de data
    calendario: CalendarioConfig = CalendarioConfig()
    cooperacao: CooperacaoConfig = CooperacaoConfig()
    plantao: PlantaoConfig = PlantaoConfig()
    distribuicao: DistribuicaoConfig = DistribuicaoConfig()
    pagamentos: PagamentosConfig = PagamentosConfig()
    dinheiro: DinheiroConfig = DinheiroConfig()

    @field_validator("uf")
    @classmethod
    def _uf(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in UFS:
            raise ValueError(f"UF desconhecida: {value!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"fuso horário desconhecido: {value!r}") from exc
        return value

    @field_validator("municipios")
    @classmethod
    def _municipios(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if not value:
            raise ValueError("municipios: a lista não pode ser vazia")
        for code, name in value.items():
            if len(code) != 7 or not code.isascii() or not code.isdigit() or not name.strip():
                raise ValueError(f"municipios: {code!r} → {name!r} não é código IBGE (7 dígitos) → nome")
        return {code: name.strip() for code, name in value.items()}

    @model_validator(mode="after")
    def _registered(self) -> TribunalConfig:
        registered = self.municipios if self.municipios is not None else shipped_municipalities(self.uf)
        if registered is None:
            raise ValueError(f"municipios: não há lista de municípios embutida para a UF {self.uf}; "
                             "informe os municípios do tribunal (código IBGE → nome)")
        if self.capital.ibge not in registered:
            raise ValueError(f"a capital {self.capital.ibge} ({self.capital.nome}) não está entre os municipios")
        return self

    @property
    def municipios_registrados(self) -> Mapping[str, str]:
        """CAL-01: the tribunal's municipalities, IBGE code → official name."""
        if self.municipios is not None:
            return self.municipios
        shipped = shipped_municipalities(self.uf)
        assert shipped is not None  # the validator refused a config without them
        return shipped

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _deep_merge(base: dict[str, Any], overrides: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            merged[key] = _deep_merge(current, value, f"{path}{key}.")
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(raiz)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def load_tribunal_config(tribunal_id: str, overrides_json: str | None = None) -> TribunalConfig:
    """The defaults with ``overrides_json`` (a JSON object of deep, partial overrides) applied and validated.

    Raises :class:`TribunalConfigError` naming every offending path (unknown key, wrong type, bad value).
    """
    overrides: Any = {}
    if overrides_json is not None and overrides_json.strip():
        try:
            overrides = json.loads(overrides_json)
        except json.JSONDecodeError as exc:
            raise TribunalConfigError(f"{TRIBUNAL_CONFIG_ENV} não é JSON válido: {exc}") from exc
    if not isinstance(overrides, dict):
        raise TribunalConfigError(f"{TRIBUNAL_CONFIG_ENV} deve ser um objeto JSON, não {type(overrides).__name__}")
    declared = overrides.get("tribunal_id", tribunal_id)
    if declared != tribunal_id:
        raise TribunalConfigError(
            f"{TRIBUNAL_CONFIG_ENV} é do tribunal {declared!r}, mas o serviço roda para {tribunal_id!r}"
        )
    document = _deep_merge(TribunalConfig().model_dump(), overrides)
    document["tribunal_id"] = tribunal_id
    try:
        return TribunalConfig.model_validate(document)
    except ValidationError as exc:
        raise TribunalConfigError(f"configuração inválida do tribunal {tribunal_id}: {_describe(exc)}") from exc


def tribunal_config_from_env(environ: Mapping[str, str] | None = None) -> TribunalConfig:
    """The configuration of ``TRIBUNAL_ID`` with the overrides of ``TRIBUNAL_CONFIG_JSON``."""
    env = os.environ if environ is None else environ
    return load_tribunal_config(env.get("TRIBUNAL_ID", "TRE-MT"), env.get(TRIBUNAL_CONFIG_ENV))
