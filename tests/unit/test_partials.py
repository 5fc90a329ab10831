"""Partial transcripts' bounds: when one starts, that at most one runs per stream, and what is sent of it.

The stream's utterance in progress and the recogniser are scripted; the executor is a real thread pool
where a test needs a recognition to be running while it looks, and runs inline where it does not.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from edge_runtime.rpc.partials import PartialTranscripts
from edge_runtime.rpc.utterances import Clip, Heard
from edge_runtime.speech import SAMPLE_RATE, Audio, Transcript

INTERVAL_S = 1.0


class Inline(Executor):
    """Runs each job at once on the caller's thread: the partial is done when ``offer`` returns."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


@dataclass
class InProgress:
    """An utterance being heard: how much of it, and whether the speaker is talking right now."""

    in_progress_s: float = 0.0
    speaking: bool = True
    open: bool = True

    def feed(self, pcm16: bytes) -> list[Heard]:
        return []

    def end(self) -> list[Heard]:
        return []

    def so_far(self) -> Clip | None:
        seconds = self.in_progress_s
        samples = np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)
        return lambda: Audio(samples, SAMPLE_RATE, 1, seconds, 0.0)


@dataclass
class Recogniser:
    """Hears "word" once per second of audio; holds each call until ``release`` is set, if ``hold``."""

    hold: bool = False
    fail: bool = False
    words: Callable[[float], str] = lambda seconds: " ".join(["word"] * int(seconds))
    release: threading.Event = field(default_factory=threading.Event)
    entered: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    heard_s: list[float] = field(default_factory=list)
    running: int = 0
    most_running: int = 0

    def transcribe(self, audio: Audio) -> Transcript:
        self.heard_s.append(audio.duration_s)
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        self.entered.release()
        try:
            if self.hold:
                assert self.release.wait(10), "the test never released the recognition"
            if self.fail:
                raise RuntimeError("the model failed")
            return Transcript(self.words(audio.duration_s), audio.duration_s, 0.01)
        finally:
            self.running -= 1


def _heard(partials: PartialTranscripts, utterance: InProgress, *seconds: float) -> list[str | None]:
    """The stream's loop for a chunk at each of ``seconds``: take what finished, then offer the rest."""
    taken: list[str | None] = []
    for second in seconds:
        utterance.in_progress_s = second
        taken.append(partials.take())
        partials.offer(utterance)
    return taken


def _wait_until_done(partials: PartialTranscripts) -> None:
    running = partials._running
    if running is not None:
        running.exception(timeout=10)


def test_when_an_interval_of_speech_has_come_then_one_partial_of_all_of_it_is_sent_once() -> None:
    recogniser = Recogniser()
    partials = PartialTranscripts(recogniser, Inline(), INTERVAL_S)
    taken = _heard(partials, InProgress(), 0.5, 0.9, 1.0, 1.1, 1.2, 1.9, 2.0, 2.1)
    assert recogniser.heard_s == [1.0, 2.0]
    assert taken == [None, None, None, "word", None, None, None, "word word"]


def test_when_a_partial_is_still_running_then_the_ones_that_fall_due_are_skipped_not_queued() -> None:
    recogniser = Recogniser(hold=True)
    with ThreadPoolExecutor(4) as executor:
        partials = PartialTranscripts(recogniser, executor, INTERVAL_S)
        utterance = InProgress()
        _heard(partials, utterance, 1.0)
        assert recogniser.entered.acquire(timeout=10)
        assert _heard(partials, utterance, 2.0, 3.0, 3.5) == [None, None, None]
        recogniser.release.set()
        _wait_until_done(partials)
        # The next one is due an interval after the last one skipped, at 4 s.
        assert _heard(partials, utterance, 3.9, 4.0) == ["word", None]
        _wait_until_done(partials)
        assert _heard(partials, utterance, 4.1) == ["word word word word"]
    assert recogniser.heard_s == [1.0, 4.0] and recogniser.most_running == 1


def test_when_the_speaker_pauses_then_a_partial_that_falls_due_waits_for_the_speech_to_go_on() -> None:
    recogniser = Recogniser()
    partials = PartialTranscripts(recogniser, Inline(), INTERVAL_S)
    utterance = InProgress(speaking=False)
    _heard(partials, utterance, 1.0, 1.5)
    assert recogniser.heard_s == []
    utterance.speaking = True
    _heard(partials, utterance, 1.6)
    assert recogniser.heard_s == [1.6]


@pytest.mark.parametrize(
    ("words", "sent"),
    [
        (lambda seconds: "how much" if seconds < 2 else "how much did I", ["how much", "how much did I"]),
        (lambda seconds: "how much", ["how much", None]),
        (lambda seconds: "", [None, None]),
    ],
    ids=["new-words", "same-words", "no-words"],
)
def test_when_a_partial_has_no_new_words_then_nothing_is_sent_for_it(
    words: Callable[[float], str], sent: list[str | None]
) -> None:
    partials = PartialTranscripts(Recogniser(words=words), Inline(), INTERVAL_S)
    taken = _heard(partials, InProgress(), 1.0, 1.1, 2.0, 2.1)
    assert [taken[1], taken[3]] == sent


def test_when_the_utterance_ends_while_its_partial_runs_then_that_partial_is_never_sent() -> None:
    recogniser = Recogniser(hold=True)
    with ThreadPoolExecutor(1) as executor:
        partials = PartialTranscripts(recogniser, executor, INTERVAL_S)
        _heard(partials, InProgress(), 1.0)
        assert recogniser.entered.acquire(timeout=10)
        running = partials._running
        partials.reset()
        recogniser.release.set()
        assert running is not None and running.result(timeout=10).text == "word"
        # The next utterance starts over: nothing of the last one, and its first partial after an interval.
        assert _heard(partials, InProgress(), 0.5, 0.6) == [None, None]
    assert recogniser.heard_s == [1.0]


def test_when_a_partial_fails_then_it_is_logged_and_the_next_one_runs(caplog: pytest.LogCaptureFixture) -> None:
    recogniser = Recogniser(fail=True)
    partials = PartialTranscripts(recogniser, Inline(), INTERVAL_S)
    utterance = InProgress()
    with caplog.at_level(logging.WARNING, logger="edge_runtime.rpc.partials"):
        assert _heard(partials, utterance, 1.0, 1.1) == [None, None]
    assert "a partial transcript failed" in caplog.text
    recogniser.fail = False
    assert _heard(partials, utterance, 2.1, 2.2) == [None, "word word"]


@pytest.mark.parametrize("interval", [0.0, -1.0, float("nan")])
def test_when_the_interval_is_not_positive_then_it_is_refused(interval: float) -> None:
    with pytest.raises(ValueError, match="interval_s must be a positive number of seconds"):
        PartialTranscripts(Recogniser(), Inline(), interval)
