"""The reads of plantao-svc on the fakes of its ports: what staff and the public see of a scale before and
after D−5 (PLAN-03), the portaria reads (PLAN-04), the reference pages and the ledger."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.plantao.domain.scales import Kind, Month
from chalicelib.plantao.queries import scale_view

from courtlib.errors import Forbidden, NotFound

FEB = Month(2027, 2)
CAMPOS_13, DUARTE_14 = "2027-02-13#estadual:R1", "2027-02-14#estadual:R1"


def test_plan_03_staff_see_a_shifts_names_before_d5_only_when_they_prepare_approve_or_serve_it(world):
    world.approved("2027-02", "estadual")
    stored = world.queries.scale("2027-02-estadual")
    world.clock.set(date(2027, 2, 7))  # D−6 of the 13th and the 14th, after the 6th
    servant = scale_view(stored, world.viewer("servidor.ana", "servidor"))
    shifts = {p.id: p for p in servant.plantoes}
    assert shifts[CAMPOS_13].magistrado is None and shifts[CAMPOS_13].nome is None and not shifts[CAMPOS_13].divulgado
    assert shifts["2027-02-06#estadual:R1"].magistrado == "jz.alves"
    assert servant.portarias == [] and set(servant.fim_rotacao.values()) == {None}  # they name the whole month
    campos = {p.id: p for p in scale_view(stored, world.viewer("jz.campos", "magistrado")).plantoes}
    assert campos[CAMPOS_13].magistrado == "jz.campos" and campos[DUARTE_14].magistrado is None
    presidency = scale_view(stored, world.viewer("presidente", "presidencia"), sent=7)
    assert all(p.magistrado for p in presidency.plantoes) and len(presidency.portarias) == 1
    assert presidency.avisos_enviados == 7


def test_plan_03_public_reads_show_only_approved_scales_and_each_name_from_d5(world):
    world.service.generate(FEB, Kind.ESTADUAL)
    world.clock.set(date(2027, 2, 1))
    assert world.queries.public_month(FEB, None).plantoes == []  # a draft is not public
    world.approved("2027-02", "segundo_grau")
    world.clock.set(date(2027, 2, 7))
    month = world.queries.public_month(FEB, "segundo_grau")
    by_day = {p.data: p for p in month.plantoes}
    assert by_day[date(2027, 2, 12)].divulgado and by_day[date(2027, 2, 12)].magistrado is not None  # D−5
    assert not by_day[date(2027, 2, 13)].divulgado and by_day[date(2027, 2, 13)].magistrado is None  # D−6
    assert by_day[date(2027, 2, 13)].divulgacao_em == date(2027, 2, 8) and month.portarias == []
    assert world.queries.public_month(FEB, "estadual").plantoes == []
    day = world.queries.public_day(date(2027, 2, 12), None)
    assert [p.tipo for p in day.plantoes] == ["segundo_grau"] and day.hoje == date(2027, 2, 7)
    world.clock.set(date(2027, 2, 23))  # the whole month is public: so is its portaria
    assert world.queries.public_month(FEB, None).portarias == ["Portaria M nº 1/2027"]


def test_plan_04_a_portaria_is_read_as_stored_and_a_missing_one_is_404(world):
    world.approved("2027-02", "estadual")
    presidency = world.viewer("presidente", "presidencia")
    record, text = world.queries.portaria("MI", 2027, 1, presidency)
    assert record["escala"] == "2027-02-estadual" and "Juiz André Alves" in text
    assert world.queries.portaria_document("MI", 2027, 1, "pdf", presidency).startswith(b"%PDF")
    with pytest.raises(NotFound):
        world.queries.portaria("MI", 2027, 2, presidency)
    world.documents.stored.clear()  # the record without its document: still 404, never a 500
    with pytest.raises(NotFound):
        world.queries.portaria_document("MI", 2027, 1, "texto", presidency)


def test_plan_03_a_portaria_by_number_keeps_the_embargo_until_its_whole_month_is_disclosed(world):
    """A portaria lists its scale's whole month: read by number, it must not show a servant (or anyone who does not
    prepare the scale) the names the public scale still withholds."""
    world.approved("2027-02", "estadual")
    servant = world.viewer("servidor.a", "servidor")
    for read in (lambda: world.queries.portaria("MI", 2027, 1, servant),
                 lambda: world.queries.portaria_document("MI", 2027, 1, "pdf", servant),
                 lambda: world.queries.portaria_document("MI", 2027, 1, "texto", servant)):
        with pytest.raises(Forbidden) as refused:
            read()
        assert refused.value.code == "PLAN-03"
    world.clock.set(date(2027, 2, 23))  # D−5 of the month's last day: the whole month is public
    servant = world.viewer("servidor.a", "servidor")
    record, text = world.queries.portaria("MI", 2027, 1, servant)
    assert "Juiz André Alves" in text
    assert world.queries.portaria_document("MI", 2027, 1, "pdf", servant).startswith(b"%PDF")


def test_reference_pages_follow_the_id_order_and_say_where_to_continue(world):
    first, after = world.queries.reference_page("juizos", 3, None)
    assert [j["id"] for j in first] == ["1V-VGR", "1VC-CBA", "1VCR-CBA"] and after == "1VCR-CBA"
    rest, end = world.queries.reference_page("juizos", 10, after)
    assert [j["id"] for j in rest] == ["2V-VGR", "2VC-CBA", "2VCR-CBA", "VU-CHA"] and end is None
    document = world.queries.reference_document()
    assert list(document) == ["regioes", "comarcas", "juizos", "magistrados", "zonas", "periodos_eleitorais",
                              "noturno"]
    assert document["comarcas"][2]["vara_tabelar"] == "1V-VGR"


def test_scale_swaps_and_ledger_reads_of_what_does_not_exist_are_404_naming_the_field(world):
    with pytest.raises(NotFound) as scale:
        world.queries.scale("2027-02-estadual")
    assert scale.value.field == "escala"
    with pytest.raises(NotFound) as malformed:
        world.queries.swap_requests("fevereiro")
    assert malformed.value.field == "escala"
    with pytest.raises(NotFound) as magistrate:
        world.queries.ledger("jz.ninguem")
    assert magistrate.value.field == "magistrado"
