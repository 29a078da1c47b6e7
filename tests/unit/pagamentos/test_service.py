"""pagamentos-svc's use cases on in-memory fakes (no moto, no sockets): records, designations and the bulk import,
events and parked events, signatures, edits and sending. The monthly run is in test_service_run.py.

Pay table of tests/unit/pagamentos/support.py: juiz especial 27 000 (900 a day over 30 days).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from chalicelib.pagamentos.domain.memos import MemoHeader, new_draft
from chalicelib.pagamentos.domain.model import (
    Attendance,
    Designation,
    DesignationKind,
    Line,
    Period,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)
from chalicelib.pagamentos.queries import PagamentosQueries
from chalicelib.pagamentos.service import PagamentosService

from courtlib.errors import Busy, Conflict, CourtError, Invalid, NotFound, Refusal
from courtlib.messaging.contracts import (
    CompensationUsed,
    CooperationBonusAssessed,
    DutyServed,
    MagistrateAbsenceRegistered,
    new_event,
    parse_event,
)
from tests.unit.pagamentos.fakes import FakeCalendar, FakeDocumentStore, FakeRepository, fake_pdf
from tests.unit.pagamentos.support import config

TZ = ZoneInfo("America/Sao_Paulo")
NOW = datetime(2027, 4, 5, 9, tzinfo=TZ)
ALVES = Person("jz.alves", "Juiz André Alves", "magistrado", "juiz", "especial", "1VC-CBA", "5103403")
BARROS = Person("jz.barros", "Juíza Beatriz Barros", "magistrado", "juiz", "especial", "2VC-CBA", "5103403")
DES = Person("des.dias", "Des. Dias", "magistrado", "desembargador")
ANA = Person("servidor.ana", "Ana Servidora", "servidor", "servidor", None, "1VC-CBA")


class World:
    """A service and its queries on fakes, with the clock at ``now``."""

    def __init__(self, now: datetime = NOW, people: tuple[Person, ...] = (ALVES, BARROS, DES, ANA)) -> None:
        self.repo = FakeRepository()
        self.documents = FakeDocumentStore()
        self.now = now
        self.service = PagamentosService(self.repo, self.documents, FakeCalendar(), config(), lambda: self.now,
                                         fake_pdf)
        self.queries = PagamentosQueries(self.repo, self.service.config, fake_pdf, lambda: self.now)
        self.service.register_people(list(people))
        self.repo.writes.clear()


@pytest.fixture
def world() -> World:
    return World()


def designation(id_: str = "d1", kind: DesignationKind = "cumulacao", person: str = "jz.alves", juizo: str = "2VC-CBA",
                start: str = "2027-03-01", end: str = "2027-03-10", **kw) -> Designation:
    return Designation(id_, kind, person, juizo, Period(date.fromisoformat(start), date.fromisoformat(end)), **kw)


def refused(call, *args) -> CourtError:
    with pytest.raises(CourtError) as error:
        call(*args)
    return error.value


# --- people and designations ------------------------------------------------------------------------


def test_a_person_is_registered_and_read_back(world):
    assert world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz_substituto"))["id"] \
        == "jz.novo"
    assert world.queries.person("jz.novo")["cargo"] == "juiz_substituto"
    with pytest.raises(NotFound):
        world.queries.person("ninguem")


def test_pag_02_a_designation_is_stored_with_a_fact_in_each_month_and_the_months_marked(world):
    body, created = world.service.create_designation(designation(end="2027-04-05"))
    assert created and body["pessoa"] == "jz.alves" and body["fracao"] is None
    assert world.queries.designation("d1") == body and world.queries.designations_of("jz.alves") == [body]
    assert [f["id"] for m in ("2027-03", "2027-04") for f in world.repo.facts_of_kind(m, "DESIG")] == ["d1", "d1"]
    assert world.repo.pending == {"2027-03", "2027-04"}


def test_the_same_designation_again_is_answered_as_the_first_time_and_another_content_is_a_conflict(world):
    first, _ = world.service.create_designation(designation())
    world.repo.writes.clear()
    assert world.service.create_designation(designation()) == (first, False) and world.repo.writes == []
    error = refused(world.service.create_designation, designation(end="2027-03-11"))
    assert (type(error), error.code, error.field) == (Conflict, "CONFLITO", "id")


def test_an_overlapping_designation_for_the_same_juizo_is_refused_and_writes_nothing(world):
    world.service.create_designation(designation())
    world.repo.writes.clear()
    error = refused(world.service.create_designation, designation("d2", person="jz.barros", start="2027-03-10",
                                                                  end="2027-03-20"))
    assert (error.status, error.code, error.field) == (409, "DESIGNACAO_SOBREPOSTA", "inicio")
    assert world.repo.writes == []


def test_several_judges_may_aid_the_same_juizo_at_once(world):
    world.service.create_designation(designation("a1", "auxilio", "jz.alves", "3VC-CBA"))
    assert world.service.create_designation(designation("a2", "auxilio", "jz.barros", "3VC-CBA"))[1]
    assert refused(world.service.create_designation,
                   designation("a3", "auxilio", "jz.barros", "3VC-CBA", "2027-03-05")).code == "DESIGNACAO_SOBREPOSTA"


@pytest.mark.parametrize(("d", "code", "field"), [
    (designation(person="ninguem"), "PESSOA_DESCONHECIDA", "pessoa"),
    (designation(person="servidor.ana"), "VALIDACAO", "pessoa"),
    (designation(end="2029-04-01"), "VALIDACAO", "fim"),
    (designation(kind="substituicao"), "PAG-05", "entrancia_destino"),
    (designation(kind="diarias"), "PAG-06", "municipio"),
    (designation(kind="funcao", funcao="presidencia_de_clube"), "PAG-01", "funcao"),
    (designation(kind="convocacao", person="des.dias"), "PAG-04", "pessoa"),
    (designation(fracao=Fraction(1, 2)), "PAG-02", "fracao"),
])
def test_pag_01_pag_02_pag_04_pag_05_pag_06_each_refusal_of_a_designation_writes_nothing(world, d, code, field):
    error = refused(world.service.create_designation, d)
    assert (error.status, error.code, error.field) == (422, code, field)
    assert world.repo.writes == [] and world.repo.designations == {}


def test_a_designation_that_lost_to_a_concurrent_one_reads_again_and_is_refused_by_the_overlap(world):
    """Between the overlap check and the commit another designation for the same juízo is stored: the guard's
    version moved, the commit fails, the retry reads again and finds the overlap (nothing of it written)."""
    service = world.service
    world.repo.before_commit.append(lambda: service.create_designation(designation("rival", person="jz.barros")))
    error = refused(service.create_designation, designation("d1", start="2027-03-05", end="2027-03-15"))
    assert error.code == "DESIGNACAO_SOBREPOSTA"
    assert set(world.repo.designations) == {"rival"}


def test_a_designation_that_lost_to_an_unrelated_write_is_stored_on_the_retry(world):
    world.repo.before_commit.append(lambda: world.repo.juizo_versions.__setitem__(("2VC-CBA", "cumulacao"), "7"))
    assert world.service.create_designation(designation())[1]
    assert world.repo.juizo_versions[("2VC-CBA", "cumulacao")] == "8"


# --- the bulk import -----------------------------------------------------------------------------------


NEW = Person("jz.nova", "Juíza Nova", "magistrado", "juiz", "final")


def test_bulk_import_is_all_or_nothing(world):
    """Mirrors tests/integration/test_pagamentos_http.py::test_bulk_import_is_all_or_nothing on fakes."""
    world.service.create_designation(designation("stored", start="2027-01-01", end="2027-01-31"))
    world.repo.writes.clear()
    good = designation("imp-1", "diarias", "jz.nova", "VU-CHA", "2027-01-10", "2027-01-12", municipio="5103007")
    bad = designation("imp-2", "cumulacao", "jz.nova", "2VC-CBA", "2027-01-20", "2027-02-05")
    error = refused(world.service.import_batch, [NEW], [good, bad])
    assert (error.status, error.code, error.field) == (409, "DESIGNACAO_SOBREPOSTA", "designacoes[1]")
    assert error.detail.startswith("designação 1: ")
    assert world.repo.writes == [] and "jz.nova" not in world.repo.people_by_id
    assert world.service.import_batch([NEW], [good]) == {"pessoas": 1, "designacoes_criadas": 1}
    assert world.service.import_batch([NEW], [good]) == {"pessoas": 1, "designacoes_criadas": 0}


def test_bulk_import_refuses_overlaps_inside_the_batch_and_unknown_people(world):
    first = designation("b1", juizo="9VC-CBA")
    second = designation("b2", person="jz.barros", juizo="9VC-CBA", start="2027-03-10", end="2027-03-12")
    error = refused(world.service.import_batch, [], [first, second])
    assert (error.code, error.field, error.detail) == ("DESIGNACAO_SOBREPOSTA", "designacoes[1]",
                                                        "designações 0 e 1 se sobrepõem no juízo 9VC-CBA.")
    error = refused(world.service.import_batch, [], [designation(person="ninguem")])
    assert (error.code, error.field) == ("PESSOA_DESCONHECIDA", "designacoes[0].pessoa")


def test_pag_06_a_rule_refusal_in_a_batch_names_the_item_and_its_field(world):
    error = refused(world.service.import_batch, [NEW], [designation(kind="diarias", person="jz.nova")])
    assert (error.status, error.code, error.field) == (422, "PAG-06", "designacoes[0].municipio")
    assert error.detail.startswith("designação 0: ") and world.repo.writes == []


# --- vacations, renounced vacations, sessions ------------------------------------------------------------


def test_pag_09_vacation_and_renounced_vacation_are_facts_of_their_months(world):
    vacation = Vacation("v1", "jz.alves", Period(date(2027, 3, 20), date(2027, 4, 18)))
    assert world.service.record_vacation(vacation)["inicio"] == "2027-03-20"
    assert [f["id"] for f in world.repo.facts_of_kind("2027-04", "FERIAS")] == ["v1"]
    world.service.record_renounced(RenouncedVacation("r1", "jz.alves", 10, date(2027, 5, 3)))
    assert [f["dias"] for f in world.repo.facts_of_kind("2027-05", "RENUNCIA")] == [10]
    assert world.repo.pending == {"2027-03", "2027-04", "2027-05"}


def test_pag_09_a_vacation_longer_than_three_months_or_of_a_servant_is_refused(world):
    too_long = Vacation("v1", "jz.alves", Period(date(2027, 1, 20), date(2027, 4, 18)))
    assert (refused(world.service.record_vacation, too_long).field) == "fim"
    error = refused(world.service.record_vacation, Vacation("v2", "servidor.ana", Period(date(2027, 3, 1),
                                                                                         date(2027, 3, 5))))
    assert isinstance(error, Invalid) and world.repo.writes == []


def test_pag_07_a_session_with_a_member_twice_or_unknown_is_refused(world):
    twice = Session("S1", date(2027, 3, 3), (Attendance("des.dias", "presente"), Attendance("des.dias", "ausente")))
    assert refused(world.service.record_session, twice).field == "presencas"
    unknown = Session("S1", date(2027, 3, 3), (Attendance("des.ninguem", "presente"),))
    assert (refused(world.service.record_session, unknown).code) == "PESSOA_DESCONHECIDA"
    ok = Session("S1", date(2027, 3, 3), (Attendance("des.dias", "presente"),))
    assert world.service.record_session(ok)["presencas"][0]["membro"] == "des.dias"
    assert len(world.repo.facts_of_kind("2027-03", "SESSAO")) == 1


# --- events ----------------------------------------------------------------------------------------------


def compensation(substitute: str = "jz.alves") -> CompensationUsed:
    return CompensationUsed(compensacao_id="cmp-1", magistrado="jz.outro", nome="Outro", juizo="2VC-CBA",
                            substituto=substitute, substituto_nome="Juiz", juizo_substituto="1VC-CBA",
                            dias=[date(2027, 3, 31), date(2027, 4, 1)], aprovado_em=NOW, aprovado_por="presidente")


def deliver(world: World, payload):
    envelope = new_event(payload, tribunal="TRE-MT", correlation_id="teste")
    uow = world.repo.unit_of_work()
    world.service.apply_event(parse_event(envelope), envelope, uow)
    uow.commit()
    return envelope


def test_pag_02_a_compensation_is_a_fact_in_each_month_it_touches(world):
    deliver(world, compensation())
    assert [f["dias"] for m in ("2027-03", "2027-04") for f in world.repo.facts_of_kind(m, "COMPENSACAO")] == [
        ["2027-03-31"], ["2027-04-01"]]
    assert world.repo.pending == {"2027-03", "2027-04"}


def test_pag_08_a_bonus_is_a_fact_of_its_competencia_and_a_duty_is_kept_as_a_record(world):
    deliver(world, CooperationBonusAssessed(apuracao_id="a-r1", servidor="servidor.ana", nome="Ana",
                                            competencia="2027-03", natureza="apuracao", revisao=1, minutos=120,
                                            valor_hora=Decimal("45.00"), valor=Decimal("90.00")))
    deliver(world, DutyServed(plantao_id="p1", escala_id="e", tipo="segundo_grau", magistrado="des.dias",
                              nome="Des", data=date(2027, 3, 6), inicio=datetime(2027, 3, 6, 18, tzinfo=TZ),
                              fim=datetime(2027, 3, 7, 11, tzinfo=TZ), dia_util=False, dias_credito=1))
    assert [f["valor"] for f in world.repo.facts_of_kind("2027-03", "COOP")] == ["90.00"]
    assert [f["plantao_id"] for f in world.queries.duties("2027-03")] == ["p1"]


def test_pag_03_an_absence_is_stored_whoever_it_is_and_its_months_marked(world):
    deliver(world, MagistrateAbsenceRegistered(orgao="PLENO", magistrado="des.x", nome="Des. X",
                                               inicio=date(2027, 2, 25), fim=date(2027, 3, 2), motivo="licença"))
    assert [a.person for a in world.repo.absences.values()] == ["des.x"]
    assert world.repo.pending == {"2027-02", "2027-03"}


def test_an_event_for_an_unknown_person_is_parked_listed_and_replayed_once_registered(world):
    """Mirrors test_unknown_person_is_parked_listed_and_replayed (integration) on fakes."""
    envelope = deliver(world, compensation("jz.novo"))
    [parked], _ = world.queries.parked(10, None)
    assert parked["codigo"] == "PESSOA_DESCONHECIDA" and "não cadastrado" in parked["motivo"]
    assert parked["evento"]["data"]["substituto"] == "jz.novo" and "envelope" not in parked
    assert world.repo.facts == {}
    error = refused(world.service.replay_parked, envelope.id)
    assert (error.status, error.code) == (409, "PESSOA_DESCONHECIDA") and envelope.id in world.repo.parked_events
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "especial"))
    assert world.service.replay_parked(envelope.id)["resultado"] == "aplicado"
    assert world.repo.parked_events == {} and len(world.repo.facts_of_kind("2027-03", "COMPENSACAO")) == 1
    assert isinstance(refused(world.service.replay_parked, envelope.id), NotFound)


def test_a_replay_that_lost_to_another_replay_is_a_conflict_and_writes_nothing(world):
    envelope = deliver(world, compensation("jz.novo"))
    world.service.register_person(Person("jz.novo", "Juiz Novo", "magistrado", "juiz", "especial"))
    world.repo.before_commit.append(lambda: world.repo.parked_events.pop(envelope.id))
    error = refused(world.service.replay_parked, envelope.id)
    assert (error.status, error.detail) == (409, "o evento já foi reprocessado.") and world.repo.facts == {}


# --- signatures, edits, sending (PAG-10, PAG-11) ------------------------------------------------------------


def draft(world: World, month: str = "2027-03", category: str = "ferias", lines: int = 1) -> MemoHeader:
    rows = [Line(category, "PAG-09", f"p{n}", f"Pessoa {n}", "base", Decimal(1), Decimal("100.00"), f"p{n}", month,
                 f"p{n}") for n in range(lines)]
    return world.repo.publish_generation(new_draft(month, category), rows, NOW)


def test_pag_11_signatures_take_the_next_number_of_the_division_in_the_year(world):
    for month in ("2027-01", "2027-02"):
        draft(world, month)
    first = world.service.sign("2027-01-ferias", "presidente")
    second = world.service.sign("2027-02-ferias", "presidente")
    assert (first.header.number, second.header.number) == (1, 2)
    assert first.header.label == "Memorando nº 1/2027 – DIMAG" and first.header.signed_by == "presidente"
    assert world.queries.document("2027-02-ferias")["numero"] == "Memorando nº 2/2027 – DIMAG"


def test_pag_11_a_signature_that_lost_the_race_for_a_number_takes_the_next_one(world):
    """Mirrors tests/integration/test_pagamentos_http.py::test_pag_11_a_signature_that_lost_the_race_for_a_number_
    takes_the_next_one (moto, HTTP): the other signature commits between this one's read and its commit."""
    draft(world, "2027-01", "ferias"), draft(world, "2027-01", "diarias")
    world.repo.before_commit.append(lambda: world.service.sign("2027-01-diarias", "presidente"))
    signed = world.service.sign("2027-01-ferias", "presidente")
    other = world.repo.memo_headers_of_month("2027-01")["diarias"]
    assert (other.number, signed.header.number) == (1, 2)
    assert world.repo.counters == {("DIMAG", 2027): 2}


