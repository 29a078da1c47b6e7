"""The verifiable distribution log (DIST-08, DIST-11): records, hash chain, public export, edital.

A record's hash is ``sha256(canonical_json(body))`` where the body holds every field except ``hash``
and ``canonical_json`` is JSON with keys sorted, no whitespace, UTF-8, no floats. Each body carries the
previous record's hash (``hash_anterior``; the first record of a log points to 64 zeros).

Parties, lawyers and subjects are not in the body: the body has ``dados_hash``, the sha256 of the
canonical JSON of the details plus a random salt. The public export shows the details (with the salt)
of ordinary cases and "SEGREDO DE JUSTIÇA" for cases under secrecy, so every draw stays verifiable and
the secret names cannot be guessed from the hash.

``agente`` (issue 17) says who made the distribution: always the role (or the partner court, or the system's
schedule), and the user's id only for the Presidency (see :func:`public_agent`). Records made before it have no
``agente`` key at all, so their bodies — and hashes — are unchanged.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any, Literal

from .equality import CounterDelta
from .randomness import DailySeed

FORMAT_ID = "br.jus.tribunal.distribuicao.exportacao"
FORMAT_VERSION = 1
RECORD_VERSION = 1
GENESIS_HASH = "0" * 64
SEGREDO = "SEGREDO DE JUSTIÇA"

Mode = Literal["sorteio", "sorteio_manual", "atribuicao"]


def canonical_json(value: Any) -> bytes:
    """The one serialisation that is hashed (the verifier has the same three lines)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class LogHead:
    """The last record of a log (seq 0 and the zero hash for an empty log): the optimistic-lock version."""

    seq: int = 0
    hash: str = GENESIS_HASH


@dataclass(frozen=True)
class CaseDetails:
    """Private data of a case: kept apart from the chained record, bound to it by ``digest``."""

    parties: tuple[str, ...] = ()
    lawyers: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    salt: str = field(default_factory=lambda: secrets.token_hex(16))

    def to_dict(self) -> dict[str, Any]:
        return {
            "partes": list(self.parties),
            "advogados": list(self.lawyers),
            "assuntos": list(self.subjects),
            "sal": self.salt,
        }

    @property
    def digest(self) -> str:
        return sha256_hex(canonical_json(self.to_dict()))

    def public(self, secret: bool) -> dict[str, Any]:
        return {"partes": SEGREDO, "advogados": SEGREDO} if secret else self.to_dict()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CaseDetails:
        return cls(tuple(data["partes"]), tuple(data["advogados"]), tuple(data["assuntos"]), data["sal"])


@dataclass(frozen=True)
class RecordResult:
    unit: str
    relator: str | None = None
    relator_name: str | None = None
    acting: str | None = None
    revisor: str | None = None
    revisor_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "unidade": self.unit,
            "relator": self.relator,
            "relator_nome": self.relator_name,
            "conclusos_a": self.acting,
            "revisor": self.revisor,
            "revisor_nome": self.revisor_name,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RecordResult:
        return cls(d["unidade"], d["relator"], d["relator_nome"], d["conclusos_a"], d["revisor"], d["revisor_nome"])


@dataclass(frozen=True)
class ManualDraw:
    """DIST-09: who saw the draw by hand and the ata that records it."""

    witnesses: tuple[str, ...]
    ata: str
    authorized_by: str
    held_at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "testemunhas": list(self.witnesses),
            "ata": self.ata,
            "autorizado_por": self.authorized_by,
            "realizado_em": self.held_at,
        }


@dataclass(frozen=True)
class BeaconRound:
    """The public beacon round that decided a draw (issue 16): fixed at registration as the first round of the
    chain after the commit, verified before use. ``farol`` of the record, as ``scripts/verify_draws.py`` reads it."""

    chain: str  # the chain hash, hex (quicknet's, or the local stack's beacon, which says so)
    number: int
    signature: str  # hex, compressed G1
    randomness: str  # hex, sha256 of the signature

    def to_dict(self) -> dict[str, Any]:
        return {"cadeia": self.chain, "rodada": self.number, "assinatura": self.signature,
                "aleatoriedade": self.randomness}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BeaconRound:
        return cls(d["cadeia"], int(d["rodada"]), d["assinatura"], d["aleatoriedade"])


