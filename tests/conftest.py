"""Shared fixtures: the committed model directory and a way to run the CLI as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.manifest import Manifest, ModelError


@pytest.fixture(scope="session")
def model_dir() -> Path:
    try:
        Manifest.load(DEFAULT_MODEL_DIR).verified_path("router", "int8")
    except ModelError as error:
        pytest.fail(f"the committed models are unusable: {error}")
    return DEFAULT_MODEL_DIR


def run_cli(
    args: Sequence[str], stdin: bytes = b"", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``edge-assistant`` in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "edge_runtime.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        check=False,
    )
