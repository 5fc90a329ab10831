"""The specialists' generation engine: one onnxruntime-genai base model, one LoRA adapter per specialist.

Every specialist shares the base model's weights in memory; a request activates its specialist's
adapter, and only that adapter is mapped into memory (see ``SpecialistEngine._activate``). Decoding is
constrained to the specialist's call schema (``tools.schemas.call_schema``, as the grammar of
``specialists.grammar``), so the output is always one valid call of its own tools, or the out-of-scope
signal: never free text, never an unknown tool, never a malformed argument. The opening every call shares
is read with the prompt, so the first step already writes the tool's name.

The tool is picked by two opinions: the specialist's own scores for the first token of each tool's name,
and the router's tool head (``Router.tool_prior``), weighted by ``prior_weight``. The weight was chosen
on the validation split at build time; 0 leaves the pick to the specialist alone. The arguments are the
specialist's alone.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from edge_runtime.manifest import BUILD_COMMAND, Manifest, ModelError
from edge_runtime.specialists.accounts import destination_said, ground_transfer_accounts
from edge_runtime.specialists.amounts import ground_amounts
from edge_runtime.specialists.carried import carry_period
from edge_runtime.specialists.categories import ground_category, merchant_as_category
from edge_runtime.specialists.goals import goal_as_said
from edge_runtime.specialists.grammar import CALL_OPENING, call_grammar, forced_rest
from edge_runtime.specialists.intent import card_switch_as_said, document_not_payment, read_not_write
from edge_runtime.specialists.months import ground_month
from edge_runtime.specialists.prompt import render_prompt
from edge_runtime.specialists.years import ground_year
from edge_runtime.tools.schemas import call_schema, tool_choices

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
        fast_forward: let the grammar append the tokens it forces (``","arguments":{"``, argument
            names, ...) in one step instead of one token per step; the output is the same, fewer steps run.
        prior_weight: how much the router's tool scores count against the specialist's own when the
            tool is picked; ``None`` takes the build's (chosen on the validation split), 0 ignores them.
    """

    variant: str | None = None
    threads: int = 1
    fast_forward: bool = True
    prior_weight: float | None = None


@dataclass(frozen=True)
class Generation:
    """One specialist's output for one utterance."""

    label: str
    text: str  # the raw JSON the model wrote
    call: dict[str, Any]  # parsed, amounts held to the question: {"name": ..., "arguments": {...}} or out_of_scope
    prompt_tokens: int
    generated_tokens: int
    milliseconds: float


