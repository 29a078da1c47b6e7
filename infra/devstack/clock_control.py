"""The clock of the local stack over HTTP: what ``GET``/``POST /relogio`` accept and answer.

``{"agora": "2027-03-01T09:00:00-03:00"}`` sets the clock (nothing in between is fired: the
schedules resume from the new instant); ``{"avancar": "P1D"}`` advances it and fires, in order,
every schedule that came due (``devstack.events.Scheduler.advance``).

Durations are the ISO 8601 subset ``P[nY][nM][nW][nD][T[nH][nM][nS]]`` with whole numbers
(``P1M``, ``P1D``, ``PT6H``, ``P1DT12H``). It is parsed here with a regular expression rather than
with isodate, which is not among the installed packages; years and months are calendar steps in
the tribunal's time zone (``dateutil.relativedelta``: 31/01 + P1M = 28/02 or 29/02).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import Any

from dateutil.relativedelta import relativedelta

_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                       r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


class ClockRequestError(Exception):
    """A request the clock refuses: ``status`` (409 backwards, 422 unreadable), ``code``, ``field``, ``detail``."""

    def __init__(self, status: int, code: str, field: str | None, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.field, self.detail = status, code, field, detail

    def problem(self) -> dict[str, Any]:
        body = {"type": "about:blank", "title": "Relógio" if self.status == 409 else "Pedido inválido",
                "status": self.status, "code": self.code, "detail": self.detail}
        if self.field:
            body["field"] = self.field
        return body


def parse_duration(text: Any) -> relativedelta:
    """``"P1D"`` → relativedelta(days=1). A negative duration (``-P1D``) is a move backwards (409)."""
    if not isinstance(text, str):
        raise ClockRequestError(422, "RELOGIO_DURACAO_INVALIDA", "avancar",
                                "avancar deve ser uma duração ISO 8601 em texto, como \"P1D\" ou \"PT6H\".")
    text = text.strip().upper()
    if text.startswith("-"):
        raise ClockRequestError(409, "RELOGIO_NAO_VOLTA", "avancar",
                                f"O relógio não volta no tempo: a duração {text} é negativa.")
    match = _DURATION.match(text)
    if not match:
        raise ClockRequestError(422, "RELOGIO_DURACAO_INVALIDA", "avancar",
                                f"Duração {text!r} não reconhecida: use ISO 8601 com números inteiros, como P1D, "
                                "PT6H, P1M ou P1DT12H.")
    years, months, weeks, days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return relativedelta(years=years, months=months, weeks=weeks, days=days, hours=hours, minutes=minutes,
                         seconds=seconds)


def parse_moment(text: Any) -> datetime:
    """``"2027-03-01T09:00:00-03:00"`` → an aware datetime; a moment without zone is refused (422)."""
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ClockRequestError(422, "RELOGIO_DATA_INVALIDA", "agora",
                                "agora deve ser data e hora ISO 8601 com fuso, como \"2027-03-01T09:00:00-03:00\".")
    return moment.astimezone(UTC)


def step(duration: relativedelta, tz: tzinfo) -> Any:
    """The function ``now → now + duration``, with calendar steps taken in ``tz``."""
    def move(start: datetime) -> datetime:
        return (start.astimezone(tz) + duration).astimezone(UTC)
    return move


def clock_body(moment: datetime, tz: tzinfo, frozen: bool = False) -> dict[str, Any]:
    return {"agora": moment.astimezone(tz).isoformat(timespec="seconds"),
            "agora_utc": moment.astimezone(UTC).isoformat(timespec="seconds"),
            "hoje": moment.astimezone(tz).date().isoformat(), "congelado": frozen}
