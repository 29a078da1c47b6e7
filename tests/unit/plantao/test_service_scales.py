"""The use cases of plantao-svc on the fakes of its ports: reference data, the night edital, generation,
approval and portarias, swaps, impediments, days decreed after approval (PLAN-01..06,
PLAN-09, CAL-01, CAL-03). Each refusal writes nothing; a concurrent write is read again (or refused, for the
creations), never lost.

The demo tribunal of support.py; February 2027: weekends 6–7, 13–14, 20–21, 27–28; R1's estadual turns:
6 alves, 7 barros, 13 campos, 14 duarte, 20 alves, 21 barros, 27 campos, 28 duarte.
"""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.plantao.domain.errors import PlantaoError, StateConflict, UncoveredDayError
from chalicelib.plantao.domain.records import APROVADA, RASCUNHO
from chalicelib.plantao.domain.scales import Kind, Month

from courtlib.calendar import CalendarEntry, EntryKind
from courtlib.errors import Busy, Invalid, NotFound
from tests.unit.plantao.support import VARZEA, reference

FEB, MAR, APR = Month(2027, 2), Month(2027, 3), Month(2027, 4)
A, B = "2027-02-13#estadual:R1", "2027-02-20#estadual:R1"  # campos, alves


def by_rotation(stored, rotation: str) -> list[tuple[int, str]]:
    return [(p.day.day, p.magistrado) for p in stored.scale.plantoes if p.rotation == rotation]


# --- reference data (CAL-01, PLAN-01) --------------------------------------------------------------------


def test_cal_01_reference_import_upserts_by_id_and_keeps_the_municipality_by_its_ibge_code(world):
    comarca = {"id": "VGR", "nome": "Várzea Grande (nova)", "municipio": "varzea grande", "regiao": "R2", "ordem": 1,
               "entrancia": "final"}
    assert world.service.import_reference({"COMARCA": [comarca]}) == {"comarca": 1}
    ref = world.queries.reference()
    [vgr] = [c for c in ref.comarcas if c.id == "VGR"]
    assert (vgr.name, vgr.municipio) == ("Várzea Grande (nova)", VARZEA)
    assert len(ref.comarcas) == 3 and len(ref.magistrates) == 14 and world.repository.reference_version == 2


def test_plan_01_an_inconsistent_reference_import_is_refused_naming_the_problems_and_writes_nothing(world):
    with pytest.raises(Invalid) as refused:
        world.service.import_reference({"JUIZO": [{"id": "9V-XXX", "nome": "Vara fantasma", "comarca": "XXX",
                                                    "ordem": 9}]})
    assert refused.value.code == "VALIDACAO" and "comarca XXX desconhecida" in refused.value.detail
    assert refused.value.extra["problemas"]
    assert world.repository.reference_version == 1 and world.repository.commits == 0


def test_cal_01_a_comarca_in_an_unregistered_municipality_is_refused_on_field_municipio(world):
    with pytest.raises(Invalid) as refused:
        world.service.import_reference({"ZONA": [{"id": "Z99", "municipio": "9999999", "numero": 99}]})
    assert refused.value.field == "municipio" and "9999999" in refused.value.detail
    assert world.repository.commits == 0


def test_a_reference_import_that_meets_a_concurrent_import_is_refused_not_merged(world):
    world.repository.before_next_commit(lambda: setattr(world.repository, "reference_version", 2))
    with pytest.raises(StateConflict) as refused:
        world.service.import_reference({"REGIAO": [{"id": "R3", "nome": "3ª Região", "ordem": 3}]})
    assert (refused.value.status, refused.value.code) == (409, "CONFLITO")
    assert [r.id for r in world.repository.reference.regions] == ["R1", "R2"]


# --- the night edital (PLAN-01) ----------------------------------------------------------------------------


def test_plan_01_candidacies_only_in_the_edital_month_and_only_for_first_degree_judges(world):
    # 20/01/2027: January's edital is open for May–August (2027/2)
    with pytest.raises(PlantaoError) as closed:
        world.service.add_candidate(2027, 1, "jz.alves")
    assert (closed.value.code, closed.value.field) == ("PLAN-01", "quadrimestre")
    with pytest.raises(PlantaoError) as second_degree:
        world.service.add_candidate(2027, 2, "des.presidente")
    assert (second_degree.value.code, second_degree.value.field) == ("PLAN-01", "magistrado")
    assert world.service.add_candidate(2027, 2, "jz.barros") == ["jz.barros"]
    assert world.service.add_candidate(2027, 2, "jz.alves") == ["jz.alves", "jz.barros"]


