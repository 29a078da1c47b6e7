"""Absences of members of the órgãos julgadores, as distribuicao-svc reports them (for PAG-03).

One item per absence, keyed by magistrate and start day (a corrected end replaces it):
``pk = AUSENCIA#<magistrado>``, ``sk = <inicio>``; ``gsi1`` = ``AUSENCIAS`` / ``<inicio>#<magistrado>``
lists every absence by start day, so a month's absences are one Query.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from courtlib.messaging.contracts import Envelope, MagistrateAbsenceRegistered
from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

ALL_ABSENCES = "AUSENCIAS"


class AbsenceItem(TableItem):
    orgao = UnicodeAttribute()
    magistrado = UnicodeAttribute()
    nome = UnicodeAttribute()
    inicio = UnicodeAttribute()  # ISO date
    fim = UnicodeAttribute(null=True)  # ISO date; absent = until further notice
    motivo = UnicodeAttribute()
    event_id = UnicodeAttribute()
    recorded_at = UTCDateTimeAttribute()


class AbsenceRepository:
    def __init__(self, settings: ServiceSettings) -> None:
        self._model = bind(AbsenceItem, settings)

    def item_for(self, absence: MagistrateAbsenceRegistered, envelope: Envelope) -> AbsenceItem:
        return self._model(
            pk=f"AUSENCIA#{absence.magistrado}", sk=absence.inicio.isoformat(),
            gsi1pk=ALL_ABSENCES, gsi1sk=f"{absence.inicio.isoformat()}#{absence.magistrado}",
            orgao=absence.orgao, magistrado=absence.magistrado, nome=absence.nome,
            inicio=absence.inicio.isoformat(), fim=absence.fim.isoformat() if absence.fim else None,
            motivo=absence.motivo, event_id=envelope.id, recorded_at=datetime.now(timezone.utc),
        )

    def overlapping(self, start: date, end: date) -> list[AbsenceItem]:
        """Absences with a day in ``start..end`` (one Query on the start-day index, then the end filter)."""
        started = self._model.by_gsi1.query(ALL_ABSENCES, self._model.gsi1sk <= f"{end.isoformat()}#\uffff")
        return [item for item in started if item.fim is None or item.fim >= start.isoformat()]
