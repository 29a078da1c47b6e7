"""Typed settings read from the environment.

Every service has its own subclass with an env prefix (``PLANTAO_TABLE_NAME``…), so four apps can
live in one process (tests, the local stack) and each Lambda still reads plain environment
variables. Values shared by every service (region, endpoint, tribunal…) have no prefix.
Settings are read lazily: a service exposes ``get_settings()`` cached on first use.
"""

from __future__ import annotations

import os
import re

from pydantic import AliasChoices, Field, computed_field
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICES: tuple[str, ...] = ("cooperacao", "plantao", "distribuicao", "pagamentos")


class ServiceSettings(BaseSettings):
    """What every service needs to reach its own table and queues and to publish to the others."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    service: str
    table_name: str
    queue_url: str = ""
    dlq_url: str = ""
    queue_name: str = ""
    stream_arn: str = ""

    region: str = Field("sa-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    endpoint_url: str | None = Field(None, validation_alias="AWS_ENDPOINT_URL")
    stage: str = Field("local", validation_alias="STAGE")
    tribunal: str = Field("TRE-MT", validation_alias="TRIBUNAL_ID")
    documents_bucket: str = Field("", validation_alias="DOCUMENTS_BUCKET")
    user_pool_arn: str = Field(
        "arn:aws:cognito-idp:sa-east-1:000000000000:userpool/sa-east-1_unset",
        validation_alias="USER_POOL_ARN",
    )
    cors_origin: str = Field("*", validation_alias="CORS_ALLOW_ORIGIN")
    pagination_secret: str = Field("dev-only-pagination-secret", validation_alias="PAGINATION_SECRET")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def peer_queue_urls(self) -> dict[str, str]:
        """Inbound queue URL of every service, from ``<SERVICE>_QUEUE_URL`` (set from infra outputs)."""
        urls = {name: os.environ.get(f"{name.upper()}_QUEUE_URL", "") for name in SERVICES}
        return {name: url for name, url in urls.items() if url}


def env_from_outputs(outputs: dict[str, str]) -> dict[str, str]:
    """Environment variables from CloudFormation outputs: ``PlantaoTableName`` → ``PLANTAO_TABLE_NAME``.

    The infra template's outputs are the one truth for resource names; the local stack and the
    deploy script both turn them into the services' environment with this rule.
    """
    return {re.sub(r"(?<!^)(?=[A-Z])", "_", key).upper(): value for key, value in outputs.items()}
