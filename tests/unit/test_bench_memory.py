"""The benchmarks' peak RSS: a worker's own, not the parent's that started it."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

PROBE = (
    "import json, resource; from benchmarks.common import own_peak_rss_mib; "
    "print(json.dumps([own_peak_rss_mib(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux keeps ru_maxrss across exec")
def test_when_a_big_parent_starts_a_worker_then_the_worker_reports_its_own_peak() -> None:
    held = np.ones(400 * 2**20, dtype=np.uint8)  # 400 MiB, every page touched
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    own, inherited = json.loads(done.stdout)
    assert held.sum() == held.size
    assert inherited >= 400  # what getrusage says: the parent's peak
    assert own < 200  # a bare interpreter with numpy
