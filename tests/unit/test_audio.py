"""Reading spoken questions: every common WAV flavour comes out as 16 kHz mono, bad files as one clear sentence."""

from __future__ import annotations

import re
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from edge_runtime.speech.audio import SAMPLE_RATE, AudioError, StreamResampler, pcm16_audio, read_wav, resample

ENCODINGS = ("int8", "int16", "int24", "int32", "float32", "float64")
#: The standard WAVE_FORMAT_EXTENSIBLE sub-format GUID, after its two-byte format code.
GUID_TAIL = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"


def wav(
    payload: bytes,
    *,
    rate: int,
    code: int = 1,
    channels: int = 1,
    bits: int = 16,
    extensible: bool = False,
    data_size: int | None = None,
    before_data: bytes = b"",
) -> bytes:
    """A RIFF/WAVE file around ``payload``, with any header field set as a test needs it."""
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 0xFFFE if extensible else code, channels, rate, rate * block, block, bits)
    if extensible:
        fmt += struct.pack("<HHI", 22, bits, 0) + struct.pack("<H", code) + GUID_TAIL
    size = len(payload) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + before_data + b"data" + struct.pack("<I", size)
    return b"RIFF" + struct.pack("<I", len(body) + len(payload)) + body + payload


def encode(samples: npt.NDArray[np.float64], encoding: str) -> tuple[bytes, int, int]:
    """Samples in [-1, 1] (frames x channels) as WAV data bytes, with the format code and bits to declare."""
    interleaved = samples.reshape(len(samples), -1)
    if encoding == "int8":
        return np.round(interleaved * 127 + 128).astype(np.uint8).tobytes(), 1, 8
    if encoding == "int24":
        ints = np.round(interleaved * (2**23 - 1)).astype("<i4").ravel()
        return ints.view(np.uint8).reshape(-1, 4)[:, :3].tobytes(), 1, 24
    if encoding in ("int16", "int32"):
        bits = int(encoding[3:])
        return np.round(interleaved * (2 ** (bits - 1) - 1)).astype(f"<i{bits // 8}").tobytes(), 1, bits
    bits = int(encoding[5:])
    return interleaved.astype(f"<f{bits // 8}").tobytes(), 3, bits


def tone_wav(
    rate: int,
    encoding: str = "int16",
    *,
    seconds: float = 1.0,
    channels: int = 1,
    extensible: bool = False,
    before_data: bytes = b"",
) -> bytes:
    """A 440 Hz tone at half of full scale."""
    t = np.arange(round(rate * seconds)) / rate
    mono = 0.5 * np.sin(2 * np.pi * 440.0 * t)
    payload, code, bits = encode(np.repeat(mono[:, None], channels, axis=1), encoding)
    return wav(
        payload, rate=rate, code=code, bits=bits, channels=channels, extensible=extensible, before_data=before_data
    )


def dominant_hz(samples: npt.NDArray[np.float32]) -> float:
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.argmax(spectrum)) * SAMPLE_RATE / len(samples)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 44100, 48000])
def test_when_a_tone_is_read_at_any_rate_and_encoding_then_its_length_pitch_and_level_are_kept(
    rate: int, encoding: str
) -> None:
    audio = read_wav(tone_wav(rate, encoding), max_seconds=30)
    assert audio.source_rate == rate
    assert audio.source_channels == 1
    assert audio.duration_s == pytest.approx(1.0)
    assert audio.samples.dtype == np.float32
    assert len(audio.samples) == SAMPLE_RATE
    assert dominant_hz(audio.samples) == pytest.approx(440.0, abs=1.0)
    # Away from the edges the level is the tone's own: no gain, no loss, nothing aliased in.
    middle = audio.samples[2000:-2000]
    assert np.max(np.abs(middle)) == pytest.approx(0.5, abs=0.01)
    assert audio.clipped_fraction == 0.0


@pytest.mark.parametrize(("encoding", "rate"), [("int16", 44100), ("int24", 48000), ("float32", 22050)])
def test_when_the_header_is_extensible_then_the_audio_reads_as_the_plain_one(encoding: str, rate: int) -> None:
    plain = read_wav(tone_wav(rate, encoding), max_seconds=30)
    extensible = read_wav(tone_wav(rate, encoding, extensible=True), max_seconds=30)
    assert np.array_equal(plain.samples, extensible.samples)


def test_when_the_recording_is_stereo_then_the_channels_are_averaged() -> None:
    rate = 44100
    t = np.arange(rate) / rate
    left = 0.8 * np.sin(2 * np.pi * 440.0 * t)
    payload, code, bits = encode(np.stack([left, np.zeros_like(left)], axis=1), "float32")
    audio = read_wav(wav(payload, rate=rate, code=code, bits=bits, channels=2), max_seconds=30)
    assert audio.source_channels == 2
    assert audio.duration_s == pytest.approx(1.0)
    assert np.max(np.abs(audio.samples[2000:-2000])) == pytest.approx(0.4, abs=0.01)
    assert dominant_hz(audio.samples) == pytest.approx(440.0, abs=1.0)


