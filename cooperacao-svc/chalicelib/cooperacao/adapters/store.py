"""PynamoDB storage of cooperacao-svc in its single table (Query/GetItem only — never Scan).

| item | pk | sk | gsi1 | gsi2 |
|---|---|---|---|---|
| servant | ``SERVIDOR#<id>`` | ``PERFIL`` | ``SERVIDORES`` / id | — |
| unit | ``UNIDADE#<id>`` | ``UNIDADE`` | ``UNIDADES`` / id | ``GESTOR#<matrícula>`` / id |
| annex entry (I, IV, V) | ``UNIDADE#<id>`` | ``ANEXO#<anexo>`` | ``ANEXO#<anexo>`` / id | — |
| portaria (CGJ) | ``PORTARIA#<id>`` | ``PORTARIA`` | ``PORTARIAS`` / start#id | — |
| portaria's entry for a unit | ``UNIDADE#<id>`` | ``PORTARIA#<id>`` | — | — |
| leave / designation (M5) | ``UNIDADE#<id>`` | ``AFASTAMENTO#<servant>#<start>`` / ``DESIGNACAO#…`` | — | — |
| norm's final date | ``NORMA`` | ``NORMA`` | — | — |
| cooperation (request) | ``COOP#<id>`` | ``COOP`` | ``SERVIDOR#<id>#COOPS`` / end#id | ``UNIDADE#<id>#COOPS`` / end#id |
| decision | ``COOP#<id>`` | ``DECISAO#<at>`` | — | — |
| month total | ``SERVIDOR#<id>`` | ``MES#<yyyy-mm>`` | ``MES#<yyyy-mm>#<shard>`` / servant | — |
| time record | ``SERVIDOR#<id>`` | ``MES#<yyyy-mm>#PONTO#<start>`` | — | — |
| monthly close | ``FECHAMENTO#<yyyy-mm>`` | ``FECHAMENTO`` | — | — |
| judicial request | ``PEDIDOJ#<origem>#<id>`` | ``PEDIDO`` | ``ORIGEM#<origem>#PEDIDOS`` / received#id | ``PEDIDOSJ`` / received#id |
| register act (public) | ``ATO#<id>`` | ``ATO`` | ``REGISTRO`` / date#id | — |

Everything but the numbers used in conditions lives in ``data`` (JSON). ``version`` guards what two writers
race on (a unit's and a servant's cooperations, a servant's month); ``minutos`` is the month's total on which
the 40 h cap is a conditional write.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from chalicelib.cooperacao.domain.model import (
    CommissionedPost,
    Cooperation,
    Designation,
    Leave,
    LeaveKind,
    Modality,
    Period,
    Portaria,
    Servant,
    Status,
    TimeRecord,
    Unit,
    UnitContext,
    UnitKind,
    WorkingHours,
)
from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from courtlib.persistence import TableItem, bind
from courtlib.settings import ServiceSettings

MONTH_SHARDS = 16  # gsi1 partitions per month for the close (20,000 servants → ~1,250 per shard)


class CoopItem(TableItem):
    kind = UnicodeAttribute(null=True)
    data = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    minutos = NumberAttribute(null=True)
    pub_revisao = NumberAttribute(null=True)
    pub_minutos = NumberAttribute(null=True)
    pub_valor = UnicodeAttribute(null=True)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def shard_of(servant: str) -> int:
    return zlib.crc32(servant.encode()) % MONTH_SHARDS


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


def _period(d: dict[str, Any]) -> Period:
    return Period(date.fromisoformat(d["inicio"]), date.fromisoformat(d["fim"]))


class Store:
    """Reads and item builders; the service composes writes into one :class:`UnitOfWork` each."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.model = bind(CoopItem, settings)

    # generic -------------------------------------------------------------------------------------

    def item(self, pk: str, sk: str, kind: str, data: Any, **attrs: Any) -> CoopItem:
        return self.model(pk=pk, sk=sk, kind=kind, data=dumps(data), **attrs)

    def get(self, pk: str, sk: str) -> CoopItem | None:
        try:
            return self.model.get(pk, sk, consistent_read=True)
        except self.model.DoesNotExist:
            return None

    def data(self, pk: str, sk: str) -> dict[str, Any] | None:
        item = self.get(pk, sk)
        return None if item is None else json.loads(item.data)

    def query(self, pk: str, prefix: str | None = None) -> Iterator[CoopItem]:
        condition = None if prefix is None else self.model.sk.startswith(prefix)
        return self.model.query(pk, condition, consistent_read=True)

    def query_gsi1(self, pk: str, sk_from: str | None = None, limit: int | None = None,
                   start: dict[str, Any] | None = None) -> Any:
        condition = None if sk_from is None else self.model.gsi1sk >= sk_from
        return self.model.by_gsi1.query(pk, condition, limit=limit, last_evaluated_key=start)

    def query_gsi2(self, pk: str, sk_from: str | None = None, limit: int | None = None,
                   start: dict[str, Any] | None = None) -> Any:
        condition = None if sk_from is None else self.model.gsi2sk >= sk_from
        return self.model.by_gsi2.query(pk, condition, limit=limit, last_evaluated_key=start)

    # reference data ------------------------------------------------------------------------------

    def servant(self, servant_id: str) -> tuple[Servant, int] | None:
        item = self.get(f"SERVIDOR#{servant_id}", "PERFIL")
        return None if item is None else (servant_from(json.loads(item.data)), int(item.version or 0))

    def servants(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Servant], Any]:
        """One page of the servants in id order (gsi1 ``SERVIDORES``) and DynamoDB's LastEvaluatedKey."""
        result = self.query_gsi1("SERVIDORES", limit=limit, start=start)
        return [servant_from(json.loads(item.data)) for item in result], result.last_evaluated_key

    def units(self, limit: int, start: dict[str, Any] | None) -> tuple[list[Unit], Any]:
        """One page of the units in id order (gsi1 ``UNIDADES``) and DynamoDB's LastEvaluatedKey."""
        result = self.query_gsi1("UNIDADES", limit=limit, start=start)
        return [unit_from(json.loads(item.data)) for item in result], result.last_evaluated_key

    def unit(self, unit_id: str) -> Unit | None:
        data = self.data(f"UNIDADE#{unit_id}", "UNIDADE")
        return None if data is None else unit_from(data)

    def unit_context(self, unit_id: str, from_day: date) -> tuple[UnitContext, int] | None:
        """The unit's partition (unit, annexes, portarias, leaves, designations) and its live cooperations that
        end on or after ``from_day``: one Query each."""
        unit, version = None, 0
        annexes: dict[str, int] = {}
        portarias: list[Portaria] = []
        leaves: list[Leave] = []
        designations: list[Designation] = []
        for item in self.query(f"UNIDADE#{unit_id}"):
            d = json.loads(item.data)
            if item.sk == "UNIDADE":
                unit, version = unit_from(d), int(item.version or 0)
            elif item.sk.startswith("ANEXO#"):
                annexes[item.sk[6:]] = int(d["cota"])
            elif item.sk.startswith("PORTARIA#"):
                portarias.append(Portaria(d["id"], Modality(d["modalidade"]), _period(d), {unit_id: int(d["cota"])},
                                          bool(d.get("ampliada"))))
            elif item.sk.startswith("AFASTAMENTO#"):
                leaves.append(Leave(unit_id, d["servidor"], LeaveKind(d["tipo"]), _period(d),
                                    bool(d.get("comissionado", True))))
            elif item.sk.startswith("DESIGNACAO#"):
                designations.append(Designation(unit_id, d["servidor"], bool(d["efetivo"]), d["lotacao"], _period(d)))
        if unit is None:
            return None
        coops = tuple(self.unit_cooperations(unit_id, from_day))
        return UnitContext(unit, annexes, tuple(portarias), tuple(leaves), tuple(designations), coops), version

    def unit_cooperations(self, unit_id: str, from_day: date) -> Iterator[Cooperation]:
        for item in self.query_gsi2(f"UNIDADE#{unit_id}#COOPS", from_day.isoformat()):
            yield coop_from(json.loads(item.data))

    def servant_cooperations(self, servant_id: str, from_day: date | None = None) -> Iterator[Cooperation]:
        for item in self.query_gsi1(f"SERVIDOR#{servant_id}#COOPS", None if from_day is None else from_day.isoformat()):
            yield coop_from(json.loads(item.data))

    def final_date(self, default: date) -> date:
        data = self.data("NORMA", "NORMA")
        return default if data is None else date.fromisoformat(data["data_final"])

    # cooperations --------------------------------------------------------------------------------

    def cooperation(self, coop_id: str) -> tuple[Cooperation, int] | None:
        item = self.get(f"COOP#{coop_id}", "COOP")
        return None if item is None else (coop_from(json.loads(item.data)), int(item.version or 0))

    def coop_item(self, c: Cooperation, version: int) -> CoopItem:
        key = f"{c.period.end.isoformat()}#{c.id}"
        return self.item(f"COOP#{c.id}", "COOP", "cooperacao", coop_to(c), version=version,
                         gsi1pk=f"SERVIDOR#{c.servant}#COOPS", gsi1sk=key, gsi2pk=f"UNIDADE#{c.unit}#COOPS",
                         gsi2sk=key)

    def decisions(self, coop_id: str) -> list[dict[str, Any]]:
        return [json.loads(i.data) for i in self.query(f"COOP#{coop_id}", "DECISAO#")]

    # time records --------------------------------------------------------------------------------

    def month(self, servant_id: str, month: str) -> tuple[CoopItem | None, list[TimeRecord]]:
        """One Query: the month's total item and every record of the month (a month holds ≤ 40 h of sessions)."""
        total, records = None, []
        for item in self.query(f"SERVIDOR#{servant_id}", f"MES#{month}"):
            if item.sk == f"MES#{month}":
                total = item
            else:
                records.append(record_from(json.loads(item.data)))
        return total, records

    def close_marker(self, month: str) -> dict[str, Any] | None:
        return self.data(f"FECHAMENTO#{month}", "FECHAMENTO")

    def month_totals(self, month: str) -> Iterator[CoopItem]:
        """Every servant's total of ``month``: a Query per shard of gsi1, page by page (no Scan)."""
        for shard in range(MONTH_SHARDS):
            yield from self.model.by_gsi1.query(f"MES#{month}#{shard:02d}", page_size=500)


def decimal_text(value: Decimal) -> str:
    return format(value, "f")
