"""Settings of the edge runtime, read once from the environment and passed down."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from edge_runtime.router import RouterOptions

#: The model directory that ships with the source tree.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "v1"
MODEL_DIR_ENV = "EDGE_ASSISTANT_MODEL_DIR"
THREADS_ENV = "EDGE_ASSISTANT_THREADS"
#: Comma-separated onnxruntime execution providers, e.g. a Jetson's "CUDAExecutionProvider"; CPU is the fallback.
PROVIDERS_ENV = "EDGE_ASSISTANT_PROVIDERS"


@dataclass(frozen=True)
class Settings:
    """Where the models are and how they run."""

    model_dir: Path = DEFAULT_MODEL_DIR
    router: RouterOptions = field(default_factory=RouterOptions)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``EDGE_ASSISTANT_MODEL_DIR``, ``_THREADS`` and ``_PROVIDERS``."""
        env = dict(os.environ if environ is None else environ)
        model_dir = Path(env[MODEL_DIR_ENV]) if env.get(MODEL_DIR_ENV) else DEFAULT_MODEL_DIR
        threads_text = env.get(THREADS_ENV, "")
        try:
            threads = int(threads_text) if threads_text else 1
        except ValueError as error:
            raise ValueError(f"{THREADS_ENV} must be a whole number, not {threads_text!r}") from error
        providers = tuple(p.strip() for p in env.get(PROVIDERS_ENV, "").split(",") if p.strip())
        router = RouterOptions(threads=threads, providers=(*providers, "CPUExecutionProvider"))
        return cls(model_dir=model_dir, router=router)
