"""Settings from the environment: defaults, overrides and clear errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from edge_runtime.config import DEFAULT_MODEL_DIR, Settings
from edge_runtime.router import RouterOptions


def test_when_nothing_is_set_then_the_shipped_models_run_on_one_cpu_thread() -> None:
    settings = Settings.from_env({})
    assert settings.model_dir == DEFAULT_MODEL_DIR
    assert settings.router.threads == 1
    assert settings.router.providers == ("CPUExecutionProvider",)


def test_when_the_environment_names_a_model_dir_threads_and_a_provider_then_they_are_used() -> None:
    settings = Settings.from_env(
        {
            "EDGE_ASSISTANT_MODEL_DIR": "/opt/models",
            "EDGE_ASSISTANT_THREADS": "2",
            "EDGE_ASSISTANT_PROVIDERS": "CUDAExecutionProvider",
        }
    )
    assert settings.model_dir == Path("/opt/models")
    assert settings.router.threads == 2
    assert settings.router.providers == ("CUDAExecutionProvider", "CPUExecutionProvider")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EDGE_ASSISTANT_THREADS": "two"}, "must be a whole number"),
        ({"EDGE_ASSISTANT_THREADS": "0"}, "at least 1"),
        ({"EDGE_ASSISTANT_MAX_UTTERANCE_S": "half a minute"}, "MAX_UTTERANCE_S must be a number of seconds"),
        ({"EDGE_ASSISTANT_MAX_UTTERANCE_S": "0"}, "MAX_UTTERANCE_S must be a positive number of seconds"),
        ({"EDGE_ASSISTANT_MAX_UTTERANCE_S": "-5"}, "must be a positive number of seconds, not -5.0"),
        ({"EDGE_ASSISTANT_MAX_UTTERANCE_S": "nan"}, "must be a positive number of seconds"),
        ({"EDGE_ASSISTANT_MAX_UTTERANCE_S": "inf"}, "must be a positive number of seconds"),
    ],
)
def test_when_a_setting_is_invalid_then_the_error_says_which_and_why(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(environ)


def test_when_nothing_is_set_then_speech_uses_the_bundled_whisper_and_a_30_second_limit() -> None:
    settings = Settings.from_env({})
    assert settings.whisper_model is None
    assert settings.max_utterance_s == 30.0


def test_when_the_environment_names_a_whisper_model_and_a_limit_then_they_are_used() -> None:
    settings = Settings.from_env(
        {"EDGE_ASSISTANT_WHISPER_MODEL": "~/whisper-base.en", "EDGE_ASSISTANT_MAX_UTTERANCE_S": " 12.5 "}
    )
    assert settings.whisper_model == Path.home() / "whisper-base.en"
    assert settings.max_utterance_s == 12.5


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: RouterOptions(variant="fp16"), "variant must be one of"),
        (lambda: RouterOptions(max_tokens=4), "max_tokens must be between"),
    ],
)
def test_when_router_options_are_invalid_then_construction_fails(
    make: Callable[[], RouterOptions], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_when_no_bank_is_configured_then_it_lives_in_the_xdg_data_directory(tmp_path: Path) -> None:
    assert Settings.from_env({"XDG_DATA_HOME": str(tmp_path)}).bank_path == tmp_path / "edge-assistant" / "bank.sqlite"
    relative = Settings.from_env({"XDG_DATA_HOME": "relative/dir"}).bank_path  # ignored, as XDG requires
    assert relative == Path.home() / ".local" / "share" / "edge-assistant" / "bank.sqlite"


def test_when_the_environment_names_a_bank_and_a_day_then_they_are_used(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"EDGE_ASSISTANT_BANK": str(tmp_path / "b.sqlite"), "EDGE_ASSISTANT_TODAY": "2026-11-20"}
    )
    assert settings.bank_path == tmp_path / "b.sqlite"
    assert settings.today == date(2026, 11, 20)
    assert settings.clock().today() == date(2026, 11, 20)
    assert Settings.from_env({}).today is None


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EDGE_ASSISTANT_TODAY": "2026-02-30"}, "EDGE_ASSISTANT_TODAY must be a real date written YYYY-MM-DD"),
        ({"EDGE_ASSISTANT_TODAY": "20/11/2026"}, "not '20/11/2026'"),
        ({"EDGE_ASSISTANT_BANK": "/"}, "must name the bank's database file, not the directory"),
    ],
)
def test_when_a_bank_setting_is_invalid_then_the_error_says_which_and_why(
    environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(environ)
