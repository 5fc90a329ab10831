"""The router: one utterance in, one of the contract's labels out, with the int8 ONNX encoder.

Runs on onnxruntime (the shared library the specialists use, see ``ort_session``) and tokenizers alone.
Low-confidence predictions become ``escalate``: the threshold was calibrated on the validation split at
build time and is read from the manifest.

The same encoder pass also scores each specialist's tools (the tool head, ``tools.schemas.TOOL_HEAD``);
the specialist weighs those scores with its own when it picks the tool to call.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from edge_runtime.labels import ESCALATE, ROUTER_LABELS
from edge_runtime.manifest import BUILD_COMMAND, Manifest, ModelError
from edge_runtime.ort_session import Session, open_session
from edge_runtime.tools.schemas import TOOL_HEAD, tool_input

logger = logging.getLogger(__name__)

VARIANTS = ("int8", "fp32")
#: The manifest key of a variant's external weights file is the variant's key with this suffix.
WEIGHTS_SUFFIX = ":weights"


def weights_path(model_path: Path) -> Path:
    """Where an ONNX graph's external weights file sits: ``model.int8.onnx.data`` beside ``model.int8.onnx``."""
    return model_path.with_name(model_path.name + ".data")


@dataclass(frozen=True)
class RouterOptions:
    """How the router runs.

    Attributes:
        variant: ``int8`` (what ships) or ``fp32`` (the reference, for benchmarks).
        threads: onnxruntime intra-op threads. One is right beside other models on a small device.
        max_tokens: utterances are cut to this many tokens, [CLS] and [SEP] included.
        max_chars: text beyond this is dropped before tokenizing, so a runaway input costs nothing.
        providers: onnxruntime execution providers in order of preference; CPU is always the fallback.
        batch_size: most utterances in one model call when many are routed together.
    """

    variant: str = "int8"
    threads: int = 1
    max_tokens: int = 128
    max_chars: int = 2000
    providers: tuple[str, ...] = ("CPUExecutionProvider",)
    batch_size: int = 16

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(f"router variant must be one of {', '.join(VARIANTS)}, not {self.variant!r}")
        if self.threads < 1:
            raise ValueError(f"router threads must be at least 1, not {self.threads}")
        if self.batch_size < 1:
            raise ValueError(f"router batch_size must be at least 1, not {self.batch_size}")
        if not 8 <= self.max_tokens <= 512:
            raise ValueError(f"router max_tokens must be between 8 and 512, not {self.max_tokens}")


@dataclass(frozen=True)
class Route:
    """The router's decision for one utterance.

    ``confidence`` is the classifier's probability of its best guess; when it is below the calibrated
    threshold the label is ``escalate`` whatever that guess was. An empty utterance has no label.
    """

    text: str
    label: str | None
    confidence: float | None
    truncated: bool = False
    #: The tool head's logits over ``TOOL_HEAD`` for this utterance; see ``Router.tool_prior``.
    tool_logits: np.ndarray | None = field(default=None, compare=False, repr=False)
    #: The most likely specialist after the best guess, and its probability: where a question goes when
    #: the routed specialist finds it has no tool for it.
    runner_up: tuple[str, float] | None = None


@dataclass(frozen=True)
class Scores:
    """Raw classifier output for a batch: probabilities over ``ROUTER_LABELS``, tool-head logits over
    ``TOOL_HEAD`` and truncation flags."""

    probabilities: np.ndarray
    tool_logits: np.ndarray
    truncated: list[bool]


