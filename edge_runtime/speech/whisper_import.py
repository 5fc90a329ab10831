"""faster-whisper, imported without loading PyAV until something uses it.

faster-whisper imports PyAV (ffmpeg's libraries) as it is imported, for ``decode_audio``, which reads
audio files. The assistant reads audio itself (``speech.audio``) and gives faster-whisper samples, so
PyAV is registered as a deferred module first: it loads on first use, which the assistant never makes.
Imported eagerly, it held 17 MiB of resident memory (2-core x86-64 VM).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from typing import Any

from edge_runtime.manifest import ModelError


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet; its first attribute read imports it.

    ``importlib.util.LazyLoader`` would not do: an ``import`` statement reads ``__spec__`` of a module it
    finds in ``sys.modules``, which makes a lazy module load at once.
    """

    def __getattr__(self, attribute: str) -> Any:
        real = self.__dict__.get("_real")
        if real is None:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            self.__dict__["_real"] = real
        return getattr(real, attribute)


def _defer(name: str) -> None:
    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = _Deferred(name)


def import_faster_whisper() -> types.ModuleType:
    """The ``faster_whisper`` package, with PyAV deferred."""
    # The daemon loads local files only: should anything in faster-whisper reach for the hub, it fails.
    os.environ["HF_HUB_OFFLINE"] = "1"
    _defer("av")
    try:
        return importlib.import_module("faster_whisper")
    except ImportError as error:
        raise ModelError(
            "speech recognition needs faster-whisper; install it with: pip install faster-whisper"
        ) from error
