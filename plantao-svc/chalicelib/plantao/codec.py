"""The Portuguese dict form of the domain values (reference data, scales): what the reference import and
read speak over HTTP and what the table stores as JSON. Pure (no AWS), shared by the use cases and the
adapters."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from chalicelib.plantao.domain.reference import (
    Absence,
    Comarca,
    ElectoralPeriod,
    Juizo,
    Magistrate,
    NightGroup,
    Region,
    Zone,
)
from chalicelib.plantao.domain.scales import Kind, Month, Plantao, Scale


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _d(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


# reference data: (type tag, class) ↔ dict with the API's Portuguese field names


def region_to(r: Region) -> dict[str, Any]:
    return {"id": r.id, "nome": r.name, "ordem": r.order}


def region_from(d: Mapping[str, Any]) -> Region:
    return Region(d["id"], d["nome"], int(d["ordem"]))


def comarca_to(c: Comarca) -> dict[str, Any]:
    return {"id": c.id, "nome": c.name, "municipio": c.municipio, "regiao": c.region, "ordem": c.order,
            "entrancia": c.entrancia, "vara_tabelar": c.vara_tabelar}


def comarca_from(d: Mapping[str, Any]) -> Comarca:
    return Comarca(d["id"], d["nome"], d["municipio"], d["regiao"], int(d["ordem"]), d.get("entrancia") or "inicial",
                   d.get("vara_tabelar"))


def juizo_to(j: Juizo) -> dict[str, Any]:
    return {"id": j.id, "nome": j.name, "comarca": j.comarca, "ordem": j.order, "juiz": j.judge}


def juizo_from(d: Mapping[str, Any]) -> Juizo:
    return Juizo(d["id"], d["nome"], d["comarca"], int(d["ordem"]), d.get("juiz"))


def magistrate_to(m: Magistrate) -> dict[str, Any]:
    return {"id": m.id, "nome": m.name, "antiguidade": m.seniority, "juizo": m.juizo, "email": m.email,
            "desembargador": m.desembargador, "orgao": m.orgao, "administracao": m.administracao,
            "diretor_escola": m.diretor_escola,
            "afastamentos": [{"inicio": a.start.isoformat(), "fim": a.end.isoformat(), "motivo": a.reason}
                             for a in m.absences]}


def magistrate_from(d: Mapping[str, Any]) -> Magistrate:
    return Magistrate(d["id"], d["nome"], int(d["antiguidade"]), d.get("juizo"), d.get("email"),
                      bool(d.get("desembargador")), d.get("orgao"), bool(d.get("administracao")),
                      bool(d.get("diretor_escola")),
                      tuple(Absence(date.fromisoformat(a["inicio"]), date.fromisoformat(a["fim"]),
                                    a.get("motivo") or "afastamento") for a in d.get("afastamentos", [])))


def zone_to(z: Zone) -> dict[str, Any]:
    return {"id": z.id, "municipio": z.municipio, "numero": z.number, "juiz": z.judge}


def zone_from(d: Mapping[str, Any]) -> Zone:
    return Zone(d["id"], d["municipio"], int(d["numero"]), d.get("juiz"))


def period_to(p: ElectoralPeriod) -> dict[str, Any]:
    return {"id": p.start.isoformat(), "inicio": p.start.isoformat(), "fim": p.end.isoformat()}


def period_from(d: Mapping[str, Any]) -> ElectoralPeriod:
    return ElectoralPeriod(date.fromisoformat(d["inicio"]), date.fromisoformat(d["fim"]))


def night_to(g: NightGroup) -> dict[str, Any]:
    return {"id": f"{g.year}-{g.quadrimester}", "ano": g.year, "quadrimestre": g.quadrimester, "juizes": list(g.judges)}


def night_from(d: Mapping[str, Any]) -> NightGroup:
    return NightGroup(int(d["ano"]), int(d["quadrimestre"]), tuple(d["juizes"]))


# scales


def plantao_to(p: Plantao) -> dict[str, Any]:
    return {"id": p.id, "rotacao": p.rotation, "unidade": p.unit, "data": p.day.isoformat(),
            "inicio": p.start.isoformat(), "fim": p.end.isoformat(), "municipio": p.municipio, "dia_util": p.dia_util,
            "vez": p.turn, "membro": p.member, "juizo": p.juizo, "juizo_nome": p.juizo_nome,
            "magistrado": p.magistrado, "nome": p.nome, "origem": p.origem}


def plantao_from(d: Mapping[str, Any]) -> Plantao:
    return Plantao(id=d["id"], rotation=d["rotacao"], unit=d["unidade"], day=date.fromisoformat(d["data"]),
                   start=datetime.fromisoformat(d["inicio"]), end=datetime.fromisoformat(d["fim"]),
                   municipio=d["municipio"], dia_util=bool(d["dia_util"]), turn=d["vez"], member=d["membro"],
                   juizo=d.get("juizo"), juizo_nome=d.get("juizo_nome"), magistrado=d["magistrado"], nome=d["nome"],
                   origem=d.get("origem") or "escala")


def scale_to(s: Scale) -> dict[str, Any]:
    return {"mes": str(s.month), "tipo": s.kind.value, "inicio_rotacao": dict(s.start), "fim_rotacao": dict(s.end),
            "plantoes": [plantao_to(p) for p in s.plantoes]}


def scale_from(d: Mapping[str, Any]) -> Scale:
    return Scale(Month.parse(d["mes"]), Kind(d["tipo"]), tuple(plantao_from(p) for p in d["plantoes"]),
                 dict(d["inicio_rotacao"]), dict(d["fim_rotacao"]))


# reference data by type tag: the attribute of ReferenceData that holds them and the two conversions


class ReferenceType(NamedTuple):
    attribute: str
    to_dict: Callable[[Any], dict[str, Any]]
    from_dict: Callable[[Mapping[str, Any]], Any]


REFERENCE_TYPES: dict[str, ReferenceType] = {
    "REGIAO": ReferenceType("regions", region_to, region_from),
    "COMARCA": ReferenceType("comarcas", comarca_to, comarca_from),
    "JUIZO": ReferenceType("juizos", juizo_to, juizo_from),
    "MAGISTRADO": ReferenceType("magistrates", magistrate_to, magistrate_from),
    "ZONA": ReferenceType("zones", zone_to, zone_from),
    "PERIODO": ReferenceType("electoral_periods", period_to, period_from),
    "NOTURNO": ReferenceType("night_groups", night_to, night_from),
}
