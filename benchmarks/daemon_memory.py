"""The daemon's memory, phase by phase: what each kind of call leaves behind, and its peak while it runs.

    python -m benchmarks.daemon_memory [--model-dir DIR] [--limit N] [--repeat R] [--threads N]
                                       [--phases text,spoken,...] [--out benchmarks/results/daemon_memory.json]

It starts ``edge-assistant serve`` as voice_bench does, then runs each phase over the same ``--limit``
spoken test questions, ``--repeat`` times over, and reads /proc/<pid>/status after each: VmRSS, and
RssAnon and RssFile (the C heap against mapped files: models, libraries). The peak is the phase's own:
VmHWM is reset before each phase (``/proc/<pid>/clear_refs``). Memory that comes back to the same
level on the second round is a plateau; memory that keeps rising is a leak. Phases:

- ``text``: each question typed, with ``Ask``;
- ``spoken``: each question as a clip with ``Ask``; ``noisy``: the same with white noise at 5 dB SNR;
- ``long``: a few 29 s clips, noise at -50 dBFS with a question at the end;
- ``converse``: each question streamed over ``Converse`` in real time, then EndOfUtterance;
- ``partials``: the same with partial transcripts; ``endpointing``: the daemon finds the end (with partials);
- ``listening``: 10 s of silence, then of noise, over a stream with endpointing.

The latency column is the median of each call's round trip, or of end of speech to answer for streams.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.common import finish
from benchmarks.voice_bench import (
    CALL_TIMEOUT_S,
    NOISE_FLOOR_DBFS,
    TARGET_RSS_MB,
    Utterance,
    listen,
    spoken_questions,
    start_daemon,
    stream_spoken,
    with_noise,
)
from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.rpc.client import EdgeClient
from edge_runtime.speech import SAMPLE_RATE

RESULTS = Path(__file__).resolve().parent / "results"
PHASES = ("text", "spoken", "noisy", "long", "converse", "partials", "endpointing", "listening")
FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Threads")
LONG_S = 29.0
NOISY_SNR_DB = 5.0
LISTEN_S = 10.0
SETTLE_S = 0.5

Phase = Callable[[EdgeClient, int, Sequence[Utterance]], list[float]]


def status(pid: int) -> dict[str, float]:
    """The memory figures of /proc/<pid>/status in MiB, and the thread count."""
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in FIELDS:
            number = int(value.split()[0])
            figures[name] = number if name == "Threads" else number / 1024
    return figures


def reset_peak(pid: int) -> bool:
    """Start VmHWM again from the current RSS; False where the kernel does not allow it."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _pcm16(samples: npt.NDArray[np.float32]) -> bytes:
    return (np.clip(samples, -1.0, 1.0) * 32767).round().astype("<i2").tobytes()


def _timed(calls: Sequence[Callable[[], object]]) -> list[float]:
    elapsed = []
    for call in calls:
        started = time.perf_counter()
        call()
        elapsed.append(time.perf_counter() - started)
    return elapsed


def _ask_clips(client: EdgeClient, clips: Sequence[bytes]) -> list[float]:
    return _timed([partial(client.ask_audio, clip, sample_rate=SAMPLE_RATE, timeout=CALL_TIMEOUT_S) for clip in clips])


def _text(client: EdgeClient, pid: int, utterances: Sequence[Utterance]) -> list[float]:
    return _timed([partial(client.ask_text, u.example.text, timeout=CALL_TIMEOUT_S) for u in utterances])


def _spoken(client: EdgeClient, pid: int, utterances: Sequence[Utterance]) -> list[float]:
    return _ask_clips(client, [_pcm16(u.samples) for u in utterances])


def _noisy(client: EdgeClient, pid: int, utterances: Sequence[Utterance]) -> list[float]:
    return _ask_clips(client, [_pcm16(with_noise(u.samples, NOISY_SNR_DB, i)) for i, u in enumerate(utterances)])


