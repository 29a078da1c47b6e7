"""The one shape every service's fake unit of work records for ``uow.audit``: the act as the use case asked for
it, its values in the JSON form courtlib stores (the actor, time and chain are courtlib's, tested there)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from courtlib.audit.record import plain


@dataclass(frozen=True)
class RecordedAct:
    act: str
    target: tuple[str, str]
    rules: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, act: str, target: Sequence[str], rules: Sequence[str],
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None) -> RecordedAct:
        first, second = target
        return cls(act, (first, second), tuple(rules), plain(before), plain(after))
