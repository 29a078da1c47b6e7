"""What a monthly run reads, assembled once into a :class:`RunSnapshot` from the reads a store offers.

Storage-agnostic (the DynamoDB repository and the tests' in-memory one use it alike): the run's month, every
month with late facts before it, and for those with a closed memo their facts, the allocation of their
adjustments, what their closed memo paid and the adjustments stored for them elsewhere, with the headers of
every memo the plan will look at (each month's headers read once).
"""

from __future__ import annotations

from chalicelib.pagamentos.domain.memos import MemoHeader, memo_id, split_memo_id
from chalicelib.pagamentos.domain.model import Month
from chalicelib.pagamentos.domain.run import OriginSnapshot, RunSnapshot
from chalicelib.pagamentos.ports import RunReads


def load_run_snapshot(reads: RunReads, month: Month) -> RunSnapshot:
    people = reads.people()
    headers: dict[str, dict[str, MemoHeader]] = {}

    def headers_of(of: str) -> dict[str, MemoHeader]:
        if of not in headers:
            headers[of] = reads.memo_headers_of_month(of)
        return headers[of]

    target = headers_of(str(month))
    snapshot = RunSnapshot(reads.month_data(month, people), headers)
    for pending in reads.pending_months():
        if pending >= str(month):
            continue
        origin = OriginSnapshot(Month.parse(pending))
        snapshot.origins.append(origin)
        closed = [c for c, h in headers_of(pending).items() if h.closed]
        if not closed:
            continue
        origin.data = reads.month_data(origin.month, people)
        for category in closed:
            if category in target and target[category].closed:
                continue  # nothing to settle into a closed memo
            allocated = reads.allocation(category, pending)
            if allocated is not None:
                origin.allocations[category] = allocated
                headers_of(allocated)
            own = headers_of(pending)[category]
            origin.own_lines[category] = reads.lines_of(memo_id(pending, category), own.generation)
            origin.later_lines[category] = reads.lines_from(category, pending)
            for stored in origin.later_lines[category]:
                headers_of(str(split_memo_id(stored.memo)[0]))
    return snapshot
