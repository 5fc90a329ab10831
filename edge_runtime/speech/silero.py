"""faster-whisper's Silero VAD model, loaded once per process on the shared onnxruntime library.

Two parts of the speech front-end run it: the endpointer (``endpoint.py``), window by window as audio
streams in, and faster-whisper's VAD filter, which drops the silence of a whole clip before Whisper reads
it. faster-whisper's own loader (``faster_whisper.vad.get_vad_model``) opens the model with onnxruntime's
Python binding, a second copy of the runtime in the process (see ``edge_runtime.ort_session``), so
:func:`silero_session` loads it on the shared library and hands faster-whisper's VAD filter that session.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from edge_runtime.manifest import ModelError
from edge_runtime.ort_session import Session, open_session
from edge_runtime.speech.whisper_import import import_faster_whisper

#: The Silero VAD model in faster-whisper's package data.
MODEL_FILE: Final[str] = "silero_vad_v6.onnx"


@functools.cache
def silero_session() -> Session:
    """The process's Silero VAD session: one thread, no memory arena, as faster-whisper opens it."""
    faster_whisper = import_faster_whisper()
    vad = faster_whisper.vad
    path = Path(faster_whisper.utils.get_assets_path()) / MODEL_FILE
    try:
        session = open_session(path, threads=1)
    except Exception as error:  # onnxruntime raises its own exception types for a missing or corrupt file
        raise ModelError(
            f"faster-whisper's Silero VAD model could not be loaded ({error}); "
            "reinstall it with: pip install --force-reinstall faster-whisper"
        ) from error
    # faster-whisper's model object runs whatever session it holds; its VAD filter finds it through
    # get_vad_model, which it looks up in its module at each call.
    model = vad.SileroVADModel.__new__(vad.SileroVADModel)
    model.session = session
    vad.get_vad_model = lambda: model
    return session
