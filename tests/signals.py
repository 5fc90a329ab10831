"""Signals as the kernel may deliver them to a multi-threaded service: to any one of its threads."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path


def _blocked(task: Path, signum: int) -> bool:
    for line in (task / "status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


def signal_worker_thread(pid: int, signum: int) -> int:
    """Send ``signum`` to one of ``pid``'s threads other than its main thread; that thread's id.

    A process-wide ``kill`` usually lands on the main thread, but not always: the kernel may pick any thread
    that doesn't block the signal. This picks one of those on purpose.
    """
    workers = [
        task
        for task in sorted(Path(f"/proc/{pid}/task").iterdir(), key=lambda task: int(task.name))
        if int(task.name) != pid and not _blocked(task, signum)
    ]
    assert workers, f"process {pid} has no thread besides its main one that takes signal {signum}"
    tid = int(workers[0].name)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.tgkill(pid, tid, signum) != 0:
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error))
    return tid
