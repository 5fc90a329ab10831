"""The benchmark's peer: nearest-neighbour routing over all-MiniLM-L6-v2 sentence embeddings.

This is how embedding routers such as semantic-router decide: embed the utterance, compare it with
embedded example utterances of each route, take the closest. No fine-tuning; the examples are the
router's own training split. The encoder is the untuned base model, exported and quantized with the
router's own recipe so that speed compares like with like.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from edge_runtime.labels import ROUTER_LABELS
from edge_runtime.router import weights_path
from export.datasets import LabelledText

CACHE = Path(__file__).resolve().parent / ".cache"
NEIGHBOURS = 10


def _export_encoder(target: Path) -> None:
    """Base MiniLM with mean pooling and L2 normalisation (what sentence-transformers computes), int8."""
    import torch
    from transformers import AutoModel

    from export.onnx_router import QuantRecipe, export_fp32, quantize_int8
    from export.router_train import base_model_dir

    class Embedder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base_model_dir()), dtype=torch.float32)

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    fp32 = target.with_name("embedder.fp32.onnx")
    export_fp32(Embedder(), fp32, outputs=("embedding",))
    quantize_int8(fp32, target, QuantRecipe())
    fp32.unlink()


def encoder_path() -> Path:
    """The peer's int8 encoder, exported on first use (with torch, so before any measurement starts)."""
    model = CACHE / "embedder.int8.onnx"
    if not model.is_file():
        CACHE.mkdir(exist_ok=True)
        _export_encoder(model)
    return model


@dataclass
class KnnPeer:
    """Route by a similarity-weighted vote of the nearest training utterances."""

    session: onnxruntime.InferenceSession
    tokenizer: Tokenizer
    index: np.ndarray
    labels: np.ndarray
    size_bytes: int

    @classmethod
    def fit(cls, examples: Sequence[LabelledText]) -> KnnPeer:
        from export.router_train import base_model_dir

        model = encoder_path()
        settings = onnxruntime.SessionOptions()
        settings.intra_op_num_threads = 1
        settings.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(str(model), settings, providers=["CPUExecutionProvider"])
        tokenizer = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
        tokenizer.no_padding()
        tokenizer.enable_truncation(128)
        peer = cls(session, tokenizer, np.zeros((0, 384), np.float32), np.zeros(0, np.int64), _model_bytes(model))
        texts = [example.text for example in examples]
        peer.index = np.concatenate([peer.embed(texts[i : i + 64]) for i in range(0, len(texts), 64)])
        peer.labels = np.array([ROUTER_LABELS.index(example.label) for example in examples])
        return peer

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer.encode(text).ids)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), np.int64)
        mask = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Vote shares per label among the nearest neighbours, weighted by cosine similarity."""
        similarity = self.embed(texts) @ self.index.T
        nearest = np.argpartition(-similarity, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        out = np.zeros((len(texts), len(ROUTER_LABELS)))
        for row in range(len(texts)):
            weights = np.clip(similarity[row, nearest[row]], 0.0, None)
            np.add.at(out[row], self.labels[nearest[row]], weights)
            out[row] /= max(out[row].sum(), 1e-9)
        return out


def _model_bytes(model: Path) -> int:
    """The ONNX graph's size with its weights file beside it, if any."""
    weights = weights_path(model)
    return model.stat().st_size + (weights.stat().st_size if weights.is_file() else 0)
