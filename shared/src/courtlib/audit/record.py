"""The audit record and its hash chain (pure: no AWS, no clock of its own).

A record says who acted (:class:`Actor`), when, which act (a stable code such as ``DIST.DISTRIBUIR``),
under which rules, on what target, in which request (correlation id), and what the target was before and
after. Each record is a link of a chain: it carries its sequence number in the chain, the hash of the
previous record and its own hash, a SHA-256 over the canonical JSON of every other field — the same field
names the API answers with, so an inspector recomputes it from ``GET /auditoria`` alone.

Chains
------
One chain per service, tribunal-local day and *shard*. The shard is
``SHA-256(target) mod shards_on(day)``:

- a chain head is one item that every record of its chain advances with a condition; with one chain per
  day every audited write of a service would queue on that item, so unrelated writes (two cases, two
  scales) fall on different heads and only ``1/shards`` of them can collide;
- the same target always falls on the same shard of a day, so a target's history within a day is in one
  chain, in the order it happened;
- the number of shards of a day is fixed by :data:`SHARD_PLAN`, versioned by date: days before 2026-12-05
  have 4 chains, later days 64 (4 shards made every writer of a service queue on 4 heads: with 8 clients
  on 8 órgãos, 1,117 head re-reads against 81 órgão re-reads). The shard is part of every record's chain
  id (``<service>#<day>#<shard>``) and its ``cadeia``, so records already written keep naming their chain.
  A count only grows, so a day written partly under the earlier count (a deployment during the day) has
  all its chains within the later count's range, and the verifier, which reads every chain of the day's
  range, still finds them all.

Canonical JSON: keys sorted, no spaces, UTF-8, no floats (amounts travel as strings, dates as ISO
strings) — for such values this is RFC 8785's form, without taking a dependency for the cases we exclude.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal

# (first day, shards per day from that day on), in date order; a later count is never smaller (see above).
SHARD_PLAN: tuple[tuple[date, int], ...] = ((date.min, 4), (date(2026, 12, 5), 64))
MAX_SHARDS = max(count for _, count in SHARD_PLAN)
GENESIS = "0" * 64
ActorKind = Literal["usuario", "parceiro", "sistema"]


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (id = Cognito ``sub``, name = username, roles = groups), a partner court or the system."""

    kind: ActorKind
    id: str
    name: str | None = None
    roles: tuple[str, ...] = ()

    @classmethod
    def user(cls, id: str, name: str | None, roles: Iterable[str]) -> Actor:
        return cls("usuario", id, name, tuple(sorted(roles)))

    @classmethod
    def partner(cls, partner_id: str) -> Actor:
        return cls("parceiro", f"parceiro:{partner_id}", partner_id)

    @classmethod
    def system(cls, source: str) -> Actor:
        """``Actor.system("agenda:fechar-mes")`` or ``Actor.system("evento:MemorandoAssinado")``."""
        return cls("sistema", f"sistema:{source}", source)

    @property
    def person_key(self) -> str:
        """What ``GET /auditoria?pessoa=`` matches: a user's login (what colleagues and inspectors know, and what
        Cognito never lets change), not the opaque ``sub``; a partner's or the system's id otherwise."""
        return self.name if self.kind == "usuario" and self.name else self.id

    def as_json(self) -> dict[str, Any]:
        return {"tipo": self.kind, "id": self.id, "nome": self.name, "papeis": list(self.roles)}


@dataclass(frozen=True)
class Target:
    """What an act is about: ``Target("processo", "0600123-45.2026.6.11.0001")``."""

    type: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass(frozen=True)
