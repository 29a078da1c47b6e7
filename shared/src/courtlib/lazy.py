"""Objects built on first use, so that ``import app`` (most of a Lambda's cold start) builds only what it must.

Why this exists: a service's dependencies (``deps.py``) import its adapters, use cases and domain — about a
third of the project's import time — yet an invocation needs them only once it is past the routing, and a
refused request never does. :class:`Deferred` stands for such an object: it is built by its factory the
first time one of its attributes is read or set, and from then on every attribute goes to the built object.
Attributes known before the build (the settings) are answered without building. :func:`lazy_module` is the
same for a module a handler calls into (a service's schedules): imported on the first attribute read.
"""

from __future__ import annotations

import importlib
import threading
import types
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Deferred(Generic[T]):
    """``Deferred(factory, settings=settings)``: ``factory()`` built on first attribute access, once."""

    __slots__ = ("_factory", "_known", "_lock", "_target")

    def __init__(self, factory: Callable[[], T], **known: Any) -> None:
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_known", known)
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_target", None)

    def resolve(self) -> T:
        """The built object (built now if it was not yet)."""
        target = object.__getattribute__(self, "_target")
        if target is None:
            with object.__getattribute__(self, "_lock"):
                target = object.__getattribute__(self, "_target")
                if target is None:
                    target = object.__getattribute__(self, "_factory")()
                    object.__setattr__(self, "_target", target)
        return target  # type: ignore[no-any-return]

    @property
    def built(self) -> bool:
        return object.__getattribute__(self, "_target") is not None

    def __getattr__(self, name: str) -> Any:
        known = object.__getattribute__(self, "_known")
        if name in known and object.__getattribute__(self, "_target") is None:
            return known[name]
        return getattr(self.resolve(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.resolve(), name, value)

    def __repr__(self) -> str:
        target = object.__getattribute__(self, "_target")
        return f"Deferred({target!r})" if target is not None else "Deferred(<not built yet>)"


class _LazyModule(types.ModuleType):
    # Not importlib.util.LazyLoader: that one puts a half-made module in sys.modules and needs the parent
    # package imported to find the spec; this proxy leaves the import system alone until the first read.
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.__dict__["_lazy_target"] = None

    def __getattr__(self, attribute: str) -> Any:
        target = self.__dict__["_lazy_target"]
        if target is None:
            target = self.__dict__["_lazy_target"] = importlib.import_module(self.__name__)
        return getattr(target, attribute)


def lazy_module(name: str) -> types.ModuleType:
    """``schedules = lazy_module("chalicelib.x.schedules")``: the module, imported on the first attribute read."""
    return _LazyModule(name)
