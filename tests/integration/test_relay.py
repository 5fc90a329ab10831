"""``cloud-relay serve`` as the edge meets it: a real relay process, gRPC on loopback, real backends.

The frontier endpoints are real HTTP servers on loopback: llama.cpp's OpenAI-compatible server with
SmolLM2 for the happy path, and a scripted fake (tests/fake_openai.py) for the faults a paid API shows
(429, 5xx, silence, a stream cut off). One relay with two fake endpoints, "primary" then "fallback",
serves most of the module; each test scripts both and uses a device of its own.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2

from cloud_relay.generated.relay.v1 import relay_pb2 as pb
from cloud_relay.generated.relay.v1 import relay_pb2_grpc as pb_grpc
from tests.fake_openai import FakeOpenAI, answer, cut, fake_openai, hang, status
from tests.relay_process import Escalation, RelayProcess, relay_cli, start_relay
from tests.signals import signal_worker_thread

pytestmark = pytest.mark.integration

#: How long the fault relay waits for an endpoint's silence before it moves on.
READ_TIMEOUT_S = 1.5


def question(request_id: str, text: str = "Can I afford a $300 phone this month?") -> pb.EscalateRequest:
    return pb.EscalateRequest(
        request_id=request_id,
        question=text,
        facts=[pb.Fact(name="savings balance", value="<AMOUNT_1>")],
        max_answer_tokens=48,
    )


def endpoint(name: str, fake: FakeOpenAI) -> str:
    return (
        f"{fake.url},name={name},model=frontier-test,api_key_env=FAKE_KEY,max_retries=1,backoff_s=0.05,"
        f"connect_timeout_s=1,read_timeout_s={READ_TIMEOUT_S}"
    )


@pytest.fixture(scope="module")
def primary() -> Iterator[FakeOpenAI]:
    with fake_openai() as fake:
        yield fake


@pytest.fixture(scope="module")
def fallback() -> Iterator[FakeOpenAI]:
    with fake_openai() as fake:
        yield fake


@pytest.fixture(scope="module")
def faults(
    tmp_path_factory: pytest.TempPathFactory, primary: FakeOpenAI, fallback: FakeOpenAI
) -> Iterator[RelayProcess]:
    """The relay in front of the two fake endpoints, without limits."""
    flags = ["--endpoint", endpoint("primary", primary), "--endpoint", endpoint("fallback", fallback)]
    flags += ["--requests-per-minute", "0", "--daily-token-budget", "0"]
    with start_relay(tmp_path_factory.mktemp("faults"), *flags, env={"FAKE_KEY": "sk-test"}) as relay:
        yield relay


@pytest.fixture
def token(faults: RelayProcess, request: pytest.FixtureRequest, primary: FakeOpenAI, fallback: FakeOpenAI) -> str:
    """A token of a device named after the test, with both endpoints answering normally until scripted."""
    primary.script()
    fallback.script()
    return faults.create_token(request.node.name[:64].replace("[", "-").replace("]", ""))


def _code(call: pytest.ExceptionInfo[grpc.RpcError]) -> grpc.StatusCode:
    code: grpc.StatusCode = call.value.code()
    return code


def test_when_a_real_openai_server_answers_then_the_answer_streams_back_in_pieces_with_its_usage(
    tmp_path: Path, llama_server: str
) -> None:
    spec = f"{llama_server},name=llama,model=smollm2-135m-instruct,read_timeout_s=60"
    with start_relay(tmp_path, "--endpoint", spec) as relay:
        token = relay.create_token("test-device")
        asked = question("llama-0001", "In one sentence, what is a savings account?")
        escalation = relay.escalate(token, asked, timeout=120)
    assert len(escalation.pieces) > 3 and escalation.text.strip()
    done = escalation.done
    assert (done.backend, done.model, done.local_stand_in, done.replayed) == (
        "llama",
        "smollm2-135m-instruct",
        False,
        False,
    )
    # llama.cpp's server sends no usage event: the relay counts the pieces and estimates the prompt.
    assert done.usage.completion_tokens == len(escalation.pieces) <= 48
    assert done.usage.prompt_tokens > 50  # the system message, the fact and the question


def test_when_no_endpoint_is_configured_then_the_local_model_answers_marked_as_a_stand_in(
    relay: tuple[str, str],
) -> None:
    address, token = relay
    with grpc.insecure_channel(address) as channel:
        events = list(
            pb_grpc.RelayStub(channel).Escalate(
                question("local-0001"), timeout=60, metadata=(("authorization", f"Bearer {token}"),)
            )
        )
    kinds = [event.WhichOneof("event") for event in events]
    assert kinds[-1] == "done" and set(kinds[:-1]) == {"delta"}
    done = events[-1].done
    assert (done.backend, done.model, done.local_stand_in) == ("local", "SmolLM2-135M-Instruct", True)
    assert "".join(event.delta.text for event in events[:-1]).strip()
    assert 0 < done.usage.completion_tokens <= 48


def test_when_the_endpoint_answers_429_then_the_relay_waits_its_retry_after_and_tries_again(
    faults: RelayProcess, token: str, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(status(429, retry_after="1"))
    escalation = faults.escalate(token, question("retry-0001"))
    assert escalation.done.backend == "primary" and escalation.text == "Your savings balance is <AMOUNT_1>, so yes."
    assert len(primary.requests) == 2 and not fallback.requests
    assert primary.requests[1].at - primary.requests[0].at >= 1.0
    assert primary.requests[0].authorization == "Bearer sk-test"


def test_when_the_endpoint_keeps_answering_500_then_the_next_endpoint_answers(
    faults: RelayProcess, token: str, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(status(500), status(500))
    escalation = faults.escalate(token, question("fallback-01"))
    assert escalation.done.backend == "fallback"
    assert len(primary.requests) == 2  # max_retries=1
    assert len(fallback.requests) == 1


def test_when_the_endpoint_hangs_past_the_deadline_then_the_call_ends_with_deadline_exceeded(
    faults: RelayProcess, token: str, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(hang())
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as late:
        faults.escalate(token, question("hang-00001"), timeout=1.0)
    assert _code(late) == grpc.StatusCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < READ_TIMEOUT_S
    # The relay gave up at the deadline too: it never went on to the next endpoint.
    time.sleep(READ_TIMEOUT_S)
    assert len(primary.requests) == 1 and not fallback.requests


def test_when_the_endpoint_hangs_and_the_deadline_allows_then_the_next_endpoint_answers_in_time(
    faults: RelayProcess, token: str, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(hang())
    started = time.monotonic()
    escalation = faults.escalate(token, question("hang-00002"), timeout=10)
    assert escalation.done.backend == "fallback"
    assert READ_TIMEOUT_S <= time.monotonic() - started < 10


def test_when_the_stream_is_cut_off_after_some_pieces_then_the_call_ends_unavailable_without_switching(
    faults: RelayProcess, token: str, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(cut("Your savings ", "balance is "))
    metadata = (("authorization", f"Bearer {token}"),)
    pieces = []
    with faults.channel() as channel, pytest.raises(grpc.RpcError) as broken:
        for event in pb_grpc.RelayStub(channel).Escalate(question("cut-000001"), timeout=30, metadata=metadata):
            pieces.append(event.delta.text)
    assert _code(broken) == grpc.StatusCode.UNAVAILABLE
    assert "broke off" in str(broken.value.details())
    assert pieces == ["Your savings ", "balance is "]
    assert not fallback.requests  # the device already had the start of the primary's answer


def test_when_every_endpoint_is_down_then_the_call_ends_unavailable_naming_each_failure(
    faults: RelayProcess, token: str, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(status(503), status(503))
    fallback.script(status(502), status(502))
    with pytest.raises(grpc.RpcError) as down:
        faults.escalate(token, question("down-00001"))
    assert _code(down) == grpc.StatusCode.UNAVAILABLE
    details = str(down.value.details())
    assert details.startswith("no backend could answer")
    assert "primary answered HTTP 503 to 2 tries" in details and "fallback answered HTTP 502 to 2 tries" in details


def test_when_a_request_id_is_retried_during_and_after_its_run_then_the_endpoint_is_called_once(
    faults: RelayProcess, token: str, primary: FakeOpenAI
) -> None:
    primary.script(answer(delay_s=0.2))
    asked = question("once-00001")
    results: dict[str, Escalation] = {}
    first = threading.Thread(target=lambda: results.setdefault("first", faults.escalate(token, asked)))
    first.start()
    time.sleep(0.3)  # the first run is streaming its answer
    results["retry"] = faults.escalate(token, asked)
    first.join(timeout=30)
    results["later"] = faults.escalate(token, asked)
    assert len(primary.requests) == 1
    assert {name: escalation.text for name, escalation in results.items()} == dict.fromkeys(
        results, "Your savings balance is <AMOUNT_1>, so yes."
    )
    assert [results[name].done.replayed for name in ("first", "retry", "later")] == [False, True, True]

    with pytest.raises(grpc.RpcError) as reused:
        faults.escalate(token, question("once-00001", "Another question under the same id?"))
    assert _code(reused) == grpc.StatusCode.INVALID_ARGUMENT
    assert "already used" in str(reused.value.details())


def test_when_a_token_is_revoked_then_its_calls_are_unauthenticated_at_once(faults: RelayProcess, token: str) -> None:
    assert faults.escalate(token, question("revoke-001")).done.backend == "primary"
    device = token_device(faults, token)
    revoked = faults.cli("token", "revoke", device)
    assert revoked.returncode == 0 and revoked.stdout.startswith("revoked tok_")
    with pytest.raises(grpc.RpcError) as refused:
        faults.escalate(token, question("revoke-002"))
    assert _code(refused) == grpc.StatusCode.UNAUTHENTICATED
    assert "is revoked" in str(refused.value.details())
    assert faults.health() == "SERVING"  # health checks need no token


def test_when_a_token_has_expired_or_is_missing_or_unknown_then_the_call_is_unauthenticated(
    faults: RelayProcess,
) -> None:
    expiring = faults.create_token("expiring-device", "--expires-in-days", "30")
    assert faults.escalate(expiring, question("expire-001")).done.backend == "primary"
    with sqlite3.connect(faults.state) as db:  # thirty days later
        db.execute("UPDATE tokens SET expires_at = 0 WHERE device = 'expiring-device'")
    for token, details in [
        (expiring, "is expired"),
        (None, "needs a device token"),
        ("tok_00000000.not-a-real-secret", "not known"),
    ]:
        with pytest.raises(grpc.RpcError) as refused:
            faults.escalate(token, question("expire-002"))
        assert _code(refused) == grpc.StatusCode.UNAUTHENTICATED
        assert details in str(refused.value.details())


def token_device(relay: RelayProcess, token: str) -> str:
    token_id = token.partition(".")[0]
    listed = [json.loads(line) for line in relay.cli("token", "list", "--json").stdout.splitlines()]
    return str(next(row["device"] for row in listed if row["id"] == token_id))


def test_when_a_device_is_over_its_rate_limit_then_the_call_is_resource_exhausted_saying_when_it_resets(
    tmp_path: Path, primary: FakeOpenAI
) -> None:
    primary.script()
    flags = ["--endpoint", endpoint("primary", primary), "--requests-per-minute", "2"]
    with start_relay(tmp_path, *flags, env={"FAKE_KEY": "sk-test"}) as relay:
        token = relay.create_token("busy-device")
        for number in (1, 2):
            relay.escalate(token, question(f"rate-00000{number}"))
        relay.escalate(token, question("rate-000001"))  # a replay costs the endpoint nothing: not limited
        with pytest.raises(grpc.RpcError) as limited:
            relay.escalate(token, question("rate-000003"))
        other = relay.escalate(relay.create_token("other-device"), question("rate-000003"))
    assert _code(limited) == grpc.StatusCode.RESOURCE_EXHAUSTED
    details = str(limited.value.details())
    assert "over its rate limit of 2 requests per minute" in details and "next request is allowed in" in details
    assert not other.done.replayed  # the limit and the request ids are per device


def test_when_a_device_has_used_its_daily_budget_then_the_call_is_resource_exhausted_until_midnight_utc(
    tmp_path: Path, primary: FakeOpenAI
) -> None:
    primary.script()
    flags = ["--endpoint", endpoint("primary", primary), "--daily-token-budget", "60"]
    with start_relay(tmp_path, *flags, env={"FAKE_KEY": "sk-test"}) as relay:
        token = relay.create_token("thrifty-device")
        first = relay.escalate(token, question("budget-001"))  # 42 + 5 tokens: still under 60
        relay.escalate(token, question("budget-002"))
        with pytest.raises(grpc.RpcError) as spent:
            relay.escalate(token, question("budget-003"))
    assert first.done.usage.prompt_tokens == 42 and first.done.usage.completion_tokens == 5
    assert _code(spent) == grpc.StatusCode.RESOURCE_EXHAUSTED
    details = str(spent.value.details())
    assert "used its daily token budget (94 of 60 tokens)" in details and "resets at 00:00 UTC, in " in details


def test_when_usage_is_asked_for_then_each_device_shows_its_requests_errors_tokens_and_latency(
    faults: RelayProcess, primary: FakeOpenAI, fallback: FakeOpenAI
) -> None:
    primary.script(answer(), answer(usage=False), status(400))
    fallback.script(status(500), status(500))
    token = faults.create_token("usage-device")
    faults.escalate(token, question("usage-0001"))
    counted = faults.escalate(token, question("usage-0002"))  # no usage from the endpoint: counted
    with pytest.raises(grpc.RpcError):
        faults.escalate(token, question("usage-0003"))
    faults.escalate(token, question("usage-0001"))  # a replay: a request, no tokens

    report = json.loads(faults.cli("usage", "--device", "usage-device", "--json").stdout)
    assert len(report) == 1
    row = report[0]
    assert counted.done.usage.completion_tokens == 5
    assert (row["device"], row["requests"], row["errors"]) == ("usage-device", 4, 1)
    assert row["tokens_in"] == 42 + counted.done.usage.prompt_tokens and row["tokens_out"] == 10
    assert 0 < row["p50_ms"] <= row["p95_ms"]

    table = faults.cli("usage", "--device", "usage-device").stdout.splitlines()
    assert table[0].split() == [
        "DEVICE",
        "REQUESTS",
        "ERRORS",
        "TOKENS",
        "IN",
        "TOKENS",
        "OUT",
        "P50",
        "MS",
        "P95",
        "MS",
    ]
    assert table[1].split()[:6] == ["usage-device", "4", "1", str(row["tokens_in"]), "10", str(round(row["p50_ms"]))]


def test_when_the_relay_gets_sigterm_then_a_call_in_flight_finishes_and_health_says_not_serving(
    tmp_path: Path, primary: FakeOpenAI
) -> None:
    primary.script(answer(delay_s=0.3))
    with start_relay(tmp_path, "--endpoint", endpoint("primary", primary), env={"FAKE_KEY": "k"}) as relay:
        token = relay.create_token("test-device")
        with relay.channel() as channel:
            watch = channel.unary_stream(
                "/grpc.health.v1.Health/Watch",
                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                response_deserializer=health_pb2.HealthCheckResponse.FromString,
            )(health_pb2.HealthCheckRequest(), timeout=30)
            statuses = [next(watch).status]
            results: list[Escalation] = []
            call = threading.Thread(target=lambda: results.append(relay.escalate(token, question("sigterm-01"))))
            call.start()
            while not primary.requests:
                time.sleep(0.05)
            relay.process.send_signal(signal.SIGTERM)
            statuses += [response.status for response in watch]  # the relay ends the watch as it stops
            call.join(timeout=30)
        assert relay.process.wait(timeout=30) == 0
        with pytest.raises(grpc.RpcError) as gone:
            relay.escalate(token, question("sigterm-02"), timeout=5)
    assert statuses == [health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING]
    assert results and results[0].text == "Your savings balance is <AMOUNT_1>, so yes."
    assert _code(gone) == grpc.StatusCode.UNAVAILABLE
    log = relay.log.read_text()
    assert "received SIGTERM" in log and "stopped" in log and "Traceback" not in log
    assert "afford" not in log  # questions never reach the log at INFO


def test_when_sigterm_lands_on_a_worker_thread_then_the_relay_still_stops(tmp_path: Path) -> None:
    with start_relay(tmp_path) as relay:
        signal_worker_thread(relay.process.pid, signal.SIGTERM)
        assert relay.process.wait(timeout=30) == 0, relay.log.read_text()
    log = relay.log.read_text()
    assert "received SIGTERM" in log and "stopped" in log and "Traceback" not in log


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--host", "0.0.0.0"], "without TLS would send device tokens and questions in the clear"),
        (["--tls-cert", "cert.pem"], "TLS needs both --tls-cert and --tls-key"),
        (["--endpoint", "ftp://example.invalid,model=m"], "base_url must be an http(s) URL"),
        (["--endpoint", "http://127.0.0.1:9/v1"], "name the model it should use"),
    ],
    ids=["remote-without-tls", "cert-without-key", "bad-url", "no-model"],
)
def test_when_serve_is_misconfigured_then_it_exits_2_with_what_to_change(
    tmp_path: Path, flags: list[str], message: str
) -> None:
    result = relay_cli(["serve", "--port", "0", "--state", str(tmp_path / "state.sqlite"), *flags])
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_when_an_endpoint_names_an_unset_key_variable_then_serve_stops_naming_it(tmp_path: Path) -> None:
    spec = "http://127.0.0.1:9/v1,model=m,api_key_env=RELAY_TEST_UNSET_KEY"
    result = relay_cli(["serve", "--port", "0", "--state", str(tmp_path / "state.sqlite"), "--endpoint", spec])
    assert result.returncode == 2
    assert "$RELAY_TEST_UNSET_KEY, which is not set" in result.stderr


def _openssl(*args: str) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("openssl is missing; scripts/setup.sh installs it (apt-get install openssl)")
    subprocess.run([openssl, *args], check=True, capture_output=True, timeout=60)


def _certificates(folder: Path) -> dict[str, Path]:
    """A CA, a relay certificate for 127.0.0.1 and a device certificate, both signed by the CA."""
    paths = {name: folder / f"{name}.pem" for name in ("ca", "ca-key", "relay", "relay-key", "device", "device-key")}
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=test CA",
        "-keyout",
        str(paths["ca-key"]),
        "-out",
        str(paths["ca"]),
    )
    for name, extension in (("relay", "subjectAltName=IP:127.0.0.1"), ("device", "extendedKeyUsage=clientAuth")):
        request = folder / f"{name}.csr"
        _openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            str(paths[f"{name}-key"]),
            "-out",
            str(request),
        )
        (folder / f"{name}.ext").write_text(extension + "\n")
        _openssl(
            "x509",
            "-req",
            "-in",
            str(request),
            "-CA",
            str(paths["ca"]),
            "-CAkey",
            str(paths["ca-key"]),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            str(folder / f"{name}.ext"),
            "-out",
            str(paths[name]),
        )
    return paths


def test_when_mutual_tls_is_required_then_only_a_device_with_a_signed_certificate_and_a_token_is_answered(
    tmp_path: Path, primary: FakeOpenAI
) -> None:
    primary.script()
    pem = _certificates(tmp_path)
    flags = ["--tls-cert", str(pem["relay"]), "--tls-key", str(pem["relay-key"]), "--tls-client-ca", str(pem["ca"])]
    flags += ["--endpoint", endpoint("primary", primary)]
    with start_relay(tmp_path, *flags, env={"FAKE_KEY": "k"}, wait=False) as relay:
        token = relay.create_token("test-device")
        metadata = (("authorization", f"Bearer {token}"),)
        ca = pem["ca"].read_bytes()
        device = grpc.ssl_channel_credentials(ca, pem["device-key"].read_bytes(), pem["device"].read_bytes())
        with grpc.secure_channel(relay.address, device) as channel:
            events = list(
                pb_grpc.RelayStub(channel).Escalate(
                    question("mtls-00001"), timeout=30, metadata=metadata, wait_for_ready=True
                )
            )
        assert events[-1].done.backend == "primary"
        for credentials in (grpc.ssl_channel_credentials(ca), None):  # no client certificate; no TLS at all
            with (
                grpc.secure_channel(relay.address, credentials)
                if credentials is not None
                else grpc.insecure_channel(relay.address)
            ) as channel:
                with pytest.raises(grpc.RpcError) as refused:
                    list(pb_grpc.RelayStub(channel).Escalate(question("mtls-00002"), timeout=5, metadata=metadata))
                assert _code(refused) == grpc.StatusCode.UNAVAILABLE
