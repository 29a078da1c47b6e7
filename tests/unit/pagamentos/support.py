"""Shared builders for the pagamentos rule tests: a pay table with round numbers, the TRE-MT calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chalicelib.pagamentos.domain.model import Month, MonthData, Person
from chalicelib.pagamentos.domain.rules import Rules

from courtlib.calendar import CalendarEntry, CourtCalendar, EntryKind
from courtlib.config import TribunalConfig

CUIABA, VARZEA, CHAPADA = "5103403", "5108402", "5103007"
MARCH = Month(2027, 3)  # 1/3 is a Monday; 26/3 is Good Friday (Easter 28/3/2027)

TABLE = {
    "vigencia": "2020-01-01",
    "subsidios": {"desembargador": "30000.00", "juiz:especial": "27000.00", "juiz:final": "24000.00",
                  "juiz:inicial": "21000.00", "juiz_substituto": "18000.00"},
    "diarias": {"desembargador": "600.00", "juiz": "500.00"},
    "gratificacao_sessao": "800.00",
    "valor_hora_cooperacao": "45.00",
    "funcoes": {"direcao_foro": "3000.00"},
}


def config(**pagamentos) -> TribunalConfig:
    base = TribunalConfig().model_dump()
    base["pagamentos"].update({"tabelas": [TABLE]}, **pagamentos)
    return TribunalConfig.model_validate(base)


CAL = CourtCalendar(uf="MT", entries=[CalendarEntry(date(2027, 4, 8), EntryKind.FERIADO_MUNICIPAL, CUIABA,
                                                    "Aniversário de Cuiabá")])


def dia_util(day: date, municipio: str | None) -> bool:
    return CAL.is_dia_util(day, municipio)


PEOPLE = [
    Person("jz.alves", "Juiz André Alves", "magistrado", "juiz", "especial", "1VC-CBA", CUIABA),
    Person("jz.barros", "Juíza Beatriz Barros", "magistrado", "juiz", "especial", "2VC-CBA", CUIABA),
    Person("jz.campos", "Juiz Caio Campos", "magistrado", "juiz", "especial", "1VCR-CBA", CUIABA),
    Person("jz.esteves", "Juiz Eduardo Esteves", "magistrado", "juiz", "final", "1V-VGR", VARZEA),
    Person("jz.gomes", "Juiz Gustavo Gomes", "magistrado", "juiz", "inicial", "VU-CHA", CHAPADA),
    Person("servidor.ana", "Ana Servidora", "servidor", "servidor", None, "1VC-CBA", CUIABA),
    Person("des.presidente", "Des. Presidente", "magistrado", "desembargador", funcao_tre="presidente"),
    Person("des.corregedora", "Des.ª Corregedora", "magistrado", "desembargador", funcao_tre="corregedor"),
    Person("jd.paulo", "Juiz Paulo", "magistrado", "membro", funcao_tre="membro"),
    Person("jf.ricardo", "Juiz Federal Ricardo", "magistrado", "membro", funcao_tre="membro"),
    Person("jur.helena", "Jurista Helena", "magistrado", "membro", funcao_tre="membro"),
    Person("jur.otavio", "Jurista Otávio", "magistrado", "membro", funcao_tre="membro"),
]


def month_data(month: Month = MARCH, people=PEOPLE, **facts) -> MonthData:
    return MonthData(month=month, people={p.id: p for p in people}, **facts)


def make_rules(**pagamentos) -> Rules:
    return Rules(config(**pagamentos), dia_util)


def amounts(lines) -> dict[str, Decimal]:
    return {line.key: line.amount for line in lines}
