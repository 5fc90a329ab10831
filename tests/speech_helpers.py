"""Real speech for the tests: sentences said by espeak-ng, and WAV files written by the stdlib's writer."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from edge_runtime.speech import SAMPLE_RATE, read_wav


def espeak_wav(text: str, path: Path) -> Path:
    """Write ``text`` said by espeak-ng (US English, 150 words a minute; 22,050 Hz mono 16-bit) to ``path``."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        pytest.fail("espeak-ng is missing; scripts/setup.sh installs it (apt-get install espeak-ng)")
    subprocess.run([espeak, "-v", "en-us", "-s", "150", "-w", str(path), text], check=True, timeout=60)
    return path


def say(text: str) -> npt.NDArray[np.float32]:
    """``text`` said by espeak-ng, as 16 kHz mono samples."""
    with tempfile.TemporaryDirectory() as directory:
        return np.array(read_wav(espeak_wav(text, Path(directory) / "speech.wav"), 600).samples)


def silence(seconds: float) -> npt.NDArray[np.float32]:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def write_wav(path: Path, samples: npt.NDArray[np.floating], rate: int = SAMPLE_RATE) -> Path:
    """16-bit mono PCM with the stdlib's writer: independent of the parser under test."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.round(np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path
