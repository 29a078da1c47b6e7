"""Use cases of pagamentos-svc: reference data, the events of the other services, the monthly run, memos.

Every read is a Query or a GetItem (never a Scan). Refusals raise :class:`Refused` before anything is
written; a use case writes in one transaction (designations, replayed events) or, for a memo's lines,
in a new generation that becomes current only when its header flips (conditional on the version read).
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from chalicelib.pagamentos.adapters import codec
from chalicelib.pagamentos.adapters.documents import MemoDocumentStore, render_memo_pdf
from chalicelib.pagamentos.adapters.dynamodb import FULL_SUBSTITUTIONS, MemoItem, PagamentosRepository, StoredMemo
from chalicelib.pagamentos.domain.memos import (
    CLOSED,
    DRAFT,
    SENT,
    SIGNED,
    adjustments,
    content_hash,
    memo_id,
    memo_number_label,
    paid_by_key,
    render_csv,
    require_transition,
    split_memo_id,
    total,
)
from chalicelib.pagamentos.domain.model import (
    Absence,
    CompensationDays,
    CooperationBonus,
    Designation,
    DomainError,
    Line,
    Month,
    MonthData,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)
from chalicelib.pagamentos.domain.rules import CATEGORIES, TITLES, Rules
from pynamodb.exceptions import PutError, UpdateError

from courtlib.config import TribunalConfig
from courtlib.csvexport import BR, CsvFormat
from courtlib.messaging.contracts import (
    CompensationUsed,
    CooperationBonusAssessed,
    DutyServed,
    Envelope,
    MagistrateAbsenceRegistered,
    Payload,
    parse_event,
)
from courtlib.messaging.outbox import ConditionFailed, UnitOfWork
from courtlib.settings import ServiceSettings

MAX_NUMBER_ATTEMPTS = 8  # PAG-11: concurrent signatures racing for the next memo number
MAX_DESIGNATION_MONTHS = 24  # a longer designation is registered as successive ones (keeps one transaction)
FRACTIONS = {"1/3", "1/6"}


class Refused(Exception):
    def __init__(self, status: int, code: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field


@dataclass(frozen=True)
class Park:
    """An event that cannot be applied yet: kept with its reason (never dropped, never half-applied)."""

    code: str
    reason: str


class PagamentosService:
    def __init__(self, repository: PagamentosRepository, documents: MemoDocumentStore, calendar: Any,
                 config: TribunalConfig, settings: ServiceSettings, clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.documents = documents
        self.calendar = calendar
        self.config = config
        self.settings = settings
        self.clock = clock

    # -- reference data ------------------------------------------------------------------------

    def register_people(self, people: list[Person]) -> int:
        self.repository.batch_save(self.repository.person_item(p) for p in people)
        return len(people)

    def _magistrate(self, person_id: str, field: str = "pessoa") -> Person:
        person = self.repository.get_person(person_id)
        if person is None:
            raise Refused(422, "PESSOA_DESCONHECIDA", f"{person_id} não está cadastrado em pagamentos.", field)
        if person.tipo != "magistrado":
            raise Refused(422, "VALIDACAO", f"{person_id} não é magistrado.", field)
        return person

    def check_designation(self, d: Designation, person: Person | None = None) -> Person:
        """The refusals of a designation (422), before anything is written (``person``: not yet stored)."""
        person = person or self._magistrate(d.pessoa)
        if len(d.periodo.months()) > MAX_DESIGNATION_MONTHS:
            raise Refused(422, "VALIDACAO", f"período maior que {MAX_DESIGNATION_MONTHS} meses: registre designações "
                                            "sucessivas.", "fim")
        if d.kind == "substituicao" and not d.entrancia_destino:
            raise Refused(422, "PAG-05", "substituição sem a entrância do juízo substituído.", "entrancia_destino")
        if d.kind == "diarias" and not d.municipio:
            raise Refused(422, "PAG-06", "designação com diárias sem o município do serviço.", "municipio")
        if d.kind == "funcao":
            known = self.config.pagamentos.tabela_em(d.periodo.inicio).funcoes
            if d.funcao not in known:
                raise Refused(422, "PAG-01", f"função sem valor na tabela: {d.funcao!r} (conhecidas: "
                                             f"{', '.join(sorted(known))}).", "funcao")
        if d.kind == "convocacao" and person.second_degree:
            raise Refused(422, "PAG-04", "convocação é de juiz de primeiro grau para o Tribunal.", "pessoa")
        if d.fracao is not None and f"{d.fracao.numerator}/{d.fracao.denominator}" not in FRACTIONS:
            raise Refused(422, "PAG-02", "a fração da cumulação é 1/3 ou 1/6.", "fracao")
        return person

    def check_overlap(self, d: Designation) -> str | None:
        """409 if ``d`` overlaps a stored designation of the same kind for the same juízo; the guard's version."""
        entries, guard = self.repository.juizo_index(d.juizo, d.kind)
        for other in entries:
            if other["id"] == d.id:
                continue
            if d.kind == "auxilio" and other["pessoa"] != d.pessoa:
                continue  # several judges may aid the same juízo
            if other["inicio"] <= d.periodo.fim.isoformat() and d.periodo.inicio.isoformat() <= other["fim"]:
                raise Refused(409, "DESIGNACAO_SOBREPOSTA",
                              f"o juízo {d.juizo} já tem designação de {d.kind} de {other['pessoa']} de "
                              f"{other['inicio']} a {other['fim']} que se sobrepõe a este período.", "inicio")
        return guard

    def create_designation(self, d: Designation) -> tuple[dict[str, Any], bool]:
        """Registers ``d`` (one transaction); the same id with the same content again → (existing, False)."""
        self.check_designation(d)
        existing = self.repository.get_designation(d.id)
        body = codec.designation_to(d)
        if existing is not None:
            if existing == body:
                return existing, False
            raise Refused(409, "CONFLITO", f"já existe a designação {d.id} com outro conteúdo.", "id")
        guard = self.check_overlap(d)
        repo = self.repository
        model = repo.records
        uow = UnitOfWork(self.settings)
        master = repo.record(f"DESIGNACAO#{d.id}", "DESIGNACAO", "DESIGNACAO", body,
                             gsi1=(f"DESIGNACOES#{d.pessoa}", f"{d.periodo.inicio.isoformat()}#{d.id}"))

        uow.save(master, model.pk.does_not_exist())
        version = int(guard or "0")
        guard_item = repo.record(f"JUIZO#{d.juizo}", f"GUARDA#{d.kind}", "GUARDA", {"v": 0})
        guard_item.dados = str(version + 1)
        uow.save(guard_item, model.pk.does_not_exist() if guard is None else model.dados == guard)
        uow.save(repo.record(f"JUIZO#{d.juizo}", f"{d.kind}#{d.periodo.inicio.isoformat()}#{d.id}", "INDICE",
                             {"id": d.id, "pessoa": d.pessoa, "inicio": d.periodo.inicio.isoformat(),
                              "fim": d.periodo.fim.isoformat()}))
        if d.kind == "substituicao" and d.plena:  # PAG-05: the full substitutions, one partition for all
            uow.save(repo.record(FULL_SUBSTITUTIONS, f"{d.pessoa}#{d.periodo.inicio.isoformat()}#{d.id}",
                                 "SUBSTITUICAO", body))
        for month in d.periodo.months():
            uow.save(repo.fact_item(month, "DESIG", d.id, body))
            uow.save(repo.pending_item(month))
        try:
            uow.commit()
        except ConditionFailed as error:
            raise Refused(409, "CONFLITO", "outra designação para o mesmo juízo foi registrada ao mesmo tempo; "
                                           "repita a operação.") from error
        return body, True

    def record_vacation(self, v: Vacation) -> dict[str, Any]:
        self._magistrate(v.pessoa)
        if len(v.periodo.months()) > 3:
            raise Refused(422, "VALIDACAO", "férias de mais de 3 meses: registre períodos separados.", "fim")
        body = codec.vacation_to(v)
        self._facts([(m, "FERIAS", v.id, body) for m in v.periodo.months()])
        return body

    def record_renounced(self, r: RenouncedVacation) -> dict[str, Any]:
        self._magistrate(r.pessoa)
        body = codec.renounced_to(r)
        self._facts([(Month.of(r.autorizado_em), "RENUNCIA", r.id, body)])
        return body

    def record_session(self, s: Session) -> dict[str, Any]:
        people = [a.membro for a in s.presencas]
        if len(set(people)) != len(people):
            raise Refused(422, "VALIDACAO", "membro repetido na lista de presença.", "presencas")
        for member in people:
            self._magistrate(member, "presencas")
        body = codec.session_to(s)
        self._facts([(Month.of(s.data), "SESSAO", f"{s.data.isoformat()}#{s.id}", body)])
        return body

    def _facts(self, facts: list[tuple[Month, str, str, dict[str, Any]]]) -> None:
        uow = UnitOfWork(self.settings)
        for month, kind, key, body in facts:
            uow.save(self.repository.fact_item(month, kind, key, body))
        for month in {f[0] for f in facts}:
            uow.save(self.repository.pending_item(month))
        uow.commit()

    # -- events ------------------------------------------------------------------------------------

    def plan_event(self, payload: Payload, envelope: Envelope) -> list[Any] | Park:
        """The items an event writes, or why it must be parked (unknown magistrate or servant)."""
        repo = self.repository
        if isinstance(payload, CompensationUsed):
            if repo.get_person(payload.substituto) is None:
                return Park("PESSOA_DESCONHECIDA", f"substituto {payload.substituto} ({payload.substituto_nome}) não "
                                                   "cadastrado em pagamentos")
            by_month: dict[Month, list[date]] = defaultdict(list)
            for day in sorted(set(payload.dias)):
                by_month[Month.of(day)].append(day)
            items = []
            for month, days in by_month.items():
                fact = CompensationDays(payload.compensacao_id, payload.substituto, payload.juizo, payload.magistrado,
                                        tuple(days))
                items += [repo.fact_item(month, "COMPENSACAO", payload.compensacao_id, codec.compensation_to(fact),
                                         envelope.id), repo.pending_item(month)]
            return items
        if isinstance(payload, CooperationBonusAssessed):
            if repo.get_person(payload.servidor) is None:
                return Park("PESSOA_DESCONHECIDA", f"servidor {payload.servidor} ({payload.nome}) não cadastrado em "
                                                   "pagamentos")
            bonus = CooperationBonus(payload.apuracao_id, payload.servidor, payload.nome, payload.competencia,
                                     payload.natureza, payload.revisao, payload.minutos, payload.valor_hora,
                                     payload.valor)
            month = Month.parse(payload.competencia)
            return [repo.fact_item(month, "COOP", payload.apuracao_id, codec.cooperation_to(bonus), envelope.id),
                    repo.pending_item(month)]
        if isinstance(payload, DutyServed):
            if repo.get_person(payload.magistrado) is None:
                return Park("PESSOA_DESCONHECIDA", f"magistrado {payload.magistrado} ({payload.nome}) não cadastrado "
                                                   "em pagamentos")
            body = payload.model_dump(mode="json")
            return [repo.fact_item(Month.of(payload.data), "PLANTAO", payload.plantao_id, body, envelope.id)]
        if isinstance(payload, MagistrateAbsenceRegistered):
            # PAG-03 input: absences are kept whoever they are (counted only for registered desembargadores/JDS);
            # the months they touch are re-checked for closed memos.
            end = payload.fim or payload.inicio
            months = {Month.of(payload.inicio), Month.of(end)}
            return [repo.pending_item(m) for m in months]
        raise TypeError(type(payload).__name__)

    def apply_event(self, payload: Payload, envelope: Envelope, uow: UnitOfWork) -> None:
        plan = self.plan_event(payload, envelope)
        if isinstance(plan, Park):
            uow.save(self.repository.parked_item(envelope.model_dump_json(), envelope.id, envelope.type, plan.reason,
                                                 plan.code))
            return
        for item in plan:
            uow.save(item)

    def replay_parked(self, event_id: str) -> dict[str, Any]:
        """Applies a parked event again (now that its person is registered) and removes it from the list,
        in one transaction; still unknown → 409 and nothing changes."""
        item = self.repository.get_parked(event_id)
        if item is None:
            raise Refused(404, "NAO_ENCONTRADO", "evento estacionado não encontrado.")
        envelope = Envelope.model_validate_json(item.data["envelope"])
        plan = self.plan_event(parse_event(envelope), envelope)
        if isinstance(plan, Park):
            raise Refused(409, plan.code, f"o evento continua sem aplicação: {plan.reason}.")
        uow = UnitOfWork(self.settings)
        for planned in plan:
            uow.save(planned)
        uow.delete(item, self.repository.records.pk.exists())
        try:
            uow.commit()
        except ConditionFailed as error:
            raise Refused(409, "CONFLITO", "o evento já foi reprocessado.") from error
        return {"id": event_id, "tipo": envelope.type, "resultado": "aplicado"}

    # -- the monthly run ------------------------------------------------------------------------------

    def today(self) -> date:
        return self.clock().astimezone(self.config.tz).date()

    def rules_for(self, month: Month) -> Rules:
        calendar = self.calendar.calendar_for(self.config, [month.year])
        return Rules(self.config, lambda day, municipio: calendar.is_dia_util(day, municipio))

    def load_month(self, month: Month, people: dict[str, Person]) -> MonthData:
        facts = self.repository.month_facts(month)
        data = MonthData(
            month=month, people=people,
            designations=[codec.designation_from(d) for d in facts["DESIG"]],
            vacations=[codec.vacation_from(d) for d in facts["FERIAS"]],
            renounced=[codec.renounced_from(d) for d in facts["RENUNCIA"]],
            compensations=[codec.compensation_from(d) for d in facts["COMPENSACAO"]],
            sessions=[codec.session_from(d) for d in facts["SESSAO"]],
            cooperation=[codec.cooperation_from(d) for d in facts["COOP"]],
            absences=[Absence(a.magistrado, date.fromisoformat(a.inicio), date.fromisoformat(a.fim) if a.fim else None,
                              a.motivo) for a in self.absences.overlapping(month.first, month.last)],
        )
        # PAG-05: the full substitutions of the judges on vacation this month (one Query for all)
        on_vacation = {v.pessoa for v in data.vacations if v.pessoa in people and people[v.pessoa].cargo == "juiz"}
        if on_vacation:
            for d in self.repository.full_substitutions():
                if d["pessoa"] in on_vacation:
                    data.full_substitutions.setdefault(d["pessoa"], []).append(codec.designation_from(d))
        return data

    @property
    def absences(self) -> Any:
        from chalicelib.pagamentos.adapters.absences import AbsenceRepository

        if not hasattr(self, "_absences"):
            self._absences = AbsenceRepository(self.settings)
        return self._absences

    def run(self, month: Month) -> dict[str, Any]:
        """PAG-01: the memos of ``month``, one per category; a late fact for a closed month becomes an adjustment
        in this month's draft (PAG-10). Running it twice writes nothing the second time."""
        now = self.clock()
        people = self.repository.people()
        headers = HeaderCache(self.repository)
        computed = self.rules_for(month).build(self.load_month(month, people))
        extra: dict[str, list[Line]] = defaultdict(list)
        checked = []
        for origin in self.repository.pending_months():
            if origin >= str(month):
                continue
            closed = [c for c, h in headers.of(origin).items() if h.status in CLOSED]
            if not closed:
                continue
            origin_month = Month.parse(origin)
            rebuilt = self.rules_for(origin_month).build(self.load_month(origin_month, people))
            settled = True
            for category in closed:
                target = headers.of(str(month)).get(category)
                if target is not None and target.status in CLOSED:
                    settled = False  # this month's memo is closed too: a later month carries the adjustment
                    continue
                allocated = self.repository.allocation(category, origin)
                if allocated is not None and allocated != str(month):
                    holder = headers.of(allocated).get(category)
                    if holder is None or holder.status not in CLOSED:
                        settled = False  # that draft carries the adjustment: never two drafts with it
                        continue
                paid_lines = self._paid(headers, origin_month, category)
                names = {line.chave_origem: (line.pessoa, line.nome) for line in paid_lines}
                due = adjustments(category, origin_month, rebuilt[category], paid_by_key(paid_lines), names)
                if due:
                    settled = False
                    if allocated != str(month):
                        try:
                            self.repository.allocate(category, origin, str(month), allocated)
                        except PutError:
                            continue  # a concurrent run took them: its memo carries them
                    extra[category].extend(due)
            checked.append(origin)
            if settled and len(closed) == len(CATEGORIES):
                self.repository.delete_pending(origin)
        result: dict[str, Any] = {}
        for category in CATEGORIES:
            result[category] = self._store(month, category, computed[category] + extra[category],
                                           headers.of(str(month)).get(category), now)
        return {"competencia": str(month), "memorandos": result, "competencias_revistas": checked}

    def _paid(self, headers: HeaderCache, origin: Month, category: str) -> list[Line]:
        """The lines closed memos hold for ``origin``: its own memo's, and adjustments in later closed memos."""
        own = self.repository.memo(origin, category, memo_id(origin, category))
        paid = [line for line in own.lines if line.competencia_origem == str(origin)] if own else []
        paid += [line for memo, generation, line in self.repository.lines_from(category, origin)
                 if self._closed_generation(headers, memo, generation)]
        return paid

    def _closed_generation(self, headers: HeaderCache, memo: str, generation: int) -> bool:
        month, category = split_memo_id(memo)
        header = headers.of(str(month)).get(category)
        return header is not None and header.status in CLOSED and header.geracao == generation

    def _store(self, month: Month, category: str, lines: list[Line], header: MemoItem | None,
               now: datetime) -> dict[str, Any]:
        the_id = memo_id(month, category)
        digest = content_hash(lines)
        if header is not None and header.status != DRAFT:
            return {"id": the_id, "resultado": f"mantido ({header.status})", "total": header.total}
        if header is not None and header.hash == digest:
            return {"id": the_id, "resultado": "inalterado", "total": header.total}
        if header is None:
            header = self.repository.new_header(the_id, month, category)
        # the current generation's chunks, and orphans of a run that stopped before its header flipped
        stored = self.repository.generations(the_id)
        generation = max([int(header.geracao), *stored]) + 1
        self.repository.write_generation(the_id, category, generation, lines)
        header.geracao, header.total, header.linhas, header.hash = generation, str(total(lines)), len(lines), digest
        header.gerado_em = now
        try:
            header.save()
        except PutError:
            # signed (or rebuilt) meanwhile: this generation never became current
            self.repository.delete_generations(the_id, category, {
                generation: [(sk, chunk) for sk, chunk in self.repository.generations(the_id).get(generation, [])]})
            return {"id": the_id, "resultado": "conflito: memorando alterado durante a execução"}
        self.repository.delete_generations(the_id, category, stored)
        return {"id": the_id, "resultado": "gerado", "total": str(total(lines)), "linhas": len(lines)}

    # -- memos ---------------------------------------------------------------------------------------

    def memo(self, the_id: str) -> StoredMemo:
        try:
            month, category = split_memo_id(the_id)
        except DomainError as error:
            raise Refused(404, "NAO_ENCONTRADO", error.detail) from error
        stored = self.repository.memo(month, category, the_id)
        if stored is None:
            raise Refused(404, "NAO_ENCONTRADO", f"memorando {the_id} ainda não gerado.")
        return stored

    def _transition(self, the_id: str, action: str, user: str, apply: Callable[[MemoItem], None]) -> StoredMemo:
        stored = self.memo(the_id)
        try:
            require_transition(stored.header.status, action)
        except DomainError as error:
            raise Refused(409, error.code, error.detail) from error
        apply(stored.header)
        try:
            stored.header.save()
        except (PutError, UpdateError) as error:
            raise Refused(409, "CONFLITO", "o memorando mudou durante a operação; consulte e repita.") from error
        return stored

    def sign(self, the_id: str, user: str) -> StoredMemo:
        """PAG-10/PAG-11: the President's despacho freezes the memo and gives it its number: the next of its
        division in the year of signature, written in the same transaction as the signature and conditional
        on the counter as read, so two signatures never take the same number and a failed one leaves no gap."""
        division = self.config.pagamentos.memorando_divisao
        for _ in range(MAX_NUMBER_ATTEMPTS):
            stored = self.memo(the_id)
            try:
                require_transition(stored.header.status, "assinar")
            except DomainError as error:
                raise Refused(409, error.code, error.detail) from error
            now = self.clock()
            year = now.astimezone(self.config.tz).year
            counter, last = self.repository.memo_counter(division, year)
            header = stored.header
            header.status, header.assinado_por, header.assinado_em = SIGNED, user, now
            header.numero, header.numero_ano, header.numero_divisao = last + 1, year, division
            header.updated_at = now
            records = self.repository.records
            uow = UnitOfWork(self.settings)
            uow.save(self.repository.memo_counter_item(division, year, last + 1),
                     records.pk.does_not_exist() if counter is None else records.dados == counter.dados)
            uow.save(header)  # conditional on the version read (VersionedItem)
            try:
                uow.commit()
            except ConditionFailed:
                continue  # another signature took the number (or signed this memo): read again
            return stored
        raise Refused(409, "CONFLITO", "muitas assinaturas ao mesmo tempo; repita.")

    def edit(self, the_id: str, user: str, observacao: str) -> StoredMemo:
        def apply(header: MemoItem) -> None:
            header.observacao = observacao

        return self._transition(the_id, "editar", user, apply)

    def send(self, the_id: str, user: str) -> StoredMemo:
        stored = self.memo(the_id)
        try:
            require_transition(stored.header.status, "enviar")
        except DomainError as error:
            raise Refused(409, error.code, error.detail) from error
        keys = self.documents.put(the_id, {
            "json": (json.dumps(self.memo_document(stored), ensure_ascii=False, indent=1).encode(),
                     "application/json; charset=utf-8"),
            "csv": (self.csv(stored).encode("utf-8"), "text/csv; charset=utf-8"),
            "pdf": (self.pdf(stored), "application/pdf"),
        })

        def apply(header: MemoItem) -> None:
            header.status, header.enviado_por, header.enviado_em = SENT, user, self.clock()
            header.documentos = json.dumps(keys)

        return self._transition(the_id, "enviar", user, apply)

    def memo_document(self, stored: StoredMemo) -> dict[str, Any]:
        h = stored.header
        rows = sorted(stored.lines, key=lambda l: (l.ajuste, l.nome, l.chave))
        return {
            "id": f"{h.competencia}-{h.categoria}", "competencia": h.competencia, "categoria": h.categoria,
            "regra": CATEGORIES[h.categoria], "titulo": TITLES[h.categoria], "status": h.status,
            "numero": memo_label(h),
            "geracao": h.geracao, "total": str(total(rows)), "quantidade_linhas": len(rows),
            "assinado_por": h.assinado_por, "assinado_em": h.assinado_em.isoformat() if h.assinado_em else None,
            "enviado_por": h.enviado_por, "enviado_em": h.enviado_em.isoformat() if h.enviado_em else None,
            "observacao": h.observacao, "documentos": json.loads(h.documentos) if h.documentos else None,
            "linhas": [codec.line_to(line) for line in rows],
        }

    def csv(self, stored: StoredMemo, fmt: CsvFormat = BR) -> str:
        h = stored.header
        return render_csv(f"{h.competencia}-{h.categoria}", h.competencia, h.categoria, stored.lines,
                          number=memo_label(h) or "", fmt=fmt)

    def pdf(self, stored: StoredMemo) -> bytes:
        h = stored.header
        presidencia = self.config.presidencia
        return render_memo_pdf(tribunal=self.config.nome, memo_id=f"{h.competencia}-{h.categoria}",
                               month=h.competencia, category=h.categoria, status=h.status, lines=stored.lines,
                               generated_at=h.gerado_em or self.clock(), signed_by=h.assinado_por,
                               signed_at=h.assinado_em, number=memo_label(h),
                               signatory=(presidencia.nome, presidencia.cargo), place=self.config.capital.nome)

    def summary(self, month: Month) -> dict[str, Any]:
        headers = self.repository.memo_headers_of_month(month)
        memos = [{"id": memo_id(month, c), "categoria": c, "regra": CATEGORIES[c], "titulo": TITLES[c],
                  "status": headers[c].status if c in headers else "nao_gerado",
                  "linhas": headers[c].linhas if c in headers else 0,
                  "total": headers[c].total if c in headers else "0.00"} for c in CATEGORIES]
        return {"competencia": str(month), "memorandos": memos,
                "total_geral": str(sum((Decimal(m["total"]) for m in memos), Decimal("0.00")))}


def memo_label(header: MemoItem) -> str | None:
    """"Memorando nº 12/2026 – DIMAG" once signed; ``None`` for a draft (PAG-11)."""
    if header.numero is None:
        return None
    return memo_number_label(int(header.numero), int(header.numero_ano), header.numero_divisao or "")


class HeaderCache:
    """Memo headers by month, read once per run (one Query of gsi1 ``MEMOS#<month>`` per month needed)."""

    def __init__(self, repository: PagamentosRepository) -> None:
        self._repository = repository
        self._months: dict[str, dict[str, MemoItem]] = {}

    def of(self, month: str) -> dict[str, MemoItem]:
        if month not in self._months:
            self._months[month] = self._repository.memo_headers_of_month(month)
        return self._months[month]


def new_id() -> str:
    return uuid.uuid4().hex[:12]
