"""The speech front-end: audio in, English text out; the text then goes to the assistant like typed text.

``audio`` reads WAV files and raw PCM into Whisper's 16 kHz mono; ``transcriber`` runs Whisper on it.
Importing this package is cheap: faster-whisper loads only when a ``Transcriber`` is made.
"""

from edge_runtime.speech.audio import SAMPLE_RATE, Audio, AudioError, pcm16_audio, read_wav
from edge_runtime.speech.transcriber import Transcriber, Transcript

__all__ = ["SAMPLE_RATE", "Audio", "AudioError", "Transcriber", "Transcript", "pcm16_audio", "read_wav"]
