"""Streaming end-of-utterance detection: where a spoken question starts and where the speaker stopped.

A microphone delivers audio forever; Whisper wants one question at a time. The :class:`Endpointer` runs
Silero VAD (the ONNX model that ships inside faster-whisper, so nothing extra is installed or downloaded)
on every 32 ms window as the audio arrives and cuts an :class:`Utterance` when the speaker has been quiet
for ``end_silence_ms``, or when the utterance reaches Whisper's limit. Silero is recurrent: its LSTM state
and the last 64 samples of the previous window are carried from one window to the next, so the
probabilities are the same whatever size the chunks come in (a 30 ms callback block or a 1 s file read).

Cost on silence: one model run per 512-sample window, about 70 µs on one thread of this project's 2-core
x86-64 VM, so real-time audio (31 windows a second) takes about 0.2 % of a core; a chunk of many windows
runs as one batch and costs about half as much per window.
While nobody speaks, memory holds only the pre-roll (``pre_roll_ms`` of audio) and the model state; it
does not grow however long the silence lasts.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import numpy.typing as npt

from edge_runtime.speech.audio import SAMPLE_RATE, Audio, mono_audio
from edge_runtime.speech.silero import silero_session

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

#: Silero's window at 16 kHz: the model is trained on exactly this many new samples per step.
WINDOW: Final[int] = 512
#: Samples of the previous window the model sees before each new one (Silero v5 and later).
_CONTEXT: Final[int] = 64
_STATE_SHAPE: Final[tuple[int, int, int]] = (1, 1, 128)
#: Audio kept after the last speech window: Silero's probability falls during a word's last
#: consonant ("groceries"), and Whisper drops a word whose end is cut off.
_TAIL_MS: Final[int] = 200

#: Why an utterance ended: the speaker paused, it reached ``max_utterance_s``, or the audio ran out.
EndReason = Literal["silence", "max_length", "end_of_input"]

_EMPTY: Final[npt.NDArray[np.float32]] = np.zeros(0, dtype=np.float32)


@dataclass(frozen=True, eq=False)
class Utterance:
    """One stretch of speech, from a little before it started to just after it ended.

    Attributes:
        samples: mono float32 samples at :data:`SAMPLE_RATE`, read-only.
        ended_by: ``"silence"`` when the speaker paused, ``"max_length"`` when it was cut at the
            endpointer's ``max_utterance_s`` (the speaker was still talking), ``"end_of_input"`` when
            :meth:`Endpointer.flush` ended it.
        start_s: where the samples start, in seconds since the endpointer's first sample.
    """

    samples: npt.NDArray[np.float32]
    ended_by: EndReason
    start_s: float

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def audio(self) -> Audio:
        """The utterance as an :class:`Audio`, ready for the transcriber."""
        return mono_audio(self.samples)


class _Silero:
    """Silero VAD over consecutive windows, its recurrent state carried between calls.

    The session is faster-whisper's model (``speech.silero``), driven directly: faster-whisper's own
    ``SileroVADModel.__call__`` starts from a zero state on every call.
    """

    def __init__(self) -> None:
        self._session = silero_session()
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(_CONTEXT, dtype=np.float32)

    def __call__(self, windows: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Speech probabilities of ``windows`` (n x 512), the windows that follow the previous call's."""
        previous = np.vstack([self._context[None, :], windows[:-1, -_CONTEXT:]])
        batch = np.concatenate([previous, windows], axis=1)
        probabilities, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = windows[-1, -_CONTEXT:].copy()
        return np.asarray(probabilities, dtype=np.float32).reshape(-1)


def _check(value: float, name: str, unit: str, minimum: float) -> None:
    if not (math.isfinite(value) and value >= minimum):
        raise ValueError(f"{name} must be a number of {unit} of at least {minimum:g}, not {value!r}")


