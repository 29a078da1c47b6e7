"""Use cases of pagamentos-svc: reference data, the events of the other services, the monthly run, memos.

They depend only on the ports (:mod:`chalicelib.pagamentos.ports`) and the domain. Refusals raise
:mod:`courtlib.errors` types before anything is written; a use case writes in one unit of work (designations,
replayed events, a signature) or, for a memo's lines, in a new generation that becomes current only when its
header flips (conditional on the version read). Reads that only query are in :mod:`.queries`.

Every act is audited (issue 17, docs/auditoria.md) with ``uow.audit`` in the unit of work that commits it: its
code (``PAG.…``, table in docs/auditoria.md), the rules it applied, its target and what it was before and after.
The monthly run and the bulk import commit in many transactions: each is one act, recorded with the mark of
the run (or import) done, written last.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.pagamentos import codec
from chalicelib.pagamentos.config import pagamentos_config
from chalicelib.pagamentos.domain.designations import (
    check_batch_overlaps,
    check_designation,
    check_overlap,
    in_batch,
    require_magistrate,
)
from chalicelib.pagamentos.domain.memos import MemoHeader, StoredMemo, memo_id, new_draft, require_transition, total
from chalicelib.pagamentos.domain.model import (
    CompensationDays,
    CooperationBonus,
    Designation,
    Line,
    Month,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)
from chalicelib.pagamentos.domain.rules import CATEGORIES, Rules
from chalicelib.pagamentos.domain.run import decide_memo, plan_run
from chalicelib.pagamentos.ports import Calendar, DocumentStore, PdfRenderer, Repository, UnitOfWork
from chalicelib.pagamentos.queries import find_memo, memo_csv, memo_document, memo_pdf

from courtlib.audit import changed_fields
from courtlib.config import TribunalConfig
from courtlib.errors import Conflict, CourtError, Invalid, NotFound, Refusal, WriteConflict
from courtlib.messaging.contracts import (
    CompensationUsed,
    CooperationBonusAssessed,
    DutyServed,
    Envelope,
    MagistrateAbsenceRegistered,
    Payload,
    PaymentRunRequested,
    new_event,
    parse_event,
)
from courtlib.observability import logger
from courtlib.retry import retry_on_conflict
from courtlib.runs import DONE, RunAct, RunRequest, record_request

MAX_NUMBER_ATTEMPTS = 8  # PAG-11: concurrent signatures racing for the next memo number
MAX_VACATION_MONTHS = 3
RUN_REQUEST_NAMESPACE = uuid.UUID("3b0f7a52-8c1e-4d6a-9f3b-2e5d7c9a1b40")  # the request event's id: month + run
RUN_RULES = ("PAG-01", "PAG-10")  # the run builds the memos (PAG-01), late facts become adjustments (PAG-10)
PEOPLE_RULES = ("PAG-01",)  # the register every memo of the run reads (cargo, entrância, lotação)
# PAG-02..06 and PAG-01 (posts with a monthly acréscimo): the rule each kind of designation feeds
DESIGNATION_RULES = {"cumulacao": "PAG-02", "auxilio": "PAG-02", "convocacao": "PAG-04", "substituicao": "PAG-05",
                     "diarias": "PAG-06", "funcao": "PAG-01"}


@dataclass(frozen=True)
class Act:
    """What the audit trail records of an event's application: code, target, rules, the fact as recorded."""

    code: str
    target: tuple[str, str]
    rules: tuple[str, ...]
    after: dict[str, Any]


@dataclass(frozen=True)
class Park:
    """An event that cannot be applied yet: kept with its reason (never dropped, never half-applied)."""

    code: str
    reason: str
    rules: tuple[str, ...] = ()


@dataclass
class EventWrites:
    """What an event writes: facts of months (kind, key, JSON) and the months to re-check (PAG-10)."""

    facts: list[tuple[Month, str, str, dict[str, Any]]] = field(default_factory=list)
    pending: list[Month] = field(default_factory=list)
    absence: MagistrateAbsenceRegistered | None = None
    act: Act | None = None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                                     default=str).encode()).hexdigest()


