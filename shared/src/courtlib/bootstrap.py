"""One way to build a service's dependencies: each adapter from the service's typed settings, or a test's fake.

A service declares its dependencies as a dataclass whose adapter fields say how to build them::

    @dataclass
    class PlantaoDeps(ServiceDeps):
        repository: PlantaoRepository = adapter(PlantaoRepository)
        notifier: Notifier = adapter(Notifier)

    deps = bootstrap(PlantaoDeps, get_settings())                      # app.py: every adapter real
    deps = bootstrap(PlantaoDeps, settings, repository=FakeRepository())  # a test: that one faked

An adapter field not given is built by calling its factory with the settings, once, when the deps are
made (the composition root, at import of ``app.py``); the adapters themselves reach AWS only on use.
The deps stay plain attributes, so a test can still swap one (``deps.clock = …``).
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

from courtlib.lazy import Deferred
from courtlib.settings import ServiceSettings

T = TypeVar("T")
D = TypeVar("D", bound="Bootstrapped")

_FACTORY = "courtlib.bootstrap.factory"


class _Unset:
    def __repr__(self) -> str:
        return "<built from the settings>"


_UNSET: Any = _Unset()


def adapter(factory: Callable[[Any], T]) -> T:
    """A dependency field built as ``factory(settings)`` unless the caller gives one."""
    built: T = dataclasses.field(default=_UNSET, metadata={_FACTORY: factory})
    return built


@dataclasses.dataclass
class Bootstrapped:
    """Base of a service's dependencies: ``settings`` plus adapter fields (:func:`adapter`)."""

    settings: ServiceSettings

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            factory = item.metadata.get(_FACTORY)
            if factory is not None and getattr(self, item.name) is _UNSET:
                setattr(self, item.name, factory(self.settings))


def bootstrap(deps_class: type[D], settings: ServiceSettings, **overrides: Any) -> D:
    """``deps_class``'s dependencies for ``settings``: every adapter built, except those in ``overrides``."""
    known = {item.name for item in dataclasses.fields(deps_class)} - {"settings"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(f"{deps_class.__name__} has no dependency {', '.join(unknown)} (known: {sorted(known)})")
    return deps_class(settings=settings, **overrides)


def bootstrap_later(deps_class: str, settings: ServiceSettings) -> Any:
    """:func:`bootstrap` on first use (``app.py``: a cold start imports no adapter nor use case).

    ``deps_class`` is ``"module:Class"``, imported then; the result reads and sets the deps' attributes, and
    answers ``settings`` without building them (see :class:`courtlib.lazy.Deferred`)."""
    module, name = deps_class.split(":")
    return Deferred(lambda: bootstrap(getattr(importlib.import_module(module), name), settings), settings=settings)
