"""The specialists' generation engine: one onnxruntime-genai base model, one LoRA adapter per specialist.

Every specialist shares the base model's weights in memory; a request activates its specialist's
adapter. Decoding is constrained to the specialist's call schema (``tools.schemas.call_schema``), so the
output is always one valid call of its own tools, or the out-of-scope signal: never free text, never an
unknown tool, never a malformed argument.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from edge_runtime.manifest import BUILD_COMMAND, Manifest, ModelError
from edge_runtime.specialists.prompt import render_prompt
from edge_runtime.tools.schemas import call_schema

logger = logging.getLogger(__name__)

#: Beside a base model converted on this device to other bytes than the evaluated build, with the same outputs.
LOCAL_BUILD = "local-build.json"
#: Most tokens a call may take; the longest calls of the contract need about 60.
MAX_CALL_TOKENS = 96
#: Most characters of an utterance given to a specialist (the router reads no more either).
MAX_TEXT_CHARS = 600


@dataclass(frozen=True)
class SpecialistOptions:
    """How the specialists run.

    Attributes:
        variant: which build of the base model to load (``int4``, ``int8`` or ``fp32``); ``None`` takes
            the one the manifest marks as chosen.
        threads: intra-op threads of the base model's session.
        fast_forward: let the grammar append the tokens it forces (``{"name":"``, argument names, ...)
            in one step instead of one token per step; the output is the same, fewer steps run.
    """

    variant: str | None = None
    threads: int = 1
    fast_forward: bool = True


@dataclass(frozen=True)
class Generation:
    """One specialist's output for one utterance."""

    label: str
    text: str  # the raw JSON the model wrote
    call: dict[str, Any]  # parsed: {"name": ..., "arguments": {...}} or {"name": "out_of_scope"}
    prompt_tokens: int
    generated_tokens: int
    milliseconds: float


class SpecialistEngine:
    """Loads the base model and every adapter once; generates one call at a time per label."""

    def __init__(
        self, base_dir: Path, adapter_paths: Mapping[str, Path], options: SpecialistOptions | None = None
    ) -> None:
        import onnxruntime_genai as og

        self.options = options or SpecialistOptions()
        self.labels: tuple[str, ...] = tuple(adapter_paths)
        config = og.Config(str(base_dir))
        # A fixed thread count: the router and the speech models share the same few cores.
        session = {"intra_op_num_threads": self.options.threads}
        config.overlay(json.dumps({"model": {"decoder": {"session_options": session}}}))
        try:
            self._model = og.Model(config)
        except Exception as error:  # onnxruntime-genai raises plain RuntimeErrors with its own text
            raise ModelError(f"cannot load the specialists' base model from {base_dir}: {error}") from error
        self._tokenizer = og.Tokenizer(self._model)
        self._adapters = og.Adapters(self._model)
        for label, path in adapter_paths.items():
            try:
                self._adapters.load(str(path), label)
            except Exception as error:  # a file that is not an adapter of this base model
                raise ModelError(f"cannot load the {label} adapter {path}: {error}") from error
        self._schemas = {label: json.dumps(call_schema(label)) for label in self.labels}
        # One generation at a time: the model session is shared and the device has few cores.
        self._lock = threading.Lock()
        self.variant = self.options.variant or base_dir.name

    @classmethod
    def from_manifest(cls, model_dir: Path, options: SpecialistOptions | None = None) -> SpecialistEngine:
        """Load the build the manifest names, after checking every file against its sha256."""
        options = options or SpecialistOptions()
        manifest = Manifest.load(model_dir)
        section = manifest.model("specialists")
        variant = options.variant or str(section.get("chosen", ""))
        variants: Mapping[str, Any] = section.get("variants", {})
        if variant not in variants:
            raise ModelError(
                f"the specialists in {model_dir} have no '{variant}' build (they have: "
                f"{', '.join(sorted(variants)) or 'none'}); build it with: {BUILD_COMMAND}"
            )
        # Verify every file before loading any, so that a corrupt file is reported by name.
        keys: list[str] = variants[variant]["files"]
        base_dir = model_dir / Path(manifest.file("specialists", keys[0]).path).parent
        local = base_dir / LOCAL_BUILD
        if local.is_file():
            # Converted on this device to other bytes with the same outputs (see `python -m export prepare`).
            local_manifest = Manifest(model_dir=model_dir, data={"models": {"specialists": _json(local)}})
            for key in keys:
                local_manifest.verified_path("specialists", key)
        else:
            for key in keys:
                manifest.verified_path("specialists", key)
        adapters = {label: manifest.verified_path("specialists", f"adapter:{label}") for label in section["adapters"]}
        engine = cls(base_dir, adapters, options)
        engine.variant = variant
        return engine

    def generate(self, label: str, text: str, today: date, previous: str | None = None) -> Generation:
        """The call ``label``'s specialist makes for ``text``."""
        import onnxruntime_genai as og

        if label not in self._schemas:
            raise KeyError(f"no specialist for {label!r} (there are: {', '.join(self.labels)})")
        prompt = render_prompt(text[:MAX_TEXT_CHARS], today, previous, label=label)
        started = time.perf_counter()
        with self._lock:
            tokens = self._tokenizer.encode(prompt)
            params = og.GeneratorParams(self._model)
            params.set_search_options(max_length=len(tokens) + MAX_CALL_TOKENS, do_sample=False)
            params.set_guidance("json_schema", self._schemas[label], self.options.fast_forward)
            generator = og.Generator(self._model, params)
            generator.set_active_adapter(self._adapters, label)
            generator.append_tokens(tokens)
            while not generator.is_done():
                generator.generate_next_token()
            sequence = generator.get_sequence(0)
            output = self._tokenizer.decode(sequence[len(tokens) :])
        elapsed = (time.perf_counter() - started) * 1000
        generated = len(sequence) - len(tokens)
        logger.debug("specialist %s wrote %s in %.0f ms", label, output, elapsed)
        try:
            call = json.loads(output)
        except json.JSONDecodeError as error:
            # The grammar makes this unreachable unless the call hit MAX_CALL_TOKENS mid-way.
            raise SpecialistError(f"the {label} specialist wrote an incomplete call ({error})") from error
        return Generation(label, output, call, len(tokens), generated, elapsed)


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{path} is unreadable ({error}); rebuild it with: python -m export prepare") from error
    if not isinstance(data, dict):
        raise ModelError(f"{path} is not a build record; rebuild it with: python -m export prepare")
    return data


class SpecialistError(RuntimeError):
    """A specialist produced no usable call."""