def test_plan_01_the_presidency_designates_exactly_the_configured_number_among_the_candidates(world):
    for judge in ("jz.alves", "jz.barros", "jz.campos", "jz.duarte", "jz.esteves"):
        world.service.add_candidate(2027, 2, judge)
    with pytest.raises(PlantaoError) as three:
        world.service.designate_night(2027, 2, ["jz.alves", "jz.barros", "jz.campos"])
    assert (three.value.code, three.value.field) == ("PLAN-01", "juizes")
    with pytest.raises(PlantaoError, match="jz.gomes"):
        world.service.designate_night(2027, 2, ["jz.alves", "jz.barros", "jz.campos", "jz.gomes"])
    world.service.designate_night(2027, 2, ["jz.esteves", "jz.barros", "jz.campos", "jz.duarte"])  # May–August
    assert world.queries.reference().night_group(2027, 5).judges == ("jz.esteves", "jz.barros", "jz.campos",
                                                                       "jz.duarte")


# --- generation (PLAN-01, PLAN-02, PLAN-09) ----------------------------------------------------------------------


def test_plan_01_02_a_draft_continues_the_rotation_and_is_written_with_it_in_one_transaction(world):
    february = world.service.generate(FEB, Kind.ESTADUAL)
    assert (february.id, february.status, february.version) == ("2027-02-estadual", RASCUNHO, 1)
    assert by_rotation(february, "estadual:R1") == [(6, "jz.alves"), (7, "jz.barros"), (13, "jz.campos"),
                                                    (14, "jz.duarte"), (20, "jz.alves"), (21, "jz.barros"),
                                                    (27, "jz.campos"), (28, "jz.duarte")]
    rotation = world.repository.rotation(Kind.ESTADUAL)
    assert (rotation.month, rotation.positions, world.repository.commits) == ("2027-02", february.scale.end, 1)
    march = world.service.generate(MAR, Kind.ESTADUAL)
    assert march.scale.start == february.scale.end and by_rotation(march, "estadual:R1")[0][1] == "jz.alves"


def test_plan_02_the_same_month_twice_or_an_earlier_month_is_409_and_a_gap_is_422(world):
    world.service.generate(FEB, Kind.ESTADUAL)
    with pytest.raises(StateConflict) as again:
        world.service.generate(FEB, Kind.ESTADUAL)
    assert (again.value.status, again.value.code) == (409, "PLAN-02")
    with pytest.raises(PlantaoError) as gap:
        world.service.generate(APR, Kind.ESTADUAL)
    assert not isinstance(gap.value, StateConflict) and gap.value.field == "mes" and "2027-03" in gap.value.detail
    with pytest.raises(StateConflict, match="já avançou"):
        world.service.generate(Month(2027, 1), Kind.ESTADUAL)
    assert world.repository.commits == 1


def test_plan_01_a_month_leaving_a_day_uncovered_is_refused_with_the_day_and_nothing_is_written(world):
    world.repository.reference = reference(night_groups=())  # no judges designated for the quadrimester
    with pytest.raises(UncoveredDayError) as refused:
        world.service.generate(FEB, Kind.NOTURNO)
    assert refused.value.code == "PLAN-01" and refused.value.extra["dia"] == "2027-02-01"
    assert world.repository.scales == {} and world.repository.rotations == {} and world.repository.commits == 0


def test_plan_02_a_generation_that_meets_a_concurrent_one_is_a_409_conflito_not_read_again(world):
    world.repository.before_next_commit(lambda: world.service.generate(FEB, Kind.ESTADUAL))
    with pytest.raises(StateConflict) as lost:
        world.service.generate(FEB, Kind.ESTADUAL)
    assert (lost.value.status, lost.value.code) == (409, "CONFLITO")
    assert world.repository.commits == 1 and world.repository.conflicts == 1  # the other one's draft stands


def test_plan_02_regenerating_a_draft_gives_the_same_scale_and_only_for_the_last_month(world):
    february = world.service.generate(FEB, Kind.SEGUNDO_GRAU)
    again = world.service.regenerate(february.id)
    assert again.scale.plantoes == february.scale.plantoes and again.version == 2
    world.service.generate(MAR, Kind.SEGUNDO_GRAU)
    with pytest.raises(StateConflict) as continued:
        world.service.regenerate(february.id)
    assert continued.value.code == "PLAN-02"
    world.service.approve("2027-03-segundo_grau", "presidente")
    with pytest.raises(StateConflict, match="aprovada"):
        world.service.regenerate("2027-03-segundo_grau")
    with pytest.raises(NotFound) as missing:
        world.service.regenerate("2027-13-estadual")
    assert missing.value.field == "escala"


