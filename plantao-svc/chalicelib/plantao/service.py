"""Use cases of plantao-svc: read, let the pure domain decide, write in one transaction (outbox included). A
portaria's side effects (its documents, the e-mail notices) come after, from its event on the service's own queue
(:meth:`PlantaoService.publish_portaria`).

The use cases depend only on the ports (:mod:`chalicelib.plantao.ports`); the reads that decide nothing are in
:mod:`chalicelib.plantao.queries`. Every refusal raises before anything is written. A use case whose transaction
met a concurrent write of the same scale, rotation, counter or balance (``WriteConflict``) is read and decided
again, up to ``ATTEMPTS`` times, then answers ``Busy`` (503, nothing written); a rule's own conflict (PLAN-xx,
409) is never retried. The creations that a second request would only duplicate (a month's draft, a credit, an
import) are not decided again: their race is a 409 ``CONFLITO``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from chalicelib.plantao.codec import REFERENCE_TYPES
from chalicelib.plantao.config import PlantaoConfig, plantao_config
from chalicelib.plantao.domain import acts
from chalicelib.plantao.domain import scales as rules
from chalicelib.plantao.domain.compensation import CreditKind, LedgerEntry, check_use, credit_for_duty, credit_for_event
from chalicelib.plantao.domain.errors import PlantaoError, StateConflict
from chalicelib.plantao.domain.portaria import (
    DOCUMENTO_PENDENTE,
    DOCUMENTO_PRONTO,
    Portaria,
    Signatory,
    build_portaria,
    changed_portaria,
    document_state,
    next_number,
    notice_body,
    notice_lines,
    notice_subject,
    portaria_from_dict,
    portaria_keys,
    portaria_text,
    portaria_to_dict,
    series_for,
    summary_of,
)
from chalicelib.plantao.domain.records import APROVADA, PENDENTE, RASCUNHO, RotationState, StoredScale
from chalicelib.plantao.domain.reference import ReferenceData, in_registered_municipality, quadrimester_of
from chalicelib.plantao.domain.scales import Kind, Month, Plantao, Scale
from chalicelib.plantao.ports import Calendars, Clock, Notifier, PdfRenderer, PortariaDocuments, Repository, UnitOfWork
from chalicelib.plantao.queries import find_magistrate, find_scale

from courtlib.audit.actor import current_or_none
from courtlib.calendar import CourtCalendar
from courtlib.config import TribunalConfig
from courtlib.errors import CourtError, Invalid, NotFound, WriteConflict
from courtlib.messaging.contracts import (
    CompensationUsed,
    DutyServed,
    PortariaIssued,
    ScaleGenerationRequested,
    new_event,
)
from courtlib.observability import logger
from courtlib.retry import retry_on_conflict
from courtlib.runs import DONE, FAILED, RunAct, RunRequest, record_request

ATTEMPTS = 3  # a use case that met a concurrent write is read and decided again, then Busy (503)
SERVED_CHUNK = 25  # plantões per transaction when registering served duties: ≤ 1 + 25 + 25 + 25 items
CONCURRENT_WRITE = "CONFLITO"
# The id of a requested generation's event is derived from (scale, run, request): the same commit resent is not a
# new event.
GENERATION_EVENTS = uuid.UUID("7b0c1f5e-3a4d-5e8f-9b21-6c0d4e2a8f13")
SERVED_RUN = "plantoes-realizados"  # the served duties schedule's run (EXECUCAO# marks)
MONTHLY_ACTOR = "sistema:agenda:generate_monthly_scales"  # who asks for next month's drafts (solicitado_por)
retried = retry_on_conflict(attempts=ATTEMPTS,
                            busy_detail="A escala, a numeração de portarias ou o saldo mudou ao mesmo tempo em "
                                        "outras requisições; nada foi gravado. Repita.")


class NoticesPending(RuntimeError):
    """Some notices of a portaria were refused by SES: the event is delivered again (those recorded are skipped)."""


def _correlation_id() -> str:
    """The request's (or event's) correlation id, carried by the events it emits."""
    acting = current_or_none()
    return acting.correlation_id if acting else str(uuid.uuid4())


def commit_or_refuse(uow: UnitOfWork, detail: str) -> None:
    """Commits; a concurrent write is not decided again but refused (409 ``CONFLITO``, nothing written)."""
    try:
        uow.commit()
    except WriteConflict:
        raise StateConflict(CONCURRENT_WRITE, detail) from None


@dataclass
class PlantaoService:
    repository: Repository
    calendars: Calendars
    config: TribunalConfig
    tribunal: str  # the events' tribunal
    clock: Clock
    documents: PortariaDocuments
    notifier: Notifier
    render_pdf: PdfRenderer

    # basics ------------------------------------------------------------------------------------------

    @property
    def rules(self) -> PlantaoConfig:
        return plantao_config(self.config)

    def now(self) -> datetime:
        return self.clock().astimezone(self.config.tz)

    def today(self) -> date:
        return self.now().date()

    def _reference(self) -> ReferenceData:
        return self.repository.load_reference(self.config.capital.ibge)[0]

    def calendar(self, days: Iterable[date]) -> CourtCalendar:
        return self.calendars.calendar_for(self.config, {d.year for d in days})

    def _month_calendar(self, month: Month) -> CourtCalendar:
        return self.calendar([month.first, month.next().last])

    def _scale(self, scale_id: str) -> StoredScale:
        return find_scale(self.repository, scale_id)

    # reference data ----------------------------------------------------------------------------------

    def import_reference(self, parts: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, int]:
        """Upserts reference data (by id) after checking the merged whole is consistent; nothing on refusal."""
        self._import(parts, lambda uow, version, imported: uow.audit(
            acts.REFERENCIA_IMPORTAR, acts.REFERENCE_TARGET, rules=acts.rules_of(acts.REFERENCIA_IMPORTAR),
            before={"versao": version},
            after={"versao": version + 1, "itens": imported, "sha256": acts.digest(parts)}))
        return {tag.lower(): len(items) for tag, items in parts.items()}

    def _import(self, parts: Mapping[str, Sequence[Mapping[str, Any]]],
                audit: Callable[[UnitOfWork, int, dict[str, Any]], None]) -> None:
        """Merges ``parts`` into the stored reference data and writes it with the act ``audit`` stages (given the
        unit of work, the version read and, per kind, the ids imported)."""
        current, version = self.repository.load_reference(self.config.capital.ibge)
        merged: dict[str, Any] = {}
        imported: dict[str, Any] = {}
        for tag, items in parts.items():
            spec = REFERENCE_TYPES[tag]
            key = _identity(tag)
            new = [spec.from_dict(i) for i in items]
            if tag in ("COMARCA", "ZONA"):  # CAL-01: stored by the IBGE code of one of the tribunal's municipalities
                new = [in_registered_municipality(n, self.config.municipios_registrados) for n in new]
            ids = {key(n) for n in new}
            imported[tag.lower()] = acts.ids_listed(ids)
            merged[spec.attribute] = (*[x for x in getattr(current, spec.attribute) if key(x) not in ids], *new)
        candidate = replace(current, **merged, _index={})
        problems = candidate.check()
        if problems:
            raise Invalid("Dados de referência inconsistentes: " + "; ".join(problems[:10]), problemas=problems[:50])
        uow = self.repository.unit_of_work()
        try:
            uow.stage_reference(candidate, version)
        except ValueError as error:  # too large for one transaction
            raise Invalid(str(error)) from None
        audit(uow, version, imported)
        commit_or_refuse(uow, "Os dados de referência foram alterados ao mesmo tempo; repita a importação.")

    # night scale edital (PLAN-01) ----------------------------------------------------------------------

    def edital_target(self, today: date) -> tuple[int, int] | None:
        """The quadrimester whose edital is open ``today`` (edital months 1, 5, 9 → the next quadrimester)."""
        if today.month not in self.rules.noturno.meses_edital:
            return None
        month = Month(today.year, today.month)
        for _ in range(4):
            month = month.next()
        return month.year, quadrimester_of(month.month)

    def add_candidate(self, year: int, quadrimester: int, magistrate_id: str) -> list[str]:
        target = self.edital_target(self.today())
        if target != (year, quadrimester):
            raise PlantaoError("PLAN-01", f"O edital do plantão noturno {year}/{quadrimester} não está aberto hoje "
                               f"({self.today().isoformat()}); os editais abrem nos meses "
                               f"{', '.join(str(m) for m in self.rules.noturno.meses_edital)}.", field="quadrimestre")
        magistrate = self._reference().magistrate(magistrate_id)
        if magistrate is None or magistrate.juizo is None:
            raise PlantaoError("PLAN-01", f"{magistrate_id} não é juiz de 1º grau cadastrado.", field="magistrado")
        candidates = self.repository.candidates(year, quadrimester)
        if magistrate_id in candidates:  # already a candidate: nothing changes, nothing to record
            return candidates
        uow = self.repository.unit_of_work()
        uow.stage_candidate(year, quadrimester, magistrate_id)
        uow.audit(acts.NOTURNO_CANDIDATURA, (acts.QUADRIMESTRE, f"{year}-{quadrimester}"),
                  rules=acts.rules_of(acts.NOTURNO_CANDIDATURA), before={"candidatos": len(candidates)},
                  after={"candidatos": len(candidates) + 1, "candidato": magistrate_id})
        commit_or_refuse(uow, f"{magistrate_id} se candidatou ao mesmo tempo em outra requisição.")
        return sorted([*candidates, magistrate_id])

    def designate_night(self, year: int, quadrimester: int, judges: Sequence[str]) -> None:
        wanted = self.rules.noturno.juizes_por_quadrimestre
        if len(set(judges)) != wanted or len(judges) != wanted:
            raise PlantaoError("PLAN-01", f"Indique exatamente {wanted} juízes distintos.", field="juizes")
        candidates = set(self.repository.candidates(year, quadrimester))
        outside = [j for j in judges if j not in candidates]
        if outside:
            raise PlantaoError("PLAN-01", f"Não se candidataram no edital {year}/{quadrimester}: {', '.join(outside)}.",
                               field="juizes")
        key = f"{year}-{quadrimester}"
        earlier = next((g for g in self._reference().night_groups if f"{g.year}-{g.quadrimester}" == key), None)
        self._import({"NOTURNO": [{"id": key, "ano": year, "quadrimestre": quadrimester, "juizes": list(judges)}]},
                     lambda uow, version, imported: uow.audit(
                         acts.NOTURNO_DESIGNAR, (acts.QUADRIMESTRE, key), rules=acts.rules_of(acts.NOTURNO_DESIGNAR),
                         before={"juizes": list(earlier.judges)} if earlier else None,
                         after={"juizes": list(judges)}))

    # generation (PLAN-01, 02, 09) ----------------------------------------------------------------------

    def continue_from(self, kind: Kind, last_month: Month, last_members: Mapping[str, str]) -> dict[str, str]:
        """PLAN-02 when adopting the system: where each rotation stopped in the scales made by hand (the member
        that served last in ``last_month``), so the first generated month continues it. Only before the first
        scale of the kind; answers the stored positions."""
        rotation = self.repository.rotation(kind)
        if rotation.version != 0:
            raise StateConflict("PLAN-02", f"A rotação {kind.value} já está em uso (último mês {rotation.month}): "
                                "ela nunca é reiniciada.")
        plans = {p.key: p for p in rules.rotation_plans(kind, last_month.next(), self._reference(),
                                                        self._month_calendar(last_month.next()), self.rules)}
        positions: dict[str, str] = {}
        for rotation_key, member_id in last_members.items():
            plan = plans.get(rotation_key)
            if plan is None:
                raise PlantaoError("PLAN-02", f"Rotação {rotation_key} desconhecida em {kind.value} "
                                   f"(rotações: {', '.join(sorted(plans))}).", field="ultimos")
            member = next((m for m in plan.members if m.id == member_id), None)
            if member is None:
                raise PlantaoError("PLAN-02", f"{member_id} não é membro da rotação {rotation_key}.", field="ultimos")
            positions[rotation_key] = member.key
        uow = self.repository.unit_of_work()
        uow.stage_rotation(rotation, last_month, positions)
        uow.audit(acts.ROTACAO_CONTINUAR, (acts.ROTACAO, kind.value), rules=acts.rules_of(acts.ROTACAO_CONTINUAR, kind),
                  after={"ultimo_mes": str(last_month), "ultimos": dict(last_members), "posicoes": positions})
        commit_or_refuse(uow, f"A rotação {kind.value} começou a ser usada ao mesmo tempo.")
        return positions

    def generate(self, month: Month, kind: Kind) -> StoredScale:
        stored, rotation = self._draft(month, kind)
        uow = self.repository.unit_of_work()
        self._stage_draft(uow, stored, rotation)
        uow.audit(acts.ESCALA_GERAR, (acts.ESCALA, stored.id), rules=acts.rules_of(acts.ESCALA_GERAR, kind),
                  after=acts.scale_state(stored))
        commit_or_refuse(uow, f"Escala {kind.value} de {month} gerada por outra requisição ao mesmo tempo.")
        return stored

    # generation asked by hand (issue 15: 202 at once, the draft made by this service's own consumer) ----------

    def request_generation(self, month: Month, kind: Kind, correlation_id: str, by: str) -> RunRequest:
        """PLAN-01/02 by hand, asynchronously. What can be decided from the stored state is decided now (a month
        that exists, that the rotation passed or that skips one: the same refusals as :meth:`generate`, nothing
        written); then the request (``pendente``), its audit record and the event that makes this service's
        consumer generate the draft (:meth:`run_requested_generation`), in one transaction. While a request of the
        month and kind is pending or running, that one is answered and nothing is recorded; after one failed, a
        new request is a new run."""
        self._check_generation(month, kind)
        scale_id = rules.scale_id(month, kind)

        def stage(request: RunRequest, version: int) -> UnitOfWork:
            uow = self.repository.unit_of_work()
            uow.stage_generation_request(month, kind, request.to_dict(), version)
            return uow

        return record_request(
            str(month), by, self.now(), correlation_id,
            read=lambda: self.repository.generation_request(month, kind) or (None, 0), stage=stage,
            act=RunAct(acts.GERACAO_SOLICITAR, (acts.ESCALA, scale_id), acts.rules_of(acts.GERACAO_SOLICITAR, kind)),
            event=lambda request: new_event(
                ScaleGenerationRequested(mes=str(month), tipo=kind.value, execucao=request.execucao, solicitado_por=by),
                tribunal=self.tribunal, correlation_id=correlation_id, subject=f"geracao/{scale_id}"),
            event_namespace=GENERATION_EVENTS,
            event_name=lambda request: f"{scale_id}:{request.execucao}:{correlation_id}",
            asked=f"Geração da escala {scale_id}")

    def run_requested_generation(self, payload: ScaleGenerationRequested) -> RunRequest | None:
        """The consumer's side of :meth:`request_generation`: ``em_andamento``, then the draft, written in ONE
        transaction with the rotation, the request ``concluida`` (the scale's id and its number of shifts) and the
        generation's one audit record (``PLAN.ESCALA.GERAR``, as :meth:`generate`). A request already concluded, or
        another run's event, is skipped (a redelivery: the same scale, written once). A rule's refusal marks it
        ``falhou`` with its reason (nothing else written); an unexpected failure, or a concurrent write, is marked
        and raised, so the queue delivers the event again."""
        month, kind = Month.parse(payload.mes), Kind(payload.tipo)
        found = self.repository.generation_request(month, kind)
        if found is None:
            return None
        request, version = RunRequest.from_dict(found[0]), found[1]
        if request.execucao != payload.execucao or request.situacao == DONE:
            return None
        running = request.started(self.now())
        version = self._save_generation(month, kind, running, version)
        try:
            stored, rotation = self._draft(month, kind)
        except CourtError as error:
            failed = replace(running.failed(self.now(), error.detail),
                             resumo={"codigo": error.code, **({"campo": error.field} if error.field else {}),
                                     **error.extra})
            self._save_generation(month, kind, failed, version)
            return failed
        except Exception:
            try:
                self._save_generation(month, kind, running.failed(self.now(), "falha inesperada na geração; a fila "
                                                                              "tentará de novo"), version)
            except Exception:  # the retry will record it; the original error is the one to raise
                logger.exception("falha ao registrar a situação da geração", extra={"escala": payload.mes})
            raise
        ended = running.finished(self.now(), {"escala": stored.id, "plantoes": len(stored.scale.plantoes)})
        uow = self.repository.unit_of_work()
        self._stage_draft(uow, stored, rotation)
        uow.stage_generation_request(month, kind, ended.to_dict(), version)
        uow.audit(acts.ESCALA_GERAR, (acts.ESCALA, stored.id), rules=acts.rules_of(acts.ESCALA_GERAR, kind),
                  after=acts.scale_state(stored))
        uow.commit()  # a concurrent delivery or generation: WriteConflict, the queue delivers again (then skipped)
        return ended

    def _save_generation(self, month: Month, kind: Kind, request: RunRequest, version: int) -> int:
        uow = self.repository.unit_of_work()
        uow.stage_generation_request(month, kind, request.to_dict(), version)
        uow.commit()
        return version + 1

    def _check_generation(self, month: Month, kind: Kind) -> RotationState:
        """The refusals of :meth:`_draft` that the stored state decides (no generation); answers the rotation read."""
        if self.repository.scale(month, kind) is not None:
            raise StateConflict("PLAN-02", f"Já existe escala {kind.value} de {month}.")
        rotation = self.repository.rotation(kind)
        if rotation.month is not None:
            last = Month.parse(rotation.month)
            if last >= month:
                raise StateConflict("PLAN-02", f"A rotação {kind.value} já avançou até {last}: não se gera um mês "
                                    "anterior.")
            if last != month.previous():
                raise PlantaoError("PLAN-02", f"Gere antes a escala {kind.value} de {month.previous()}: a rotação "
                                   f"continua de {last}.", field="mes")
        return rotation

    def _stage_draft(self, uow: UnitOfWork, stored: StoredScale, rotation: RotationState) -> None:
        uow.stage_scale(stored, previous_version=None)
        uow.stage_rotation(rotation, stored.scale.month, stored.scale.end)

    def _draft(self, month: Month, kind: Kind) -> tuple[StoredScale, RotationState]:
        """The month's draft of ``kind`` continuing its rotation (PLAN-02), not written; refuses a month that
        exists, that the rotation already passed or that skips one."""
        rotation = self._check_generation(month, kind)
        scale = rules.generate(kind, month, self._reference(), self._month_calendar(month), self.rules,
                               rotation.positions)
        return StoredScale(scale, RASCUNHO, 0, generated_at=self.now().isoformat(timespec="seconds")), rotation

    @retried
    def regenerate(self, scale_id: str) -> StoredScale:
        stored = self._scale(scale_id)
        if stored.status != RASCUNHO:
            raise StateConflict("PLAN-02", f"A escala {scale_id} já foi aprovada: altere-a por permuta ou impedimento.")
        scale = stored.scale
        rotation = self.repository.rotation(scale.kind)
        if rotation.month != str(scale.month):
            raise StateConflict("PLAN-02", f"A escala de {rotation.month} já continua esta rotação: regenere a partir "
                                "dela.")
        new = rules.generate(scale.kind, scale.month, self._reference(), self._month_calendar(scale.month), self.rules,
                             scale.start)
        version = stored.version
        before = acts.scale_state(stored)
        stored.scale = new
        stored.generated_at = self.now().isoformat(timespec="seconds")
        uow = self.repository.unit_of_work()
        uow.stage_scale(stored, previous_version=version)
        uow.stage_rotation(rotation, scale.month, new.end)
        uow.audit(acts.ESCALA_REGERAR, (acts.ESCALA, stored.id), rules=acts.rules_of(acts.ESCALA_REGERAR, scale.kind),
                  before=before, after=acts.scale_state(stored))
        uow.commit()
        return stored

    # approval and portarias (PLAN-04) ----------------------------------------------------------------

    @retried
    def approve(self, scale_id: str, by: str) -> tuple[StoredScale, dict[str, Any], None]:
        """PLAN-04: the scale approved, its portaria numbered and its record and event committed together; the text,
        the PDF and the notices follow from the event (:meth:`publish_portaria`), so the request answers at once
        (the third value, the notices sent, is ``None``: none yet)."""
        stored = self._scale(scale_id)
        if stored.status != RASCUNHO:
            raise StateConflict("PLAN-04", f"A escala {scale_id} já está aprovada.")
        version = stored.version
        before = acts.scale_state(stored)
        now = self.now()
        stored.status, stored.approved_at, stored.approved_by = APROVADA, now.isoformat(timespec="seconds"), by
        uow = self.repository.unit_of_work()
        record = self._stage_portaria(uow, stored, "aprovação da escala mensal", stored.scale.plantoes, by,
                                      recipients={p.magistrado for p in stored.scale.plantoes})
        uow.stage_scale(stored, previous_version=version)
        uow.audit(acts.ESCALA_APROVAR, (acts.ESCALA, stored.id),
                  rules=acts.rules_of(acts.ESCALA_APROVAR, stored.scale.kind),
                  before=before, after={**acts.scale_state(stored), "portaria": record["numero"]})
        uow.commit()
        return stored, record, None

    def _stage_portaria(self, uow: UnitOfWork, stored: StoredScale, reason: str, plantoes: Sequence[Plantao],
                        by: str, recipients: Iterable[str], change: bool = False) -> dict[str, Any]:
        """Numbers and stages the portaria of ``plantoes`` with its content and the notices it owes ``recipients``,
        and emits ``PortariaIssued`` in the same transaction: the consumer renders it after the commit
        (``documento: pendente`` until then). ``change``: it changes the scale's earlier portaria (swap,
        impediment, new days), which it cites by number."""
        now = self.now()
        scale = stored.scale
        series = series_for(scale.kind, self.rules)
        last = self.repository.portaria_last(series, now.year)
        number = next_number(series, now.year, last)
        presidencia = self.config.presidencia
        altera = changed_portaria(stored.portarias, (p.id for p in plantoes)) if change else None
        document = build_portaria(number, tribunal=self.config.nome, kind=scale.kind, month=scale.month,
                                  plantoes=plantoes, motivo=reason, signatory=Signatory(presidencia.nome,
                                                                                        presidencia.cargo),
                                  place=self.config.capital.nome, issued_at=now, altera=altera,
                                  embargo_days=self.rules.embargo_publicacao_dias)
        txt_key, pdf_key = portaria_keys(series, now.year, number.number)
        record = {"numero": number.label, "serie": series, "ano": now.year, "n": number.number, "escala": scale.id,
                  "motivo": reason, "texto": txt_key, "pdf": pdf_key, "emitida_em": now.isoformat(timespec="seconds"),
                  "assinada_por": by, "plantoes": [p.id for p in plantoes], "documento": DOCUMENTO_PENDENTE}
        content = {"conteudo": portaria_to_dict(document), "avisos": notice_lines(plantoes, recipients)}
        uow.stage_portaria(series, now.year, number.number, last, {**record, **content})
        uow.emit(new_event(PortariaIssued(serie=series, ano=now.year, n=number.number, escala=scale.id),
                           tribunal=self.tribunal, correlation_id=_correlation_id(), subject=number.key))
        stored.portarias.append(summary_of(record))
        return record

    # the portaria's document and notices, after the commit (PLAN-04; the service's own consumer) -----------

    def publish_portaria(self, series: str, year: int, number: int) -> dict[str, Any]:
        """Renders the portaria's text and PDF into the documents bucket, then sends each notice it owes that is not
        recorded as sent yet (each one recorded right after SES accepted it), then marks the document ``pronto`` in
        the portaria's record and in its scale, with the act's one audit record. A redelivered event finds the
        document ready and the notices recorded: it sends nothing again and records nothing. A notice that SES
        refused raises :class:`NoticesPending` after the rest is committed, so the queue delivers the event again."""
        record = self.repository.portaria(series, year, number)
        if record is None or "conteudo" not in record:  # unknown, or stored at approval before the consumer existed
            logger.warning("portaria sem conteúdo a publicar", extra={"portaria": f"{series}-{year}-{number}"})
            return {"documento": None, "avisos_enviados": 0}
        portaria = portaria_from_dict(record["conteudo"])
        rendered = document_state(record) != DOCUMENTO_PRONTO
        if rendered:
            pdf = self.render_pdf(portaria, issued_at=datetime.fromisoformat(record["emitida_em"]))
            self.documents.put(series, year, number, portaria_text(portaria), pdf)
        sent, failed = self._send_notices(record, portaria)
        if rendered or sent:
            self._mark_published(record, rendered, sent, failed)
        if failed:
            raise NoticesPending(f"{len(failed)} aviso(s) da {record['numero']} não aceitos pelo SES; "
                                 "o evento volta à fila.")
        return {"documento": DOCUMENTO_PRONTO, "avisos_enviados": sent}

    def _send_notices(self, record: Mapping[str, Any], portaria: Portaria) -> tuple[int, list[str]]:
        """The notices not yet recorded as sent: (how many were sent now, who SES refused)."""
        series, year, number = record["serie"], record["ano"], record["n"]
        owed = record.get("avisos") or {}
        done = self.repository.notices_sent(series, year, number)
        pending = sorted(set(owed) - done)
        if not pending:
            return 0, []
        ref = self._reference()
        subject = notice_subject(record["numero"], portaria.kind, portaria.month)
        sent, failed = 0, []
        for magistrate_id in pending:
            magistrate = ref.magistrate(magistrate_id)
            if magistrate is None:  # left the reference data since: nobody to write to
                continue
            body = notice_body(record["numero"], record["motivo"], owed[magistrate_id], portaria.embargo_days)
            try:
                self.notifier.send_one(magistrate.email or f"{magistrate.id}@exemplo.jus.br", magistrate.name, body,
                                       subject)
            except Exception:
                logger.exception("aviso de plantão não enviado", extra={"portaria": record["numero"],
                                                                        "destinatario": magistrate_id})
                failed.append(magistrate_id)
                continue
            # At-least-once remains here: a crash between SES's answer and this record sends this one again.
            self.repository.record_notice(series, year, number, magistrate_id)
            sent += 1
        return sent, failed

    @retried
    def _mark_published(self, record: Mapping[str, Any], rendered: bool, sent: int, failed: Sequence[str]) -> None:
        """``documento: pronto`` in the portaria's record and in its scale's list (read and written again on a
        concurrent change of the scale), with the act's one audit record."""
        series, year, number = record["serie"], record["ano"], record["n"]
        uow = self.repository.unit_of_work()
        if rendered:
            current = self.repository.portaria(series, year, number) or dict(record)
            uow.stage_portaria_document(series, year, number, {**current, "documento": DOCUMENTO_PRONTO})
            stored = self.repository.scale(Month.parse(record["conteudo"]["mes"]), Kind(record["conteudo"]["tipo"]))
            if stored is not None and any(p.get("numero") == record["numero"] for p in stored.portarias):
                version = stored.version
                stored.portarias = [{**p, "documento": DOCUMENTO_PRONTO} if p.get("numero") == record["numero"]
                                    else p for p in stored.portarias]
                uow.stage_scale(stored, previous_version=version)
        uow.audit(acts.PORTARIA_PUBLICAR, (acts.ESCALA, record["escala"]), rules=acts.rules_of(acts.PORTARIA_PUBLICAR),
                  before={"portaria": record["numero"], "documento": DOCUMENTO_PRONTO if not rendered
                          else DOCUMENTO_PENDENTE},
                  after={"portaria": record["numero"], "documento": DOCUMENTO_PRONTO, "avisos_enviados": sent,
                         "avisos_devidos": len(record.get("avisos") or {}), "avisos_recusados": len(failed)})
        uow.commit()

    # swap (PLAN-05) --------------------------------------------------------------------------------

    def request_swap(self, scale_id: str, a: str, ma: str, b: str, mb: str, reason: str, by: str) -> dict[str, Any]:
        stored = self._scale(scale_id)
        rules.swap(stored.scale, a, ma, b, mb, self._reference(), self.now())  # validates (raises PLAN-05)
        swap_id = uuid.uuid4().hex[:12]
        data = {"id": swap_id, "escala": scale_id, "plantao_a": a, "magistrado_a": ma, "plantao_b": b,
                "magistrado_b": mb, "motivo": reason, "solicitada_por": by,
                "solicitada_em": self.now().isoformat(timespec="seconds")}
        uow = self.repository.unit_of_work()
        uow.stage_swap_request(swap_id, data, PENDENTE, expected=None)
        uow.audit(acts.PERMUTA_SOLICITAR, (acts.ESCALA, scale_id), rules=acts.rules_of(acts.PERMUTA_SOLICITAR),
                  after={"permuta": swap_id, "status": PENDENTE, "plantao_a": a, "magistrado_a": ma, "plantao_b": b,
                         "magistrado_b": mb, "motivo": reason})
        commit_or_refuse(uow, "Permuta já registrada.")
        return {**data, "status": PENDENTE}

    @retried
    def approve_swap(self, swap_id: str, by: str) -> tuple[dict[str, Any], StoredScale, dict[str, Any] | None, None]:
        found = self.repository.swap_request(swap_id)
        if found is None:
            raise NotFound(f"Permuta {swap_id} não existe.", field="permuta")
        data, status = found
        if status != PENDENTE:
            raise StateConflict("PLAN-05", f"A permuta {swap_id} já está {status}.")
        stored = self._scale(data["escala"])
        version = stored.version
        replaced = [p for p in (stored.scale.plantao(data["plantao_a"]), stored.scale.plantao(data["plantao_b"])) if p]
        stored.scale = rules.swap(stored.scale, data["plantao_a"], data["magistrado_a"], data["plantao_b"],
                                  data["magistrado_b"], self._reference(), self.now())
        uow = self.repository.unit_of_work()
        record = None
        changed = [stored.scale.plantao(data["plantao_a"]), stored.scale.plantao(data["plantao_b"])]
        if stored.status == APROVADA:
            record = self._stage_portaria(uow, stored, f"permuta ({data['motivo']})", [p for p in changed if p], by,
                                          recipients={data["magistrado_a"], data["magistrado_b"]}, change=True)
        uow.stage_scale(stored, previous_version=version)
        approved = {**data, "aprovada_por": by, "aprovada_em": self.now().isoformat(timespec="seconds")}
        uow.stage_swap_request(swap_id, approved, "aprovada", expected=PENDENTE)
        uow.audit(acts.PERMUTA_APROVAR, (acts.ESCALA, stored.id), rules=acts.rules_of(acts.PERMUTA_APROVAR),
                  before={"permuta": swap_id, "status": PENDENTE, "plantoes": [acts.shift_state(p) for p in replaced]},
                  after={"permuta": swap_id, "status": "aprovada", "motivo": data["motivo"],
                         "plantoes": [acts.shift_state(p) for p in changed if p],
                         "portaria": record["numero"] if record else None})
        uow.commit()
        return {**approved, "status": "aprovada"}, stored, record, None

    # impediment (PLAN-06) ----------------------------------------------------------------------------

    @retried
    def impediment(self, scale_id: str, plantao_id: str, reason: str, by: str) -> tuple[StoredScale, Plantao,
                                                                                          dict[str, Any] | None, None]:
        stored = self._scale(scale_id)
        scale = stored.scale
        ref = self._reference()
        calendar = self.calendar([scale.month.first, scale.month.next().next().last])
        old = scale.plantao(plantao_id)
        new_scale, new = rules.impediment(scale, plantao_id, ref, calendar, self.rules, self.now())
        uow = self.repository.unit_of_work()
        following = self._stage_anticipation(uow, scale, new_scale, ref, calendar, "PLAN-06")
        version = stored.version
        stored.scale = new_scale
        record = None
        if stored.status == APROVADA:
            record = self._stage_portaria(uow, stored, f"impedimento de {old.nome if old else ''} ({reason})", [new],
                                          by, recipients={new.magistrado, *([old.magistrado] if old else [])},
                                          change=True)
        uow.stage_scale(stored, previous_version=version)
        # The impeded judge stays in the history: before = the shift as it was, after = the substitute.
        uow.audit(acts.IMPEDIMENTO, (acts.ESCALA, stored.id), rules=acts.rules_of(acts.IMPEDIMENTO, scale.kind),
                  before={"plantao": acts.shift_state(old) if old else None},
                  after={"plantao": acts.shift_state(new), "motivo": reason,
                         "portaria": record["numero"] if record else None, **following})
        uow.commit()
        return stored, new, record, None

    def _stage_anticipation(self, uow: UnitOfWork, scale: Scale, new_scale: Scale, ref: ReferenceData,
                            calendar: CourtCalendar, code: str) -> dict[str, Any]:
        """A turn of next month was anticipated: the rotation's position moves; next month's draft, if it
        exists, is regenerated from the new position; an approved next month refuses the change (409). Answers
        what moved, for the act's record: the rotation's end and the regenerated draft (id and digests)."""
        rotation = self.repository.rotation(scale.kind)
        moved: dict[str, Any] = {"fim_rotacao": dict(new_scale.end)}
        if rotation.month == str(scale.month):
            uow.stage_rotation(rotation, scale.month, new_scale.end)
        elif rotation.month == str(scale.month.next()):
            following = self.repository.scale(scale.month.next(), scale.kind)
            if following is None or following.status != RASCUNHO:
                raise StateConflict(code, f"A escala {scale.kind.value} de {scale.month.next()} já foi aprovada: quem "
                                    "a abre não pode mais ser antecipado; use uma permuta.")
            version = following.version
            was = acts.shifts_digest(following.scale)
            following.scale = rules.generate(scale.kind, scale.month.next(), ref, calendar, self.rules, new_scale.end)
            uow.stage_scale(following, previous_version=version)
            uow.stage_rotation(rotation, scale.month.next(), following.scale.end)
            moved["escala_seguinte_regerada"] = {"escala": following.id, "plantoes_sha256_antes": was,
                                                 "plantoes_sha256": acts.shifts_digest(following.scale)}
        else:
            raise StateConflict(code, f"A rotação {scale.kind.value} já avançou até {rotation.month}.")
        return moved

    # days that became non-working after publication (CAL-03, 003 10.11.4) -----------------------------

    @retried
    def cover_new_days(self, scale_id: str, by: str) -> tuple[StoredScale, list[Plantao], dict[str, Any] | None, None]:
        stored = self._scale(scale_id)
        scale = stored.scale
        ref = self._reference()
        calendar = self.calendar([scale.month.first, scale.month.next().next().last])
        new_scale, added = rules.cover_new_days(scale, ref, calendar, self.rules, self.now())
        if not added:
            return stored, [], None, None
        uow = self.repository.unit_of_work()
        following = self._stage_anticipation(uow, scale, new_scale, ref, calendar, "CAL-03")
        version = stored.version
        stored.scale = new_scale
        record = None
        if stored.status == APROVADA:
            days = ", ".join(sorted({p.day.strftime("%d/%m/%Y") for p in added}))
            reason = f"dias sem expediente decretados após a escala: {days}"
            record = self._stage_portaria(uow, stored, reason, added, by, recipients={p.magistrado for p in added},
                                          change=True)
        uow.stage_scale(stored, previous_version=version)
        uow.audit(acts.NOVOS_DIAS, (acts.ESCALA, stored.id), rules=acts.rules_of(acts.NOVOS_DIAS, scale.kind),
                  before={"plantoes": len(scale.plantoes)},
                  after={"plantoes": len(new_scale.plantoes), "acrescentados": [acts.shift_state(p) for p in added],
                         "portaria": record["numero"] if record else None, **following})
        uow.commit()
        return stored, added, record, None

    # served duties (PLAN-07) → DutyServed ---------------------------------------------------------------

    def register_served(self, correlation_id: str = "agendamento") -> dict[str, Any]:
        """Once a shift is over: the ledger credit (2 dias úteis on a non-working day) and ``DutyServed``, once
        per magistrate and shift (the scale remembers what it registered)."""
        now = self.now()
        current = Month.of(now.date())
        emitted = 0
        failed: list[str] = []
        registered: dict[str, int] = {}
        for stored in self.repository.scales_between(current.previous(), current):
            if stored.status != APROVADA:
                continue
            due = [p for p in stored.scale.plantoes if p.end <= now and p.id not in stored.served]
            for start in range(0, len(due), SERVED_CHUNK):
                chunk = due[start:start + SERVED_CHUNK]
                try:
                    self._register_chunk(stored, chunk, correlation_id)
                except WriteConflict:
                    failed.append(stored.id)  # changed meanwhile: the next run takes it
                    break
                emitted += len(chunk)
                registered[stored.id] = registered.get(stored.id, 0) + len(chunk)
        if emitted:
            self._mark_run(SERVED_RUN, now.date().isoformat(), acts.REALIZADOS_REGISTRAR,
                           {"plantoes_registrados": emitted, "por_escala": registered, "escalas_com_conflito": failed})
        return {"plantoes_registrados": emitted, "escalas_com_conflito": failed}

    def _mark_run(self, name: str, key: str, act: str, summary: Mapping[str, Any]) -> None:
        """A schedule's run is one act: its record (counts and ids) is written with the mark of the run, once the
        run's own transactions are in (they may be many). A run that changed nothing marks and records nothing;
        a run stopped before this point leaves its changes unrecorded until the next run that changes something."""
        uow = self.repository.unit_of_work()
        uow.stage_run(name, key, summary)
        uow.audit(act, (acts.EXECUCAO, f"{name}:{key}"), rules=acts.rules_of(act), after=dict(summary))
        uow.commit()

    def _register_chunk(self, stored: StoredScale, chunk: Sequence[Plantao], correlation_id: str) -> None:
        uow = self.repository.unit_of_work()
        credits: dict[str, int] = defaultdict(int)
        for p in chunk:
            credit = credit_for_duty(p.dia_util, self.rules)
            plantao_id = f"{stored.id}#{p.id}"
            if credit:
                credits[p.magistrado] += credit
                uow.stage_entry(LedgerEntry(plantao_id, p.magistrado, p.day, credit, CreditKind.PLANTAO.value,
                                            plantao_id))
            uow.emit(new_event(DutyServed(
                plantao_id=plantao_id, escala_id=stored.id, tipo=stored.scale.kind.value, magistrado=p.magistrado,
                nome=p.nome, data=p.day, inicio=p.start, fim=p.end, dia_util=p.dia_util, dias_credito=credit),
                tribunal=self.tribunal, correlation_id=correlation_id, subject=plantao_id))
        for magistrate, days in sorted(credits.items()):
            uow.stage_balance(magistrate, balance=days)
        version = stored.version
        stored.served = stored.served | {p.id for p in chunk}
        uow.stage_scale(stored, previous_version=version)
        uow.commit()  # a concurrent change of the scale: register_served leaves it to the next run

    # compensation (PLAN-07, PLAN-08) ----------------------------------------------------------------

    def credit(self, magistrate_id: str, kind: CreditKind, day: date, description: str) -> LedgerEntry:
        ref = self._reference()
        magistrate = find_magistrate(ref, magistrate_id)
        days = credit_for_event(kind, magistrate, day, ref, self.calendar([day]), self.rules, today=self.today())
        entry = LedgerEntry(f"{kind.value}-{day.isoformat()}", magistrate.id, day, days, kind.value, description)
        uow = self.repository.unit_of_work()
        uow.stage_entry(entry)
        uow.stage_balance(magistrate.id, balance=days)
        uow.audit(acts.COMPENSACAO_CREDITAR, (acts.COMPENSACAO, magistrate.id),
                  rules=acts.rules_of(acts.COMPENSACAO_CREDITAR),
                  after={"lancamento": entry.id, "tipo": kind.value, "data": day.isoformat(), "dias": days,
                         "descricao": description})
        commit_or_refuse(uow, f"Já há lançamento de {kind.value} de {magistrate.id} em {day.isoformat()}.")
        return entry

    @retried
    def request_use(self, magistrate_id: str, days: Sequence[date], substitute_id: str, by: str) -> dict[str, Any]:
        ref = self._reference()
        magistrate = find_magistrate(ref, magistrate_id)
        substitute = ref.magistrate(substitute_id)
        ledger = self.repository.ledger(magistrate_id)
        ordered = check_use(magistrate, days, substitute, ledger.free, ref, self.calendar(days))
        assert substitute is not None
        use_id = uuid.uuid4().hex[:12]
        data = {"id": use_id, "magistrado": magistrate.id, "nome": magistrate.name,
                "juizo": magistrate.juizo or magistrate.orgao or "", "substituto": substitute.id,
                "substituto_nome": substitute.name, "juizo_substituto": substitute.juizo or substitute.orgao or "",
                "dias": [d.isoformat() for d in ordered], "solicitado_por": by,
                "solicitado_em": self.now().isoformat(timespec="seconds")}
        uow = self.repository.unit_of_work()
        uow.stage_use(magistrate.id, use_id, data, PENDENTE, expected=None)
        uow.stage_balance(magistrate.id, reserved=len(ordered), version=ledger.version)
        uow.audit(acts.USO_SOLICITAR, (acts.COMPENSACAO, magistrate.id), rules=acts.rules_of(acts.USO_SOLICITAR),
                  before={"saldo": ledger.balance, "reservado": ledger.reserved},
                  after={"saldo": ledger.balance, "reservado": ledger.reserved + len(ordered), "uso": use_id,
                         "status": PENDENTE, "dias": data["dias"], "substituto": substitute.id})
        uow.commit()
        return {**data, "status": PENDENTE}

    @retried
    def approve_use(self, magistrate_id: str, use_id: str, by: str, correlation_id: str) -> dict[str, Any]:
        found = self.repository.use(magistrate_id, use_id)
        if found is None:
            raise NotFound(f"Pedido de compensação {use_id} de {magistrate_id} não existe.")
        data, status = found
        if status != PENDENTE:
            raise StateConflict("PLAN-08", f"O pedido {use_id} já está {status}.")
        ledger = self.repository.ledger(magistrate_id)
        days = [date.fromisoformat(d) for d in data["dias"]]
        if len(days) > ledger.balance:
            raise PlantaoError("PLAN-08", f"Saldo insuficiente: {ledger.balance} dia(s) para {len(days)}.",
                               saldo=ledger.balance)
        now = self.now()
        approved = {**data, "aprovado_por": by, "aprovado_em": now.isoformat(timespec="seconds")}
        uow = self.repository.unit_of_work()
        uow.stage_use(magistrate_id, use_id, approved, "aprovado", expected=PENDENTE)
        uow.stage_entry(LedgerEntry(f"uso-{use_id}", magistrate_id, days[0], -len(days), "uso", use_id))
        uow.stage_balance(magistrate_id, balance=-len(days), reserved=-len(days), version=ledger.version)
        uow.audit(acts.USO_APROVAR, (acts.COMPENSACAO, magistrate_id), rules=acts.rules_of(acts.USO_APROVAR),
                  before={"saldo": ledger.balance, "reservado": ledger.reserved, "uso": use_id, "status": PENDENTE},
                  after={"saldo": ledger.balance - len(days), "reservado": ledger.reserved - len(days), "uso": use_id,
                         "status": "aprovado", "dias": data["dias"], "substituto": data["substituto"]})
        uow.emit(new_event(CompensationUsed(
            compensacao_id=use_id, magistrado=magistrate_id, nome=data["nome"], juizo=data["juizo"],
            substituto=data["substituto"], substituto_nome=data["substituto_nome"],
            juizo_substituto=data["juizo_substituto"], dias=days, aprovado_em=now, aprovado_por=by),
            tribunal=self.tribunal, correlation_id=correlation_id, subject=f"{magistrate_id}/{use_id}"))
        uow.commit()
        return {**approved, "status": "aprovado"}

    # monthly schedule ------------------------------------------------------------------------------

    def generate_next_month(self) -> dict[str, Any]:
        """On the configured day, asks for next month's draft of every kind the tribunal generates, as
        ``POST /escalas`` does (:meth:`request_generation`, by the schedule's actor): each kind is then generated by
        this service's consumer from its own event (issue 15: one path for the job, off the schedule's invocation,
        and a kind that fails is retried alone). Each request is its own act and record
        (``PLAN.ESCALA.GERACAO.SOLICITAR``); the run writes nothing else. A kind whose scale exists is skipped, a
        request pending or running is answered, not duplicated, and one already made today that failed is not asked
        again (its reason is at ``GET /geracoes/{escala}``): a second run of the day records nothing. A refusal the
        stored state decides (PLAN-02: the previous month is missing) is reported, not raised, so the other kinds are
        still asked; a ``Busy`` is raised, and the schedule's retry answers the requests this run recorded."""
        today = self.today()
        if today.day != self.rules.geracao_dia_do_mes:
            return {"dia": today.isoformat(), "solicitadas": [], "motivo": "não é o dia configurado"}
        month = Month.of(today).next()
        correlation_id = _correlation_id()  # this run's: a request recorded by it carries it
        requested: list[str] = []
        answered: dict[str, str] = {}
        existing: list[str] = []
        refused: dict[str, str] = {}
        for kind in (Kind(k) for k in self.rules.tipos_gerados):
            scale_id = rules.scale_id(month, kind)
            earlier = self._failed_today(month, kind, today)
            if earlier is not None:
                answered[scale_id] = earlier.situacao
                continue
            try:
                request = self.request_generation(month, kind, correlation_id, MONTHLY_ACTOR)
            except StateConflict:  # the scale exists, or its rotation is already past this month
                existing.append(scale_id)
                continue
            except PlantaoError as error:
                refused[scale_id] = error.detail
                logger.warning("geração não solicitada", extra={"escala": scale_id, "erro": error.detail})
                continue
            if request.correlacao == correlation_id:
                requested.append(scale_id)
            else:  # one pending or running, asked earlier (by hand or by a run cut off): answered
                answered[scale_id] = request.situacao
        return {"dia": today.isoformat(), "mes": str(month), "solicitadas": requested, "ja_solicitadas": answered,
                "existentes": existing, "recusadas": refused}

    def _failed_today(self, month: Month, kind: Kind, today: date) -> RunRequest | None:
        """The request of ``month`` and ``kind`` made ``today`` that failed, if any: the schedule does not ask it again
        the same day (a new run of a failed request is a new act; a person reads the reason and asks by hand)."""
        found = self.repository.generation_request(month, kind)
        if found is None:
            return None
        request = RunRequest.from_dict(found[0])
        asked = datetime.fromisoformat(request.solicitado_em).astimezone(self.config.tz).date()
        return request if request.situacao == FAILED and asked == today else None


def _identity(tag: str) -> Callable[[Any], str]:
    if tag == "PERIODO":
        return lambda p: p.start.isoformat()
    if tag == "NOTURNO":
        return lambda g: f"{g.year}-{g.quadrimester}"
    return lambda x: x.id
