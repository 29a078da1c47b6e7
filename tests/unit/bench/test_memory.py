"""The sizing section's peak memory is the job's own, not its parent's (Linux carries ru_maxrss across exec)."""

import subprocess
import sys

from bench.dynamodb_local import ROOT
from bench.memory import peak_rss_mb


def test_a_child_of_a_large_process_reads_its_own_peak():
    ballast = bytearray(128 * 1024 * 1024)
    for offset in range(0, len(ballast), 4096):  # touched, so resident
        ballast[offset] = 1
    child = subprocess.run([sys.executable, "-c", "from bench.memory import peak_rss_mb; print(peak_rss_mb())"],
                           cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    assert peak_rss_mb() > 128
    assert float(child.stdout) < 64  # a bare interpreter, whatever its parent held
    del ballast
