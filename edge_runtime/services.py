"""The cloud relay and the edge daemon as child processes on loopback, as the demo and the benchmarks run them.

Each runs exactly as it would be deployed (``cloud-relay serve``, ``edge-assistant serve``), on a free port,
with its log in a file, and is stopped with SIGTERM (a graceful shutdown) when the block ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from edge_runtime.rpc.client import EdgeClient

#: Loading the router, the specialists and Whisper on a busy two-core machine.
DAEMON_START_S: Final[float] = 240.0
RELAY_START_S: Final[float] = 120.0
#: The device name the demo's relay token is made for.
DEMO_DEVICE: Final[str] = "demo-device"


class ServiceError(RuntimeError):
    """A service did not start; the message ends with the tail of its log."""


@dataclass(frozen=True)
class RunningRelay:
    address: str
    token: str
    log: Path


@dataclass(frozen=True)
class RunningDaemon:
    address: str
    log: Path

    def client(self) -> EdgeClient:
        return EdgeClient(self.address)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process(process: subprocess.Popen[Any], grace_s: float = 30.0, sig: int = signal.SIGTERM) -> None:
    """Ask a child to stop (SIGTERM: a graceful shutdown), and kill it if it hasn't within ``grace_s``."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _relay_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cloud_relay", *args]


@contextmanager
def relay_process(
    folder: Path, *, device: str = DEMO_DEVICE, args: tuple[str, ...] = (), env: Mapping[str, str] | None = None
) -> Iterator[RunningRelay]:
    """``cloud-relay serve`` with a fresh state database in ``folder`` and a token for ``device``.

    ``args`` are more flags for ``serve`` (``--endpoint URL``); without any, the relay's embedded local model
    answers.
    """
    state = folder / "relay-state.sqlite"
    environment = {**os.environ, **(env or {})}
    environment.pop("CLOUD_RELAY_CONFIG", None)
    created = subprocess.run(
        _relay_command("token", "create", device, "--state", str(state)),
        capture_output=True,
        text=True,
        env=environment,
        check=False,
    )
    if created.returncode != 0:
        raise ServiceError(f"cloud-relay token create failed: {created.stderr.strip()}")
    token = created.stdout.strip().splitlines()[-1].strip()
    port = free_port()
    log = folder / "relay.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _relay_command("serve", "--host", "127.0.0.1", "--port", str(port), "--state", str(state), *args),
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    try:
        address = f"127.0.0.1:{port}"
        _wait_until_serving(process, address, log, RELAY_START_S, "cloud-relay serve")
        yield RunningRelay(address=address, token=token, log=log)
    finally:
        stop_process(process)


@contextmanager
def daemon_process(
    folder: Path,
    *,
    bank: Path,
    relay: RunningRelay | None = None,
    args: tuple[str, ...] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningDaemon]:
    """``edge-assistant serve`` on a free loopback port over ``bank``, escalating to ``relay`` when given."""
    environment = {
        key: value
        for key, value in {**os.environ, **(env or {})}.items()
        if key not in ("EDGE_ASSISTANT_CONFIG", "EDGE_ASSISTANT_TOKEN")
    }
    environment["EDGE_ASSISTANT_BANK"] = str(bank)
    if relay is not None:
        environment["EDGE_ASSISTANT_RELAY"] = relay.address
        environment["EDGE_ASSISTANT_RELAY_TOKEN"] = relay.token
    port = free_port()
    log = folder / "daemon.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "edge_runtime.cli", "serve", "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=output,
            env=environment,
        )
    daemon = RunningDaemon(address=f"127.0.0.1:{port}", log=log)
    try:
        _wait_until_serving(process, daemon.address, log, DAEMON_START_S, "edge-assistant serve")
        yield daemon
    finally:
        stop_process(process)


def _wait_until_serving(process: subprocess.Popen[bytes], address: str, log: Path, timeout_s: float, name: str) -> None:
    """Until the service's health says SERVING; :class:`ServiceError` if it exits or takes over ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    with EdgeClient(address) as client:  # the standard health service: the same on the daemon and the relay
        while True:
            if process.poll() is not None:
                raise ServiceError(f"{name} exited with {process.returncode}:\n{_tail(log)}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServiceError(f"{name} was not SERVING after {timeout_s:.0f} s:\n{_tail(log)}")
            try:
                client.wait_until_serving(timeout=min(2.0, left))
                return
            except TimeoutError:
                continue
