"""A WAV file heard as if through a microphone: the same blocks, at the same pace, down the same path.

``edge-assistant listen --input FILE.wav`` uses it to test hands-free listening on a machine without a
microphone, and the demo uses it for its spoken turn. The file is cut into the microphone's block size and
each block is handed over no sooner than a microphone would deliver it (``rate`` times real time), so the
endpointer and everything after it see what they would see live, including the catching up after a slow
answer. While paused (the assistant speaking) the file stops like a tape, so none of it is lost.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Final

import numpy as np
import numpy.typing as npt

from edge_runtime.speech.audio import SAMPLE_RATE, read_wav

#: The longest file replayed: ten minutes of 16 kHz float32 is 38 MB in memory.
MAX_REPLAY_S: Final[float] = 600.0


class WavReplay:
    """The blocks of a WAV file (any rate and channels, made 16 kHz mono) at ``rate`` times real time.

    Args:
        path: the WAV file; it is read (and refused with an ``AudioError``) when the replay is made.
        rate: 1.0 is real time, 10.0 ten times faster; blocks never come faster than this.
        block_ms: the block length, the microphone's.
        clock, sleep: the time source, for tests.
    """

    def __init__(
        self,
        path: Path,
        rate: float = 1.0,
        block_ms: float = 30,
        *,
        max_seconds: float = MAX_REPLAY_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"the replay rate must be a positive number (1 is real time), not {rate!r}")
        if not (math.isfinite(block_ms) and block_ms >= 1):
            raise ValueError(f"block_ms must be at least 1 millisecond, not {block_ms!r}")
        self.path = path
        self.rate = rate
        self.samples: npt.NDArray[np.float32] = read_wav(path, max_seconds).samples
        self.block_size = max(1, round(SAMPLE_RATE * block_ms / 1000))
        self._clock = clock
        self._sleep = sleep
        self._started: float | None = None

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def __enter__(self) -> WavReplay:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        return None

    def blocks(self) -> Iterator[npt.NDArray[np.float32]]:
        """The file's blocks in order, each when a microphone would have finished recording it; then the end."""
        self._started = self._clock()
        for start in range(0, len(self.samples), self.block_size):
            block = self.samples[start : start + self.block_size]
            due = self._started + (start + len(block)) / SAMPLE_RATE / self.rate
            wait = due - self._clock()
            if wait > 0:
                self._sleep(wait)
            yield block

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the file inside the block; it goes on from the same place afterwards."""
        paused_at = self._clock()
        try:
            yield
        finally:
            if self._started is not None:
                self._started += self._clock() - paused_at
