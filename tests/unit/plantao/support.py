"""Reference data of the unit tests: the shared demo judges (TRE-MT demo) and a small calendar."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from chalicelib.plantao.config import PlantaoConfig
from chalicelib.plantao.domain.reference import (
    Comarca,
    ElectoralPeriod,
    Juizo,
    Magistrate,
    NightGroup,
    ReferenceData,
    Region,
    Zone,
)

from courtlib.calendar import CalendarEntry, CourtCalendar, EntryKind

TZ = ZoneInfo("America/Sao_Paulo")
CUIABA, VARZEA, CHAPADA = "5103403", "5108402", "5103007"
CONFIG = PlantaoConfig()

JUDGES = [  # id, name, seniority, juízo
    ("jz.alves", "Juiz André Alves", 10, "1VC-CBA"),
    ("jz.barros", "Juíza Beatriz Barros", 11, "2VC-CBA"),
    ("jz.campos", "Juiz Caio Campos", 12, "1VCR-CBA"),
    ("jz.duarte", "Juíza Daniela Duarte", 13, "2VCR-CBA"),
    ("jz.esteves", "Juiz Eduardo Esteves", 14, "1V-VGR"),
    ("jz.farias", "Juíza Fernanda Farias", 15, "2V-VGR"),
    ("jz.gomes", "Juiz Gustavo Gomes", 16, "VU-CHA"),
]
DESEMBARGADORES = [  # id, name, seniority, administration, school director
    ("des.presidente", "Des. Presidente Carlos Almeida", 1, True, False),
    ("des.corregedora", "Des.ª Corregedora Lúcia Ferraz", 2, True, False),
    ("jd.paulo", "Juiz Paulo Henrique Costa", 3, False, False),
    ("jd.marina", "Juíza Marina Duarte", 4, False, False),
    ("jf.ricardo", "Juiz Federal Ricardo Tavares", 5, False, True),
    ("jur.helena", "Jurista Helena Prado", 6, False, False),
    ("jur.otavio", "Jurista Otávio Nunes", 7, False, False),
]


def reference(**changes) -> ReferenceData:
    magistrates = [Magistrate(i, n, s, juizo=j) for i, n, s, j in JUDGES]
    magistrates += [Magistrate(i, n, s, desembargador=True, orgao="PLENO", administracao=a, diretor_escola=d)
                    for i, n, s, a, d in DESEMBARGADORES]
    data = dict(
        regions=(Region("R1", "1ª Região (Capital)", 1), Region("R2", "2ª Região", 2)),
        comarcas=(Comarca("CBA", "Cuiabá", CUIABA, "R1", 1, "especial"),
                  Comarca("VGR", "Várzea Grande", VARZEA, "R2", 1, "final"),
                  Comarca("CHA", "Chapada dos Guimarães", CHAPADA, "R2", 2, "inicial", vara_tabelar="1V-VGR")),
        juizos=(Juizo("1VC-CBA", "1ª Vara Cível de Cuiabá", "CBA", 1, "jz.alves"),
                Juizo("2VC-CBA", "2ª Vara Cível de Cuiabá", "CBA", 2, "jz.barros"),
                Juizo("1VCR-CBA", "1ª Vara Criminal de Cuiabá", "CBA", 3, "jz.campos"),
                Juizo("2VCR-CBA", "2ª Vara Criminal de Cuiabá", "CBA", 4, "jz.duarte"),
                Juizo("1V-VGR", "1ª Vara de Várzea Grande", "VGR", 1, "jz.esteves"),
                Juizo("2V-VGR", "2ª Vara de Várzea Grande", "VGR", 2, "jz.farias"),
                Juizo("VU-CHA", "Vara Única de Chapada dos Guimarães", "CHA", 1, "jz.gomes")),
        magistrates=tuple(magistrates),
        zones=(Zone("ZE1", CUIABA, 1, "jz.alves"), Zone("ZE39", CUIABA, 39, "jz.barros"),
               Zone("ZE37", CUIABA, 37, "jz.campos")),
        electoral_periods=(ElectoralPeriod(date(2026, 8, 16), date(2026, 10, 31)),),
        night_groups=tuple(NightGroup(y, q, ("jz.alves", "jz.barros", "jz.campos", "jz.duarte"))
                           for y in (2026, 2027, 2028) for q in (1, 2, 3)),
    )
    data.update(changes)
    return ReferenceData(**data)


ENTRIES = [
    CalendarEntry(
        date(2027, 2, 10), EntryKind.FERIADO_MUNICIPAL, VARZEA, "Feriado de teste (quarta)", date(2026, 1, 1)
    ),
    CalendarEntry(date(2027, 2, 13), EntryKind.FERIADO_MUNICIPAL, VARZEA, "Feriado num sábado", date(2026, 1, 1)),
    CalendarEntry(date(2027, 2, 17), EntryKind.FERIADO_MUNICIPAL, CHAPADA, "Feriado de Chapada", date(2026, 1, 1)),
    CalendarEntry(date(2027, 2, 24), EntryKind.FERIADO_MUNICIPAL, CUIABA, "Feriado da capital", date(2026, 1, 1)),
]


def calendar(entries=ENTRIES) -> CourtCalendar:
    return CourtCalendar(uf="MT", entries=entries)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
