"""Specialists and the text pipeline: int4, int8 and fp32 base models side by side in one run.

    python -m benchmarks.specialist_bench [--model-dir DIR] [--limit N] [--out benchmarks/results/specialists.json]

Each precision runs in its own process pinned to one CPU core, with one inference thread, so its peak RSS
and latency are its own. In each process:

- per specialist, on the held-out test split of the project's data: tool accuracy, call accuracy
  (tool and every argument), time to a complete tool call (p50/p95) and tokens per call, with the
  router's tool scores weighed in as the daemon does; and tool accuracy of the specialist alone, the
  baseline those scores are measured against;
- the whole pipeline, text query to answer (router, specialist, tool, answer) on a fresh demo bank,
  over the test split's complete questions (write tools stop at their confirmation question);
- peak RSS with the router and every specialist ready (the running one's adapter mapped), read right
  after the pipeline run, before the process imports anything the product does not (the evaluation
  code, the test split).

The int4 and int8 builds that are not shipped come from the build cache (built here when missing, by the
parent process, whose memory is not counted), with the committed adapters. Needs the export extra.
The RSS target is 400 MB, that is 381 MiB; the tables show MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.common import Row, finish, markdown_table, own_peak_rss_mib, run_worker
from edge_runtime.bank import FixedClock, SqliteBank, create_demo_bank
from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.conversation import Conversation
from edge_runtime.heap import HeapTrimmer
from edge_runtime.labels import SPECIALIST_LABELS
from edge_runtime.manifest import Manifest
from edge_runtime.pipeline import Assistant
from edge_runtime.router import Router, RouterOptions
from edge_runtime.specialists.engine import SpecialistEngine, SpecialistOptions
from edge_runtime.tools.schemas import OUT_OF_SCOPE
from edge_runtime.tools.toolbox import Toolbox

if TYPE_CHECKING:
    from export.specialist_data import SpecialistExample

RESULTS = Path(__file__).resolve().parent / "results"
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "export"
PRECISIONS = ("int4", "int8", "fp32")
TODAY = date(2026, 11, 20)
TARGET_P50_MS = 300.0
TARGET_RSS_MB = 400.0  # megabytes: 381 MiB
TARGET_TOOL_ACCURACY = 0.95


def _percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {"p50_ms": statistics.median(ordered), "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


def _tests(limit: int | None) -> dict[str, list[SpecialistExample]]:
    from export.specialist_data import specialist_examples, split_of

    tests = {}
    for label in SPECIALIST_LABELS:
        rows = [example for example in specialist_examples(label) if split_of(example) == "test"]
        tests[label] = rows[:limit] if limit else rows
    return tests


def _pipeline_questions(limit: int | None) -> list[str]:
    """The test split's complete questions: no previous turn, and a tool call expected."""
    return [
        example.text
        for examples in _tests(limit).values()
        for example in examples
        if example.previous is None and json.loads(example.target)["name"] != OUT_OF_SCOPE
    ]


def _base_dir(model_dir: Path, precision: str) -> Path:
    section = Manifest.load(model_dir).model("specialists")
    if precision == section["chosen"]:
        return model_dir / "specialists" / precision
    from rich.console import Console

    from export.specialist_build import genai_build

    return genai_build(precision, CACHE, Console(stderr=True))


def run_precision(
    model_dir: Path, precision: str, base_dir: Path, questions: list[str], limit: int | None
) -> dict[str, Any]:
    """Everything measured for one precision, in this process.

    Until the peak RSS is read, this process has loaded only what the product loads: the router, the
    specialists' base model at ``base_dir`` with every adapter, a demo bank and the pipeline.
    """
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    manifest = Manifest.load(model_dir)
    adapters = {
        label: manifest.verified_path("specialists", f"adapter:{label}")
        for label in manifest.model("specialists")["adapters"]
    }
    weight = manifest.model("specialists")["tool_prior"]["by_precision"][precision]["weight"]
    engine = SpecialistEngine(base_dir, adapters, SpecialistOptions(threads=1, prior_weight=weight))
    router = Router(model_dir, RouterOptions(threads=1))
    with tempfile.TemporaryDirectory() as directory:
        bank_path = Path(directory) / "bank.sqlite"
        create_demo_bank(bank_path, today=TODAY)
        clock = FixedClock(TODAY)
        trimmer = HeapTrimmer()  # as the app does after each turn (edge_runtime/app.py)
        try:
            with SqliteBank(bank_path) as bank:
                assistant = Assistant(router, engine, Toolbox(bank, clock), clock, after_turn=trimmer.request)
                assistant.ask(questions[0], Conversation())  # first-call allocations are not a user's latency
                totals = [
                    assistant.ask(text, Conversation(), confirmations=False).timings_ms["total"] for text in questions
                ]
        finally:
            trimmer.close()
    # The product's peak: the pipeline over every specialist. The accuracy runs below are the benchmark's own.
    peak_rss_mib = own_peak_rss_mib()

    from export import specialist_eval

    per_label: dict[str, dict[str, Any]] = {}
    alone: dict[str, dict[str, Any]] = {}
    prior = specialist_eval.router_prior(router)
    for label, examples in _tests(limit).items():
        per_label[label] = specialist_eval.evaluate(specialist_eval.engine_scorer(engine, prior), examples)
        alone[label] = specialist_eval.evaluate(specialist_eval.engine_scorer(engine), examples)
        print(f"  {precision} {label}: call {per_label[label]['call_accuracy']:.1%}", file=sys.stderr, flush=True)

    return {
        "precision": precision,
        "base_mib": sum(path.stat().st_size for path in base_dir.iterdir() if path.is_file()) / 2**20,
        "adapters_mib": sum(path.stat().st_size for path in adapters.values()) / 2**20,
        "per_label": {label: {k: v for k, v in m.items() if k != "mistakes"} for label, m in per_label.items()},
        "mistakes": {label: m["mistakes"][:5] for label, m in per_label.items()},
        "overall": specialist_eval.overall(per_label),
        "alone": specialist_eval.overall(alone),
        "prior_weight": weight,
        "pipeline": {"n": len(questions), **_percentiles(totals)},
        "peak_rss_mib": peak_rss_mib,
    }


