"""PAG-01, PAG-10, PAG-11: memo identity, lifecycle, adjustments for late facts, totals and the CSV.

Lifecycle: ``rascunho`` (draft, rebuilt by every run) → ``assinado`` (the President's despacho; frozen)
→ ``enviado`` (to DIMAG). A signed or sent memo is never changed: a fact that arrives later for its month
is paid through an adjustment line in the next memo of the same category that is still a draft.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from chalicelib.pagamentos.domain.model import Line, Month
from chalicelib.pagamentos.domain.rules import CATEGORIES

from courtlib import ptbr
from courtlib.csvexport import BR, CsvFormat, write_csv
from courtlib.errors import Conflict, Invalid, NotFound

DRAFT, SIGNED, SENT = "rascunho", "assinado", "enviado"
CLOSED = frozenset({SIGNED, SENT})


def memo_id(month: Month | str, category: str) -> str:
    return f"{month}-{category}"


def split_memo_id(value: str) -> tuple[Month, str]:
    month, dash, category = value[:7], value[7:8], value[8:]
    if dash != "-" or category not in CATEGORIES:
        raise NotFound(f"memorando desconhecido: {value!r}")
    try:
        return Month.parse(month), category
    except Invalid:
        raise NotFound(f"memorando desconhecido: {value!r}") from None


def require_transition(status: str, action: str) -> str:
    """PAG-10: the next status, or a 409-worthy refusal (editing a signed memo, sending an unsigned one)."""
    if action == "assinar":
        if status != DRAFT:
            raise Conflict(f"memorando {status}: só um rascunho pode ser assinado", code="PAG-10")
        return SIGNED
    if action == "enviar":
        if status == SENT:
            raise Conflict("memorando já enviado", code="PAG-10")
        if status != SIGNED:
            raise Conflict("o memorando precisa da assinatura (despacho do Presidente) antes do envio", code="PAG-10")
        return SENT
    if action == "editar":
        if status != DRAFT:
            raise Conflict(f"memorando {status} não pode ser alterado; uma correção entra como ajuste "
                                        "no memorando do mês seguinte", code="PAG-10")
        return DRAFT
    raise ValueError(action)


def total(lines: Iterable[Line]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def content_hash(lines: Iterable[Line]) -> str:
    """Identifies a memo's content: a run that computes the same lines writes nothing (PAG-01)."""
    digest = hashlib.sha256()
    for line in sorted(lines, key=lambda line: line.key):
        digest.update("\x1f".join((line.key, line.rule, line.person, line.name, line.basis, str(line.quantity),
                                   str(line.amount), line.origin_month, line.origin_key,
                                   "1" if line.adjustment else "0")).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def adjustments(category: str, origin: Month, recomputed: Iterable[Line],
                paid: Mapping[str, Decimal], names: Mapping[str, tuple[str, str]] | None = None) -> list[Line]:
    """PAG-10: what is still owed (or was overpaid) for ``origin``: recomputed − paid, per original line key.

    ``paid``: per ``chave_origem``, the sum of the lines of closed (signed or sent) memos that refer to
    ``origin`` — its own memo and adjustments already in later memos — so nothing is paid twice.
    ``names``: (person, name) of keys that disappeared from the recomputation (a reversal).
    """
    now: dict[str, Line] = {line.origin_key: line for line in recomputed}
    out = []
    for key in sorted(set(now) | set(paid)):
        computed = now[key].amount if key in now else Decimal("0.00")
        already = paid.get(key, Decimal("0.00"))
        difference = computed - already
        if difference == 0:
            continue
        if key in now:
            person, name, quantity = now[key].person, now[key].name, now[key].quantity
        else:
            person, name = (names or {}).get(key, (key.split("|")[0], key.split("|")[0]))
            quantity = Decimal(0)
        out.append(Line(category, CATEGORIES[category], person, name,
                        f"ajuste da competência {ptbr.month_label(str(origin))}: devido {ptbr.brl(computed)}, "
                        f"já pago {ptbr.brl(already)}",
                        quantity, difference, f"ajuste|{origin}|{key}", str(origin), key, adjustment=True))
    return out


def paid_by_key(lines: Iterable[Line]) -> dict[str, Decimal]:
    paid: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for line in lines:
        paid[line.origin_key] += line.amount
    return dict(paid)


CSV_HEADER = ("memorando", "competencia", "categoria", "regra", "matricula", "nome", "base", "quantidade", "valor",
              "competencia_origem", "ajuste", "numero")


def render_csv(memo: str, month: str, category: str, lines: Iterable[Line], number: str = "",
               fmt: CsvFormat = BR) -> str:
    """PAG-11: the memo for the payroll import: one row per line (its total is ``valor``) and a TOTAL row.

    Written by :func:`courtlib.csvexport.write_csv`: ``;``, decimal comma and a UTF-8 BOM by default; every text
    cell that could start a formula (a servant's name from an event included) is neutralised. ``numero``: the
    memo's number ("Memorando nº 12/2026 – DIMAG") once signed, empty on a draft."""
    rows = sorted(lines, key=lambda line: (line.adjustment, line.name, line.key))
    body: list[tuple[str | Decimal | None, ...]] = [
        (memo, month, category, line.rule, line.person, line.name, line.basis, line.quantity, line.amount,
         line.origin_month, "sim" if line.adjustment else "nao", number) for line in rows]
    body.append((memo, month, category, CATEGORIES[category], "", "TOTAL", f"{len(rows)} linha(s)", None,
                 total(rows), "", "", number))
    return write_csv(CSV_HEADER, body, fmt)


def memo_number_label(number: int, year: int, division: str) -> str:
    """PAG-11: "Memorando nº 12/2026 – DIMAG" (one series per division and year, given at signature)."""
    return f"Memorando nº {number}/{year} – {division}"


@dataclass(frozen=True)
class MemoHeader:
    """A memo's state without its lines: lifecycle, current generation of lines, totals, signature, number.

    ``version`` is the stored version the header was read at (``None``: never stored); a write of the header is
    conditional on it, so two writers never both win."""

    month: str
    category: str
    status: str = DRAFT
    generation: int = 0
    total: str = "0.00"
    line_count: int = 0
    hash: str = ""
    generated_at: datetime | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None
    sent_by: str | None = None
    sent_at: datetime | None = None
    note: str | None = None
    edited_by: str | None = None  # who wrote the note in force (every earlier version: the audit trail)
    edited_at: datetime | None = None
    documents: dict[str, str] | None = None  # S3 keys and sha256 once sent
    number: int | None = None  # PAG-11: given at signature, per division and year
    number_year: int | None = None
    number_division: str | None = None
    version: int | None = None

    @property
    def id(self) -> str:
        return memo_id(self.month, self.category)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def label(self) -> str | None:
        """"Memorando nº 12/2026 – DIMAG" once signed; ``None`` for a draft (PAG-11)."""
        if self.number is None:
            return None
        return memo_number_label(self.number, self.number_year or 0, self.number_division or "")

    def regenerated(self, lines: list[Line], generation: int, at: datetime) -> MemoHeader:
        """This draft pointing at a new generation of lines (PAG-01)."""
        return replace(self, generation=generation, total=str(total(lines)), line_count=len(lines),
                       hash=content_hash(lines), generated_at=at)

    def signed(self, user: str, at: datetime, number: int, year: int, division: str) -> MemoHeader:
        """PAG-10/PAG-11: the President's despacho and the memo's number."""
        return replace(self, status=require_transition(self.status, "assinar"), signed_by=user, signed_at=at,
                       number=number, number_year=year, number_division=division)

    def sent(self, user: str, at: datetime, documents: dict[str, str]) -> MemoHeader:
        return replace(self, status=require_transition(self.status, "enviar"), sent_by=user, sent_at=at,
                       documents=documents)

    def noted(self, note: str, user: str, at: datetime) -> MemoHeader:
        """PAG-10: a new note on a draft, by ``user`` at ``at`` (a signed or sent memo is never changed)."""
        require_transition(self.status, "editar")
        return replace(self, note=note, edited_by=user, edited_at=at)

    def audited(self) -> dict[str, object]:
        """What the audit trail keeps of the memo's state (issue 17): lifecycle, version, note, signature, sending;
        the total as Decimal, no lines (the memo's lines are its documents)."""
        return {"status": self.status, "geracao": self.generation, "total": Decimal(self.total),
                "linhas": self.line_count,
                "observacao": self.note, "editado_por": self.edited_by,
                "editado_em": self.edited_at.isoformat() if self.edited_at else None,
                "assinado_por": self.signed_by, "assinado_em": self.signed_at.isoformat() if self.signed_at else None,
                "numero": self.label, "enviado_por": self.sent_by,
                "enviado_em": self.sent_at.isoformat() if self.sent_at else None,
                "documentos": dict(self.documents) if self.documents else None}


def new_draft(month: Month | str, category: str) -> MemoHeader:
    return MemoHeader(str(month), category)


@dataclass
class StoredMemo:
    header: MemoHeader
    lines: list[Line] = field(default_factory=list)
