"""Reading a spoken question: WAV files and raw PCM, down-mixed and resampled to Whisper's 16 kHz mono.

The parser is our own because the stdlib ``wave`` module reads integer PCM only, and phones, browsers and
DAWs write 32-bit float WAVs as often as 16-bit ones. It reads the header first and refuses a recording
longer than the limit before it decodes a sample, and it decodes in blocks, so a huge file or one with
hundreds of channels costs at most the 16 kHz mono result in memory, never the whole file as floats.

A data chunk that claims more bytes than the file holds (a recorder killed mid-write, or a streaming
writer's placeholder size) is decoded as far as it goes, in whole frames, without a warning: the
recording up to the cut is what the user said. It is an error only when not one whole frame is there.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

import numpy as np
import numpy.typing as npt

#: The rate Whisper was trained on; every Audio is at this rate.
SAMPLE_RATE: Final[int] = 16_000
#: Below this a recording cannot carry intelligible speech; above it no real recorder writes.
MIN_SOURCE_RATE: Final[int] = 4_000
MAX_SOURCE_RATE: Final[int] = 384_000
DEFAULT_MAX_SECONDS: Final[float] = 30.0

_PCM: Final[int] = 0x0001
_IEEE_FLOAT: Final[int] = 0x0003
_EXTENSIBLE: Final[int] = 0xFFFE
#: The 14 bytes after the format code in every standard WAVE_FORMAT_EXTENSIBLE sub-format GUID.
_GUID_TAIL: Final[bytes] = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
#: Names for encodings people actually meet, so the error says what the file is.
_ENCODING_NAMES: Final[dict[int, str]] = {
    0x0002: "Microsoft ADPCM",
    0x0006: "A-law",
    0x0007: "mu-law",
    0x0011: "IMA ADPCM",
    0x0031: "GSM 6.10",
    0x0050: "MPEG audio",
    0x0055: "MP3",
    0x0161: "Windows Media Audio",
}
#: Other containers by their first bytes, so a user who sends an MP3 is told to convert it.
_OTHER_FORMATS: Final[tuple[tuple[bytes, str], ...]] = (
    (b"ID3", "an MP3 file"),
    (b"\xff\xfb", "an MP3 file"),
    (b"fLaC", "a FLAC file"),
    (b"OggS", "an Ogg file"),
    (b"RF64", "an RF64 file"),
)
#: A fmt chunk is 16 to 40 bytes; a larger one is not a WAV header we could make sense of.
_MAX_FMT_BYTES: Final[int] = 1024
#: Raw bytes decoded at a time: bounds the float64 working copy at 8 times this.
_BLOCK_BYTES: Final[int] = 1 << 20
#: The most weights :class:`StreamResampler` keeps in a table (4 MiB of float32).
_MAX_TABLE: Final[int] = 1 << 20


class AudioError(ValueError):
    """Audio that cannot be used; the message is one sentence a user can act on."""


@dataclass(frozen=True, eq=False)
class Audio:
    """A recording ready for speech recognition.

    Attributes:
        samples: mono float32 samples at :data:`SAMPLE_RATE`, in [-1, 1], read-only.
        source_rate: the recording's own sample rate in Hz.
        source_channels: the recording's channel count before the down-mix.
        duration_s: the recording's length in seconds.
        clipped_fraction: the share of the recording's samples (every channel) at full scale; a large
            one means the microphone gain is too high and recognition will suffer.
    """

    samples: npt.NDArray[np.float32]
    source_rate: int
    source_channels: int
    duration_s: float
    clipped_fraction: float


@dataclass(frozen=True)
class _Format:
    code: int
    channels: int
    rate: int
    bits: int

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.bits // 8


def read_wav(source: Path | bytes, max_seconds: float) -> Audio:
    """Decode a WAV file (a path or its bytes) into 16 kHz mono; :class:`AudioError` when it can't be used."""
    _check_limit(max_seconds)
    with _open(source) as stream:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        form, data_offset, data_bytes = _parse_header(stream, size)
        stream.seek(data_offset)
        return _decode(stream, form, data_bytes, max_seconds)


def pcm16_audio(data: bytes, sample_rate: int = SAMPLE_RATE, max_seconds: float = DEFAULT_MAX_SECONDS) -> Audio:
    """Raw little-endian 16-bit mono PCM (a microphone stream) as 16 kHz mono."""
    _check_limit(max_seconds)
    if len(data) % 2:
        raise AudioError(f"raw 16-bit audio must have an even number of bytes, not {len(data)}")
    form = _Format(code=_PCM, channels=1, rate=sample_rate, bits=16)
    _check_format(form)
    return _decode(io.BytesIO(data), form, len(data), max_seconds)


