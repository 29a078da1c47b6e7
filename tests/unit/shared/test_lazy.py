"""courtlib.lazy: the deps and modules a cold start does not import."""

from __future__ import annotations

import dataclasses
import sys
import textwrap
from typing import ClassVar

from courtlib.bootstrap import Bootstrapped, bootstrap_later
from courtlib.lazy import Deferred, lazy_module
from courtlib.settings import ServiceSettings


class Thing:
    def __init__(self) -> None:
        self.value = 1


def test_a_deferred_object_is_built_once_on_first_attribute_and_then_is_that_object():
    built: list[Thing] = []
    deferred = Deferred(lambda: built.append(Thing()) or built[-1], settings="s")
    assert deferred.settings == "s" and not built  # known before the build: nothing built
    assert deferred.value == 1 and len(built) == 1
    deferred.value = 2  # a test sets deps.clock this way
    assert built[0].value == 2 and deferred.value == 2 and len(built) == 1
    assert deferred.resolve() is built[0]


def test_a_known_attribute_is_the_built_object_s_once_it_is_built():
    deferred = Deferred(Thing, value=0)
    assert deferred.value == 0
    deferred.resolve()
    assert deferred.value == 1


def test_a_lazy_module_is_imported_on_its_first_attribute_read(tmp_path, monkeypatch):
    (tmp_path / "coldstart_probe.py").write_text(textwrap.dedent("""
        ANSWER = 42
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    module = lazy_module("coldstart_probe")
    assert "coldstart_probe" not in sys.modules
    assert module.ANSWER == 42
    assert "coldstart_probe" in sys.modules
    monkeypatch.delitem(sys.modules, "coldstart_probe")


def test_bootstrap_later_builds_the_deps_class_named_on_first_use():
    settings = ServiceSettings(service="cooperacao", table_name="t", pagination_secret="s")
    deps = bootstrap_later(f"{__name__}:Recording", settings)
    assert deps.settings is settings and Recording.made == 0
    assert deps.answer == 42 and Recording.made == 1
    assert deps.settings is settings


@dataclasses.dataclass
class Recording(Bootstrapped):
    made: ClassVar[int] = 0
    answer: int = 42

    def __post_init__(self) -> None:
        super().__post_init__()
        Recording.made += 1
