"""Typed settings of plantao-svc, read from PLANTAO_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from courtlib.settings import ServiceSettings


class PlantaoSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "PLANTAO_"

    service: str = "plantao"


@cache
def get_settings() -> PlantaoSettings:
    return PlantaoSettings.from_env()  # type: ignore[return-value]