def test_plan_02_a_regeneration_that_meets_a_concurrent_write_reads_the_scale_again_and_succeeds(world):
    february = world.service.generate(FEB, Kind.ESTADUAL)
    world.repository.before_next_commit(lambda: world.service.regenerate(february.id))  # version 1 → 2
    assert world.service.regenerate(february.id).version == 3
    assert world.repository.conflicts == 1


def test_plan_02_adopting_the_system_continues_where_the_manual_scales_stopped(world):
    with pytest.raises(PlantaoError) as unknown:
        world.service.continue_from(Kind.ESTADUAL, Month(2027, 1), {"estadual:R9": "2VC-CBA"})
    assert (unknown.value.code, unknown.value.field) == ("PLAN-02", "ultimos")
    with pytest.raises(PlantaoError, match="não é membro"):
        world.service.continue_from(Kind.ESTADUAL, Month(2027, 1), {"estadual:R1": "VU-CHA"})
    last = {"estadual:R1": "2VC-CBA", "estadual:R2": "VU-CHA"}
    world.service.continue_from(Kind.ESTADUAL, Month(2027, 1), last)
    february = world.service.generate(FEB, Kind.ESTADUAL)
    assert by_rotation(february, "estadual:R1")[:2] == [(6, "jz.campos"), (7, "jz.duarte")]  # after barros (2VC)
    assert by_rotation(february, "estadual:R2")[0] == (6, "jz.esteves")
    with pytest.raises(StateConflict) as in_use:
        world.service.continue_from(Kind.ESTADUAL, Month(2027, 1), last)
    assert in_use.value.code == "PLAN-02"


# --- approval and portarias (PLAN-04) -------------------------------------------------------------------------


def test_plan_04_approval_numbers_the_portaria_keeps_its_documents_and_notifies_each_designated(world):
    draft = world.service.generate(FEB, Kind.ESTADUAL)
    stored, record, sent = world.service.approve(draft.id, "presidente")
    assert (stored.status, stored.approved_by, record["numero"]) == (APROVADA, "presidente", "Portaria MI nº 1/2027")
    assert sent is None and world.documents.stored == {} and world.notifier.sent == []  # after the answer
    sent = world.deliver()
    text = world.documents.get(record["texto"]).decode()
    assert "Portaria MI nº 1/2027".upper() in text.upper() and "Juiz André Alves" in text
    assert world.documents.get(record["pdf"]).startswith(b"%PDF")
    designated = {p.magistrado for p in stored.scale.plantoes}
    assert sent == len(designated) == 7
    assert sorted(m[0] for m in world.notifier.sent) == sorted(f"{m}@exemplo.jus.br" for m in designated)
    to_gomes = next(m for m in world.notifier.sent if m[0] == "jz.gomes@exemplo.jus.br")
    assert "13/02/2027 2ª Região: 13/02 11h a 13/02 18h" in to_gomes[2] and "André" not in to_gomes[2]
    with pytest.raises(StateConflict) as twice:
        world.service.approve(draft.id, "presidente")
    assert twice.value.code == "PLAN-04" and world.repository.counters == {("MI", 2027): 1}
    world.service.generate(FEB, Kind.SEGUNDO_GRAU)
    assert world.service.approve("2027-02-segundo_grau", "presidente")[1]["numero"] == "Portaria M nº 1/2027"


def test_plan_04_an_approval_that_loses_the_portaria_counter_reads_it_again_and_takes_the_next_number(world):
    """Mirrors the moto test of two concurrent approvals (test_plantao_http.py): the counter is conditioned on
    the number read, so the approval that lost reads again and takes number 2."""
    world.service.generate(FEB, Kind.ESTADUAL)
    world.service.generate(FEB, Kind.MUNICIPAL)
    world.repository.before_next_commit(lambda: world.service.approve("2027-02-municipal", "presidente"))
    _, record, _ = world.service.approve("2027-02-estadual", "presidente")
    assert record["n"] == 2 and world.repository.portaria("MI", 2027, 1)["escala"] == "2027-02-municipal"
    assert world.repository.counters[("MI", 2027)] == 2 and world.repository.conflicts == 1


