"""CAL-01/03 tribunal calendar data in DynamoDB (moto): upsert, delete, Query per year (never Scan)."""

from __future__ import annotations

from datetime import date

import boto3
import pytest

from courtlib.calendar import CalendarEntry, CourtCalendar, EntryKind, OutsideCalendarError, Recesso
from courtlib.calendar.store import CalendarEntryItem, CalendarRepository, calendar_keys
from courtlib.config import load_tribunal_config

CUIABA = "5103403"
VARZEA_GRANDE = "5108402"
REGION = "sa-east-1"


@pytest.fixture
def table_settings(scratch_table):
    return scratch_table


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def repository(table_settings, clock):
    return CalendarRepository(table_settings, clock=clock)


@pytest.fixture
def dynamodb_calls(repository):
    """Operations the repository's own client sends; a Scan fails the test on the spot."""
    calls: list[str] = []
    client = repository._model._get_connection().connection.client

    def record(model, **_kwargs):
        calls.append(model.name)

    def refuse_scan(**_kwargs):
        pytest.fail("the calendar repository must Query, never Scan")

    client.meta.events.register("before-call.dynamodb.*", record)
    client.meta.events.register("before-call.dynamodb.Scan", refuse_scan)
    yield calls
    client.meta.events.unregister("before-call.dynamodb.*", record)
    client.meta.events.unregister("before-call.dynamodb.Scan", refuse_scan)


ENTRIES = (
    CalendarEntry(date(2026, 4, 8), EntryKind.FERIADO_MUNICIPAL, CUIABA, "Aniversário de Cuiabá",
                  decreed_on=date(2025, 11, 3)),
    CalendarEntry(date(2026, 6, 5), EntryKind.PONTO_FACULTATIVO, None, "após Corpus Christi",
                  decreed_on=date(2026, 5, 20)),
    CalendarEntry(date(2026, 7, 14), EntryKind.SEM_EXPEDIENTE, VARZEA_GRANDE, "falta de energia"),
    CalendarEntry(date(2027, 2, 8), EntryKind.PONTO_FACULTATIVO, None, "Carnaval", decreed_on=date(2027, 1, 4)),
)


def test_cal_01_entries_round_trip_through_the_table(repository, dynamodb_calls):
    for entry in ENTRIES:
        repository.put(entry)
    assert repository.entries_for_years([2026]) == list(ENTRIES[:3])
    assert repository.entries_for_years([2027, 2026]) == list(ENTRIES)
    assert "Query" in dynamodb_calls and "Scan" not in dynamodb_calls


def test_cal_01_items_have_the_documented_keys(repository, table_settings):
    repository.put(ENTRIES[0])
    raw = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=table_settings.table_name,
        Key={"pk": {"S": "CALENDARIO#2026"}, "sk": {"S": "2026-04-08#feriado_municipal#5103403"}},
    )["Item"]
    assert raw["description"] == {"S": "Aniversário de Cuiabá"}
    assert raw["decreed_on"] == {"S": "2025-11-03"}
    assert calendar_keys(date(2026, 6, 5), "ponto_facultativo", None) == (
        "CALENDARIO#2026", "2026-06-05#ponto_facultativo#*")


def test_cal_01_put_is_an_idempotent_upsert(repository, table_settings):
    repository.put(ENTRIES[0])
    repository.put(ENTRIES[0])
    corrected = CalendarEntry(date(2026, 4, 8), EntryKind.FERIADO_MUNICIPAL, CUIABA, "Aniversário de Cuiabá (lei 1)")
    repository.put(corrected)
    assert repository.entries_for_years([2026]) == [corrected]
    count = boto3.client("dynamodb", region_name=REGION).query(
        TableName=table_settings.table_name,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "CALENDARIO#2026"}},
    )["Count"]
    assert count == 1


def test_cal_01_delete_removes_only_that_entry(repository):
    for entry in ENTRIES:
        repository.put(entry)
    repository.delete(date(2026, 4, 8), EntryKind.FERIADO_MUNICIPAL, CUIABA)
    repository.delete(date(2026, 4, 8), EntryKind.FERIADO_MUNICIPAL, CUIABA)  # absent: no error
    assert repository.entries_for_years([2026]) == list(ENTRIES[1:3])


def test_cal_01_repository_calendar_answers_like_the_domain(repository, dynamodb_calls):
    for entry in ENTRIES:
        repository.put(entry)
    stored = repository.calendar([2026, 2027], uf="MT")
    domain = CourtCalendar(uf="MT", recesso=Recesso(), entries=ENTRIES)
    for day in (date(2026, 4, 8), date(2026, 6, 5), date(2026, 7, 14), date(2026, 11, 20), date(2026, 12, 21),
                date(2027, 2, 8), date(2027, 2, 9)):
        for place in (None, CUIABA, VARZEA_GRANDE):
            assert stored.is_dia_util(day, place) == domain.is_dia_util(day, place), (day, place)
            assert stored.reason_not_dia_util(day, place) == domain.reason_not_dia_util(day, place)
    assert not stored.is_dia_util(date(2026, 4, 8), CUIABA)
    assert stored.is_dia_util(date(2026, 6, 5), as_of=date(2026, 5, 1))  # CAL-03
    assert not stored.is_dia_util(date(2026, 6, 5))
    assert stored.dias_uteis_between(date(2026, 1, 1), date(2027, 12, 31), CUIABA) == (
        domain.dias_uteis_between(date(2026, 1, 1), date(2027, 12, 31), CUIABA))
    with pytest.raises(OutsideCalendarError):
        stored.is_dia_util(date(2028, 3, 1))
    assert "Scan" not in dynamodb_calls


def test_cal_01_calendar_for_a_tribunal_config(repository):
    repository.put(ENTRIES[0])
    config = load_tribunal_config("TRE-MT", '{"calendario": {"recesso": {"inicio": {"dia": 22}}}}')
    calendar = repository.calendar_for(config, [2026])
    assert calendar.is_dia_util(date(2026, 12, 21))
    assert not calendar.is_dia_util(date(2026, 4, 8), CUIABA)


def test_calendar_is_cached_for_the_ttl_and_refreshed_by_own_writes(repository, table_settings, clock,
                                                                     dynamodb_calls):
    repository.put(ENTRIES[0])
    repository.calendar([2026])
    repository.calendar([2026])
    assert dynamodb_calls.count("Query") == 1

    # An entry written by another container shows only after the TTL.
    other = CalendarRepository(table_settings)
    other.put(ENTRIES[1])
    assert repository.calendar([2026]).is_dia_util(date(2026, 6, 5))
    clock.now += 61
    assert not repository.calendar([2026]).is_dia_util(date(2026, 6, 5))
    assert dynamodb_calls.count("Query") == 2

    # Its own write is seen at once.
    repository.put(ENTRIES[2])
    assert not repository.calendar([2026]).is_dia_util(date(2026, 7, 14), VARZEA_GRANDE)


def test_the_scan_guard_can_fail(repository, dynamodb_calls):
    """The hook is live on the repository's client: a Scan through it fails the test."""
    with pytest.raises(pytest.fail.Exception, match="never Scan"):
        list(repository._model.scan())


def test_the_item_model_is_a_table_item():
    from courtlib.persistence import TableItem

    assert issubclass(CalendarEntryItem, TableItem)
