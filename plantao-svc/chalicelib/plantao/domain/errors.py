"""Domain errors of plantao-svc; each carries the rule id (``code``), a Portuguese ``detail`` and, when one
input is at fault, the ``field`` — what the HTTP layer turns into a problem+json."""

from __future__ import annotations

from typing import Any


class PlantaoError(ValueError):
    """A refusal of a plantão rule (HTTP 422 unless a subclass says otherwise)."""

    status = 422

    def __init__(self, code: str, detail: str, field: str | None = None, **extra: Any) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.field = field
        self.extra = extra


class UncoveredDayError(PlantaoError):
    """A month that would leave a day without anybody eligible (nothing is saved)."""

    def __init__(self, code: str, day: Any, rotation: str, reason: str) -> None:
        super().__init__(code, f"O dia {day.isoformat()} ficaria sem plantonista ({rotation}): {reason}.",
                         field="mes", dia=day.isoformat(), rotacao=rotation, motivo=reason)
        self.day = day
        self.rotation = rotation
        self.reason = reason


class StateConflict(PlantaoError):
    """The request is fine but the stored state does not allow it now (HTTP 409)."""

    status = 409
