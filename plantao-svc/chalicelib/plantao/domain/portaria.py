"""Portarias (PLAN-04): series M (capital and 2nd degree) or MI (interior), numbered per series and year;
one for each approved scale and for each change (swap, impediment). The text for the DJe is built here
(pure); the PDF is rendered by the adapter from the same :class:`Portaria`: a table (date, hours,
comarca or region, magistrate, juízo), the place and date in full, and the President's name and title
from the tribunal's configuration. A change (swap, impediment) cites the portaria it changes by its
number; no internal id is printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.plantao.config import PlantaoConfig
from chalicelib.plantao.domain.scales import Kind, Month, Plantao

from courtlib.ptbr import MESES, place_and_date

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


@dataclass(frozen=True)
class Signatory:
    """Who signs, as printed (the presidency's configured name and title, never a login)."""

    nome: str
    cargo: str


@dataclass(frozen=True)
class PortariaRow:
    """One designation as the portaria prints it: every column is text for the reader."""

    data: str  # "01/02/2027"
    horario: str  # "11h às 18h" / "18h às 11h de 02/02"
    local: str  # region, comarca or "2º grau"
    magistrado: str
    juizo: str  # "—" when the shift has no juízo


@dataclass(frozen=True)
class Portaria:
    """A portaria of plantão (PLAN-04): what the DJe text and the PDF both show."""

    number: PortariaNumber
    tribunal: str  # the tribunal's name as printed
    kind: Kind
    month: Month
    motivo: str
    rows: tuple[PortariaRow, ...]
    signatory: Signatory
    place: str  # the seat's city: "Cuiabá"
    issued_on: date
    altera: str | None = None  # label of the portaria this one changes ("Portaria MI nº 7/2027")
    embargo_days: int = 5

    @property
    def title(self) -> str:
        return self.number.label.upper()

    @property
    def preamble(self) -> str:
        return (f"A PRESIDÊNCIA DO {self.tribunal.upper()}, no uso de suas atribuições legais e regimentais, "
                "RESOLVE:")

    @property
    def articles(self) -> tuple[str, ...]:
        month = f"{MESES[self.month.month - 1]} de {self.month.year}"
        if self.altera:
            first = (f"Art. 1º Alterar a {self.altera}, que designou magistrados para o {KIND_TITLES[self.kind]}, "
                     f"mês de {month}, em razão de {self.motivo}, passando os plantões abaixo a ter a seguinte "
                     "designação:")
        else:
            first = (f"Art. 1º Designar os magistrados relacionados abaixo para o {KIND_TITLES[self.kind]}, mês de "
                     f"{month}, para conhecer das medidas de caráter urgente:")
        return (first,
                f"Art. 2º Os nomes dos magistrados de plantão são divulgados ao público somente {self.embargo_days} "
                "dias antes de cada plantão (CNJ, Res. 152/2012).",
                "Art. 3º Esta portaria entra em vigor na data de sua publicação.")

    @property
    def place_and_date(self) -> str:
        return place_and_date(self.place, self.issued_on) + "."


COLUMNS = ("Data", "Horário", "Comarca/Região", "Magistrado(a)", "Juízo")


def _hour(value: datetime) -> str:
    return f"{value.hour}h" + (f"{value.minute:02d}" if value.minute else "")


def _hours(p: Plantao) -> str:
    if p.end.date() == p.start.date():
        return f"{_hour(p.start)} às {_hour(p.end)}"
    return f"{_hour(p.start)} às {_hour(p.end)} de {p.end.strftime('%d/%m')}"


def row_of(p: Plantao) -> PortariaRow:
    return PortariaRow(p.day.strftime("%d/%m/%Y"), _hours(p), p.unit, p.nome, p.juizo_nome or "—")


def build_portaria(number: PortariaNumber, *, tribunal: str, kind: Kind, month: Month, plantoes: Sequence[Plantao],
                   motivo: str, signatory: Signatory, place: str, issued_at: datetime, altera: str | None = None,
                   embargo_days: int = 5) -> Portaria:
    """The portaria of ``plantoes`` (in day order); ``altera``: the portaria a swap or impediment changes."""
    rows = tuple(row_of(p) for p in sorted(plantoes, key=lambda x: (x.day, x.rotation)))
    return Portaria(number, tribunal, kind, month, motivo, rows, signatory, place, issued_at.date(), altera,
                    embargo_days)


def portaria_text(portaria: Portaria) -> str:
    """The portaria as plain text for the DJe: one line per designation, columns separated by " | "."""
    lines = [portaria.title, "", portaria.preamble, "", portaria.articles[0], "", " | ".join(COLUMNS)]
    lines += [" | ".join((r.data, r.horario, r.local, r.magistrado, r.juizo)) for r in portaria.rows]
    lines += ["", *portaria.articles[1:], "", portaria.place_and_date, "", portaria.signatory.nome,
              portaria.signatory.cargo]
    return "\n".join(lines) + "\n"


def changed_portaria(portarias: Sequence[Mapping[str, Any]], plantao_ids: Iterable[str]) -> str | None:
    """The label of the latest portaria that designated any of ``plantao_ids`` (what a swap changes), else the
    scale's first portaria; ``None`` when the scale has none."""
    wanted = set(plantao_ids)
    for record in reversed(portarias):
        if wanted & set(record.get("plantoes", ())):
            return str(record["numero"])
    return str(portarias[0]["numero"]) if portarias else None


# The portaria's document (PLAN-04) is produced after the commit by the service's own consumer: its record says
# whether the text and the PDF are stored yet.
DOCUMENTO_PENDENTE, DOCUMENTO_PRONTO = "pendente", "pronto"
# What the scale keeps of each of its portarias (the whole content stays in the portaria's own record).
SUMMARY_KEYS = ("numero", "serie", "ano", "n", "escala", "motivo", "texto", "pdf", "emitida_em", "assinada_por",
                "plantoes", "documento")


def summary_of(record: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a portaria's record that its scale lists (no content, no recipients)."""
    return {k: record[k] for k in SUMMARY_KEYS if k in record}


def document_state(record: Mapping[str, Any]) -> str:
    """``pendente`` until the consumer stored the text and PDF; a record from before the consumer existed was
    stored at approval: ``pronto``."""
    return str(record.get("documento") or DOCUMENTO_PRONTO)


def portaria_to_dict(portaria: Portaria) -> dict[str, Any]:
    """The portaria as JSON-able data, kept in its record at the commit so that the consumer renders exactly what
    was decided, whatever changes the scale later."""
    return {"serie": portaria.number.series, "ano": portaria.number.year, "n": portaria.number.number,
            "tribunal": portaria.tribunal, "tipo": portaria.kind.value, "mes": str(portaria.month),
            "motivo": portaria.motivo,
            "linhas": [[r.data, r.horario, r.local, r.magistrado, r.juizo] for r in portaria.rows],
            "assinatura": [portaria.signatory.nome, portaria.signatory.cargo], "local": portaria.place,
            "emitida_em": portaria.issued_on.isoformat(), "altera": portaria.altera,
            "embargo_dias": portaria.embargo_days}


def portaria_from_dict(data: Mapping[str, Any]) -> Portaria:
    return Portaria(PortariaNumber(data["serie"], int(data["ano"]), int(data["n"])), data["tribunal"],
                    Kind(data["tipo"]), Month.parse(data["mes"]), data["motivo"],
                    tuple(PortariaRow(*row) for row in data["linhas"]), Signatory(*data["assinatura"]),
                    data["local"], date.fromisoformat(data["emitida_em"]), data.get("altera"),
                    int(data["embargo_dias"]))


def notice_lines(plantoes: Sequence[Plantao], magistrates: Iterable[str]) -> dict[str, list[str]]:
    """Per magistrate to notify, the lines of their own shifts in this portaria (none: they left those shifts)."""
    lines: dict[str, list[str]] = {m: [] for m in magistrates}
    for p in sorted(plantoes, key=lambda x: (x.day, x.rotation)):
        if p.magistrado in lines:
            lines[p.magistrado].append(f"- {p.day.strftime('%d/%m/%Y')} {p.unit}: {p.start:%d/%m %Hh} a "
                                       f"{p.end:%d/%m %Hh}" + (f" ({p.juizo_nome})" if p.juizo_nome else ""))
    return lines


def notice_body(numero: str, motivo: str, lines: Sequence[str], embargo_days: int) -> str:
    """The e-mail to one designated magistrate (PLAN-04), with their shifts and the embargo (PLAN-03)."""
    return (f"Foi publicada a {numero} ({motivo}).\n"
            + ("Seus plantões:\n" + "\n".join(lines) + "\n" if lines else
               "Você deixou de estar designado nos plantões alterados por esta portaria.\n")
            + f"\nA escala só é divulgada ao público {embargo_days} dias antes de cada plantão "
              "(CNJ, Res. 152/2012).")


def notice_subject(numero: str, kind: Kind, month: Month) -> str:
    return f"{numero} — plantão {kind.value} {month}"


DOCUMENT_KEY_PREFIX = "plantao/portarias"


def portaria_keys(series: str, year: int, number: int) -> tuple[str, str]:
    """The names under which a portaria's text and PDF are kept (derived from its number, so storing it again
    overwrites it with the same bytes): ``plantao/portarias/<série>/<ano>/<nnnnn>.txt`` and ``.pdf``."""
    base = f"{DOCUMENT_KEY_PREFIX}/{series}/{year}/{number:05d}"
    return f"{base}.txt", f"{base}.pdf"