@dataclass(frozen=True)
class DrawRecord:
    """One entry of the log: a draw, a manual draw or an assignment without draw (prevention, ...)."""

    log: str
    seq: int
    prev_hash: str
    recorded_at: str
    case_number: str
    classe: str
    count_class: str
    secret: bool
    urgent: bool
    details_hash: str | None
    rule: str
    mode: Mode
    legal_basis: str
    reason: str | None
    eligible: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]
    counts_before: Mapping[str, tuple[int, int]]
    candidates: tuple[str, ...]
    seed_day: str | None
    value: str | None
    index: int | None
    result: RecordResult
    previous: RecordResult | None
    deltas: tuple[CounterDelta, ...]
    manual: ManualDraw | None = None
    reference: str | None = None
    distributor: str | None = None
    agent: Mapping[str, Any] | None = None
    beacon: BeaconRound | None = None
    hash: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "versao": RECORD_VERSION,
            "log": self.log,
            "seq": self.seq,
            "hash_anterior": self.prev_hash,
            "registrado_em": self.recorded_at,
            "processo": self.case_number,
            "classe": self.classe,
            "classe_contagem": self.count_class,
            "sigilo": self.secret,
            "urgente": self.urgent,
            "dados_hash": self.details_hash,
            "regra": self.rule,
            "modo": self.mode,
            "fundamento": self.legal_basis,
            "motivo": self.reason,
            "elegiveis": list(self.eligible),
            "excluidos": [{"unidade": u, "motivo": m} for u, m in self.excluded],
            "contagens_antes": {u: {"classe": c, "total": t} for u, (c, t) in sorted(self.counts_before.items())},
            "candidatos": list(self.candidates),
            "dia_semente": self.seed_day,
            "valor": self.value,
            "indice": self.index,
            "resultado": self.result.to_dict(),
            "anterior": None if self.previous is None else self.previous.to_dict(),
            "deltas": [d.to_dict() for d in self.deltas],
            "manual": None if self.manual is None else self.manual.to_dict(),
            "referencia": self.reference,
            "distribuidora": self.distributor,
            # only when known: a record sealed before this field existed keeps the body it was hashed with
            **({} if self.agent is None else {"agente": dict(self.agent)}),
            # only on a draw decided by a beacon round: records sealed before keep the body they were hashed with
            **({} if self.beacon is None else {"farol": self.beacon.to_dict()}),
        }

    def compute_hash(self) -> str:
        return sha256_hex(canonical_json(self.body()))

    def sealed(self) -> DrawRecord:
        """This record with its hash filled in."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["hash"] = self.compute_hash()
        return DrawRecord(**values)

    def to_dict(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}

    def acted_by(self, agent: Mapping[str, Any] | None) -> DrawRecord:
        """This record naming who made it (``agente``), sealed again (its hash covers the agent)."""
        if agent is None:
            return self
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["agent"] = dict(agent)
        return DrawRecord(**values).sealed()

    @property
    def head(self) -> LogHead:
        return LogHead(self.seq, self.hash)

    @property
    def draw_id(self) -> str:
        """The public id of the draw: ``<log>#<seq>`` (the record hash is its fingerprint)."""
        return f"{self.log}#{self.seq}"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> DrawRecord:
        manual = d.get("manual")
        return cls(
            log=d["log"],
            seq=d["seq"],
            prev_hash=d["hash_anterior"],
            recorded_at=d["registrado_em"],
            case_number=d["processo"],
            classe=d["classe"],
            count_class=d["classe_contagem"],
            secret=d["sigilo"],
            urgent=d["urgente"],
            details_hash=d["dados_hash"],
            rule=d["regra"],
            mode=d["modo"],
            legal_basis=d["fundamento"],
            reason=d["motivo"],
            eligible=tuple(d["elegiveis"]),
            excluded=tuple((e["unidade"], e["motivo"]) for e in d["excluidos"]),
            counts_before={u: (v["classe"], v["total"]) for u, v in d["contagens_antes"].items()},
            candidates=tuple(d["candidatos"]),
            seed_day=d["dia_semente"],
            value=d["valor"],
            index=d["indice"],
            result=RecordResult.from_dict(d["resultado"]),
            previous=None if d["anterior"] is None else RecordResult.from_dict(d["anterior"]),
            deltas=tuple(CounterDelta(x["unidade"], x["classe"], x["delta"]) for x in d["deltas"]),
            manual=None
            if manual is None
            else ManualDraw(tuple(manual["testemunhas"]), manual["ata"], manual["autorizado_por"],
                            manual["realizado_em"]),
            reference=d["referencia"],
            distributor=d["distribuidora"],
            agent=d.get("agente"),
            beacon=None if d.get("farol") is None else BeaconRound.from_dict(d["farol"]),
            hash=d.get("hash", ""),
        )


# Whose id a public record names. RI art. 33 § 3: the distribution system and its data are public; § 2: the
# manual draw is authorised by the President; arts. 34 § 6, 102 and 105 § 3: on an impediment or suspicion the
# autos go back to the President for redistribution. A Presidency act is an act of the court's authority and
# names its author; a servant operating the system is named by role only (the regulation makes the
# distribution's data public, not who keyed it in — data minimisation, LGPD art. 6 III); the internal audit
# trail keeps the servant's id.
ROLES_NAMED_IN_PUBLIC = frozenset({"presidencia"})
ROLE_PREFERENCE = ("presidencia", "distribuicao", "admin")


