"""The one error model of the back office: what a use case or a domain rule raises, with no HTTP in it.

Every service raises these (or its own subclasses); the HTTP dispatcher maps them to problem+json in
one place (:func:`courtlib.http.problems.problem_from_error`), so no route translates errors itself.

=====================  ======  ==========================  =========================================
class                  status  default code                meaning
=====================  ======  ==========================  =========================================
``Refusal``            422     the rule id (``COOP-06``)   a rule of the regulations says no
``Invalid``            422     ``VALIDACAO``               an input is malformed or inconsistent
``NotFound``           404     ``NAO_ENCONTRADO``          the target does not exist (or is not yours)
``Conflict``           409     ``CONFLITO``                the stored state does not allow it now
``Forbidden``          403     ``PROIBIDO``                the caller may not do this to this target
``Busy``               503     ``CONCORRENCIA``            concurrent writes won every retry; try again
=====================  ======  ==========================  =========================================

A service with a family of its own errors (a domain that cannot know the rule's code, say) registers a
translator with :func:`register`, once, next to its composition root.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar


class CourtError(Exception):
    """Base of every expected refusal. ``code`` names the rule or the error kind; ``detail`` is Portuguese
    and fit for a problem's ``detail``; ``field`` names the input at fault; ``extra`` become extension
    members of the problem (``motivos``, ``dia``…)."""

    status: ClassVar[int] = 422
    default_code: ClassVar[str] = "VALIDACAO"
    retry_after: ClassVar[int | None] = None

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None, **extra: Any) -> None:
        self.code = code or self.default_code
        super().__init__(f"{self.code}: {detail}")
        self.detail = detail
        self.field = field
        self.extra = extra


class Refusal(CourtError):
    """A rule of the regulations refuses the act: ``Refusal("COOP-06", "…", field="horas")``."""

    def __init__(self, code: str, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail, code=code, field=field, **extra)


class Invalid(CourtError):
    """An input that is malformed or inconsistent with itself (not a rule of the regulations)."""


class NotFound(CourtError):
    status = 404
    default_code = "NAO_ENCONTRADO"


class Conflict(CourtError):
    status = 409
    default_code = "CONFLITO"


class Forbidden(CourtError):
    status = 403
    default_code = "PROIBIDO"


class Busy(CourtError):
    """Concurrent writes kept winning: nothing was written and the same request may be sent again."""

    status = 503
    default_code = "CONCORRENCIA"
    retry_after = 1


class WriteConflict(Exception):
    """An adapter's conditional write lost to a concurrent writer (a version or existence condition failed).
    Not a refusal: :func:`courtlib.retry.retry_on_conflict` reads and decides again; if it escapes, 409."""


Translator = Callable[[Exception], CourtError]
_translators: dict[type[Exception], Translator] = {}


def register(error_type: type[Exception], translator: Translator) -> None:
    """Maps a service's own exception type to a :class:`CourtError` (the most specific registered type
    wins, following the exception's MRO)."""
    _translators[error_type] = translator


def as_court_error(error: BaseException) -> CourtError | None:
    """``error`` as a :class:`CourtError`, or ``None`` when it is not an expected refusal."""
    if isinstance(error, CourtError):
        return error
    if isinstance(error, WriteConflict):
        return Conflict("O registro foi alterado por outra requisição ao mesmo tempo. Leia-o de novo e repita.")
    for kind in type(error).__mro__:
        translator = _translators.get(kind)
        if translator is not None:
            return translator(error)  # type: ignore[arg-type]
    return None
