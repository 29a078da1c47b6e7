"""Domain rules of servants' cooperation (COOP-01..11), with the boundary cases of issue 6.

Demo-like world: TRE-MT, today 2026-03-02 (Monday), norm's final date 2026-12-31 (configuration).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from chalicelib.cooperacao.config import CooperacaoConfig
from chalicelib.cooperacao.domain.model import (
    CommissionedPost,
    Consents,
    Cooperation,
    Designation,
    Leave,
    LeaveKind,
    Modality,
    Period,
    Portaria,
    RuleError,
    Servant,
    Status,
    TimeRecord,
    Unit,
    UnitContext,
    UnitKind,
    WorkingHours,
)
from chalicelib.cooperacao.domain.rules import (
    RequestInput,
    assess,
    bonus_value,
    change_end,
    check_eligibility,
    check_portaria_quota,
    decide,
    previous_month,
    remaining_quota,
    validate_record,
    validate_request,
)

TZ = ZoneInfo("America/Sao_Paulo")
TODAY = date(2026, 3, 2)
FINAL = date(2026, 12, 31)
CONFIG = CooperacaoConfig(data_final_norma=FINAL)
ANA = Servant("servidor.ana", "Ana", efetivo=True, law_degree=True, lotacao="1VC-CBA",
              hours=WorkingHours(time(12), time(19)))
BRUNO = Servant("servidor.bruno", "Bruno", efetivo=True, post=CommissionedPost.ASSESSOR_GABINETE, lotacao="GAB-C3")
CARTORIO = Unit("2VC-CBA", "2ª Vara Cível", UnitKind.CARTORIO, "FORUM-CBA", "gestor.vara2")
GABINETE = Unit("GAB-C3", "Gabinete C3", UnitKind.GABINETE, "SEDE", "gestor.gab3")
OTHER = Unit("CONTADORIA", "Contadoria", UnitKind.OUTRA, "FORUM-CBA", "gestor.cont")
MARCH = Period(date(2026, 3, 2), date(2026, 3, 31))


def ctx(unit: Unit = CARTORIO, **kw) -> UnitContext:
    return UnitContext(unit=unit, **kw)


def coop(cid: str, servant: str, unit: str, start: date, end: date, modality=Modality.M4,
         status=Status.APROVADA) -> Cooperation:
    return Cooperation(cid, servant, "X", unit, modality, Period(start, end), status=status)


def request(servant=ANA, unit_ctx=None, modality=Modality.M4, period=MARCH, **kw) -> RequestInput:
    unit_ctx = unit_ctx or ctx(annex_quotas={"IV": 2})
    return RequestInput(servant=servant, home_unit=kw.pop("home_unit", servant.lotacao), unit_ctx=unit_ctx,
                        home_building=kw.pop("home_building", "FORUM-CBA"), modality=modality, period=period, **kw)


def validate(req: RequestInput, others=()) -> None:
    validate_request(req, others, CONFIG, FINAL, TODAY)


def refused(code: str, fn, *args, **kwargs) -> RuleError:
    with pytest.raises(RuleError) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value.detail
    return caught.value


# --- COOP-01 ----------------------------------------------------------------------------------


def test_coop_01_home_unit_must_be_the_servants_lotacao():
    error = refused("COOP-01", validate, request(home_unit="2VC-CBA"))
    assert error.field == "unidade_lotacao"


def test_coop_01_m2_and_m3_need_a_work_plan_m4_does_not():
    portaria = Portaria("P-03", Modality.M3, MARCH, {"2VC-CBA": 5})
    error = refused("COOP-01", validate, request(modality=Modality.M3, unit_ctx=ctx(portarias=(portaria,))))
    assert error.field == "plano_trabalho"
    validate(request(modality=Modality.M3, unit_ctx=ctx(portarias=(portaria,)), work_plan="Sentenças de 2019"))
    validate(request())  # M4 without a plan


# --- COOP-03: each commissioned post against each modality --------------------------------------

POSTS = [*CommissionedPost, None]
# expected eligibility per (efetivo, post, law degree) for the groups: juridica (M1, M2, M5 gabinete),
# cartorio (M3, M5 cartório), efetivos (M4)
CASES = [(efetivo, post) for efetivo in (True, False) for post in POSTS if efetivo or post is not None]


def expected(efetivo: bool, post, law_degree: bool, modality: Modality, kind: UnitKind) -> bool:
    legal = post in {CommissionedPost.ASSESSOR_GABINETE, CommissionedPost.ASSESSOR_JURIDICO,
                     CommissionedPost.OFICIAL_GABINETE, CommissionedPost.SECRETARIO_JURIDICO}
    if modality in (Modality.M1, Modality.M2) or (modality is Modality.M5 and kind is UnitKind.GABINETE):
        return legal or (efetivo and law_degree)
    if modality is Modality.M4:
        return efetivo
    return efetivo and not legal


@pytest.mark.parametrize("modality,kind", [(Modality.M1, UnitKind.GABINETE), (Modality.M2, UnitKind.CARTORIO),
                                           (Modality.M3, UnitKind.CARTORIO), (Modality.M4, UnitKind.OUTRA),
                                           (Modality.M5, UnitKind.GABINETE), (Modality.M5, UnitKind.CARTORIO)])
@pytest.mark.parametrize("efetivo,post", CASES, ids=lambda v: str(v))
@pytest.mark.parametrize("law_degree", [False, True])
def test_coop_03_each_commissioned_post_against_each_modality(modality, kind, efetivo, post, law_degree):
    """COOP-03: the matrix of 002 — four legal-advisory posts, another post, none; efetivo or not; law degree."""
    servant = Servant("s", "S", efetivo=efetivo, post=post, law_degree=law_degree, lotacao="L")
    if expected(efetivo, post, law_degree, modality, kind):
        check_eligibility(servant, modality, kind)
    else:
        error = refused("COOP-03", check_eligibility, servant, modality, kind)
        assert error.field == "modalidade"


def test_coop_03_hand_picked_cases():
    """COOP-03: Bruno (efetivo, assessor de gabinete) may do M1 but not M3; Ana (efetiva, Direito) both."""
    check_eligibility(BRUNO, Modality.M1, UnitKind.GABINETE)
    error = refused("COOP-03", check_eligibility, BRUNO, Modality.M3, UnitKind.CARTORIO)
    assert "assessor_gabinete" in error.detail
    check_eligibility(BRUNO, Modality.M4, UnitKind.OUTRA)
    check_eligibility(ANA, Modality.M1, UnitKind.GABINETE)
    check_eligibility(ANA, Modality.M3, UnitKind.CARTORIO)
    chefe = Servant("c", "C", efetivo=True, post=CommissionedPost.OUTRO, funcao_gratificada=True, lotacao="L")
    check_eligibility(chefe, Modality.M3, UnitKind.CARTORIO)  # efetivo commissioned in another post: allowed
    refused("COOP-03", check_eligibility, chefe, Modality.M1, UnitKind.GABINETE)  # no law degree


# --- COOP-02 units and quotas ------------------------------------------------------------------


def test_coop_02_unit_must_be_in_the_annex_or_portaria_of_the_modality():
    refused("COOP-02", validate, request(unit_ctx=ctx(annex_quotas={"I": 1})))  # M4 needs annex IV
    refused("COOP-02", validate, request(modality=Modality.M2, work_plan="p", unit_ctx=ctx()))
    gab = ctx(GABINETE, annex_quotas={"I": 1})
    validate(request(servant=ANA, modality=Modality.M1, unit_ctx=gab, home_building="SEDE"))


def test_coop_02_quota_full_by_one():
    """COOP-02: quota 2 with one cooperator → accepted; with two → refused, saying 0 places are left."""
    one = ctx(annex_quotas={"IV": 2}, cooperations=(coop("c1", "x", "2VC-CBA", TODAY, date(2026, 3, 20)),))
    validate(request(unit_ctx=one))
    assert remaining_quota(one, Modality.M4, MARCH) == 1
    two = replace(one, cooperations=one.cooperations + (coop("c2", "y", "2VC-CBA", date(2026, 3, 25),
                                                             date(2026, 4, 10)),))
    error = refused("COOP-02", validate, request(unit_ctx=two))
    assert "restam 0 vagas" in error.detail and error.extra["competencia"] == "2026-03"
    # a refused or cancelled request frees its place; another month is another quota
    freed = replace(two, cooperations=(two.cooperations[0], replace(two.cooperations[1], status=Status.INDEFERIDA)))
    validate(request(unit_ctx=freed))
    validate(request(unit_ctx=two, period=Period(date(2026, 5, 1), date(2026, 5, 31))))


def test_coop_02_m5_consumes_no_other_quota():
    """COOP-02: M4 full at the unit does not block M5, and M5 cooperators do not fill M4."""
    leave = Leave("2VC-CBA", "maria", LeaveKind.NASCIMENTO, Period(date(2026, 2, 1), date(2026, 6, 30)))
    full_m4 = (coop("c1", "x", "2VC-CBA", TODAY, MARCH.end), coop("c2", "y", "2VC-CBA", TODAY, MARCH.end))
    unit = ctx(annex_quotas={"IV": 2, "V": 1}, leaves=(leave,), cooperations=full_m4)
    validate(request(modality=Modality.M5, unit_ctx=unit, leave_servant="maria"))
    m5s = (coop("c3", "z", "2VC-CBA", TODAY, MARCH.end, modality=Modality.M5),)
    only_m5 = replace(unit, cooperations=m5s)
    validate(request(modality=Modality.M4, unit_ctx=only_m5))
    refused("COOP-02", validate, request(modality=Modality.M5, unit_ctx=only_m5, leave_servant="maria"))


def test_coop_02_portaria_quotas_respect_the_limits_and_widening():
    check_portaria_quota(Portaria("P", Modality.M2, MARCH, {"A": 2}), UnitKind.CARTORIO, CONFIG)
    refused("COOP-02", check_portaria_quota, Portaria("P", Modality.M2, MARCH, {"A": 3}), UnitKind.CARTORIO, CONFIG)
    check_portaria_quota(Portaria("P", Modality.M2, MARCH, {"A": 5}, widened=True), UnitKind.CARTORIO, CONFIG)
    refused("COOP-02", check_portaria_quota, Portaria("P", Modality.M2, MARCH, {"A": 6}, widened=True),
            UnitKind.CARTORIO, CONFIG)
    check_portaria_quota(Portaria("P", Modality.M3, MARCH, {"A": 5}), UnitKind.CARTORIO, CONFIG)
    refused("COOP-02", check_portaria_quota, Portaria("P", Modality.M3, MARCH, {"A": 6}), UnitKind.CARTORIO, CONFIG)
    check_portaria_quota(Portaria("P", Modality.M3, MARCH, {"A": 10}, widened=True), UnitKind.CARTORIO, CONFIG)
    check_portaria_quota(Portaria("P", Modality.M3, MARCH, {"A": 30}), UnitKind.OUTRA, CONFIG)  # CGJ-fixed number


# --- COOP-04 / COOP-05 --------------------------------------------------------------------------


def test_coop_04_own_unit_only_without_commissioned_post():
    own = ctx(Unit("1VC-CBA", "1ª Vara Cível", UnitKind.CARTORIO, "FORUM-CBA"), annex_quotas={"IV": 2})
    validate(request(unit_ctx=own))  # Ana has no commissioned post
    gab = ctx(GABINETE, annex_quotas={"I": 2})
    error = refused("COOP-04", validate, request(servant=BRUNO, modality=Modality.M1, unit_ctx=gab))
    assert error.field == "unidade"


def test_coop_05_presencial_needs_same_building_and_three_consents():
    all_ok = Consents(True, True, True)
    validate(request(presencial=True, consents=all_ok))
    error = refused("COOP-05", validate, request(presencial=True, consents=all_ok, home_building="SEDE"))
    assert "remota" in error.detail
    error = refused("COOP-05", validate, request(presencial=True, consents=Consents(True, True, False)))
    assert "gestor da unidade cooperada" in error.detail and error.field == "anuencias"
    validate(request(presencial=False, home_building="SEDE"))  # remote: building does not matter


# --- COOP-07 ------------------------------------------------------------------------------------


def test_coop_07_third_overlapping_unit_refused_third_after_one_ends_accepted():
    others = (coop("a", "servidor.ana", "U1", date(2026, 3, 1), date(2026, 3, 15)),
              coop("b", "servidor.ana", "U2", date(2026, 3, 1), date(2026, 4, 30)))
    error = refused("COOP-07", validate, request(period=Period(date(2026, 3, 10), date(2026, 3, 31))), others)
    assert error.status == 409 and "U1" in error.detail and "U2" in error.detail
    # a third overlapping the last day of U1 (15/03) is still refused: both ends count
    refused("COOP-07", validate, request(period=Period(date(2026, 3, 15), date(2026, 3, 31))), others)
    validate(request(period=Period(date(2026, 3, 16), date(2026, 3, 31))), others)
    # an ended (cancelled) cooperation no longer counts
    validate(request(period=MARCH), (others[0], replace(others[1], status=Status.CANCELADA)))


def test_coop_07_counts_only_units_active_at_the_same_time():
    """Two cooperations that never overlap each other leave room for a third that overlaps each once."""
    others = (coop("a", "servidor.ana", "U1", date(2026, 3, 2), date(2026, 3, 10)),
              coop("b", "servidor.ana", "U2", date(2026, 3, 20), date(2026, 3, 31)))
    validate(request(period=MARCH), others)


# --- COOP-09 ------------------------------------------------------------------------------------


def test_coop_09_norms_final_date_and_start_not_in_the_past():
    validate(request(period=Period(date(2026, 12, 1), FINAL), unit_ctx=ctx(annex_quotas={"IV": 2})))
    error = refused("COOP-09", validate, request(period=Period(date(2026, 12, 1), date(2027, 1, 1))))
    assert "31/12/2026" in error.detail and error.field == "fim"
    refused("COOP-09", validate, request(period=Period(date(2026, 3, 1), date(2026, 3, 31))))
    with pytest.raises(RuleError) as caught:
        Period(date(2026, 3, 5), date(2026, 3, 4))
    assert caught.value.code == "COOP-09"


def test_coop_09_m2_m3_inside_the_portaria_period():
    portaria = Portaria("CGJ-2026-03", Modality.M2, MARCH, {"2VC-CBA": 2})
    unit = ctx(portarias=(portaria,))
    validate(request(modality=Modality.M2, unit_ctx=unit, work_plan="p"))
    error = refused("COOP-09", validate, request(modality=Modality.M2, unit_ctx=unit, work_plan="p",
                                                 period=Period(date(2026, 3, 2), date(2026, 4, 1))))
    assert "CGJ-2026-03" in error.detail


def test_coop_09_m5_childbirth_is_leave_plus_one_month_health_is_the_leave():
    birth = Leave("2VC-CBA", "maria", LeaveKind.NASCIMENTO, Period(date(2026, 2, 1), date(2026, 5, 31)))
    unit = ctx(annex_quotas={"V": 1}, leaves=(birth,))
    validate(request(modality=Modality.M5, unit_ctx=unit, leave_servant="maria",
                     period=Period(TODAY, date(2026, 6, 30))))
    refused("COOP-09", validate, request(modality=Modality.M5, unit_ctx=unit, leave_servant="maria",
                                         period=Period(TODAY, date(2026, 7, 1))))
    health = Leave("GAB-C3", "joao", LeaveKind.SAUDE, Period(date(2026, 3, 1), date(2026, 4, 30)))
    gab = ctx(GABINETE, annex_quotas={"V": 1}, leaves=(health,))
    validate(request(modality=Modality.M5, unit_ctx=gab, leave_servant="joao", home_building="SEDE",
                     period=Period(TODAY, date(2026, 4, 30))))
    refused("COOP-09", validate, request(modality=Modality.M5, unit_ctx=gab, leave_servant="joao",
                                         period=Period(TODAY, date(2026, 5, 1))))
    # health leave covers only gabinetes (cartórios: childbirth only)
    cart_health = ctx(annex_quotas={"V": 1}, leaves=(replace(health, unit="2VC-CBA"),))
    refused("COOP-09", validate, request(modality=Modality.M5, unit_ctx=cart_health, leave_servant="joao",
                                         period=Period(TODAY, date(2026, 4, 30))))


def test_coop_09_m5_refused_while_an_efetivo_from_another_unit_substitutes():
    birth = Leave("2VC-CBA", "maria", LeaveKind.NASCIMENTO, Period(date(2026, 2, 1), date(2026, 5, 31)))
    designated = Designation("2VC-CBA", "pedro", efetivo=True, home_unit="3VC-CBA",
                             period=Period(date(2026, 3, 10), date(2026, 3, 20)))
    unit = ctx(annex_quotas={"V": 1}, leaves=(birth,), designations=(designated,))
    error = refused("COOP-09", validate, request(modality=Modality.M5, unit_ctx=unit, leave_servant="maria"))
    assert "pedro" in error.detail
    validate(request(modality=Modality.M5, unit_ctx=unit, leave_servant="maria",
                     period=Period(date(2026, 3, 21), date(2026, 4, 30))))  # after the designation
    local = replace(designated, home_unit="2VC-CBA")
    validate(request(modality=Modality.M5, unit_ctx=replace(unit, designations=(local,)), leave_servant="maria"))
    commissioned = replace(designated, efetivo=False)
    validate(request(modality=Modality.M5, unit_ctx=replace(unit, designations=(commissioned,)),
                     leave_servant="maria"))


# --- COOP-10 ------------------------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 20, 0, tzinfo=TZ)


def test_coop_10_gestor_of_cooperated_unit_approves_with_goal_and_it_starts_at_once():
    pending = coop("c", "servidor.ana", "2VC-CBA", TODAY, MARCH.end, status=Status.PENDENTE)
    new, decision = decide(pending, approve=True, by="gestor.vara2", role="gestor", manager_of_unit=True, at=NOW,
                           goal="30 minutas por mês")
    assert new.status is Status.APROVADA and new.goal == "30 minutas por mês" and new.approved_on == NOW.date()
    assert (decision.by, decision.role, decision.at, decision.rule) == ("gestor.vara2", "gestor", NOW, "COOP-10")
    error = refused("COOP-10", decide, pending, approve=True, by="gestor.vara1", role="gestor",
                    manager_of_unit=False, at=NOW, goal="x")
    assert error.status == 403
    refused("COOP-10", decide, pending, approve=True, by="g", role="gestor", manager_of_unit=True, at=NOW)  # no goal
    refused("COOP-10", decide, pending, approve=False, by="g", role="gestor", manager_of_unit=True, at=NOW)  # reason
    refused("COOP-10", decide, new, approve=True, by="g", role="gestor", manager_of_unit=True, at=NOW, goal="x")


def test_coop_10_m2_m3_need_the_corregedoria_after_the_gestor():
    pending = coop("c", "servidor.ana", "2VC-CBA", TODAY, MARCH.end, modality=Modality.M3, status=Status.PENDENTE)
    refused("COOP-10", decide, pending, approve=True, by="corregedor", role="corregedoria", manager_of_unit=False,
            at=NOW)
    middle, _ = decide(pending, approve=True, by="g", role="gestor", manager_of_unit=True, at=NOW, goal="meta")
    assert middle.status is Status.AGUARDANDO_CORREGEDORIA
    final, decision = decide(middle, approve=True, by="corregedor", role="corregedoria", manager_of_unit=False, at=NOW)
    assert final.status is Status.APROVADA and decision.role == "corregedoria"
    denied, decision = decide(middle, approve=False, by="corregedor", role="corregedoria", manager_of_unit=False,
                              at=NOW, reason="plano insuficiente")
    assert denied.status is Status.INDEFERIDA and decision.reason == "plano insuficiente"


def test_coop_10_extension_and_early_end_by_the_manager_inside_coop_09():
    active = coop("c", "servidor.ana", "2VC-CBA", TODAY, MARCH.end)
    unit = ctx(annex_quotas={"IV": 1}, cooperations=(active,))
    longer = change_end(active, date(2026, 6, 30), unit, [active], CONFIG, FINAL, TODAY, None, True)
    assert longer.period.end == date(2026, 6, 30)
    refused("COOP-09", change_end, active, date(2027, 1, 31), unit, [active], CONFIG, FINAL, TODAY, None, True)
    rival = coop("d", "outro", "2VC-CBA", date(2026, 4, 1), date(2026, 4, 30))
    refused("COOP-02", change_end, active, date(2026, 4, 10), replace(unit, cooperations=(active, rival)), [active],
            CONFIG, FINAL, TODAY, None, True)
    shorter = change_end(active, date(2026, 3, 20), unit, [active], CONFIG, FINAL, date(2026, 3, 10),
                         date(2026, 3, 9), True)
    assert shorter.period.end == date(2026, 3, 20)
    refused("COOP-10", change_end, active, date(2026, 3, 8), unit, [active], CONFIG, FINAL, date(2026, 3, 10),
            date(2026, 3, 9), True)  # records exist on 09/03
    error = refused("COOP-10", change_end, active, date(2026, 3, 20), unit, [active], CONFIG, FINAL, TODAY, None,
                    False)
    assert error.status == 403


# --- COOP-06 / COOP-08 ---------------------------------------------------------------------------

ACTIVE = coop("c", "servidor.ana", "2VC-CBA", date(2026, 3, 1), date(2026, 3, 31))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=TZ)


def record(day: int, h1: int, m1: int, h2: int, m2: int) -> TimeRecord:
    return TimeRecord("servidor.ana", "c", at(day, h1, m1), at(day, h2, m2))


def weekday(d: date) -> bool:
    return d.weekday() < 5


def check(rec: TimeRecord, month_minutes: int = 0, same_day=(), now=datetime(2026, 4, 1, tzinfo=TZ)) -> int:
    return validate_record(rec, ACTIVE, ANA, month_minutes, same_day, weekday, now, CONFIG)


def test_coop_06_exactly_40h_accepted_one_minute_more_refused():
    assert check(record(2, 19, 0, 22, 0), month_minutes=37 * 60) == 0  # 37h + 3h = 40h exactly
    error = refused("COOP-06", check, record(2, 19, 0, 22, 1), month_minutes=37 * 60)
    assert "disponíveis 3h" in error.detail and error.extra["disponiveis_minutos"] == 180
    error = refused("COOP-06", check, record(2, 19, 0, 19, 1), month_minutes=40 * 60)
    assert error.extra["disponiveis_minutos"] == 0


def test_coop_06_outside_normal_working_hours_on_working_days():
    refused("COOP-06", check, record(2, 18, 30, 20, 0))  # Monday, expediente 12h–19h
    assert check(record(2, 8, 0, 12, 0)) == 36 * 60  # ends exactly when the expediente starts
    assert check(record(7, 13, 0, 17, 0)) == 36 * 60  # Saturday: no expediente


def test_coop_08_inside_an_active_period_no_overlap_not_in_the_future():
    refused("COOP-08", validate_record, record(2, 19, 0, 21, 0), replace(ACTIVE, status=Status.PENDENTE), ANA, 0, (),
            weekday, datetime(2026, 4, 1, tzinfo=TZ), CONFIG)
    later = TimeRecord("servidor.ana", "c", datetime(2026, 4, 1, 19, tzinfo=TZ), datetime(2026, 4, 1, 20, tzinfo=TZ))
    refused("COOP-08", check, later, now=datetime(2026, 4, 2, tzinfo=TZ))
    error = refused("COOP-08", check, record(2, 20, 0, 21, 0), same_day=[record(2, 19, 0, 20, 30)])
    assert error.status == 409
    check(record(2, 20, 30, 21, 0), same_day=[record(2, 19, 0, 20, 30)])  # touching is not overlapping
    refused("COOP-08", check, record(2, 21, 0, 20, 0))
    refused("COOP-08", check, record(2, 20, 0, 21, 0), now=at(2, 20, 30))
    refused("COOP-08", check, TimeRecord("servidor.ana", "c", at(2, 22), at(3, 1)))  # crosses midnight


def test_coop_08_10_sessions_count_from_the_deferimento():
    """COOP-10 "approval lets it start at once": a session before the approval day is refused, that day's counts."""
    approved_late = replace(ACTIVE, approved_on=date(2026, 3, 10))
    error = refused("COOP-08", validate_record, record(7, 8, 0, 9, 0), approved_late, ANA, 0, (), weekday,
                    datetime(2026, 4, 1, tzinfo=TZ), CONFIG)
    assert "10/03/2026" in error.detail
    validate_record(record(10, 20, 0, 21, 0), approved_late, ANA, 0, (), weekday, datetime(2026, 4, 1, tzinfo=TZ),
                    CONFIG)


