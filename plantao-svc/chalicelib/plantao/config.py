"""Configuration section of plantao-svc (PLAN-): the tribunal document's ``plantao`` object.

Read through ``plantao_config(config)`` (``TribunalConfig.section``): a bad value is refused by this service only.
Each default is the regulation's value; each field's comment names the rule (DOMAIN.md id). Pure pydantic, no AWS.
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field, PositiveInt, field_validator

from courtlib.config import FrozenModel, Horario, TribunalConfig


class NoturnoConfig(FrozenModel):
    meses_edital: tuple[int, ...] = (1, 5, 9)  # PLAN-01: edital em janeiro, maio, setembro (003 10.10.1)
    juizes_por_quadrimestre: PositiveInt = 4  # PLAN-01: 4 juízes por quadrimestre (003 10.10.1)

    @field_validator("meses_edital")
    @classmethod
    def _months(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if not value or any(not 1 <= m <= 12 for m in value) or len(set(value)) != len(value):
            raise ValueError("meses do edital devem ser meses distintos entre 1 e 12")
        return tuple(sorted(value))


class HorariosPlantao(FrozenModel):
    # PLAN-01 (003 10.5.4, 10.6.3, 10.10.3, 10.7.3)
    estadual: Horario = Horario(inicio=time(11), fim=time(18))  # dias sem expediente, 11h–18h
    municipal: Horario = Horario(inicio=time(11), fim=time(18))  # feriados municipais do interior, 11h–18h
    noturno: Horario = Horario(inicio=time(18), fim=time(11))  # todos os dias, 18h → 11h do dia seguinte
    segundo_grau_dia_util: Horario = Horario(inicio=time(18), fim=time(11))  # 18h → 11h do dia seguinte
    segundo_grau_sem_expediente: Horario = Horario(inicio=time(11), fim=time(11))  # 11h → 11h do dia seguinte


class PlantaoConfig(FrozenModel):
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


def plantao_config(config: TribunalConfig) -> PlantaoConfig:
    """The plantao section of the tribunal's configuration (refused with ``TribunalConfigError`` when invalid)."""
    return config.section("plantao", PlantaoConfig)
