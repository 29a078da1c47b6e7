"""The acts of plantao-svc as the audit trail records them (issue 17): a stable code per act, the rules it
applies, and the small, JSON-able state of its target before and after.

Every act on a scale or on one of its shifts is recorded on the target ``("escala", <scale id>)`` — the shift's
id and date go in ``antes``/``depois`` — so that ``/escalas/{escala}/historico`` is one query. A whole scale is
summarised (status, counts, rotation positions and a SHA-256 of its shifts), never copied: a record stays small.
Names of magistrates appear only in the acts that replace someone (swap, impediment, new days), and those
records are read under the same embargo as the scale (PLAN-03).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from chalicelib.plantao.domain.records import StoredScale
from chalicelib.plantao.domain.scales import Kind, Plantao, Scale

# code -> rules applied (DOMAIN.md ids). The codes are stable: the audit queries and the docs name them.
REFERENCIA_IMPORTAR = "PLAN.REFERENCIA.IMPORTAR"
NOTURNO_CANDIDATURA = "PLAN.NOTURNO.CANDIDATURA"
NOTURNO_DESIGNAR = "PLAN.NOTURNO.DESIGNAR"
ROTACAO_CONTINUAR = "PLAN.ROTACAO.CONTINUAR"
ESCALA_GERAR = "PLAN.ESCALA.GERAR"
GERACAO_SOLICITAR = "PLAN.ESCALA.GERACAO.SOLICITAR"
ESCALA_REGERAR = "PLAN.ESCALA.REGERAR"
ESCALA_APROVAR = "PLAN.ESCALA.APROVAR"
PERMUTA_SOLICITAR = "PLAN.PERMUTA.SOLICITAR"
PERMUTA_APROVAR = "PLAN.PERMUTA.APROVAR"
IMPEDIMENTO = "PLAN.IMPEDIMENTO"
NOVOS_DIAS = "PLAN.ESCALA.NOVOS_DIAS"
COMPENSACAO_CREDITAR = "PLAN.COMPENSACAO.CREDITAR"
USO_SOLICITAR = "PLAN.COMPENSACAO.USO.SOLICITAR"
USO_APROVAR = "PLAN.COMPENSACAO.USO.APROVAR"
REALIZADOS_REGISTRAR = "PLAN.PLANTOES.REALIZADOS"
PORTARIA_PUBLICAR = "PLAN.PORTARIA.PUBLICAR"

RULES: dict[str, tuple[str, ...]] = {
    REFERENCIA_IMPORTAR: ("PLAN-01", "PLAN-09", "CAL-01"),
    NOTURNO_CANDIDATURA: ("PLAN-01",),
    NOTURNO_DESIGNAR: ("PLAN-01",),
    ROTACAO_CONTINUAR: ("PLAN-02",),
    ESCALA_GERAR: ("PLAN-01", "PLAN-02"),
    GERACAO_SOLICITAR: ("PLAN-01", "PLAN-02"),
    ESCALA_REGERAR: ("PLAN-01", "PLAN-02"),
    ESCALA_APROVAR: ("PLAN-04", "PLAN-03"),
    PERMUTA_SOLICITAR: ("PLAN-05",),
    PERMUTA_APROVAR: ("PLAN-05", "PLAN-04"),
    IMPEDIMENTO: ("PLAN-06", "PLAN-02", "PLAN-04"),
    NOVOS_DIAS: ("CAL-03", "PLAN-02", "PLAN-04"),
    COMPENSACAO_CREDITAR: ("PLAN-07",),
    USO_SOLICITAR: ("PLAN-08",),
    USO_APROVAR: ("PLAN-08",),
    REALIZADOS_REGISTRAR: ("PLAN-07",),
    PORTARIA_PUBLICAR: ("PLAN-04",),
}

# Target types (lower-case Portuguese): the history routes and ``GET /auditoria?alvo=<tipo>:<id>`` use them.
ESCALA, COMPENSACAO, REFERENCIA, QUADRIMESTRE, ROTACAO, EXECUCAO = (
    "escala", "compensacao", "referencia", "quadrimestre", "rotacao", "execucao")
REFERENCE_TARGET = (REFERENCIA, "plantao")
MAX_IDS = 100  # ids listed per kind in a bulk act's record; beyond that, the count and the digest say the rest


def rules_of(act: str, kind: Kind | None = None) -> list[str]:
    """The rules of ``act``; PLAN-09 joins them for an electoral scale."""
    rules = list(RULES[act])
    if kind is Kind.ELEITORAL and "PLAN-09" not in rules:
        rules.append("PLAN-09")
    return rules


def digest(value: Any) -> str:
    """SHA-256 of ``value``'s canonical JSON (keys sorted): names a whole payload in a small record."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shift_state(p: Plantao) -> dict[str, Any]:
    """One shift as the history shows it: which, when, who, and why it is theirs (``origem``)."""
    return {"plantao": p.id, "data": p.day.isoformat(), "rotacao": p.rotation, "magistrado": p.magistrado,
            "nome": p.nome, "juizo": p.juizo, "origem": p.origem}


def shifts_digest(scale: Scale) -> str:
    return digest([[p.id, p.magistrado, p.origem] for p in scale.plantoes])


def scale_state(stored: StoredScale) -> dict[str, Any]:
    """A scale summarised: its status, its shifts counted and digested, where its rotations start and end."""
    scale = stored.scale
    state: dict[str, Any] = {"status": stored.status, "plantoes": len(scale.plantoes),
                             "plantoes_sha256": shifts_digest(scale), "inicio_rotacao": dict(scale.start),
                             "fim_rotacao": dict(scale.end)}
    if stored.approved_at:
        state |= {"aprovada_em": stored.approved_at, "aprovada_por": stored.approved_by}
    if stored.portarias:
        state["portarias"] = [p["numero"] for p in stored.portarias]
    return state


def ids_listed(ids: Iterable[str]) -> dict[str, Any]:
    """``{"quantidade", "ids"}``: at most :data:`MAX_IDS` ids (``ids_omitidos`` says how many more)."""
    ordered = sorted(ids)
    listed: dict[str, Any] = {"quantidade": len(ordered), "ids": ordered[:MAX_IDS]}
    if len(ordered) > MAX_IDS:
        listed["ids_omitidos"] = len(ordered) - MAX_IDS
    return listed

