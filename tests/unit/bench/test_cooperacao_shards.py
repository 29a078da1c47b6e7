"""The bench writes month totals into the shards the close reads (COOP-11): its own copy of the shard count."""

from chalicelib.cooperacao.shards import MONTH_SHARDS

from bench import cooperacao


def test_coop_11_the_bench_writes_month_totals_in_the_adapter_s_shards():
    assert cooperacao.MONTH_SHARDS == MONTH_SHARDS
