"""Domain errors of distribuicao-svc; each carries a Portuguese message fit for a problem ``detail``."""

from __future__ import annotations


class DistribuicaoError(ValueError):
    """Base of every refusal of the distribution rules (the HTTP layer maps it to 4xx)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NoEligibleJudgeError(DistribuicaoError):
    """No unit (cadeira or zona) can receive the case; ``reasons`` says why each one was left out."""

    def __init__(self, detail: str, reasons: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.reasons = dict(reasons or {})


class ManualDrawError(DistribuicaoError):
    """A manual draw (DIST-09) that cannot be recorded as given."""


class SeedError(DistribuicaoError):
    """The day's seed is missing, of another day, or malformed (DIST-11)."""


class StateError(DistribuicaoError):
    """The órgão data read from storage are inconsistent (two titulars in a seat, unknown seat...)."""
