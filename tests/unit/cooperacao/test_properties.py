"""Properties of the ponto rules (COOP-06, COOP-08) over random sequences of sessions (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.cooperacao.config import CooperacaoConfig
from chalicelib.cooperacao.domain.model import (
    Cooperation,
    Modality,
    Period,
    RuleError,
    Servant,
    Status,
    TimeRecord,
    WorkingHours,
)
from chalicelib.cooperacao.domain.rules import validate_record
from hypothesis import given, settings
from hypothesis import strategies as st

TZ = ZoneInfo("America/Sao_Paulo")
CONFIG = CooperacaoConfig()
COOP = Cooperation("c", "s", "H", "U", Modality.M4, Period(date(2026, 3, 1), date(2026, 3, 31)), status=Status.APROVADA)
SERVANT = Servant("s", "S", True, lotacao="H", hours=WorkingHours(time(12), time(19)))
NOW = datetime(2026, 4, 1, tzinfo=TZ)

sessions = st.lists(st.tuples(st.integers(1, 31), st.integers(0, 23 * 60), st.integers(1, 12 * 60)),
                    min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(sessions)
def test_coop_06_08_accepted_sessions_never_pass_40h_nor_overlap_nor_touch_the_expediente(items):
    accepted: list[TimeRecord] = []
    total = 0
    for day, start_minute, duration in items:
        start = datetime(2026, 3, day, tzinfo=TZ) + timedelta(minutes=start_minute)
        record = TimeRecord("s", "c", start, start + timedelta(minutes=duration))
        same_day = [r for r in accepted if r.day == record.day]
        try:
            left = validate_record(record, COOP, SERVANT, total, same_day, lambda d: d.weekday() < 5, NOW, CONFIG)
        except RuleError as error:
            if error.code == "COOP-06" and error.field == "fim":  # the cap: it really would not fit
                assert total + record.minutes > 2400 and error.extra["disponiveis_minutos"] == max(2400 - total, 0)
            continue
        accepted.append(record)
        total += record.minutes
        assert left == 2400 - total
    assert total <= 2400
    for i, a in enumerate(accepted):
        assert a.start.date() == a.end.date()
        if a.day.weekday() < 5:
            assert not (a.start.time() < time(19) and time(12) < a.end.time())
        for b in accepted[i + 1:]:
            assert not a.overlaps(b)
