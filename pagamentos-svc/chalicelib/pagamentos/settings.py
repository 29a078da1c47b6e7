"""Typed settings of pagamentos-svc, read from PAGAMENTOS_* variables (and the shared ones) on first use."""

from functools import cache

from pydantic_settings import SettingsConfigDict

from courtlib.settings import ServiceSettings


class PagamentosSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAGAMENTOS_", frozen=True, extra="ignore")

    service: str = "pagamentos"


@cache
def get_settings() -> PagamentosSettings:
    return PagamentosSettings()  # type: ignore[call-arg]  # table_name comes from the environment