def mono_audio(samples: npt.NDArray[np.float32]) -> Audio:
    """Samples already at 16 kHz mono (a stream cut by the endpointer) as an :class:`Audio`."""
    clipped = int(np.count_nonzero(np.abs(samples) >= 1.0))
    return Audio(
        samples=samples,
        source_rate=SAMPLE_RATE,
        source_channels=1,
        duration_s=len(samples) / SAMPLE_RATE,
        clipped_fraction=clipped / max(1, len(samples)),
    )


def _check_limit(max_seconds: float) -> None:
    if not (math.isfinite(max_seconds) and max_seconds > 0):
        raise ValueError(f"max_seconds must be a positive number of seconds, not {max_seconds!r}")


@contextmanager
def _open(source: Path | bytes) -> Iterator[BinaryIO]:
    if isinstance(source, bytes):
        yield io.BytesIO(source)
        return
    try:
        stream = source.open("rb")
    except OSError as error:
        raise AudioError(f"the file can't be read: {error.strerror or error}") from error
    with stream:
        yield stream


def _parse_header(stream: BinaryIO, size: int) -> tuple[_Format, int, int]:
    """Walk the RIFF chunks: the format, and where the data starts and how many bytes of it the file holds."""
    head = stream.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        for magic, name in _OTHER_FORMATS:
            if head.startswith(magic):
                raise AudioError(f"the file is {name}, not a WAV file; convert it, e.g. sox in.mp3 -r 16000 out.wav")
        if not head:
            raise AudioError("the file is empty")
        if len(head) < 12 and b"RIFF".startswith(head[:4]):
            raise AudioError("the file is too short to be a WAV file")
        raise AudioError("the file is not a WAV file (it has no RIFF/WAVE header)")
    form: _Format | None = None
    data: tuple[int, int] | None = None
    # The RIFF size field is ignored: streaming writers leave it wrong, and the file's size is the truth.
    while form is None or data is None:
        chunk = stream.read(8)
        if len(chunk) < 8:
            break
        chunk_id = chunk[:4]
        length: int = struct.unpack("<I", chunk[4:])[0]
        start = stream.tell()
        if chunk_id == b"fmt ":
            if length > _MAX_FMT_BYTES:
                raise AudioError(f"the WAV file's fmt chunk is {length} bytes long, which no WAV encoding needs")
            form = _parse_fmt(stream.read(length), length)
        elif chunk_id == b"data":
            data = (start, min(length, size - start))
        # Chunks are padded to an even length.
        stream.seek(start + length + (length & 1))
    if form is None:
        raise AudioError("the WAV file has no fmt chunk, so its encoding is unknown")
    if data is None:
        raise AudioError("the WAV file has no data chunk, so it holds no audio")
    _check_format(form)
    return form, data[0], data[1]


def _parse_fmt(body: bytes, length: int) -> _Format:
    if len(body) < 16 or len(body) < length:
        raise AudioError("the WAV file's fmt chunk is cut short")
    code, channels, rate, _byte_rate, _block_align, bits = struct.unpack("<HHIIHH", body[:16])
    if code == _EXTENSIBLE:
        # cbSize (2 bytes), valid bits (2), channel mask (4), then the sub-format GUID (16).
        if len(body) < 40:
            raise AudioError("the WAV file's extensible fmt chunk is cut short")
        guid = body[24:40]
        if guid[2:] != _GUID_TAIL:
            raise AudioError("the WAV file's extensible header names an unknown encoding")
        code = struct.unpack("<H", guid[:2])[0]
    return _Format(code=code, channels=channels, rate=rate, bits=bits)


def _check_format(form: _Format) -> None:
    if form.code not in (_PCM, _IEEE_FLOAT):
        name = _ENCODING_NAMES.get(form.code, "an unknown encoding")
        raise AudioError(
            f"the audio is encoded as {name} (WAV format {form.code:#06x}); only PCM and float WAV files can be read"
        )
    if (form.code == _PCM and form.bits not in (8, 16, 24, 32)) or (
        form.code == _IEEE_FLOAT and form.bits not in (32, 64)
    ):
        kind = "PCM" if form.code == _PCM else "float"
        raise AudioError(
            f"the audio is {form.bits}-bit {kind}; only 8, 16, 24 and 32-bit PCM and 32 and 64-bit float can be read"
        )
    if form.channels < 1:
        raise AudioError("the WAV header says the audio has no channels")
    if not MIN_SOURCE_RATE <= form.rate <= MAX_SOURCE_RATE:
        raise AudioError(
            f"the sample rate is {form.rate} Hz; it must be between {MIN_SOURCE_RATE} and {MAX_SOURCE_RATE} Hz"
        )


