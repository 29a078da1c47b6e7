"""Use cases of servants' cooperation (COOP-01..11) on in-memory fakes: requests, decisions, pontos, the monthly
close, with the retry on a concurrent write. The same behaviour over HTTP on moto is
tests/integration/test_cooperacao_http.py (and the threads of test_cooperacao_concurrency.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from chalicelib.cooperacao.domain.model import Modality, Period, Portaria, RuleError, Status, TimeRecord
from chalicelib.cooperacao.service import ATTEMPTS, EVENT_NAMESPACE, ApprovedImport, RequestCommand

from courtlib.errors import Busy, Conflict, CourtError, Forbidden, NotFound, Refusal
from tests.unit.cooperacao.world import (
    CGJ,
    MANAGER,
    MARCH,
    NOW,
    SERVANT_ANA,
    TZ,
    actor,
    m4,
    make_world,
)


@pytest.fixture
def world():
    return make_world()


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=TZ)


def refusal(error: pytest.ExceptionInfo[CourtError]) -> tuple[int, str, str | None]:
    return error.value.status, error.value.code, error.value.field


# --- COOP-01..05, 07, 09: requests ----------------------------------------------------------------------------


def test_coop_01_a_request_is_pending_answers_the_places_left_and_records_who_asked(world):
    coop, left = world.service.submit("ana", m4())
    assert coop.status is Status.PENDENTE and coop.servant == "ana" and coop.unit == "2VC" and left == 1
    stored, version = world.repo.cooperation(coop.id)
    assert stored == coop and version == 1
    [decision] = world.queries.decisions(coop.id)
    assert decision["acao"] == "requerimento" and decision["regra"] == "COOP-01" and decision["por"] == "ana"
    assert decision["em"] == NOW.isoformat()
    # the unit's and the servant's versions moved on with it, in the same transaction
    assert world.repo.unit_versions["2VC"] == 2 and world.repo.servant_versions["ana"] == 2


@pytest.mark.parametrize("servant,command,expected", [
    ("ana", m4(home="GAB"), (422, "COOP-01", "unidade_lotacao")),
    ("ana", RequestCommand("1VC", "2VC", Modality.M3, MARCH), (422, "COOP-01", "plano_trabalho")),
    ("ana", m4(unit="GAB"), (422, "COOP-02", "unidade")),
    ("bruno", m4(home="GAB", unit="GAB"), (422, "COOP-04", "unidade")),
    ("bruno", RequestCommand("GAB", "2VC", Modality.M3, MARCH, work_plan="plano"), (422, "COOP-03", "modalidade")),
    ("ana", m4(unit="VGR", presencial=True), (422, "COOP-05", "presencial")),
    ("ana", m4(presencial=True), (422, "COOP-05", "anuencias")),
    ("ana", m4(period=Period(date(2026, 3, 1), date(2026, 3, 31))), (422, "COOP-09", "inicio")),
    ("ana", m4(period=Period(date(2026, 3, 2), date(2027, 1, 31))), (422, "COOP-09", "fim")),
], ids=["coop_01_lotacao", "coop_01_plano", "coop_02_anexo", "coop_04_propria", "coop_03_elegibilidade",
        "coop_05_predio", "coop_05_anuencias", "coop_09_inicio", "coop_09_prazo_da_norma"])
def test_coop_01_to_09_a_refused_request_names_rule_and_field_and_writes_nothing(world, servant, command, expected):
    commits = world.repo.commits
    with pytest.raises(RuleError) as refused:
        world.service.submit(servant, command)
    assert refusal(refused) == expected
    assert world.repo.cooperations_by_id == {} and world.repo.commits == commits


def test_coop_02_the_unit_full_refuses_the_next_servant_with_no_places_left(world):
    world.service.submit("ana", m4(unit="VGR"))
    with pytest.raises(RuleError) as refused:
        world.service.submit("carla", m4(unit="VGR"))
    assert refusal(refused) == (422, "COOP-02", "unidade")
    assert refused.value.extra == {"restantes": 0, "competencia": "2026-03"}


def test_coop_07_a_second_request_in_the_same_unit_and_period_is_a_conflict(world):
    world.service.submit("ana", m4())
    with pytest.raises(RuleError) as refused:
        world.service.submit("ana", m4())
    assert refusal(refused) == (409, "COOP-07", "unidade") and isinstance(refused.value, Conflict)


def test_coop_01_unknown_servant_or_unit_is_not_found(world):
    with pytest.raises(NotFound) as missing:
        world.service.submit("zeca", m4())
    assert missing.value.field == "servidor" and "zeca" in missing.value.detail
    with pytest.raises(NotFound) as missing:
        world.service.submit("ana", m4(unit="NENHUMA"))
    assert missing.value.field == "unidade_cooperada"


def test_coop_02_retry_a_concurrent_request_takes_the_last_place_and_the_retry_refuses(world):
    """The unit's version read before deciding changed: nothing written, read again, COOP-02 now refuses."""
    world.repo.concurrently(lambda: world.service.submit("carla", m4(unit="VGR")))
    with pytest.raises(RuleError) as refused:
        world.service.submit("ana", m4(unit="VGR"))
    assert refusal(refused)[:2] == (422, "COOP-02")
    assert world.repo.conflicts == 1
    assert [c.servant for c, _ in world.repo.cooperations_by_id.values()] == ["carla"]


