"""Export of the specialists: one onnxruntime-genai base model plus one LoRA adapter file per specialist.

The onnxruntime-genai model builder can bake a PEFT LoRA adapter into a model, as two extra MatMuls
beside each adapted linear layer, with the adapter weights stored as constants. To serve many
specialists from one base model in memory, the build:

1. runs the builder once with a *template* adapter of the right shape, keeping the LoRA MatMuls out of
   weight quantization (they stay fp32: the adapters are small and swapped at run time);
2. turns every LoRA weight constant into a graph input with a symbolic rank, whose default is a rank-1
   zero matrix, so the bare base model still runs and behaves as if no adapter were present;
3. computes the logits of the last position only: a specialist reads the next token's logits and
   nothing else, and the LM head over a whole prompt costs a fifth of its compute and a 192 KiB row of
   logits per prompt token;
4. in the int8 build, stores the token embedding in int8 as the GGUF does (``quantize_embedding``), which
   gives the same weights back at a quarter of the memory;
5. writes each specialist's trained LoRA weights, in the same layout (transposed for MatMul, ``B``
   pre-scaled by ``alpha / r``), to an ``.onnx_adapter`` file with onnxruntime's ``AdapterFormat``.

At run time ``og.Adapters(model).load(path, name)`` and ``generator.set_active_adapter(adapters, name)``
select a specialist per request; switching costs nothing beyond feeding different inputs.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

logger = logging.getLogger(__name__)

#: Adapted projections, as PEFT names them and as the builder names their ONNX nodes.
LORA_MODULES: dict[str, str] = {
    "q_proj": "attn/q_proj",
    "k_proj": "attn/k_proj",
    "v_proj": "attn/v_proj",
    "o_proj": "attn/o_proj",
    "gate_proj": "mlp/gate_proj",
    "up_proj": "mlp/up_proj",
    "down_proj": "mlp/down_proj",
}
#: The model's output that the LM head writes.
LOGITS = "logits"
#: The symbolic dimension of adapter inputs, so that adapters of any rank fit the same base model.
RANK_DIM = "lora_rank"

_PEFT_KEY = re.compile(
    r"(?:base_model\.model\.)?model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+_proj)\.lora_([AB])(?:\.default)?\.weight$"
)


@dataclass(frozen=True)
class GenaiPrecision:
    """One onnxruntime-genai build variant."""

    name: str  # "int4", "int8" or "fp32": the directory name and the builder's -p value
    algo_config: str | None = None  # weight-quantization method for int4/int8
    accuracy_level: int | None = None  # MatMulNBits compute: 4 quantizes activations to int8, 1 keeps fp32
    block_size: int | None = None  # weights sharing one scale (the builder's default: 32)
    embedding_block_size: int | None = None  # int8 token embedding, one scale per this many; None keeps fp32


#: The GGUF's token embedding is Q8_0: int8 with one scale per 32 weights. Quantized the same way, it
#: comes back bit for bit (``quantize_embedding``), at a quarter of the bytes.
EMBEDDING_BLOCK_SIZE = 32

PRECISIONS: dict[str, GenaiPrecision] = {
    # k_quant keeps much closer to the fp32 model than round-to-nearest when the base weights were
    # already 4-bit (the GGUF): plain RTN re-quantizes them and drifts from the first token.
    # The builder already gathers the int4 build's embedding from the LM head's 4-bit weights.
    "int4": GenaiPrecision("int4", algo_config="k_quant"),
    # One scale per 128 weights rather than the builder's 32: 24 MiB less once pre-packed, and faster, with
    # the same tool and call accuracy within two calls in 1,340 (validation and test).
    "int8": GenaiPrecision("int8", block_size=128, embedding_block_size=EMBEDDING_BLOCK_SIZE),
    # The reference keeps the builder's graph as it is.
    "fp32": GenaiPrecision("fp32"),
}
#: The builder's token embedding: a Gather from this fp32 table.
EMBEDDING = "model.embed_tokens.weight"


def onnx_weight_name(layer: int, module: str, which: str) -> str:
    """The ONNX initializer (then input) holding one LoRA matrix, as the builder names it."""
    return f"model.layers.{layer}.{LORA_MODULES[module].replace('/', '.')}.lora_{which}.MatMul.weight"


def lora_node_names(layers: Sequence[int], modules: Sequence[str]) -> list[str]:
    """The builder's names of the LoRA MatMul nodes, to keep them out of weight quantization."""
    return [
        f"/model/layers.{layer}/{LORA_MODULES[module]}/lora_{which}/MatMul"
        for layer in layers
        for module in modules
        for which in ("A", "B")
    ]


