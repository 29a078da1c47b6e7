"""Typed settings of cooperacao-svc, read from COOPERACAO_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from courtlib.settings import ServiceSettings


class CooperacaoSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "COOPERACAO_"

    service: str = "cooperacao"


@cache
def get_settings() -> CooperacaoSettings:
    return CooperacaoSettings.from_env()  # type: ignore[return-value]
