"""The fuzzer's own local stack (it writes arbitrary valid data, kept away from the end-to-end scenarios).

``FUZZ_STACK=<ready file>`` points the fuzzer at a stack already running (one started with
``python -m devstack run --ready-file …``) instead of starting one.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.local_stack import running_stack


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory):
    given = os.environ.get("FUZZ_STACK")
    if given:
        yield json.loads(Path(given).read_text())
        return
    with running_stack(tmp_path_factory.mktemp("fuzz-stack")) as ready:
        yield ready
