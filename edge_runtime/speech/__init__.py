"""The speech front-end: audio in, English text out; the text then goes to the assistant like typed text.

``audio`` reads WAV files and raw PCM into Whisper's 16 kHz mono; ``transcriber`` runs Whisper on it.
For hands-free use, ``microphone`` (or ``replay``, a WAV file played like one) delivers blocks as they are
recorded, ``endpoint`` cuts them into utterances, and ``speaker`` reads answers aloud with espeak-ng.
Importing this package is cheap: faster-whisper loads only when a ``Transcriber`` or an ``Endpointer`` is
made, and PortAudio only when a ``Microphone`` is opened.
"""

from edge_runtime.speech.audio import SAMPLE_RATE, Audio, AudioError, pcm16_audio, read_wav
from edge_runtime.speech.endpoint import Endpointer, Utterance
from edge_runtime.speech.microphone import Microphone, MicrophoneError, list_input_devices
from edge_runtime.speech.replay import WavReplay
from edge_runtime.speech.speaker import Speaker, SpeakerError
from edge_runtime.speech.transcriber import Transcriber, Transcript

__all__ = [
    "SAMPLE_RATE",
    "Audio",
    "AudioError",
    "Endpointer",
    "Microphone",
    "MicrophoneError",
    "Speaker",
    "SpeakerError",
    "Transcriber",
    "Transcript",
    "Utterance",
    "WavReplay",
    "list_input_devices",
    "pcm16_audio",
    "read_wav",
]