def test_retry_on_conflict_a_concurrent_change_that_leaves_room_is_retried_and_accepted(world):
    world.repo.concurrently(lambda: world.repo.put_unit(world.repo.unit("2VC")))
    coop, left = world.service.submit("ana", m4())
    assert world.repo.conflicts == 1 and left == 1
    assert [c.id for c, _ in world.repo.cooperations_by_id.values()] == [coop.id]


def test_retry_on_conflict_every_attempt_lost_is_busy_and_writes_nothing(world):
    world.repo.concurrently(lambda: world.repo.put_servant(world.repo.servant("ana")[0]), times=ATTEMPTS)
    with pytest.raises(Busy) as busy:
        world.service.submit("ana", m4())
    assert busy.value.status == 503 and busy.value.code == "CONCORRENCIA" and busy.value.retry_after == 1
    assert world.repo.conflicts == ATTEMPTS and world.repo.cooperations_by_id == {}


# --- COOP-10 decisions, extension and early end --------------------------------------------------------------


def test_coop_10_the_managers_deferral_fixes_the_goal_and_approves_m4(world):
    coop, _ = world.service.submit("ana", m4())
    new = world.service.decide(coop.id, MANAGER, True, "20 minutas/mês", None)
    assert new.status is Status.APROVADA and new.goal == "20 minutas/mês" and new.approved_on == NOW.date()
    assert world.repo.cooperation(coop.id) == (new, 2)
    assert [d["acao"] for d in world.queries.decisions(coop.id)] == ["requerimento", "deferimento"]


def test_coop_10_m3_goes_to_the_corregedoria_after_the_manager(world):
    world.service.put_portaria(Portaria("P-03", Modality.M3, MARCH, {"2VC": 1}))
    coop, _ = world.service.submit("ana", RequestCommand("1VC", "2VC", Modality.M3, MARCH, work_plan="plano"))
    middle = world.service.decide(coop.id, MANAGER, True, "meta", None)
    assert middle.status is Status.AGUARDANDO_CORREGEDORIA
    with pytest.raises(RuleError) as refused:
        world.service.decide(coop.id, MANAGER, True, "meta", None)
    assert refusal(refused) == (409, "COOP-10", "situacao")
    final = world.service.decide(coop.id, CGJ, True, None, None)
    assert final.status is Status.APROVADA
    assert world.queries.decisions(coop.id)[-1]["papel"] == "corregedoria"


def test_coop_10_a_corregedor_who_is_also_manager_decides_as_manager_first(world):
    both = actor("gestor.2vc", "gestor", "corregedoria")
    coop, _ = world.service.submit("ana", m4())
    world.service.decide(coop.id, both, True, "meta", None)
    assert world.queries.decisions(coop.id)[-1]["papel"] == "gestor"


