"""Typed settings of distribuicao-svc, read from DISTRIBUICAO_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from courtlib.settings import ServiceSettings


class DistribuicaoSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "DISTRIBUICAO_"

    service: str = "distribuicao"
    # seals the day's draw seeds (adapters/seeds.py): the template's DistribuicaoSeedsKmsKey, which only
    # distribuicao's functions may use (DISTRIBUICAO_SEEDS_KMS_KEY_ARN, from its output)
    seeds_kms_key_arn: str | None = None


@cache
def get_settings() -> DistribuicaoSettings:
    return DistribuicaoSettings.from_env()  # type: ignore[return-value]
