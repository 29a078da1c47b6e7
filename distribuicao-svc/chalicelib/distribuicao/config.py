"""Configuration section of distribuicao-svc (DIST-): the tribunal document's ``distribuicao`` object.

Read through ``distribuicao_config(config)`` (``TribunalConfig.section``): a bad value is refused by this service only.
Each default is the regulation's value; each field's comment names the rule (DOMAIN.md id). Pure pydantic, no AWS.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveInt

from courtlib.beacon.config import BeaconConfig
from courtlib.config import FrozenModel, TribunalConfig


class DistribuicaoConfig(FrozenModel):
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
    # DIST-11 / issue 16: the public beacon (drand quicknet and its relays by default); a request waits for its
    # round up to ``espera_maxima_s`` seconds, then answers 202 and the case waits in ``aguardando_farol``.
    farol: BeaconConfig = BeaconConfig(espera_maxima_s=8.0)
    # the in-process local beacon (AWS emulated and no relay configured: the tests that run the app in process);
    # its own demo key, one round per this many seconds. The local stack serves its beacon and names it in `farol`.
    farol_local_periodo_s: PositiveInt = 1


def distribuicao_config(config: TribunalConfig) -> DistribuicaoConfig:
    """The distribuicao section of the tribunal's configuration (refused with ``TribunalConfigError`` when invalid)."""
    return config.section("distribuicao", DistribuicaoConfig)
