"""Each use case of plantao-svc records its act in its own transaction (issue 17), on the fakes of its ports: the
act's code, the PLAN-/CAL- rules it applied, the target and what it changed. A refused act records nothing; a
schedule's run is one act, and a run that changes nothing records nothing.

February 2027 (support.py): R1's estadual turns 6 alves, 7 barros, 13 campos, 14 duarte, 20 alves…
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from chalicelib.plantao.domain import acts
from chalicelib.plantao.domain.compensation import CreditKind
from chalicelib.plantao.domain.errors import StateConflict
from chalicelib.plantao.domain.scales import Kind, Month
from hypothesis import given
from hypothesis import strategies as st

from courtlib.calendar import CalendarEntry, EntryKind

FEB, MAR = Month(2027, 2), Month(2027, 3)
A, B = "2027-02-13#estadual:R1", "2027-02-20#estadual:R1"  # campos, alves


def only(world, act: str):
    [record] = world.repository.audited(act)
    return record


def test_every_act_code_is_stable_upper_case_and_names_rules():
    for code, rules in acts.RULES.items():
        assert code == code.upper() and code.startswith("PLAN.") and rules
        assert all(rule.startswith(("PLAN-", "CAL-")) for rule in rules)


def test_plan_01_02_a_generation_records_the_draft_summarised_not_copied(world):
    stored = world.service.generate(FEB, Kind.ESTADUAL)
    record = only(world, acts.ESCALA_GERAR)
    assert (record.target, record.rules, record.before) == (("escala", "2027-02-estadual"), ("PLAN-01", "PLAN-02"),
                                                            None)
    assert record.after["status"] == "rascunho" and record.after["plantoes"] == len(stored.scale.plantoes)
    assert record.after["fim_rotacao"] == dict(stored.scale.end) and len(record.after["plantoes_sha256"]) == 64
    assert "jz.alves" not in json.dumps(record.after)  # no names in a record read before the embargo ends


def test_plan_02_a_regeneration_records_the_digests_before_and_after(world):
    world.service.generate(FEB, Kind.SEGUNDO_GRAU)
    world.service.regenerate("2027-02-segundo_grau")
    record = only(world, acts.ESCALA_REGERAR)
    assert record.before["plantoes_sha256"] == record.after["plantoes_sha256"]  # same positions, same scale


def test_plan_04_an_approval_records_status_before_and_after_and_the_portaria(world):
    stored = world.service.generate(FEB, Kind.ESTADUAL)
    world.service.approve(stored.id, "presidente")
    record = only(world, acts.ESCALA_APROVAR)
    assert record.target == ("escala", stored.id) and record.rules[0] == "PLAN-04"
    assert (record.before["status"], record.after["status"]) == ("rascunho", "aprovada")
    assert (record.after["aprovada_por"], record.after["portaria"]) == ("presidente", "Portaria MI nº 1/2027")
    with pytest.raises(StateConflict):
        world.service.approve(stored.id, "presidente")
    assert len(world.repository.audited(acts.ESCALA_APROVAR)) == 1  # refused: no record


def test_plan_09_an_electoral_scale_names_plan_09(world):
    world.service.generate(Month(2026, 12), Kind.ELEITORAL)
    assert only(world, acts.ESCALA_GERAR).rules == ("PLAN-01", "PLAN-02", "PLAN-09")


def test_plan_05_a_swap_records_both_shifts_before_and_after_on_the_scale(world):
    scale_id = world.approved("2027-02", "estadual")
    requested = world.service.request_swap(scale_id, A, "jz.campos", B, "jz.alves", "compromisso", "gestor.vara1")
    asked = only(world, acts.PERMUTA_SOLICITAR)
    assert asked.target == ("escala", scale_id) and asked.after["permuta"] == requested["id"]
    world.service.approve_swap(requested["id"], "presidente")
    record = only(world, acts.PERMUTA_APROVAR)
    assert record.target == ("escala", scale_id) and record.rules == ("PLAN-05", "PLAN-04")
    assert [(s["plantao"], s["magistrado"]) for s in record.before["plantoes"]] == [(A, "jz.campos"),
                                                                                    (B, "jz.alves")]
    assert [(s["plantao"], s["magistrado"]) for s in record.after["plantoes"]] == [(A, "jz.alves"),
                                                                                   (B, "jz.campos")]
    assert record.after["portaria"] == "Portaria MI nº 2/2027"


def test_plan_06_an_impediment_keeps_the_impeded_judge_before_and_the_substitute_after(world):
    scale_id = world.approved("2027-02", "estadual")
    world.service.generate(MAR, Kind.ESTADUAL)
    world.service.impediment(scale_id, A, "impedimento legal", "presidente")
    record = only(world, acts.IMPEDIMENTO)
    assert record.target == ("escala", scale_id) and record.rules[0] == "PLAN-06"
    assert record.before["plantao"] == {"plantao": A, "data": "2027-02-13", "rotacao": "estadual:R1",
                                        "magistrado": "jz.campos", "nome": record.before["plantao"]["nome"],
                                        "juizo": "1VCR-CBA", "origem": "escala"}
    assert (record.after["plantao"]["magistrado"], record.after["plantao"]["origem"]) == ("jz.alves", "impedimento")
    assert record.after["motivo"] == "impedimento legal"
    following = record.after["escala_seguinte_regerada"]
    assert following["escala"] == "2027-03-estadual" and following["plantoes_sha256_antes"] != following[
        "plantoes_sha256"]


def test_cal_03_days_decreed_after_approval_record_the_shifts_added(world):
    scale_id = world.approved("2027-02", "estadual")
    world.clock.set(date(2027, 2, 10))
    world.calendars.entries.append(CalendarEntry(date(2027, 2, 16), EntryKind.PONTO_FACULTATIVO, None, "Carnaval",
                                                 date(2027, 2, 10)))
    world.service.cover_new_days(scale_id, "presidente")
    record = only(world, acts.NOVOS_DIAS)
    assert record.rules[0] == "CAL-03" and record.after["plantoes"] == record.before["plantoes"] + 2
    assert [s["data"] for s in record.after["acrescentados"]] == ["2027-02-16", "2027-02-16"]
    world.service.cover_new_days(scale_id, "presidente")  # nothing new: nothing written, nothing recorded
    assert len(world.repository.audited(acts.NOVOS_DIAS)) == 1


def test_plan_01_reference_import_records_the_ids_and_the_digest_not_the_payload(world):
    world.service.import_reference({"REGIAO": [{"id": "R3", "nome": "3ª Região", "ordem": 3}]})
    record = only(world, acts.REFERENCIA_IMPORTAR)
    assert record.target == ("referencia", "plantao") and record.before == {"versao": 1}
    assert record.after["versao"] == 2 and record.after["itens"] == {"regiao": {"quantidade": 1, "ids": ["R3"]}}
    assert len(record.after["sha256"]) == 64


def test_plan_01_a_candidacy_is_recorded_once_and_a_designation_keeps_the_one_it_replaces(world):
    world.clock.set(date(2027, 1, 10))  # January's edital: May–August 2027
    world.service.add_candidate(2027, 2, "jz.alves")
    world.service.add_candidate(2027, 2, "jz.alves")  # already a candidate: nothing written
    assert only(world, acts.NOTURNO_CANDIDATURA).after == {"candidatos": 1, "candidato": "jz.alves"}
    for judge in ("jz.barros", "jz.campos", "jz.duarte"):
        world.service.add_candidate(2027, 2, judge)
    earlier = world.repository.reference.night_group(2027, 5)  # May: support.py's designation, replaced below
    world.service.designate_night(2027, 2, ["jz.duarte", "jz.barros", "jz.campos", "jz.alves"])
    record = only(world, acts.NOTURNO_DESIGNAR)
    assert record.target == ("quadrimestre", "2027-2")
    assert record.before == ({"juizes": list(earlier.judges)} if earlier else None)
    assert record.after == {"juizes": ["jz.duarte", "jz.barros", "jz.campos", "jz.alves"]}


def test_plan_02_adopting_the_system_records_where_each_rotation_stopped(world):
    world.service.continue_from(Kind.ESTADUAL, Month(2027, 1), {"estadual:R1": "2VC-CBA"})
    record = only(world, acts.ROTACAO_CONTINUAR)
    assert record.target == ("rotacao", "estadual") and record.after["ultimo_mes"] == "2027-01"


def test_plan_07_08_compensation_acts_record_the_balance_before_and_after(world):
    world.clock.set(date(2027, 2, 9))
    world.service.credit("jz.esteves", CreditKind.ACAO_SOCIAL, date(2027, 2, 6), "Justiça itinerante")
    credited = only(world, acts.COMPENSACAO_CREDITAR)
    assert credited.target == ("compensacao", "jz.esteves") and credited.after["dias"] == 2
    use = world.service.request_use("jz.esteves", [date(2027, 2, 11)], "jz.farias", "gestor.vara1")
    asked = only(world, acts.USO_SOLICITAR)
    assert (asked.before, asked.after["reservado"]) == ({"saldo": 2, "reservado": 0}, 1)
    world.service.approve_use("jz.esteves", use["id"], "presidente", "c-1")
    approved = only(world, acts.USO_APROVAR)
    assert (approved.before["saldo"], approved.after["saldo"], approved.after["status"]) == (2, 1, "aprovado")
    assert approved.rules == ("PLAN-08",)


def test_plan_07_a_served_duties_run_is_one_act_and_a_run_with_nothing_to_do_records_nothing(world):
    world.approved("2027-02", "estadual")
    world.clock.set(date(2027, 2, 8))
    world.service.register_served()
    record = only(world, acts.REALIZADOS_REGISTRAR)
    assert record.target == ("execucao", "plantoes-realizados:2027-02-08") and record.rules == ("PLAN-07",)
    assert record.after == {"plantoes_registrados": 4, "por_escala": {"2027-02-estadual": 4},
                            "escalas_com_conflito": []}
    world.service.register_served()
    assert len(world.repository.audited(acts.REALIZADOS_REGISTRAR)) == 1


@given(st.lists(st.text(min_size=1, max_size=8), max_size=300))
def test_a_bulk_acts_id_list_stays_bounded_and_counts_everything(ids):
    listed = acts.ids_listed(ids)
    assert listed["quantidade"] == len(ids) and len(listed["ids"]) <= acts.MAX_IDS
    assert len(listed["ids"]) + listed.get("ids_omitidos", 0) == len(ids)