def _table(results: dict[str, dict[str, Any]]) -> str:
    rows: list[Row] = [
        ("query to answer p50 ms", lambda r: f"{r['pipeline']['p50_ms']:.0f}"),
        ("query to answer p95 ms", lambda r: f"{r['pipeline']['p95_ms']:.0f}"),
        ("peak RSS MiB, router + all", lambda r: f"{r['peak_rss_mib']:.0f}"),
        ("base model MiB", lambda r: f"{r['base_mib']:.0f}"),
        ("adapters MiB, all 8", lambda r: f"{r['adapters_mib']:.1f}"),
        ("tool accuracy, all", lambda r: f"{r['overall']['tool_accuracy']:.1%}"),
        ("call accuracy, all", lambda r: f"{r['overall']['call_accuracy']:.1%}"),
        (
            "  specialist alone: tool / call",
            lambda r: f"{r['alone']['tool_accuracy']:.1%} / {r['alone']['call_accuracy']:.1%}",
        ),
        ("  router's tool scores weight", lambda r: f"{r['prior_weight']:g}"),
        ("sent to the cloud instead, all", lambda r: f"{r['overall']['needless_escalation']:.1%}"),
    ]

    def cell(label: str) -> Callable[[dict[str, Any]], str]:
        def render(r: dict[str, Any]) -> str:
            m = r["per_label"][label]
            return (
                f"{m['tool_accuracy']:.0%} {m['call_accuracy']:.0%} "
                f"{m['ms_p50']:.0f}/{m['ms_p95']:.0f} {m['tokens_mean']:.0f}"
            )

        return render

    rows += [(f"  {label}", cell(label)) for label in SPECIALIST_LABELS]
    lines = markdown_table("one core, one thread", results, rows, cell_width=22)
    lines.append("per specialist: tool accuracy, call accuracy, ms to a complete call p50/p95, tokens per call")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--limit", type=int, help="at most this many test examples per specialist")
    parser.add_argument("--out", type=Path, default=RESULTS / "specialists.json")
    parser.add_argument("--worker", choices=PRECISIONS, help=argparse.SUPPRESS)
    parser.add_argument("--base-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        questions = json.loads(args.questions.read_text())
        print(json.dumps(run_precision(args.model_dir, args.worker, args.base_dir, questions, args.limit)))
        return 0

    results = {}
    with tempfile.TemporaryDirectory() as directory:
        questions_path = Path(directory) / "questions.json"
        questions_path.write_text(json.dumps(_pipeline_questions(args.limit)))
        for precision in PRECISIONS:
            # Built (or found in the cache) here, so that the builder's memory is not counted as the variant's.
            base_dir = _base_dir(args.model_dir, precision)
            print(f"measuring {precision} ...", file=sys.stderr, flush=True)
            worker_args = ["--worker", precision, "--model-dir", str(args.model_dir), "--base-dir", str(base_dir)]
            worker_args += ["--questions", str(questions_path)]
            worker_args += ["--limit", str(args.limit)] if args.limit else []
            results[precision] = run_worker("benchmarks.specialist_bench", worker_args, precision, show_progress=True)
    chosen = Manifest.load(args.model_dir).model("specialists")["chosen"]
    shipped = results[chosen]
    targets = {
        f"{chosen} query to answer p50 <= {TARGET_P50_MS:.0f} ms": shipped["pipeline"]["p50_ms"] <= TARGET_P50_MS,
        f"{chosen} peak RSS <= {TARGET_RSS_MB:.0f} MB with router and all specialists": shipped["peak_rss_mib"] * 2**20
        <= TARGET_RSS_MB * 1e6,
        f"{chosen} tool accuracy >= {TARGET_TOOL_ACCURACY:.0%}": shipped["overall"]["tool_accuracy"]
        >= TARGET_TOOL_ACCURACY,
    }
    print(_table(results))
    calls, questions = shipped["overall"]["n"], shipped["pipeline"]["n"]
    print(f"\nshipped: {chosen}; test split: {calls} calls; pipeline: {questions} questions")
    return finish(targets, results, args.out)


if __name__ == "__main__":
    sys.exit(main())
