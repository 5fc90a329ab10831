"""The relay's settings: file, environment and flags in that order, endpoint specs, and refusals that say why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cloud_relay.settings import (
    DEFAULT_LOCAL_MODEL_DIR,
    Endpoint,
    default_state_path,
    layered_environment,
    parse_endpoint,
    parse_endpoints,
    relay_settings,
    state_path,
)


def test_when_nothing_is_set_then_the_relay_listens_on_loopback_and_answers_with_the_local_model() -> None:
    settings = relay_settings({"HOME": "/home/ops"})
    assert (settings.host, settings.port, settings.endpoints) == ("127.0.0.1", 50061, ())
    assert settings.uses_local and settings.local_model_dir == DEFAULT_LOCAL_MODEL_DIR
    assert settings.state == Path.home() / ".local" / "state" / "cloud-relay" / "state.sqlite"
    # The base model the project builds, found from the package, not from the working directory.
    root = Path(__file__).resolve().parents[2]
    assert root / "models" / "v1" / "specialists" / "int8" == DEFAULT_LOCAL_MODEL_DIR


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "https://api.openai.com/v1,model=gpt-4.1-mini,api_key_env=OPENAI_API_KEY",
            Endpoint("https://api.openai.com/v1", "gpt-4.1-mini", "primary", "OPENAI_API_KEY"),
        ),
        (
            "base_url=http://127.0.0.1:8080/v1, model=local-llama, name=lab, read_timeout_s=5, max_retries=0",
            Endpoint("http://127.0.0.1:8080/v1", "local-llama", "lab", None, read_timeout_s=5.0, max_retries=0),
        ),
    ],
    ids=["bare-url", "keys"],
)
def test_when_an_endpoint_spec_is_given_then_every_key_is_read(spec: str, expected: Endpoint) -> None:
    assert parse_endpoint(spec) == expected


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("model=gpt-4.1-mini", "has no base_url"),
        ("ftp://example.com,model=m", "base_url must be an http(s) URL"),
        ("https://example.com/v1", "name the model it should use"),
        ("https://example.com/v1,model=m,colour=blue", "'colour=blue' is not KEY=VALUE"),
        ("https://example.com/v1,model=m,read_timeout_s=soon", "read_timeout_s must be a number"),
        ("https://example.com/v1,model=m,read_timeout_s=0", "read_timeout_s must be a positive number"),
        ("https://example.com/v1,model=m,max_retries=11", "max_retries must be between 0 and 10"),
        ("https://example.com/v1,model=m,api_key_env=sk-123", "api_key_env must name an environment variable"),
        ("https://example.com/v1,model=m,name=a b", "an endpoint's name is 1 to 64 letters"),
    ],
    ids=["no-url", "scheme", "no-model", "unknown-key", "not-a-number", "zero-timeout", "retries", "key", "name"],
)
def test_when_an_endpoint_spec_is_wrong_then_the_error_says_what_to_change(spec: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse_endpoint(spec)


def test_when_endpoints_come_from_the_environment_then_they_keep_their_order_and_get_fallback_names() -> None:
    endpoints = parse_endpoints("https://a.example/v1,model=a; https://b.example/v1,model=b ;")
    assert [(endpoint.name, endpoint.base_url) for endpoint in endpoints] == [
        ("primary", "https://a.example/v1"),
        ("fallback-1", "https://b.example/v1"),
    ]


def test_when_file_environment_and_flags_set_a_key_then_flags_win_over_the_environment_over_the_file(
    tmp_path: Path,
) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(
        'port = 7000\nrequests_per_minute = 10\nstate = "/srv/relay/state.sqlite"\n'
        "[[endpoints]]\n"
        'base_url = "https://api.openai.com/v1"\nmodel = "gpt-4.1-mini"\napi_key_env = "OPENAI_API_KEY"\n'
        "[[endpoints]]\n"
        'name = "backup"\nbase_url = "https://backup.example/v1"\nmodel = "m"\nmax_retries = 0\n'
    )
    env = layered_environment(config, {"CLOUD_RELAY_REQUESTS_PER_MINUTE": "20", "CLOUD_RELAY_PORT": ""})
    settings = relay_settings(env, {"port": 7001, "host": None})
    assert (settings.port, settings.requests_per_minute) == (7001, 20)
    assert settings.state == Path("/srv/relay/state.sqlite")
    assert [(endpoint.name, endpoint.model, endpoint.max_retries) for endpoint in settings.endpoints] == [
        ("primary", "gpt-4.1-mini", 2),
        ("backup", "m", 0),
    ]
    assert not settings.uses_local

    flagged = relay_settings(env, {"endpoints": ["http://127.0.0.1:8080/v1,model=x,name=lab"]})
    assert [endpoint.name for endpoint in flagged.endpoints] == ["lab"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("portt = 1\n", "unknown key 'portt'; the keys are:"),
        ('port = "50061"\n', "port must be a whole number"),
        ("local_fallback = 1\n", "local_fallback must be true or false"),
        ("endpoints = 'https://a.example/v1'\n", "endpoints must be \\[\\[endpoints\\]\\] tables"),
        ('[[endpoints]]\nbase_url = "https://a.example/v1"\nmodel = "m"\nkey = "sk"\n', "unknown endpoint keys"),
        ("port = \n", "is not valid TOML"),
    ],
    ids=["unknown", "type", "bool", "endpoints-string", "endpoint-key", "toml"],
)
def test_when_the_config_file_is_wrong_then_the_error_names_the_file_and_the_key(
    tmp_path: Path, text: str, problem: str
) -> None:
    config = tmp_path / "relay.toml"
    config.write_text(text)
    with pytest.raises(ValueError, match=problem) as raised:
        layered_environment(config, {})
    assert str(config) in str(raised.value)


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"CLOUD_RELAY_HOST": "0.0.0.0"}, "without TLS would send device tokens and questions in the clear"),
        ({"CLOUD_RELAY_TLS_CERT": "cert.pem"}, "TLS needs both --tls-cert and --tls-key"),
        ({"CLOUD_RELAY_TLS_CLIENT_CA": "ca.pem"}, "mutual TLS \\(tls_client_ca\\) needs TLS"),
        ({"CLOUD_RELAY_REPLAY_TTL_S": "60"}, "replay_ttl_s must be at least 600 s"),
        ({"CLOUD_RELAY_REQUESTS_PER_MINUTE": "-1"}, "requests_per_minute must be 0 \\(no limit\\) or more"),
        ({"CLOUD_RELAY_PORT": "http"}, "CLOUD_RELAY_PORT must be a whole number"),
        ({"CLOUD_RELAY_ENDPOINTS": "https://a.example/v1,model=m,name=local"}, "'local' names the embedded model"),
        (
            {"CLOUD_RELAY_ENDPOINTS": "https://a.example/v1,model=m;https://b.example/v1,model=m,name=primary"},
            "two endpoints have the same name",
        ),
    ],
    ids=["remote-plaintext", "half-tls", "mtls-without-tls", "ttl", "rate", "port", "local-name", "same-name"],
)
def test_when_the_settings_are_unsafe_or_inconsistent_then_the_relay_refuses_them(
    env: dict[str, str], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        relay_settings(env)


def test_when_remote_plaintext_is_accepted_explicitly_then_the_settings_pass() -> None:
    settings = relay_settings({"CLOUD_RELAY_HOST": "0.0.0.0", "CLOUD_RELAY_INSECURE_ALLOW_REMOTE": "1"})
    assert not settings.loopback


def test_when_the_state_path_is_asked_for_then_the_flag_wins_over_the_environment_over_xdg() -> None:
    assert state_path({"CLOUD_RELAY_STATE": "/a.sqlite"}, Path("/b.sqlite")) == Path("/b.sqlite")
    assert state_path({"CLOUD_RELAY_STATE": "/a.sqlite"}) == Path("/a.sqlite")
    assert state_path({"XDG_STATE_HOME": "/xdg"}) == Path("/xdg/cloud-relay/state.sqlite")
    # A relative XDG_STATE_HOME is invalid by the spec, and ignored.
    assert default_state_path({"XDG_STATE_HOME": "relative"}).parts[-3:] == ("state", "cloud-relay", "state.sqlite")
