"""Domain errors of distribuicao-svc: refusals of the back office's one error model (``courtlib.errors``).

Each names the rule it applies as its ``code`` (the problem's ``code``) and carries a Portuguese ``detail``;
the HTTP dispatcher answers them as problem+json, so no route translates them. The domain may import
``courtlib.errors``: it is pure Python, no AWS.

============================  ======  ======================  ==============================================
class                         status  code                    when
============================  ======  ======================  ==============================================
``DistribuicaoError``         422     ``DIST-02`` (or given)  a distribution rule refuses the act
``NoEligibleJudgeError``      409     ``DIST-02`` (or given)  no unit can receive the case; ``motivos`` per unit
``ManualDrawError``           422     ``DIST-09``             a manual draw that cannot be recorded as given
``SeedError``                 422     ``DIST-02``             the day's seed is missing, of another day, malformed
``StateError``                422     ``ORGAO_INCONSISTENTE`` the órgão (or zones) data are inconsistent
============================  ======  ======================  ==============================================
"""

from __future__ import annotations

from typing import Any, ClassVar

from courtlib.errors import Refusal


class DistribuicaoError(Refusal, ValueError):
    """Base of every refusal of the distribution rules; ``code`` overrides the class's rule id."""

    rule: ClassVar[str] = "DIST-02"

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None, **extra: Any) -> None:
        super().__init__(code or self.rule, detail, field=field, **extra)


class NoEligibleJudgeError(DistribuicaoError):
    """No unit (cadeira or zona) can receive the case; ``reasons`` says why each one was left out."""

    status: ClassVar[int] = 409

    def __init__(self, detail: str, reasons: dict[str, str] | None = None, *, code: str | None = None) -> None:
        super().__init__(detail, code=code, motivos=dict(reasons or {}))
        self.reasons = dict(reasons or {})


class ManualDrawError(DistribuicaoError):
    """A manual draw (DIST-09) that cannot be recorded as given."""

    rule: ClassVar[str] = "DIST-09"


class SeedError(DistribuicaoError):
    """The day's seed is missing, of another day, or malformed (DIST-11)."""


class StateError(DistribuicaoError):
    """The órgão data read from storage are inconsistent (two titulars in a seat, unknown seat...)."""

    rule: ClassVar[str] = "ORGAO_INCONSISTENTE"
