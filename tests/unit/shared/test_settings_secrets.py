"""A secret never defaults silently (issue 12): a service without one stops at start, naming the variable."""

import pytest

from courtlib.settings import MissingSetting, ServiceSettings


class DemoSettings(ServiceSettings):
    ENV_PREFIX = "DEMO_"


def test_a_missing_pagination_secret_stops_the_service_naming_the_variable():
    with pytest.raises(MissingSetting) as stopped:
        DemoSettings.from_env({"DEMO_SERVICE": "demo", "DEMO_TABLE_NAME": "t"})
    assert "PAGINATION_SECRET" in str(stopped.value)


def test_an_empty_pagination_secret_is_missing_too():
    with pytest.raises(MissingSetting, match="PAGINATION_SECRET"):
        DemoSettings.from_env({"DEMO_SERVICE": "demo", "DEMO_TABLE_NAME": "t", "PAGINATION_SECRET": ""})


def test_the_secret_comes_from_the_environment():
    settings = DemoSettings.from_env({"DEMO_SERVICE": "demo", "DEMO_TABLE_NAME": "t", "PAGINATION_SECRET": "x" * 32})
    assert settings.pagination_secret == "x" * 32


def test_the_local_stack_sets_its_own_random_secret():
    from devstack.stack import stage_secrets
    first, second = stage_secrets({}), stage_secrets({})
    assert len(first["PAGINATION_SECRET"]) >= 32 and first != second
    assert stage_secrets({"PAGINATION_SECRET": "dado"}) == {"PAGINATION_SECRET": "dado"}
