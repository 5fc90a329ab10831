"""Export the router to ONNX (fp32) and quantize it to int8 for the daemon."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import onnx
import onnxruntime
import torch
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.transformers.optimizer import optimize_model

from edge_runtime.router import weights_path

OPSET = 17
#: The router graph's outputs: label logits, then tool logits (see export.router_train.RouterClassifier).
OUTPUTS = ("logits", "tool_logits")


@dataclass(frozen=True)
class QuantRecipe:
    """How the int8 router is made; recorded in the manifest and part of the build key.

    Dynamic quantization needs no calibration set and keeps activations in float between layers, which is
    what a small encoder on a phone or Pi CPU wants: int8 weights (a quarter of the size), int8 matmuls
    (VNNI on x86, SDOT on arm64), activations quantized per call.
    """

    method: str = "dynamic"
    weight_type: str = "int8"
    # Per-channel scales keep the few large-magnitude output channels of BERT's feed-forward layers from
    # crushing the resolution of all the others.
    per_channel: bool = True
    # reduce_range trades precision for old CPUs without VNNI that overflow int16 accumulators; the
    # targets (AVX-512 VNNI, AVX2, arm64) don't need it.
    reduce_range: bool = False
    # BERT's attention, LayerNorm and GELU fused before quantization, so the int8 graph keeps the fusions.
    fuse_bert_ops: bool = True
    #: The attention implementation traced into the graph (see export_fp32).
    attention: str = "eager"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "tool": f"onnxruntime {onnxruntime.__version__}", "opset": OPSET}


def export_fp32(
    model: torch.nn.Module,
    path: Path,
    fuse: bool = True,
    attention: str = "eager",
    outputs: Sequence[str] = OUTPUTS,
) -> None:
    """Write the router (its encoder as ``model.encoder``) as fp32 ONNX with dynamic batch and sequence.

    ``outputs`` names what ``model`` returns, one name per tensor: the router's two heads by default.
    """
    model.eval()
    # Traced from PyTorch's fused SDPA, attention becomes a tangle of Where/IsNaN ops that onnxruntime
    # cannot fuse; the eager implementation (the same math) is exported as one Attention op, which
    # quantizes to QAttention: about 10% faster int8 on one core.
    encoder: Any = model.encoder
    encoder.set_attn_implementation(attention)
    example_ids = torch.tensor([[101, 2129, 2172, 2106, 1045, 5247, 2006, 102]], dtype=torch.int64)
    example_mask = torch.ones_like(example_ids)
    raw = path.with_suffix(".raw.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (example_ids, example_mask),
            str(raw),
            input_names=["input_ids", "attention_mask"],
            output_names=list(outputs),
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                **{name: {0: "batch"} for name in outputs},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    if fuse:
        config: Any = encoder.config
        _fuse(raw, path, hidden_size=int(config.hidden_size), heads=int(config.num_attention_heads))
        raw.unlink()
    else:
        raw.replace(path)


def _fuse(source: Path, target: Path, hidden_size: int, heads: int) -> None:
    optimized = optimize_model(
        str(source), model_type="bert", num_heads=heads, hidden_size=hidden_size, opt_level=1, use_gpu=False
    )
    optimized.save_model_to_file(str(target))


def quantize_int8(fp32_path: Path, int8_path: Path, recipe: QuantRecipe) -> None:
    # The quantizer advises shape pre-processing on the root logger for every model; the fused graph
    # has its shapes already, so the advice is noise in the build's output.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(
            str(fp32_path),
            str(int8_path),
            per_channel=recipe.per_channel,
            reduce_range=recipe.reduce_range,
            weight_type=QuantType.QInt8,
            # The fused contrib ops (BiasGelu, SkipLayerNormalization) defeat ONNX shape inference; their
            # outputs are float activations.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(level)
    move_weights_out(int8_path)


def move_weights_out(path: Path) -> None:
    """Rewrite the ONNX file ``path`` with its weights in a file of their own beside it (``weights_path``).

    onnxruntime maps a weights file into memory instead of reading it onto the heap with the graph, and the
    pages it has copied from (into pre-packed int8 kernels) stop counting once the session is built: the
    int8 router's session takes 15 MiB less resident memory, and 21 MiB less at its peak while loading
    (measured on the 2-core x86-64 VM). The outputs are the same, bit for bit.
    """
    model = onnx.load(str(path))
    data = weights_path(path)
    data.unlink(missing_ok=True)
    onnx.save_model(
        model,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=data.name,
        size_threshold=1024,
    )
    data.chmod(path.stat().st_mode & 0o777)  # onnx writes it for its owner alone