class Endpointer:
    """Cuts a stream of 16 kHz mono audio into utterances.

    Feed it chunks of any size with :meth:`feed`; it returns each utterance as soon as its end is
    known. Silence and noise alone never produce one. Not thread-safe: one stream, one endpointer.

    Args:
        threshold: the speech probability at which speech starts. Once started, speech goes on while the
            probability stays above ``threshold - 0.15`` (Silero's own hysteresis), so a soft syllable
            does not end it.
        min_speech_ms: speech shorter than this (a cough, a click, a door) is dropped.
        end_silence_ms: the pause that ends an utterance.
        max_utterance_s: an utterance is cut here even while the speaker goes on; Whisper reads 30 s.
        pre_roll_ms: audio kept from before speech was detected, so the first syllable (whose start the
            model notices late) is not cut off.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        min_speech_ms: float = 250,
        end_silence_ms: float = 600,
        max_utterance_s: float = 30.0,
        pre_roll_ms: float = 300,
    ) -> None:
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be a probability between 0 and 1, not {threshold!r}")
        _check(min_speech_ms, "min_speech_ms", "milliseconds", 0)
        # One window is the finest step the model takes; a shorter pause could never be measured.
        _check(end_silence_ms, "end_silence_ms", "milliseconds", WINDOW * 1000 / SAMPLE_RATE)
        _check(pre_roll_ms, "pre_roll_ms", "milliseconds", 0)
        _check(max_utterance_s, "max_utterance_s", "seconds", 1.0)
        if (pre_roll_ms + min_speech_ms) / 1000 >= max_utterance_s:
            raise ValueError("max_utterance_s must be longer than pre_roll_ms and min_speech_ms together")
        self.threshold = threshold
        self.min_speech_ms = min_speech_ms
        self.end_silence_ms = end_silence_ms
        self.max_utterance_s = max_utterance_s
        self.pre_roll_ms = pre_roll_ms
        self._neg_threshold = max(threshold - 0.15, 0.01)
        self._min_speech = round(min_speech_ms * SAMPLE_RATE / 1000)
        self._end_silence = round(end_silence_ms * SAMPLE_RATE / 1000)
        self._max_samples = int(max_utterance_s * SAMPLE_RATE)
        self._pre_roll = round(pre_roll_ms * SAMPLE_RATE / 1000)
        self._tail = min(round(_TAIL_MS * SAMPLE_RATE / 1000), self._end_silence)
        self._vad = _Silero()
        self.reset()

    def reset(self) -> None:
        """Forget everything heard so far: the partial utterance, the pre-roll and the model's state.

        Call it after a gap in the audio (the microphone was paused while the assistant spoke).
        """
        self._vad.reset()
        self._partial = np.zeros(0, dtype=np.float32)  # samples short of a whole window
        # The last windows before speech, enough to cover the pre-roll; a deque, so silence costs no memory.
        self._history: deque[npt.NDArray[np.float32]] = deque(maxlen=math.ceil(self._pre_roll / WINDOW))
        self._position = 0  # samples consumed since the start, in whole windows
        self._speech: list[npt.NDArray[np.float32]] | None = None  # the utterance's pieces while speech goes on
        self._length = 0  # samples in those pieces
        self._speech_start = 0  # stream position of the utterance's first sample
        self._voice_start = 0  # stream position where the model first heard speech
        self._voice_end = 0  # stream position just after the last speech window

    @property
    def in_progress_s(self) -> float:
        """Seconds of the utterance in progress, once it holds enough speech to come out; 0 otherwise."""
        return self._length / SAMPLE_RATE if self._kept() else 0.0

    @property
    def speaking(self) -> bool:
        """True while an utterance is in progress and its latest window was speech: no pause has begun."""
        return self._speech is not None and self._voice_end == self._position

    def in_progress(self) -> npt.NDArray[np.float32] | None:
        """The samples of the utterance in progress so far (a copy), once it is sure to come out; else ``None``.

        What a partial transcript is made of while the speaker goes on.
        """
        return np.concatenate(self._speech) if self._speech is not None and self._kept() else None

    def feed(self, chunk: npt.ArrayLike) -> list[Utterance]:
        """Take the next samples (1-D, 16 kHz, float in [-1, 1]); return the utterances they completed."""
        samples = np.asarray(chunk, dtype=np.float32)
        if samples.ndim != 1:
            raise ValueError(f"the endpointer takes mono audio as a 1-D array, not an array of shape {samples.shape}")
        if self._partial.size:
            samples = np.concatenate([self._partial, samples])
        whole = len(samples) // WINDOW * WINDOW
        self._partial = samples[whole:].copy()
        if whole == 0:
            return []
        # One model run for all the chunk's windows: a batch costs about half as much per window.
        windows = samples[:whole].reshape(-1, WINDOW)
        probabilities = self._vad(windows)
        done: list[Utterance] = []
        for window, probability in zip(windows, probabilities, strict=True):
            utterance = self._step(window.copy(), float(probability))
            if utterance is not None:
                done.append(utterance)
        return done

    def flush(self) -> Utterance | None:
        """End of the audio: the utterance in progress, if it holds enough speech, and a fresh start."""
        utterance = None
        if self._speech is not None and self._kept():
            # The audio stops here: keep everything heard, the samples short of a window included.
            self._speech.append(self._partial)
            length = min(self._length + len(self._partial), self._max_samples)
            utterance = self._utterance(self._speech, "end_of_input", length)
        self.reset()
        return utterance

    def _kept(self) -> bool:
        # Enough speech that the utterance comes out however it ends: the pause, the limit, or flush().
        return self._speech is not None and self._voice_end - self._voice_start >= self._min_speech

    def _step(self, window: npt.NDArray[np.float32], probability: float) -> Utterance | None:
        start = self._position
        self._position += WINDOW
        if self._speech is None:
            if probability >= self.threshold:
                self._begin(window, start)
            else:
                self._history.append(window)
            return None
        if self._length + WINDOW > self._max_samples:
            utterance = self._utterance(self._speech, "max_length", self._length)
            self._speech = None
            # The speaker goes on: the next window may start the next utterance at once, with no pre-roll,
            # since the audio before it is already in this one.
            if probability >= self.threshold:
                self._begin(window, start)
            return utterance
        self._speech.append(window)
        self._length += WINDOW
        if probability >= self._neg_threshold:
            self._voice_end = self._position
            return None
        if self._position - self._voice_end < self._end_silence:
            return None
        speech, self._speech = self._speech, None
        if self._voice_end - self._voice_start < self._min_speech:
            heard_ms = (self._voice_end - self._voice_start) * 1000 / SAMPLE_RATE
            logger.debug("dropped %.0f ms of speech: shorter than min_speech_ms", heard_ms)
            return None
        return self._utterance(speech, "silence", self._voice_end + self._tail - self._speech_start)

    def _begin(self, window: npt.NDArray[np.float32], start: int) -> None:
        before = np.concatenate(self._history)[-self._pre_roll :] if self._history and self._pre_roll else _EMPTY
        self._history.clear()
        self._speech = [before, window]
        self._length = len(before) + WINDOW
        self._speech_start = start - len(before)
        self._voice_start = start
        self._voice_end = start + WINDOW

    def _utterance(self, pieces: Sequence[npt.NDArray[np.float32]], ended_by: EndReason, length: int) -> Utterance:
        samples = np.concatenate(pieces)[:length]
        samples.setflags(write=False)
        return Utterance(samples=samples, ended_by=ended_by, start_s=self._speech_start / SAMPLE_RATE)
