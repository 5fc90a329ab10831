"""The daemon's settings: a TOML file under the environment under flags, and refusals that say what to do."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from edge_runtime.rpc.settings import (
    DEFAULT_MAX_MESSAGE_BYTES,
    DEFAULT_PARTIAL_TRANSCRIPTS_INTERVAL_S,
    DaemonOptions,
    assistant_settings,
    daemon_options,
    layered_environment,
)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "daemon.toml"
    path.write_text(text)
    return path


def test_when_nothing_is_set_then_the_daemon_listens_on_loopback_port_50051_with_room_for_a_30_s_stereo_wav() -> None:
    options = daemon_options({})
    assert options.address == "127.0.0.1:50051"
    assert options.loopback
    assert options.max_concurrent_calls == 4
    # 30 s at 48 kHz, 2 channels, 16 bits, plus the WAV header.
    assert options.max_message_bytes == DEFAULT_MAX_MESSAGE_BYTES > 30 * 48000 * 2 * 2 + 44
    assert options.partial_transcripts_interval_s == DEFAULT_PARTIAL_TRANSCRIPTS_INTERVAL_S == 1.0


def test_when_file_environment_and_flags_all_set_a_key_then_the_flag_wins_then_the_environment(
    tmp_path: Path,
) -> None:
    config = _config(tmp_path, "port = 6000\nmax_concurrent_calls = 2\ngrace_s = 3\nthreads = 2\n")
    env = layered_environment(config, {"EDGE_ASSISTANT_PORT": "7000", "EDGE_ASSISTANT_MAX_CONCURRENT_CALLS": "3"})
    options = daemon_options(env, {"port": 8000, "max_concurrent_calls": None})
    assert (options.port, options.max_concurrent_calls, options.grace_s) == (8000, 3, 3.0)
    assert assistant_settings(env).router.threads == 2
    assert assistant_settings(env, threads=1).router.threads == 1


def test_when_the_environment_names_the_config_file_then_it_is_read(tmp_path: Path) -> None:
    config = _config(tmp_path, 'today = "2026-11-20"\nmax_utterance_s = 12\nproviders = ["CUDAExecutionProvider"]\n')
    env = layered_environment(None, {"EDGE_ASSISTANT_CONFIG": str(config)})
    settings = assistant_settings(env)
    assert settings.today == date(2026, 11, 20)
    assert settings.max_utterance_s == 12.0
    assert settings.router.providers == ("CUDAExecutionProvider", "CPUExecutionProvider")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prot = 6000\n", "unknown key 'prot'; the keys are: bank, grace_s, host"),
        ('port = "6000"\n', "port must be a whole number, not '6000'"),
        ("insecure_allow_remote = 1\n", "insecure_allow_remote must be true or false, not 1"),
        ("threads = 1.5\n", "threads must be a whole number, not 1.5"),
        ("providers = 'CUDA'\n", "providers must be a list of names"),
        ("port = \n", "is not valid TOML"),
    ],
)
def test_when_the_config_file_is_wrong_then_the_error_names_the_file_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    config = _config(tmp_path, text)
    with pytest.raises(ValueError, match=r"daemon\.toml") as error:
        layered_environment(config, {})
    assert message in str(error.value)


def test_when_the_config_file_is_missing_then_the_error_says_so(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"can't read the config file .*missing\.toml: No such file"):
        layered_environment(tmp_path / "missing.toml", {})


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"host": "0.0.0.0"}, "give --tls-cert and --tls-key and a client token"),
        ({"host": "192.168.1.20", "token": "s3cret"}, "or --insecure-allow-remote to accept the risk"),
        (
            {"host": "::", "tls_cert": Path("c.pem"), "tls_key": Path("k.pem")},
            "(--token or EDGE_ASSISTANT_TOKEN)",
        ),
        ({"host": "phone.local", "token": "s3cret"}, "listening on phone.local would put the assistant on the network"),
        ({"tls_cert": Path("c.pem")}, "TLS needs both --tls-cert and --tls-key"),
        ({"token": "  "}, "the token is empty"),
        ({"port": 70000}, "port must be between 0 and 65535"),
        ({"max_concurrent_calls": 0}, "max_concurrent_calls must be at least 1"),
        ({"max_message_bytes": 1000}, "max_message_bytes must be at least 65536"),
        ({"grace_s": -1.0}, "grace_s must be a number of seconds, 0 or more"),
        ({"partial_transcripts_interval_s": -1.0}, "partial_transcripts_interval_s must be 0 (no partial transcripts)"),
        ({"partial_transcripts_interval_s": 0.05}, "or a number of seconds of at least 0.1, not 0.05"),
        ({"partial_transcripts_interval_s": float("inf")}, "or a number of seconds of at least 0.1, not inf"),
        ({"partial_transcripts_interval_s": float("nan")}, "or a number of seconds of at least 0.1, not nan"),
    ],
)
def test_when_options_are_unsafe_or_impossible_then_they_are_refused_with_the_fix(
    given: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError) as error:
        daemon_options({}, given)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("given", "loopback"),
    [
        ({"host": "127.0.0.1"}, True),
        ({"host": "::1"}, True),
        ({"host": "[::1]"}, True),
        ({"host": "localhost"}, True),
        ({"host": "0.0.0.0", "insecure_allow_remote": True}, False),
        ({"host": "10.0.0.5", "tls_cert": Path("c"), "tls_key": Path("k"), "token": "s3cret"}, False),
    ],
)
def test_when_the_host_is_loopback_or_the_remote_is_secured_then_the_daemon_may_listen(
    given: dict[str, object], loopback: bool
) -> None:
    assert daemon_options({}, given).loopback is loopback


def test_when_the_environment_allows_remote_then_its_words_are_read_as_booleans() -> None:
    on = daemon_options({"EDGE_ASSISTANT_HOST": "0.0.0.0", "EDGE_ASSISTANT_INSECURE_ALLOW_REMOTE": "yes"})
    assert on.insecure_allow_remote
    with pytest.raises(ValueError, match="INSECURE_ALLOW_REMOTE must be 1 or 0"):
        daemon_options({"EDGE_ASSISTANT_INSECURE_ALLOW_REMOTE": "maybe"})


@pytest.mark.parametrize(
    ("file", "env", "flags", "expected"),
    [
        ("partial_transcripts_interval_s = 0.5\n", {}, {}, 0.5),
        ("partial_transcripts_interval_s = 2\n", {"EDGE_ASSISTANT_PARTIAL_TRANSCRIPTS_INTERVAL_S": "0"}, {}, 0.0),
        ("", {"EDGE_ASSISTANT_PARTIAL_TRANSCRIPTS_INTERVAL_S": "0.25"}, {"partial_transcripts_interval_s": 3.0}, 3.0),
        ("", {}, {"partial_transcripts_interval_s": 0.1}, 0.1),
    ],
    ids=["file", "environment-turns-them-off", "flag-wins", "the-least"],
)
def test_when_the_partial_transcripts_interval_is_set_then_the_layers_apply_and_0_turns_them_off(
    tmp_path: Path, file: str, env: dict[str, str], flags: dict[str, float], expected: float
) -> None:
    layered = layered_environment(_config(tmp_path, file), env)
    assert daemon_options(layered, flags).partial_transcripts_interval_s == expected


@pytest.mark.parametrize(
    ("file", "env", "message"),
    [
        ("partial_transcripts_interval_s = '1'\n", {}, "partial_transcripts_interval_s must be a number, not '1'"),
        ("", {"EDGE_ASSISTANT_PARTIAL_TRANSCRIPTS_INTERVAL_S": "soon"}, "INTERVAL_S must be a number, not 'soon'"),
        ("partial_transcripts_interval_s = 0.01\n", {}, "at least 0.1, not 0.01"),
    ],
    ids=["file-string", "environment-word", "too-often"],
)
def test_when_the_partial_transcripts_interval_is_not_a_usable_number_then_the_error_says_what_is_wanted(
    tmp_path: Path, file: str, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError) as error:
        daemon_options(layered_environment(_config(tmp_path, file), env))
    assert message in str(error.value)


def test_when_an_ipv6_address_is_given_then_it_is_bracketed_for_grpc() -> None:
    assert DaemonOptions(host="::1", port=1234).address == "[::1]:1234"


def test_when_the_options_are_printed_then_the_token_is_not() -> None:
    assert "s3cret" not in repr(DaemonOptions(token="s3cret"))
