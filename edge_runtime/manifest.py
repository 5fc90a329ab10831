"""The model directory's manifest: which files the daemon may load, and proof that they are intact.

A model directory holds ``manifest.json`` and one folder per model. Every file the daemon loads is listed
in the manifest with its sha256, so a truncated download, a half-finished build or a hand-edited model is
refused at start-up instead of answering customers with a broken model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"
BUILD_COMMAND = "python -m export build"
_CHUNK = 1 << 20


class ModelError(RuntimeError):
    """A model directory, manifest or model file is missing, corrupt or does not match its manifest."""


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class FileEntry:
    """One model file: its path relative to the model directory, size and sha256."""

    path: str
    sha256: str
    bytes: int

    @classmethod
    def of(cls, model_dir: Path, relative: str) -> FileEntry:
        full = model_dir / relative
        return cls(path=relative, sha256=sha256_file(full), bytes=full.stat().st_size)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.bytes}


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest of a model directory."""

    model_dir: Path
    data: dict[str, Any]

    @classmethod
    def load(cls, model_dir: Path) -> Manifest:
        """Read ``manifest.json``; raise :class:`ModelError` naming the build command when it is unusable."""
        path = model_dir / MANIFEST_NAME
        if not model_dir.is_dir():
            raise ModelError(f"model directory {model_dir} does not exist; build the models with: {BUILD_COMMAND}")
        if not path.is_file():
            present = sorted(p.name for p in model_dir.iterdir())
            raise ModelError(
                f"{path} is missing (the directory holds: {', '.join(present) or 'nothing'}); "
                f"build the models with: {BUILD_COMMAND}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{path} is not valid JSON ({error}); rebuild the models with: {BUILD_COMMAND}") from error
        if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
            raise ModelError(f"{path} has no 'models' section; rebuild the models with: {BUILD_COMMAND}")
        return cls(model_dir=model_dir, data=data)

    def model(self, name: str) -> dict[str, Any]:
        """The manifest section of one model (``router``, ...)."""
        models: dict[str, Any] = self.data["models"]
        if name not in models:
            raise ModelError(
                f"{self.model_dir / MANIFEST_NAME} lists no '{name}' model (it has: {', '.join(sorted(models))}); "
                f"build it with: {BUILD_COMMAND}"
            )
        section: dict[str, Any] = models[name]
        return section

    def file(self, model: str, key: str) -> FileEntry:
        """The manifest entry of one file of a model, e.g. ``file("router", "int8")``."""
        files = self.model(model).get("files", {})
        if key not in files:
            raise ModelError(
                f"the '{model}' model in {self.model_dir / MANIFEST_NAME} has no '{key}' file "
                f"(it has: {', '.join(sorted(files))}); build it with: {BUILD_COMMAND}"
            )
        entry = files[key]
        return FileEntry(path=entry["path"], sha256=entry["sha256"], bytes=int(entry["bytes"]))

    def verified_path(self, model: str, key: str) -> Path:
        """Path of a model file after checking that it exists and matches its sha256."""
        entry = self.file(model, key)
        path = self.model_dir / entry.path
        if not path.is_file():
            raise ModelError(f"model file {path} is missing; build the models with: {BUILD_COMMAND}")
        actual = sha256_file(path)
        if actual != entry.sha256:
            raise ModelError(
                f"model file {path} is corrupt: its sha256 is {actual[:12]}…, the manifest expects "
                f"{entry.sha256[:12]}…; rebuild the models with: {BUILD_COMMAND}"
            )
        return path
