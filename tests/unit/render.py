"""Renders a PDF's pages to PNG with pdftoppm (poppler-utils), for the document tests.

pdftoppm is a system tool, not a Python package: when it is missing the rendering tests are skipped with
the reason (CI installs poppler-utils, see .ci/run); nothing is installed from a test.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PDFTOPPM = shutil.which("pdftoppm")
needs_pdftoppm = pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) ausente: apt-get install -y "
                                                              "poppler-utils; .ci/run o instala")


def render_png(pdf: bytes, directory: Path, name: str, dpi: int = 80) -> list[Path]:
    """Every page of ``pdf`` as ``<name>-<n>.png`` in ``directory``; fails if poppler cannot read it."""
    assert PDFTOPPM is not None
    source = directory / f"{name}.pdf"
    source.write_bytes(pdf)
    result = subprocess.run([PDFTOPPM, "-png", "-r", str(dpi), str(source), str(directory / name)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    pages = sorted(directory.glob(f"{name}-*.png"))
    assert pages and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pages)
    return pages
