"""The event catalogue: one CloudEvents 1.0 envelope and a typed payload per event type.

Every event that crosses a service boundary is declared here, once: its type, the payload model,
the producing service, the consuming services and the FIFO message group that orders it. Producers
build envelopes with :func:`new_event`; consumers parse them with :func:`parse_event`.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import ConfigDict, Field

from courtlib import clock
from courtlib.schema import Schema

SPECVERSION: Literal["1.0"] = "1.0"
TYPE_PREFIX = "br.jus.tribunal"


class Envelope(Schema):
    """CloudEvents 1.0 attributes plus the tribunal and the correlation id (extension attributes)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    source: str
    type: str
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: clock.now())
    specversion: Literal["1.0"] = SPECVERSION
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    tribunal: str
    correlationid: str
    data: dict[str, Any]


class Payload(Schema):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- payloads -------------------------------------------------------------------------------

CalendarKind = Literal["feriado_municipal", "feriado_tribunal", "ponto_facultativo", "sem_expediente"]


class CalendarDayRegistered(Payload):
    """CAL-01/03: a day the tribunal declared non-working (municipal holiday, ponto facultativo…)."""

    data: date
    tipo: CalendarKind
    municipio: str | None = None
    descricao: str
    decretado_em: date


class CalendarDayRemoved(Payload):
    data: date
    tipo: CalendarKind
    municipio: str | None = None


class MagistrateAbsenceRegistered(Payload):
    """A member of an órgão julgador is away (DIST-06); pagamentos-svc counts those away for PAG-03."""

    orgao: str
    magistrado: str
    nome: str
    inicio: date
    fim: date | None = None
    motivo: str


DutyKind = Literal["estadual", "municipal", "noturno", "segundo_grau", "eleitoral"]


class DutyServed(Payload):
    """PLAN-07: a magistrate served a plantão (one per magistrate and shift, once the shift is over).

    ``dia_util`` is the shift's day as the producer's calendar saw it (CAL-01/02); a shift on a
    non-working day credits compensation days in plantao-svc (``dias_credito``).
    """

    plantao_id: str
    escala_id: str
    tipo: DutyKind
    magistrado: str
    nome: str
    data: date
    inicio: datetime
    fim: datetime
    dia_util: bool
    dias_credito: int = Field(ge=0)


class CompensationUsed(Payload):
    """PLAN-08: a magistrate is away on compensation days; the titular judge who substitutes holds
    two juízos on those days — a cumulação for pagamentos-svc (PAG-02, which counts only dias úteis)."""

    compensacao_id: str
    magistrado: str
    nome: str
    juizo: str
    substituto: str
    substituto_nome: str
    juizo_substituto: str
    dias: list[date] = Field(min_length=1)
    aprovado_em: datetime
    aprovado_por: str


class CooperationBonusAssessed(Payload):
    """COOP-11 → PAG-08: a servant's cooperation hours of a month and the gratificação they earn.

    ``natureza="apuracao"`` is the month's close; a later correction is an ``"ajuste"`` whose
    ``minutos`` and ``valor`` are the differences to what was already published (may be negative).
    ``apuracao_id`` is unique per servant, month and revision.
    """

    apuracao_id: str
    servidor: str
    nome: str
    competencia: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    natureza: Literal["apuracao", "ajuste"]
    revisao: int = Field(ge=1)
    minutos: int
    valor_hora: Decimal
    valor: Decimal


class MonthlyCloseRequested(Payload):
    """COOP-11 by hand: ``POST /fechamentos`` asked to close ``competencia``; cooperacao-svc's own consumer runs it."""

    competencia: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    execucao: int = Field(ge=1)
    solicitado_por: str


class MonthlyClosePartRequested(Payload):
    """COOP-11: one part of a close run (``parte`` of ``partes``: a slice of the month's servants, sized to fit one
    invocation); cooperacao-svc's own consumer closes it. Emitted by the consumer of ``fechamento-solicitado``."""

    competencia: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    execucao: int = Field(ge=1)
    parte: int = Field(ge=0)
    partes: int = Field(ge=1)
    solicitado_por: str


class PaymentRunRequested(Payload):
    """PAG-01 by hand: ``POST /execucoes`` asked to run ``competencia``; pagamentos-svc's own consumer runs it."""

    competencia: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    execucao: int = Field(ge=1)
    solicitado_por: str


class PortariaIssued(Payload):
    """PLAN-04: a portaria of plantão was numbered and committed; plantao-svc's own consumer renders its text and PDF
    and sends its notices after the request answered. Carries the number only: who is designated stays in the
    portaria's record (PLAN-03's embargo)."""

    serie: str = Field(pattern=r"^[A-Z]{1,4}$")
    ano: int = Field(ge=2000, le=2999)
    n: int = Field(ge=1)
    escala: str


class ScaleGenerationRequested(Payload):
    """PLAN-01/02 by hand: ``POST /escalas`` asked for the draft of ``mes`` and ``tipo``; plantao-svc's own consumer
    generates it (the generation outlasts an HTTP request at the tribunal's size)."""

    mes: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    tipo: str = Field(pattern=r"^[a-z_]{1,40}$")
    execucao: int = Field(ge=1)
    solicitado_por: str


