"""Typed settings read from the environment.

Every service has its own subclass with an environment prefix (``PLANTAO_TABLE_NAME``…), so four
apps can live in one process (tests, the local stack) and each Lambda still reads plain
environment variables. Values shared by every service (region, endpoint, tribunal…) have no
prefix. Settings are read lazily: a service exposes ``get_settings()`` cached on first use.
(A pydantic model read by hand rather than pydantic-settings: that library costs ~25 ms of every
cold start for what :meth:`ServiceSettings.from_env` does in a few lines.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import ClassVar

from pydantic import ConfigDict, Field, computed_field

from courtlib.schema import Schema

SERVICES: tuple[str, ...] = ("cooperacao", "plantao", "distribuicao", "pagamentos")


class MissingSetting(RuntimeError):
    """A required variable is not set: the service stops at start rather than run on a made-up value."""


class ServiceSettings(Schema):
    """What every service needs to reach its own table and queues and to publish to the others."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    ENV_PREFIX: ClassVar[str] = ""
    # Fields read from unprefixed variables (the first one set wins).
    SHARED_ENV: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("AWS_REGION", "AWS_DEFAULT_REGION"),
        "endpoint_url": ("AWS_ENDPOINT_URL",),
        "dynamodb_endpoint_url": ("AWS_ENDPOINT_URL_DYNAMODB",),
        "stage": ("STAGE",),
        "tribunal": ("TRIBUNAL_ID",),
        "documents_bucket": ("DOCUMENTS_BUCKET",),
        "user_pool_arn": ("USER_POOL_ARN",),
        "cors_origin": ("CORS_ALLOW_ORIGIN",),
        "pagination_secret": ("PAGINATION_SECRET",),
        "audit_retention_years": ("AUDIT_RETENTION_YEARS",),
        "partner_keys_kms_key": ("PARTNER_KEYS_KMS_KEY_ARN",),
        "eager_dispatch": ("OUTBOX_EAGER_DISPATCH",),
    }

    service: str
    table_name: str
    queue_url: str = ""
    dlq_url: str = ""
    queue_name: str = ""
    stream_arn: str = ""

    region: str = "sa-east-1"
    endpoint_url: str | None = None
    # DynamoDB's own endpoint (botocore's service-specific variable): the local stack can keep every other
    # service on moto and put DynamoDB on DynamoDB Local. Unset: ``endpoint_url``.
    dynamodb_endpoint_url: str | None = None
    stage: str = "local"
    tribunal: str = "TRE-MT"
    documents_bucket: str = ""
    user_pool_arn: str = "arn:aws:cognito-idp:sa-east-1:000000000000:userpool/sa-east-1_unset"
    cors_origin: str = "*"
    audit_retention_years: int = Field(5, ge=1, le=100)  # courtlib.audit.store: how long records are kept (no TTL)
    partner_keys_kms_key: str | None = None  # seals partner secrets at rest (courtlib.auth.partner_keys)
    # After a commit, send its events to their queues at once (courtlib.messaging.dispatch); the stream relay stays
    # the safety net. ``OUTBOX_EAGER_DISPATCH=false`` leaves every event to the relay (to compare, or if SQS is down).
    eager_dispatch: bool = True
    pagination_secret: str  # signs pagination keys: no default, a missing one stops the service (MissingSetting)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceSettings:
        """The settings from ``environ`` (default: the process environment); missing required values raise."""
        environ = os.environ if environ is None else environ
        values: dict[str, str] = {}
        for name in cls.model_fields:
            names = cls.SHARED_ENV.get(name, (f"{cls.ENV_PREFIX}{name.upper()}",))
            value = next((environ[key] for key in names if environ.get(key)), None)
            if value is not None:
                values[name] = value
        missing = [cls.SHARED_ENV.get(name, (f"{cls.ENV_PREFIX}{name.upper()}",))[0]
                   for name, info in cls.model_fields.items() if info.is_required() and name not in values]
        if missing:
            raise MissingSetting(f"variável de ambiente obrigatória ausente: {', '.join(missing)}")
        return cls.model_validate(values)

    @property
    def dynamodb_endpoint(self) -> str | None:
        """Where the DynamoDB clients (boto3, PynamoDB, Powertools) go: its own endpoint, else the shared one."""
        return self.dynamodb_endpoint_url or self.endpoint_url

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