def test_when_the_channels_cancel_out_then_the_result_is_silence() -> None:
    tone = np.sin(2 * np.pi * 440.0 * np.arange(8000) / 8000)
    payload, code, bits = encode(np.stack([tone, -tone, tone, -tone, tone, -tone], axis=1), "int16")
    audio = read_wav(wav(payload, rate=8000, code=code, bits=bits, channels=6), max_seconds=30)
    assert audio.source_channels == 6
    assert np.max(np.abs(audio.samples)) < 1e-3


def test_when_a_tenth_of_the_samples_hit_full_scale_then_the_clipped_fraction_says_so() -> None:
    ints = np.zeros(16000, dtype="<i2")
    ints[:800] = 32767
    ints[800:1600] = -32768
    audio = read_wav(wav(ints.tobytes(), rate=16000), max_seconds=30)
    assert audio.clipped_fraction == pytest.approx(0.1)


def test_when_float_samples_exceed_full_scale_then_they_count_as_clipped_and_are_limited_to_it() -> None:
    floats = np.full(16000, 0.25, dtype="<f4")
    floats[:4000] = 1.7
    audio = read_wav(wav(floats.tobytes(), rate=16000, code=3, bits=32), max_seconds=30)
    assert audio.clipped_fraction == pytest.approx(0.25)
    assert float(np.max(audio.samples)) == 1.0


def test_when_unknown_chunks_of_odd_length_come_before_the_data_then_they_are_skipped() -> None:
    note = b"LIST" + struct.pack("<I", 5) + b"hello" + b"\x00"
    audio = read_wav(tone_wav(22050, before_data=note), max_seconds=30)
    assert dominant_hz(audio.samples) == pytest.approx(440.0, abs=1.0)


def test_when_the_data_chunk_claims_more_than_the_file_holds_then_the_whole_frames_that_are_there_are_read() -> None:
    payload, _, _ = encode(np.zeros((8001, 1)), "int16")
    # A recorder killed mid-write: the header promised 10 s, half a second and one stray byte arrived.
    audio = read_wav(wav(payload[:-1], rate=16000, data_size=320_000), max_seconds=30)
    assert audio.duration_s == pytest.approx(0.5)
    assert len(audio.samples) == 8000


def test_when_a_path_is_given_then_the_file_reads_as_its_bytes_do(tmp_path: Path) -> None:
    data = tone_wav(48000, "float32", channels=2)
    path = tmp_path / "question.wav"
    path.write_bytes(data)
    assert np.array_equal(read_wav(path, max_seconds=30).samples, read_wav(data, max_seconds=30).samples)


def test_when_the_samples_come_back_then_they_cannot_be_changed_by_accident() -> None:
    audio = read_wav(tone_wav(16000), max_seconds=30)
    with pytest.raises(ValueError, match="read-only"):
        audio.samples[0] = 1.0


def _float_payload(value: float, bits: int) -> bytes:
    floats = np.zeros(1600)
    floats[800] = value
    return floats.astype(f"<f{bits // 8}").tobytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (bytes(range(256)) * 4, "the file is not a WAV file"),
        (b"ID3\x04\x00" + bytes(500), "the file is an MP3 file, not a WAV file"),
        (b"RIFF\x24\x00", "too short to be a WAV file"),
        (tone_wav(16000)[:20], "fmt chunk is cut short"),
        (b"RIFF\x04\x00\x00\x00WAVE", "has no fmt chunk"),
        (tone_wav(16000)[:36], "has no data chunk"),
        (wav(b"", rate=16000), "the audio has no samples"),
        (wav(b"\x01", rate=16000), "the audio has no samples"),
        (wav(b"", rate=16000, data_size=32000), "the audio has no samples"),
        (wav(_float_payload(float("nan"), 32), rate=16000, code=3, bits=32), "the audio has NaN or infinite samples"),
        (wav(_float_payload(float("inf"), 64), rate=16000, code=3, bits=64), "the audio has NaN or infinite samples"),
        (wav(_float_payload(float("-inf"), 32), rate=16000, code=3, bits=32, extensible=True), "NaN or infinite"),
        (tone_wav(8000, seconds=42.0), "the audio is 42.0 s long; the limit is 30 s"),
        (wav(bytes(1000), rate=16000, code=2, bits=4), "encoded as Microsoft ADPCM (WAV format 0x0002)"),
        (wav(bytes(1000), rate=8000, code=7, bits=8), "encoded as mu-law"),
        (wav(bytes(1000), rate=16000, code=0x1234), "an unknown encoding (WAV format 0x1234)"),
        (wav(bytes(1000), rate=16000, bits=12), "the audio is 12-bit PCM"),
        (wav(bytes(1000), rate=16000, code=3, bits=16), "the audio is 16-bit float"),
        (wav(bytes(1000), rate=0), "the sample rate is 0 Hz; it must be between 4000 and 384000 Hz"),
        (wav(bytes(1000), rate=2000), "the sample rate is 2000 Hz"),
        (wav(bytes(1000), rate=1_000_000), "the sample rate is 1000000 Hz"),
        (wav(bytes(1000), rate=16000, channels=0), "no channels"),
    ],
)
def test_when_the_file_is_unusable_then_the_error_says_why_in_one_sentence(data: bytes, message: str) -> None:
    with pytest.raises(AudioError, match=re.escape(message)) as caught:
        read_wav(data, max_seconds=30)
    assert "\n" not in str(caught.value)