def _long(client: EdgeClient, pid: int, utterances: Sequence[Utterance]) -> list[float]:
    """A quarter as many clips of 29 s: noise at -50 dBFS, and a question at the end."""
    clips = []
    for index, utterance in enumerate(utterances[: max(1, len(utterances) // 4)]):
        noise = np.random.default_rng(index).standard_normal(int(LONG_S * SAMPLE_RATE)) * 10 ** (NOISE_FLOOR_DBFS / 20)
        noise[-len(utterance.samples) :] += utterance.samples
        clips.append(_pcm16(noise.astype(np.float32)))
    return _ask_clips(client, clips)


def _streamed(endpointing: bool, partials: bool) -> Phase:
    def phase(client: EdgeClient, pid: int, utterances: Sequence[Utterance]) -> list[float]:
        result = stream_spoken(client, utterances, endpointing=endpointing, partials=partials)
        return [result["to_answer"]["p50_ms"] / 1000]

    return phase


def _listening(client: EdgeClient, pid: int, utterances: Sequence[Utterance]) -> list[float]:
    for noise in (None, NOISE_FLOOR_DBFS):
        listen(client, pid, LISTEN_S, noise, endpointing=True)
    return []


PHASE_CALLS: dict[str, Phase] = {
    "text": _text,
    "spoken": _spoken,
    "noisy": _noisy,
    "long": _long,
    "converse": _streamed(endpointing=False, partials=False),
    "partials": _streamed(endpointing=False, partials=True),
    "endpointing": _streamed(endpointing=True, partials=True),
    "listening": _listening,
}


def measure(model_dir: Path, limit: int, repeat: int, threads: int, phases: Sequence[str]) -> dict[str, Any]:
    """RSS after the models load, then after each phase of each round, and each phase's own peak."""
    with tempfile.TemporaryDirectory(prefix="daemon-memory-") as directory:
        folder = Path(directory)
        print("saying the test questions with espeak-ng ...", file=sys.stderr, flush=True)
        utterances = spoken_questions(folder, limit)
        print(f"starting the daemon ({threads} threads) ...", file=sys.stderr, flush=True)
        with start_daemon(folder, model_dir, threads, None) as daemon, daemon.client() as client:
            pid = daemon.process.pid
            rows: dict[str, dict[str, Any]] = {"loaded": {"phase": "loaded", **status(pid)}}
            for round_ in range(1, repeat + 1):
                for name in phases:
                    print(f"round {round_}: {name} ...", file=sys.stderr, flush=True)
                    per_phase = reset_peak(pid)
                    elapsed = PHASE_CALLS[name](client, pid, utterances)
                    # The daemon gives memory back just after a call (edge_runtime/heap.py): read what it settles at.
                    time.sleep(SETTLE_S)
                    figures = status(pid)
                    latency = statistics.median(elapsed) * 1000 if elapsed else None
                    rows[f"{name} #{round_}"] = {"phase": name, **figures, "per_phase": per_phase, "p50_ms": latency}
            if daemon.process.poll() is not None:
                raise daemon.failure("the daemon exited during the run")
    peak = max(row["VmHWM"] for row in rows.values())
    return {"n": len(utterances), "threads": threads, "rows": rows, "peak_mib": peak}


def _table(results: dict[str, Any]) -> str:
    columns = ("RSS after", "peak during", "anonymous", "file-backed", "threads", "p50 ms")
    lines = [
        f"| {results['threads']} threads, MiB | " + " | ".join(f"{name:>11}" for name in columns) + " |",
        f"|{'-' * 23}|" + "|".join("-" * 13 for _ in columns) + "|",
    ]
    for key, row in results["rows"].items():
        latency = "" if row.get("p50_ms") is None else f"{row['p50_ms']:.0f}"
        peak = f"{row['VmHWM']:.0f}" + ("" if row.get("per_phase", True) else "*")
        cells = (f"{row['VmRSS']:.0f}", peak, f"{row['RssAnon']:.0f}", f"{row['RssFile']:.0f}", f"{row['Threads']:.0f}")
        lines.append(f"| {key:<21} | " + " | ".join(f"{cell:>11}" for cell in (*cells, latency)) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--limit", type=int, default=10, help="spoken questions in each phase (default 10)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of all the phases (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="the daemon's inference threads (default 2)")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of: {', '.join(PHASES)}")
    parser.add_argument("--out", type=Path, default=RESULTS / "daemon_memory.json")
    args = parser.parse_args(argv)
    phases = [name.strip() for name in args.phases.split(",") if name.strip()]
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        parser.error(f"unknown phase(s) {', '.join(unknown)}; the phases are: {', '.join(PHASES)}")

    results = measure(args.model_dir, args.limit, args.repeat, args.threads, phases)
    print(_table(results))
    if not all(row.get("per_phase", True) for row in results["rows"].values()):
        print("* the kernel did not let VmHWM be reset: the peak is the daemon's since it started")
    last = list(results["rows"].values())[-1]
    first_round = [row for key, row in results["rows"].items() if key.endswith(" #1")]
    print(
        f"\n{results['n']} spoken questions a phase; peak {results['peak_mib']:.0f} MiB; RSS after round 1 "
        f"{first_round[-1]['VmRSS'] if first_round else float('nan'):.0f} MiB, after the last {last['VmRSS']:.0f} MiB"
    )
    targets = {
        f"daemon peak RSS <= {TARGET_RSS_MB:.0f} MB": results["peak_mib"] * 2**20 <= TARGET_RSS_MB * 1e6,
    }
    return finish(targets, results, args.out)


if __name__ == "__main__":
    sys.exit(main())
