"""Configuration section of cooperacao-svc (COOP-): the tribunal document's ``cooperacao`` object.

Read through ``cooperacao_config(config)`` (``TribunalConfig.section``): a bad value is refused by this service only.
Each default is the regulation's value; each field's comment names the rule (DOMAIN.md id). Pure pydantic, no AWS.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, PositiveInt, model_validator

from courtlib.config import FrozenModel, TribunalConfig


class CotasCooperacao(FrozenModel):
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


class CooperacaoConfig(FrozenModel):
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


def cooperacao_config(config: TribunalConfig) -> CooperacaoConfig:
    """The cooperacao section of the tribunal's configuration (refused with ``TribunalConfigError`` when invalid)."""
    return config.section("cooperacao", CooperacaoConfig)
