"""Typed settings of plantao-svc, read from PLANTAO_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from courtlib.settings import ServiceSettings


class PlantaoSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "PLANTAO_"
    # NOTICE_SENDER comes from infra/identity.yaml's output NoticeSender (the SES-verified domain).
    SHARED_ENV: ClassVar[dict[str, tuple[str, ...]]] = {**ServiceSettings.SHARED_ENV,
                                                         "notice_sender": ("NOTICE_SENDER",)}

    service: str = "plantao"
    notice_sender: str = "plantao@tribunal.example.jus.br"


@cache
def get_settings() -> PlantaoSettings:
    return PlantaoSettings.from_env()  # type: ignore[return-value]
