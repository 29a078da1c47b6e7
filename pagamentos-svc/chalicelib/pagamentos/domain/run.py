"""PAG-01 and PAG-10: the monthly run as a pure decision, ``plan_run(month, snapshot, rules_for) -> RunPlan``.

The service loads a :class:`RunSnapshot` once (everything the run reads: the month's facts, the months with
late facts, the memo headers involved, where each month's adjustments are allocated, what closed memos paid),
asks :func:`plan_run` for the plan and applies it. The settlement policy of PAG-10 is decided here:

- a late fact for a month whose memo of a category is closed (signed or sent) is paid as an adjustment in the
  run's memo of that category, unless that memo is closed too (a later month carries it);
- the adjustments of one origin month and category live in one draft only: once allocated to another month
  whose memo is still a draft, this run leaves them there;
- what is due is recomputed − paid (the origin's own closed memo plus adjustments in closed generations of
  later memos), per original line, so nothing is paid twice;
- a month with late facts is forgotten once every category of it is closed and nothing is owed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from chalicelib.pagamentos.domain.memos import MemoHeader, adjustments, content_hash, paid_by_key, split_memo_id
from chalicelib.pagamentos.domain.model import Line, Month, MonthData
from chalicelib.pagamentos.domain.rules import CATEGORIES, Rules


@dataclass(frozen=True)
class StoredLine:
    """A line as stored in a memo's generation (``memo`` id and ``generation``): an adjustment for an origin."""

    memo: str
    generation: int
    line: Line


@dataclass
class OriginSnapshot:
    """A month with late facts, before the run's month. ``data`` and the rest are loaded only when one of its
    memos is closed (otherwise its own draft pays everything and there is nothing to settle)."""

    month: Month
    data: MonthData | None = None
    own_lines: dict[str, list[Line]] = field(default_factory=dict)  # category → the closed memo's lines
    later_lines: dict[str, list[StoredLine]] = field(default_factory=dict)  # category → adjustments stored for it
    allocations: dict[str, str] = field(default_factory=dict)  # category → month whose memo carries them


@dataclass
class RunSnapshot:
    """Everything a run of ``data.month`` reads, loaded once."""

    data: MonthData
    headers: dict[str, dict[str, MemoHeader]]  # month → category → header, for every month the plan looks at
    origins: list[OriginSnapshot] = field(default_factory=list)

    def header(self, month: Month | str, category: str) -> MemoHeader | None:
        return self.headers.get(str(month), {}).get(category)

    def closed(self, month: Month | str, category: str) -> bool:
        header = self.header(month, category)
        return header is not None and header.closed


@dataclass(frozen=True)
class Settlement:
    """The adjustments of ``origin``'s ``category`` carried by the run's memo. ``claim``: the run must first
    point that origin's adjustments to its month, conditional on the allocation read (``expected``); a
    concurrent run that moved them wins and these lines are dropped."""

    category: str
    origin: Month
    lines: tuple[Line, ...]
    claim: bool
    expected: str | None


@dataclass(frozen=True)
class RunPlan:
    month: Month
    computed: Mapping[str, list[Line]]  # category → the month's own lines
    settlements: tuple[Settlement, ...]
    reviewed: tuple[str, ...]  # origin months looked at
    settled: tuple[str, ...]  # origin months with nothing left to settle: their marker goes

    def lines(self, category: str, lost: frozenset[tuple[str, Month]] = frozenset()) -> list[Line]:
        """The memo's lines: its own, then the adjustments whose claim was not ``lost`` to a concurrent run."""
        extra = [line for s in self.settlements if s.category == category and (s.category, s.origin) not in lost
                 for line in s.lines]
        return [*self.computed[category], *extra]


RulesFor = Callable[[Month], Rules]


def plan_run(month: Month, snapshot: RunSnapshot, rules_for: RulesFor) -> RunPlan:
    """PAG-01/PAG-10: the memos of ``month`` and the settlement of late facts, from ``snapshot`` alone."""
    computed = rules_for(month).build(snapshot.data)
    settlements: list[Settlement] = []
    reviewed: list[str] = []
    settled_months: list[str] = []
    for origin in snapshot.origins:
        if origin.month >= month:
            continue
        closed = [c for c in CATEGORIES if snapshot.closed(origin.month, c)]
        if not closed or origin.data is None:
            continue
        rebuilt = rules_for(origin.month).build(origin.data)
        settled = True
        for category in closed:
            if snapshot.closed(month, category):
                settled = False  # this month's memo is closed too: a later month carries the adjustment
                continue
            allocated = origin.allocations.get(category)
            if allocated is not None and allocated != str(month) and not snapshot.closed(allocated, category):
                settled = False  # that draft carries the adjustment: never two drafts with it
                continue
            paid = paid_lines(snapshot, origin, category)
            names = {line.origin_key: (line.person, line.name) for line in paid}
            due = adjustments(category, origin.month, rebuilt[category], paid_by_key(paid), names)
            if due:
                settled = False
                settlements.append(Settlement(category, origin.month, tuple(due), claim=allocated != str(month),
                                              expected=allocated))
        reviewed.append(str(origin.month))
        if settled and len(closed) == len(CATEGORIES):
            settled_months.append(str(origin.month))
    return RunPlan(month, computed, tuple(settlements), tuple(reviewed), tuple(settled_months))


def paid_lines(snapshot: RunSnapshot, origin: OriginSnapshot, category: str) -> list[Line]:
    """The lines closed memos hold for ``origin``: its own memo's, and adjustments in later closed memos
    (only in the generation that memo was closed with)."""
    paid = [line for line in origin.own_lines.get(category, []) if line.origin_month == str(origin.month)]
    for stored in origin.later_lines.get(category, []):
        memo_month, memo_category = split_memo_id(stored.memo)
        header = snapshot.header(memo_month, memo_category)
        if header is not None and header.closed and header.generation == stored.generation:
            paid.append(stored.line)
    return paid


@dataclass(frozen=True)
class MemoDecision:
    """What a run does to one memo: ``keep`` (closed), ``unchanged`` (same content) or ``generate``."""

    action: str
    header: MemoHeader | None


def decide_memo(header: MemoHeader | None, lines: list[Line]) -> MemoDecision:
    """PAG-10: a closed memo is never rebuilt; PAG-01: the same lines again write nothing."""
    if header is not None and header.closed:
        return MemoDecision("keep", header)
    if header is not None and header.hash == content_hash(lines):
        return MemoDecision("unchanged", header)
    return MemoDecision("generate", header)
