"""Domain errors of plantao-svc, in the one error model of :mod:`courtlib.errors`: each carries the rule id
(``code``), a Portuguese ``detail`` and, when one input is at fault, the ``field``; the dispatcher turns them
into problem+json (422 for a rule's refusal, 409 for a state that does not allow the act now)."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from courtlib.errors import Conflict, Refusal


class PlantaoError(Refusal):
    """A refusal of a plantão rule (HTTP 422 unless a subclass says otherwise)."""

    def __init__(self, code: str, detail: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(code, detail, field=field, **extra)


class UncoveredDayError(PlantaoError):
    """A month that would leave a day without anybody eligible (nothing is saved)."""

    def __init__(self, code: str, day: date, rotation: str, reason: str) -> None:
        super().__init__(code, f"O dia {day.isoformat()} ficaria sem plantonista ({rotation}): {reason}.",
                         field="mes", dia=day.isoformat(), rotacao=rotation, motivo=reason)
        self.day = day
        self.rotation = rotation
        self.reason = reason


class StateConflict(PlantaoError, Conflict):
    """The request is fine but the stored state does not allow it now (HTTP 409). A rule's conflict (PLAN-xx):
    never retried, unlike :class:`courtlib.errors.WriteConflict` (a concurrent write)."""

    status: ClassVar[int] = 409
