"""Signals as the kernel may deliver them to a multi-threaded service: to any one of its threads."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def start_as_from_a_terminal(command: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
    """``subprocess.Popen(command, **options)`` with Ctrl-C handled, as a shell in a terminal starts it.

    A shell that runs the tests in the background starts them with SIGINT ignored, which a child inherits
    (and Python then installs no handler for it); a handled signal is not inherited.
    """
    ignored = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(command, **options)
    finally:
        signal.signal(signal.SIGINT, ignored)


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
