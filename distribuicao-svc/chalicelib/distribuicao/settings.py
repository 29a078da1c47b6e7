"""Typed settings of distribuicao-svc, read from DISTRIBUICAO_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from courtlib.settings import ServiceSettings


class DistribuicaoSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "DISTRIBUICAO_"

    service: str = "distribuicao"


@cache
def get_settings() -> DistribuicaoSettings:
    return DistribuicaoSettings.from_env()  # type: ignore[return-value]
