"""Absences of members of the órgãos julgadores, as distribuicao-svc reports them (for PAG-03).

One item per absence, keyed by start day and magistrate (a corrected end replaces it), all in one partition
sorted by start day: ``pk = AUSENCIAS``, ``sk = <inicio>#<magistrado>``, so a month's absences are one Query
of the table (no index).
"""

from __future__ import annotations

from datetime import date

from chalicelib.pagamentos.domain.model import Absence
from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from courtlib import clock
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
        return self.item(absence, envelope.id)

    def item(self, absence: MagistrateAbsenceRegistered, event_id: str) -> AbsenceItem:
        return self._model(
            pk=ALL_ABSENCES, sk=f"{absence.inicio.isoformat()}#{absence.magistrado}",
            orgao=absence.orgao, magistrado=absence.magistrado, nome=absence.nome,
            inicio=absence.inicio.isoformat(), fim=absence.fim.isoformat() if absence.fim else None,
            motivo=absence.motivo, event_id=event_id, recorded_at=clock.now(),
        )

    def overlapping(self, start: date, end: date) -> list[AbsenceItem]:
        """Absences with a day in ``start..end`` (one Query on the start-day index, then the end filter)."""
        started = self._model.query(ALL_ABSENCES, self._model.sk <= f"{end.isoformat()}#\uffff")
        return [item for item in started if item.fim is None or item.fim >= start.isoformat()]

    def overlapping_absences(self, start: date, end: date) -> list[Absence]:
        """:meth:`overlapping` as the domain's absences."""
        return [Absence(item.magistrado, date.fromisoformat(item.inicio),
                        date.fromisoformat(item.fim) if item.fim else None, item.motivo)
                for item in self.overlapping(start, end)]
