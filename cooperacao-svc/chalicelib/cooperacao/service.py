"""Use cases of cooperacao-svc: read what the rules need, let the pure domain decide, write one transaction.

Writes two requests can race on are conditional on a version read before deciding (a unit's and a servant's
cooperations; a servant's month). When the condition fails nothing was written: the use case reads again and
decides again (so a second record at the 40 h cap is refused by COOP-06, not lost), up to ``MAX_ATTEMPTS``.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from chalicelib.cooperacao.adapters.store import (
    CoopItem,
    Store,
    decimal_text,
    dumps,
    record_to,
    servant_to,
    shard_of,
    unit_to,
)
from chalicelib.cooperacao.domain.model import (
    Consents,
    Cooperation,
    Designation,
    Leave,
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
    remaining_quota,
    validate_record,
    validate_request,
)

from courtlib.clock import TRIBUNAL_TZ
from courtlib.config import TribunalConfig
from courtlib.messaging.contracts import CooperationBonusAssessed, Envelope, new_event
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.settings import ServiceSettings

TZ = TRIBUNAL_TZ  # the tribunal's time zone (config ``timezone``)
MAX_ATTEMPTS = 8
EVENT_NAMESPACE = uuid.UUID("6f1c2d0e-5b7a-4c3e-9d2f-0a1b2c3d4e5f")
T = TypeVar("T")


class NotFound(LookupError):
    def __init__(self, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field


class Forbidden(PermissionError):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Busy(RuntimeError):
    """Too many concurrent writes on the same servant or unit: nothing was written; retry."""


class _Retry(Exception):
    pass


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
    modality: Any
    period: Period
    presencial: bool = False
    consents: Consents = Consents()
    work_plan: str | None = None
    leave_servant: str | None = None


@dataclass(frozen=True)
class CloseResult:
    month: str
    servants: int
    published: int
    adjustments: int
    batches: int
    retried: int = 0


def _retrying(action: Callable[[], T]) -> T:
    for attempt in range(MAX_ATTEMPTS):
        try:
            return action()
        except _Retry:
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** attempt)))
    raise Busy("muitas gravações simultâneas")


def _version_condition(model: type[CoopItem], version: int) -> Any:
    return model.version.does_not_exist() if version == 0 else model.version == version


@dataclass
class CooperacaoService:
    store: Store
    settings: ServiceSettings
    config: TribunalConfig
    clock: Callable[[], datetime]
    working_day: Callable[[date, str | None], bool] = field(default=lambda day, municipality: day.weekday() < 5)

    @property
    def coop_config(self) -> Any:
        return self.config.cooperacao

    def now(self) -> datetime:
        return self.clock().astimezone(TZ)

    def today(self) -> date:
        return self.now().date()

    def final_date(self) -> date:
        return self.store.final_date(self.coop_config.data_final_norma)

    # --- reference data --------------------------------------------------------------------------

    def put_servant(self, servant: Servant) -> None:
        existing = self.store.get(f"SERVIDOR#{servant.id}", "PERFIL")
        version = int(existing.version or 0) if existing else 0
        self.store.item(f"SERVIDOR#{servant.id}", "PERFIL", "servidor", servant_to(servant), version=version + 1,
                        gsi1pk="SERVIDORES", gsi1sk=servant.id).save()

    def put_unit(self, unit: Unit) -> None:
        existing = self.store.get(f"UNIDADE#{unit.id}", "UNIDADE")
        version = int(existing.version or 0) if existing else 0
        extra = {"gsi2pk": f"GESTOR#{unit.manager}", "gsi2sk": unit.id} if unit.manager else {}
        self.store.item(f"UNIDADE#{unit.id}", "UNIDADE", "unidade", unit_to(unit), version=version + 1,
                        gsi1pk="UNIDADES", gsi1sk=unit.id, **extra).save()

    def _require_units(self, ids: Iterable[str], field_name: str) -> dict[str, Unit]:
        units = {}
        for unit_id in ids:
            unit = self.store.unit(unit_id)
            if unit is None:
                raise NotFound(f"Unidade {unit_id} não cadastrada.", field=f"{field_name}.{unit_id}")
            units[unit_id] = unit
        return units

    def put_annex(self, annex: str, quotas: Mapping[str, int]) -> None:
        """COOP-02: the list of an annex (I, IV, V) replaces the previous one."""
        self._require_units(quotas, "unidades")
        old = {i.gsi1sk for i in self.store.query_gsi1(f"ANEXO#{annex}")}
        with self.store.model.batch_write() as batch:
            for unit_id in old - set(quotas):
                batch.delete(self.store.model(pk=f"UNIDADE#{unit_id}", sk=f"ANEXO#{annex}"))
            for unit_id, quota in quotas.items():
                batch.save(self.store.item(f"UNIDADE#{unit_id}", f"ANEXO#{annex}", "anexo",
                                           {"anexo": annex, "cota": quota}, gsi1pk=f"ANEXO#{annex}", gsi1sk=unit_id))

    def annex(self, annex: str) -> dict[str, int]:
        return {i.gsi1sk: int(json.loads(i.data)["cota"]) for i in self.store.query_gsi1(f"ANEXO#{annex}")}

    def put_portaria(self, portaria: Portaria) -> None:
        """COOP-02/09: a CGJ portaria (M2/M3), its period and quota per unit (limits of 002 checked)."""
        units = self._require_units(portaria.quotas, "unidades")
        for unit_id in portaria.quotas:
            check_portaria_quota(Portaria(portaria.id, portaria.modality, portaria.period,
                                          {unit_id: portaria.quotas[unit_id]}, portaria.widened),
                                 units[unit_id].kind, self.coop_config)
        previous = self.store.data(f"PORTARIA#{portaria.id}", "PORTARIA")
        header = {"id": portaria.id, "modalidade": portaria.modality, "inicio": portaria.period.start.isoformat(),
                  "fim": portaria.period.end.isoformat(), "unidades": portaria.quotas, "ampliada": portaria.widened}
        with self.store.model.batch_write() as batch:
            for unit_id in set((previous or {}).get("unidades", {})) - set(portaria.quotas):
                batch.delete(self.store.model(pk=f"UNIDADE#{unit_id}", sk=f"PORTARIA#{portaria.id}"))
            for unit_id, quota in portaria.quotas.items():
                batch.save(self.store.item(f"UNIDADE#{unit_id}", f"PORTARIA#{portaria.id}", "portaria_unidade",
                                           {**header, "unidades": None, "cota": quota}))
            batch.save(self.store.item(f"PORTARIA#{portaria.id}", "PORTARIA", "portaria", header,
                                       gsi1pk="PORTARIAS", gsi1sk=f"{portaria.period.start.isoformat()}#{portaria.id}"))

    def portarias(self) -> list[dict[str, Any]]:
        return [json.loads(i.data) for i in self.store.query_gsi1("PORTARIAS")]

    def put_leave(self, leave: Leave) -> None:
        self._require_units([leave.unit], "unidade")
        self.store.item(f"UNIDADE#{leave.unit}", f"AFASTAMENTO#{leave.servant}#{leave.period.start.isoformat()}",
                        "afastamento", {"servidor": leave.servant, "tipo": leave.kind,
                                        "inicio": leave.period.start.isoformat(), "fim": leave.period.end.isoformat(),
                                        "comissionado": leave.servant_commissioned}).save()

    def put_designation(self, d: Designation) -> None:
        self._require_units([d.unit], "unidade")
        self.store.item(f"UNIDADE#{d.unit}", f"DESIGNACAO#{d.servant}#{d.period.start.isoformat()}", "designacao",
                        {"servidor": d.servant, "efetivo": d.efetivo, "lotacao": d.home_unit,
                         "inicio": d.period.start.isoformat(), "fim": d.period.end.isoformat()}).save()

    def put_final_date(self, day: date) -> None:
        self.store.item("NORMA", "NORMA", "norma", {"data_final": day.isoformat()}).save()

    def servant(self, servant_id: str) -> Servant:
        found = self.store.servant(servant_id)
        if found is None:
            raise NotFound(f"Servidor {servant_id} não cadastrado.", field="servidor")
        return found[0]

    def servants(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Servant], Any]:
        return self.store.servants(limit, start)

    def units(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Unit], Any]:
        return self.store.units(limit, start)

    def unit(self, unit_id: str) -> Unit:
        unit = self.store.unit(unit_id)
        if unit is None:
            raise NotFound(f"Unidade {unit_id} não cadastrada.", field="unidade")
        return unit

    # --- COOP-01..05, 07, 09: requests -------------------------------------------------------------

    def submit(self, servant_id: str, command: RequestCommand) -> tuple[Cooperation, int]:
        """A servant's request, checked on submission; returns it and the unit's remaining quota."""
        return _retrying(lambda: self._submit(servant_id, command))

    def import_approved(self, servant_id: str, command: RequestCommand, goal: str, by: str,
                        decided_on: date) -> tuple[Cooperation, int]:
        """A cooperation already deferred in the previous (paper/form) process, brought in by the administration:
        the same rules as a request (COOP-02..05, 07, 09) judged as of its start, stored approved, with an
        ``importacao`` decision naming who brought it and when it was deferred."""
        if not goal.strip():
            raise RuleError("COOP-10", "meta", "Informe a meta fixada pelo gestor da unidade cooperada.")
        if decided_on > self.today():
            raise RuleError("COOP-10", "deferido_em", "O deferimento importado não pode estar no futuro.")
        return _retrying(lambda: self._submit(servant_id, command, imported=(goal, by, decided_on)))

    def _submit(self, servant_id: str, command: RequestCommand,
                imported: tuple[str, str, date] | None = None) -> tuple[Cooperation, int]:
        found = self.store.servant(servant_id)
        if found is None:
            raise NotFound(f"Cadastro do servidor {servant_id} não existe; procure a administração.",
                           field="servidor")
        servant, servant_version = found
        today = self.today() if imported is None else min(self.today(), command.period.start)
        context = self.store.unit_context(command.unit, today)
        if context is None:
            raise NotFound(f"Unidade {command.unit} não cadastrada.", field="unidade_cooperada")
        unit_ctx, unit_version = context
        home = self.store.unit(command.home_unit)
        request = RequestInput(servant, command.home_unit, unit_ctx, None if home is None else home.building,
                               command.modality, command.period, command.presencial, command.consents,
                               command.work_plan, command.leave_servant)
        validate_request(request, self.store.servant_cooperations(servant_id, today), self.coop_config,
                         self.final_date(), today)
        coop = Cooperation(uuid.uuid4().hex[:12], servant_id, command.home_unit, command.unit, command.modality,
                           command.period, command.presencial, command.work_plan,
                           Status.PENDENTE if imported is None else Status.APROVADA, command.leave_servant,
                           None if imported is None else imported[0],
                           None if imported is None else imported[2])
        model = self.store.model
        uow = UnitOfWork(self.settings)
        uow.save(self.store.coop_item(coop, 1), condition=model.pk.does_not_exist())
        uow.update(model(pk=f"UNIDADE#{command.unit}", sk="UNIDADE"), actions=[model.version.add(1)],
                   condition=_version_condition(model, unit_version))
        uow.update(model(pk=f"SERVIDOR#{servant_id}", sk="PERFIL"), actions=[model.version.add(1)],
                   condition=_version_condition(model, servant_version))
        if imported is None:
            uow.save(self._decision_item(coop, 1, {"acao": "requerimento", "por": servant_id, "papel": "servidor",
                                                "regra": "COOP-01", "situacao": coop.status}))
        else:
            uow.save(self._decision_item(coop, 1, {"acao": "importacao", "por": imported[1], "papel": "admin",
                                                "regra": "COOP-10", "situacao": coop.status, "meta": coop.goal,
                                                "motivo": f"deferida em {imported[2].isoformat()} no processo "
                                                          "anterior"}))
        try:
            uow.commit()
        except ConditionFailed:
            raise _Retry() from None
        left = remaining_quota(replace(unit_ctx, cooperations=unit_ctx.cooperations + (coop,)), coop.modality,
                               coop.period)
        return coop, left

    def _decision_item(self, coop: Cooperation, version: int, data: dict[str, Any]) -> CoopItem:
        """The record of who decided what, when and by which rule; keyed by the cooperation's new version, which
        the same transaction writes conditionally, so decisions are ordered and never overwritten."""
        at = self.now().isoformat()
        return self.store.item(f"COOP#{coop.id}", f"DECISAO#{version:06d}", "decisao", {**data, "em": at})

    def cooperation(self, coop_id: str) -> tuple[Cooperation, int]:
        found = self.store.cooperation(coop_id)
        if found is None:
            raise NotFound("Cooperação não encontrada.", field="id")
        return found

    def can_see(self, coop: Cooperation, actor: Actor) -> bool:
        """Object-level check: the servant, the managers of both units, the corregedoria, admin."""
        if actor.username == coop.servant or actor.has("corregedoria", "admin"):
            return True
        if actor.has("gestor"):
            return any((u := self.store.unit(uid)) is not None and u.manager == actor.username
                       for uid in (coop.unit, coop.home_unit))
        return False

    # --- COOP-10 decisions ---------------------------------------------------------------------------

    def decide(self, coop_id: str, actor: Actor, role: str, approve: bool, goal: str | None,
               reason: str | None) -> Cooperation:
        def attempt() -> Cooperation:
            coop, version = self.cooperation(coop_id)
            unit = self.store.unit(coop.unit)
            manager = unit is not None and unit.manager == actor.username
            new, decision = decide(coop, approve=approve, by=actor.username, role=role, manager_of_unit=manager,
                                   at=self.now(), goal=goal, reason=reason)
            uow = UnitOfWork(self.settings)
            uow.save(self.store.coop_item(new, version + 1), condition=self.store.model.version == version)
            uow.save(self._decision_item(new, version + 1, {"acao": "deferimento" if approve else "indeferimento",
                                               "por": decision.by, "papel": decision.role, "regra": decision.rule,
                                               "situacao": new.status, "motivo": decision.reason, "meta": new.goal}))
            try:
                uow.commit()
            except ConditionFailed:
                raise _Retry() from None
            return new

        return _retrying(attempt)

    def change_end(self, coop_id: str, actor: Actor, new_end: date, reason: str | None) -> Cooperation:
        def attempt() -> Cooperation:
            coop, version = self.cooperation(coop_id)
            today = self.today()
            context = self.store.unit_context(coop.unit, today)
            assert context is not None
            unit_ctx, unit_version = context
            last = self._last_record_day(coop)
            new = change_end(coop, new_end, unit_ctx, list(self.store.servant_cooperations(coop.servant, today)),
                             self.coop_config, self.final_date(), today, last,
                             unit_ctx.unit.manager == actor.username)
            model = self.store.model
            uow = UnitOfWork(self.settings)
            uow.save(self.store.coop_item(new, version + 1), condition=model.version == version)
            uow.update(model(pk=f"UNIDADE#{coop.unit}", sk="UNIDADE"), actions=[model.version.add(1)],
                       condition=_version_condition(model, unit_version))
            action = "prorrogacao" if new_end > coop.period.end else "termino"
            uow.save(self._decision_item(new, version + 1, {"acao": action, "por": actor.username, "papel": "gestor",
                                               "regra": "COOP-10", "situacao": new.status, "motivo": reason,
                                               "fim_anterior": coop.period.end.isoformat(),
                                               "fim": new_end.isoformat()}))
            try:
                uow.commit()
            except ConditionFailed:
                raise _Retry() from None
            return new

        return _retrying(attempt)

    def _last_record_day(self, coop: Cooperation) -> date | None:
        last = None
        for month in coop.period.months():
            _, records = self.store.month(coop.servant, month)
            for r in records:
                if r.cooperation == coop.id and (last is None or r.day > last):
                    last = r.day
        return last

    # --- COOP-06, COOP-08 ponto -------------------------------------------------------------------

    def record_time(self, actor: Actor, coop_id: str, start: datetime, end: datetime) -> tuple[TimeRecord, int, int]:
        """Returns the record, the month's total and the minutes still available (COOP-06)."""
        start, end = start.astimezone(TZ), end.astimezone(TZ)
        found = self.store.cooperation(coop_id)
        if found is None:
            raise NotFound("Cooperação não encontrada.", field="cooperacao")
        coop, _ = found
        if coop.servant != actor.username:
            raise Forbidden("Você só pode registrar ponto nas suas próprias cooperações.")
        servant = self.servant(coop.servant)
        unit = self.store.unit(coop.unit)
        municipality = None if unit is None else unit.municipality
        record = TimeRecord(coop.servant, coop.id, start, end)
        return _retrying(lambda: self._record(record, coop, servant, municipality))

    def _record(self, record: TimeRecord, coop: Cooperation, servant: Servant,
                municipality: str | None) -> tuple[TimeRecord, int, int]:
        total_item, records = self.store.month(servant.id, record.month)
        total = int(total_item.minutos or 0) if total_item else 0
        version = int(total_item.version or 0) if total_item else 0
        same_day = [r for r in records if r.day == record.day]
        left = validate_record(record, coop, servant, total, same_day,
                               lambda day: self.working_day(day, municipality), self.now(), self.coop_config)
        model = self.store.model
        cap = self.coop_config.horas_mensais_max * 60
        minutes = record.minutes
        uow = UnitOfWork(self.settings)
        # The cap as a conditional write on the month's total (COOP-06) plus the version read (COOP-08 overlaps).
        if total_item is None:
            condition = model.pk.does_not_exist()
        else:
            condition = (model.minutos <= cap - minutes) & (model.version == version)
        month_data = {"servidor": servant.id, "nome": servant.name, "competencia": record.month}
        uow.update(model(pk=f"SERVIDOR#{servant.id}", sk=f"MES#{record.month}"),
                   actions=[model.minutos.add(minutes), model.version.add(1), model.kind.set("mes"),
                            model.data.set(dumps(month_data)),
                            model.gsi1pk.set(f"MES#{record.month}#{shard_of(servant.id):02d}"),
                            model.gsi1sk.set(servant.id)],
                   condition=condition)
        uow.save(self.store.item(f"SERVIDOR#{servant.id}", f"MES#{record.month}#PONTO#{record.start.isoformat()}",
                                 "ponto", {**record_to(record), "minutos": minutes,
                                           "registrado_em": self.now().isoformat()}),
                 condition=model.pk.does_not_exist())
        try:
            uow.commit()
        except ConditionFailed:
            raise _Retry() from None
        return record, total + minutes, left

    def month_records(self, servant_id: str, month: str) -> tuple[int, list[TimeRecord]]:
        total_item, records = self.store.month(servant_id, month)
        return (int(total_item.minutos or 0) if total_item else 0), sorted(records, key=lambda r: r.start)

    # --- COOP-11 monthly close ------------------------------------------------------------------------

    def close_month(self, month: str, correlation_id: str, by: str) -> CloseResult:
        """Publishes, per servant with hours in ``month``, an apuração (first time) or an ajuste (a later change).

        Query only (gsi1 shards of the month); ``fechamento_lote`` servants per transaction (their month item
        conditioned on the revision read + one outbox item each: ≤ 100 items). A servant already published
        with no change publishes nothing, so a second run is silent. A batch whose condition fails (a concurrent
        close) is redone one servant at a time from fresh reads. The event id is derived from ``apuracao_id``,
        so even two racing closes cannot publish one revision twice.
        """
        batch: list[tuple[CoopItem, Assessment]] = []
        servants = published = adjustments = batches = retried = 0
        size = self.coop_config.fechamento_lote

        def flush() -> None:
            nonlocal published, adjustments, batches, retried
            if not batch:
                return
            batches += 1
            try:
                self._commit_assessments(batch, correlation_id)
                done = [a for _, a in batch]
            except ConditionFailed:
                retried += 1
                done = [a for item, _ in batch if (a := self._reassess_one(item, month, correlation_id))]
            published += len(done)
            adjustments += sum(1 for a in done if a.nature == "ajuste")
            batch.clear()

        for item in self.store.month_totals(month):
            servants += 1
            assessment = self._assess_item(item, month)
            if assessment is None:
                continue
            batch.append((item, assessment))
            if len(batch) >= size:
                flush()
        flush()
        result = CloseResult(month, servants, published, adjustments, batches, retried)
        previous = self.store.close_marker(month) or {}
        self.store.item(f"FECHAMENTO#{month}", "FECHAMENTO", "fechamento", {
            "competencia": month, "primeiro_em": previous.get("primeiro_em", self.now().isoformat()),
            "ultimo_em": self.now().isoformat(), "por": by, "execucoes": int(previous.get("execucoes", 0)) + 1,
            "servidores": servants, "publicados": published, "ajustes": adjustments,
            "publicados_total": int(previous.get("publicados_total", 0)) + published,
        }).save()
        return result

    def _assess_item(self, item: CoopItem, month: str) -> Assessment | None:
        servant = json.loads(item.data)["servidor"]
        return assess(servant, month, int(item.minutos or 0), int(item.pub_revisao or 0), int(item.pub_minutos or 0),
                      Decimal(item.pub_valor or "0"), self.coop_config)

    def _commit_assessments(self, batch: list[tuple[CoopItem, Assessment]], correlation_id: str) -> None:
        model = self.store.model
        uow = UnitOfWork(self.settings)
        for item, a in batch:
            previous = a.revision - 1
            condition = model.pub_revisao.does_not_exist() if previous == 0 else model.pub_revisao == previous
            uow.update(model(pk=item.pk, sk=item.sk),
                       actions=[model.pub_revisao.set(a.revision), model.pub_minutos.set(a.total_minutes),
                                model.pub_valor.set(decimal_text(a.total_value))],
                       condition=condition)
            uow.emit(self._event(a, json.loads(item.data).get("nome", a.servant), correlation_id))
        uow.commit()

    def _reassess_one(self, item: CoopItem, month: str, correlation_id: str) -> Assessment | None:
        fresh = self.store.get(item.pk, item.sk)
        if fresh is None:
            return None
        assessment = self._assess_item(fresh, month)
        if assessment is None:
            return None
        try:
            self._commit_assessments([(fresh, assessment)], correlation_id)
        except ConditionFailed:
            return None  # another close published it
        return assessment

    def _event(self, a: Assessment, name: str, correlation_id: str) -> Envelope:
        payload = CooperationBonusAssessed(
            apuracao_id=a.apuracao_id, servidor=a.servant, nome=name, competencia=a.month, natureza=a.nature,
            revisao=a.revision, minutos=a.minutes, valor_hora=self.coop_config.gratificacao_valor_hora, valor=a.value)
        envelope = new_event(payload, tribunal=self.config.tribunal_id, correlation_id=correlation_id,
                             subject=f"servidor/{a.servant}/{a.month}")
        return envelope.model_copy(update={"id": str(uuid.uuid5(EVENT_NAMESPACE, a.apuracao_id))})

    def close_info(self, month: str) -> dict[str, Any] | None:
        return self.store.close_marker(month)
