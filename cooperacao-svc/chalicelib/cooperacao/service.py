"""Use cases of servants' cooperation (COOP-01..11): read what the rules need, let the pure domain decide, write
one transaction. They depend only on the ports (``ports.py``); reads that only answer a query are in ``queries.py``.

Writes two requests can race on are conditional on a version read before deciding (a unit's and a servant's
cooperations; a servant's month). When the condition fails nothing was written: the use case reads again and
decides again (so a second record at the 40 h cap is refused by COOP-06, not lost), up to ``ATTEMPTS`` times
(courtlib.retry), then :class:`courtlib.errors.Busy`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from chalicelib.cooperacao import acts
from chalicelib.cooperacao.config import CooperacaoConfig, cooperacao_config
from chalicelib.cooperacao.domain.model import (
    Consents,
    Cooperation,
    Designation,
    Leave,
    Modality,
    Period,
    Portaria,
    RuleError,
    Servant,
    Status,
    TimeRecord,
    Unit,
)
from chalicelib.cooperacao.domain.rules import (
    Assessment,
    RequestInput,
    assess,
    change_end,
    check_portaria_quota,
    decide,
    previous_month,
    remaining_quota,
    validate_record,
    validate_request,
)
from chalicelib.cooperacao.ports import (
    Audit,
    Clock,
    CooperacaoRepository,
    CooperacaoTransaction,
    MonthTotal,
    WorkingDays,
)

from courtlib.clock import TRIBUNAL_TZ
from courtlib.config import TribunalConfig
from courtlib.errors import CourtError, Forbidden, NotFound, Refusal, WriteConflict
from courtlib.messaging.contracts import (
    CooperationBonusAssessed,
    Envelope,
    MonthlyClosePartRequested,
    MonthlyCloseRequested,
    new_event,
)
from courtlib.observability import logger
from courtlib.retry import retry_on_conflict
from courtlib.runs import DONE, RunAct, RunRequest, record_request

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
ATTEMPTS = 8  # the first try and 7 retries (what this service always had)
EVENT_NAMESPACE = uuid.UUID("6f1c2d0e-5b7a-4c3e-9d2f-0a1b2c3d4e5f")
ANNEXES = ("I", "IV", "V")

retrying = retry_on_conflict(attempts=ATTEMPTS)
_CLOSE_COUNTS = ("execucoes", "servidores", "publicados", "ajustes", "publicados_total")
_PART_COUNTS = ("servidores", "publicados", "ajustes", "lotes", "lotes_refeitos")


@dataclass(frozen=True)
class Actor:
    username: str
    roles: frozenset[str]

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


@dataclass(frozen=True)
class RequestCommand:
    home_unit: str
    unit: str
    modality: Modality
    period: Period
    presencial: bool = False
    consents: Consents = Consents()
    work_plan: str | None = None
    leave_servant: str | None = None


@dataclass(frozen=True)
class ApprovedImport:
    """COOP-10: a cooperation deferred in the previous (paper/form) process."""

    servant: str
    command: RequestCommand
    goal: str
    decided_on: date


@dataclass(frozen=True)
class ReferenceImport:
    """The reference data in bulk (units first, so the rest can name them)."""

    units: Sequence[Unit] = ()
    servants: Sequence[Servant] = ()
    annexes: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    portarias: Sequence[Portaria] = ()
    leaves: Sequence[Leave] = ()
    designations: Sequence[Designation] = ()
    final_date: date | None = None


@dataclass(frozen=True)
class CloseResult:
    month: str
    servants: int
    published: int
    adjustments: int
    batches: int
    retried: int = 0


def monday_to_friday(day: date, municipality: str | None) -> bool:
    return day.weekday() < 5


@dataclass
class CooperacaoService:
    repository: CooperacaoRepository
    config: TribunalConfig
    clock: Clock
    working_day: WorkingDays = monday_to_friday

    @property
    def coop_config(self) -> CooperacaoConfig:
        return cooperacao_config(self.config)

    def now(self) -> datetime:
        return self.clock().astimezone(TZ)

    def today(self) -> date:
        return self.now().date()

    def final_date(self) -> date:
        return self.repository.final_date(self.coop_config.data_final_norma)

    # --- reference data --------------------------------------------------------------------------

    @retrying
    def put_servant(self, servant: Servant) -> None:
        found = self.repository.servant(servant.id)
        before = None if found is None else acts.servant_state(found[0])
        tx = self.repository.transaction()
        tx.put_servant(servant, 0 if found is None else found[1])
        tx.audit(acts.SERVANT_PUT, ("servidor", servant.id), rules=acts.rules(acts.SERVANT_PUT), before=before,
                 after=acts.servant_state(servant))
        tx.commit()

    @retrying
    def put_unit(self, unit: Unit) -> None:
        found = self.repository.unit_versioned(unit.id)
        tx = self.repository.transaction()
        tx.put_unit(unit, 0 if found is None else found[1])
        tx.audit(acts.UNIT_PUT, ("unidade", unit.id), rules=acts.rules(acts.UNIT_PUT),
                 before=None if found is None else acts.unit_state(found[0]), after=acts.unit_state(unit))
        tx.commit()

    def _require_units(self, ids: Iterable[str], field_name: str, known: Iterable[str] = ()) -> dict[str, Unit]:
        """The units named (a unit in ``known`` is being imported with them: it counts as existing)."""
        units, known = {}, set(known)
        for unit_id in ids:
            unit = self.repository.unit(unit_id)
            if unit is None and unit_id not in known:
                raise NotFound(f"Unidade {unit_id} não cadastrada.", field=f"{field_name}.{unit_id}")
            if unit is not None:
                units[unit_id] = unit
        return units

    def put_annex(self, annex: str, quotas: Mapping[str, int]) -> None:
        """COOP-02: the list of an annex (I, IV, V) replaces the previous one."""
        self._check_annex(annex, quotas)
        before = self.repository.annex(annex)
        self.repository.replace_annex(annex, quotas)
        # Up to 2000 units: more than one transaction holds, so the list is batched and its record follows in a
        # transaction of its own; a failure in between leaves a list a retry (a replace) rewrites, with its record.
        tx = self.repository.transaction()
        tx.audit(acts.ANNEX_PUT, ("anexo", annex), rules=acts.rules(acts.ANNEX_PUT),
                 before=acts.quotas_state(before) if before else None, after=acts.quotas_state(quotas))
        tx.commit()

    def _check_annex(self, annex: str, quotas: Mapping[str, int], known: Iterable[str] = ()) -> None:
        if annex not in ANNEXES:
            raise NotFound("Anexo inexistente (I, IV ou V).", field="anexo")
        self._require_units(quotas, "unidades", known)

    def put_portaria(self, portaria: Portaria) -> None:
        """COOP-02/09: a CGJ portaria (M2/M3), its period and quota per unit (limits of 002 checked)."""
        self._check_portaria(portaria)
        previous = self.repository.portaria(portaria.id)
        self.repository.put_portaria(portaria, Audit(
            acts.PORTARIA_PUT, ("portaria", portaria.id), acts.rules(acts.PORTARIA_PUT),
            None if previous is None else acts.portaria_state(previous), acts.portaria_state(portaria)))

    def _check_portaria(self, portaria: Portaria, imported: Mapping[str, Unit] | None = None) -> None:
        units = {**self._require_units(portaria.quotas, "unidades", imported or {}), **(imported or {})}
        for unit_id in portaria.quotas:
            check_portaria_quota(Portaria(portaria.id, portaria.modality, portaria.period,
                                          {unit_id: portaria.quotas[unit_id]}, portaria.widened),
                                 units[unit_id].kind, self.coop_config)

    def put_leave(self, leave: Leave) -> None:
        self._require_units([leave.unit], "unidade")
        tx = self.repository.transaction()
        tx.put_leave(leave)
        tx.audit(acts.LEAVE_ADD, acts.leave_target(leave), rules=acts.rules(acts.LEAVE_ADD),
                 after=acts.leave_state(leave))
        tx.commit()

    def put_designation(self, designation: Designation) -> None:
        self._require_units([designation.unit], "unidade")
        tx = self.repository.transaction()
        tx.put_designation(designation)
        tx.audit(acts.DESIGNATION_ADD, acts.designation_target(designation), rules=acts.rules(acts.DESIGNATION_ADD),
                 after=acts.designation_state(designation))
        tx.commit()

    def put_final_date(self, day: date) -> None:
        """COOP-09: the norm's final date (before: the one in force, set or configured)."""
        before = self.final_date()
        tx = self.repository.transaction()
        tx.put_final_date(day)
        tx.audit(acts.NORM_PUT, ("norma", "data_final"), rules=acts.rules(acts.NORM_PUT),
                 before={"data_final": before}, after={"data_final": day})
        tx.commit()

    def import_reference(self, data: ReferenceImport) -> None:
        """Units, servants, annexes, portarias, leaves, designations and the norm's date, as ONE audited act.

        Everything is checked first (a unit named may be one this import brings), so a refused import writes
        nothing. Then the items are written in that order, each a replace (up to tens of thousands: more than any
        transaction holds), and the import's one record — counts, ids while few, and a digest of the whole —
        is written in a transaction right after; a failure in between leaves items a retry rewrites.
        """
        imported = {unit.id: unit for unit in data.units}
        for annex, quotas in data.annexes.items():
            self._check_annex(annex, quotas, imported)
        for portaria in data.portarias:
            self._check_portaria(portaria, imported)
        for leave in data.leaves:
            self._require_units([leave.unit], "unidade", imported)
        for designation in data.designations:
            self._require_units([designation.unit], "unidade", imported)
        for unit in data.units:
            self.repository.put_unit(unit)
        for servant in data.servants:
            self.repository.put_servant(servant)
        for annex, quotas in data.annexes.items():
            self.repository.replace_annex(annex, quotas)
        for portaria in data.portarias:
            self.repository.put_portaria(portaria, None)
        for leave in data.leaves:
            self.repository.put_leave(leave)
        for designation in data.designations:
            self.repository.put_designation(designation)
        if data.final_date is not None:
            self.repository.put_final_date(data.final_date)
        tx = self.repository.transaction()
        tx.audit(acts.REFERENCE_IMPORT, ("importacao", acts.digest(_import_summary(data))[:16]),
                 rules=acts.rules(acts.REFERENCE_IMPORT), after=_import_record(data))
        tx.commit()

    # --- COOP-01..05, 07, 09: requests -------------------------------------------------------------

    @retrying
    def submit(self, servant_id: str, command: RequestCommand) -> tuple[Cooperation, int]:
        """A servant's request, checked on submission; returns it and the unit's remaining quota."""
        return self._submit(servant_id, command)

    def import_approved(self, servant_id: str, command: RequestCommand, goal: str, by: str,
                        decided_on: date) -> tuple[Cooperation, int]:
        """A cooperation already deferred in the previous (paper/form) process, brought in by the administration:
        the same rules as a request (COOP-02..05, 07, 09) judged as of its start, stored approved, with an
        ``importacao`` decision naming who brought it and when it was deferred."""
        if not goal.strip():
            raise RuleError("COOP-10", "meta", "Informe a meta fixada pelo gestor da unidade cooperada.")
        if decided_on > self.today():
            raise RuleError("COOP-10", "deferido_em", "O deferimento importado não pode estar no futuro.")
        return retrying(self._submit)(servant_id, command, imported=(goal, by, decided_on))

    def import_cooperations(self, items: Sequence[ApprovedImport], by: str) -> list[tuple[Cooperation, int]]:
        """Each item as :meth:`import_approved`; the first refusal stops the import, naming the item at fault
        (``cooperacoes.<n>``) and the ones already brought in (``importadas``)."""
        done: list[tuple[Cooperation, int]] = []
        for index, item in enumerate(items):
            try:
                done.append(self.import_approved(item.servant, item.command, item.goal, by, item.decided_on))
            except CourtError as error:
                error.extra.setdefault("importadas", [coop.id for coop, _ in done])
                error.field = f"cooperacoes.{index}" + (f".{error.field}" if error.field else "")
                raise
        return done

    def _submit(self, servant_id: str, command: RequestCommand,
                imported: tuple[str, str, date] | None = None) -> tuple[Cooperation, int]:
        found = self.repository.servant(servant_id)
        if found is None:
            raise NotFound(f"Cadastro do servidor {servant_id} não existe; procure a administração.",
                           field="servidor")
        servant, servant_version = found
        today = self.today() if imported is None else min(self.today(), command.period.start)
        context = self.repository.unit_context(command.unit, today)
        if context is None:
            raise NotFound(f"Unidade {command.unit} não cadastrada.", field="unidade_cooperada")
        unit_ctx, unit_version = context
        home = self.repository.unit(command.home_unit)
        request = RequestInput(servant, command.home_unit, unit_ctx, None if home is None else home.building,
                               command.modality, command.period, command.presencial, command.consents,
                               command.work_plan, command.leave_servant)
        validate_request(request, self.repository.servant_cooperations(servant_id, today), self.coop_config,
                         self.final_date(), today)
        coop = Cooperation(uuid.uuid4().hex[:12], servant_id, command.home_unit, command.unit, command.modality,
                           command.period, command.presencial, command.work_plan,
                           Status.PENDENTE if imported is None else Status.APROVADA, command.leave_servant,
                           None if imported is None else imported[0],
                           None if imported is None else imported[2])
        tx = self.repository.transaction()
        tx.add_cooperation(coop)
        tx.guard_unit(command.unit, unit_version)
        tx.guard_servant(servant_id, servant_version)
        if imported is None:
            tx.record_decision(coop.id, 1, self._decision({"acao": "requerimento", "por": servant_id,
                                                           "papel": "servidor", "regra": "COOP-01",
                                                           "situacao": coop.status}))
        else:
            tx.record_decision(coop.id, 1, self._decision({
                "acao": "importacao", "por": imported[1], "papel": "admin", "regra": "COOP-10",
                "situacao": coop.status, "meta": coop.goal,
                "motivo": f"deferida em {imported[2].isoformat()} no processo anterior"}))
        act = acts.REQUEST if imported is None else acts.IMPORT
        tx.audit(act, ("cooperacao", coop.id), rules=acts.rules(act), after=acts.cooperation_state(coop))
        tx.commit()
        left = remaining_quota(replace(unit_ctx, cooperations=unit_ctx.cooperations + (coop,)), coop.modality,
                               coop.period)
        return coop, left

    def _decision(self, data: dict[str, Any]) -> dict[str, Any]:
        """The record of who decided what, when and by which rule."""
        return {**data, "em": self.now().isoformat(timespec="seconds")}

    def _cooperation(self, coop_id: str, field_name: str = "id") -> tuple[Cooperation, int]:
        found = self.repository.cooperation(coop_id)
        if found is None:
            raise NotFound("Cooperação não encontrada.", field=field_name)
        return found

    # --- COOP-10 decisions ---------------------------------------------------------------------------

    @staticmethod
    def deciding_role(coop: Cooperation, actor: Actor) -> str:
        """COOP-10: the Corregedoria decides as such when the request awaits it or when it is not also a manager."""
        waits_cgj = coop.status == Status.AGUARDANDO_CORREGEDORIA
        if actor.has("corregedoria") and (waits_cgj or not actor.has("gestor")):
            return "corregedoria"
        return "gestor"

    @retrying
    def decide(self, coop_id: str, actor: Actor, approve: bool, goal: str | None, reason: str | None) -> Cooperation:
        """COOP-10: the cooperated unit's manager defers (with the goal) or denies; in M2/M3 then the Corregedoria."""
        coop, version = self._cooperation(coop_id)
        unit = self.repository.unit(coop.unit)
        manager = unit is not None and unit.manager == actor.username
        new, decision = decide(coop, approve=approve, by=actor.username, role=self.deciding_role(coop, actor),
                               manager_of_unit=manager, at=self.now(), goal=goal, reason=reason)
        tx = self.repository.transaction()
        tx.replace_cooperation(new, version)
        tx.record_decision(new.id, version + 1, self._decision({
            "acao": "deferimento" if approve else "indeferimento", "por": decision.by, "papel": decision.role,
            "regra": decision.rule, "situacao": new.status, "motivo": decision.reason, "meta": new.goal}))
        tx.audit(acts.DECIDE, ("cooperacao", new.id), rules=[decision.rule],
                 before={"situacao": coop.status, "meta": coop.goal},
                 after={"situacao": new.status, "meta": new.goal, "decisao": "deferimento" if approve else
                        "indeferimento", "papel": decision.role, "motivo": decision.reason,
                        "deferida_em": new.approved_on})
        tx.commit()
        return new

    def extend(self, coop_id: str, actor: Actor, new_end: date, reason: str | None) -> Cooperation:
        """COOP-10: the cooperated unit's manager extends an approved cooperation (within COOP-09)."""
        return self.change_end(coop_id, actor, new_end, reason, direction="prorrogacao")

    def end_early(self, coop_id: str, actor: Actor, new_end: date, reason: str | None) -> Cooperation:
        """COOP-10: the cooperated unit's manager ends an approved cooperation before its end."""
        return self.change_end(coop_id, actor, new_end, reason, direction="termino")

    @retrying
    def change_end(self, coop_id: str, actor: Actor, new_end: date, reason: str | None,
                   direction: str | None = None) -> Cooperation:
        coop, version = self._cooperation(coop_id)
        if direction == "prorrogacao" and new_end <= coop.period.end:
            raise RuleError("COOP-10", "fim", f"Prorrogar é terminar depois de {coop.period.end:%d/%m/%Y}.")
        if direction == "termino" and new_end >= coop.period.end:
            raise RuleError("COOP-10", "fim", f"O término antecipado é antes de {coop.period.end:%d/%m/%Y}.")
        today = self.today()
        context = self.repository.unit_context(coop.unit, today)
        if context is None:
            raise NotFound(f"Unidade {coop.unit} não cadastrada.", field="unidade")
        unit_ctx, unit_version = context
        new = change_end(coop, new_end, unit_ctx, list(self.repository.servant_cooperations(coop.servant, today)),
                         self.coop_config, self.final_date(), today, self._last_record_day(coop),
                         unit_ctx.unit.manager == actor.username)
        tx = self.repository.transaction()
        tx.replace_cooperation(new, version)
        tx.guard_unit(coop.unit, unit_version)
        tx.record_decision(new.id, version + 1, self._decision({
            "acao": "prorrogacao" if new_end > coop.period.end else "termino", "por": actor.username,
            "papel": "gestor", "regra": "COOP-10", "situacao": new.status, "motivo": reason,
            "fim_anterior": coop.period.end.isoformat(), "fim": new_end.isoformat()}))
        act = acts.EXTEND if new_end > coop.period.end else acts.END_EARLY
        tx.audit(act, ("cooperacao", new.id), rules=acts.rules(act),
                 before={"fim": coop.period.end, "situacao": coop.status},
                 after={"fim": new.period.end, "situacao": new.status, "motivo": reason})
        tx.commit()
        return new

    def _last_record_day(self, coop: Cooperation) -> date | None:
        last = None
        for month in coop.period.months():
            _, records = self.repository.month(coop.servant, month)
            for r in records:
                if r.cooperation == coop.id and (last is None or r.day > last):
                    last = r.day
        return last

    # --- COOP-06, COOP-08 ponto -------------------------------------------------------------------

    def record_time(self, actor: Actor, coop_id: str, start: datetime, end: datetime) -> tuple[TimeRecord, int, int]:
        """Returns the record, the month's total and the minutes still available (COOP-06).

        Two round trips when accepted in a warm container: one batch read of the cooperation, the servant and the
        month (its total item keeps a copy of its records), then the transaction; the unit (its municipality's
        calendar) is read once a minute per container (``recent_unit``), as the calendar itself is."""
        start, end = start.astimezone(TZ), end.astimezone(TZ)
        record = TimeRecord(actor.username, coop_id, start, end)
        reads = self.repository.time_record_reads(coop_id, actor.username, record.month)
        if reads.cooperation is None:
            raise NotFound("Cooperação não encontrada.", field="cooperacao")
        coop = reads.cooperation[0]
        if coop.servant != actor.username:
            raise Forbidden("Você só pode registrar ponto nas suas próprias cooperações.")
        if reads.servant is None:
            raise NotFound(f"Servidor {coop.servant} não cadastrado.", field="servidor")
        unit = self.repository.recent_unit(coop.unit)
        municipality = None if unit is None else unit.municipality
        first_read: list[tuple[MonthTotal | None, list[TimeRecord]]] = [(reads.month, reads.records)]

        def month_read() -> tuple[MonthTotal | None, list[TimeRecord]]:
            # the batch's month on the first attempt; after a lost condition, the month again by its key
            return first_read.pop() if first_read else self.repository.month_by_key(actor.username, record.month)

        return retrying(self._record)(record, coop, reads.servant[0], municipality, month_read)

    def _record(self, record: TimeRecord, coop: Cooperation, servant: Servant, municipality: str | None,
                month_read: Callable[[], tuple[MonthTotal | None, list[TimeRecord]]]) -> tuple[TimeRecord, int, int]:
        month, records = month_read()
        total = 0 if month is None else month.minutes
        same_day = [r for r in records if r.day == record.day]
        left = validate_record(record, coop, servant, total, same_day,
                               lambda day: self.working_day(day, municipality), self.now(), self.coop_config)
        tx = self.repository.transaction()
        tx.add_time_record(record, servant, month, self.coop_config.horas_mensais_max * 60)
        tx.audit(acts.TIME_RECORD, ("cooperacao", coop.id), rules=acts.rules(acts.TIME_RECORD),
                 before={"competencia": record.month, "minutos_mes": total},
                 after={"competencia": record.month, "minutos_mes": total + record.minutes,
                        "inicio": record.start, "fim": record.end, "minutos": record.minutes})
        tx.commit()
        return record, total + record.minutes, left

    def month_records(self, servant_id: str, month: str) -> tuple[int, list[TimeRecord]]:
        """The month's total minutes and its records in time order."""
        total, records = self.repository.month(servant_id, month)
        return (0 if total is None else total.minutes), sorted(records, key=lambda r: r.start)

    # --- COOP-11 monthly close ------------------------------------------------------------------------

    def ended_month(self, month: str | None) -> str:
        """COOP-11, by hand: ``month`` (default: the previous one) if it has ended."""
        today = self.today()
        month = month or previous_month(today)
        current = f"{today:%Y-%m}"
        if month >= current:
            raise Refusal("COOP-11", f"Só se fecha mês já terminado (anterior a {current}).", field="competencia")
        return month

    def close_ended_month(self, month: str | None, correlation_id: str, by: str) -> CloseResult:
        """COOP-11, by hand and at once (the schedule's and the tests' way; HTTP asks with :meth:`request_close`)."""
        return self.close_month(self.ended_month(month), correlation_id, by)

    def request_close(self, month: str | None, correlation_id: str, by: str) -> RunRequest:
        """COOP-11 by hand, asynchronously: the request of the close (``pendente``), its audit record and the event
        that makes this service's consumer run it, in one transaction. While a request of the month is pending or
        running, that one is answered and nothing is recorded; after it ended, a new request is a new run."""
        month = self.ended_month(month)

        def stage(request: RunRequest, version: int) -> CooperacaoTransaction:
            tx = self.repository.transaction()
            tx.put_close_request(month, request.to_dict(), version)
            return tx

        return record_request(
            month, by, self.now(), correlation_id,
            read=lambda: self.repository.close_request(month) or (None, 0), stage=stage,
            act=RunAct(acts.CLOSE_REQUEST, ("fechamento", month), acts.rules(acts.CLOSE_REQUEST)),
            event=lambda request: new_event(
                MonthlyCloseRequested(competencia=month, execucao=request.execucao, solicitado_por=by),
                tribunal=self.config.tribunal_id, correlation_id=correlation_id, subject=f"fechamento/{month}"),
            event_namespace=EVENT_NAMESPACE, event_name=lambda request: f"fechamento:{month}:{request.execucao}",
            asked=f"Execução do fechamento de {month}")

    def run_requested_close(self, payload: MonthlyCloseRequested, correlation_id: str) -> RunRequest | None:
        """The consumer's side of :meth:`request_close`: the run fans out. In one transaction the request becomes
        ``em_andamento`` with how many parts it has (``resumo.partes``) and one event per part
        (``cooperacao.fechamento-parte-solicitada.v1``) leaves for this service's own queue; each part is a slice
        of the month's servants that fits one invocation (:meth:`close_part`). A request already concluded or
        already fanned out, or another run's event, is skipped (a redelivery)."""
        month = payload.competencia
        for _ in range(2):
            found = self.repository.close_request(month)
            if found is None:
                return None
            request, version = RunRequest.from_dict(found[0]), found[1]
            if request.execucao != payload.execucao or request.situacao == DONE or "partes" in (request.resumo or {}):
                return None
            parts = self.repository.month_parts()
            running = replace(request.started(self.now()), resumo={"partes": parts, "partes_concluidas": 0})
            tx = self.repository.transaction()
            tx.put_close_request(month, running.to_dict(), version)
            for part in range(parts):
                event = new_event(MonthlyClosePartRequested(competencia=month, execucao=request.execucao,
                                                            parte=part, partes=parts,
                                                            solicitado_por=payload.solicitado_por),
                                  tribunal=self.config.tribunal_id, correlation_id=correlation_id,
                                  subject=f"fechamento/{month}/{part}")
                tx.emit(event.model_copy(update={"id": str(uuid.uuid5(
                    EVENT_NAMESPACE, f"fechamento:{month}:{request.execucao}:parte:{part}"))}))
            try:
                tx.commit()
            except WriteConflict:
                continue  # a redelivery fanned it out meanwhile: read again (and skip)
            return running
        return None

    def close_part(self, payload: MonthlyClosePartRequested, correlation_id: str) -> RunRequest | None:
        """One part of a requested close: its servants' publications (as :meth:`close_month`, batch by batch,
        idempotent: a servant already published with no change publishes nothing), then the part's counts in an
        item of its own (written once: a redelivered part that is done applies nothing), then, when every part
        is done, the run's end (:meth:`_finish_run`). A refusal marks the run ``falhou`` with its reason; an
        unexpected failure marks it ``falhou`` and is raised, so the queue delivers the part again (it resumes;
        the run becomes ``concluida`` when every part is done)."""
        month, run = payload.competencia, payload.execucao
        found = self.repository.close_request(month)
        if found is None:
            return None
        request = RunRequest.from_dict(found[0])
        if request.execucao != run or request.situacao == DONE:
            return None
        # the part count the run was fanned out in (remembered on its request), not today's setting: a part
        # redelivered after the setting changed reads the same shards
        parts = int((request.resumo or {}).get("partes", payload.partes))
        if payload.parte not in self.repository.close_parts(month, run):
            try:
                counts = self._close_servants(self.repository.month_totals(month, payload.parte, parts), month,
                                              correlation_id)
            except CourtError as error:
                self._mark_failed(month, run, error.detail)
                return None
            except Exception:
                self._mark_failed(month, run, f"falha inesperada na parte {payload.parte + 1} de {parts};"
                                              " a fila tentará de novo")
                raise
            tx = self.repository.transaction()
            done_at = self.now().isoformat(timespec="seconds")
            tx.put_close_part(month, run, payload.parte, {**counts, "concluida_em": done_at})
            try:
                tx.commit()
            except WriteConflict:
                pass  # the same part, delivered twice at once, recorded it first
        return self._finish_run(month, run, parts, payload.solicitado_por)

    def _finish_run(self, month: str, run: int, parts: int, by: str) -> RunRequest | None:
        """When every part of run ``run`` is done: the request ``concluida`` with the parts' counts summed, and — if
        the run published anything, or the month was never closed — the close's marker and its ONE audit record,
        all in one transaction conditioned on the request's version (two parts ending together: one finishes).
        Before that, nothing is written: the parts done are counted from their items when the status is read."""
        for _ in range(ATTEMPTS):
            found = self.repository.close_request(month)
            if found is None:
                return None
            request, version = RunRequest.from_dict(found[0]), found[1]
            if request.execucao != run or request.situacao == DONE:
                return None
            done = self.repository.close_parts(month, run)
            counts = {k: sum(int(p.get(k, 0)) for p in done.values()) for k in _PART_COUNTS}
            if len(done) < parts:
                return request  # not the last part: the status counts the parts' items (no write here to race on)
            ended = request.finished(self.now(), {"servidores": counts["servidores"],
                                                  "publicados": counts["publicados"], "ajustes": counts["ajustes"],
                                                  "lotes": counts["lotes"], "partes": parts,
                                                  "partes_concluidas": len(done)})
            tx = self.repository.transaction()
            tx.put_close_request(month, ended.to_dict(), version)
            self._stage_close_record(tx, month, by, counts)
            try:
                tx.commit()
            except WriteConflict:
                continue  # another part moved the request on: read again
            return ended
        raise WriteConflict("partes do fechamento concluindo juntas; a fila tentará de novo")

    def _mark_failed(self, month: str, run: int, reason: str) -> None:
        try:
            found = self.repository.close_request(month)
            if found is None:
                return
            request = RunRequest.from_dict(found[0])
            if request.execucao == run and request.situacao != DONE:
                self._save_close_request(request.failed(self.now(), reason), found[1])
        except Exception:  # the retry will record it; the original error is the one to raise
            logger.exception("falha ao registrar a situação do fechamento", extra={"competencia": month})

    def _save_close_request(self, request: RunRequest, read_version: int) -> int:
        tx = self.repository.transaction()
        tx.put_close_request(request.competencia, request.to_dict(), read_version)
        tx.commit()
        return read_version + 1

    def close_month(self, month: str, correlation_id: str, by: str) -> CloseResult:
        """The whole month's close in one call (every part in turn): the schedule's fallback, the tests' and the
        bench's way. A requested close fans out instead (:meth:`run_requested_close`, :meth:`close_part`); both
        publish the same, since each servant's publication is conditioned on the revision read.

        ``fechamento_lote`` servants per transaction (their month conditioned on the revision read + one outbox
        item each: ≤ 100 items). A servant already published with no change publishes nothing, so a second run is
        silent. A batch whose condition fails (a concurrent close) is redone one servant at a time from fresh
        reads. The event id is derived from ``apuracao_id``, so even two racing closes cannot publish one
        revision twice.
        """
        counts = self._close_servants(self.repository.month_totals(month), month, correlation_id)
        result = CloseResult(month, counts["servidores"], counts["publicados"], counts["ajustes"], counts["lotes"],
                             counts["lotes_refeitos"])
        tx = self.repository.transaction()
        if self._stage_close_record(tx, month, by, counts):
            tx.commit()
        return result

    def _close_servants(self, totals: Iterable[MonthTotal], month: str, correlation_id: str) -> dict[str, int]:
        """Publishes, per servant of ``totals``, an apuração (first time) or an ajuste (a later change), in
        batches of ``fechamento_lote``; returns the counts (``_PART_COUNTS``)."""
        batch: list[tuple[MonthTotal, Assessment]] = []
        counts = dict.fromkeys(_PART_COUNTS, 0)
        size = self.coop_config.fechamento_lote

        def flush() -> None:
            if not batch:
                return
            counts["lotes"] += 1
            try:
                self._publish(batch, correlation_id)
                done = [a for _, a in batch]
            except WriteConflict:
                counts["lotes_refeitos"] += 1
                done = [a for total, _ in batch if (a := self._reassess_one(total.servant, month, correlation_id))]
            counts["publicados"] += len(done)
            counts["ajustes"] += sum(1 for a in done if a.nature == "ajuste")
            batch.clear()

        for total in totals:
            counts["servidores"] += 1
            assessment = self._assess(total, month)
            if assessment is None:
                continue
            batch.append((total, assessment))
            if len(batch) >= size:
                flush()
        flush()
        return counts

    def _stage_close_record(self, tx: Any, month: str, by: str, counts: Mapping[str, int]) -> bool:
        """Stages the close's marker and its ONE audit record on ``tx``, unless the month was closed before and this
        run published nothing (a repeated or retried run: no act, so no marker and no record)."""
        found = self.repository.close_marker(month)
        if found is not None and counts["publicados"] == 0:
            return False
        previous = found or {}
        now = self.now().isoformat(timespec="seconds")
        marker = {
            "competencia": month, "primeiro_em": previous.get("primeiro_em", now),
            "ultimo_em": now, "por": by, "execucoes": int(previous.get("execucoes", 0)) + 1,
            "servidores": counts["servidores"], "publicados": counts["publicados"], "ajustes": counts["ajustes"],
            "publicados_total": int(previous.get("publicados_total", 0)) + counts["publicados"],
        }
        # The run committed its publications batch by batch (part by part); it is ONE act, recorded with its end.
        tx.put_close_marker(month, marker)
        tx.audit(acts.MONTHLY_CLOSE, ("fechamento", month), rules=acts.rules(acts.MONTHLY_CLOSE),
                 before=None if found is None else {k: found.get(k) for k in _CLOSE_COUNTS},
                 after={**{k: marker[k] for k in _CLOSE_COUNTS}, "lotes": counts["lotes"],
                        "lotes_refeitos": counts["lotes_refeitos"]})
        return True

    def _assess(self, total: MonthTotal, month: str) -> Assessment | None:
        return assess(total.servant, month, total.minutes, total.published_revision, total.published_minutes,
                      total.published_value, self.coop_config)

    def _publish(self, batch: list[tuple[MonthTotal, Assessment]], correlation_id: str) -> None:
        tx = self.repository.transaction()
        for total, a in batch:
            tx.publish_assessment(a)
            tx.emit(self._event(a, total.name, correlation_id))
        tx.commit()

    def _reassess_one(self, servant: str, month: str, correlation_id: str) -> Assessment | None:
        fresh = self.repository.month_total(servant, month)
        if fresh is None:
            return None
        assessment = self._assess(fresh, month)
        if assessment is None:
            return None
        try:
            self._publish([(fresh, assessment)], correlation_id)
        except WriteConflict:
            return None  # another close published it
        return assessment

    def _event(self, a: Assessment, name: str, correlation_id: str) -> Envelope:
        payload = CooperationBonusAssessed(
            apuracao_id=a.apuracao_id, servidor=a.servant, nome=name, competencia=a.month, natureza=a.nature,
            revisao=a.revision, minutos=a.minutes, valor_hora=self.coop_config.gratificacao_valor_hora, valor=a.value)
        envelope = new_event(payload, tribunal=self.config.tribunal_id, correlation_id=correlation_id,
                             subject=f"servidor/{a.servant}/{a.month}")
        return envelope.model_copy(update={"id": str(uuid.uuid5(EVENT_NAMESPACE, a.apuracao_id))})