@pytest.mark.parametrize("who,approve,goal,reason,expected", [
    (actor("gestor.gab", "gestor"), True, "meta", None, (403, "COOP-10", "unidade")),
    (MANAGER, True, None, None, (422, "COOP-10", "meta")),
    (MANAGER, False, None, None, (422, "COOP-10", "motivo")),
    (CGJ, True, None, None, (409, "COOP-10", "situacao")),
], ids=["not_the_manager", "no_goal", "no_reason", "cgj_before_manager"])
def test_coop_10_refused_decisions_write_nothing(world, who, approve, goal, reason, expected):
    coop, _ = world.service.submit("ana", m4())
    with pytest.raises(RuleError) as refused:
        world.service.decide(coop.id, who, approve, goal, reason)
    assert refusal(refused) == expected
    assert world.repo.cooperation(coop.id) == (coop, 1) and len(world.queries.decisions(coop.id)) == 1


def test_coop_10_retry_a_decision_raced_by_another_sees_it_and_is_a_conflict(world):
    coop, _ = world.service.submit("ana", m4())
    world.repo.concurrently(lambda: world.service.decide(coop.id, MANAGER, False, None, "sem vaga no plano"))
    with pytest.raises(RuleError) as refused:
        world.service.decide(coop.id, MANAGER, True, "meta", None)
    assert refusal(refused) == (409, "COOP-10", "situacao") and world.repo.conflicts == 1
    assert world.repo.cooperation(coop.id)[0].status is Status.INDEFERIDA


def test_coop_10_unknown_cooperation_is_not_found(world):
    with pytest.raises(NotFound) as missing:
        world.service.decide("nenhuma", MANAGER, True, "meta", None)
    assert missing.value.field == "id"


def test_coop_10_extension_and_early_end_by_the_manager(world):
    cid = world.approved()
    longer = world.service.extend(cid, MANAGER, date(2026, 4, 30), "mais prazo")
    assert longer.period.end == date(2026, 4, 30)
    shorter = world.service.end_early(cid, MANAGER, date(2026, 3, 20), None)
    assert shorter.period.end == date(2026, 3, 20)
    actions = [(d["acao"], d.get("fim_anterior"), d.get("fim")) for d in world.queries.decisions(cid)]
    assert actions[-2:] == [("prorrogacao", "2026-03-31", "2026-04-30"), ("termino", "2026-04-30", "2026-03-20")]
    assert world.repo.cooperation(cid) == (shorter, 4)


@pytest.mark.parametrize("use_case,new_end,who,expected", [
    ("extend", date(2026, 3, 20), MANAGER, (422, "COOP-10", "fim")),
    ("end_early", date(2026, 4, 20), MANAGER, (422, "COOP-10", "fim")),
    ("end_early", date(2026, 3, 20), actor("gestor.gab", "gestor"), (403, "COOP-10", "unidade")),
    ("extend", date(2027, 1, 31), MANAGER, (422, "COOP-09", "fim")),
], ids=["extension_earlier", "early_end_later", "not_the_manager", "beyond_the_norm"])
def test_coop_10_refused_changes_of_end_write_nothing(world, use_case, new_end, who, expected):
    cid = world.approved()
    before = world.repo.cooperation(cid)
    with pytest.raises(RuleError) as refused:
        getattr(world.service, use_case)(cid, who, new_end, None)
    assert refusal(refused) == expected and world.repo.cooperation(cid) == before


def test_coop_10_early_end_not_before_the_last_ponto(world):
    cid = world.approved()
    world.at(at("2026-03-10", 21))
    world.service.record_time(SERVANT_ANA, cid, at("2026-03-10", 19), at("2026-03-10", 20))
    with pytest.raises(RuleError) as refused:
        world.service.end_early(cid, MANAGER, date(2026, 3, 9), None)
    assert refusal(refused) == (422, "COOP-10", "fim") and "10/03/2026" in refused.value.detail


