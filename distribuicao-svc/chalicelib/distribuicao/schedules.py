"""Daily and fortnightly use cases of distribuicao-svc (DIST-06, DIST-08, DIST-11), run by the schedules.

Each returns a small JSON-ready summary. They read by Query only (órgãos through gsi1 ``ORGAOS``, cases
through gsi1 ``ORGAO#<id>#PROCESSOS``, logs by partition) and write through the same repository path as
the HTTP use cases (``commit_decision`` in one unit of work, retried on a concurrent write).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.core import TZ
from chalicelib.distribuicao.domain.draw import plan_absences
from chalicelib.distribuicao.domain.errors import DistribuicaoError
from chalicelib.distribuicao.domain.log import EditalRow, edital_period, edital_rows
from chalicelib.distribuicao.edital_document import render_edital_json, render_edital_pdf
from chalicelib.distribuicao.ports import EditalStore, PendingAct
from chalicelib.distribuicao.precatorias import PrecatoriaService
from chalicelib.distribuicao.service import DistribuicaoService

from courtlib.errors import Busy
from courtlib.observability import logger


def publish_seed_commitments(service: DistribuicaoService) -> dict[str, Any]:
    """DIST-11: today's and tomorrow's seeds exist, so their commitments are public before their first draw.

    Audited once (``DIST.SEMENTE.PUBLICAR``, the commitments created) when it creates a seed; a run that finds
    them created (a retry, or a draw that created today's) writes nothing."""
    today = service.today()
    days = [today, today + timedelta(days=1)]
    created = service._retrying(lambda: service.seeds.publish(days, acts.seeds_published))
    return {"dias": [d.isoformat() for d in days], "criadas": [d.isoformat() for d in sorted(created)]}


def resolve_pending_acts(service: DistribuicaoService, precatorias: PrecatoriaService | None = None) -> dict[str, Any]:
    """Issue 16, every minute: the acts registered in each órgão (and, given ``precatorias``, the cartas queued in
    each municipality, DIST-10) whose beacon round is out are drawn, in order (race-safe against a request
    resolving them at the same time). What still awaits its round stays queued."""
    resolved = refused = waiting = 0
    for orgao_id in service.repository.orgao_ids():
        stored = service.repository.load_orgao(orgao_id)
        if stored is None or not stored.queue:
            continue
        done = service.draws.resolve_pending(orgao_id)
        after = service.repository.load_orgao(orgao_id)
        for order, error in done.refused.items():
            logger.warning("ato recusado na resolução", extra={"orgao": orgao_id, "ordem": order, "erro": str(error)})
        refused += len(done.refused)
        resolved += len(done.drawn)
        waiting += len(after.queue) if after is not None else 0
    summary: dict[str, Any] = {"resolvidos": resolved, "recusados": refused, "aguardando_farol": waiting}
    if precatorias is not None:
        summary["precatorias"] = resolve_pending_cartas(precatorias)
    return summary


def resolve_pending_cartas(precatorias: PrecatoriaService) -> dict[str, int]:
    """DIST-10 with issue 16: the cartas queued in each municipality whose round is out are drawn, in order."""
    resolved = refused = waiting = 0
    for municipality in precatorias.repository.municipalities_with_queue():
        done = precatorias.resolve_pending(municipality)
        after = precatorias.repository.load_zones(municipality)
        for order, error in done.refused.items():
            logger.warning("carta recusada na resolução", extra={"municipio": municipality, "ordem": order,
                                                                 "erro": str(error)})
        refused += len(done.refused)
        resolved += len(done.drawn)
        waiting += len(after.queue) if after is not None else 0
    return {"resolvidas": resolved, "recusadas": refused, "aguardando_farol": waiting}


def apply_absence_rules(service: DistribuicaoService) -> dict[str, Any]:
    """DIST-06 for every órgão: 15-day redistribution, urgent cases to the revisor/next in seniority, return to
    the seat, succession (which covers the 30-day end-of-mandate rule through the seat statuses).

    Each action is a system act in two moments (issue 16), like a request's: registered in the órgão's queue
    (the redraw with the beacon round fixed, the first after it), then resolved in order — here, waiting up to
    ``farol.espera_maxima_s`` per órgão, or by the every-minute schedule if the round is late (``aguardando_farol``).
    """
    repository = service.repository
    draws = service.draws
    today = service.today()
    applied: dict[str, int] = {}
    skipped = failed = waiting = 0
    for orgao_id in repository.orgao_ids():
        stored = repository.load_orgao(orgao_id)
        if stored is None:
            continue
        if stored.queue:  # acts registered before come first (issue 16): resolve them, or leave the órgão for now
            draws.resolve_pending(orgao_id)
            stored = repository.load_orgao(orgao_id)
            if stored is None or stored.queue:
                logger.warning("DIST-06 adiada: atos aguardando o farol", extra={"orgao": orgao_id})
                failed += 1
                continue
        cases = [c.assigned() for c in repository.pending_cases(orgao_id)]
        registered: dict[int, PendingAct] = {}
        kinds: dict[int, str] = {}
        for action in plan_absences(stored.state, cases, on=today, config=service.config):
            try:
                act = draws.register_absence_action(action)
            except (DistribuicaoError, Busy) as error:  # one case must not stop the others: tomorrow retries it
                logger.warning("DIST-06 não aplicada", extra={
                    "orgao": orgao_id, "processo": str(action.case.case.number), "acao": action.kind.value,
                    "erro": str(error)})
                failed += 1
                continue
            if act is None:  # the case moved since it was planned
                skipped += 1
                continue
            registered[act.order] = act
            kinds[act.order] = action.kind.value
        if not registered:
            continue
        done = draws.resolve_pending(orgao_id, until=registered[max(registered)], wait_s=draws.beacon_wait_s)
        for order in registered:
            if order in done.drawn:
                applied[kinds[order]] = applied.get(kinds[order], 0) + 1
            elif order in done.refused:
                failed += 1
            else:
                waiting += 1
    return {"dia": today.isoformat(), "acoes": applied, "ignoradas": skipped, "falhas": failed,
            "aguardando_farol": waiting}


def previous_period(today: date, periodicity: str) -> tuple[date, date]:
    """The last period that ended before ``today``: on the 1st and the 16th the fortnight just closed, and
    on any other day (a manual run) the one before the current — never a period still open."""
    start, end = edital_period(today - timedelta(days=1), periodicity)
    if end >= today:
        start, end = edital_period(start - timedelta(days=1), periodicity)
    return start, end


def publish_edital(service: DistribuicaoService, store: EditalStore) -> dict[str, Any]:
    """DIST-08: the edital of the period just closed, every órgão's log, as JSON and PDF in the bucket.

    ``generated_at`` is the period's closing moment (00:00 of the next day), not the wall clock: the same
    log gives the same bytes, so running twice stores nothing new.
    """
    start, end = previous_period(service.today(), service.config.edital_periodicidade)
    rows: list[EditalRow] = []
    for orgao_id in service.repository.orgao_ids():
        pairs = service.repository.records(orgao_id)
        details = {r.seq: d for r, d in pairs if d is not None}
        rows.extend(edital_rows([r for r, _ in pairs], details, start, end))
    generated_at = datetime.combine(end + timedelta(days=1), time(0, 0), tzinfo=TZ)
    tribunal = service.settings.tribunal
    stored = store.put(start, end,
                       render_edital_json(rows, tribunal=tribunal, start=start, end=end, generated_at=generated_at),
                       render_edital_pdf(rows, tribunal=tribunal, start=start, end=end, generated_at=generated_at))
    if stored.get("gravados"):
        # S3 is outside the table's transactions: the record follows the documents it describes. Publishing the
        # same edital again writes nothing, so it records nothing.
        total = sum(1 for r in rows if r.case_number)
        service.repository.record(acts.edital_published(start, end, total, stored))
    return {"inicio": start.isoformat(), "fim": end.isoformat(),
            "total": sum(1 for r in rows if r.case_number), **stored}
