"""Typed settings of plantao-svc, read from PLANTAO_* variables (and the shared ones) on first use."""

from functools import cache

from pydantic_settings import SettingsConfigDict

from courtlib.settings import ServiceSettings


class PlantaoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PLANTAO_", frozen=True, extra="ignore")

    service: str = "plantao"


@cache
def get_settings() -> PlantaoSettings:
    return PlantaoSettings()  # type: ignore[call-arg]  # table_name comes from the environment
