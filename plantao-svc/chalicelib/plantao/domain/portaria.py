"""Portarias (PLAN-04): series M (capital and 2nd degree) or MI (interior), numbered per series and year;
one for each approved scale and for each change (swap, impediment). The text for the DJe is built here
(pure); the PDF is rendered by the adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from courtlib.config import PlantaoConfig

from chalicelib.plantao.domain.scales import Kind, Month, Plantao

KIND_TITLES = {
    Kind.ESTADUAL: "Plantão Judiciário Estadual (1º grau, dias sem expediente, 11h às 18h)",
    Kind.MUNICIPAL: "Plantão Judiciário Municipal (feriados municipais do interior, 11h às 18h)",
    Kind.NOTURNO: "Plantão Judiciário Noturno do 1º grau (18h às 11h do dia seguinte)",
    Kind.SEGUNDO_GRAU: "Plantão Judiciário do 2º grau de jurisdição",
    Kind.ELEITORAL: "Plantão eleitoral (recesso forense e período eleitoral)",
}


def series_for(kind: Kind, config: PlantaoConfig) -> str:
    """PLAN-04: MI for the estadual (003 10.5.3: by regions, the capital included) and municipal scales of the
    interior; M for the night scale of the capital (10.10.3), the 2nd degree (10.7.3) and the electoral members."""
    if kind in (Kind.ESTADUAL, Kind.MUNICIPAL):
        return config.portaria_serie_interior
    return config.portaria_serie_capital


@dataclass(frozen=True)
class PortariaNumber:
    series: str
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"Portaria {self.series} nº {self.number}/{self.year}"

    @property
    def key(self) -> str:
        return f"{self.series}-{self.year}-{self.number:05d}"


def next_number(series: str, year: int, last: int | None) -> PortariaNumber:
    """The number after ``last`` in (series, year); numbering restarts at 1 each year."""
    return PortariaNumber(series, year, (last or 0) + 1)


def _br(value: datetime) -> str:
    return value.strftime("%d/%m/%Y %Hh%M").replace("h00", "h")


def portaria_text(number: PortariaNumber, *, tribunal: str, kind: Kind, month: Month, plantoes: Sequence[Plantao],
                  motivo: str, signed_by: str, issued_at: datetime, embargo_days: int = 5) -> str:
    """The portaria as plain text for the DJe (one line per designated shift, in day order)."""
    lines = [
        f"{tribunal} — {number.label}",
        "",
        f"O PRESIDENTE DO {tribunal}, no uso de suas atribuições, RESOLVE designar os magistrados abaixo para "
        f"o {KIND_TITLES[kind]}, mês {month.month:02d}/{month.year}, para conhecer das medidas de caráter urgente.",
        f"Motivo: {motivo}.",
        "",
    ]
    for p in sorted(plantoes, key=lambda x: (x.day, x.rotation)):
        juizo = f" — {p.juizo_nome}" if p.juizo_nome else ""
        lines.append(f"{p.day.strftime('%d/%m/%Y')} | {p.unit} | {_br(p.start)} a {_br(p.end)} | {p.nome}{juizo}")
    lines += ["", f"Divulgação ao público somente {embargo_days} dias antes de cada plantão (CNJ, Res. 152/2012).",
              f"Assinado por {signed_by} em {issued_at.strftime('%d/%m/%Y')}."]
    return "\n".join(lines) + "\n"