class PagamentosService:
    def __init__(self, repository: Repository, documents: DocumentStore, calendar: Calendar,
                 config: TribunalConfig, clock: Callable[[], datetime], render_pdf: PdfRenderer) -> None:
        self.repository = repository
        self.documents = documents
        self.calendar = calendar
        self.config = config
        self.clock = clock
        self.render_pdf = render_pdf

    # -- reference data ------------------------------------------------------------------------

    def register_people(self, people: Sequence[Person]) -> int:
        """People in bulk, unaudited: the writes of the import, whose one record is written with its mark."""
        self.repository.save_people(people)
        return len(people)

    @retry_on_conflict()
    def register_person(self, person: Person) -> dict[str, Any]:
        """Registers or updates ``person``, audited as ``PAG.PESSOA.CADASTRAR`` (the fields changed; all on a
        creation), conditional on the register as read so that "before" is true (a concurrent update: read
        again and decide again). The same data again changes nothing and records nothing."""
        stored = self.repository.get_person(person.id)
        body = codec.person_to(person)
        previous = codec.person_to(stored) if stored is not None else None
        if previous == body:
            return body
        before, after = changed_fields(previous, body) if previous is not None else (None, body)
        uow = self.repository.unit_of_work()
        uow.save_person(person, previous)
        uow.audit("PAG.PESSOA.CADASTRAR", ("pessoa", person.id), rules=PEOPLE_RULES, before=before, after=after)
        uow.commit()
        return body

    def _magistrate(self, person_id: str, field: str = "pessoa") -> Person:
        return require_magistrate(self.repository.get_person(person_id), person_id, field)

    @retry_on_conflict()
    def create_designation(self, d: Designation, audited: bool = True) -> tuple[dict[str, Any], bool]:
        """Registers ``d`` (one unit of work, audited ``PAG.DESIGNACAO.REGISTRAR`` unless part of an import);
        the same id with the same content again → (existing, False), no record. A concurrent designation for
        the same juízo (or the same id) makes it read and decide again."""
        check_designation(d, self._magistrate(d.person), self.config)
        existing = self.repository.get_designation(d.id)
        body = codec.designation_to(d)
        if existing is not None:
            if existing == body:
                return existing, False
            raise Conflict(f"já existe a designação {d.id} com outro conteúdo.", field="id")
        entries, version = self.repository.juizo_index(d.juizo, d.kind)
        check_overlap(d, entries)
        uow = self.repository.unit_of_work()
        uow.add_designation(d, body, version)
        for month in d.period.months():
            uow.add_fact(month, "DESIG", d.id, body)
            uow.mark_pending(month)
        if audited:
            uow.audit("PAG.DESIGNACAO.REGISTRAR", ("designacao", d.id), rules=[DESIGNATION_RULES[d.kind]], after=body)
        uow.commit()
        return body, True

    def import_batch(self, people: Sequence[Person], designations: Sequence[Designation]) -> dict[str, int]:
        """People and designations in bulk: every designation is checked (against the stored ones and the batch's
        earlier ones) before anything is written, so a refusal registers nobody."""
        imported = {p.id: p for p in people}
        for index, d in enumerate(designations):
            person = imported.get(d.person) or self.repository.get_person(d.person)
            if person is None or person.kind != "magistrado":
                raise Refusal("PESSOA_DESCONHECIDA", f"designação {index}: {d.person} não é magistrado cadastrado.",
                              field=f"designacoes[{index}].pessoa")
            try:
                check_designation(d, person, self.config)
            except CourtError as error:
                raise in_batch(error, index, f"designacoes[{index}].{error.field or ''}".rstrip(".")) from error
            if self.repository.get_designation(d.id) is None:
                try:
                    check_overlap(d, self.repository.juizo_index(d.juizo, d.kind)[0])
                except CourtError as error:
                    raise in_batch(error, index, f"designacoes[{index}]") from error
            check_batch_overlaps(designations, index)
        self.register_people(list(imported.values()))
        created = [d.id for d in designations if self.create_designation(d, audited=False)[1]]
        # One act in many transactions (people in batches, each designation conditional on its juízo): its one
        # record goes with the import's mark, written last, so it exists only once everything it counts is
        # written; an import stopped before that is repeated (its writes are idempotent) and then recorded.
        # The record keeps counts, ids and a digest of the batch, never the batch (an item stays small).
        digest = _digest({"pessoas": [codec.person_to(p) for p in imported.values()],
                          "designacoes": [codec.designation_to(d) for d in designations]})
        summary = {"pessoas": len(imported), "designacoes": len(designations), "designacoes_criadas": len(created),
                   "ids_designacoes_criadas": created[:100], "resumo_sha256": digest}
        uow = self.repository.unit_of_work()
        uow.mark_import(digest[:32], summary)
        rules = sorted({*PEOPLE_RULES, *(DESIGNATION_RULES[d.kind] for d in designations)})
        uow.audit("PAG.IMPORTACAO", ("importacao", digest[:32]), rules=rules, after=summary)
        uow.commit()
        return {"pessoas": len(imported), "designacoes_criadas": len(created)}

    def record_vacation(self, v: Vacation) -> dict[str, Any]:
        self._magistrate(v.person)
        if len(v.period.months()) > MAX_VACATION_MONTHS:
            raise Invalid("férias de mais de 3 meses: registre períodos separados.", field="fim")
        body = codec.vacation_to(v)
        self._facts([(m, "FERIAS", v.id, body) for m in v.period.months()],
                    Act("PAG.FERIAS.REGISTRAR", ("ferias", v.id), ("PAG-09",), body))
        return body

    def record_renounced(self, r: RenouncedVacation) -> dict[str, Any]:
        self._magistrate(r.person)
        body = codec.renounced_to(r)
        self._facts([(Month.of(r.authorized_on), "RENUNCIA", r.id, body)],
                    Act("PAG.FERIAS_RENUNCIADAS.REGISTRAR", ("ferias_renunciadas", r.id), ("PAG-09",), body))
        return body

    def record_session(self, s: Session) -> dict[str, Any]:
        people = [a.member for a in s.attendances]
        if len(set(people)) != len(people):
            raise Invalid("membro repetido na lista de presença.", field="presencas")
        for member in people:
            self._magistrate(member, "presencas")
        body = codec.session_to(s)
        self._facts([(Month.of(s.day), "SESSAO", f"{s.day.isoformat()}#{s.id}", body)],
                    Act("PAG.SESSAO.REGISTRAR", ("sessao", f"{s.day.isoformat()}_{s.id}"), ("PAG-07",), body))
        return body

    def _facts(self, facts: list[tuple[Month, str, str, dict[str, Any]]], act: Act) -> None:
        uow = self.repository.unit_of_work()
        self._stage(uow, EventWrites(facts, sorted({f[0] for f in facts}), act=act))
        uow.commit()

    # -- events ------------------------------------------------------------------------------------

    def plan_event(self, payload: Payload) -> EventWrites | Park:
        """What an event writes, or why it must be parked (unknown magistrate or servant)."""
        known = self.repository.get_person
        if isinstance(payload, CompensationUsed):
            if known(payload.substituto) is None:
                return Park("PESSOA_DESCONHECIDA", f"substituto {payload.substituto} ({payload.substituto_nome}) não "
                                                   "cadastrado em pagamentos", ("PAG-02", "PLAN-08"))
            by_month: dict[Month, list[date]] = defaultdict(list)
            for day in sorted(set(payload.dias)):
                by_month[Month.of(day)].append(day)
            writes = EventWrites()
            for month, days in by_month.items():
                fact = CompensationDays(payload.compensacao_id, payload.substituto, payload.juizo, payload.magistrado,
                                        tuple(days))
                writes.facts.append((month, "COMPENSACAO", payload.compensacao_id, codec.compensation_to(fact)))
                writes.pending.append(month)
            writes.act = Act("PAG.COMPENSACAO.REGISTRAR", ("compensacao", payload.compensacao_id),
                             ("PAG-02", "PLAN-08"),
                             {"substituto": payload.substituto, "juizo": payload.juizo,
                              "magistrado": payload.magistrado, "dias": sorted(set(payload.dias)),
                              "competencias": [str(m) for m in by_month]})
            return writes
        if isinstance(payload, CooperationBonusAssessed):
            if known(payload.servidor) is None:
                return Park("PESSOA_DESCONHECIDA", f"servidor {payload.servidor} ({payload.nome}) não cadastrado em "
                                                   "pagamentos", ("PAG-08", "COOP-11"))
            bonus = CooperationBonus(payload.apuracao_id, payload.servidor, payload.nome, payload.competencia,
                                     payload.natureza, payload.revisao, payload.minutos, payload.valor_hora,
                                     payload.valor)
            month = Month.parse(payload.competencia)
            body = codec.cooperation_to(bonus)
            return EventWrites([(month, "COOP", payload.apuracao_id, body)], [month],
                               act=Act("PAG.GRATIFICACAO_COOPERACAO.REGISTRAR", ("apuracao", payload.apuracao_id),
                                       ("PAG-08", "COOP-11"),
                                       {**body, "valor": payload.valor, "valor_hora": payload.valor_hora}))
        if isinstance(payload, DutyServed):
            if known(payload.magistrado) is None:
                return Park("PESSOA_DESCONHECIDA", f"magistrado {payload.magistrado} ({payload.nome}) não cadastrado "
                                                   "em pagamentos", ("PLAN-01", "PLAN-07"))
            body = payload.model_dump(mode="json")
            return EventWrites([(Month.of(payload.data), "PLANTAO", payload.plantao_id, body)],
                               act=Act("PAG.PLANTAO.REGISTRAR", ("plantao", payload.plantao_id), ("PLAN-01", "PLAN-07"),
                                       body))
        if isinstance(payload, MagistrateAbsenceRegistered):
            # PAG-03 input: absences are kept whoever they are (counted only for registered desembargadores/JDS);
            # the months they touch are re-checked for closed memos.
            end = payload.fim or payload.inicio
            return EventWrites(pending=sorted({Month.of(payload.inicio), Month.of(end)}), absence=payload,
                               act=Act("PAG.AFASTAMENTO.REGISTRAR",
                                       ("afastamento", f"{payload.magistrado}_{payload.inicio.isoformat()}"),
                                       ("PAG-03",), payload.model_dump(mode="json")))
        raise TypeError(type(payload).__name__)

    @staticmethod
    def _stage(uow: UnitOfWork, writes: EventWrites, event_id: str | None = None, audit: bool = True) -> None:
        if writes.absence is not None and event_id is not None:
            uow.record_absence(writes.absence, event_id)
        for month, kind, key, body in writes.facts:
            uow.add_fact(month, kind, key, body, event_id)
        for month in writes.pending:
            uow.mark_pending(month)
        if audit and writes.act is not None:
            act = writes.act
            uow.audit(act.code, act.target, rules=act.rules, after=act.after)

    def apply_event(self, payload: Payload, envelope: Envelope, transaction: Any) -> None:
        """Adds the event's writes (or its parking) to the consumer's ``transaction`` (committed by the consumer,
        with the inbox marker)."""
        uow = self.repository.unit_of_work(joining=transaction)
        plan = self.plan_event(payload)
        if isinstance(plan, Park):
            uow.park(envelope.model_dump_json(), envelope.id, envelope.type, plan.reason, plan.code)
            uow.audit("PAG.EVENTO.ESTACIONAR", ("evento", envelope.id), rules=plan.rules,
                      after={"tipo": envelope.type, "codigo": plan.code, "motivo": plan.reason})
            return
        self._stage(uow, plan, envelope.id)

    def replay_parked(self, event_id: str) -> dict[str, Any]:
        """Applies a parked event again (now that its person is registered) and removes it from the list,
        in one unit of work; still unknown → 409 and nothing changes."""
        parked = self.repository.get_parked(event_id)
        if parked is None:
            raise NotFound("evento estacionado não encontrado.")
        envelope = Envelope.model_validate_json(parked["envelope"])
        plan = self.plan_event(parse_event(envelope))
        if isinstance(plan, Park):
            raise Conflict(f"o evento continua sem aplicação: {plan.reason}.", code=plan.code)
        uow = self.repository.unit_of_work()
        self._stage(uow, plan, envelope.id, audit=False)
        act = plan.act
        uow.unpark(event_id)
        uow.audit("PAG.EVENTO.REPROCESSAR", ("evento", event_id), rules=act.rules if act else (),
                  before={"tipo": envelope.type, "codigo": parked.get("codigo"), "motivo": parked.get("motivo")},
                  after={"resultado": "aplicado", "ato": act.code if act else None,
                         "alvo": f"{act.target[0]}:{act.target[1]}" if act else None})
        try:
            uow.commit()
        except WriteConflict as error:
            raise Conflict("o evento já foi reprocessado.") from error
        return {"id": event_id, "tipo": envelope.type, "resultado": "aplicado"}

    # -- the monthly run ------------------------------------------------------------------------------

    def today(self) -> date:
        return self.clock().astimezone(self.config.tz).date()

    def rules_for(self, month: Month) -> Rules:
        calendar = self.calendar.calendar_for(self.config, [month.year])
        return Rules(self.config, lambda day, municipio: calendar.is_dia_util(day, municipio))

    def finished_month(self, requested: str | None) -> Month:
        """PAG-01: the month a manual run asks for (default: the previous one); only a finished month runs (as
        cooperação closes only finished months, COOP-11)."""
        current = Month.of(self.today())
        month = Month.parse(requested) if requested else current.previous()
        if month >= current:
            raise Refusal("PAG-01", f"Só se apura mês já terminado (anterior a {current}).", field="competencia")
        return month

    def request_run(self, month: Month, correlation_id: str, by: str) -> RunRequest:
        """PAG-01 by hand, asynchronously: the run request (``pendente``), its audit record and the event that makes
        this service's consumer run it, in one transaction. While a request of the month is pending or running,
        that one is answered and nothing is recorded; after it ended, a new request is a new run."""

        def read() -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
            found = self.repository.run_request(month)
            return found, found  # the write is conditioned on the stored request as read

        def stage(request: RunRequest, found: dict[str, Any] | None) -> UnitOfWork:
            uow = self.repository.unit_of_work()
            uow.put_run_request(month, request.to_dict(), found)
            return uow

        return record_request(
            str(month), by, self.clock(), correlation_id, read=read, stage=stage,
            act=RunAct("PAG.EXECUCAO.SOLICITAR", ("competencia", str(month)), RUN_RULES),
            event=lambda request: new_event(
                PaymentRunRequested(competencia=str(month), execucao=request.execucao, solicitado_por=by),
                tribunal=self.config.tribunal_id, correlation_id=correlation_id, subject=f"execucao/{month}"),
            event_namespace=RUN_REQUEST_NAMESPACE, event_name=lambda request: f"{month}:{request.execucao}",
            asked=f"Execução de {month}")

    def run_requested(self, payload: PaymentRunRequested) -> RunRequest | None:
        """The consumer's side of :meth:`request_run`: ``em_andamento``, the run (its own act and record, by whoever
        acts now: the consumer's ``sistema:evento:<type>``), then ``concluida`` with its results or ``falhou``
        with the refusal's reason. A request already concluded, or another run's event, is skipped (a
        redelivery); a run cut off midway is run again by the queue's retry and resumes idempotently (PAG-01).
        An unexpected failure is recorded as ``falhou`` and raised, so the queue retries it."""
        month = Month.parse(payload.competencia)
        found = self.repository.run_request(month)
        if found is None:
            return None
        request = RunRequest.from_dict(found)
        if request.execucao != payload.execucao or request.situacao == DONE:
            return None
        running = request.started(self.clock())
        read = self._save_run_request(month, running, found)
        try:
            result = self.run(month)
        except CourtError as error:
            ended = running.failed(self.clock(), error.detail)
        except Exception:
            failed = running.failed(self.clock(), "falha inesperada na execução; a fila tentará de novo")
            try:
                self._save_run_request(month, failed, read)
            except Exception:  # the retry will record it; the original error is the one to raise
                logger.exception("falha ao registrar a situação da execução", extra={"competencia": str(month)})
            raise
        else:
            ended = running.finished(self.clock(), _run_summary(result))
        self._save_run_request(month, ended, read)
        return ended

    def _save_run_request(self, month: Month, request: RunRequest, read: dict[str, Any] | None) -> dict[str, Any]:
        uow = self.repository.unit_of_work()
        data = request.to_dict()
        uow.put_run_request(month, data, read)
        uow.commit()
        return json.loads(json.dumps(data))

    def run(self, month: Month) -> dict[str, Any]:
        """PAG-01: the memos of ``month``, one per category; a late fact for a closed month becomes an adjustment
        in this month's draft (PAG-10). Running it twice writes nothing the second time.

        One read of everything (the snapshot), one pure decision (:func:`plan_run`), then the writes: the claims
        on late months' adjustments (conditional: a concurrent run that took them keeps them), the markers of
        months with nothing left to settle, and each memo whose lines changed."""
        now = self.clock()
        snapshot = self.repository.run_snapshot(month)
        plan = plan_run(month, snapshot, self.rules_for)
        lost: set[tuple[str, Month]] = set()
        claimed = 0
        for settlement in plan.settlements:
            if settlement.claim:
                try:
                    self.repository.allocate(settlement.category, settlement.origin, str(month), settlement.expected)
                    claimed += 1
                except WriteConflict:
                    lost.add((settlement.category, settlement.origin))  # a concurrent run's memo carries them
        if plan.settled:
            self.repository.delete_pending(plan.settled)
        result = {category: self._store(month, category, plan.lines(category, frozenset(lost)),
                                        snapshot.header(month, category), now) for category in CATEGORIES}
        before = {c: _run_view(h) for c in CATEGORIES if (h := snapshot.header(month, c)) is not None}
        counts = {"ajustes_alocados": claimed, "competencias_revistas": [str(m) for m in plan.reviewed],
                  "competencias_quitadas": sorted(str(m) for m in plan.settled),
                  "resultados": {c: r["resultado"] for c, r in result.items()}}
        self._record_run(month, before, counts, wrote=bool(claimed or plan.settled))
        return {"competencia": str(month), "memorandos": result, "competencias_revistas": list(plan.reviewed)}

    @retry_on_conflict(attempts=3)
    def _record_run(self, month: Month, before: dict[str, Any], counts: dict[str, Any], wrote: bool) -> None:
        """PAG-01: a run is one act, committed in many writes: its one record goes with the run's mark (the digest
        of the month's memos as the run left them), written last. A run that wrote nothing and finds the memos
        as the last recorded run left them records nothing (a repeated run, PAG-01); a run stopped before its
        mark is recorded by the next one, which finds the memos changed. A concurrent run that marked first:
        read again and decide again."""
        headers = self.repository.memo_headers_of_month(month)
        state = _digest({c: [h.generation, h.hash] for c, h in sorted(headers.items())})
        mark = self.repository.run_mark(month)
        if mark.state == state and not wrote:
            return
        after = {"memorandos": {c: _run_view(h) for c, h in sorted(headers.items())}, **counts}
        uow = self.repository.unit_of_work()
        summary = {"memorandos": after["memorandos"], "competencias_revistas": counts["competencias_revistas"]}
        uow.mark_run(month, mark, state, {"concluido_em": self.clock().isoformat(),
                                          "resumo": json.loads(json.dumps(summary, default=str))})
        uow.audit("PAG.EXECUCAO.MENSAL", ("competencia", str(month)), rules=RUN_RULES,
                  before={"memorandos": before} if before else None, after=after)
        uow.commit()

    def _store(self, month: Month, category: str, lines: list[Line], header: MemoHeader | None,
               now: datetime) -> dict[str, Any]:
        the_id = memo_id(month, category)
        decision = decide_memo(header, lines)
        if header is not None and decision.action == "keep":
            return {"id": the_id, "resultado": f"mantido ({header.status})", "total": header.total}
        if header is not None and decision.action == "unchanged":
            return {"id": the_id, "resultado": "inalterado", "total": header.total}
        try:
            self.repository.publish_generation(header or new_draft(month, category), lines, now)
        except WriteConflict:
            # signed (or rebuilt) meanwhile: this generation never became current
            return {"id": the_id, "resultado": "conflito: memorando alterado durante a execução"}
        return {"id": the_id, "resultado": "gerado", "total": str(total(lines)), "linhas": len(lines)}

    # -- memos ---------------------------------------------------------------------------------------

    def memo(self, the_id: str) -> StoredMemo:
        return find_memo(self.repository, the_id)

    @retry_on_conflict(attempts=MAX_NUMBER_ATTEMPTS, busy_detail="muitas assinaturas ao mesmo tempo; repita.")
    def sign(self, the_id: str, user: str) -> StoredMemo:
        """PAG-10/PAG-11: the President's despacho freezes the memo and gives it its number: the next of its
        division in the year of signature, written in the same unit of work as the signature and conditional
        on the counter as read, so two signatures never take the same number and a failed one leaves no gap
        (another signature that took the number first: read again and decide again)."""
        division = pagamentos_config(self.config).memorando_divisao
        stored = self.memo(the_id)
        require_transition(stored.header.status, "assinar")
        now = self.clock()
        year = now.astimezone(self.config.tz).year
        counter = self.repository.memo_counter(division, year)
        header = stored.header.signed(user, now, counter.last + 1, year, division)
        uow = self.repository.unit_of_work()
        uow.set_memo_counter(division, year, counter, counter.last + 1)
        uow.save_header(header)
        before, after = changed_fields(stored.header.audited(), header.audited())
        uow.audit("PAG.MEMO.ASSINAR", ("memorando", the_id), rules=["PAG-10", "PAG-11"], before=before, after=after)
        uow.commit()
        return StoredMemo(replace(header, version=(header.version or 0) + 1), stored.lines)

    def _save(self, stored: StoredMemo, header: MemoHeader, act: str, rules: Sequence[str],
              before: dict[str, Any], after: dict[str, Any]) -> StoredMemo:
        """The memo's new header and its act's record, in one unit of work (conditional on the version read)."""
        uow = self.repository.unit_of_work()
        uow.save_header(header)
        uow.audit(act, ("memorando", header.id), rules=rules, before=before, after=after)
        try:
            uow.commit()
        except WriteConflict as error:
            raise Conflict("o memorando mudou durante a operação; consulte e repita.") from error
        return StoredMemo(replace(header, version=(header.version or 0) + 1), stored.lines)

    def edit(self, the_id: str, user: str, note: str) -> StoredMemo:
        """PAG-10: a note on a draft (a signed or sent memo is never changed), by ``user``. The memo keeps the note
        in force and its editor; the audit record keeps each version (the note and editor before and after)."""
        stored = self.memo(the_id)
        header = stored.header.noted(note, user, self.clock())
        version = ("observacao", "editado_por", "editado_em", "geracao", "status")
        old, new = stored.header.audited(), header.audited()
        return self._save(stored, header, "PAG.MEMO.EDITAR", ["PAG-10"], {k: old[k] for k in version},
                          {k: new[k] for k in version})

    def send(self, the_id: str, user: str) -> StoredMemo:
        """PAG-10/PAG-11: the signed memo's JSON, CSV and PDF go to the documents store, then the memo is sent."""
        stored = self.memo(the_id)
        require_transition(stored.header.status, "enviar")
        keys = self.documents.put(the_id, {
            "json": (json.dumps(memo_document(stored), ensure_ascii=False, indent=1).encode(),
                     "application/json; charset=utf-8"),
            "csv": (memo_csv(stored).encode("utf-8"), "text/csv; charset=utf-8"),
            "pdf": (memo_pdf(stored, self.config, self.render_pdf, self.clock), "application/pdf"),
        })
        header = stored.header.sent(user, self.clock(), keys)
        before, after = changed_fields(stored.header.audited(), header.audited())
        return self._save(stored, header, "PAG.MEMO.ENVIAR", ["PAG-10", "PAG-11"], before, after)


def _run_view(header: MemoHeader) -> dict[str, Any]:
    """What a run's record keeps of a memo: its status, generation of lines, count and total (not the lines)."""
    return {"status": header.status, "geracao": header.generation, "linhas": header.line_count,
            "total": Decimal(header.total)}


def _run_summary(result: dict[str, Any]) -> dict[str, Any]:
    """The run's answer as the status resource's ``resumo``: each memo's result, and the months it revisited."""
    summary = {"memorandos": result["memorandos"],
               "competencias_revistas": [str(m) for m in result.get("competencias_revistas", [])]}
    return dict(json.loads(json.dumps(summary, default=str)))
