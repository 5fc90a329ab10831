"""The build pipeline end to end on a deliberately under-trained router: the quality gate must stop it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from export.build import GateError, RouterBuild, build_router
from export.router_train import TrainConfig


def test_when_a_candidate_fails_the_gate_then_the_installed_models_are_left_untouched(tmp_path: Path) -> None:
    model_dir = tmp_path / "models"
    model_dir.mkdir()
    installed = {"format": 1, "models": {"speller": {"files": {}}}}
    (model_dir / "manifest.json").write_text(json.dumps(installed))
    # Two optimiser steps on 64 examples: a router that cannot pass the per-label floor.
    config = RouterBuild(train=TrainConfig(epochs=1, max_examples=64))

    with pytest.raises(GateError) as caught:
        build_router(model_dir, config, Console(file=(tmp_path / "log.txt").open("w")))

    assert "below the floor" in str(caught.value)
    assert json.loads((model_dir / "manifest.json").read_text()) == installed
    assert not (model_dir / "router").exists()
    staged = json.loads((tmp_path / ".models.staging" / "manifest.json").read_text())["models"]["router"]
    assert staged["metrics"]["int8"]["test"]["n"] > 1000
    assert {"fp32", "int8", "int8:weights", "tokenizer"} == set(staged["files"])
    assert (tmp_path / ".models.staging" / staged["files"]["int8:weights"]["path"]).is_file()
    assert staged["training"]["max_examples"] == 64


def test_when_build_is_run_again_with_nothing_changed_then_it_says_up_to_date_and_writes_nothing(
    model_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "v1"
    shutil.copytree(model_dir, copy)
    before = {path: path.stat().st_mtime_ns for path in copy.rglob("*")}

    done = subprocess.run(
        [sys.executable, "-m", "export", "build", "--model-dir", str(copy)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "router: up to date" in done.stdout
    assert {path: path.stat().st_mtime_ns for path in copy.rglob("*")} == before
