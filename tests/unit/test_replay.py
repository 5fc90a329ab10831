"""A WAV file replayed like a microphone: the same blocks, never faster than asked, and a pause that loses nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from edge_runtime.speech import AudioError
from edge_runtime.speech.replay import WavReplay
from tests.speech_helpers import write_wav


class FakeTime:
    """A clock that only moves when the code under test sleeps (or the test says so)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds
        self.slept += seconds


@pytest.fixture
def two_seconds(tmp_path: Path) -> Path:
    ramp = np.linspace(-0.5, 0.5, 32_000)
    return write_wav(tmp_path / "ramp.wav", ramp)


@pytest.mark.parametrize("rate", [1.0, 4.0, 50.0])
def test_when_a_file_is_replayed_then_it_takes_its_length_divided_by_the_rate(two_seconds: Path, rate: float) -> None:
    fake = FakeTime()
    replay = WavReplay(two_seconds, rate=rate, clock=fake.clock, sleep=fake.sleep)
    assert sum(len(block) for block in replay.blocks()) == 32_000
    assert fake.now - 100.0 == pytest.approx(2.0 / rate)


def test_when_a_file_is_replayed_then_it_comes_in_microphone_sized_blocks_with_nothing_lost(two_seconds: Path) -> None:
    fake = FakeTime()
    replay = WavReplay(two_seconds, block_ms=30, clock=fake.clock, sleep=fake.sleep)
    blocks = list(replay.blocks())
    assert {len(block) for block in blocks[:-1]} == {480}
    assert sum(len(block) for block in blocks) == 32_000
    assert np.allclose(np.concatenate(blocks), np.linspace(-0.5, 0.5, 32_000), atol=1e-3)


def test_when_each_block_is_due_then_it_is_handed_over_no_sooner(two_seconds: Path) -> None:
    fake = FakeTime()
    replay = WavReplay(two_seconds, rate=2.0, block_ms=30, clock=fake.clock, sleep=fake.sleep)
    for number, _block in enumerate(replay.blocks(), start=1):
        # A microphone hands over a block once it has recorded all of it: 30 ms of audio, here at 2x.
        assert fake.now - 100.0 >= min(number * 0.015, 1.0) - 1e-9


def test_when_the_reader_was_slow_then_the_replay_catches_up_without_sleeping(two_seconds: Path) -> None:
    fake = FakeTime()
    replay = WavReplay(two_seconds, clock=fake.clock, sleep=fake.sleep)
    blocks = replay.blocks()
    next(blocks)
    fake.now += 1.0  # the transcriber took a second: half the file is already "recorded"
    slept = fake.slept
    for _ in range(30):
        next(blocks)
    assert fake.slept == slept


def test_when_paused_then_the_file_stops_and_goes_on_from_the_same_place(two_seconds: Path) -> None:
    fake = FakeTime()
    replay = WavReplay(two_seconds, clock=fake.clock, sleep=fake.sleep)
    blocks = replay.blocks()
    first = next(blocks)
    with replay.paused():
        fake.now += 5.0  # the assistant speaks for five seconds
    rest = list(blocks)
    assert len(first) + sum(len(block) for block in rest) == 32_000
    # The pause is not counted as recording time: the rest still takes its own length to arrive.
    assert fake.now - 100.0 == pytest.approx(5.0 + 2.0)


@pytest.mark.parametrize("rate", [0.0, -1.0, float("inf"), float("nan")])
def test_when_the_rate_is_not_a_positive_number_then_it_is_refused(two_seconds: Path, rate: float) -> None:
    with pytest.raises(ValueError, match="the replay rate must be a positive number"):
        WavReplay(two_seconds, rate=rate)


def test_when_the_file_is_not_a_wav_then_the_error_comes_before_any_replay(tmp_path: Path) -> None:
    mp3 = tmp_path / "question.mp3"
    mp3.write_bytes(b"ID3" + bytes(100))
    with pytest.raises(AudioError, match="the file is an MP3 file, not a WAV file"):
        WavReplay(mp3)
