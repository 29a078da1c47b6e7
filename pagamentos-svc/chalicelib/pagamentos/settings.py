"""Typed settings of pagamentos-svc, read from PAGAMENTOS_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from courtlib.settings import ServiceSettings


class PagamentosSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "PAGAMENTOS_"

    service: str = "pagamentos"


@cache
def get_settings() -> PagamentosSettings:
    return PagamentosSettings.from_env()  # type: ignore[return-value]
