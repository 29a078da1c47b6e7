"""Typed settings of cooperacao-svc, read from COOPERACAO_* variables (and the shared ones) on first use."""

from functools import cache
from typing import ClassVar

from chalicelib.cooperacao.shards import MONTH_SHARDS, PART_COUNTS
from pydantic import field_validator

from courtlib.settings import ServiceSettings


class CooperacaoSettings(ServiceSettings):
    ENV_PREFIX: ClassVar[str] = "COOPERACAO_"

    service: str = "cooperacao"
    # COOPERACAO_FECHAMENTO_PARTES: how many parts a requested close fans out in (one event and one invocation each);
    # a divisor of the month's gsi1 shards, so each part reads whole shards. Production: 64 (one shard per part, one
    # invocation's worth at the design size); the local stack and the tests: 4 (one consumer runs them in turn).
    fechamento_partes: int = MONTH_SHARDS

    @field_validator("fechamento_partes")
    @classmethod
    def _divides_the_shards(cls, value: int) -> int:
        if value not in PART_COUNTS:
            counts = ", ".join(map(str, PART_COUNTS))
            raise ValueError(f"COOPERACAO_FECHAMENTO_PARTES deve dividir {MONTH_SHARDS} ({counts}); recebido {value}")
        return value


@cache
def get_settings() -> CooperacaoSettings:
    return CooperacaoSettings.from_env()  # type: ignore[return-value]