class Router:
    """A loaded router model. Thread-safe: onnxruntime sessions allow concurrent ``run`` calls."""

    def __init__(self, model_dir: Path, options: RouterOptions | None = None) -> None:
        self.options = options or RouterOptions()
        manifest = Manifest.load(model_dir)
        spec = manifest.model("router")
        labels = tuple(spec.get("labels", ()))
        if labels != ROUTER_LABELS:
            raise ModelError(
                f"the router in {model_dir} was built for labels {labels}, this runtime expects {ROUTER_LABELS}; "
                f"rebuild it with: {BUILD_COMMAND}"
            )
        tool_head = tuple(tuple(entry) for entry in spec.get("tool_head", ()))
        if tool_head != TOOL_HEAD:
            raise ModelError(
                f"the router in {model_dir} scores other tools than this runtime's contract; "
                f"rebuild it with: {BUILD_COMMAND}"
            )
        try:
            self.threshold = float(spec["confidence_threshold"])
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(
                f"the router in {model_dir} has no usable confidence_threshold; rebuild it with: {BUILD_COMMAND}"
            ) from error
        model_path = manifest.verified_path("router", self.options.variant)
        # A build whose weights sit beside the graph (see export.onnx_router.move_weights_out).
        weights_key = f"{self.options.variant}{WEIGHTS_SUFFIX}"
        if weights_key in spec.get("files", {}):
            manifest.verified_path("router", weights_key)
        tokenizer_path = manifest.verified_path("router", "tokenizer")

        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.options.max_tokens)
        self._session = self._open_session(model_path)
        logger.info("router loaded: %s (%s, %d thread(s))", model_path, self.options.variant, self.options.threads)

    def _open_session(self, path: Path) -> Session:
        config = {
            # Spinning threads burn the cores that Whisper and the specialists share with the router.
            "session.intra_op.allow_spinning": "0",
            # Denormal floats carry no signal in a classifier and are slow on x86.
            "session.set_denormal_as_zero": "1",
        }
        try:
            return open_session(path, threads=self.options.threads, providers=self.options.providers, config=config)
        except Exception as error:  # onnxruntime raises several unrelated exception types for a bad graph
            raise ModelError(
                f"router model {path} could not be loaded ({error}); rebuild it with: {BUILD_COMMAND}"
            ) from error

    def scores(self, texts: Sequence[str]) -> Scores:
        """Class probabilities for non-empty texts, in one padded batch."""
        clipped = [text[: self.options.max_chars] for text in texts]
        # encode() for one text skips the batch machinery: a person's question is routed alone.
        encodings = [self._tokenizer.encode(clipped[0])] if len(clipped) == 1 else self._tokenizer.encode_batch(clipped)
        truncated = [
            bool(encoding.overflowing) or len(text) < len(original)
            for encoding, text, original in zip(encodings, clipped, texts, strict=True)
        ]
        width = max(len(encoding.ids) for encoding in encodings)
        input_ids = np.zeros((len(encodings), width), dtype=np.int64)
        attention = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            input_ids[row, : len(encoding.ids)] = encoding.ids
            attention[row, : len(encoding.ids)] = 1
        logits, tool_logits = self._session.run(
            ["logits", "tool_logits"], {"input_ids": input_ids, "attention_mask": attention}
        )
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(shifted)
        return Scores(probabilities=exp / exp.sum(axis=1, keepdims=True), tool_logits=tool_logits, truncated=truncated)

    def route(self, texts: Sequence[str]) -> list[Route]:
        """Route utterances, returned in their order. Blank utterances get a route with no label.

        Many utterances are run in sub-batches of similar length: padding every row to the longest one
        costs more than batching saves. int8 confidences shift slightly with a batch's make-up (dynamic
        quantization picks one activation scale per batch); labels agree with one-at-a-time routing on
        over 99% of the held-out split.
        """
        routes: list[Route | None] = [None] * len(texts)
        wanted = sorted((index for index, text in enumerate(texts) if text.strip()), key=lambda i: len(texts[i]))
        size = self.options.batch_size
        for start in range(0, len(wanted), size):
            chunk = wanted[start : start + size]
            scores = self.scores([texts[index].strip() for index in chunk])
            for row, index in enumerate(chunk):
                probabilities = scores.probabilities[row]
                best = int(probabilities.argmax())
                confidence = float(probabilities[best])
                label = ROUTER_LABELS[best] if confidence >= self.threshold else ESCALATE
                others = [i for i in np.argsort(-probabilities) if i != best and ROUTER_LABELS[i] != ESCALATE]
                runner_up = (ROUTER_LABELS[others[0]], float(probabilities[others[0]])) if others else None
                routes[index] = Route(
                    texts[index],
                    label,
                    confidence,
                    scores.truncated[row],
                    tool_logits=scores.tool_logits[row],
                    runner_up=runner_up,
                )
        return [route or Route(texts[index], None, None) for index, route in enumerate(routes)]

    def tool_prior(self, label: str, tool_logits: np.ndarray) -> dict[str, float]:
        """Log-probabilities of ``label``'s choices (its tools, then out-of-scope) from one row of tool logits."""
        columns = [index for index, (owner, _) in enumerate(TOOL_HEAD) if owner == label]
        if not columns:
            raise KeyError(f"the tool head has no choices for {label!r}")
        own = tool_logits[columns].astype(np.float64)
        log_probs = own - own.max() - np.log(np.exp(own - own.max()).sum())
        return {TOOL_HEAD[index][1]: float(value) for index, value in zip(columns, log_probs, strict=True)}

    def tool_scores(self, label: str, text: str, previous: str | None = None) -> dict[str, float]:
        """``tool_prior`` for an utterance read after a previous call (a follow-up), or alone."""
        scores = self.scores([tool_input(text.strip(), previous)])
        return self.tool_prior(label, scores.tool_logits[0])

    def choice_prior(self, route: Route, label: str, previous: str | None = None) -> dict[str, float]:
        """``label``'s choice scores for a routed utterance: from the routing pass itself, or, when the
        utterance is read after a previous call, from one more pass over both."""
        if previous is None and route.tool_logits is not None:
            return self.tool_prior(label, route.tool_logits)
        return self.tool_scores(label, route.text, previous)

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for ``text``, [CLS] and [SEP] included, after truncation."""
        return len(self._tokenizer.encode(text[: self.options.max_chars]).ids)

    def route_one(self, text: str) -> Route:
        return self.route([text])[0]
