"""The daemon's C heap settings: an operator's own arena setting wins, and trims after a burst of turns coalesce.

The cap itself is set in a child interpreter, so this test process keeps glibc's defaults.
benchmarks/daemon_memory.py measures what both do to the daemon's RSS.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import threading

import pytest

from edge_runtime.heap import HeapTrimmer, limit_arenas

GLIBC = platform.libc_ver()[0] == "glibc"


@pytest.mark.parametrize(
    "environ",
    [
        {"MALLOC_ARENA_MAX": "4"},
        {"GLIBC_TUNABLES": "glibc.malloc.arena_max=4"},
        {"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=8"},
    ],
)
def test_when_the_environment_sets_the_arena_count_then_the_daemon_leaves_it(environ: dict[str, str]) -> None:
    assert limit_arenas(2, environ) is False


@pytest.mark.skipif(not GLIBC, reason="the arena cap is glibc's")
@pytest.mark.parametrize(
    "environ",
    [{}, {"MALLOC_ARENA_MAX": ""}, {"GLIBC_TUNABLES": "glibc.malloc.tcache_count=0"}],
)
def test_when_the_environment_leaves_the_arena_count_then_the_daemon_caps_it(environ: dict[str, str]) -> None:
    code = f"from edge_runtime.heap import limit_arenas; print(limit_arenas(2, {environ!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "True"


def test_when_the_arena_count_is_below_one_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1, not 0"):
        limit_arenas(0, {})


class Releases:
    """A scripted ``release``: records the thread of each call, and blocks the first until told to go on."""

    def __init__(self, failures: int = 0) -> None:
        self.threads: list[str] = []
        self.go_on = threading.Event()
        self._failures = failures
        self._changed = threading.Condition()

    def __call__(self) -> None:
        with self._changed:
            self.threads.append(threading.current_thread().name)
            self._changed.notify_all()
        if len(self.threads) == 1:
            self.go_on.wait(10)
        if len(self.threads) <= self._failures:
            raise OSError("malloc_trim failed")

    def wait_for(self, calls: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self.threads) >= calls, timeout=10)


def test_when_turns_end_while_a_trim_runs_then_one_more_trim_follows_them_all() -> None:
    releases = Releases()
    trimmer = HeapTrimmer(releases)
    try:
        trimmer.request()
        assert releases.wait_for(1)
        for _ in range(3):
            trimmer.request()
        releases.go_on.set()
        assert releases.wait_for(2)
    finally:
        trimmer.close()
    assert releases.threads == ["edge-heap-trim", "edge-heap-trim"]


def test_when_a_trim_fails_then_the_next_turn_trims_again() -> None:
    releases = Releases(failures=1)
    releases.go_on.set()
    trimmer = HeapTrimmer(releases)
    try:
        trimmer.request()
        assert releases.wait_for(1)
        trimmer.request()
        assert releases.wait_for(2)
    finally:
        trimmer.close()


def test_when_no_turn_ever_ends_then_no_trim_thread_is_started() -> None:
    before = {thread.name for thread in threading.enumerate()}
    trimmer = HeapTrimmer(Releases())
    assert "edge-heap-trim" not in {thread.name for thread in threading.enumerate()} - before
    trimmer.close()
    trimmer.request()  # after close: ignored
    assert "edge-heap-trim" not in {thread.name for thread in threading.enumerate()} - before
