"""The chaos suite runs only when asked (``make chaos``, ``CHAOS=1``): it is slow and `make test` must not run it."""

import os

import pytest


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CHAOS") == "1":
        return
    skip = pytest.mark.skip(reason="chaos suite: run with `make chaos` (CHAOS=1)")
    for item in items:
        if "/tests/chaos/" in str(item.fspath):
            item.add_marker(skip)
