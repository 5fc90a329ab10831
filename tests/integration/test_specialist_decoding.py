"""The specialists' decoding as the manifest recorded it: a change to the prompt, the grammar or the way
the engine steps must leave every recorded call as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from edge_runtime.manifest import MANIFEST_NAME, Manifest
from edge_runtime.specialists.engine import SpecialistEngine, SpecialistOptions
from edge_runtime.specialists.grammar import CALL_OPENING


@pytest.fixture(scope="module")
def engine(model_dir: Path) -> SpecialistEngine:
    # The build records its golden outputs with two threads (export/specialist_build.py: golden_outputs).
    return SpecialistEngine.from_manifest(model_dir, SpecialistOptions(threads=2))


def _golden(model_dir: Path) -> list[dict[str, Any]]:
    golden: list[dict[str, Any]] = Manifest.load(model_dir).model("specialists")["golden"]
    return golden


def test_when_the_golden_prompts_are_asked_again_then_each_specialist_writes_its_recorded_call(
    engine: SpecialistEngine, model_dir: Path
) -> None:
    golden = _golden(model_dir)
    assert {case["label"] for case in golden} == set(engine.labels)
    written = {
        case["text"]: engine.generate(case["label"], case["text"], date.fromisoformat(case["today"]), case["previous"])
        for case in golden
    }
    assert {text: output.text for text, output in written.items()} == {case["text"]: case["output"] for case in golden}
    for output in written.values():
        assert output.text.startswith(CALL_OPENING)
        # The opening is read with the prompt but is part of what the specialist wrote.
        assert output.generated_tokens >= 4


def test_when_the_specialists_data_changed_since_their_build_then_rescore_refuses_and_writes_nothing(
    model_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "v1"
    shutil.copytree(model_dir, copy)
    manifest = copy / MANIFEST_NAME
    data = json.loads(manifest.read_text())
    data["models"]["specialists"]["training_data"]["sha256"]["savings"] = "0" * 64
    manifest.write_text(json.dumps(data, indent=2) + "\n")
    before = manifest.read_bytes()

    done = subprocess.run(
        [sys.executable, "-m", "export", "rescore", "--model-dir", str(copy)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 1
    assert "data changed since they were built" in done.stderr
    assert "python -m export build" in done.stderr
    assert manifest.read_bytes() == before
