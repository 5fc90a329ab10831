"""The router's export: its int8 weights in a file of their own beside the graph."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from edge_runtime.router import weights_path
from export.onnx_router import move_weights_out


def _matmul_model(path: Path, weights: np.ndarray) -> None:
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])],
        "matmul",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, weights.shape[1]])],
        [numpy_helper.from_array(weights, "w")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.save_model(model, str(path))


def test_when_weights_move_out_then_the_graph_is_small_and_gives_the_same_outputs(tmp_path: Path) -> None:
    weights = np.random.default_rng(0).standard_normal((256, 64)).astype(np.float32)
    path = tmp_path / "model.int8.onnx"
    _matmul_model(path, weights)
    x = np.random.default_rng(1).standard_normal((1, 256)).astype(np.float32)
    before = ort.InferenceSession(str(path)).run(None, {"x": x})[0]

    move_weights_out(path)

    data = weights_path(path)
    assert data == tmp_path / "model.int8.onnx.data"
    assert data.stat().st_size >= weights.nbytes
    assert path.stat().st_size < 1024
    assert stat.S_IMODE(data.stat().st_mode) == stat.S_IMODE(path.stat().st_mode)
    after = ort.InferenceSession(str(path)).run(None, {"x": x})[0]
    np.testing.assert_array_equal(after, before)


def test_when_weights_move_out_twice_then_the_second_time_keeps_one_weights_file(tmp_path: Path) -> None:
    weights = np.ones((64, 64), dtype=np.float32)
    path = tmp_path / "model.int8.onnx"
    _matmul_model(path, weights)
    move_weights_out(path)
    move_weights_out(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.int8.onnx", "model.int8.onnx.data"]
    assert weights_path(path).stat().st_size == weights.nbytes