# --- catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSpec:
    type: str
    payload: builtins.type[Payload]  # builtins: the field ``type`` shadows the name in the class body
    producer: str
    consumers: tuple[str, ...]
    group: Callable[[Any], str]
    description: str


def _spec(name: str, payload: type[Payload], producer: str, consumers: tuple[str, ...],
          group: Callable[[Any], str], description: str) -> EventSpec:
    return EventSpec(f"{TYPE_PREFIX}.{name}.v1", payload, producer, consumers, group, description)


CATALOGUE: dict[str, EventSpec] = {
    spec.type: spec
    for spec in (
        _spec("calendario.dia-registrado", CalendarDayRegistered, "plantao",
              ("cooperacao", "distribuicao", "pagamentos"), lambda p: f"calendario-{p.data.year}",
              "Dia sem expediente registrado pela administração (CAL-01, CAL-03)."),
        _spec("calendario.dia-removido", CalendarDayRemoved, "plantao",
              ("cooperacao", "distribuicao", "pagamentos"), lambda p: f"calendario-{p.data.year}",
              "Registro de dia sem expediente desfeito."),
        _spec("distribuicao.ausencia-registrada", MagistrateAbsenceRegistered, "distribuicao", ("pagamentos",),
              lambda p: f"ausencias-{p.magistrado}",
              "Afastamento de membro de órgão julgador (DIST-06), base da cumulação de desembargadores (PAG-03)."),
        _spec("plantao.plantao-realizado", DutyServed, "plantao", ("pagamentos",),
              lambda p: f"plantoes-{p.magistrado}",
              "Plantão cumprido por um magistrado (PLAN-07); em dia não útil gera crédito de compensação."),
        _spec("plantao.compensacao-usada", CompensationUsed, "plantao", ("pagamentos",),
              lambda p: f"cumulacao-{p.substituto}",
              "Folga compensatória deferida (PLAN-08): o juiz titular substituto acumula os juízos (PAG-02)."),
        _spec("plantao.portaria-emitida", PortariaIssued, "plantao", ("plantao",),
              lambda p: f"portaria-{p.escala}",
              "Portaria de plantão emitida (PLAN-04): o próprio serviço gera o texto e o PDF e envia os avisos."),
        _spec("plantao.geracao-solicitada", ScaleGenerationRequested, "plantao", ("plantao",),
              lambda p: f"geracao-{p.mes}-{p.tipo}",
              "Geração de escala pedida à mão (PLAN-01/02): o próprio serviço a gera na sua fila."),
        _spec("cooperacao.gratificacao-apurada", CooperationBonusAssessed, "cooperacao", ("pagamentos",),
              lambda p: f"gratificacao-{p.servidor}",
              "Gratificação de cooperação do mês por servidor (COOP-11), ou ajuste posterior (PAG-08, PAG-10)."),
        _spec("cooperacao.fechamento-solicitado", MonthlyCloseRequested, "cooperacao", ("cooperacao",),
              lambda p: f"fechamento-{p.competencia}",
              "Fechamento mensal pedido à mão (COOP-11): o próprio serviço o executa na sua fila."),
        _spec("cooperacao.fechamento-parte-solicitada", MonthlyClosePartRequested, "cooperacao", ("cooperacao",),
              lambda p: f"fechamento-{p.competencia}-{p.parte:02d}",
              "Uma parte de um fechamento mensal (COOP-11): cada parte cabe numa invocação; as partes correm em "
              "paralelo."),
        _spec("pagamentos.execucao-solicitada", PaymentRunRequested, "pagamentos", ("pagamentos",),
              lambda p: f"execucao-{p.competencia}",
              "Execução mensal pedida à mão (PAG-01): o próprio serviço a executa na sua fila."),
    )
}

_BY_PAYLOAD: dict[type[Payload], EventSpec] = {spec.payload: spec for spec in CATALOGUE.values()}


class UnknownEventType(ValueError):
    pass


def spec_for_payload(payload: Payload) -> EventSpec:
    return _BY_PAYLOAD[type(payload)]


def event_type_of(payload_class: type[Payload]) -> str:
    return _BY_PAYLOAD[payload_class].type


def new_event(payload: Payload, *, tribunal: str, correlation_id: str, subject: str | None = None) -> Envelope:
    """The envelope for ``payload``, typed and sourced from the catalogue."""
    spec = spec_for_payload(payload)
    return Envelope(
        source=f"/{tribunal.lower()}/{spec.producer}",
        type=spec.type,
        subject=subject,
        tribunal=tribunal,
        correlationid=correlation_id,
        data=payload.model_dump(mode="json"),
    )


def parse_event(envelope: Envelope) -> Payload:
    """The typed payload of ``envelope``; an unknown type or a bad payload raises (→ retry, then DLQ)."""
    spec = CATALOGUE.get(envelope.type)
    if spec is None:
        raise UnknownEventType(envelope.type)
    return spec.payload.model_validate(envelope.data)


def message_group(envelope: Envelope) -> str:
    """FIFO MessageGroupId: events of one group are delivered in order, groups in parallel."""
    spec = CATALOGUE[envelope.type]
    return spec.group(parse_event(envelope))