def test_when_the_extensible_header_names_an_unknown_guid_then_the_error_says_so() -> None:
    data = bytearray(tone_wav(16000, extensible=True))
    data[46:60] = bytes(14)  # the GUID's tail, zeroed
    with pytest.raises(AudioError, match="unknown encoding"):
        read_wav(bytes(data), max_seconds=30)


def test_when_the_path_does_not_exist_then_the_error_says_it_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="can't be read: No such file or directory"):
        read_wav(tmp_path / "missing.wav", max_seconds=30)


def test_when_a_recording_is_over_the_limit_then_it_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    path.write_bytes(wav(bytes(60 * 48000 * 2 * 2), rate=48000, channels=2))  # a minute, 11 MB
    tracemalloc.start()
    try:
        with pytest.raises(AudioError, match=re.escape("the audio is 60.0 s long; the limit is 30 s")):
            read_wav(path, max_seconds=30)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def _peak_bytes(data: bytes) -> int:
    tracemalloc.start()
    try:
        read_wav(data, max_seconds=30)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_when_a_recording_has_many_channels_then_reading_it_takes_no_more_memory_than_mono() -> None:
    mono = wav(bytes(10 * 48000 * 2), rate=48000)
    many = wav(bytes(10 * 48000 * 16 * 2), rate=48000, channels=16)  # 15 MB
    assert _peak_bytes(many) < 1.5 * _peak_bytes(mono)
    assert _peak_bytes(many) < len(many)


def test_when_raw_pcm16_is_given_then_it_is_read_at_its_rate() -> None:
    t = np.arange(8000) / 8000
    ints = np.round(0.5 * np.sin(2 * np.pi * 440.0 * t) * 32767).astype("<i2")
    audio = pcm16_audio(ints.tobytes(), sample_rate=8000)
    assert audio.duration_s == pytest.approx(1.0)
    assert len(audio.samples) == SAMPLE_RATE
    assert dominant_hz(audio.samples) == pytest.approx(440.0, abs=1.0)


@pytest.mark.parametrize(
    ("data", "rate", "seconds", "message"),
    [
        (b"\x00\x01\x02", 16000, 30.0, "even number of bytes, not 3"),
        (b"", 16000, 30.0, "the audio has no samples"),
        (bytes(64000), 16000, 1.5, "the audio is 2.0 s long; the limit is 1.5 s"),
        (bytes(100), 0, 30.0, "the sample rate is 0 Hz"),
    ],
)
def test_when_raw_pcm16_is_unusable_then_the_error_says_why(
    data: bytes, rate: int, seconds: float, message: str
) -> None:
    with pytest.raises(AudioError, match=re.escape(message)):
        pcm16_audio(data, sample_rate=rate, max_seconds=seconds)


def _stream(samples: npt.NDArray[np.float32], rate: int, chunk: int) -> npt.NDArray[np.float32]:
    resampler = StreamResampler(rate)
    pieces = [resampler(samples[start : start + chunk]) for start in range(0, len(samples), chunk)]
    return np.concatenate([*pieces, resampler.flush()])


@pytest.mark.parametrize("rate", [4001, 8000, 11025, 22050, 44100, 48000])
def test_when_a_stream_is_resampled_chunk_by_chunk_then_the_chunk_size_leaves_no_trace(rate: int) -> None:
    t = np.arange(rate) / rate
    tones = (0.5 * np.sin(2 * np.pi * 440.0 * t) + 0.2 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    by_chunk = {chunk: _stream(tones, rate, chunk) for chunk in (7, 441, rate // 10, rate)}
    first = by_chunk[7]
    assert all(np.array_equal(first, other) for other in by_chunk.values())
    assert len(first) == SAMPLE_RATE
    # The same as resampling the whole recording at once, away from its two edges (50 ms each).
    assert np.max(np.abs(first - resample(tones, rate, SAMPLE_RATE))[800:-800]) < 1e-3


def test_when_a_stream_carries_sound_above_8_khz_then_resampling_filters_it_out_rather_than_aliasing_it() -> None:
    rate = 44100
    high = (0.5 * np.sin(2 * np.pi * 10_000.0 * np.arange(rate) / rate)).astype(np.float32)
    assert np.max(np.abs(_stream(high, rate, rate // 10)[200:-200])) < 0.005


def test_when_a_stream_resampler_is_asked_for_an_impossible_rate_then_it_says_the_range() -> None:
    with pytest.raises(ValueError, match="a rate must be between 4000 and 384000 Hz, not 1000"):
        StreamResampler(1000)
