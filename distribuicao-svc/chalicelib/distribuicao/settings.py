"""Typed settings of distribuicao-svc, read from DISTRIBUICAO_* variables (and the shared ones) on first use."""

from functools import cache

from pydantic_settings import SettingsConfigDict

from courtlib.settings import ServiceSettings


class DistribuicaoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISTRIBUICAO_", frozen=True, extra="ignore")

    service: str = "distribuicao"


@cache
def get_settings() -> DistribuicaoSettings:
    return DistribuicaoSettings()  # type: ignore[call-arg]  # table_name comes from the environment
