"""What the benchmark scripts share: contenders run in their own processes, results printed as a table."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

#: A table row: its label, and how to render one contender's cell from its results.
Row = tuple[str, Callable[[dict[str, Any]], str]]


def run_worker(module: str, args: Sequence[str], name: str, *, show_progress: bool = False) -> dict[str, Any]:
    """Run ``python -m module args`` in a fresh interpreter and return the JSON on its last stdout line.

    A fresh process gives each contender its own peak RSS. With ``show_progress`` its stderr reaches
    the console as it goes; otherwise it is kept for the error message.
    """
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        stdout=subprocess.PIPE,
        stderr=None if show_progress else subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        detail = f":\n{done.stderr}" if done.stderr else f" (exit {done.returncode})"
        raise RuntimeError(f"{name} failed{detail}")
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def own_peak_rss_mib() -> float:
    """This process's peak resident set since it started its program, in MiB.

    Linux keeps ``getrusage``'s ``ru_maxrss`` across ``exec``: a worker started by a parent that held
    1.4 GiB reports 1.4 GiB, whatever it used itself. ``VmHWM`` belongs to the program's own address
    space, which ``exec`` makes new. ``ru_maxrss`` remains where /proc is missing (macOS: bytes).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def markdown_table(
    corner: str, results: Mapping[str, dict[str, Any]], rows: Sequence[Row], cell_width: int
) -> list[str]:
    """A Markdown table: one column per contender, one line per row."""
    names = list(results)
    width = max(len(label) for label, _ in rows)
    lines = [f"| {corner:<{width}} | " + " | ".join(f"{n:>{cell_width}}" for n in names) + " |"]
    lines.append(f"|{'-' * (width + 2)}|" + "|".join("-" * (cell_width + 2) for _ in names) + "|")
    lines += [
        f"| {label:<{width}} | " + " | ".join(f"{render(results[n]):>{cell_width}}" for n in names) + " |"
        for label, render in rows
    ]
    return lines


def finish(targets: Mapping[str, bool], results: Mapping[str, Any], out: Path) -> int:
    """Print each target as ``met:`` or ``MISSED:``, write the results and targets as JSON to ``out``, and
    return the exit status: 1 when a target is missed."""
    for target, met in targets.items():
        print(f"{'met' if met else 'MISSED'}: {target}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"results": results, "targets": targets}, indent=2) + "\n")
    print(f"wrote {out}")
    return 0 if all(targets.values()) else 1
