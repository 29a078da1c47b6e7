"""Issue 15's draw batching on the real adapter (moto): queued distributions whose round is out are drawn in ONE
TransactWriteItems — every case row, record and queue item, the head once — and the log is the one the verifier
checks (DIST-11), the counters those of one draw at a time (DIST-02)."""

from __future__ import annotations

from chalicelib.distribuicao import acts
from chalicelib.distribuicao.commands import KIND_DISTRIBUTION, DistributionCommand, distribution_to_json
from chalicelib.distribuicao.domain.equality import class_spread
from chalicelib.distribuicao.domain.log import verify_chain
from chalicelib.distribuicao.ports import PendingAct

from courtlib.audit import acting_as
from tests.integration import test_distribuicao_concurrency as concurrency
from tests.integration.test_distribuicao_concurrency import CLASSES, ELIGIBLE, SERVANT, case, clients

# the concurrency tests' table and service fixtures (a fresh table without a stream, one órgão PLENO)
table_name = concurrency.table_name
service = concurrency.service


def _queue_without_resolving(svc, seqs: range) -> list[PendingAct]:
    """The first moment only, as requests that have not yet resolved would leave the órgão."""
    queued = []
    for seq in seqs:
        stored = svc.get_orgao("PLENO")
        command = DistributionCommand("PLENO", case(seq, CLASSES[seq % len(CLASSES)]))
        now = svc.now()
        act = PendingAct("PLENO", stored.queued + 1, command.case.number, KIND_DISTRIBUTION,
                         svc.draws.rounds.chain_hash, svc.draws.rounds.first_round_after(now), now,
                         {**distribution_to_json(command), "agente": acts.agent()})
        svc.repository.register(stored, act, act=acts.registered(act))
        queued.append(act)
    return queued


def test_dist_11_queued_distributions_are_drawn_in_one_transaction_on_dynamodb(service):
    operations: list[str] = []

    def count(model, **_):
        operations.append(model.name)

    with acting_as(SERVANT):
        assert service.draws.distribute(DistributionCommand("PLENO", case(4000, "RE"))).created
        queued = _queue_without_resolving(service, range(4001, 4007))
        hooked = {id(c): c for c in clients(service)}.values()
        for client in hooked:
            client.meta.events.register("before-call.dynamodb.*", count)
        try:
            resolved = service.draws.resolve_pending("PLENO", wait_s=10)  # its round is a few seconds ahead
        finally:
            for client in hooked:
                client.meta.events.unregister("before-call.dynamodb.*", count)
    assert sorted(resolved.drawn) == [a.order for a in queued] and not resolved.refused
    assert operations.count("TransactWriteItems") == 1, operations
    records = [record for record, _ in service.repository.records("PLENO")]
    assert [r.seq for r in records] == list(range(1, 8)) and verify_chain(records) == []
    assert [r.case_number for r in records[1:]] == [str(a.number) for a in queued]
    stored = service.repository.load_orgao("PLENO")
    assert stored.queue == () and stored.state.head.seq == 7
    for act in queued:
        assert service.repository.pending_act(act.number) is None
        row = service.repository.get_case(act.number)
        assert row is not None and row.current_seq == resolved.drawn[act.order].record.seq
    counters = stored.state.counters
    assert sum(counters.total(seat) for seat in ELIGIBLE) == 7, "no count lost"
    for classe in CLASSES:
        assert class_spread(counters, ELIGIBLE, classe) <= 1, classe

