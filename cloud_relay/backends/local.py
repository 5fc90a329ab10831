"""The embedded stand-in: SmolLM2-135M-Instruct on onnxruntime-genai, answering when no frontier model is set.

It is the base model the project already builds for the edge's specialists (``python -m export prepare``
writes ``models/v1/specialists/int8``), run without an adapter: a small general model, so the relay
answers offline out of the box, and every answer is marked ``local_stand_in`` for the device to say so.
Greedy decoding (the same question gets the same answer), the model's own chat template, one generation
at a time (the model session is shared), and the call's deadline checked at every token.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from cloud_relay.backends.base import ChatMessage, Delta, Event, Finished
from cloud_relay.deadline import Deadline
from cloud_relay.errors import BackendError, DeadlineError

logger = logging.getLogger(__name__)

NAME: Final[str] = "local"
MODEL: Final[str] = "SmolLM2-135M-Instruct"
BUILD_COMMAND: Final[str] = "python -m export prepare"
#: The files onnxruntime-genai needs in the model folder.
REQUIRED_FILES: Final[tuple[str, ...]] = ("genai_config.json", "model.onnx", "tokenizer.json")
IM_START: Final[str] = "<|im_start|>"
IM_END: Final[str] = "<|im_end|>"


class LocalModelError(RuntimeError):
    """The local model can't be loaded; the message lists what exists and how to build it."""


def chat_prompt(messages: Sequence[ChatMessage]) -> str:
    """SmolLM2's chat template (ChatML): each message between ``<|im_start|>role`` and ``<|im_end|>``."""
    turns = "".join(f"{IM_START}{message.role}\n{message.content}{IM_END}\n" for message in messages)
    return f"{turns}{IM_START}assistant\n"


def _missing_model(model_dir: Path, missing: list[str]) -> LocalModelError:
    folder = model_dir if model_dir.is_dir() else model_dir.parent
    if folder.is_dir():
        present = ", ".join(sorted(path.name for path in folder.iterdir())) or "nothing"
        where = f"{folder} holds: {present}"
    else:
        where = f"{folder} does not exist"
    return LocalModelError(
        f"no local model in {model_dir} (missing: {', '.join(missing)}; {where}); build it with "
        f"{BUILD_COMMAND}, point local_model_dir at an onnxruntime-genai folder, or configure a frontier endpoint"
    )


class LocalBackend:
    """SmolLM2 in this process. Loading takes about a second; an answer of 100 tokens about one more."""

    local_stand_in = True

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
        if missing:
            raise _missing_model(model_dir, missing)
        try:
            import onnxruntime_genai as og
        except ImportError as error:
            raise LocalModelError("the local model needs the onnxruntime-genai package") from error
        config = og.Config(str(model_dir))
        # A fixed thread count without spinning: the relay's gRPC threads share the same cores.
        session = {"intra_op_num_threads": threads, "allow_spinning": "0"}
        config.overlay(json.dumps({"model": {"decoder": {"session_options": session}}}))
        try:
            self._model = og.Model(config)
        except Exception as error:  # onnxruntime-genai raises plain RuntimeErrors with its own text
            raise LocalModelError(f"can't load the local model from {model_dir}: {error}") from error
        self._tokenizer = og.Tokenizer(self._model)
        self._lock = threading.Lock()
        logger.info("local model %s loaded from %s", MODEL, model_dir)

    @property
    def name(self) -> str:
        return NAME

    def stream(self, messages: Sequence[ChatMessage], max_tokens: int, deadline: Deadline) -> Iterator[Event]:
        import onnxruntime_genai as og

        if not self._lock.acquire(timeout=deadline.remaining()):
            raise DeadlineError("the deadline passed while the local model answered other questions")
        try:
            prompt = self._tokenizer.encode(chat_prompt(messages))
            params = og.GeneratorParams(self._model)
            params.set_search_options(max_length=len(prompt) + max_tokens, do_sample=False)
            generator = og.Generator(self._model, params)
            generator.append_tokens(prompt)
            decoder = self._tokenizer.create_stream()
            generated = 0
            while not generator.is_done():
                if deadline.expired():
                    raise DeadlineError("the call's deadline passed while the local model was answering")
                try:
                    generator.generate_next_token()
                except Exception as error:
                    raise BackendError(f"the local model failed: {error}") from error
                generated += 1
                text = decoder.decode(int(generator.get_next_tokens()[0]))
                if text:
                    yield Delta(text)
        finally:
            self._lock.release()
        yield Finished(NAME, MODEL, len(prompt), generated, local_stand_in=True)
