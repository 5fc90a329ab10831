"""Build every model the daemon loads into a model directory with a manifest.

The build is keyed by what the models depend on (training data hash, hyper-parameters, base weights'
package version, quantization recipe, calibration and gate). When the model directory already holds a
build with that key and its files match their sha256, there is nothing to do. A candidate that fails
the quality gate is left in the staging directory for inspection and never replaces the models in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from edge_runtime.labels import ROUTER_LABELS
from edge_runtime.manifest import MANIFEST_NAME, FileEntry, Manifest, ModelError
from edge_runtime.router import WEIGHTS_SUFFIX, Router, RouterOptions
from edge_runtime.tools.schemas import TOOL_HEAD, tool_input
from export import datasets, onnx_router, router_eval, router_train, specialist_data

MANIFEST_FORMAT = 1
ROUTER_DIR = "router"
ROUTER_FILES = {
    "fp32": "router/model.fp32.onnx",
    "int8": "router/model.int8.onnx",
    f"int8{WEIGHTS_SUFFIX}": "router/model.int8.onnx.data",
    "tokenizer": "router/tokenizer.json",
}


class GateError(RuntimeError):
    """The candidate model is below the quality gate."""


@dataclass(frozen=True)
class RouterBuild:
    """Everything the router build depends on."""

    train: router_train.TrainConfig = field(default_factory=router_train.TrainConfig)
    quant: onnx_router.QuantRecipe = field(default_factory=onnx_router.QuantRecipe)
    gate: router_eval.GateConfig = field(default_factory=router_eval.GateConfig)
    data_seed: int = datasets.DATA_SEED
    #: Cost of a needless escalation relative to a wrong on-device route, for threshold calibration.
    escalation_cost: float = 0.5
    #: Among equally costly thresholds, the lowest: the cost curve is flat over a wide range, and a
    #: question kept on the device is answered faster and at no cloud cost.
    threshold_tie_break: str = "lowest"
    #: Thresholds (steps of 0.01) on either side whose validation cost is averaged with each candidate's.
    threshold_window: int = router_eval.CALIBRATION_WINDOW

    def training_key(self, data_sha256: str) -> str:
        """What the fine-tuned weights depend on; they are cached under this key."""
        return _digest(
            {
                "labels": ROUTER_LABELS,
                "tool_head": TOOL_HEAD,
                "data_sha256": data_sha256,
                "train": self.train.to_json(),
                "base": [router_train.BASE_PACKAGE, router_train.base_model_version()],
            }
        )

    def key(self, data_sha256: str) -> str:
        """What the whole router build depends on."""
        return _digest(
            {
                "format": MANIFEST_FORMAT,
                "training": self.training_key(data_sha256),
                "quant": {k: v for k, v in self.quant.to_json().items() if k != "tool"},
                "gate": self.gate.to_json(),
                "escalation_cost": self.escalation_cost,
                "threshold_tie_break": self.threshold_tie_break,
                "threshold_window": self.threshold_window,
            }
        )


def tool_examples() -> dict[str, list[router_train.ToolExample]]:
    """The tool head's data, by split: the specialists' examples, split exactly as the specialists split them."""
    splits: dict[str, list[router_train.ToolExample]] = {split: [] for split in datasets.SPLITS}
    for label in specialist_data.TARGET_COUNTS:
        for example in specialist_data.specialist_examples(label):
            choice = json.loads(example.target)["name"]
            text = tool_input(example.text, example.previous)
            splits[specialist_data.split_of(example)].append(router_train.ToolExample(text, label, choice))
    return splits


def tool_data_sha256(splits: dict[str, list[router_train.ToolExample]]) -> str:
    rows = [[split, e.text, e.label, e.choice] for split in sorted(splits) for e in splits[split]]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def training_data_sha256(
    examples: list[datasets.LabelledText], tools: dict[str, list[router_train.ToolExample]]
) -> str:
    """The hash of everything the router trains on: its own examples and the tool head's.

    A change to the specialists' data therefore retrains the router's tool head too.
    """
    return _digest({"router": datasets.dataset_sha256(examples), "tools": tool_data_sha256(tools)})


def _digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
        console=console,
    )


def router_up_to_date(model_dir: Path, key: str) -> bool:
    """True when the model directory holds a router built with ``key`` whose files are intact."""
    try:
        manifest = Manifest.load(model_dir)
        if manifest.model("router").get("build_key") != key:
            return False
        for name in ROUTER_FILES:
            manifest.verified_path("router", name)
    except ModelError:
        return False
    return True


def write_manifest_section(model_dir: Path, name: str, section: dict[str, Any]) -> None:
    """Set one model's section of the manifest, keeping the other models' sections, atomically."""
    path = model_dir / MANIFEST_NAME
    data: dict[str, Any] = {"format": MANIFEST_FORMAT, "models": {}}
    if path.is_file():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(previous.get("models"), dict):
                data["models"] = previous["models"]
        except json.JSONDecodeError:
            pass
    data["models"][name] = section
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def build_router(
    model_dir: Path, config: RouterBuild, console: Console, cache_dir: Path | None = None, force: bool = False
) -> dict[str, Any] | None:
    """Build the router into ``model_dir``; return its manifest section, or None when it was up to date.

    Fine-tuned weights are kept in ``cache_dir`` under their training key, so a change to export,
    quantization, calibration or the gate does not retrain.
    """
    started = time.monotonic()
    examples = datasets.router_dataset(config.data_seed)
    tools = tool_examples()
    tool_sha256 = tool_data_sha256(tools)
    data_sha256 = training_data_sha256(examples, tools)
    key = config.key(data_sha256)
    if not force and router_up_to_date(model_dir, key):
        console.print(f"router: up to date in {model_dir} (build key {key[:12]})")
        return None

    train = datasets.by_split(examples, "train")
    validation = datasets.by_split(examples, "validation")
    test = datasets.by_split(examples, "test")
    console.print(
        f"router: {len(train)} train / {len(validation)} validation / {len(test)} test examples, "
        f"data {data_sha256[:12]}"
    )

    stage = model_dir.parent / f".{model_dir.name}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / ROUTER_DIR).mkdir(parents=True)

    model = _fine_tuned(
        train=train,
        tool_train=tools["train"],
        config=config,
        key=config.training_key(data_sha256),
        cache_dir=cache_dir,
        console=console,
    )

    console.print("router: exporting to ONNX and quantizing to int8")
    onnx_router.export_fp32(
        model, stage / ROUTER_FILES["fp32"], fuse=config.quant.fuse_bert_ops, attention=config.quant.attention
    )
    onnx_router.quantize_int8(stage / ROUTER_FILES["fp32"], stage / ROUTER_FILES["int8"], config.quant)
    shutil.copyfile(router_train.base_model_dir() / "tokenizer.json", stage / ROUTER_FILES["tokenizer"])

    section: dict[str, Any] = {
        "labels": list(ROUTER_LABELS),
        "tool_head": [list(entry) for entry in TOOL_HEAD],
        "confidence_threshold": 0.0,
        "files": {name: FileEntry.of(stage, path).to_json() for name, path in ROUTER_FILES.items()},
    }
    write_manifest_section(stage, "router", section)
    probs, tool_metrics = _evaluate(stage, validation, test, tools, console)
    threshold = router_eval.calibrate_threshold(
        probs["int8", "validation"],
        validation,
        config.escalation_cost,
        config.threshold_tie_break,
        config.threshold_window,
    )
    metrics = {
        variant: {
            "validation": router_eval.report(probs[variant, "validation"], validation, threshold),
            "test": router_eval.report(probs[variant, "test"], test, threshold),
        }
        for variant in ("fp32", "int8")
    }
    section.update(
        {
            "build_key": key,
            "confidence_threshold": threshold,
            "base_model": {
                "name": router_train.BASE_MODEL_NAME,
                "package": router_train.BASE_PACKAGE,
                "package_version": router_train.base_model_version(),
                "license": router_train.BASE_LICENSE,
            },
            "training_data": {
                "sha256": data_sha256,
                "tool_head_sha256": tool_sha256,
                "tool_head_splits": {split: len(rows) for split, rows in tools.items()},
                "seed": config.data_seed,
                "splits": datasets.summary(examples),
                "sources": sorted({example.source for example in examples}),
            },
            "training": {
                **config.train.to_json(),
                "torch": torch.__version__,
                "build_seconds": round(time.monotonic() - started),
            },
            "quantization": config.quant.to_json(),
            "calibration": {
                "objective": "lowest routing cost on the validation split, int8, averaged over neighbouring thresholds",
                "wrong_route_cost": 1.0,
                "escalation_cost": config.escalation_cost,
                "tie_break": config.threshold_tie_break,
                "window": config.threshold_window,
            },
            "gate": config.gate.to_json(),
            "metrics": metrics,
            "tool_head_metrics": tool_metrics,
        }
    )
    write_manifest_section(stage, "router", section)
    print_summary(section, console)

    failures = router_eval.gate_failures(metrics["fp32"]["test"], metrics["int8"]["test"], config.gate)
    if failures:
        raise GateError(
            "router failed the quality gate; the candidate is in " + f"{stage}:\n  " + "\n  ".join(failures)
        )
    _install(stage, model_dir, section)
    return section


def _fine_tuned(
    *,
    train: list[datasets.LabelledText],
    tool_train: list[router_train.ToolExample],
    config: RouterBuild,
    key: str,
    cache_dir: Path | None,
    console: Console,
) -> router_train.RouterClassifier:
    """The fine-tuned router: from the cache when these weights were trained before, else trained now."""
    cached = cache_dir / f"router-{key[:16]}.pt" if cache_dir else None
    if cached is not None and cached.is_file():
        console.print(f"router: fine-tuned weights from {cached}")
        model = router_train.new_router(config.train)
        model.load_state_dict(torch.load(cached, weights_only=True))
        model.eval()
        return model

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    with _progress(console) as progress:
        task = progress.add_task("fine-tune MiniLM", total=None, note="")

        def on_step(step: int, total: int, loss: float) -> None:
            progress.update(task, completed=step, total=total, note=f"loss {loss:.3f}")
            if not console.is_terminal and (step % 50 == 0 or step == total):
                # A log file gets no live bar; a line now and then shows the build is moving.
                console.print(f"fine-tune MiniLM: step {step}/{total}, loss {loss:.3f}")

        model = router_train.train_router(train, config.train, on_step, tool_train)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), cached)
    return model


def _evaluate(
    stage: Path,
    validation: list[datasets.LabelledText],
    test: list[datasets.LabelledText],
    tools: dict[str, list[router_train.ToolExample]],
    console: Console,
) -> tuple[dict[tuple[str, str], np.ndarray], dict[str, Any]]:
    """Label probabilities of both variants on both held-out splits, through the runtime's own router code,
    and the tool head's accuracy on its own held-out splits (its choice alone, before a specialist weighs it).
    """
    probs: dict[tuple[str, str], np.ndarray] = {}
    tool_metrics: dict[str, Any] = {}
    with _progress(console) as progress:
        for variant in ("fp32", "int8"):
            router = Router(stage, RouterOptions(variant=variant, threads=max(1, os.cpu_count() or 1)))
            tool_metrics[variant] = {split: _tool_accuracy(router, tools[split]) for split in ("validation", "test")}
            for split, examples in (("validation", validation), ("test", test)):
                task = progress.add_task(f"evaluate {variant} on {split}", total=len(examples), note="")

                def score(texts: Any, task: Any = task, router: Router = router) -> np.ndarray:
                    result = router.scores(texts).probabilities
                    progress.advance(task, len(texts))
                    return result

                probs[variant, split] = router_eval.probabilities(score, examples)
    return probs, tool_metrics


def _tool_accuracy(router: Router, examples: list[router_train.ToolExample]) -> dict[str, Any]:
    """How often the tool head alone names the right choice, per specialist and overall."""
    hits: dict[str, list[bool]] = {}
    for start in range(0, len(examples), 32):
        batch = examples[start : start + 32]
        logits = router.scores([example.text for example in batch]).tool_logits
        for example, row in zip(batch, logits, strict=True):
            prior = router.tool_prior(example.label, row)
            hits.setdefault(example.label, []).append(max(prior, key=prior.__getitem__) == example.choice)
    total = [hit for rows in hits.values() for hit in rows]
    return {
        "n": len(total),
        "accuracy": sum(total) / len(total) if total else 0.0,
        "per_label": {label: sum(rows) / len(rows) for label, rows in hits.items()},
    }


def _install(stage: Path, model_dir: Path, section: dict[str, Any]) -> None:
    """Move the staged router into the model directory, then point the manifest at it."""
    model_dir.mkdir(parents=True, exist_ok=True)
    target = model_dir / ROUTER_DIR
    previous = model_dir / f"{ROUTER_DIR}.previous"
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    (stage / ROUTER_DIR).rename(target)
    write_manifest_section(model_dir, "router", section)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(stage, ignore_errors=True)


def print_summary(section: dict[str, Any], console: Console) -> None:
    """A table of held-out accuracy per label, fp32 against int8, and the files."""
    metrics = section["metrics"]
    table = Table(title=f"router on the held-out test split (threshold {section['confidence_threshold']:.2f})")
    table.add_column("label")
    table.add_column("n", justify="right")
    table.add_column("fp32", justify="right")
    table.add_column("int8", justify="right")
    for label in ROUTER_LABELS:
        fp32 = metrics["fp32"]["test"]["per_label"][label]
        int8 = metrics["int8"]["test"]["per_label"][label]
        table.add_row(label, str(fp32["n"]), f"{fp32['accuracy']:.1%}", f"{int8['accuracy']:.1%}")
    table.add_row(
        "all",
        str(metrics["fp32"]["test"]["n"]),
        f"{metrics['fp32']['test']['accuracy']:.1%}",
        f"{metrics['int8']['test']['accuracy']:.1%}",
        style="bold",
    )
    console.print(table)
    files = Table(title="router files")
    files.add_column("file")
    files.add_column("MiB", justify="right")
    files.add_column("sha256")
    for entry in section["files"].values():
        files.add_row(entry["path"], f"{entry['bytes'] / 2**20:.1f}", entry["sha256"][:16])
    console.print(files)


def main(model_dir: Path, cache_dir: Path, force: bool = False, only: str | None = None) -> int:
    """Build the router, then the specialists (or only one of them); 0 on success."""
    # Imported here: the specialists' build pulls in peft and the genai builder, which the router does not need.
    from export.specialist_build import SpecialistBuild, SpecialistGateError, build_specialists

    console = Console(stderr=False)
    console.print(
        f"building models into {model_dir} (onnxruntime {onnxruntime.__version__}, torch {torch.__version__})"
    )
    try:
        if only in (None, "router"):
            build_router(model_dir, RouterBuild(), console, cache_dir=cache_dir, force=force)
        if only in (None, "specialists"):
            build_specialists(model_dir, SpecialistBuild(), console, cache_dir=cache_dir, force=force)
    except (GateError, SpecialistGateError) as error:
        console.print(f"[red]build failed:[/red] {error}")
        return 1
    except RuntimeError as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    return 0


def rescore_main(model_dir: Path, cache_dir: Path) -> int:
    """Score the shipped specialists again under this runtime's decoding; 0 when the manifest is updated."""
    from export.specialist_build import SpecialistGateError, rescore_specialists

    console = Console(stderr=False)
    try:
        rescore_specialists(model_dir, cache_dir, console)
    except (ModelError, SpecialistGateError) as error:
        print(f"rescore failed: {error}", file=sys.stderr)
        return 1
    console.print(f"specialists: manifest updated in {model_dir}")
    return 0


def prepare_main(model_dir: Path, cache_dir: Path) -> int:
    """Build the specialists' base model when the model directory lacks it; 0 when it is ready."""
    from export.specialist_build import prepare_base_model

    console = Console(stderr=False)
    try:
        if not prepare_base_model(model_dir, cache_dir, console):
            console.print(f"specialists: base model up to date in {model_dir}")
    except (ModelError, RuntimeError) as error:
        print(f"prepare failed: {error}", file=sys.stderr)
        return 1
    return 0
