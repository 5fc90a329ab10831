"""A Converse stream's audio cut into utterances: by the client's EndOfUtterance, or by the daemon itself.

The session feeds each AudioChunk to one of the two classes here and gets back the utterances that the
chunk completed, each as the audio to transcribe or the reason it can't be used; an EndOfUtterance (or
the end of the stream) is :meth:`end`. Both also show the utterance in progress, for partial transcripts.

- :class:`ClientEndpointing` (the default): an utterance is the audio between two EndOfUtterance
  messages, resampled as one recording when it ends, and refused once it is longer than the limit. With
  partial transcripts it also runs the voice detector, only to know when the speaker pauses.
- :class:`ServerEndpointing` (``Config.endpointing``): the :class:`~edge_runtime.speech.endpoint.Endpointer`
  that ``edge-assistant listen`` uses finds where each utterance ends, so silence makes no utterance and
  speech past the limit is cut there and goes on as the next one. Its Silero VAD wants 16 kHz as the
  audio comes, so other rates go through a :class:`~edge_runtime.speech.audio.StreamResampler`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from edge_runtime.speech.audio import SAMPLE_RATE, Audio, AudioError, StreamResampler, mono_audio, pcm16_audio
from edge_runtime.speech.endpoint import Endpointer

#: One complete utterance: its audio, ready for the transcriber, or why it can't be used.
Heard = Audio | AudioError
#: The utterance in progress so far, made into audio only when called (off the gRPC thread).
Clip = Callable[[], Audio]


class Utterances(Protocol):
    """Where a stream's utterances start and end."""

    @property
    def open(self) -> bool:
        """True while audio is held that :meth:`end` would make into an utterance (or an error)."""
        ...

    @property
    def in_progress_s(self) -> float:
        """Seconds of the utterance in progress worth a partial transcript; 0 when there is none."""
        ...

    @property
    def speaking(self) -> bool:
        """False when the speaker has paused, so the utterance may end any moment: no time for a partial."""
        ...

    def feed(self, pcm16: bytes) -> list[Heard]:
        """Take an AudioChunk's bytes; return the utterances they completed, in order."""
        ...

    def end(self) -> list[Heard]:
        """EndOfUtterance, or the end of the stream: the utterance in progress ends here."""
        ...

    def so_far(self) -> Clip | None:
        """The utterance in progress so far, for a partial transcript; ``None`` when there is nothing to hear."""
        ...


class ClientEndpointing:
    """Each utterance is the audio between the client's EndOfUtterance messages.

    With ``hear_pauses`` the voice detector listens along, so that :attr:`speaking` is False once the
    speaker pauses: an EndOfUtterance is likely soon, and its final transcript should not wait behind a
    partial one. Without it, :attr:`speaking` is always True.
    """

    def __init__(self, sample_rate: int, max_utterance_s: float, *, hear_pauses: bool = False) -> None:
        self._rate = sample_rate
        self._max_s = max_utterance_s
        self._limit_bytes = int(max_utterance_s * sample_rate) * 2
        self._audio = bytearray()
        self._open = False
        self._too_long = False
        self._voice = ServerEndpointing(sample_rate, max_utterance_s) if hear_pauses else None

    @property
    def open(self) -> bool:
        return self._open

    @property
    def in_progress_s(self) -> float:
        return len(self._audio) / 2 / self._rate

    @property
    def speaking(self) -> bool:
        return self._voice is None or self._voice.speaking

    def feed(self, pcm16: bytes) -> list[Heard]:
        self._open = True
        if self._voice is not None:
            self._voice.feed(pcm16)  # where it would cut utterances does not matter here, only pauses
        if self._too_long:
            return []
        self._audio += pcm16
        if len(self._audio) <= self._limit_bytes:
            return []
        # Said at once and the rest dropped: holding more than the limit would only cost memory.
        self._too_long = True
        self._audio = bytearray()
        return [AudioError(f"the audio is longer than the limit of {self._max_s:g} s")]

    def end(self) -> list[Heard]:
        if self._voice is not None:
            self._voice.end()
        data, too_long = bytes(self._audio), self._too_long
        self._audio, self._open, self._too_long = bytearray(), False, False
        if too_long:
            return []  # its error went out when it passed the limit
        try:
            return [pcm16_audio(data, self._rate, self._max_s)]
        except AudioError as error:
            return [error]

    def so_far(self) -> Clip | None:
        if not self._audio:
            return None
        data = bytes(self._audio[: len(self._audio) // 2 * 2])
        return lambda: pcm16_audio(data, self._rate, self._max_s)


class ServerEndpointing:
    """Utterances found in the stream by the endpointer, as hands-free listening finds them in a microphone's."""

    def __init__(self, sample_rate: int, max_utterance_s: float) -> None:
        self._endpointer = Endpointer(max_utterance_s=max_utterance_s)
        self._resampler = None if sample_rate == SAMPLE_RATE else StreamResampler(sample_rate, SAMPLE_RATE)
        self._odd = b""  # the first byte of a sample whose second byte comes in the next chunk
        self._bytes = 0  # bytes received since the last end(), for the error on a stray byte

    @property
    def open(self) -> bool:
        return self._endpointer.in_progress_s > 0 or bool(self._odd)

    @property
    def in_progress_s(self) -> float:
        return self._endpointer.in_progress_s

    @property
    def speaking(self) -> bool:
        return self._endpointer.speaking

    def feed(self, pcm16: bytes) -> list[Heard]:
        self._bytes += len(pcm16)
        data = self._odd + pcm16
        whole = len(data) // 2 * 2
        self._odd = data[whole:]
        samples = np.frombuffer(data, dtype="<i2", count=whole // 2).astype(np.float32) * np.float32(1 / 32768)
        if self._resampler is not None:
            samples = self._resampler(samples)
        return [utterance.audio() for utterance in self._endpointer.feed(samples)]

    def end(self) -> list[Heard]:
        last = self._endpointer.flush()
        heard: list[Heard] = [] if last is None else [last.audio()]
        if self._odd:
            heard.append(AudioError(f"raw 16-bit audio must have an even number of bytes, not {self._bytes}"))
        self._odd, self._bytes = b"", 0
        return heard

    def so_far(self) -> Clip | None:
        samples = self._endpointer.in_progress()
        if samples is None:
            return None
        return lambda: mono_audio(samples)