# --- COOP-06, COOP-08 ponto -------------------------------------------------------------------------------


def test_coop_06_08_records_exactly_40h_accepted_one_minute_more_refused(world):
    """The fakes' twin of test_cooperacao_http.py::test_coop_06_08_records_exactly_40h_accepted_one_minute_more_
    refused (same days, same answers) without HTTP or moto."""
    cid = world.approved()
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    # 8 Saturdays/Sundays of March × 5 h = 40 h: weekends have no expediente
    for day in ["2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15", "2026-03-21", "2026-03-22", "2026-03-28"]:
        record, total, left = world.service.record_time(SERVANT_ANA, cid, at(day, 8), at(day, 13))
    assert (total, left) == (2100, 300)
    with pytest.raises(RuleError) as over:
        world.service.record_time(SERVANT_ANA, cid, at("2026-03-29", 8), at("2026-03-29", 13, 1))
    assert refusal(over)[:2] == (422, "COOP-06") and over.value.extra == {"disponiveis_minutos": 300}
    assert "disponíveis 5h" in over.value.detail
    record, total, left = world.service.record_time(SERVANT_ANA, cid, at("2026-03-29", 8), at("2026-03-29", 13))
    assert (total, left, record.minutes) == (2400, 0, 300)
    with pytest.raises(RuleError) as one_more:
        world.service.record_time(SERVANT_ANA, cid, at("2026-03-29", 20), at("2026-03-29", 20, 1))
    assert one_more.value.extra == {"disponiveis_minutos": 0}
    # inside the expediente (Monday 12h–19h), overlapping, outside the period
    with pytest.raises(RuleError) as inside:
        world.service.record_time(SERVANT_ANA, cid, at("2026-03-02", 18), at("2026-03-02", 20))
    assert refusal(inside)[:2] == (422, "COOP-06")
    with pytest.raises(RuleError) as overlap:
        world.service.record_time(SERVANT_ANA, cid, at("2026-03-07", 12), at("2026-03-07", 14))
    assert refusal(overlap)[:2] == (409, "COOP-08")
    with pytest.raises(RuleError) as outside:
        world.service.record_time(SERVANT_ANA, cid, at("2026-04-01", 6), at("2026-04-01", 7))
    assert refusal(outside)[:2] == (422, "COOP-08")
    # a servant never records on another's
    with pytest.raises(Forbidden):
        world.service.record_time(actor("bruno", "servidor"), cid, at("2026-03-31", 20), at("2026-03-31", 21))
    sheet = world.queries.month_sheet("ana", "2026-03")
    assert (sheet.minutes, sheet.available, len(sheet.records)) == (2400, 0, 8)
    assert [r.start for r in sheet.records] == sorted(r.start for r in sheet.records)


def test_coop_06_a_holiday_of_the_unit_has_no_expediente(world):
    """CAL-01 through the calendar port: on a holiday the servant's normal hours are free for cooperation."""
    cid = world.approved()
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    with pytest.raises(RuleError):
        world.service.record_time(SERVANT_ANA, cid, at("2026-03-10", 13), at("2026-03-10", 15))
    world.calendar.holidays.add((date(2026, 3, 10), None))
    record, total, _ = world.service.record_time(SERVANT_ANA, cid, at("2026-03-10", 13), at("2026-03-10", 15))
    assert record.minutes == 120 and total == 120


def test_coop_06_retry_a_concurrent_record_takes_the_hours_left_and_the_retry_refuses(world):
    cid = world.approved()
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    for day in ["2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15", "2026-03-21", "2026-03-22", "2026-03-28"]:
        world.service.record_time(SERVANT_ANA, cid, at(day, 8), at(day, 13))
    world.repo.concurrently(
        lambda: world.service.record_time(SERVANT_ANA, cid, at("2026-03-29", 8), at("2026-03-29", 13)))
    with pytest.raises(RuleError) as refused:
        world.service.record_time(SERVANT_ANA, cid, at("2026-03-29", 14), at("2026-03-29", 15))
    assert refusal(refused)[:2] == (422, "COOP-06") and refused.value.extra == {"disponiveis_minutos": 0}
    assert world.repo.conflicts == 1 and world.service.month_records("ana", "2026-03")[0] == 2400


