"""The manifest refuses missing, corrupt and mismatched model files with an error that names the fix."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from edge_runtime.manifest import BUILD_COMMAND, FileEntry, Manifest, ModelError


def _model_dir(tmp_path: Path, content: bytes = b"weights") -> Path:
    (tmp_path / "router").mkdir()
    (tmp_path / "router" / "model.onnx").write_bytes(content)
    entry = FileEntry.of(tmp_path, "router/model.onnx")
    manifest = {"format": 1, "models": {"router": {"files": {"int8": entry.to_json()}}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_when_files_match_then_verified_path_is_returned(tmp_path: Path) -> None:
    model_dir = _model_dir(tmp_path)
    assert Manifest.load(model_dir).verified_path("router", "int8") == model_dir / "router" / "model.onnx"


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: (d / "router" / "model.onnx").write_bytes(b"weightz"), "is corrupt"),
        (lambda d: (d / "router" / "model.onnx").unlink(), "is missing"),
        (lambda d: (d / "manifest.json").write_text("{not json"), "not valid JSON"),
        (lambda d: (d / "manifest.json").unlink(), "manifest.json is missing"),
        (lambda d: (d / "manifest.json").write_text("[]"), "no 'models' section"),
    ],
    ids=["changed-bytes", "missing-file", "bad-json", "no-manifest", "wrong-shape"],
)
def test_when_model_dir_is_damaged_then_error_names_the_build_command(
    tmp_path: Path, damage: Callable[[Path], object], expected: str
) -> None:
    model_dir = _model_dir(tmp_path)
    damage(model_dir)
    with pytest.raises(ModelError) as caught:
        Manifest.load(model_dir).verified_path("router", "int8")
    assert expected in str(caught.value)
    assert BUILD_COMMAND in str(caught.value)


def test_when_model_dir_does_not_exist_then_error_says_so(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        Manifest.load(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("model", "key", "expected"), [("speller", "int8", "no 'speller' model"), ("router", "fp16", "no 'fp16' file")]
)
def test_when_an_unknown_model_or_file_is_asked_for_then_error_lists_what_exists(
    tmp_path: Path, model: str, key: str, expected: str
) -> None:
    manifest = Manifest.load(_model_dir(tmp_path))
    with pytest.raises(ModelError, match=expected):
        manifest.verified_path(model, key)
