"""The commands of the distribution use cases, and their JSON form for the queue of acts awaiting a beacon round
(issue 16): what was asked at registration is what is resolved, whoever resolves it and when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chalicelib.distribuicao.domain.cnj import CnjNumber, parse_cnj
from chalicelib.distribuicao.domain.draw import ActionKind, CaseData, PreventionKind, RedistributionReason


@dataclass(frozen=True)
class RelatedRef:
    """The case that may make a judge prevento (DIST-03); relator/seat only for cases older than this system."""

    number: CnjNumber
    kind: PreventionKind
    acordao_writer: str | None = None
    relator: str | None = None
    seat: str | None = None
    pending: bool | None = None


@dataclass(frozen=True)
class DistributionCommand:
    orgao: str
    case: CaseData
    related: RelatedRef | None = None
    excluded: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ManualDrawCommand:
    distribution: DistributionCommand
    seat: str
    witnesses: tuple[str, ...]
    ata: str
    authorized_by: str
    held_at: datetime


@dataclass(frozen=True)
class RedistributionCommand:
    """DIST-04 about the relator found at ``seq`` (the case row's ``current_seq`` when it was asked)."""

    number: CnjNumber
    reason: RedistributionReason
    excluded: Mapping[str, str]
    seq: int


KIND_DISTRIBUTION = "distribuicao"
KIND_MANUAL = "manual"
KIND_REDISTRIBUTION = "redistribuicao"
KIND_ABSENCE = "ausencia"  # DIST-06/07: an action of the absence rules, planned by the daily schedule


@dataclass(frozen=True)
class AbsenceCommand:
    """A DIST-06 action planned on the case row at ``seq`` (its ``current_seq`` when planned)."""

    number: CnjNumber
    kind: ActionKind
    target_seat: str | None
    explanation: str
    seq: int

    @property
    def draws(self) -> bool:
        """Only the 15-day redistribution is a draw (it waits for its round); the others move the case."""
        return self.kind is ActionKind.REDISTRIBUIR_AUSENCIA


def absence_to_json(command: AbsenceCommand) -> dict[str, Any]:
    return {"numero": command.number.digits, "acao": command.kind.value, "cadeira_destino": command.target_seat,
            "explicacao": command.explanation, "seq": command.seq}


def absence_from_json(d: Mapping[str, Any]) -> AbsenceCommand:
    return AbsenceCommand(parse_cnj(d["numero"]), ActionKind(d["acao"]), d["cadeira_destino"], d["explicacao"],
                          int(d["seq"]))


def case_to_json(case: CaseData) -> dict[str, Any]:
    return {"numero": case.number.digits, "classe": case.classe, "segredo": case.secret, "urgente": case.urgent,
            "revisor": case.needs_revisor, "partes": list(case.parties), "advogados": list(case.lawyers),
            "assuntos": list(case.subjects)}


def case_from_json(d: Mapping[str, Any]) -> CaseData:
    return CaseData(parse_cnj(d["numero"]), d["classe"], secret=bool(d["segredo"]), urgent=bool(d["urgente"]),
                    needs_revisor=bool(d["revisor"]), parties=tuple(d["partes"]), lawyers=tuple(d["advogados"]),
                    subjects=tuple(d["assuntos"]))


def distribution_to_json(command: DistributionCommand) -> dict[str, Any]:
    ref = command.related
    return {
        "orgao": command.orgao, "processo": case_to_json(command.case), "excluidos": dict(command.excluded),
        "relacionado": None if ref is None else {
            "numero": ref.number.digits, "tipo": ref.kind.value, "redator": ref.acordao_writer,
            "relator": ref.relator, "cadeira": ref.seat, "pendente": ref.pending},
    }


def distribution_from_json(d: Mapping[str, Any]) -> DistributionCommand:
    ref = d.get("relacionado")
    related = None if ref is None else RelatedRef(parse_cnj(ref["numero"]), PreventionKind(ref["tipo"]),
                                                  ref["redator"], ref["relator"], ref["cadeira"], ref["pendente"])
    return DistributionCommand(d["orgao"], case_from_json(d["processo"]), related, dict(d["excluidos"]))


def manual_to_json(command: ManualDrawCommand) -> dict[str, Any]:
    return {**distribution_to_json(command.distribution), "cadeira": command.seat,
            "testemunhas": list(command.witnesses), "ata": command.ata, "autorizado_por": command.authorized_by,
            "realizado_em": command.held_at.isoformat()}


def manual_from_json(d: Mapping[str, Any]) -> ManualDrawCommand:
    return ManualDrawCommand(distribution_from_json(d), d["cadeira"], tuple(d["testemunhas"]), d["ata"],
                             d["autorizado_por"], datetime.fromisoformat(d["realizado_em"]))


def redistribution_to_json(command: RedistributionCommand) -> dict[str, Any]:
    return {"numero": command.number.digits, "motivo": command.reason.value, "excluidos": dict(command.excluded),
            "seq": command.seq}


def redistribution_from_json(d: Mapping[str, Any]) -> RedistributionCommand:
    return RedistributionCommand(parse_cnj(d["numero"]), RedistributionReason(d["motivo"]), dict(d["excluidos"]),
                                 int(d["seq"]))
