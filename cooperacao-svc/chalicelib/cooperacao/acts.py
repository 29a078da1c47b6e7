"""The acts of cooperacao-svc as the audit trail names them (issue 17, docs/auditoria.md): each code, the rules it
applies, and the small JSON state of its target that a record keeps before and after the act.

Codes are ``COOP.<OBJETO>[.<VERBO>]`` and never change once used (an inspector filters by them). A state holds no
secret and stays small: a list of up to 2000 units is recorded as its count, its digest and (only when short)
itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from chalicelib.cooperacao.domain.model import Cooperation, Designation, Leave, Portaria, Servant, Unit

# reference data (Res. Conjunta GP/CGJ 9/2024, doc. 002)
SERVANT_PUT = "COOP.SERVIDOR.CADASTRAR"
UNIT_PUT = "COOP.UNIDADE.CADASTRAR"
ANNEX_PUT = "COOP.ANEXO.SUBSTITUIR"
PORTARIA_PUT = "COOP.PORTARIA.CADASTRAR"
LEAVE_ADD = "COOP.AFASTAMENTO.REGISTRAR"
DESIGNATION_ADD = "COOP.DESIGNACAO.REGISTRAR"
NORM_PUT = "COOP.NORMA.PRAZO"
REFERENCE_IMPORT = "COOP.REFERENCIA.IMPORTAR"
# servants' cooperations
REQUEST = "COOP.COOPERACAO.REQUERER"
IMPORT = "COOP.COOPERACAO.IMPORTAR"
DECIDE = "COOP.COOPERACAO.DECIDIR"
EXTEND = "COOP.COOPERACAO.PRORROGAR"
END_EARLY = "COOP.COOPERACAO.ENCERRAR"
TIME_RECORD = "COOP.PONTO.REGISTRAR"
MONTHLY_CLOSE = "COOP.FECHAMENTO.APURAR"
CLOSE_REQUEST = "COOP.FECHAMENTO.SOLICITAR"
# judicial cooperation (COOP-12)
JUDICIAL_RECEIVE = "COOP.PEDIDO_JUDICIAL.RECEBER"
JUDICIAL_DELIBERATE = "COOP.PEDIDO_JUDICIAL.DELIBERAR"
REGISTER_PUBLISH = "COOP.REGISTRO.PUBLICAR"

# The rules each act applies (DOMAIN.md ids). The servant's and unit's data are what COOP-01/03/04/05/06 judge.
RULES: dict[str, tuple[str, ...]] = {
    SERVANT_PUT: ("COOP-01", "COOP-03", "COOP-04", "COOP-06"),
    UNIT_PUT: ("COOP-02", "COOP-05", "COOP-10"),
    ANNEX_PUT: ("COOP-02",),
    PORTARIA_PUT: ("COOP-02", "COOP-09"),
    LEAVE_ADD: ("COOP-02", "COOP-09"),
    DESIGNATION_ADD: ("COOP-02", "COOP-09"),
    NORM_PUT: ("COOP-09",),
    REFERENCE_IMPORT: ("COOP-02", "COOP-03", "COOP-09"),
    REQUEST: ("COOP-01", "COOP-02", "COOP-03", "COOP-04", "COOP-05", "COOP-07", "COOP-09"),
    IMPORT: ("COOP-10", "COOP-02", "COOP-03", "COOP-04", "COOP-05", "COOP-07", "COOP-09"),
    EXTEND: ("COOP-10", "COOP-09"),
    END_EARLY: ("COOP-10",),
    TIME_RECORD: ("COOP-08", "COOP-06"),
    MONTHLY_CLOSE: ("COOP-11", "COOP-06"),
    CLOSE_REQUEST: ("COOP-11", "COOP-06"),
    JUDICIAL_RECEIVE: ("COOP-12",),
    JUDICIAL_DELIBERATE: ("COOP-12",),
    REGISTER_PUBLISH: ("COOP-12",),
}
LISTED_MAX = 50  # a list of units longer than this is recorded by count and digest only


def rules(act: str) -> tuple[str, ...]:
    return RULES[act]


def digest(value: Any) -> str:
    """SHA-256 of ``value``'s canonical JSON: names a bulk payload without copying it into the record."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quotas_state(quotas: Mapping[str, int]) -> dict[str, Any]:
    """A list of units and quotas: the count and digest, and the list itself while short."""
    listed = dict(sorted(quotas.items()))
    return {"unidades": len(listed), "resumo": digest(listed),
            "cotas": listed if len(listed) <= LISTED_MAX else None}


def servant_state(s: Servant) -> dict[str, Any]:
    return {"nome": s.name, "efetivo": s.efetivo, "cargo_comissao": s.post, "fg": s.funcao_gratificada,
            "direito": s.law_degree, "lotacao": s.lotacao,
            "jornada": [s.hours.start.isoformat(), s.hours.end.isoformat()]}


def unit_state(u: Unit) -> dict[str, Any]:
    return {"nome": u.name, "tipo": u.kind, "predio": u.building, "gestor": u.manager, "municipio": u.municipality}


def portaria_state(p: Portaria) -> dict[str, Any]:
    return {"modalidade": p.modality, "inicio": p.period.start, "fim": p.period.end, "ampliada": p.widened,
            **quotas_state(p.quotas)}


def leave_state(leave: Leave) -> dict[str, Any]:
    return {"unidade": leave.unit, "servidor": leave.servant, "tipo": leave.kind, "inicio": leave.period.start,
            "fim": leave.period.end, "comissionado": leave.servant_commissioned}


def designation_state(d: Designation) -> dict[str, Any]:
    return {"unidade": d.unit, "servidor": d.servant, "efetivo": d.efetivo, "lotacao": d.home_unit,
            "inicio": d.period.start, "fim": d.period.end}


def cooperation_state(c: Cooperation) -> dict[str, Any]:
    """What a decision, an extension or an early end changes, and what identifies the cooperation."""
    return {"servidor": c.servant, "lotacao": c.home_unit, "unidade": c.unit, "modalidade": c.modality,
            "inicio": c.period.start, "fim": c.period.end, "presencial": c.presencial, "situacao": c.status,
            "meta": c.goal, "deferida_em": c.approved_on}


def leave_target(leave: Leave) -> tuple[str, str]:
    return "afastamento", f"{leave.unit}/{leave.servant}/{leave.period.start.isoformat()}"


def designation_target(d: Designation) -> tuple[str, str]:
    return "designacao", f"{d.unit}/{d.servant}/{d.period.start.isoformat()}"


def judicial_target(origin: str, origin_id: str) -> tuple[str, str]:
    return "pedido_judicial", f"{origin}/{origin_id}"