def public_agent(kind: str, actor_id: str, roles: Sequence[str] = ()) -> dict[str, Any]:
    """The ``agente`` of a public record: ``{"tipo", "papel"[, "id"]}`` for a user, ``{"tipo", "id"}`` for a
    partner court or the system (both institutional, always named)."""
    if kind != "usuario":
        return {"tipo": kind, "id": actor_id}
    role = next((r for r in ROLE_PREFERENCE if r in roles), None) or (sorted(roles)[0] if roles else "usuario")
    agent: dict[str, Any] = {"tipo": "usuario", "papel": role}
    if role in ROLES_NAMED_IN_PUBLIC:
        agent["id"] = actor_id
    return agent


def verify_chain(records: Sequence[DrawRecord], start: LogHead = LogHead()) -> list[str]:
    """Integrity problems of ``records`` (in storage order) continuing from ``start``; empty = intact."""
    problems: list[str] = []
    head = start
    for record in records:
        if record.seq != head.seq + 1:
            problems.append(f"seq {record.seq}: esperado {head.seq + 1}")
        if record.prev_hash != head.hash:
            problems.append(f"seq {record.seq}: hash_anterior não aponta para o registro anterior")
        if record.compute_hash() != record.hash:
            problems.append(f"seq {record.seq}: conteúdo alterado (hash não confere)")
        head = LogHead(record.seq, record.hash)
    return problems


def public_export(
    *,
    tribunal: str,
    log_id: str,
    records: Iterable[DrawRecord],
    details: Mapping[int, CaseDetails],
    seeds: Iterable[DailySeed],
    commitments: Mapping[date, str],
    today: date,
    generated_at: datetime,
    min_witnesses: int = 2,
    beacons: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The document a citizen downloads and checks with ``scripts/verify_draws.py``.

    ``details`` maps a record's seq to its case details. Only seeds of days before ``today`` are
    revealed (today's seed is still in use); every commitment given is published. ``beacons``: the ``/info``
    documents of the beacon chains other than quicknet that decided draws here (``farois``).
    """
    ordered = sorted(records, key=lambda r: r.seq)
    exported = []
    for record in ordered:
        item = record.to_dict()
        info = details.get(record.seq)
        item["detalhes"] = None if info is None or record.details_hash is None else info.public(record.secret)
        exported.append(item)
    last = ordered[-1].head if ordered else LogHead()
    return {
        "formato": FORMAT_ID,
        "versao": FORMAT_VERSION,
        "tribunal": tribunal,
        "log": log_id,
        "gerado_em": generated_at.isoformat(timespec="seconds"),
        "testemunhas_minimas": min_witnesses,
        "cabeca": {"seq": last.seq, "hash": last.hash},
        "compromissos": [{"dia": d.isoformat(), "sha256": c} for d, c in sorted(commitments.items())],
        "sementes": [
            {"dia": s.day.isoformat(), "semente": s.hex} for s in sorted(seeds, key=lambda s: s.day) if s.day < today
        ],
        "registros": exported,
        **({"farois": [dict(b) for b in beacons]} if beacons else {}),
    }


# ---------------------------------------------------------------------------------------------
# DIST-08: the edital


@dataclass(frozen=True)
class EditalRow:
    day: str
    case_number: str
    classe: str
    rule: str
    relator: str | None
    revisor: str | None
    parties: tuple[str, ...] | str
    lawyers: tuple[str, ...] | str


def edital_period(day: date, periodicity: str = "quinzenal") -> tuple[date, date]:
    """The period (inclusive) whose edital includes ``day``: 1–15 and 16–end for "quinzenal"."""
    last = calendar.monthrange(day.year, day.month)[1]
    if periodicity == "quinzenal":
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        return day.replace(day=16), day.replace(day=last)
    if periodicity == "semanal":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if periodicity == "mensal":
        return day.replace(day=1), day.replace(day=last)
    raise ValueError(f"periodicidade desconhecida: {periodicity}")


def edital_rows(
    records: Iterable[DrawRecord], details: Mapping[int, CaseDetails], start: date, end: date
) -> list[EditalRow]:
    """Rows of the edital (RI art. 36): number, class, relator, revisor, parties and lawyers — masked under secrecy.

    A redistribution's record carries no details of its own: its parties and lawyers are the case's, from the
    case's latest earlier record in the log that has them (art. 36 asks for them on every row)."""
    rows = []
    by_case: dict[str, CaseDetails] = {}
    for record in sorted(records, key=lambda r: r.seq):
        info = details.get(record.seq)
        if info is not None and record.case_number:
            by_case[record.case_number] = info
        elif record.case_number:
            info = by_case.get(record.case_number)
        day = record.recorded_at[:10]
        if not start.isoformat() <= day <= end.isoformat():
            continue
        if record.secret:
            parties: tuple[str, ...] | str = SEGREDO
            lawyers: tuple[str, ...] | str = SEGREDO
        else:
            parties = info.parties if info else ()
            lawyers = info.lawyers if info else ()
        rows.append(
            EditalRow(
                day, record.case_number, record.classe, record.rule,
                record.result.relator_name, record.result.revisor_name, parties, lawyers,
            )
        )
    return rows
