"""Metrics are published in CloudWatch's embedded metric format when a handler flushes them."""

import json

from courtlib import observability


def test_counted_metrics_are_flushed_as_emf(capsys, monkeypatch):
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    observability.metrics().clear_metrics()
    observability.count("EventosAplicados", 2)
    observability.flush()
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["EventosAplicados"] in (2.0, [2.0])  # a list once the name was used before
    assert line["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "TribunalBackOffice"


def test_flush_without_metrics_prints_nothing(capsys):
    observability.metrics().clear_metrics()
    observability.flush()
    assert capsys.readouterr().out == ""


def test_disabled_metrics_print_nothing_even_at_a_metrics_hundredth_value(capsys, monkeypatch):
    """Powertools prints a metric's 100th value at once, disabled or not: the local stack and the bench (whose
    figures are stdout) disable metrics, so nothing is counted there."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    observability.metrics().clear_metrics()
    for _ in range(150):
        observability.count("EventosAplicados")
    observability.flush()
    assert capsys.readouterr().out == ""