def _decode(stream: BinaryIO, form: _Format, data_bytes: int, max_seconds: float) -> Audio:
    frames = data_bytes // form.frame_bytes
    if frames == 0:
        raise AudioError("the audio has no samples")
    duration = frames / form.rate
    if duration > max_seconds:
        raise AudioError(f"the audio is {duration:.1f} s long; the limit is {max_seconds:g} s")
    mono = np.empty(frames, dtype=np.float32)
    clipped = 0
    block_frames = max(1, _BLOCK_BYTES // form.frame_bytes)
    done = 0
    while done < frames:
        count = min(block_frames, frames - done)
        raw = stream.read(count * form.frame_bytes)
        if len(raw) < count * form.frame_bytes:
            # The file shrank while we read it; keep the whole frames that came.
            count = len(raw) // form.frame_bytes
            if count == 0:
                break
        values, block_clipped = _to_float(raw[: count * form.frame_bytes], form)
        clipped += block_clipped
        mono[done : done + count] = values.reshape(count, form.channels).mean(axis=1)
        done += count
    if done == 0:
        raise AudioError("the audio has no samples")
    mono = mono[:done]
    samples = np.clip(resample(mono, form.rate, SAMPLE_RATE), -1.0, 1.0).astype(np.float32)
    samples.setflags(write=False)
    return Audio(
        samples=samples,
        source_rate=form.rate,
        source_channels=form.channels,
        duration_s=done / form.rate,
        clipped_fraction=clipped / (done * form.channels),
    )


def _to_float(raw: bytes, form: _Format) -> tuple[npt.NDArray[np.float64], int]:
    """Samples scaled to [-1, 1] (floats as stored), and how many of them sit at full scale."""
    if form.code == _IEEE_FLOAT:
        floats = np.frombuffer(raw, dtype="<f4" if form.bits == 32 else "<f8").astype(np.float64)
        if not np.isfinite(floats).all():
            raise AudioError("the audio has NaN or infinite samples")
        return floats, int(np.count_nonzero(np.abs(floats) >= 1.0))
    if form.bits == 8:
        # 8-bit WAV is unsigned, centred on 128.
        unsigned = np.frombuffer(raw, dtype=np.uint8)
        clipped = int(np.count_nonzero((unsigned == 0) | (unsigned == 255)))
        return (unsigned.astype(np.float64) - 128.0) / 128.0, clipped
    if form.bits == 24:
        # Put each 3-byte sample in the top of an int32 and shift back down: that sign-extends it.
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        padded = np.zeros((len(triples), 4), dtype=np.uint8)
        padded[:, 1:] = triples
        ints = padded.view("<i4").ravel() >> 8
    else:
        ints = np.frombuffer(raw, dtype="<i2" if form.bits == 16 else "<i4")
    full = 1 << (form.bits - 1)
    clipped = int(np.count_nonzero((ints <= -full) | (ints >= full - 1)))
    return ints.astype(np.float64) / full, clipped


def resample(samples: npt.NDArray[np.float32], source_rate: int, target_rate: int) -> npt.NDArray[np.float32]:
    """Band-limited resampling by the FFT: keep the spectrum below both Nyquist frequencies, then invert.

    The signal is zero-padded first, to a length that maps onto a whole number of output samples and
    far enough that the FFT's wrap-around cannot carry the end of the recording into its start.
    """
    if source_rate == target_rate:
        return samples
    step = math.gcd(source_rate, target_rate)
    up, down = target_rate // step, source_rate // step
    count = len(samples)
    wanted = round(count * target_rate / source_rate)
    if wanted == 0:
        return np.zeros(0, dtype=np.float32)
    guard = max(64, source_rate // 50)  # 20 ms of zeros
    padded_length = _fast_multiple(count + guard, down)
    spectrum = np.fft.rfft(samples, n=padded_length)
    out_length = padded_length // down * up
    kept = np.zeros(out_length // 2 + 1, dtype=spectrum.dtype)
    bins = min(len(kept), len(spectrum))
    kept[:bins] = spectrum[:bins]
    if out_length < padded_length and out_length % 2 == 0:
        # The new Nyquist bin would alias both halves of the band into one real value; drop it.
        kept[-1] = 0
    elif out_length > padded_length and padded_length % 2 == 0:
        # The old Nyquist bin stood for +f and -f together; now they are two bins, each gets half.
        kept[padded_length // 2] *= 0.5
    result = np.fft.irfft(kept, n=out_length) * (out_length / padded_length)
    return result[:wanted].astype(np.float32)


def _fast_multiple(minimum: int, factor: int) -> int:
    """The smallest multiple of ``factor`` at least ``minimum`` whose multiplier has only the factors 2, 3 and 5."""
    needed = -(-minimum // factor)
    best = 1
    while best < needed:
        best *= 2
    for threes in (1, 3, 9, 27):
        for fives in (1, 5, 25):
            base = threes * fives
            while base < needed:
                base *= 2
            best = min(best, base)
    return best * factor


class StreamResampler:
    """Resampling of audio that arrives in chunks (a microphone's stream), chunk by chunk.

    :func:`resample` needs the whole recording; a stream has to be resampled as it comes, without a seam
    at every chunk's edge. Each output sample here is a windowed-sinc interpolation of the input around
    it (``zero_crossings`` on either side, a Blackman window, the cut-off at the lower Nyquist
    frequency), and the input the next chunk's first outputs need is carried over, so the output is the
    same whatever size the chunks come in. It lags the input by ``zero_crossings`` periods of the lower
    rate (1 ms at 16 kHz); :meth:`flush` returns that tail at the end of the stream.
    """

    def __init__(self, source_rate: int, target_rate: int = SAMPLE_RATE, zero_crossings: int = 16) -> None:
        for rate in (source_rate, target_rate):
            if not MIN_SOURCE_RATE <= rate <= MAX_SOURCE_RATE:
                raise ValueError(f"a rate must be between {MIN_SOURCE_RATE} and {MAX_SOURCE_RATE} Hz, not {rate}")
        step = math.gcd(source_rate, target_rate)
        # Output n sits at input position n * down / up, kept in integers so the position never drifts.
        self._up, self._down = target_rate // step, source_rate // step
        self._cutoff = min(1.0, target_rate / source_rate)
        self._half = math.ceil(zero_crossings / self._cutoff)  # input samples on either side of an output
        self._taps = np.arange(1 - self._half, self._half + 1)
        # One row of weights per phase (output position modulo one input sample): every common rate pair
        # has few phases (320 from 22.05 kHz), and looking weights up is several times cheaper than
        # computing them. An odd rate (a prime number of Hz) has thousands; those are computed as needed.
        self._table = self._weights(np.arange(self._up)) if self._up * len(self._taps) <= _MAX_TABLE else None
        self._history = np.zeros(self._half, dtype=np.float32)  # silence before the stream starts
        self._start = -self._half  # the input index of _history[0]
        self._next = 0  # the index of the next output sample
        self._received = 0

    def __call__(self, chunk: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """The output samples that ``chunk`` (the input after the previous chunk) completes."""
        self._received += len(chunk)
        return self._emit(np.concatenate([self._history, np.asarray(chunk, dtype=np.float32)]), self._received)

    def flush(self) -> npt.NDArray[np.float32]:
        """The end of the stream: the output samples still held back, as if silence followed."""
        missing = -(-self._received * self._up // self._down) - self._next  # what the input's length calls for
        tail = np.zeros(self._half, dtype=np.float32)
        return self._emit(np.concatenate([self._history, tail]), self._received + self._half)[:missing]

    def _weights(self, phases: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
        offsets = (phases / self._up)[:, None] - self._taps[None, :]  # each tap's distance from the output
        x = offsets / self._half
        window = 0.42 + 0.5 * np.cos(np.pi * x) + 0.08 * np.cos(2 * np.pi * x)
        weights: npt.NDArray[np.float32] = (self._cutoff * np.sinc(self._cutoff * offsets) * window).astype(np.float32)
        return weights

    def _emit(self, samples: npt.NDArray[np.float32], end: int) -> npt.NDArray[np.float32]:
        # Output n needs the input up to floor(n * down / up) + half, which must come before ``end``.
        last = ((end - self._half) * self._up - 1) // self._down
        positions = np.arange(self._next, last + 1, dtype=np.int64) * self._down
        base, phases = positions // self._up, positions % self._up
        weights = self._weights(phases) if self._table is None else self._table[phases]
        taps = samples[base[:, None] + (self._taps - self._start)[None, :]]
        out: npt.NDArray[np.float32] = np.einsum("ij,ij->i", taps, weights)
        self._next = max(self._next, last + 1)
        keep = self._next * self._down // self._up + 1 - self._half  # the first input the next output needs
        self._history = samples[keep - self._start :].copy()
        self._start = keep
        return out
