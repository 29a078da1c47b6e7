"""Without a Chromium the browser tests fail (they are part of `make test`), saying how to install it."""

from __future__ import annotations

import os

from tests.browser import conftest


def test_no_chromium_is_found_when_none_is_installed(monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    assert conftest.chromium_executable() is None
    assert "apt-get install -y chromium" in conftest.INSTALL_HINT


def test_chromium_env_variable_wins(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))
    assert conftest.chromium_executable() == str(fake)
