"""Typed settings of cooperacao-svc, read from COOPERACAO_* variables (and the shared ones) on first use."""

from functools import cache

from pydantic_settings import SettingsConfigDict

from courtlib.settings import ServiceSettings


class CooperacaoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COOPERACAO_", frozen=True, extra="ignore")

    service: str = "cooperacao"


@cache
def get_settings() -> CooperacaoSettings:
    return CooperacaoSettings()  # type: ignore[call-arg]  # table_name comes from the environment
