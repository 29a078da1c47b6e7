"""The items of cooperacao-svc's single table (PynamoDB) and the (de)serialisation of the domain into them.

| item | pk | sk | gsi1 | gsi2 |
|---|---|---|---|---|
| servant | ``SERVIDOR#<id>`` | ``PERFIL`` | ``SERVIDORES`` / id | — |
| unit | ``UNIDADE#<id>`` | ``UNIDADE`` | ``UNIDADES`` / id | ``GESTOR#<matrícula>`` / id |
| annex entry (I, IV, V) | ``UNIDADE#<id>`` | ``ANEXO#<anexo>`` | ``ANEXO#<anexo>`` / id | — |
| portaria (CGJ) | ``PORTARIA#<id>`` | ``PORTARIA`` | ``PORTARIAS`` / start#id | — |
| portaria's entry for a unit | ``UNIDADE#<id>`` | ``PORTARIA#<id>`` | — | — |
| leave / designation (M5) | ``UNIDADE#<id>`` | ``AFASTAMENTO#<servant>#<start>`` / ``DESIGNACAO#…`` | — | — |
| norm's final date | ``NORMA`` | ``NORMA`` | — | — |
| cooperation | ``COOP#<id>`` | ``COOP`` | ``SERVIDOR#<id>#COOPS`` / end#id | ``UNIDADE#<id>#COOPS`` / end#id |
| decision | ``COOP#<id>`` | ``DECISAO#<at>`` | — | — |
| month total (+ its records) | ``SERVIDOR#<id>`` | ``MES#<yyyy-mm>`` | ``MES#<yyyy-mm>#<shard>`` / servant | — |
| time record (months before 2026-12-05 only) | ``SERVIDOR#<id>`` | ``MES#<yyyy-mm>#PONTO#<start>`` | — | — |
| monthly close | ``FECHAMENTO#<yyyy-mm>`` | ``FECHAMENTO`` | — | — |
| judicial req. | ``PEDIDOJ#<origem>#<id>`` | ``PEDIDO`` | ``ORIGEM#<origem>#PEDIDOS`` / at#id | ``PEDIDOSJ`` / at#id |
| register act (public) | ``ATO#<id>`` | ``ATO`` | ``REGISTRO`` / date#id | — |

Everything but the numbers used in conditions lives in ``data`` (JSON). ``version`` guards what two writers
race on (a unit's and a servant's cooperations, a servant's month); ``minutos`` is the month's total on which
the 40 h cap is a conditional write.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from chalicelib.cooperacao.domain.model import (
    CommissionedPost,
    Cooperation,
    Modality,
    Period,
    Servant,
    Status,
    TimeRecord,
    Unit,
    UnitKind,
    WorkingHours,
)
from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute

from courtlib.persistence import TableItem


class CoopItem(TableItem):
    kind = UnicodeAttribute(null=True)
    data = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    minutos = NumberAttribute(null=True)
    pub_revisao = NumberAttribute(null=True)
    pub_minutos = NumberAttribute(null=True)
    pub_valor = UnicodeAttribute(null=True)
    # the month total's own copy of the month's records (COOP-06/08), so a time record reads its month by key:
    # each entry is ``[inicio, fim, cooperacao]`` as JSON, appended in the transaction that writes the record
    pontos: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


# --- (de)serialisation -------------------------------------------------------------------------


def servant_to(s: Servant) -> dict[str, Any]:
    return {"id": s.id, "nome": s.name, "efetivo": s.efetivo, "cargo_comissao": s.post, "fg": s.funcao_gratificada,
            "direito": s.law_degree, "lotacao": s.lotacao, "jornada": [s.hours.start.isoformat(),
                                                                        s.hours.end.isoformat()]}


def servant_from(d: dict[str, Any]) -> Servant:
    return Servant(d["id"], d["nome"], d["efetivo"], CommissionedPost(d["cargo_comissao"]) if d["cargo_comissao"]
                   else None, d["fg"], d["direito"], d["lotacao"],
                   WorkingHours(time.fromisoformat(d["jornada"][0]), time.fromisoformat(d["jornada"][1])))


def unit_to(u: Unit) -> dict[str, Any]:
    return {"id": u.id, "nome": u.name, "tipo": u.kind, "predio": u.building, "gestor": u.manager,
            "municipio": u.municipality}


def unit_from(d: dict[str, Any]) -> Unit:
    return Unit(d["id"], d["nome"], UnitKind(d["tipo"]), d["predio"], d.get("gestor"), d.get("municipio"))


def coop_to(c: Cooperation) -> dict[str, Any]:
    return {"id": c.id, "servidor": c.servant, "lotacao": c.home_unit, "unidade": c.unit, "modalidade": c.modality,
            "inicio": c.period.start.isoformat(), "fim": c.period.end.isoformat(), "presencial": c.presencial,
            "plano": c.work_plan, "situacao": c.status, "afastado": c.leave_servant, "meta": c.goal,
            "deferida_em": None if c.approved_on is None else c.approved_on.isoformat()}


def coop_from(d: dict[str, Any]) -> Cooperation:
    return Cooperation(d["id"], d["servidor"], d["lotacao"], d["unidade"], Modality(d["modalidade"]),
                       Period(date.fromisoformat(d["inicio"]), date.fromisoformat(d["fim"])), d["presencial"],
                       d.get("plano"), Status(d["situacao"]), d.get("afastado"), d.get("meta"),
                       date.fromisoformat(d["deferida_em"]) if d.get("deferida_em") else None)


def record_to(r: TimeRecord) -> dict[str, Any]:
    return {"servidor": r.servant, "cooperacao": r.cooperation, "inicio": r.start.isoformat(),
            "fim": r.end.isoformat()}


def record_from(d: dict[str, Any]) -> TimeRecord:
    return TimeRecord(d["servidor"], d["cooperacao"], datetime.fromisoformat(d["inicio"]),
                      datetime.fromisoformat(d["fim"]))


def session_entry(r: TimeRecord) -> str:
    """A record as kept in its month's total item (the servant and the month are the item's)."""
    return dumps([r.start.isoformat(), r.end.isoformat(), r.cooperation])


def session_from(servant: str, entry: str) -> TimeRecord:
    start, end, cooperation = json.loads(entry)
    return TimeRecord(servant, cooperation, datetime.fromisoformat(start), datetime.fromisoformat(end))


def period_from(d: dict[str, Any]) -> Period:
    return Period(date.fromisoformat(d["inicio"]), date.fromisoformat(d["fim"]))


def decimal_text(value: Decimal) -> str:
    return format(value, "f")