class AuditRecord:
    service: str
    day: date
    shard: int
    sequence: int
    at: datetime
    actor: Actor
    act: str
    rules: tuple[str, ...]
    target: Target
    correlation_id: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    prev_hash: str
    hash: str = field(default="")

    @property
    def chain(self) -> str:
        return chain_id(self.service, self.day, self.shard)

    def body(self) -> dict[str, Any]:
        """Every field but the hash, as the API shows it (the hash is computed over this)."""
        return {
            "servico": self.service, "dia": self.day.isoformat(), "cadeia": self.shard, "sequencia": self.sequence,
            "quando": self.at.isoformat(), "quem": self.actor.as_json(), "ato": self.act, "regras": list(self.rules),
            "alvo": {"tipo": self.target.type, "id": self.target.id}, "correlacao": self.correlation_id,
            "antes": _plain(self.before), "depois": _plain(self.after), "hash_anterior": self.prev_hash,
        }

    def as_json(self) -> dict[str, Any]:
        return {**self.body(), "hash": self.hash}

    def computed_hash(self) -> str:
        return hash_of(self.body())

    def sealed(self) -> AuditRecord:
        """This record with its own hash filled in."""
        from dataclasses import replace

        return replace(self, hash=self.computed_hash())


def canonical_json(value: Any) -> str:
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def hash_of(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def chain_id(service: str, day: date, shard: int) -> str:
    return f"{service}#{day.isoformat()}#{shard}"


def shards_on(day: date) -> int:
    """How many chains ``day`` has in every service (:data:`SHARD_PLAN`)."""
    count = SHARD_PLAN[0][1]
    for first, shards in SHARD_PLAN:
        if day >= first:
            count = shards
    return count


def shard_of(target: Target, day: date) -> int:
    """The chain of ``day`` that records acts on ``target``."""
    return int(hashlib.sha256(target.key.encode("utf-8")).hexdigest()[:8], 16) % shards_on(day)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as ``(before, after)`` (a field absent on one side is ``None`` there)."""
    names = [name for name in dict.fromkeys([*before, *after]) if _plain(before.get(name)) != _plain(after.get(name))]
    return {name: before.get(name) for name in names}, {name: after.get(name) for name in names}


def plain(value: Any) -> Any:
    """``value`` as JSON types (a copy); amounts (Decimal) and moments become strings; floats are refused."""
    return _plain(value)


def _plain(value: Any) -> Any:
    """``value`` as JSON types; amounts (Decimal) and moments become strings; floats are refused."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        raise TypeError("valores de auditoria não levam float: use Decimal ou str")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=canonical_json) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "model_dump"):  # a pydantic model
        return _plain(value.model_dump(mode="json"))
    raise TypeError(f"valor sem forma JSON na auditoria: {type(value).__name__}")


Problem = Literal["alterado", "ausente", "fora_de_ordem", "encadeamento"]


@dataclass(frozen=True)
class ChainBreak:
    """The first link that does not hold: ``sequence`` is the record (or the missing sequence) named."""

    sequence: int
    problem: Problem
    detail: str


def verify_chain(records: Sequence[Mapping[str, Any]], *, expected_length: int | None = None) -> ChainBreak | None:
    """None when ``records`` (the JSON of one chain, in stored order) form an intact chain, else its first break.

    Checks, record by record: the hash recomputed from the other fields (an edit), the sequence number
    (1, 2, 3…: a gap is a missing record, a step back a reordering) and the link to the previous hash.
    ``expected_length`` (the chain head's count) also catches records missing at the end.
    """
    previous_hash = GENESIS
    expected = 1
    for record in records:
        body = {name: value for name, value in record.items() if name != "hash"}
        sequence = record.get("sequencia")
        if not isinstance(sequence, int) or isinstance(sequence, bool):
            return ChainBreak(expected, "alterado", f"o registro na posição {expected} não tem sequência válida")
        if sequence < expected:
            return ChainBreak(sequence, "fora_de_ordem", f"registro {sequence} aparece depois do {expected - 1}")
        if sequence > expected:
            return ChainBreak(expected, "ausente", f"faltam os registros {expected} a {sequence - 1}"
                              if sequence - 1 > expected else f"falta o registro {expected}")
        if hash_of(body) != record.get("hash"):
            return ChainBreak(sequence, "alterado", f"o registro {sequence} não corresponde ao seu hash")
        if record.get("hash_anterior") != previous_hash:
            return ChainBreak(sequence, "encadeamento",
                              f"o registro {sequence} não aponta para o hash do registro anterior")
        previous_hash = str(record["hash"])
        expected += 1
    if expected_length is not None and expected_length >= expected:
        return ChainBreak(expected, "ausente", f"a cabeça da cadeia conta {expected_length} registros, "
                          f"há {expected - 1}")
    return None
