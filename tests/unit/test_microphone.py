"""The microphone: the real no-device path of this machine, and the queue behind a fake PortAudio stream."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from edge_runtime.speech import microphone
from edge_runtime.speech.microphone import Microphone, MicrophoneError, list_input_devices


@dataclass
class Flags:
    input_overflow: bool = False


@dataclass
class FakeStream:
    """Stands in for sounddevice.InputStream: the test plays PortAudio and calls ``callback`` itself."""

    settings: dict[str, Any]
    active: bool = False
    calls: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.calls.append("start")
        self.active = True

    def stop(self) -> None:
        self.calls.append("stop")
        self.active = False

    def close(self) -> None:
        self.calls.append("close")

    def deliver(self, block: npt.NDArray[np.float32], overflow: bool = False) -> None:
        callback: Callable[..., None] = self.settings["callback"]
        callback(block, len(block), None, Flags(input_overflow=overflow))


class Factory:
    def __init__(self) -> None:
        self.streams: list[FakeStream] = []

    def __call__(self, **settings: Any) -> FakeStream:
        self.streams.append(FakeStream(settings))
        return self.streams[-1]


def block(value: float, frames: int = 480, channels: int = 1) -> npt.NDArray[np.float32]:
    return np.full((frames, channels), value, dtype=np.float32)


@pytest.fixture
def no_microphone() -> None:
    if list_input_devices():
        pytest.skip("this machine has a microphone")


def test_when_the_machine_has_no_microphone_then_opening_one_says_so_in_one_sentence(no_microphone: None) -> None:
    with pytest.raises(MicrophoneError) as caught, Microphone():
        pass
    assert str(caught.value) == (
        "no microphone found; connect one or pass --device (see `edge-assistant listen --list-devices`)"
    )


@pytest.mark.parametrize("device", [0, 3, "USB headset"])
def test_when_a_device_is_named_on_a_machine_without_any_then_the_error_is_the_same(
    no_microphone: None, device: int | str
) -> None:
    with pytest.raises(MicrophoneError) as caught, Microphone(device):
        pass
    assert str(caught.value).startswith("no microphone found; connect one or pass --device")


def test_when_there_is_no_microphone_then_the_device_list_is_empty(no_microphone: None) -> None:
    assert list_input_devices() == []


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (OSError("PortAudio library not found"), "the PortAudio library is missing, so no microphone can be opened"),
        (ImportError("No module named 'sounddevice'"), "the sounddevice package is missing"),
    ],
)
def test_when_portaudio_or_sounddevice_is_missing_then_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, failure: Exception, message: str
) -> None:
    def broken_import(name: str) -> Any:
        raise failure

    monkeypatch.setattr(microphone.importlib, "import_module", broken_import)
    with pytest.raises(MicrophoneError, match=message), Microphone():
        pass
    with pytest.raises(MicrophoneError, match="install it with"):
        list_input_devices()


def test_when_blocks_arrive_then_they_are_read_in_order_as_mono_float32() -> None:
    factory = Factory()
    with Microphone(block_ms=30, stream_factory=factory) as mic:
        [stream] = factory.streams
        assert stream.settings["samplerate"] == 16000
        assert stream.settings["channels"] == 1
        assert stream.settings["dtype"] == "float32"
        assert stream.settings["blocksize"] == 480
        assert stream.active
        for value in (0.1, 0.2, 0.3):
            stream.deliver(block(value))
        read = [mic.read(timeout=0) for _ in range(3)]
        assert [float(b[0]) for b in read if b is not None] == pytest.approx([0.1, 0.2, 0.3])
        assert all(b is not None and b.shape == (480,) and b.dtype == np.float32 for b in read)
        assert mic.read(timeout=0.01) is None
    assert stream.calls == ["start", "stop", "close"]


def test_when_the_reader_falls_behind_then_new_blocks_are_dropped_and_counted_without_blocking_the_callback() -> None:
    factory = Factory()
    # 90 ms of queue: three 30 ms blocks.
    with Microphone(block_ms=30, max_queued_s=0.09, stream_factory=factory) as mic:
        [stream] = factory.streams
        started = time.perf_counter()
        for value in range(10):
            stream.deliver(block(float(value)))
        assert time.perf_counter() - started < 0.5
        assert mic.dropped_blocks == 7
        kept = [mic.read(timeout=0) for _ in range(4)]
        assert [float(b[0]) for b in kept if b is not None] == [0.0, 1.0, 2.0]
        assert kept[3] is None
        # Room again: the next block is kept.
        stream.deliver(block(42.0))
        assert (taken := mic.read(timeout=0)) is not None and float(taken[0]) == 42.0
        assert mic.dropped_blocks == 7


def test_when_portaudio_reports_an_overflow_then_it_is_counted_and_the_block_still_arrives() -> None:
    factory = Factory()
    with Microphone(stream_factory=factory) as mic:
        factory.streams[0].deliver(block(0.5), overflow=True)
        assert mic.overflows == 1
        assert mic.read(timeout=0) is not None


def test_when_paused_then_nothing_is_recorded_and_what_was_queued_is_dropped() -> None:
    factory = Factory()
    with Microphone(stream_factory=factory) as mic:
        [stream] = factory.streams
        stream.deliver(block(0.1))
        with mic.paused():
            assert not stream.active
            assert mic.read(timeout=0) is None
        assert stream.active
        assert stream.calls == ["start", "stop", "start"]
        stream.deliver(block(0.2))
        assert (after := mic.read(timeout=0)) is not None and float(after[0]) == pytest.approx(0.2)


def test_when_a_stereo_device_delivers_then_the_first_channel_is_kept() -> None:
    factory = Factory()
    with Microphone(stream_factory=factory) as mic:
        stereo = np.stack([np.full(480, 0.25), np.full(480, -0.75)], axis=1).astype(np.float32)
        factory.streams[0].deliver(stereo)
        assert (mono := mic.read(timeout=0)) is not None and np.all(mono == 0.25)


def test_when_the_stream_dies_then_blocks_stops_with_a_clear_error() -> None:
    factory = Factory()
    with Microphone(stream_factory=factory) as mic:
        [stream] = factory.streams
        stream.deliver(block(0.1))
        blocks = mic.blocks()
        assert float(next(blocks)[0]) == pytest.approx(0.1)
        stream.active = False  # unplugged: PortAudio stops calling back
        with pytest.raises(MicrophoneError, match="stopped delivering audio; check that it is still connected"):
            next(blocks)


def test_when_a_reader_waits_then_a_block_from_the_callback_thread_wakes_it() -> None:
    factory = Factory()
    with Microphone(stream_factory=factory) as mic:
        timer = threading.Timer(0.05, factory.streams[0].deliver, args=(block(0.3),))
        timer.start()
        got = mic.read(timeout=5)
        timer.join()
        assert got is not None and float(got[0]) == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sample_rate": 0}, "sample_rate must be a positive number of Hz"),
        ({"block_ms": 0}, "block_ms must be between 1 and 1000 milliseconds"),
        ({"block_ms": 30, "max_queued_s": 0.01}, "max_queued_s must hold at least one block"),
    ],
)
def test_when_an_option_is_out_of_range_then_the_error_names_it(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Microphone(**options)
