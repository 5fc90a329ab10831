"""The microphone: 16 kHz mono float32 blocks from PortAudio (through sounddevice), read at the listener's pace.

PortAudio calls back on its own real-time thread once per block, and a callback that waits loses audio
for everybody (the device overruns). So the callback only copies the block into a bounded queue and
returns; when the reader has fallen so far behind that the queue is full (Whisper and the assistant are
busy), the new block is dropped and counted instead of waiting. The reader takes blocks with
:meth:`Microphone.read` at whatever pace it manages.

sounddevice is imported when a microphone is opened, not with this module: it loads libportaudio at
import, and a machine without it can still use every command that needs no microphone.
"""

from __future__ import annotations

import importlib
import logging
import math
import queue
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType, TracebackType
from typing import Any, Final, Protocol

import numpy as np
import numpy.typing as npt

from edge_runtime.speech.audio import SAMPLE_RATE

logger = logging.getLogger(__name__)

LIST_DEVICES_HINT: Final[str] = "see `edge-assistant listen --list-devices`"
NO_MICROPHONE: Final[str] = f"no microphone found; connect one or pass --device ({LIST_DEVICES_HINT})"
#: How long :meth:`Microphone.blocks` waits for a block before it checks that the stream still runs.
_POLL_S: Final[float] = 0.5


class MicrophoneError(RuntimeError):
    """A microphone that can't be used; the message is one sentence that says what to do."""


@dataclass(frozen=True)
class InputDevice:
    """An audio input PortAudio can open.

    Attributes:
        index: the number ``--device`` takes.
        name: the name ``--device`` also takes (any unique part of it).
        channels: the most input channels it records.
        default_rate: its native sample rate in Hz.
        host_api: the audio system it belongs to (ALSA, PulseAudio, Core Audio, WASAPI...).
        is_default: whether it is the one opened when no ``--device`` is given.
    """

    index: int
    name: str
    channels: int
    default_rate: float
    host_api: str
    is_default: bool


class _Status(Protocol):
    """What the callback reads from sounddevice's ``CallbackFlags``."""

    @property
    def input_overflow(self) -> bool: ...