def test_plan_04_an_approval_that_keeps_losing_answers_busy_and_writes_nothing(world):
    world.service.generate(FEB, Kind.ESTADUAL)
    counters = world.repository.counters
    for _ in range(3):  # another approval of the series wins before each of the three attempts
        world.repository.before_next_commit(lambda: counters.__setitem__(("MI", 2027), counters.get(("MI", 2027),
                                                                                                     0) + 1))
    with pytest.raises(Busy) as busy:
        world.service.approve("2027-02-estadual", "presidente")
    assert (busy.value.status, busy.value.retry_after) == (503, 1)
    assert world.repository.scale(FEB, Kind.ESTADUAL).status == RASCUNHO and world.repository.portarias == {}
    assert world.notifier.sent == [] and world.repository.conflicts == 3


# --- swaps (PLAN-05) and impediments (PLAN-06) ----------------------------------------------------------------


def test_plan_05_a_swap_requested_then_approved_changes_the_scale_with_a_portaria_citing_the_first(world):
    scale_id = world.approved("2027-02", "estadual")
    requested = world.service.request_swap(scale_id, A, "jz.campos", B, "jz.alves", "compromisso familiar",
                                           "gestor.vara1")
    assert requested["status"] == "pendente" and world.repository.swap_request(requested["id"])[1] == "pendente"
    data, stored, record, sent = world.service.approve_swap(requested["id"], "presidente")
    assert data["status"] == "aprovada" and record["numero"] == "Portaria MI nº 2/2027" and sent is None
    assert world.deliver() == 2
    by_id = {p.id: p for p in stored.scale.plantoes}
    assert (by_id[A].magistrado, by_id[B].magistrado, by_id[A].origem) == ("jz.alves", "jz.campos", "permuta")
    assert "Alterar a Portaria MI nº 1/2027" in world.documents.get(record["texto"]).decode()
    with pytest.raises(StateConflict) as twice:
        world.service.approve_swap(requested["id"], "presidente")
    assert twice.value.code == "PLAN-05"
    with pytest.raises(NotFound) as missing:
        world.service.approve_swap("nenhuma", "presidente")
    assert missing.value.field == "permuta"


def test_plan_05_a_swap_with_someone_not_on_the_scale_or_already_begun_is_refused_and_writes_nothing(world):
    scale_id = world.service.generate(FEB, Kind.ESTADUAL).id
    with pytest.raises(PlantaoError) as stranger:
        world.service.request_swap(scale_id, A, "jz.campos", B, "jd.paulo", "teste", "gestor.vara1")
    assert (stranger.value.code, stranger.value.field) == ("PLAN-05", "magistrado_b")
    world.clock.set(date(2027, 2, 14))
    with pytest.raises(PlantaoError, match="já começou"):
        world.service.request_swap(scale_id, A, "jz.campos", B, "jz.alves", "tarde", "gestor.vara1")
    assert world.repository.swaps == {}


def test_plan_06_an_impediment_anticipates_the_first_of_next_month_whose_draft_is_regenerated(world):
    scale_id = world.approved("2027-02", "estadual")
    world.service.generate(MAR, Kind.ESTADUAL)  # draft: R1 opens March with jz.alves
    stored, new, record, sent = world.service.impediment(scale_id, A, "impedimento legal", "presidente")
    assert (new.id, new.magistrado) == (A, "jz.alves") and record["numero"] == "Portaria MI nº 2/2027"
    assert sent is None and world.deliver() == 2  # the one anticipated and the one impeded
    assert by_rotation(world.repository.scale(MAR, Kind.ESTADUAL), "estadual:R1")[0][1] == "jz.barros"
    world.service.approve("2027-03-estadual", "presidente")
    with pytest.raises(StateConflict) as approved_next:
        world.service.impediment(scale_id, B, "outro", "presidente")
    assert (approved_next.value.status, approved_next.value.code) == (409, "PLAN-06")


def test_cal_03_a_day_decreed_after_approval_is_covered_by_anticipation_with_a_portaria(world):
    scale_id = world.approved("2027-02", "estadual")
    world.clock.set(date(2027, 2, 10))
    world.calendars.entries.append(CalendarEntry(date(2027, 2, 16), EntryKind.PONTO_FACULTATIVO, None, "Carnaval",
                                                 date(2027, 2, 10)))
    stored, added, record, sent = world.service.cover_new_days(scale_id, "presidente")
    assert [(p.day, p.rotation, p.magistrado) for p in added] == [(date(2027, 2, 16), "estadual:R1", "jz.alves"),
                                                                   (date(2027, 2, 16), "estadual:R2", "jz.gomes")]
    assert record["numero"] == "Portaria MI nº 2/2027" and sent is None and world.deliver() == 2
    assert world.service.cover_new_days(scale_id, "presidente")[1:] == ([], None, None)
    march = world.service.generate(MAR, Kind.ESTADUAL)
    assert by_rotation(march, "estadual:R1")[0][1] == "jz.barros"
