"""Settings from the environment: defaults, overrides and clear errors."""

from __future__ import annotations

from collections.abc import Callable
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
    ],
)
def test_when_a_setting_is_invalid_then_the_error_says_which_and_why(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings.from_env(environ)


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