class Stream(Protocol):
    """The part of ``sounddevice.InputStream`` the microphone uses; tests pass a fake one."""

    @property
    def active(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


#: Makes a stream: called with sounddevice.InputStream's keyword arguments, ``callback`` among them.
StreamFactory = Callable[..., Stream]


def _sounddevice() -> ModuleType:
    try:
        return importlib.import_module("sounddevice")
    except OSError as error:
        # sounddevice raises OSError at import when the libportaudio shared library is not there.
        raise MicrophoneError(
            "the PortAudio library is missing, so no microphone can be opened; install it with: "
            "apt-get install libportaudio2 (Debian, Ubuntu) or brew install portaudio (macOS)"
        ) from error
    except ImportError as error:
        raise MicrophoneError(
            "the sounddevice package is missing, so no microphone can be opened; install it with: "
            "pip install sounddevice==0.5.6"
        ) from error


def list_input_devices() -> list[InputDevice]:
    """Every input device PortAudio sees, in its order; empty on a machine without a microphone."""
    sd = _sounddevice()
    host_apis = [api["name"] for api in sd.query_hostapis()]
    default_input = sd.default.device[0]
    return [
        InputDevice(
            index=int(device["index"]),
            name=str(device["name"]),
            channels=int(device["max_input_channels"]),
            default_rate=float(device["default_samplerate"]),
            host_api=host_apis[device["hostapi"]],
            is_default=device["index"] == default_input,
        )
        for device in sd.query_devices()
        if device["max_input_channels"] > 0
    ]


class Microphone:
    """Blocks of mono float32 audio from an input device, as a context manager.

    ``with Microphone() as mic: block = mic.read(timeout=1.0)``. The device records from ``__enter__``
    to ``__exit__``; blocks that the reader has not taken wait in a queue of ``max_queued_s`` seconds.

    Args:
        device: an input device's number or a unique part of its name (see :func:`list_input_devices`);
            ``None`` is the system's default input.
        sample_rate: the rate to record at; PortAudio (or the sound server behind it) converts from the
            device's native rate.
        block_ms: the length of each block, which is also the callback's period.
        max_queued_s: how much audio may wait for the reader before new blocks are dropped.
        stream_factory: makes the stream; ``None`` means ``sounddevice.InputStream``.
    """

    def __init__(
        self,
        device: int | str | None = None,
        sample_rate: int = SAMPLE_RATE,
        block_ms: float = 30,
        *,
        max_queued_s: float = 20.0,
        stream_factory: StreamFactory | None = None,
    ) -> None:
        if sample_rate <= 0:
            raise ValueError(f"sample_rate must be a positive number of Hz, not {sample_rate!r}")
        if not (math.isfinite(block_ms) and 1 <= block_ms <= 1000):
            raise ValueError(f"block_ms must be between 1 and 1000 milliseconds, not {block_ms!r}")
        if not (math.isfinite(max_queued_s) and max_queued_s * 1000 >= block_ms):
            raise ValueError(f"max_queued_s must hold at least one block, not {max_queued_s!r}")
        self.device = device
        self.sample_rate = sample_rate
        self.block_size = max(1, round(sample_rate * block_ms / 1000))
        self._queue: queue.Queue[npt.NDArray[np.float32]] = queue.Queue(
            maxsize=max(1, math.floor(max_queued_s * 1000 / block_ms))
        )
        self._stream_factory = stream_factory
        self._stream: Stream | None = None
        # PortAudio's exception class once sounddevice is loaded; a fake stream raises none of its own.
        self._portaudio_errors: tuple[type[Exception], ...] = ()
        self._paused = False
        # Written by the callback thread only; read by the reader, which only needs an eventually right count.
        self._dropped = 0
        self._overflows = 0
        self._dropped_reported = 0

    @property
    def dropped_blocks(self) -> int:
        """Blocks thrown away because the queue was full: the reader fell more than ``max_queued_s`` behind."""
        return self._dropped

    @property
    def overflows(self) -> int:
        """Callbacks in which PortAudio reported that the device itself lost input (the system was too busy)."""
        return self._overflows

    def __enter__(self) -> Microphone:
        self._stream = self._open()
        self._start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def read(self, timeout: float | None = None) -> npt.NDArray[np.float32] | None:
        """The oldest block not yet read, waiting up to ``timeout`` seconds (forever for ``None``); else ``None``."""
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if self._dropped > self._dropped_reported:
            logger.warning(
                "dropped %d blocks of microphone audio: the listener fell more than %.1f s behind",
                self._dropped - self._dropped_reported,
                self._queue.maxsize * self.block_size / self.sample_rate,
            )
            self._dropped_reported = self._dropped
        return block

    def blocks(self) -> Iterator[npt.NDArray[np.float32]]:
        """Blocks as they arrive, for as long as the device records; :class:`MicrophoneError` if it stops."""
        while True:
            block = self.read(timeout=_POLL_S)
            if block is not None:
                yield block
            elif self._stream is None or (not self._paused and not self._stream.active):
                raise MicrophoneError("the microphone stopped delivering audio; check that it is still connected")

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop recording inside the block (while the assistant speaks, so it doesn't hear itself).

        Audio queued before the pause is dropped too: it was heard before the answer, and an answer
        has been given since.
        """
        stream = self._stream
        if stream is None:
            raise RuntimeError("the microphone is not open; use it in a with block")
        self._paused = True
        stream.stop()
        self._drain()
        try:
            yield
        finally:
            self._drain()
            self._start()
            self._paused = False

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                return

    def _callback(self, indata: npt.NDArray[np.float32], frames: int, time: Any, status: _Status) -> None:
        """PortAudio's thread: copy the first channel out and return at once, whatever the queue holds."""
        if status.input_overflow:
            self._overflows += 1
        try:
            self._queue.put_nowait(indata[:frames, 0].copy())
        except queue.Full:
            self._dropped += 1

    def _open(self) -> Stream:
        settings: dict[str, Any] = {
            "device": self.device,
            "samplerate": self.sample_rate,
            "channels": 1,
            "dtype": "float32",
            "blocksize": self.block_size,
            "callback": self._callback,
        }
        if self._stream_factory is not None:
            return self._stream_factory(**settings)
        sd = _sounddevice()
        self._portaudio_errors = (sd.PortAudioError,)
        try:
            stream: Stream = sd.InputStream(**settings)
        except ValueError as error:
            # sounddevice's own check of --device: "No input device matching 'usb'", "Multiple input devices...".
            if not list_input_devices():
                raise MicrophoneError(NO_MICROPHONE) from error
            message = str(error)
            raise MicrophoneError(f"{message[:1].lower()}{message[1:]}; {LIST_DEVICES_HINT}") from error
        except self._portaudio_errors as error:
            raise self._explain(error) from error
        return stream

    def _start(self) -> None:
        assert self._stream is not None
        try:
            self._stream.start()
        except self._portaudio_errors as error:
            raise self._explain(error) from error

    def _explain(self, error: Exception) -> MicrophoneError:
        """One sentence for a PortAudio error: no microphone at all, an unusable rate, or this device failing."""
        if not list_input_devices():
            return MicrophoneError(NO_MICROPHONE)
        which = "the default microphone" if self.device is None else f"input device {self.device!r}"
        if "sample rate" in str(error).lower():
            return MicrophoneError(
                f"{which} can't record at {self.sample_rate} Hz; pick another with --device ({LIST_DEVICES_HINT})"
            )
        return MicrophoneError(f"{which} can't be opened ({error}); pick another with --device ({LIST_DEVICES_HINT})")
