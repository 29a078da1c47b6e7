"""PLAN-04 after the commit: the approval (or a swap, impediment, new days) answers with its portaria numbered and
``documento: pendente``; the service's own consumer of ``plantao.portaria-emitida`` renders the text and the PDF
and sends each notice once, recorded per portaria and recipient, so a redelivered event sends nothing again."""

from __future__ import annotations

from datetime import date

import pytest
from chalicelib.plantao.domain import acts
from chalicelib.plantao.domain.scales import Kind, Month
from chalicelib.plantao.queries import scale_view
from chalicelib.plantao.service import NoticesPending

from courtlib.errors import NotFound

FEB = Month(2027, 2)
A, B = "2027-02-13#estadual:R1", "2027-02-20#estadual:R1"  # campos, alves


def approve_february(world):
    world.service.generate(FEB, Kind.ESTADUAL)
    return world.service.approve("2027-02-estadual", "presidente")


def test_plan_04_the_approval_answers_before_the_document_which_the_consumer_then_produces(world):
    stored, record, sent = approve_february(world)
    assert sent is None and world.documents.stored == {} and world.notifier.sent == []
    presidency = world.viewer("presidente", "presidencia")
    [ref] = scale_view(world.queries.scale(stored.id), presidency).portarias
    assert (ref.documento, ref.link_pdf) == ("pendente", None)
    with pytest.raises(NotFound, match="sendo gerado"):
        world.queries.portaria_document("MI", 2027, 1, "pdf", presidency)
    [event] = world.repository.events("portaria-emitida.v1")
    assert event.data == {"serie": "MI", "ano": 2027, "n": 1, "escala": "2027-02-estadual"}  # no name (PLAN-03)

    assert world.deliver() == len({p.magistrado for p in stored.scale.plantoes}) == 7
    assert world.queries.portaria_document("MI", 2027, 1, "pdf", presidency).startswith(b"%PDF")
    assert world.repository.portaria("MI", 2027, 1)["documento"] == "pronto"
    [ready] = world.repository.scale(FEB, Kind.ESTADUAL).portarias
    assert ready["documento"] == "pronto" and "conteudo" not in ready  # the scale lists it, without its content
    [published] = world.repository.audited(acts.PORTARIA_PUBLICAR)
    assert published.target == ("escala", "2027-02-estadual") and published.rules == ("PLAN-04",)
    assert published.after == {"portaria": "Portaria MI nº 1/2027", "documento": "pronto", "avisos_enviados": 7,
                               "avisos_devidos": 7, "avisos_recusados": 0}


def test_plan_04_a_redelivered_event_sends_no_second_notice_and_records_nothing(world):
    approve_february(world)
    world.deliver()
    mails, audits, pdf = list(world.notifier.sent), len(world.repository.audits), world.documents.stored
    assert world.deliver(times=2) == 0
    assert world.notifier.sent == mails and len(world.repository.audits) == audits and world.documents.stored == pdf
    assert len({m[0] for m in mails}) == len(mails) == 7  # one per recipient


def test_plan_04_a_notice_refused_by_ses_is_sent_on_redelivery_and_the_others_are_not_sent_again(world):
    approve_february(world)
    world.notifier.refuse.append("jz.gomes@exemplo.jus.br")
    with pytest.raises(NoticesPending):
        world.deliver()
    assert world.repository.portaria("MI", 2027, 1)["documento"] == "pronto"  # the document does not wait
    assert len(world.notifier.sent) == 6 and "jz.gomes" not in world.repository.notices_sent("MI", 2027, 1)
    assert world.deliver() == 1
    assert sorted(m[0] for m in world.notifier.sent).count("jz.gomes@exemplo.jus.br") == 1
    assert len(world.notifier.sent) == 7
    assert [a.after["avisos_enviados"] for a in world.repository.audited(acts.PORTARIA_PUBLICAR)] == [6, 1]


def test_plan_04_a_crash_between_the_send_and_its_record_sends_that_notice_again(world):
    """The at-least-once that remains (docs/plantao.md): SES accepted, the record was not written."""
    approve_february(world)
    record_notice = world.repository.record_notice
    crashed = []

    def crash_once(series, year, number, magistrate):
        if not crashed:
            crashed.append(magistrate)
            raise RuntimeError("a função parou aqui")
        return record_notice(series, year, number, magistrate)

    world.repository.record_notice = crash_once
    with pytest.raises(RuntimeError):
        world.deliver()
    world.deliver()
    addresses = [m[0] for m in world.notifier.sent]
    assert addresses.count(f"{crashed[0]}@exemplo.jus.br") == 2
    assert len(set(addresses)) == 7 and len(addresses) == 8


def test_plan_04_the_document_shows_what_was_decided_even_when_the_scale_changed_before_the_consumer(world):
    approve_february(world)
    swap = world.service.request_swap("2027-02-estadual", A, "jz.campos", B, "jz.alves", "compromisso",
                                      "gestor.vara1")
    world.service.approve_swap(swap["id"], "presidente")
    assert world.deliver() == 7 + 2
    first = world.documents.get("plantao/portarias/MI/2027/00001.txt").decode()
    second = world.documents.get("plantao/portarias/MI/2027/00002.txt").decode()
    assert "13/02/2027 | 11h às 18h | 1ª Região (Capital) | Juiz Caio Campos" in first  # as approved
    assert "13/02/2027 | 11h às 18h | 1ª Região (Capital) | Juiz André Alves" in second  # as swapped
    assert "Alterar a Portaria MI nº 1/2027" in second
    states = [p["documento"] for p in world.repository.scale(FEB, Kind.ESTADUAL).portarias]
    assert states == ["pronto", "pronto"]


def test_plan_04_an_event_of_an_unknown_portaria_changes_nothing(world):
    assert world.service.publish_portaria("MI", 2019, 1) == {"documento": None, "avisos_enviados": 0}
    assert world.repository.audits == [] and world.notifier.sent == []


def test_plan_04_the_consumer_retries_the_scale_when_it_changed_meanwhile(world):
    stored, _, _ = approve_february(world)
    world.clock.set(date(2027, 1, 25))
    # a swap approved between the consumer's read of the scale and its commit: read again, both kept
    swap = world.service.request_swap(stored.id, A, "jz.campos", B, "jz.alves", "compromisso", "gestor.vara1")
    world.repository.before_next_commit(lambda: world.service.approve_swap(swap["id"], "presidente"))
    world.service.publish_portaria("MI", 2027, 1)
    portarias = world.repository.scale(FEB, Kind.ESTADUAL).portarias
    assert [(p["numero"], p["documento"]) for p in portarias] == [("Portaria MI nº 1/2027", "pronto"),
                                                                   ("Portaria MI nº 2/2027", "pendente")]
    assert world.repository.conflicts == 1