def build_genai_model(
    *,
    checkpoint: Path,
    template_adapter: Path,
    output: Path,
    precision: GenaiPrecision,
    layers: Sequence[int],
    modules: Sequence[str],
    log_path: Path,
) -> None:
    """Run the onnxruntime-genai model builder; its chatty output goes to ``log_path``."""
    options = [f"adapter_path={template_adapter}"]
    if precision.name != "fp32":
        options.append("nodes_to_exclude=" + ",".join(lora_node_names(layers, modules)))
    if precision.algo_config:
        options.append(f"algo_config={precision.algo_config}")
    if precision.accuracy_level is not None:
        options.append(f"accuracy_level={precision.accuracy_level}")
    if precision.block_size is not None:
        options.append(f"block_size={precision.block_size}")
    command = [
        sys.executable,
        "-m",
        "onnxruntime_genai.models.builder",
        "-i",
        str(checkpoint),
        "-o",
        str(output),
        "-p",
        precision.name,
        "-e",
        "cpu",
        "-c",
        str(output.parent / f".{output.name}.hf-cache"),
        "--extra_options",
        *options,
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    with log_path.open("w") as log:
        result = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the onnxruntime-genai model builder failed ({precision.name}); see {log_path}")


def expose_adapter_inputs(model_dir: Path, embedding_block_size: int | None = None) -> list[str]:
    """Turn the baked LoRA weights of ``model_dir/model.onnx`` into inputs with rank-1 zero defaults.

    The same pass keeps only the last position's logits (``last_position_logits``) and, given a block
    size, stores the token embedding in int8 (``quantize_embedding``). Returns the input names, which
    every adapter file must provide.
    """
    path = model_dir / "model.onnx"
    model = onnx.load(str(path), load_external_data=True)
    graph = model.graph
    if embedding_block_size is not None:
        error = quantize_embedding(graph, embedding_block_size)
        logger.info("token embedding in int8, blocks of %d: largest change %.3g", embedding_block_size, error)
    names: list[str] = []
    kept = []
    for initializer in graph.initializer:
        if ".lora_A." not in initializer.name and ".lora_B." not in initializer.name:
            kept.append(initializer)
            continue
        rows, cols = initializer.dims
        is_a = ".lora_A." in initializer.name
        shape: list[int | str] = [rows, RANK_DIM] if is_a else [RANK_DIM, cols]
        graph.input.append(helper.make_tensor_value_info(initializer.name, TensorProto.FLOAT, shape))
        zeros = np.zeros((rows, 1) if is_a else (1, cols), dtype=np.float32)
        kept.append(numpy_helper.from_array(zeros, initializer.name))
        names.append(initializer.name)
    if not names:
        raise ValueError(f"{path} has no LoRA weights: build it with a template adapter")
    del graph.initializer[:]
    graph.initializer.extend(kept)
    last_position_logits(graph)
    # The builder stamps its version with the git commit of the working directory it ran in; keep the
    # bare version so the same inputs give the same bytes in any checkout.
    model.producer_version = _bare_version(model.producer_version)
    data_name = "model.onnx.data"
    (model_dir / data_name).unlink(missing_ok=True)
    onnx.save_model(
        model,
        str(path),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location=data_name,
        size_threshold=1024,
    )
    return sorted(names)


def quantize_embedding(graph: onnx.GraphProto, block_size: int) -> float:
    """Store the token embedding as int8 with one fp32 scale per ``block_size`` weights of a row.

    The table is mapped from the weights file, and each token looked up for the first time brings its
    row's pages into the process's resident memory for good: over a few hundred questions the fp32 rows
    made the resident set grow by about 30 MiB, and with every token ever seen it would hold the whole
    table (108 MiB). An int8 row takes a quarter of the pages (the whole table, 30 MiB). The lookup stays
    a plain ``Gather`` of the int8 rows and of their scales, dequantized after it; onnxruntime's
    ``GatherBlockQuantized`` reads the whole table on its first call instead.

    Rounding is symmetric (``round(w / scale)``, with ``scale = max |w| / 127`` over the block) as in the
    GGUF's Q8_0, so the GGUF's own Q8_0 embedding comes back unchanged. Returns the largest absolute
    change of a weight.
    """
    table = next((t for t in graph.initializer if t.name == EMBEDDING), None)
    gather = next((n for n in graph.node if n.op_type == "Gather" and n.input[0] == EMBEDDING), None)
    if table is None or gather is None:
        raise ValueError(f"the model has no Gather from {EMBEDDING!r}")
    weights = numpy_helper.to_array(table).astype(np.float32)
    rows, width = weights.shape
    if width % block_size:
        raise ValueError(f"embedding width {width} is not a multiple of the block size {block_size}")
    blocks = weights.reshape(rows, width // block_size, block_size)
    scales = np.abs(blocks).max(axis=2, keepdims=True) / np.float32(127)
    scales[scales == 0] = 1  # an all-zero block: any scale gives zeros back
    levels = np.clip(np.rint(blocks / scales), -127, 127)
    error = float(np.abs(levels * scales - blocks).max())

    prefix = "/model/embed_tokens/int8"
    ids = gather.input[1]
    shapes = {"blocked": [0, 0, width // block_size, block_size], "rows": [0, 0, width]}
    kept = [t for t in graph.initializer if t.name != EMBEDDING]
    kept += [
        numpy_helper.from_array(levels.astype(np.int8).reshape(rows, width), f"{EMBEDDING}_int8"),
        numpy_helper.from_array(scales.astype(np.float32), f"{EMBEDDING}_scales"),
        *(
            numpy_helper.from_array(np.array(shape, dtype=np.int64), f"{prefix}/{name}")
            for name, shape in shapes.items()
        ),
    ]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = [
        helper.make_node("Gather", [f"{EMBEDDING}_int8", ids], [f"{prefix}/levels"], name=f"{prefix}/Gather"),
        helper.make_node(
            "Cast", [f"{prefix}/levels"], [f"{prefix}/float"], name=f"{prefix}/Cast", to=TensorProto.FLOAT
        ),
        helper.make_node(
            "Reshape", [f"{prefix}/float", f"{prefix}/blocked"], [f"{prefix}/blocks"], name=f"{prefix}/Blocks"
        ),
        helper.make_node("Gather", [f"{EMBEDDING}_scales", ids], [f"{prefix}/scales"], name=f"{prefix}/GatherScales"),
        helper.make_node("Mul", [f"{prefix}/blocks", f"{prefix}/scales"], [f"{prefix}/scaled"], name=f"{prefix}/Mul"),
        helper.make_node("Reshape", [f"{prefix}/scaled", f"{prefix}/rows"], list(gather.output), name=f"{prefix}/Rows"),
    ]
    index = list(graph.node).index(gather)
    graph.node.remove(gather)
    for offset, node in enumerate(nodes):
        graph.node.insert(index + offset, node)
    return error


def last_position_logits(graph: onnx.GraphProto) -> None:
    """Make the LM head read the last position's hidden state only, so ``logits`` is ``[batch, 1, vocab]``.

    onnxruntime-genai takes the last position's row of a prompt's logits anyway; the outputs are the same.
    """
    head = next((node for node in graph.node if LOGITS in node.output), None)
    if head is None:
        raise ValueError(f"the model has no node writing {LOGITS!r}")
    prefix = "/lm_head/last_position"
    constants = {"starts": -1, "ends": np.iinfo(np.int64).max, "axes": 1}
    for name, value in constants.items():
        graph.initializer.append(numpy_helper.from_array(np.array([value], dtype=np.int64), f"{prefix}/{name}"))
    last = f"{prefix}/output_0"
    inputs = [head.input[0], *(f"{prefix}/{name}" for name in constants)]
    graph.node.insert(list(graph.node).index(head), helper.make_node("Slice", inputs, [last], name=f"{prefix}/Slice"))
    head.input[0] = last
    output = next(value for value in graph.output if value.name == LOGITS)
    positions = output.type.tensor_type.shape.dim[1]
    positions.Clear()
    positions.dim_value = 1


def _bare_version(version: str) -> str:
    return version.split("+", 1)[0]


def normalise_producer(model_dir: Path) -> None:
    """Drop the checkout-dependent suffix from ``model.onnx``'s producer version, in place."""
    path = model_dir / "model.onnx"
    model = onnx.load(str(path), load_external_data=False)
    if model.producer_version != _bare_version(model.producer_version):
        model.producer_version = _bare_version(model.producer_version)
        onnx.save_model(model, str(path))


def adapter_arrays(state: Mapping[str, np.ndarray], scaling: float) -> dict[str, np.ndarray]:
    """PEFT LoRA weights (``lora_A``: r x in, ``lora_B``: out x r) in the ONNX layout and names."""
    arrays: dict[str, np.ndarray] = {}
    for key, value in state.items():
        match = _PEFT_KEY.search(key)
        if match is None:
            raise ValueError(f"unexpected adapter weight {key!r}")
        layer, module, which = int(match.group(1)), match.group(2), match.group(3)
        matrix = np.ascontiguousarray(value.T, dtype=np.float32)
        if which == "B":
            matrix = matrix * np.float32(scaling)
        arrays[onnx_weight_name(layer, module, which)] = matrix
    return arrays


def write_adapter(arrays: Mapping[str, np.ndarray], expected: Sequence[str], path: Path) -> None:
    """Write one ``.onnx_adapter`` file; it must cover exactly the base model's adapter inputs."""
    import onnxruntime as ort

    missing = sorted(set(expected) - set(arrays))
    extra = sorted(set(arrays) - set(expected))
    if missing or extra:
        raise ValueError(f"adapter does not fit the base model: missing {missing[:3]}, unexpected {extra[:3]}")
    adapter = ort.AdapterFormat()
    adapter.set_adapter_version(1)
    adapter.set_model_version(1)
    adapter.set_parameters({name: ort.OrtValue.ortvalue_from_numpy(arrays[name]) for name in sorted(arrays)})
    path.parent.mkdir(parents=True, exist_ok=True)
    adapter.export_adapter(str(path))
