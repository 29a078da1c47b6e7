"""A service's dependencies are built from its settings, once, unless a test gives its own (a fake)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from courtlib.bootstrap import Bootstrapped, adapter, bootstrap
from courtlib.settings import ServiceSettings

SETTINGS = ServiceSettings(service="teste", table_name="tabela", pagination_secret="s")


class Repository:
    made = 0

    def __init__(self, settings: ServiceSettings) -> None:
        Repository.made += 1
        self.table = settings.table_name


class Notifier:
    def __init__(self, settings: ServiceSettings) -> None:
        self.service = settings.service


@dataclass
class Deps(Bootstrapped):
    repository: Repository = adapter(Repository)
    notifier: Notifier = adapter(Notifier)
    limit: int = 3


def test_every_adapter_is_built_from_the_settings():
    deps = bootstrap(Deps, SETTINGS)
    assert deps.repository.table == "tabela" and deps.notifier.service == "teste" and deps.limit == 3


def test_an_override_replaces_that_adapter_and_builds_no_real_one():
    fake = object()
    before = Repository.made
    deps = bootstrap(Deps, SETTINGS, repository=fake)
    assert deps.repository is fake and Repository.made == before
    assert isinstance(deps.notifier, Notifier)


def test_an_unknown_override_is_refused_with_the_known_names():
    with pytest.raises(TypeError, match="repositorio"):
        bootstrap(Deps, SETTINGS, repositorio=object())


def test_the_deps_stay_plain_attributes_a_test_can_swap():
    deps = bootstrap(Deps, SETTINGS)
    deps.limit = 9
    assert deps.limit == 9


def test_the_shared_service_deps_build_the_calendar_store():
    from courtlib.calendar.store import CalendarRepository
    from courtlib.service import ServiceDeps

    assert isinstance(bootstrap(ServiceDeps, SETTINGS).calendar, CalendarRepository)