def test_coop_08_retry_the_same_session_recorded_twice_at_once_keeps_one(world):
    cid = world.approved()
    world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
    session = (at("2026-03-07", 9), at("2026-03-07", 10))
    world.repo.concurrently(lambda: world.service.record_time(SERVANT_ANA, cid, *session))
    with pytest.raises(RuleError) as refused:
        world.service.record_time(SERVANT_ANA, cid, *session)
    assert refusal(refused)[:2] == (409, "COOP-08")
    assert world.service.month_records("ana", "2026-03") == (60, [TimeRecord("ana", cid, *session)])


def test_coop_08_ponto_on_an_unknown_cooperation_is_not_found(world):
    with pytest.raises(NotFound) as missing:
        world.service.record_time(SERVANT_ANA, "nenhuma", at("2026-03-07", 9), at("2026-03-07", 10))
    assert missing.value.field == "cooperacao"


# --- COOP-11 monthly close -----------------------------------------------------------------------------------


def _with_hours(world, servants: dict[str, int]) -> None:
    """Approved M4 cooperations and ``minutes`` of pontos on Saturday 07/03 for each servant."""
    units = iter(["2VC", "2VC", "VGR"] * 3)
    for servant, minutes in servants.items():
        world.at(datetime(2026, 3, 2, 20, 0, tzinfo=TZ))
        unit = next(units)
        cid = world.approved(servant, m4(unit=unit), manager=f"gestor.{unit.lower()}")
        world.at(datetime(2026, 4, 1, 9, 0, tzinfo=TZ))
        start = at("2026-03-07", 8)
        world.service.record_time(actor(servant, "servidor"), cid, start, start + timedelta(minutes=minutes))


def test_coop_11_only_an_ended_month_closes_and_the_default_is_the_previous_one(world):
    with pytest.raises(Refusal) as refused:
        world.service.close_ended_month("2026-03", "c", "dimag")
    assert refusal(refused) == (422, "COOP-11", "competencia") and "2026-03" in refused.value.detail
    assert world.repo.close_markers == {}
    assert world.service.close_ended_month(None, "c", "dimag").month == "2026-02"


def test_coop_11_close_publishes_once_per_servant_and_a_late_record_becomes_an_ajuste(world):
    _with_hours(world, {"ana": 125, "carla": 60, "davi": 90})
    first = world.service.close_ended_month("2026-03", "c1", "dimag")
    assert (first.servants, first.published, first.adjustments, first.batches) == (3, 3, 0, 1)
    by_servant = {e.data["servidor"]: e for e in world.repo.events}
    ana = by_servant["ana"]
    assert ana.id == str(uuid.uuid5(EVENT_NAMESPACE, "ana:2026-03:r1"))
    assert ana.type.endswith("cooperacao.gratificacao-apurada.v1")
    assert (ana.data["minutos"], Decimal(str(ana.data["valor"]))) == (125, Decimal("93.75"))
    assert ana.data["nome"] == "Ana Servidora" and ana.data["natureza"] == "apuracao"
    again = world.service.close_month("2026-03", "c2", "agendamento")
    assert again.published == 0 and len(world.repo.events) == 3
    # a record made after the close is published as an ajuste (revision 2, the difference)
    cid = next(c.id for c, _ in world.repo.cooperations_by_id.values() if c.servant == "ana")
    world.service.record_time(SERVANT_ANA, cid, at("2026-03-08", 8), at("2026-03-08", 9))
    late = world.service.close_month("2026-03", "c3", "dimag")
    assert (late.published, late.adjustments) == (1, 1)
    adjustment = world.repo.events[-1].data
    assert (adjustment["natureza"], adjustment["revisao"], adjustment["minutos"]) == ("ajuste", 2, 60)
    marker = world.repo.close_marker("2026-03")
    assert marker is not None
    # the repeated run that published nothing was no act: it left neither the marker nor an audit record
    assert marker["execucoes"] == 2 and marker["publicados_total"] == 4 and marker["por"] == "dimag"
    closes = [a for a in world.repo.audits if a.act == "COOP.FECHAMENTO.APURAR"]
    assert [(a.target, a.rules) for a in closes] == [(("fechamento", "2026-03"), ("COOP-11", "COOP-06"))] * 2
    assert closes[0].before is None and closes[0].after["publicados"] == 3 and closes[0].after["execucoes"] == 1
    assert closes[1].before["publicados_total"] == 3 and closes[1].after == {
        "execucoes": 2, "servidores": 3, "publicados": 1, "ajustes": 1, "publicados_total": 4, "lotes": 1,
        "lotes_refeitos": 0}


