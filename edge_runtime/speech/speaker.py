"""Speech out: espeak-ng reads the answers aloud, and writes the demo's spoken question.

espeak-ng is a small program found on most Linux systems (and in every package manager), with no model to
download; its voice is robotic, but Whisper understands it. It runs as a subprocess that reads the text on
stdin: an answer never becomes a command-line option, whatever it starts with.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

logger = logging.getLogger(__name__)

ESPEAK: Final[str] = "espeak-ng"
INSTALL_HINT: Final[str] = "install it with: apt-get install espeak-ng (Debian, Ubuntu) or brew install espeak-ng"


class SpeakerError(RuntimeError):
    """espeak-ng is missing or failed; the message says which and what to do."""


def _run(command: list[str], text: str, timeout_s: float) -> None:
    try:
        # espeak-ng opens the sound card even when it writes a file, and ALSA complains on stderr when there
        # is none: its stderr is kept for the error message, never shown.
        result = subprocess.run(
            command, input=text.encode("utf-8"), capture_output=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SpeakerError(f"{ESPEAK} took more than {timeout_s:.0f} s and was stopped") from error
    except OSError as error:
        raise SpeakerError(f"{ESPEAK} could not be started ({error.strerror or error}); {INSTALL_HINT}") from error
    if result.returncode != 0:
        last = result.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:] or ["no message"]
        raise SpeakerError(f"{ESPEAK} failed with exit status {result.returncode}: {last[0]}")


@dataclass(frozen=True)
class Speaker:
    """Text read aloud on the default sound output.

    Attributes:
        executable: the espeak-ng program.
        voice: an espeak-ng voice name.
        words_per_minute: the speaking rate.
    """

    executable: str
    voice: str = "en-us"
    words_per_minute: int = 160

    @classmethod
    def find(cls) -> Speaker | None:
        """The espeak-ng on PATH, or ``None`` when there is none."""
        executable = shutil.which(ESPEAK)
        return None if executable is None else cls(executable)

    def say(self, text: str) -> None:
        """Speak ``text`` and return when it has been said; :class:`SpeakerError` if espeak-ng fails."""
        if not text.strip():
            return
        # Generous: the time the words take at the speaking rate, twice over, and ten seconds to start.
        timeout_s = 10 + 2 * 60 * len(text.split()) / self.words_per_minute
        self._speak(["-v", self.voice, "-s", str(self.words_per_minute), "--stdin"], text, timeout_s)

    def write(self, text: str, path: Path) -> Path:
        """``text`` spoken into a WAV file at ``path`` (espeak-ng's 22,050 Hz mono), not played."""
        self._speak(["-v", self.voice, "-s", str(self.words_per_minute), "-w", str(path), "--stdin"], text, 60)
        return path

    def _speak(self, options: list[str], text: str, timeout_s: float) -> None:
        logger.debug("speaking %r", text)
        _run([self.executable, *options], text, timeout_s)
