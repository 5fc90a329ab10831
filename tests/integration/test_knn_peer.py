"""The router benchmark's peer: the untuned MiniLM exported as an int8 sentence embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime
import torch
from tokenizers import Tokenizer
from transformers import AutoModel

from benchmarks.knn_peer import _export_encoder
from export.router_train import base_model_dir

TEXTS = ("What's my checking balance?", "How much money is in my checking account?", "I lost my card")


def test_when_the_peer_encoder_is_exported_then_it_embeds_as_the_base_model_does(tmp_path: Path) -> None:
    model = tmp_path / "embedder.int8.onnx"
    _export_encoder(model)
    session = onnxruntime.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    assert [output.name for output in session.get_outputs()] == ["embedding"]
    tokenizer = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    base = AutoModel.from_pretrained(str(base_model_dir()), dtype=torch.float32).eval()
    exported, reference = [], []
    for text in TEXTS:
        ids = np.array([tokenizer.encode(text).ids], np.int64)
        (vector,) = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        exported.append(vector[0])
        with torch.no_grad():
            hidden = base(input_ids=torch.from_numpy(ids)).last_hidden_state[0].mean(dim=0)
        reference.append((hidden / hidden.norm()).numpy())
    assert np.allclose([np.linalg.norm(vector) for vector in exported], 1.0, atol=1e-3)
    # int8 weights move each embedding a little, never far from the base model's own.
    assert min(float(a @ b) for a, b in zip(exported, reference, strict=True)) > 0.98
    balance, paraphrase, lost = exported
    assert balance @ paraphrase > balance @ lost
