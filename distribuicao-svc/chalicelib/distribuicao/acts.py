"""The audited acts of distribuicao-svc (issue 17): their codes, rules, targets and before/after states.

The use cases build an :class:`~chalicelib.distribuicao.ports.Act` with these functions and hand it to the
repository write that performs the act, which records it in the same unit of work. States are small (ids,
roles, counts and digests: an órgão's members are listed by id, a bulk import by its órgãos' ids and a digest)
and never carry a secret: a day's seed is named only by its commitment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from chalicelib.distribuicao.domain.draw import Decision, Rule
from chalicelib.distribuicao.domain.judges import Absence, Judge, Orgao
from chalicelib.distribuicao.domain.log import public_agent
from chalicelib.distribuicao.domain.precatorias import Election, Zone
from chalicelib.distribuicao.ports import Act, PendingAct, PendingCarta, StoredCase, StoredOrgao, StoredZones

from courtlib.audit import actor as acting
from courtlib.errors import CourtError

# act codes --------------------------------------------------------------------------------------------------
ORGAO_CADASTRAR = "DIST.ORGAO.CADASTRAR"
ORGAO_ALTERAR = "DIST.ORGAO.ALTERAR"
ORGAO_IMPORTAR = "DIST.ORGAO.IMPORTAR"
AUSENCIA_REGISTRAR = "DIST.AUSENCIA.REGISTRAR"
DISTRIBUIR = "DIST.DISTRIBUIR"
SORTEIO_MANUAL = "DIST.SORTEIO_MANUAL.REGISTRAR"
REDISTRIBUIR = "DIST.REDISTRIBUIR"
AUSENCIA_APLICAR = "DIST.AUSENCIA.APLICAR"
NUMERACAO_GERAR = "DIST.NUMERACAO.GERAR"
ZONAS_CADASTRAR = "DIST.ZONAS.CADASTRAR"
ELEICAO_CADASTRAR = "DIST.ELEICAO.CADASTRAR"
PRECATORIA_DISTRIBUIR = "DIST.PRECATORIA.DISTRIBUIR"
PRECATORIA_REGISTRAR = "DIST.PRECATORIA.REGISTRAR"  # issue 16: a carta queued with the round that will decide it
SEMENTES_PUBLICAR = "DIST.SEMENTE.PUBLICAR"
REGISTRAR = "DIST.REGISTRAR"  # issue 16: an act queued with the beacon round that will decide it
REGISTRO_RECUSAR = "DIST.REGISTRO.RECUSAR"  # issue 16: a queued act the rules refuse at its resolution
EDITAL_PUBLICAR = "DIST.EDITAL.PUBLICAR"

# The legal bases of the órgãos' reference data (who composes the órgão, who presides, mandates): the draw's
# rules that read them. RI = Regimento Interno (seeds 001).
REFERENCE_RULES = ("DIST-02", "DIST-06", "DIST-07")


# The rulebook's ids of each rule a draw record applies (its ``regra``); the record's ``fundamento`` (the
# regulation's article) is named too.
RULE_IDS: dict[str, tuple[str, ...]] = {
    Rule.DISTRIBUICAO: ("DIST-02",),
    Rule.PREVENCAO: ("DIST-03",),
    Rule.PREVENCAO_SEM_COMPENSACAO: ("DIST-03",),
    Rule.REDISTRIBUICAO_ERRO: ("DIST-04",),
    Rule.REDISTRIBUICAO_IMPEDIMENTO: ("DIST-04",),
    Rule.REDISTRIBUICAO_SUSPEICAO: ("DIST-04",),
    Rule.REDISTRIBUICAO_REVISOR_VISTO: ("DIST-04", "DIST-07"),
    Rule.REDISTRIBUICAO_AUSENCIA: ("DIST-06",),
    Rule.URGENCIA_AUSENCIA: ("DIST-06",),
    Rule.RETORNO: ("DIST-06",),
    Rule.SUCESSAO: ("DIST-06",),
    Rule.SUBSTITUICAO_REVISOR: ("DIST-07",),
    Rule.CARTA_PRECATORIA: ("DIST-10",),
    Rule.DOMICILIO_ELEITOR: ("DIST-10",),
}


def agent() -> dict[str, Any] | None:
    """Who acts now, as the public distribution record names them (:func:`public_agent`); None outside any entry
    point (a use-case test without an actor)."""
    now = acting.current_or_none()
    if now is None:
        return None
    return public_agent(now.actor.kind, now.actor.id, now.actor.roles)


# órgãos -----------------------------------------------------------------------------------------------------


def orgao_state(orgao: Orgao, name: str, classes: Sequence[str], desembargadores: Iterable[str],
                version: int | None = None) -> dict[str, Any]:
    """An órgão's reference data by ids: seats, judges (seat, role, President), classes."""
    president = next((j.id for j in orgao.judges if j.president), None)
    state: dict[str, Any] = {
        "nome": name, "classes": list(classes), "cadeiras": [s.id for s in orgao.seats],
        "juizes": [f"{j.id}@{j.seat}:{j.role.value}" for j in orgao.judges], "presidente": president,
        "desembargadores": sorted(desembargadores),
    }
    if version is not None:
        state["versao"] = version
    return state


