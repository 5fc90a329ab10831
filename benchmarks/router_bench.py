"""Router benchmark: fp32 against int8, and a nearest-neighbour peer, measured in one run.

    python -m benchmarks.router_bench [--model-dir DIR] [--out benchmarks/results/router.json]

Each contender runs in its own process, so peak RSS is its own. Latency is measured on one thread, the
way the router runs on a device beside Whisper and the specialists; the 16-token latency is measured
with the contenders interleaved in one process, so that a busy neighbour on a shared machine slows
them all alike. The peer routes by the labels of the nearest training utterances in all-MiniLM-L6-v2
embedding space (how embedding routers such as semantic-router work), with its escalation threshold
calibrated on the same validation split.
Needs the export extra (torch) to export the peer's encoder.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import Row, finish, markdown_table, own_peak_rss_mib, run_worker
from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.labels import ROUTER_LABELS
from edge_runtime.manifest import Manifest
from edge_runtime.router import WEIGHTS_SUFFIX, Router, RouterOptions
from export import datasets, router_eval

#: 16 tokens with [CLS] and [SEP]: the utterance the latency target is stated for.
UTTERANCE_16 = "how much have i spent on groceries and dining out this month so far"
RESULTS = Path(__file__).resolve().parent / "results"
CONTENDERS = ("fp32", "int8", "knn-peer")
WINDOW = 128
BATCH = 16


def _percentiles(samples_s: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_s)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))],
    }


def interleaved_latency(
    scorers: dict[str, Callable[[Sequence[str]], np.ndarray]], text: str, rounds: int = 40, per_round: int = 25
) -> dict[str, dict[str, float]]:
    """p50/p95 of scoring ``text`` alone, taking turns between contenders round by round."""
    samples: dict[str, list[float]] = {name: [] for name in scorers}
    for _ in range(rounds):
        for name, score in scorers.items():
            score([text])  # warm the caches this contender's turn needs
            for _ in range(per_round):
                start = time.perf_counter()
                score([text])
                samples[name].append(time.perf_counter() - start)
    return {name: _percentiles(values) for name, values in samples.items()}


def _measure(
    name: str,
    score: Callable[[Sequence[str]], np.ndarray],
    count_tokens: Callable[[str], int],
    threshold: float,
    size_bytes: int,
) -> dict[str, Any]:
    """Latency, throughput and accuracy of one contender whose ``score`` gives class probabilities."""
    examples = datasets.router_dataset()
    test = datasets.by_split(examples, "test")
    texts = [example.text for example in test]

    per_utterance = []
    probs = []
    for text in texts:
        start = time.perf_counter()
        probs.append(score([text])[0])
        per_utterance.append(time.perf_counter() - start)
    # As `edge-assistant route` batches stdin: windows of lines, sorted by length, in small model batches.
    start = time.perf_counter()
    for window in range(0, len(texts), WINDOW):
        lines = sorted(texts[window : window + WINDOW], key=len)
        for offset in range(0, len(lines), BATCH):
            score(lines[offset : offset + BATCH])
    batched_s = time.perf_counter() - start

    return {
        "name": name,
        "tokens_in_short_utterance": count_tokens(UTTERANCE_16),
        "test_split_per_utterance": _percentiles(per_utterance),
        "batched_utterances_per_s": len(texts) / batched_s,
        "peak_rss_mib": own_peak_rss_mib(),
        "model_mib": size_bytes / 2**20,
        "threshold": threshold,
        "test": router_eval.report(np.array(probs), test, threshold),
    }


def run_router(model_dir: Path, variant: str) -> dict[str, Any]:
    router = Router(model_dir, RouterOptions(variant=variant, threads=1))
    files = Manifest.load(model_dir).model("router")["files"]
    # The graph and, where it has one, its weights file.
    size = sum(int(entry["bytes"]) for key, entry in files.items() if key in (variant, variant + WEIGHTS_SUFFIX))
    return _measure(
        f"router {variant}",
        lambda texts: router.scores(texts).probabilities,
        router.count_tokens,
        router.threshold,
        size,
    )


def run_peer(model_dir: Path) -> dict[str, Any]:
    from benchmarks.knn_peer import KnnPeer

    examples = datasets.router_dataset()
    peer = KnnPeer.fit(datasets.by_split(examples, "train"))
    validation = datasets.by_split(examples, "validation")
    probs = router_eval.probabilities(peer.scores, validation)
    threshold = router_eval.calibrate_threshold(probs, validation, window=router_eval.CALIBRATION_WINDOW)
    return _measure("knn peer", peer.scores, peer.count_tokens, threshold, peer.size_bytes)


def _scorers(model_dir: Path) -> dict[str, Callable[[Sequence[str]], np.ndarray]]:
    from benchmarks.knn_peer import KnnPeer

    routers = {v: Router(model_dir, RouterOptions(variant=v, threads=1)) for v in ("fp32", "int8")}
    peer = KnnPeer.fit(datasets.by_split(datasets.router_dataset(), "train"))
    return {
        "fp32": lambda texts: routers["fp32"].scores(texts).probabilities,
        "int8": lambda texts: routers["int8"].scores(texts).probabilities,
        "knn-peer": peer.scores,
    }


def _table(results: dict[str, dict[str, Any]]) -> str:
    rows: list[Row] = [
        ("p50 ms, 16-token utterance", lambda r: f"{r['short_utterance']['p50_ms']:.2f}"),
        ("p95 ms, 16-token utterance", lambda r: f"{r['short_utterance']['p95_ms']:.2f}"),
        ("p50 ms, test split", lambda r: f"{r['test_split_per_utterance']['p50_ms']:.2f}"),
        ("p95 ms, test split", lambda r: f"{r['test_split_per_utterance']['p95_ms']:.2f}"),
        (f"utterances/s, batches of {BATCH}", lambda r: f"{r['batched_utterances_per_s']:.0f}"),
        ("peak RSS MiB", lambda r: f"{r['peak_rss_mib']:.0f}"),
        ("model MiB", lambda r: f"{r['model_mib']:.1f}"),
        ("escalation threshold", lambda r: f"{r['threshold']:.2f}"),
        ("test accuracy, all", lambda r: f"{r['test']['accuracy']:.1%}"),
    ]

    def label_accuracy(label: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: f"{r['test']['per_label'][label]['accuracy']:.1%}"

    rows += [(f"  {label}", label_accuracy(label)) for label in ROUTER_LABELS]
    return "\n".join(markdown_table("one thread", results, rows, cell_width=10))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--out", type=Path, default=RESULTS / "router.json")
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        result = run_peer(args.model_dir) if args.worker == "knn-peer" else run_router(args.model_dir, args.worker)
        print(json.dumps(result))
        return 0

    from benchmarks.knn_peer import encoder_path

    encoder_path()
    results = {}
    for contender in CONTENDERS:
        print(f"measuring {contender} ...", file=sys.stderr, flush=True)
        results[contender] = run_worker(
            "benchmarks.router_bench", ["--worker", contender, "--model-dir", str(args.model_dir)], contender
        )
    tokens = {contender: result["tokens_in_short_utterance"] for contender, result in results.items()}
    if set(tokens.values()) != {16}:
        raise RuntimeError(f"the latency utterance should be 16 tokens long for every contender, not {tokens}")
    print("measuring 16-token latency, contenders interleaved ...", file=sys.stderr, flush=True)
    for contender, latency in interleaved_latency(_scorers(args.model_dir), UTTERANCE_16).items():
        results[contender]["short_utterance"] = latency
    int8, peer = results["int8"], results["knn-peer"]
    targets = {
        "int8 p50 <= 1.5 ms for a 16-token utterance": int8["short_utterance"]["p50_ms"] <= 1.5,
        "int8 accuracy >= knn peer accuracy": int8["test"]["accuracy"] >= peer["test"]["accuracy"],
        "int8 accuracy within 1 point of fp32": results["fp32"]["test"]["accuracy"] - int8["test"]["accuracy"] <= 0.01,
    }
    print(_table(results))
    print(f"\nheld-out test split: {int8['test']['n']} utterances; 16-token utterance: {UTTERANCE_16!r}")
    return finish(targets, results, args.out)


if __name__ == "__main__":
    sys.exit(main())
