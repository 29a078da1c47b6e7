"""The local beacon's options of `python -m devstack run` (issue 16): its port (`--port farol=` or `beacon=`) and its
period (`--farol-periodo`), and the stack process as the tests and `make demo` start it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from devstack.__main__ import _period, _service_port
from devstack.process import command


def test_the_beacons_port_is_named_farol_and_beacon_is_an_alias():
    assert _service_port("farol=8005") == ("farol", 8005)
    assert _service_port("beacon=0") == ("farol", 0)
    assert _service_port("distribuicao=0") == ("distribuicao", 0)


def test_the_period_is_a_whole_number_of_seconds_of_at_least_one():
    assert _period("3") == 3
    for bad in ("0", "-1", "1.5", "três"):
        with pytest.raises(argparse.ArgumentTypeError):
            _period(bad)


def test_the_stack_process_serves_the_beacon_on_a_free_port_at_the_period_asked():
    argv = command(Path("ready.json"), beacon_period_s=3)
    assert "farol=0" in argv and argv[argv.index("--farol-periodo") + 1] == "3"
    assert "--farol-periodo" not in command(Path("ready.json"))