def stored_orgao_state(stored: StoredOrgao) -> dict[str, Any]:
    return orgao_state(stored.state.orgao, stored.name, stored.classes, stored.desembargadores, stored.version)


def orgao_put(orgao: Orgao, name: str, classes: Sequence[str], desembargadores: Iterable[str],
              existing: StoredOrgao | None) -> Act:
    after = orgao_state(orgao, name, classes, desembargadores, 1 if existing is None else existing.version + 1)
    if existing is None:
        return Act(ORGAO_CADASTRAR, ("orgao", orgao.id), REFERENCE_RULES, None, after)
    return Act(ORGAO_ALTERAR, ("orgao", orgao.id), REFERENCE_RULES, stored_orgao_state(existing), after)


def import_digest(parts: Sequence[Mapping[str, Any]]) -> str:
    """sha256 of the imported órgãos' data (canonical JSON): identifies the import without storing it."""
    text = json.dumps(list(parts), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def import_part(orgao: Orgao, name: str, classes: Sequence[str], desembargadores: Iterable[str]) -> dict[str, Any]:
    return {"orgao": asdict(orgao), "nome": name, "classes": list(classes), "desembargadores": sorted(desembargadores)}


def orgao_import(digest: str, ids: Sequence[str], created: Sequence[str]) -> Act:
    """ONE act for a bulk import (each órgão is its own transaction): ids, counts and the payload's digest,
    recorded with the last órgão written."""
    return Act(ORGAO_IMPORTAR, ("importacao", digest[:32]), REFERENCE_RULES, None,
               {"orgaos": list(ids), "criados": list(created), "total": len(ids), "sha256": digest})


def _absence(absence: Absence) -> dict[str, Any]:
    return {"inicio": absence.start, "fim": absence.end, "motivo": absence.reason}


def absence_registered(orgao_id: str, before: Judge, after: Judge, published: bool) -> Act:
    return Act(AUSENCIA_REGISTRAR, ("orgao", orgao_id), ("DIST-06",),
               {"juiz": before.id, "ausencias": [_absence(a) for a in before.absences]},
               {"juiz": after.id, "ausencias": [_absence(a) for a in after.absences], "evento_pag03": published})


# distributions ----------------------------------------------------------------------------------------------


def case_state(row: StoredCase) -> dict[str, Any]:
    """Where a case is: órgão, seat, relator (id and name), revisor, who has the autos, the record."""
    return {"orgao": row.orgao, "cadeira": row.seat, "relator": row.relator, "relator_nome": row.relator_name,
            "revisor": row.revisor, "conclusos_a": row.acting, "regra": row.rule, "modo": row.mode,
            "sorteio": f"{row.orgao}#{row.current_seq}"}


def decision_state(orgao_id: str, decision: Decision) -> dict[str, Any]:
    record, result = decision.record, decision.record.result
    return {"orgao": orgao_id, "cadeira": decision.unit, "relator": result.relator,
            "relator_nome": result.relator_name, "revisor": result.revisor, "conclusos_a": decision.acting_id,
            "regra": record.rule, "modo": record.mode, "sorteio": record.draw_id, "hash": record.hash}


def _rules(decision: Decision, *extra: str) -> tuple[str, ...]:
    """The rule ids the record applies, ``extra``, DIST-11 (every draw is recorded in the chained log) and the
    record's legal basis (the regulation's article)."""
    record = decision.record
    return tuple(dict.fromkeys([*RULE_IDS.get(record.rule, ()), *extra, "DIST-11", record.legal_basis]))


def distributed(orgao_id: str, decision: Decision) -> Act:
    return Act(DISTRIBUIR, ("processo", decision.record.case_number), _rules(decision), None,
               decision_state(orgao_id, decision))


def manual_draw(orgao_id: str, decision: Decision) -> Act:
    manual = decision.record.manual
    after = decision_state(orgao_id, decision)
    if manual is not None:
        after["manual"] = manual.to_dict()
    return Act(SORTEIO_MANUAL, ("processo", decision.record.case_number), _rules(decision, "DIST-09"), None, after)


def redistributed(previous: StoredCase, decision: Decision, *, code: str = REDISTRIBUIR) -> Act:
    after = decision_state(previous.orgao, decision)
    after["motivo"] = decision.record.reason
    if decision.voids_acts_of:
        after["atos_anulados_de"] = decision.voids_acts_of
    return Act(code, ("processo", decision.record.case_number), _rules(decision), case_state(previous), after)


def registered(pending: PendingAct) -> Act:
    """The first moment of a draw (issue 16): the act queued, with the round fixed (the first after the commit)."""
    return Act(REGISTRAR, ("processo", str(pending.number)), ("DIST-11",), None,
               {"orgao": pending.orgao, "ordem": pending.order, "ato": pending.kind,
                "farol": {"cadeia": pending.chain, "rodada": pending.round},
                "registrado_em": pending.registered_at.isoformat()})


def registration_refused(pending: PendingAct, error: CourtError) -> Act:
    """A queued act the rules refused at its resolution: it leaves the queue, nothing drawn."""
    return Act(REGISTRO_RECUSAR, ("processo", str(pending.number)), ("DIST-11",),
               {"orgao": pending.orgao, "ordem": pending.order, "ato": pending.kind},
               {"codigo": error.code, "detalhe": error.detail})


def numbered(number: str, origin: int, year: int) -> Act:
    return Act(NUMERACAO_GERAR, ("processo", number), ("DIST-01",), None,
               {"numero": number, "origem": origin, "ano": year})


# cartas precatórias (DIST-10) -------------------------------------------------------------------------------


def _zones(zones: Iterable[Zone]) -> list[dict[str, Any]]:
    return [{"zona": z.id, "instalada_em": z.installed_on} for z in zones]


def zones_put(municipality: str, zones: Sequence[Zone], existing: StoredZones | None) -> Act:
    return Act(ZONAS_CADASTRAR, ("municipio", municipality), ("DIST-10",),
               None if existing is None else {"zonas": _zones(existing.state.zones), "versao": existing.version},
               {"zonas": _zones(zones), "versao": 1 if existing is None else existing.version + 1})


def election_put(election: Election, previous: Election | None) -> Act:
    return Act(ELEICAO_CADASTRAR, ("eleicao", election.day.isoformat()), ("DIST-10",),
               None if previous is None else {"zonas_propaganda": sorted(previous.propaganda_zones)},
               {"zonas_propaganda": sorted(election.propaganda_zones)})


def carta_distributed(partner: str, origin_id: str, municipality: str, decision: Decision) -> Act:
    record = decision.record
    return Act(PRECATORIA_DISTRIBUIR, ("precatoria", f"{partner}:{origin_id}"), _rules(decision, "DIST-10"), None,
               {"processo": record.case_number, "municipio": municipality, "zona": decision.unit,
                "zona_distribuidora": record.distributor, "regra": record.rule, "modo": record.mode,
                "sorteio": record.draw_id, "hash": record.hash})


def carta_registered(pending: PendingCarta) -> Act:
    """A carta's first moment (issue 16): queued in the municipality, with the round fixed (the first after it)."""
    return Act(PRECATORIA_REGISTRAR, ("precatoria", f"{pending.partner}:{pending.origin_id}"), ("DIST-10", "DIST-11"),
               None, {"processo": pending.number, "municipio": pending.municipality, "ordem": pending.order,
                      "farol": {"cadeia": pending.chain, "rodada": pending.round},
                      "registrado_em": pending.registered_at.isoformat()})


def carta_refused(pending: PendingCarta, error: CourtError) -> Act:
    """A queued carta the rules refused at its resolution (no zone eligible any more): it leaves the queue."""
    return Act(REGISTRO_RECUSAR, ("precatoria", f"{pending.partner}:{pending.origin_id}"), ("DIST-10", "DIST-11"),
               {"municipio": pending.municipality, "ordem": pending.order, "ato": "precatoria"},
               {"codigo": error.code, "detalhe": error.detail})


# schedules --------------------------------------------------------------------------------------------------


def seeds_published(commitments: Mapping[date, str]) -> Act:
    """The commitments (sha256) of the seeds created ahead: never the seeds, secret until their day is over."""
    days = sorted(commitments)
    return Act(SEMENTES_PUBLICAR, ("sementes", days[-1].isoformat()), ("DIST-11",), None,
               {"compromissos": {d.isoformat(): commitments[d] for d in days}})


def edital_published(start: date, end: date, total: int, stored: Mapping[str, Any]) -> Act:
    return Act(EDITAL_PUBLICAR, ("edital", start.isoformat()), ("DIST-08", "RI art. 36"), None,
               {"inicio": start, "fim": end, "processos": total, "gravados": list(stored.get("gravados", [])),
                "json_sha256": stored.get("json_sha256"), "pdf_sha256": stored.get("pdf_sha256")})
