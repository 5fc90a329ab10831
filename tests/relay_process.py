"""The cloud relay as a process, for tests: ``cloud-relay serve`` on a free loopback port with its own state.

The relay, the edge daemon and any test that needs a relay start it the same way::

    from tests.relay_process import start_relay

    with start_relay(tmp_path) as relay:              # the embedded local model answers
        token = relay.create_token("test-device")
        # EDGE_ASSISTANT_RELAY=relay.address, EDGE_ASSISTANT_RELAY_TOKEN=token

or with the ``relay`` fixture of tests/integration/conftest.py, which yields ``(address, token)``.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2

from cloud_relay.generated.relay.v1 import relay_pb2 as pb
from cloud_relay.generated.relay.v1 import relay_pb2_grpc as pb_grpc
from edge_runtime.services import stop_process

#: Starting Python and grpc, and loading the local model on a busy two-core machine.
START_TIMEOUT_S = 90
LISTENING = "cloud-relay listening on "


def relay_cli(args: Sequence[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``cloud-relay ARGS`` in a fresh interpreter, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "cloud_relay", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**_clean_environment(), **(env or {})},
        check=False,
    )


def _clean_environment() -> dict[str, str]:
    """The test's environment without a developer's own relay settings."""
    return {key: value for key, value in os.environ.items() if not key.startswith("CLOUD_RELAY_")}


@dataclass
class Escalation:
    """What one Escalate call streamed: the answer's pieces and the closing Done."""

    pieces: list[str]
    done: pb.Done

    @property
    def text(self) -> str:
        return "".join(self.pieces)


@dataclass
class RelayProcess:
    process: subprocess.Popen[str]
    address: str
    state: Path
    log: Path

    def create_token(self, device: str = "test-device", *flags: str) -> str:
        """A new token for ``device``, made with the real ``cloud-relay token create``."""
        result = relay_cli(["token", "create", device, "--state", str(self.state), *flags])
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A ``cloud-relay`` command on this relay's state database."""
        return relay_cli([*args, "--state", str(self.state)])

    def channel(self) -> grpc.Channel:
        return grpc.insecure_channel(self.address)

    def escalate(self, token: str | None, request: pb.EscalateRequest, timeout: float = 60) -> Escalation:
        """One Escalate call; a failed call raises its ``grpc.RpcError``."""
        metadata = (("authorization", f"Bearer {token}"),) if token else ()
        with self.channel() as channel:
            pieces: list[str] = []
            for event in pb_grpc.RelayStub(channel).Escalate(request, timeout=timeout, metadata=metadata):
                if event.WhichOneof("event") == "delta":
                    pieces.append(event.delta.text)
                else:
                    return Escalation(pieces, event.done)
        raise AssertionError(f"the stream ended without Done after {pieces}")

    def health(self) -> str:
        with self.channel() as channel:
            check = channel.unary_unary(
                "/grpc.health.v1.Health/Check",
                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                response_deserializer=health_pb2.HealthCheckResponse.FromString,
            )
            response = check(health_pb2.HealthCheckRequest(), timeout=5)
            return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    def wait_until_serving(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the relay exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if self.health() == "SERVING":
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"the relay was not SERVING after {timeout:g} s:\n{self.log.read_text()}")


def _read_address(process: subprocess.Popen[str], log: Path, timeout: float) -> str:
    """The address from the relay's first line on stdout."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline() if ready else ""
    if not line.startswith(LISTENING):
        process.kill()
        process.wait()
        raise AssertionError(f"the relay did not say where it listens (got {line!r}):\n{log.read_text()}")
    return line.removeprefix(LISTENING).strip()


@contextmanager
def start_relay(
    folder: Path, *flags: str, env: dict[str, str] | None = None, wait: bool = True
) -> Iterator[RelayProcess]:
    """``cloud-relay serve --port 0`` with its state in ``folder``; SERVING before it is yielded, SIGTERM after."""
    state = folder / "relay-state.sqlite"
    log = folder / "relay.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "cloud_relay", "serve", "--port", "0", "--state", str(state), *flags],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**_clean_environment(), **(env or {})},
        )
    try:
        relay = RelayProcess(process, _read_address(process, log, START_TIMEOUT_S), state, log)
        if wait:
            relay.wait_until_serving()
        yield relay
    finally:
        stop_process(process, grace_s=60)
        if process.stdout is not None:
            process.stdout.close()
