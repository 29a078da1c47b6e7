"""Configuration section of pagamentos-svc (PAG-): the tribunal document's ``pagamentos`` object.

Read through ``pagamentos_config(config)`` (``TribunalConfig.section``): a bad value is refused by this service only.
Each default is the regulation's value; each field's comment names the rule (DOMAIN.md id). Pure pydantic, no AWS.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from pydantic import Field, PositiveInt, field_validator

from courtlib.config import FrozenModel, TribunalConfig


class TabelaPagamentos(FrozenModel):
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


class PagamentosConfig(FrozenModel):
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


def pagamentos_config(config: TribunalConfig) -> PagamentosConfig:
    """The pagamentos section of the tribunal's configuration (refused with ``TribunalConfigError`` when invalid)."""
    return config.section("pagamentos", PagamentosConfig)
