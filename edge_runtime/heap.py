"""The assistant's C heap: glibc's malloc kept from holding on to what each turn's models freed.

Whisper (CTranslate2), the router and the specialists (onnxruntime) allocate their working buffers with
malloc on whatever thread runs them, and the daemon has many: a gRPC worker per call slot and more, a
partial-transcript worker per slot, a thread per Converse answer, CTranslate2's and onnxruntime's own.
glibc gives threads up to 8 arenas per core (16 on two cores), and memory freed into an arena mostly
stays there, so each arena ends up holding a turn's worth of buffers (15 to 20 MiB) that nobody uses.
benchmarks/daemon_memory.py (10 questions a phase, 2-core x86-64 VM) measured the RSS at 482 MiB once
loaded, then 590 after typed questions, 659 after spoken ones, 757 after Converse streams and 842 after
partial transcripts and endpointing; a second round took it to 906, and the peak to 973. The growth was
all in malloc's arenas.

Two things stop it. :func:`limit_arenas` caps the arenas at two before the daemon starts a thread, so
threads reuse each other's free memory (about 630 MiB after the same calls). :class:`HeapTrimmer` then
calls glibc's ``malloc_trim`` after each turn, which hands the free pages of every arena back to the
system: 542 MiB after every round, however many. A trim takes 2 to 13 ms, so it runs on a thread of its
own, never on a reply's path. Making big allocations always use ``mmap`` (``MALLOC_MMAP_THRESHOLD_``)
kept the heap small too, but made each transcription about 30 % slower, so it is not used.

What remains above the loaded RSS is what the models keep after their first use (about 60 MiB:
onnxruntime-genai's guidance, the voice detector, library code) and, for half a second per recognition,
Whisper's encoder: its self-attention over a 30 s window is 6 x 1500 x 1500 floats (54 MiB) a layer,
about 100 MiB over the settled RSS at the peak. Noisy audio whose decoding falls back to sampling stays
under it: one candidate at a time, not faster-whisper's five, whose decoders took 130 (``speech.transcriber``).

A single-threaded process (``ask``, ``chat``) has one arena, and still keeps a turn's buffers in it: over
120 typed questions through the whole pipeline, trimming after each turn took the RSS from 480 MiB to 431.

Elsewhere than glibc (macOS, musl) these are no-ops.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Final

logger = logging.getLogger(__name__)

#: glibc's own settings of the arena count; an operator who sets either keeps it.
ARENA_ENV: Final[str] = "MALLOC_ARENA_MAX"
TUNABLES_ENV: Final[str] = "GLIBC_TUNABLES"
#: One per core of the 2-core devices the daemon is sized for; one arena alone measured no smaller.
DEFAULT_ARENAS: Final[int] = 2
#: mallopt's parameter number for the arena cap, from glibc's malloc.h.
_M_ARENA_MAX: Final[int] = -8


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has ``mallopt`` and ``malloc_trim``), else ``None``."""
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def limit_arenas(arenas: int = DEFAULT_ARENAS, environ: Mapping[str, str] | None = None) -> bool:
    """Cap glibc's malloc arenas at ``arenas``, unless the environment already sets the cap; True when capped.

    glibc fixes the cap when the ninth arena is made, so this must run before the daemon starts its threads.
    """
    if arenas < 1:
        raise ValueError(f"arenas must be at least 1, not {arenas}")
    env = os.environ if environ is None else environ
    if env.get(ARENA_ENV) or "glibc.malloc.arena_max" in env.get(TUNABLES_ENV, ""):
        logger.debug("malloc arenas left as the environment sets them")
        return False
    libc = _glibc()
    if libc is None or libc.mallopt(_M_ARENA_MAX, arenas) != 1:
        return False
    logger.debug("malloc arenas capped at %d", arenas)
    return True


def release_free_memory() -> bool:
    """Hand the pages that malloc holds free back to the system (glibc's ``malloc_trim(0)``); True if any went."""
    libc = _glibc()
    if libc is None:
        return False
    started = time.perf_counter()
    released = bool(libc.malloc_trim(0))
    logger.debug("malloc_trim in %.1f ms", (time.perf_counter() - started) * 1000)
    return released


class HeapTrimmer:
    """Runs :func:`release_free_memory` on its own thread whenever asked; requests made while it runs make one more.

    The thread starts with the first request, so a process that never finishes a turn never has it.
    ``release`` is what it runs (tests pass their own).
    """

    def __init__(self, release: Callable[[], object] = release_free_memory) -> None:
        self._release = release
        self._due = threading.Event()
        self._closed = False
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self) -> None:
        """A turn has ended: give its freed memory back soon, off the caller's thread."""
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="edge-heap-trim", daemon=True)
                self._thread.start()
        self._due.set()

    def close(self) -> None:
        """Stop the thread, after the trim under way if there is one."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._due.set()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            self._due.wait()
            self._due.clear()
            if self._closed:
                return
            try:
                self._release()
            except Exception:
                # Memory not given back is no reason to stop serving; the next turn tries again.
                logger.warning("could not give free memory back to the system", exc_info=True)