# --- COOP-11 -------------------------------------------------------------------------------------


def test_coop_11_value_is_capped_hours_times_configured_hourly_value():
    assert CONFIG.gratificacao_valor_hora == Decimal("45.00")
    assert bonus_value(90, CONFIG) == (90, Decimal("67.50"))
    assert bonus_value(41 * 60, CONFIG) == (2400, Decimal("1800.00"))  # capped at 40h
    odd = CooperacaoConfig(gratificacao_valor_hora=Decimal("33.33"))
    assert bonus_value(1, odd) == (1, Decimal("0.56"))  # 0.5555 → 0.56 (HALF_UP)


def test_coop_11_apuracao_then_nothing_then_ajuste_with_differences():
    first = assess("ana", "2026-03", 600, 0, 0, Decimal("0"), CONFIG)
    assert (first.nature, first.revision, first.minutes, first.value) == ("apuracao", 1, 600, Decimal("450.00"))
    assert first.apuracao_id == "ana:2026-03:r1"
    assert assess("ana", "2026-03", 600, 1, 600, Decimal("450.00"), CONFIG) is None  # run twice: nothing new
    late = assess("ana", "2026-03", 660, 1, 600, Decimal("450.00"), CONFIG)
    assert (late.nature, late.revision, late.minutes, late.value, late.apuracao_id) == (
        "ajuste", 2, 60, Decimal("45.00"), "ana:2026-03:r2")
    assert assess("ana", "2026-03", 0, 0, 0, Decimal("0"), CONFIG) is None  # no hours: no event


def test_coop_11_previous_month_across_the_year():
    assert previous_month(date(2026, 1, 1)) == "2025-12"
    assert previous_month(date(2026, 3, 31)) == "2026-02"


def test_coop_months_of_a_period():
    assert Period(date(2026, 11, 15), date(2027, 1, 2)).months() == ["2026-11", "2026-12", "2027-01"]