class SpecialistEngine:
    """Loads the base model once and checks every adapter; generates one call at a time.

    onnxruntime maps an adapter's file and reads its weights from the mapping, so each adapter kept
    loaded stays resident: 3.7 MiB each, 30 MiB for the eight. Only the adapter of the specialist that
    runs is kept loaded; switching costs about 0.4 ms (the file stays in the page cache), against a
    generation's 200 ms and more.
    """

    def __init__(
        self, base_dir: Path, adapter_paths: Mapping[str, Path], options: SpecialistOptions | None = None
    ) -> None:
        import onnxruntime_genai as og

        self.options = options or SpecialistOptions()
        self.labels: tuple[str, ...] = tuple(adapter_paths)
        config = og.Config(str(base_dir))
        # A fixed thread count: the router and the speech models share the same few cores.
        # Without the arena, the memory of one call goes back to malloc (and the system) after it.
        session = {"intra_op_num_threads": self.options.threads, "enable_cpu_mem_arena": False}
        config.overlay(json.dumps({"model": {"decoder": {"session_options": session}}}))
        try:
            self._model = og.Model(config)
        except Exception as error:  # onnxruntime-genai raises plain RuntimeErrors with its own text
            raise ModelError(f"cannot load the specialists' base model from {base_dir}: {error}") from error
        self._tokenizer = og.Tokenizer(self._model)
        self._adapters = og.Adapters(self._model)
        self._adapter_paths = dict(adapter_paths)
        self._loaded: set[str] = set()
        # Each adapter is loaded once here, so that a file that is not an adapter of this base model
        # stops the start rather than a later turn; then only the one in use stays (see _activate).
        for label in self.labels:
            self._load(label)
            self._unload_others(keep=None)
        self._grammars = {label: call_grammar(label) for label in self.labels}
        self._call_schemas = {label: call_schema(label) for label in self.labels}
        self._opening = [int(t) for t in self._tokenizer.encode(CALL_OPENING)]
        # Each choice's name as the tokens the specialists were trained to write it with.
        self._names = {
            label: {choice: tuple(int(t) for t in self._tokenizer.encode(choice)) for choice in tool_choices(label)}
            for label in self.labels
        }
        self.prior_weight = self.options.prior_weight or 0.0
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
        if options.prior_weight is None:
            engine.prior_weight = float(variants[variant].get("prior_weight", 0.0))
        return engine

    def generate(
        self,
        label: str,
        text: str,
        today: date,
        previous: str | None = None,
        prior: Mapping[str, float] | None = None,
    ) -> Generation:
        """The call ``label``'s specialist makes for ``text``.

        ``prior`` holds the router's log-probabilities of the specialist's choices (``Router.tool_prior``);
        without it, or with a zero ``prior_weight``, the specialist picks the tool alone.
        """
        steer = prior is not None and self.prior_weight > 0
        started = time.perf_counter()
        with self._lock:
            generator, prompt_tokens = self._start(label, text, today, previous)
            if steer and prior is not None:
                self._write_name(generator, label, prior)
            output, generated = self._finish(generator, prompt_tokens, label)
            del generator  # it holds the adapter: the next turn may unload it
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("specialist %s wrote %s in %.0f ms", label, output, elapsed)
        try:
            call = json.loads(output)
        except json.JSONDecodeError as error:
            # The grammar makes this unreachable unless the call hit MAX_CALL_TOKENS mid-way.
            raise SpecialistError(f"the {label} specialist wrote an incomplete call ({error})") from error
        grounded = held_to_question(call, text, today, previous, label)
        if grounded is not call:
            logger.debug("arguments held to the question: %s", grounded.get("arguments"))
        return Generation(label, output, grounded, prompt_tokens, generated, elapsed)

    def name_scores(self, label: str, text: str, today: date, previous: str | None = None) -> dict[str, float]:
        """The specialist's own logits for each choice's first name token (choices sharing it share it)."""
        with self._lock:
            generator, _ = self._start(label, text, today, previous)
            logits = np.asarray(generator.get_logits()).reshape(-1)
            del generator
        return {choice: float(logits[tokens[0]]) for choice, tokens in self._names[label].items()}

    def _start(self, label: str, text: str, today: date, previous: str | None) -> tuple[Any, int]:
        """A generator with the prompt and the call's opening read, its grammar set and the specialist's
        adapter active: its logits are the tool name's first token's. Also the prompt's length, so that
        the sequence from there on is the call."""
        import onnxruntime_genai as og

        if label not in self._grammars:
            raise KeyError(f"no specialist for {label!r} (there are: {', '.join(self.labels)})")
        prompt = render_prompt(text[:MAX_TEXT_CHARS], today, previous, label=label)
        tokens = [int(t) for t in self._tokenizer.encode(prompt)]
        params = og.GeneratorParams(self._model)
        params.set_search_options(max_length=len(tokens) + MAX_CALL_TOKENS, do_sample=False)
        params.set_guidance("lark_grammar", self._grammars[label], self.options.fast_forward)
        self._activate(label)
        generator = og.Generator(self._model, params)
        generator.set_active_adapter(self._adapters, label)
        generator.append_tokens(tokens + self._opening)
        return generator, len(tokens)

    def _finish(self, generator: Any, prompt_tokens: int, label: str) -> tuple[str, int]:
        """Step until the call is written, or until the grammar forces all the rest of it: that rest is
        added here, saving the last run of the model, whose only outcome would be the end of the call.
        Returns the call and its length in tokens."""
        while True:
            sequence = generator.get_sequence(0)[prompt_tokens:]
            written = self._tokenizer.decode(sequence)
            if generator.is_done():
                return written, len(sequence)
            rest = forced_rest(written, self._call_schemas[label])
            if rest is not None:
                return written + rest, len(sequence) + len(self._tokenizer.encode(rest))
            generator.generate_next_token()

    def _activate(self, label: str) -> None:
        """Make ``label``'s adapter the one loaded; under the lock, so no other generation is running."""
        self._unload_others(keep=label)
        if label not in self._loaded:
            try:
                self._load(label)
            except ModelError as error:
                # A file removed or replaced since the start: this turn fails, the other specialists go on.
                logger.error("%s", error)
                raise SpecialistError(str(error)) from error

    def _load(self, label: str) -> None:
        path = self._adapter_paths[label]
        try:
            self._adapters.load(str(path), label)
        except Exception as error:  # onnxruntime-genai raises RuntimeError: a missing file, not an adapter
            raise ModelError(f"cannot load the {label} adapter {path}: {error}") from error
        self._loaded.add(label)

    def _unload_others(self, keep: str | None) -> None:
        """Unload every adapter but ``keep``'s; one still held by a generator not yet freed stays for next time."""
        for label in sorted(self._loaded - {keep}):
            try:
                self._adapters.unload(label)
            except RuntimeError as error:  # "Adapter still in use": a generator of an earlier turn lives on
                logger.debug("adapter %s stays loaded for now: %s", label, error)
                continue
            self._loaded.discard(label)

    def _write_name(self, generator: Any, label: str, prior: Mapping[str, float]) -> str:
        """Pick the tool from both opinions, then make the generator write its name; returns the pick."""
        names = self._names[label]
        logits = np.asarray(generator.get_logits(), dtype=np.float32)
        flat = logits.reshape(-1)
        scores = {
            choice: float(flat[tokens[0]]) + self.prior_weight * prior.get(choice, -math.inf)
            for choice, tokens in names.items()
        }
        chosen = max(scores, key=scores.__getitem__)
        target = names[chosen]
        step = 0
        while True:
            rivals = [tokens for choice, tokens in names.items() if choice != chosen and tokens[:step] == target[:step]]
            if step > 0 and not rivals:
                return chosen
            if step < len(target):
                # Only the chosen name's next token is left open; the grammar forbids nothing it allows.
                steered = np.full_like(logits, -np.inf)
                steered.reshape(-1)[target[step]] = 0.0
            else:
                # The chosen name is complete but a rival's goes on ("transfer" / "transfer_status").
                steered = logits.copy()
                for tokens in rivals:
                    if len(tokens) > step:
                        steered.reshape(-1)[tokens[step]] = -np.inf
            generator.set_logits(steered)
            generator.generate_next_token()
            step += 1
            if generator.is_done():
                return chosen
            logits = np.asarray(generator.get_logits(), dtype=np.float32)


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelError(f"{path} is unreadable ({error}); rebuild it with: python -m export prepare") from error
    if not isinstance(data, dict):
        raise ModelError(f"{path} is not a build record; rebuild it with: python -m export prepare")
    return data


def held_to_question(
    call: dict[str, Any], text: str, today: date, previous: str | None = None, label: str | None = None
) -> dict[str, Any]:
    """``call`` held to what the question says outright (see each module): a card is switched on or off
    as asked, no money moves for a request to see a document, a question about how things stand is
    answered with a read tool, never a write, and one about a savings goal's progress with that goal's;
    a transfer goes only to an own account the question (or a follow-up's previous call) names; amounts,
    a transfer's direction, a year or a month, and a spending category are read back from it, and a
    follow-up that names no time keeps the previous period. ``label`` is the specialist that wrote
    ``call``. ``call`` itself when all agree."""
    call = read_not_write(document_not_payment(card_switch_as_said(call, text, label), text), text)
    call = goal_as_said(call, text, label)
    call = ground_amounts(call, text, previous)
    call = destination_said(ground_transfer_accounts(call, text), text, previous)
    call = ground_year(call, text, today)
    call = ground_month(call, text, today)
    call = carry_period(call, text, previous)
    return ground_category(merchant_as_category(call), text, previous)


class SpecialistError(RuntimeError):
    """A specialist produced no usable call."""
