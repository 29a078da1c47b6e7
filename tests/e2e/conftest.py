"""End-to-end tests drive the local stack exactly as `make run` starts it: a separate process on localhost.

It runs on ephemeral ports (so a `make run` already up does not disturb it), with a short queue
visibility timeout so retries and dead-lettering happen within seconds, and stops by itself.
"""

from __future__ import annotations

import pytest

from tests.local_stack import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("stack"), parameters={"QueueVisibilityTimeout": "1"}) as ready:
        yield ready
