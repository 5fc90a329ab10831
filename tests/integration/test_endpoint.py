"""The endpointer on real speech (espeak-ng), with faster-whisper's Silero VAD and the real Whisper model."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pytest

from edge_runtime.speech import SAMPLE_RATE, Transcriber
from edge_runtime.speech.endpoint import Endpointer, Utterance
from tests.speech_helpers import say, silence

GROCERIES = "How much did I spend on groceries this month?"
FREEZE = "Freeze my debit card."
MONOLOGUE = (
    "I want to tell you about my week, because it has been a long one and I think you should know all about it. "
    "On Monday I went to the bank and paid my rent, then I bought groceries and some coffee for the office. "
    "On Tuesday my car broke down on the way to work and I had to call a tow truck, which cost a lot of money. "
    "On Wednesday I moved some money from savings into checking to cover the repair, and on Thursday I looked at "
    "my budget again to see where I could cut back for the rest of the month. On Friday I finally got paid, so I "
    "put a little aside for the holidays and paid off the card, and on Saturday I slept until noon."
)


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber()


@pytest.fixture(scope="module")
def two_questions() -> npt.NDArray[np.float32]:
    """Two questions with 1.5 s of silence between them, as a microphone would hear them."""
    return np.concatenate([silence(0.5), say(GROCERIES), silence(1.5), say(FREEZE), silence(1.0)])


def run(endpointer: Endpointer, audio: npt.NDArray[np.float32], chunk_ms: float) -> list[Utterance]:
    """Feed ``audio`` in chunks of ``chunk_ms``, then flush: every utterance the stream produced."""
    size = max(1, round(chunk_ms * SAMPLE_RATE / 1000))
    utterances: list[Utterance] = []
    for start in range(0, len(audio), size):
        utterances += endpointer.feed(audio[start : start + size])
    last = endpointer.flush()
    return [*utterances, *([last] if last is not None else [])]


def words(transcriber: Transcriber, utterances: Iterable[Utterance]) -> list[str]:
    return [transcriber.transcribe(utterance.audio()).text.lower() for utterance in utterances]


@pytest.mark.parametrize("chunk_ms", [30, 100, 1000])
def test_when_two_questions_are_spoken_with_a_pause_then_each_comes_out_whole_whatever_the_chunk_size(
    two_questions: npt.NDArray[np.float32], transcriber: Transcriber, chunk_ms: int
) -> None:
    utterances = run(Endpointer(), two_questions, chunk_ms)
    assert [utterance.ended_by for utterance in utterances] == ["silence", "silence"]
    first, second = words(transcriber, utterances)
    assert "groceries" in first and "month" in first and "card" not in first
    assert "freeze" in second and "debit card" in second and "groceries" not in second


def test_when_the_chunk_size_changes_then_the_utterances_are_the_same_samples(
    two_questions: npt.NDArray[np.float32],
) -> None:
    endpointer = Endpointer()
    reference = run(endpointer, two_questions, 30)
    for chunk_ms in (7, 100, 1000, 10_000):
        utterances = run(endpointer, two_questions, chunk_ms)
        assert [u.start_s for u in utterances] == [u.start_s for u in reference]
        assert all(np.array_equal(u.samples, r.samples) for u, r in zip(utterances, reference, strict=True))


def test_when_speech_starts_then_the_utterance_begins_before_it_so_the_first_syllable_is_kept(
    two_questions: npt.NDArray[np.float32],
) -> None:
    first, second = run(Endpointer(pre_roll_ms=300), two_questions, 30)
    onset = np.flatnonzero(np.abs(two_questions) > 0.01)[0] / SAMPLE_RATE
    assert first.start_s < onset
    # The pre-roll is the audio before the model noticed speech: never more than asked for.
    assert onset - first.start_s <= 0.3 + 0.1
    assert second.start_s > first.start_s + first.duration_s


@pytest.mark.parametrize(
    ("name", "audio"),
    [
        ("digital silence", silence(20.0)),
        ("low white noise", 0.01 * np.random.default_rng(7).standard_normal(20 * SAMPLE_RATE).astype(np.float32)),
        ("loud white noise", 0.1 * np.random.default_rng(8).standard_normal(20 * SAMPLE_RATE).astype(np.float32)),
    ],
)
def test_when_nobody_speaks_then_no_utterance_comes_out(name: str, audio: npt.NDArray[np.float32]) -> None:
    assert run(Endpointer(), audio, 30) == [], name


def test_when_a_burst_is_shorter_than_min_speech_then_it_is_dropped() -> None:
    burst = say(GROCERIES)[: SAMPLE_RATE // 10]  # 100 ms: a click or a cough as the model hears it
    audio = np.concatenate([silence(0.5), burst, silence(1.0)])
    assert run(Endpointer(min_speech_ms=250), audio, 30) == []
    # The same burst is speech to the model: min_speech_ms is what drops it.
    assert len(run(Endpointer(min_speech_ms=0), audio, 30)) == 1


def test_when_someone_talks_past_the_limit_then_the_utterance_is_cut_there_and_the_rest_follows() -> None:
    speech = say(MONOLOGUE)
    assert len(speech) / SAMPLE_RATE > 40
    audio = np.concatenate([silence(0.5), speech, silence(1.0)])
    utterances = run(Endpointer(max_utterance_s=30.0), audio, 100)
    assert utterances[0].ended_by == "max_length"
    assert 29.9 < utterances[0].duration_s <= 30.0
    assert utterances[-1].ended_by == "silence"
    assert all(utterance.duration_s <= 30.0 for utterance in utterances)
    # Nothing said is lost or heard twice: each utterance starts where the one before it ended, or later.
    ends = [u.start_s + u.duration_s for u in utterances]
    assert all(later.start_s >= end - 1e-9 for later, end in zip(utterances[1:], ends, strict=False))
    assert ends[-1] > 40


def test_when_the_audio_stops_mid_sentence_then_flush_returns_what_was_said(transcriber: Transcriber) -> None:
    endpointer = Endpointer()
    assert endpointer.feed(np.concatenate([silence(0.5), say(GROCERIES)])) == []
    last = endpointer.flush()
    assert last is not None and last.ended_by == "end_of_input"
    assert "groceries" in transcriber.transcribe(last.audio()).text.lower()
    assert endpointer.flush() is None


def test_when_an_utterance_is_in_progress_then_what_is_heard_so_far_begins_the_utterance_that_comes_out() -> None:
    endpointer = Endpointer()
    audio = np.concatenate([silence(0.5), say(GROCERIES), silence(1.0)])
    step = SAMPLE_RATE // 10
    snapshots: list[tuple[npt.NDArray[np.float32] | None, float, bool]] = []
    done: list[Utterance] = []
    for start in range(0, len(audio), step):
        done += endpointer.feed(audio[start : start + step])
        if not done:
            snapshots.append((endpointer.in_progress(), endpointer.in_progress_s, endpointer.speaking))
    [utterance] = done
    assert snapshots[0] == (None, 0.0, False)  # the silence before the question
    heard = [(samples, seconds) for samples, seconds, speaking in snapshots if samples is not None and speaking]
    assert len(heard) > 10
    for samples, seconds in heard:
        assert len(samples) / SAMPLE_RATE == pytest.approx(seconds)
        assert np.array_equal(samples, utterance.samples[: len(samples)])
    # The pause that ends the utterance: heard before the cut, so no partial transcript starts in it.
    assert snapshots[-1][2] is False and snapshots[-1][0] is not None
    assert (endpointer.in_progress(), endpointer.in_progress_s, endpointer.speaking) == (None, 0.0, False)


def test_when_reset_mid_utterance_then_the_partial_speech_is_forgotten() -> None:
    endpointer = Endpointer()
    endpointer.feed(np.concatenate([silence(0.5), say(GROCERIES)]))
    endpointer.reset()
    assert endpointer.feed(silence(2.0)) == []
    assert endpointer.flush() is None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 1.0}, "threshold must be a probability between 0 and 1"),
        ({"threshold": 0.0}, "threshold must be a probability between 0 and 1"),
        ({"min_speech_ms": -1}, "min_speech_ms must be a number of milliseconds of at least 0"),
        ({"end_silence_ms": 10}, "end_silence_ms must be a number of milliseconds of at least 32"),
        ({"end_silence_ms": float("nan")}, "end_silence_ms must be a number of milliseconds"),
        ({"max_utterance_s": 0.5}, "max_utterance_s must be a number of seconds of at least 1"),
        ({"max_utterance_s": 1.0, "pre_roll_ms": 800, "min_speech_ms": 300}, "must be longer than pre_roll_ms"),
        ({"pre_roll_ms": -5}, "pre_roll_ms must be a number of milliseconds of at least 0"),
    ],
)
def test_when_an_option_is_out_of_range_then_the_error_names_it(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Endpointer(**options)


def test_when_stereo_audio_is_fed_then_the_error_says_mono() -> None:
    with pytest.raises(ValueError, match="mono audio as a 1-D array"):
        Endpointer().feed(np.zeros((480, 2), dtype=np.float32))