def test_pag_11_signatures_that_keep_losing_give_up_as_busy_and_write_nothing(world):
    draft(world)

    def rival() -> None:
        world.repo.counters[("DIMAG", 2027)] = world.repo.counters.get(("DIMAG", 2027), 0) + 1
        world.repo.before_commit.append(rival)

    world.repo.before_commit.append(rival)
    with pytest.raises(Busy):
        world.service.sign("2027-03-ferias", "presidente")
    world.repo.before_commit.clear()
    assert world.repo.headers[("2027-03", "ferias")].status == "rascunho"


def test_pag_10_lifecycle_draft_signed_sent_and_nothing_out_of_order(world):
    draft(world)
    noted = world.service.edit("2027-03-ferias", "dimag.folha", "conferido")
    assert noted.header.note == "conferido"
    error = refused(world.service.send, "2027-03-ferias", "dimag.folha")
    assert (error.status, error.code) == (409, "PAG-10") and world.documents.objects == {}
    world.service.sign("2027-03-ferias", "presidente")
    for action in (world.service.sign, world.service.edit):
        args = ("2027-03-ferias", "presidente") + (("x",) if action == world.service.edit else ())
        assert (refused(action, *args).code) == "PAG-10"
    sent = world.service.send("2027-03-ferias", "dimag.folha")
    assert sent.header.status == "enviado" and sent.header.documents["pdf_chave"].endswith("2027-03-ferias.pdf")
    assert set(world.documents.objects) == {f"pagamentos/memorandos/2027/2027-03-ferias.{x}" for x in
                                            ("json", "csv", "pdf")}
    assert world.documents.objects["pagamentos/memorandos/2027/2027-03-ferias.pdf"].startswith(
        b"PDF 2027-03-ferias assinado Memorando")
    assert refused(world.service.send, "2027-03-ferias", "dimag.folha").code == "PAG-10"