def _import_summary(data: ReferenceImport) -> dict[str, Any]:
    """The whole import as JSON (only its digest goes into the record)."""
    return {"unidades": {u.id: acts.unit_state(u) for u in data.units},
            "servidores": {s.id: acts.servant_state(s) for s in data.servants},
            "anexos": {annex: dict(quotas) for annex, quotas in data.annexes.items()},
            "portarias": {p.id: {**acts.portaria_state(p), "cotas": p.quotas} for p in data.portarias},
            "afastamentos": [acts.leave_state(x) for x in data.leaves],
            "designacoes": [acts.designation_state(x) for x in data.designations],
            "data_final_norma": data.final_date}


def _import_record(data: ReferenceImport) -> dict[str, Any]:
    """What an import's record keeps: how many of each, the ids while few, and the digest of the whole."""
    ids = {"unidades": [u.id for u in data.units], "servidores": [s.id for s in data.servants],
           "anexos": sorted(data.annexes), "portarias": [p.id for p in data.portarias]}
    return {"quantidades": {"unidades": len(data.units), "servidores": len(data.servants),
                            "anexos": len(data.annexes), "portarias": len(data.portarias),
                            "afastamentos": len(data.leaves), "designacoes": len(data.designations)},
            "ids": {kind: values for kind, values in ids.items() if len(values) <= acts.LISTED_MAX},
            "data_final_norma": data.final_date, "resumo": acts.digest(_import_summary(data))}
