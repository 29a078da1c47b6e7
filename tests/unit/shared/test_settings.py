"""Settings: prefixed per service, shared values unprefixed, outputs → environment."""

import pytest
from pydantic import ValidationError

from courtlib.settings import MissingSetting, ServiceSettings, env_from_outputs


class _Plantao(ServiceSettings):
    ENV_PREFIX = "PLANTAO_"
    service: str = "plantao"


def test_prefixed_and_shared_values_are_read():
    settings = _Plantao.from_env({"PLANTAO_TABLE_NAME": "t", "PAGINATION_SECRET": "s", "PLANTAO_QUEUE_URL": "q",
                                  "COOPERACAO_TABLE_NAME": "x", "AWS_DEFAULT_REGION": "us-east-1",
                                  "TRIBUNAL_ID": "TJSC", "TABLE_NAME": "no"})
    read = (settings.table_name, settings.queue_url, settings.region, settings.tribunal)
    assert read == ("t", "q", "us-east-1", "TJSC")


def test_aws_region_wins_over_the_default_region():
    assert _Plantao.from_env({"PLANTAO_TABLE_NAME": "t", "PAGINATION_SECRET": "s", "AWS_REGION": "sa-east-1",
                              "AWS_DEFAULT_REGION": "us-east-1"}).region == "sa-east-1"


def test_a_missing_table_name_is_refused():
    with pytest.raises(MissingSetting, match="PLANTAO_TABLE_NAME"):
        _Plantao.from_env({"COOPERACAO_TABLE_NAME": "t", "PAGINATION_SECRET": "s"})


def test_settings_are_frozen():
    settings = _Plantao.from_env({"PLANTAO_TABLE_NAME": "t", "PAGINATION_SECRET": "s"})
    with pytest.raises(ValidationError):
        settings.table_name = "other"


def test_outputs_become_environment_names():
    assert env_from_outputs({"PlantaoTableName": "a", "UserPoolArn": "b", "DocumentsBucket": "c"}) == {
        "PLANTAO_TABLE_NAME": "a", "USER_POOL_ARN": "b", "DOCUMENTS_BUCKET": "c"}