def test_pag_10_an_edit_that_lost_to_a_concurrent_write_is_a_conflict(world):
    draft(world)
    world.repo.before_commit.append(lambda: world.service.sign("2027-03-ferias", "presidente"))
    error = refused(world.service.edit, "2027-03-ferias", "dimag.folha", "x")
    assert (error.status, error.code) == (409, "CONFLITO")
    assert world.repo.headers[("2027-03", "ferias")].note is None


@pytest.mark.parametrize("the_id", ["2027-03-nada", "2027-13-ferias", "x", "2027-03-ferias"])
def test_pag_10_an_unknown_or_not_generated_memo_is_not_found(world, the_id):
    assert isinstance(refused(world.service.sign, the_id, "presidente"), NotFound)
    assert isinstance(refused(world.queries.csv, the_id), NotFound)


def test_pag_11_the_memo_as_csv_pdf_and_the_monthly_summary(world):
    draft(world, lines=2)
    assert world.queries.csv("2027-03-ferias").splitlines()[-1].split(";")[5] == "TOTAL"
    assert world.queries.pdf("2027-03-ferias") == b"PDF 2027-03-ferias rascunho minuta 2 linha(s)"
    summary = world.queries.summary("2027-03")
    assert summary["total_geral"] == "200.00" and len(summary["memorandos"]) == 9
    assert isinstance(refused(world.queries.summary, "2027-13"), Invalid)


def test_pag_01_only_a_finished_month_runs(world):
    """The clock is on 05/04/2027: March runs (the default), April and later are refused."""
    assert str(world.service.finished_month(None)) == "2027-03"
    assert str(world.service.finished_month("2026-12")) == "2026-12"
    error = refused(world.service.finished_month, "2027-04")
    assert (type(error), error.code, error.field) == (Refusal, "PAG-01", "competencia") and "2027-04" in error.detail