def test_coop_11_close_in_batches_of_the_configured_size():
    world = make_world(fechamento_lote=2)
    _with_hours(world, {"ana": 60, "carla": 60, "davi": 60})
    result = world.service.close_month("2026-03", "c", "dimag")
    assert (result.published, result.batches) == (3, 2) and len(world.repo.events) == 3


def test_coop_11_retry_a_concurrent_close_publishes_each_servant_once(world):
    """The batch's condition fails (another close published one of them): redone one servant at a time."""
    _with_hours(world, {"ana": 60, "carla": 60, "davi": 60})
    world.repo.concurrently(lambda: world.service.close_month("2026-03", "outro", "agendamento"))
    result = world.service.close_month("2026-03", "c", "dimag")
    assert result.retried == 1 and result.published == 0
    assert sorted(e.data["servidor"] for e in world.repo.events) == ["ana", "carla", "davi"]


def test_coop_11_no_close_yet_is_not_found(world):
    with pytest.raises(NotFound) as missing:
        world.queries.close("2026-01")
    assert missing.value.field == "competencia"


# --- COOP-10 import of cooperations deferred before ------------------------------------------------------------


def test_coop_10_import_brings_approved_cooperations_judged_as_of_their_start(world):
    world.at(datetime(2026, 3, 20, 20, 0, tzinfo=TZ))
    item = ApprovedImport("ana", m4(), "30 minutas", date(2026, 3, 1))
    [(coop, left)] = world.service.import_cooperations([item], "admin.ti")
    assert coop.status is Status.APROVADA and coop.goal == "30 minutas" and coop.approved_on == date(2026, 3, 1)
    assert coop.period.start == date(2026, 3, 2) and left == 1
    [decision] = world.queries.decisions(coop.id)
    assert (decision["acao"], decision["por"], decision["regra"]) == ("importacao", "admin.ti", "COOP-10")


def test_coop_10_import_stops_at_the_first_refusal_naming_it_and_what_came_in(world):
    items = [ApprovedImport("ana", m4(), "meta", date(2026, 3, 1)),
             ApprovedImport("carla", m4(home="GAB"), "meta", date(2026, 3, 1)),
             ApprovedImport("davi", m4(), "meta", date(2026, 3, 1))]
    with pytest.raises(CourtError) as refused:
        world.service.import_cooperations(items, "admin.ti")
    first = next(iter(world.repo.cooperations_by_id))
    assert refusal(refused) == (422, "COOP-01", "cooperacoes.1.unidade_lotacao")
    assert refused.value.extra["importadas"] == [first] and len(world.repo.cooperations_by_id) == 1


@pytest.mark.parametrize("goal,decided_on,field", [(" ", date(2026, 3, 1), "meta"),
                                                   ("meta", date(2026, 3, 3), "deferido_em")])
def test_coop_10_import_needs_a_goal_and_a_past_deferral(world, goal, decided_on, field):
    with pytest.raises(RuleError) as refused:
        world.service.import_cooperations([ApprovedImport("ana", m4(), goal, decided_on)], "admin.ti")
    assert refusal(refused) == (422, "COOP-10", f"cooperacoes.0.{field}")
    assert refused.value.extra == {"importadas": []}
