"""COOP-12 judicial cooperation's use cases on in-memory fakes (over HTTP on moto:
test_cooperacao_http.py::test_coop_12_partner_requests_idempotent_private_deliberated_and_published)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from chalicelib.cooperacao.domain.model import RuleError
from chalicelib.cooperacao.judicial import INTERNAL

from courtlib.errors import Conflict, NotFound
from tests.unit.cooperacao.world import NOW, make_judicial

BODY = {"id_origem": "p-1", "juizo_solicitante": "2ª Vara Cível de Joinville/SC",
        "juizo_destinatario": "1ª Vara Cível de Cuiabá", "instrumento": "auxilio_direto",
        "objeto": "Oitiva de testemunha residente em Cuiabá por videoconferência"}
ACT = {"tipo": "ato_concertado", "titulo": "Ato concertado de oitivas", "resumo": "Oitivas por videoconferência",
       "partes": ["TJSC", "TRE-MT"], "data": "2026-03-02"}


@pytest.fixture
def judicial():
    return make_judicial()


def test_coop_12_a_request_is_received_once_and_the_same_id_again_returns_it(judicial):
    service, repo, _ = judicial
    first, created = service.receive("TJSC", "p-1", BODY)
    assert created and first["situacao"] == "recebido" and first["recebido_em"] == NOW.isoformat()
    again, created = service.receive("TJSC", "p-1", BODY)
    assert not created and again == first and len(repo.requests) == 1


def test_coop_12_the_same_id_with_another_content_is_a_conflict_and_writes_nothing(judicial):
    service, repo, _ = judicial
    service.receive("TJSC", "p-1", BODY)
    with pytest.raises(RuleError) as refused:
        service.receive("TJSC", "p-1", {**BODY, "objeto": "Outra coisa qualquer"})
    assert (refused.value.status, refused.value.code, refused.value.field) == (409, "COOP-12", "id_origem")
    assert service.get("TJSC", "p-1")["objeto"] == BODY["objeto"]


def test_coop_12_a_partner_reaches_only_its_own_requests(judicial):
    service, _, clock = judicial
    service.receive("TJSC", "p-1", BODY)
    clock.now = NOW + timedelta(minutes=1)
    service.receive("TJPR", "p-1", BODY)
    service.receive(INTERNAL, "i-1", {**BODY, "id_origem": "i-1"})
    with pytest.raises(NotFound) as missing:
        service.get("TJRS", "p-1")
    assert missing.value.field == "id"
    assert [r["origem"] for r in service.list_of("TJSC", 10, None)[0]] == ["TJSC"]
    assert service.list_of("TJRS", 10, None)[0] == []
    page, cursor = service.list_all(2, None)
    rest, _ = service.list_all(2, cursor)
    assert [r["origem"] for r in page + rest] == ["TJSC", "INTERNO", "TJPR"]


def test_coop_12_a_deferral_publishes_its_act_and_anyone_finds_it(judicial):
    service, repo, _ = judicial
    service.receive("TJSC", "p-1", BODY)
    data, act = service.deliberate("TJSC", "p-1", "nucleo.coop", "coordenador", "deferido",
                                   "CNJ Res. 350/2020, art. 6º", dict(ACT))
    assert data["situacao"] == "deferido" and data["deliberacoes"][0]["membro"] == "coordenador"
    assert data["deliberacoes"][0]["regra"] == "COOP-12" and act["pedido"] == "TJSC/p-1"
    assert service.get("TJSC", "p-1") == data and repo.requests[("TJSC", "p-1")][1] == 2
    assert service.act(act["id"]) == act
    assert [a["titulo"] for a in service.search("VIDEOCONFERENCIA oitivas", "ato_concertado", 2026, 10)] == [
        ACT["titulo"]]
    assert service.search("inexistente-xyz", None, None, 10) == []
    assert service.search(None, "boa_pratica", None, 10) == [] and service.search(None, None, 2025, 10) == []


@pytest.mark.parametrize("first,then,act,expected", [
    ("concluido", "deferido", None, (409, "COOP-12", "decisao")),
    ("indeferido", "deferido", None, (409, "COOP-12", "decisao")),
    (None, "indeferido", ACT, (422, "COOP-12", "ato")),
], ids=["after_concluded", "after_denied", "denied_with_act"])
def test_coop_12_refused_deliberations_write_nothing(judicial, first, then, act, expected):
    service, repo, _ = judicial
    service.receive("TJSC", "p-1", BODY)
    if first:
        service.deliberate("TJSC", "p-1", "nucleo.coop", "supervisor", first, "fundamento", None)
    before = repo.requests[("TJSC", "p-1")]
    with pytest.raises(RuleError) as refused:
        service.deliberate("TJSC", "p-1", "nucleo.coop", "secretario", then, "fundamento", act)
    assert (refused.value.status, refused.value.code, refused.value.field) == expected
    assert repo.requests[("TJSC", "p-1")] == before and repo.acts_by_id == {}


def test_coop_12_a_deliberation_raced_by_another_is_a_conflict_and_publishes_nothing(judicial):
    service, repo, _ = judicial
    service.receive("TJSC", "p-1", BODY)
    repo.concurrently(lambda: service.deliberate("TJSC", "p-1", "nucleo.coop", "supervisor", "concluido", "feito",
                                                 None))
    with pytest.raises(RuleError) as refused:
        service.deliberate("TJSC", "p-1", "nucleo.coop", "coordenador", "deferido", "fundamento", dict(ACT))
    assert isinstance(refused.value, Conflict) and "mudou" in refused.value.detail
    assert service.get("TJSC", "p-1")["situacao"] == "concluido" and repo.acts_by_id == {}


def test_coop_12_unknown_request_or_act_is_not_found(judicial):
    service, _, _ = judicial
    with pytest.raises(NotFound):
        service.deliberate("TJSC", "nenhum", "nucleo.coop", "coordenador", "deferido", "fundamento", None)
    with pytest.raises(NotFound) as missing:
        service.act("nenhum")
    assert missing.value.field == "id"


def test_coop_12_the_register_is_newest_first_and_limited(judicial):
    service, _, clock = judicial
    for n, day in enumerate(["2026-01-10", "2026-03-01", "2025-12-01"]):
        clock.now = datetime(2026, 3, 2, 10, n)
        service.publish({**ACT, "titulo": f"Acordo número {n}", "data": day}, "admin.ti")
    assert [a["data"] for a in service.search(None, None, None, 10)] == ["2026-03-01", "2026-01-10", "2025-12-01"]
    assert [a["titulo"] for a in service.search("acordo", None, None, 1)] == ["Acordo número 1"]
    assert [a["data"] for a in service.search(None, None, 2026, 10)] == ["2026-03-01", "2026-01-10"]


def test_coop_12_the_times_a_request_shows_are_to_the_second_as_every_other_timestamp(judicial):
    """recebido_em, a deliberation's em and an act's publicado_em drop the clock's microseconds."""
    service, _, clock = judicial
    clock.now = NOW.replace(microsecond=654321)
    received, _ = service.receive("TJSC", "p-9", {**BODY, "id_origem": "p-9"})
    deliberated, act = service.deliberate("TJSC", "p-9", "nucleo.ana", "coordenador", "deferido", "Cabível.", ACT)
    stamps = (received["recebido_em"], deliberated["deliberacoes"][-1]["em"], act["publicado_em"])
    assert stamps == (NOW.replace(microsecond=0).isoformat(),) * 3
    assert all(datetime.fromisoformat(s).microsecond == 0 and "." not in s for s in stamps)
