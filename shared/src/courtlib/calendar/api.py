"""The court calendar over HTTP and over events (CAL-01..03).

The owner service (plantao-svc) mounts :data:`calendar_admin_routes`: ``admin`` registers and
removes the tribunal's own days, and each change is emitted as an event in the same transaction.
Every service mounts :data:`calendar_read_routes` (the calendar is public information) and keeps its
copy current with :func:`calendar_event_handlers`. Handlers reach the service's pieces through
``ctx.deps`` (a :class:`courtlib.service.ServiceDeps`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from courtlib import clock
from courtlib.audit.api import add_history_route
from courtlib.auth.principal import ROLES
from courtlib.calendar import CalendarEntry, EntryKind, UnknownMunicipalityError, municipality_key, resolve_municipality
from courtlib.calendar.store import CalendarEntryItem, CalendarRepository, calendar_keys, to_entry, to_item
from courtlib.http import ProblemError, RequestContext, RouteSet
from courtlib.http.validation import FieldError, end_not_before_start
from courtlib.messaging.contracts import (
    CalendarDayRegistered,
    CalendarDayRemoved,
    CalendarKind,
    Envelope,
    event_type_of,
    new_event,
)
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.schema import Schema

if TYPE_CHECKING:
    from courtlib.messaging.consumer import EventHandler

MAX_RANGE_DAYS = 366
# The calendar's acts (issue 17), on the target ("dia", <yyyy-mm-dd>): the owner registers and removes, each
# service's copy follows.
DAY_TARGET = "dia"
DAY_REGISTERED, DAY_REMOVED = "CAL.DIA.REGISTRAR", "CAL.DIA.REMOVER"
DAY_COPIED, DAY_COPY_REMOVED = "CAL.DIA.COPIAR", "CAL.DIA.REMOVER_COPIA"

calendar_read_routes = RouteSet(service="calendario", title="Calendário", tag="Calendário")
# The court's date (mounted by the calendar's owner, plantao-svc): pages start their date fields at the court's
# today, which on a local stack playing a month is not the browser's.
calendar_clock_routes = RouteSet(service="calendario", title="Calendário (data do tribunal)", tag="Calendário")
calendar_admin_routes = RouteSet(service="calendario", title="Calendário (administração)", tag="Calendário")


class DiaIn(Schema):
    data: date
    tipo: CalendarKind
    municipio: str | None = Field(None, max_length=200, description="Código IBGE ou nome de um município do "
                                  "tribunal (guardado pelo código IBGE); vazio para todo o tribunal")
    descricao: str = Field(min_length=3, max_length=200)
    decretado_em: date | None = Field(None, description="Data do ato; por padrão, hoje (CAL-03)")

    @model_validator(mode="after")
    def _municipal_needs_place(self) -> DiaIn:
        if self.tipo == "feriado_municipal" and not self.municipio:
            raise FieldError("municipio", "feriado municipal exige o município")
        return self


class DiaOut(Schema):
    data: date
    tipo: CalendarKind
    municipio: str | None
    descricao: str
    decretado_em: date | None


class DiasDoAno(Schema):
    ano: int
    itens: list[DiaOut]


class AnoQuery(Schema):
    ano: int = Field(ge=2000, le=2100)
    municipio: str | None = None


class PeriodoQuery(Schema):
    inicio: date
    fim: date
    municipio: str | None = None

    @field_validator("fim")
    @classmethod
    def _bounded(cls, fim: date, info: ValidationInfo) -> date:
        """Refused on ``fim`` (a model validator would name no field)."""
        end_not_before_start(fim, info)
        inicio = info.data.get("inicio")
        if inicio is not None and (fim - inicio).days >= MAX_RANGE_DAYS:
            raise ValueError(f"no máximo {MAX_RANGE_DAYS} dias depois do início")
        return fim


class MunicipioQuery(Schema):
    municipio: str | None = None


class DiaSemExpediente(Schema):
    data: date
    motivo: str


class DiasUteis(Schema):
    inicio: date
    fim: date
    municipio: str | None
    dias_uteis: int
    dias_sem_expediente: list[DiaSemExpediente]


class HojeDoTribunal(Schema):
    data: date = Field(description="A data de hoje no fuso do tribunal")
    agora: str = Field(description="O instante, ao segundo, no fuso do tribunal (ISO 8601 com fuso)")
    fuso: str = Field(description="O fuso do tribunal (IANA)")


class SituacaoDoDia(Schema):
    data: date
    municipio: str | None
    dia_util: bool
    motivo: str | None


def _out(entry: CalendarEntry) -> DiaOut:
    return DiaOut(data=entry.day, tipo=entry.kind.value, municipio=entry.municipality,
                  descricao=entry.description, decretado_em=entry.decreed_on)


def _municipality(ctx: RequestContext, text: str | None, *, from_query: bool = False) -> str | None:
    """CAL-01: the IBGE code of a municipality given by code or name, among the tribunal's; None stays None, and
    so does an empty query parameter ``?municipio=`` when ``from_query`` (the tribunal as a whole)."""
    if text is None or (from_query and not text.strip()):
        return None
    try:
        return resolve_municipality(text, ctx.deps.config.municipios_registrados)
    except UnknownMunicipalityError as error:
        raise ProblemError.unprocessable("VALIDACAO", str(error), field="municipio") from None


def _years(start: date, end: date) -> range:
    return range(start.year, end.year + 1)


@calendar_read_routes.route("/calendario/dias", methods=["GET"], public=True, query=AnoQuery,
                            response=DiasDoAno, summary="Dias sem expediente registrados pelo tribunal num ano")
def list_days(ctx: RequestContext, query: AnoQuery) -> DiasDoAno:
    municipio = _municipality(ctx, query.municipio, from_query=True)
    entries = ctx.deps.calendar.entries_for_year(query.ano)
    if municipio:
        entries = [e for e in entries if e.municipality is None or e.applies_to(municipality_key(municipio), None)]
    return DiasDoAno(ano=query.ano, itens=[_out(e) for e in entries])


@calendar_read_routes.route("/calendario/dias-uteis", methods=["GET"], public=True, query=PeriodoQuery,
                            response=DiasUteis, summary="Conta os dias úteis de um período (CAL-01, CAL-02)")
def count_dias_uteis(ctx: RequestContext, query: PeriodoQuery) -> DiasUteis:
    municipio = _municipality(ctx, query.municipio, from_query=True)
    calendar = ctx.deps.calendar.calendar_for(ctx.deps.config, _years(query.inicio, query.fim))
    closed = [DiaSemExpediente(data=day, motivo=calendar.reason_not_dia_util(day, municipio) or "")
              for day in calendar.non_working_days(query.inicio, query.fim, municipio)]
    return DiasUteis(inicio=query.inicio, fim=query.fim, municipio=municipio,
                     dias_uteis=calendar.dias_uteis_between(query.inicio, query.fim, municipio),
                     dias_sem_expediente=closed)


@calendar_read_routes.route("/calendario/situacao/{data}", methods=["GET"], public=True, query=MunicipioQuery,
                            response=SituacaoDoDia, summary="Diz se um dia é útil e, se não for, por quê")
def day_status(ctx: RequestContext, query: MunicipioQuery, data: str) -> SituacaoDoDia:
    day = _parse_day(data)
    municipio = _municipality(ctx, query.municipio, from_query=True)
    calendar = ctx.deps.calendar.calendar_for(ctx.deps.config, [day.year])
    reason = calendar.reason_not_dia_util(day, municipio)
    return SituacaoDoDia(data=day, municipio=municipio, dia_util=reason is None, motivo=reason)


@calendar_clock_routes.route("/calendario/hoje", methods=["GET"], public=True, response=HojeDoTribunal,
                             summary="A data e a hora do tribunal (o relógio que as regras usam)")
def court_today(ctx: RequestContext) -> HojeDoTribunal:
    zone = ctx.deps.config.tz
    moment = ctx.deps.clock().astimezone(zone)  # the service's clock, which its rules use (a test sets it)
    return HojeDoTribunal(data=moment.date(), agora=moment.isoformat(timespec="seconds"), fuso=str(zone))


@calendar_admin_routes.route("/calendario/dias", methods=["POST"], roles={"admin"}, body=DiaIn, response=DiaOut,
                             status=201, idempotent=True,
                             summary="Registra feriado municipal, ponto facultativo ou dia sem expediente")
def register_day(ctx: RequestContext, body: DiaIn) -> DiaOut:
    municipio = _municipality(ctx, body.municipio)  # CAL-01: stored by IBGE code, whatever the admin typed
    try:
        entry = CalendarEntry(day=body.data, kind=EntryKind(body.tipo), municipality=municipio,
                              description=body.descricao,
                              decreed_on=body.decretado_em or clock.now().astimezone(ctx.deps.config.tz).date())
    except ValueError as error:  # the entry refuses what the model lets through (defence in depth)
        raise ProblemError.unprocessable("VALIDACAO", str(error), field="municipio") from None
    settings = ctx.deps.settings
    model = ctx.deps.calendar.model
    earlier = _stored(model, *calendar_keys(entry.day, entry.kind, entry.municipality))
    uow = UnitOfWork(settings)
    uow.save(to_item(model, entry))
    # Registering the same day, kind and place again replaces its description or date of decree: the record
    # keeps what it replaced.
    uow.audit(DAY_REGISTERED, (DAY_TARGET, entry.day.isoformat()), rules=_rules(entry.kind),
              before=earlier, after=day_state(entry))
    uow.emit(new_event(CalendarDayRegistered(data=entry.day, tipo=body.tipo, municipio=entry.municipality,
                                             descricao=entry.description, decretado_em=entry.decreed_on),
                       tribunal=settings.tribunal, correlation_id=ctx.correlation_id, subject=entry.day.isoformat()))
    uow.commit()
    ctx.deps.calendar.clear_cache()
    return _out(entry)


@calendar_admin_routes.route("/calendario/dias/{data}/{tipo}", methods=["DELETE"], roles={"admin"},
                             query=MunicipioQuery, status=204, summary="Desfaz o registro de um dia")
def remove_day(ctx: RequestContext, query: MunicipioQuery, data: str, tipo: str) -> None:
    day = _parse_day(data)
    if tipo not in {kind.value for kind in EntryKind}:
        raise ProblemError.unprocessable("VALIDACAO", f"tipo desconhecido: {tipo}", field="tipo")
    municipio = _municipality(ctx, query.municipio, from_query=True)
    settings = ctx.deps.settings
    model = ctx.deps.calendar.model
    pk, sk = calendar_keys(day, tipo, municipio)
    earlier = _stored(model, pk, sk)
    if earlier is None:
        raise ProblemError.not_found("Não há registro desse dia no calendário.")
    uow = UnitOfWork(settings)
    uow.delete(model(pk=pk, sk=sk), condition=model.pk.exists())
    # Deleting a day leaves its record: ``antes`` is the day as it was registered.
    uow.audit(DAY_REMOVED, (DAY_TARGET, day.isoformat()), rules=_rules(tipo), before=earlier)
    uow.emit(new_event(CalendarDayRemoved(data=day, tipo=tipo, municipio=municipio),
                       tribunal=settings.tribunal, correlation_id=ctx.correlation_id, subject=day.isoformat()))
    try:
        uow.commit()
    except ConditionFailed:
        raise ProblemError.not_found("Não há registro desse dia no calendário.") from None
    ctx.deps.calendar.clear_cache()


def day_state(entry: CalendarEntry) -> dict[str, Any]:
    """A calendar day as its history shows it."""
    return {"data": entry.day.isoformat(), "tipo": entry.kind.value, "municipio": entry.municipality,
            "descricao": entry.description, "decretado_em": entry.decreed_on.isoformat() if entry.decreed_on else None}


def _stored(model: type[CalendarEntryItem], pk: str, sk: str) -> dict[str, Any] | None:
    """The day stored under (pk, sk), as :func:`day_state`, or None (read strongly consistent: the act's before)."""
    try:
        return day_state(to_entry(model.get(pk, sk, consistent_read=True)))
    except model.DoesNotExist:
        return None


def _rules(kind: EntryKind | str) -> list[str]:
    """CAL-01 (the tribunal's days make the dias úteis); a ponto facultativo adds CAL-03 (it does not rebuild a
    published scale)."""
    return ["CAL-01", "CAL-03"] if EntryKind(kind) is EntryKind.PONTO_FACULTATIVO else ["CAL-01"]


def _may_read_day(ctx: RequestContext, day: str) -> None:
    """A day's history is read by the calendar's readers; the id must be a date (the target's id)."""
    _parse_day(day)


add_history_route(calendar_read_routes, "/calendario/dias/{data}/historico", target_type=DAY_TARGET, roles=ROLES,
                  may_read=_may_read_day, tags=["Calendário"],
                  summary="Histórico de um dia do calendário: registros, trocas e remoções, com quem e quando")


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ProblemError.unprocessable("VALIDACAO", "data inválida: use AAAA-MM-DD", field="data") from None


def calendar_event_handlers(calendar: CalendarRepository) -> dict[str, EventHandler]:
    """Applies the owner's calendar events to this service's copy (inside the consumer's transaction)."""
    # Each copy is an act of the system (``sistema:evento:<type>``, set by the consumer), recorded in the
    # consumer's transaction: the copy's history shows when this service learnt of the owner's act.
    def registered(payload: CalendarDayRegistered, envelope: Envelope, uow: UnitOfWork) -> None:
        entry = CalendarEntry(day=payload.data, kind=EntryKind(payload.tipo), municipality=payload.municipio,
                              description=payload.descricao, decreed_on=payload.decretado_em)
        item = to_item(calendar.model, entry)
        earlier = _stored(calendar.model, item.pk, item.sk)
        item.event_id = envelope.id
        item.recorded_at = clock.now()
        uow.save(item)
        uow.audit(DAY_COPIED, (DAY_TARGET, entry.day.isoformat()), rules=_rules(entry.kind), before=earlier,
                  after={**day_state(entry), "evento": envelope.id})
        uow.after_commit(calendar.clear_cache)

    def removed(payload: CalendarDayRemoved, envelope: Envelope, uow: UnitOfWork) -> None:
        pk, sk = calendar_keys(payload.data, payload.tipo, payload.municipio)
        earlier = _stored(calendar.model, pk, sk)
        uow.delete(calendar.model(pk=pk, sk=sk))
        gone = earlier or {"data": payload.data.isoformat(), "tipo": payload.tipo, "municipio": payload.municipio}
        uow.audit(DAY_COPY_REMOVED, (DAY_TARGET, payload.data.isoformat()),
                  rules=_rules(payload.tipo),
                  before=gone, after={"evento": envelope.id})
        uow.after_commit(calendar.clear_cache)

    # Each handler takes its own payload type; the consumer gives it the one its event type names.
    handlers: dict[str, Any] = {event_type_of(CalendarDayRegistered): registered,
                                event_type_of(CalendarDayRemoved): removed}
    return handlers
