"""Event contracts between services: the catalogue, the frozen payload schemas, and each consumer's acceptance.

A payload schema is a contract with other services: changing it must be a conscious act (a new
``.v2`` type, or updating the snapshot in ``schemas/`` together with every consumer).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from courtlib.messaging.contracts import (
    CATALOGUE,
    CalendarDayRegistered,
    CalendarDayRemoved,
    CompensationUsed,
    CooperationBonusAssessed,
    DutyServed,
    MagistrateAbsenceRegistered,
    MonthlyClosePartRequested,
    MonthlyCloseRequested,
    Payload,
    PaymentRunRequested,
    PortariaIssued,
    ScaleGenerationRequested,
    new_event,
)
from tests.integration.lambda_events import sqs_event

SCHEMAS = Path(__file__).parent / "schemas"

EXAMPLES: dict[type[Payload], dict] = {
    CalendarDayRegistered: {"data": "2027-09-08", "tipo": "feriado_municipal", "municipio": "5103403",
                            "descricao": "Feriado de contrato", "decretado_em": "2027-01-02"},
    CalendarDayRemoved: {"data": "2027-09-08", "tipo": "feriado_municipal", "municipio": "5103403"},
    MagistrateAbsenceRegistered: {"orgao": "PLENO", "magistrado": "des.silva", "nome": "Des. Maria Silva",
                                  "inicio": "2027-03-02", "fim": "2027-03-20", "motivo": "férias"},
    DutyServed: {"plantao_id": "2027-02-ESTADUAL-R1-2027-02-06", "escala_id": "2027-02-ESTADUAL",
                 "tipo": "estadual", "magistrado": "jd.paulo", "nome": "Juiz Paulo Henrique Costa",
                 "data": "2027-02-06", "inicio": "2027-02-06T11:00:00-03:00", "fim": "2027-02-06T18:00:00-03:00",
                 "dia_util": False, "dias_credito": 2},
    CompensationUsed: {"compensacao_id": "cmp-0001", "magistrado": "jd.paulo", "nome": "Juiz Paulo Henrique Costa",
                       "juizo": "1VC-CBA", "substituto": "jd.marina", "substituto_nome": "Juíza Marina Duarte",
                       "juizo_substituto": "2VC-CBA", "dias": ["2027-03-03", "2027-03-04"],
                       "aprovado_em": "2027-02-20T14:00:00-03:00", "aprovado_por": "presidente"},
    CooperationBonusAssessed: {"apuracao_id": "servidor.ana-2027-02-r1", "servidor": "servidor.ana",
                               "nome": "Ana Servidora", "competencia": "2027-02", "natureza": "apuracao",
                               "revisao": 1, "minutos": 2400, "valor_hora": "45.00", "valor": "1800.00"},
    # a month never requested: the consumer finds no request and runs nothing (a stale or foreign event)
    MonthlyCloseRequested: {"competencia": "2019-02", "execucao": 1, "solicitado_por": "dimag.folha"},
    MonthlyClosePartRequested: {"competencia": "2019-02", "execucao": 1, "parte": 3, "partes": 16,
                                "solicitado_por": "dimag.folha"},
    PaymentRunRequested: {"competencia": "2019-02", "execucao": 1, "solicitado_por": "dimag.folha"},
    # a portaria never issued: the consumer finds no record and renders nothing
    PortariaIssued: {"serie": "MI", "ano": 2019, "n": 1, "escala": "2019-02-estadual"},
    # a generation never requested: the consumer finds no request and generates nothing
    ScaleGenerationRequested: {"mes": "2019-02", "tipo": "estadual", "execucao": 1, "solicitado_por": "presidente"},
}


def _snapshot_path(event_type: str) -> Path:
    return SCHEMAS / f"{event_type}.json"


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_payload_schema_matches_its_published_contract(event_type):
    schema = CATALOGUE[event_type].payload.model_json_schema()
    published = json.loads(_snapshot_path(event_type).read_text())
    assert schema == published, f"the payload of {event_type} changed: publish a new version or update the contract"


def test_every_published_contract_is_still_in_the_catalogue():
    assert {path.stem for path in SCHEMAS.glob("*.json")} == set(CATALOGUE)


@pytest.mark.parametrize("event_type", sorted(CATALOGUE))
def test_every_event_has_a_valid_example(event_type):
    payload_class = CATALOGUE[event_type].payload
    assert payload_class in EXAMPLES, f"add an example of {event_type} to this contract test"
    payload_class.model_validate(EXAMPLES[payload_class])


@pytest.mark.parametrize(("event_type", "consumer"),
                         sorted((spec.type, consumer) for spec in CATALOGUE.values() for consumer in spec.consumers))
def test_each_declared_consumer_applies_the_event(event_type, consumer, service_app):
    """The consumer's own handler accepts the example: no batch failure, so no DLQ."""
    spec = CATALOGUE[event_type]
    event = new_event(spec.payload.model_validate(EXAMPLES[spec.payload]), tribunal="TRE-MT",
                      correlation_id="contrato")
    handler = service_app(consumer).handler_map["consume_events"]
    assert handler(sqs_event([event.model_dump_json()], f"https://sqs/{consumer}"), None) == {"batchItemFailures": []}
