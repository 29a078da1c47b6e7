"""Domain objects ↔ the JSON stored in items (and shown over HTTP): one place for the field names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from chalicelib.pagamentos.domain.model import (
    Attendance,
    CompensationDays,
    CooperationBonus,
    Designation,
    Line,
    Period,
    Person,
    RenouncedVacation,
    Session,
    Vacation,
)


def _d(value: str) -> date:
    return date.fromisoformat(value)


def person_to(p: Person) -> dict[str, Any]:
    return {"id": p.id, "nome": p.name, "tipo": p.kind, "cargo": p.cargo, "entrancia": p.entrancia,
            "juizo": p.juizo, "municipio": p.municipio, "funcao_tre": p.funcao_tre}


def person_from(d: dict[str, Any]) -> Person:
    return Person(d["id"], d["nome"], d["tipo"], d["cargo"], d.get("entrancia"), d.get("juizo"), d.get("municipio"),
                  d.get("funcao_tre"))


def designation_to(d: Designation) -> dict[str, Any]:
    return {"id": d.id, "tipo": d.kind, "pessoa": d.person, "juizo": d.juizo, "inicio": d.period.start.isoformat(),
            "fim": d.period.end.isoformat(), "municipio": d.municipio,
            "fracao": f"{d.fracao.numerator}/{d.fracao.denominator}" if d.fracao else None,
            "gera_cumulacao": d.gera_cumulacao, "quorum": d.quorum, "prejuizo": d.prejuizo,
            "entrancia_destino": d.entrancia_destino, "plena": d.plena, "funcao": d.funcao, "portaria": d.portaria}


def designation_from(d: dict[str, Any]) -> Designation:
    return Designation(d["id"], d["tipo"], d["pessoa"], d["juizo"], Period(_d(d["inicio"]), _d(d["fim"])),
                       d.get("municipio"), Fraction(d["fracao"]) if d.get("fracao") else None,
                       bool(d.get("gera_cumulacao")), bool(d.get("quorum")), bool(d.get("prejuizo")),
                       d.get("entrancia_destino"), bool(d.get("plena")), d.get("funcao"), d.get("portaria"))


def vacation_to(v: Vacation) -> dict[str, Any]:
    return {"id": v.id, "pessoa": v.person, "inicio": v.period.start.isoformat(), "fim": v.period.end.isoformat()}


def vacation_from(d: dict[str, Any]) -> Vacation:
    return Vacation(d["id"], d["pessoa"], Period(_d(d["inicio"]), _d(d["fim"])))


def renounced_to(r: RenouncedVacation) -> dict[str, Any]:
    return {"id": r.id, "pessoa": r.person, "dias": r.days, "autorizado_em": r.authorized_on.isoformat(),
            "periodo_aquisitivo": r.accrual_period}


def renounced_from(d: dict[str, Any]) -> RenouncedVacation:
    return RenouncedVacation(d["id"], d["pessoa"], int(d["dias"]), _d(d["autorizado_em"]),
                             d.get("periodo_aquisitivo", ""))


def session_to(s: Session) -> dict[str, Any]:
    return {"id": s.id, "data": s.day.isoformat(),
            "presencas": [{"membro": a.member, "situacao": a.status, "autorizado_pleno": a.authorized_by_pleno}
                          for a in s.attendances]}


def session_from(d: dict[str, Any]) -> Session:
    return Session(d["id"], _d(d["data"]), tuple(Attendance(a["membro"], a["situacao"],
                                                            bool(a.get("autorizado_pleno")))
                                                 for a in d["presencas"]))


def compensation_to(c: CompensationDays) -> dict[str, Any]:
    return {"id": c.id, "substituto": c.substitute, "juizo": c.juizo, "magistrado": c.magistrate,
            "dias": [d.isoformat() for d in c.days]}


def compensation_from(d: dict[str, Any]) -> CompensationDays:
    return CompensationDays(d["id"], d["substituto"], d["juizo"], d["magistrado"], tuple(_d(x) for x in d["dias"]))


def cooperation_to(c: CooperationBonus) -> dict[str, Any]:
    return {"apuracao_id": c.assessment_id, "servidor": c.servant, "nome": c.name, "competencia": c.month,
            "natureza": c.nature, "revisao": c.revision, "minutos": c.minutes, "valor_hora": str(c.hourly_rate),
            "valor": str(c.amount)}


def cooperation_from(d: dict[str, Any]) -> CooperationBonus:
    return CooperationBonus(d["apuracao_id"], d["servidor"], d["nome"], d["competencia"], d["natureza"],
                            int(d["revisao"]), int(d["minutos"]), Decimal(d["valor_hora"]), Decimal(d["valor"]))


def line_to(line: Line) -> dict[str, Any]:
    return {"categoria": line.category, "regra": line.rule, "pessoa": line.person, "nome": line.name,
            "base": line.basis, "quantidade": str(line.quantity), "valor": str(line.amount), "chave": line.key,
            "competencia_origem": line.origin_month, "chave_origem": line.origin_key, "ajuste": line.adjustment}


def line_from(d: dict[str, Any]) -> Line:
    return Line(d["categoria"], d["regra"], d["pessoa"], d["nome"], d["base"], Decimal(d["quantidade"]),
                Decimal(d["valor"]), d["chave"], d["competencia_origem"], d["chave_origem"], bool(d["ajuste"]))
