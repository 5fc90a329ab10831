"""Partial transcripts of a Converse stream's utterance in progress: Whisper on the audio so far.

A partial costs a whole recognition of the audio heard so far (Whisper has no incremental mode), so it is
bounded three ways. It runs on the service's executor, never on the gRPC thread that reads the stream;
each stream has at most one in flight, and one that falls due while the last still runs is skipped, not
queued; and it starts only while the speaker is talking (the voice detector says so), since a pause may
end the utterance, and its final recognition should not have to wait behind a partial one for Whisper.

The stream's thread polls :meth:`PartialTranscripts.take` whenever a message comes in; a microphone sends
one every 100 ms or so while the user speaks, which is when partials matter.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor, Future
from typing import Protocol

from edge_runtime.rpc.utterances import Clip, Utterances
from edge_runtime.speech import Audio, Transcript

logger = logging.getLogger(__name__)


class Recogniser(Protocol):
    def transcribe(self, audio: Audio) -> Transcript: ...


class PartialTranscripts:
    """One stream's partial transcripts: one every ``interval_s`` of an utterance's audio, at most one at a time."""

    def __init__(self, transcriber: Recogniser, executor: Executor, interval_s: float) -> None:
        if not interval_s > 0:
            raise ValueError(f"interval_s must be a positive number of seconds, not {interval_s!r}")
        self._transcriber = transcriber
        self._executor = executor
        self._interval_s = interval_s
        self._running: Future[Transcript] | None = None
        self._due_s = interval_s  # the utterance's length at which the next partial is due
        self._last = ""

    def offer(self, utterances: Utterances) -> None:
        """Start recognising the utterance in progress if a partial is due and none is running."""
        heard_s = utterances.in_progress_s
        if heard_s < self._due_s or not utterances.speaking:
            return  # a partial due during a pause starts when the speaker goes on
        self._due_s = heard_s + self._interval_s
        if self._running is not None:
            logger.debug("skipped a partial transcript at %.1f s: the last one is still running", heard_s)
            return
        clip = utterances.so_far()
        if clip is not None:
            self._running = self._executor.submit(self._recognise, clip)

    def take(self) -> str | None:
        """The words of a partial recognition that has finished since the last call, when they are new ones."""
        if self._running is None or not self._running.done():
            return None
        finished, self._running = self._running, None
        try:
            text = finished.result().text
        except Exception:
            # A partial is a courtesy: the final transcript will come (or fail) on its own.
            logger.warning("a partial transcript failed", exc_info=True)
            return None
        if not text or text == self._last:
            return None
        self._last = text
        return text

    def reset(self) -> None:
        """The utterance has ended: forget its partials; one still running finishes unread."""
        if self._running is not None:
            self._running.cancel()
        self._running = None
        self._due_s = self._interval_s
        self._last = ""

    def _recognise(self, clip: Clip) -> Transcript:
        return self._transcriber.transcribe(clip())
