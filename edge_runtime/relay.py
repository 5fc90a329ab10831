"""The cloud relay as the edge sees it: where it is, how this device signs in, and how a call can fail.

Nothing here needs gRPC, so a device with no relay configured never loads it (about 16 MiB of resident
memory); :mod:`edge_runtime.relay_client` holds the client itself. Failures come back as two kinds of error,
because the user is told two different things: :class:`RelayUnavailableError` (unreachable, too slow, its
backends down: the question can be tried again) and :class:`RelayRefusedError` (this device's token or
limits: trying again now won't help).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

RELAY_ENV: Final[str] = "EDGE_ASSISTANT_RELAY"
RELAY_TOKEN_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_TOKEN"
RELAY_CA_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_CA"
RELAY_CERT_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_CERT"
RELAY_KEY_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_KEY"
RELAY_TIMEOUT_ENV: Final[str] = "EDGE_ASSISTANT_RELAY_TIMEOUT_S"

#: How long an escalated question may take, end to end, before the user gets the offline answer. A frontier
#: model's short answer usually streams in 2 to 5 s; past 15 s a person talking to a device has given up.
DEFAULT_TIMEOUT_S: Final[float] = 15.0
#: The longest answer the edge asks for: a few sentences, to be read aloud (about 45 seconds of speech).
MAX_ANSWER_TOKENS: Final[int] = 160


class RelayError(Exception):
    """The relay did not answer; the message is one sentence about why (never the question)."""


class RelayUnavailableError(RelayError):
    """The relay could not be reached, was too slow, or had no working backend: try the question again later."""


class RelayRefusedError(RelayError):
    """The relay refused this device: a bad or revoked token, a rate limit or budget, a request out of contract."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RelaySettings:
    """Where the relay is and how this device proves who it is.

    Attributes:
        address: the relay's ``host:port``; ``None`` means no relay, and escalated questions get a local
            answer saying the cloud assistant isn't connected.
        token: this device's token (``cloud-relay token create DEVICE`` prints one).
        ca_file: the PEM certificate(s) to trust for the relay's TLS; TLS is used whenever this is set or
            the relay is not on loopback.
        cert_file, key_file: this device's client certificate and key, for a relay that requires mutual TLS.
        timeout_s: the longest an escalated question may take before the offline answer.
    """

    address: str | None = None
    token: str | None = None
    ca_file: Path | None = None
    cert_file: Path | None = None
    key_file: Path | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    def __post_init__(self) -> None:
        if self.address is not None:
            host, separator, port = self.address.rpartition(":")
            if not separator or not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"the relay's address must be HOST:PORT, not {self.address!r}")
        if not self.timeout_s > 0:
            raise ValueError(f"{RELAY_TIMEOUT_ENV} must be a positive number of seconds, not {self.timeout_s!r}")
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError(f"mutual TLS needs both {RELAY_CERT_ENV} and {RELAY_KEY_ENV}")

    @property
    def uses_tls(self) -> bool:
        return self.ca_file is not None or self.cert_file is not None or not _is_loopback(self.address or "")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RelaySettings:
        """``EDGE_ASSISTANT_RELAY`` (host:port), ``_RELAY_TOKEN``, ``_RELAY_CA``, ``_RELAY_CERT``, ``_RELAY_KEY``
        and ``_RELAY_TIMEOUT_S``; all unset means no relay.
        """
        env = os.environ if environ is None else environ

        def path(name: str) -> Path | None:
            return Path(env[name]).expanduser() if env.get(name) else None

        timeout_text = env.get(RELAY_TIMEOUT_ENV, "").strip()
        try:
            timeout_s = float(timeout_text) if timeout_text else DEFAULT_TIMEOUT_S
        except ValueError:
            raise ValueError(f"{RELAY_TIMEOUT_ENV} must be a number of seconds, not {timeout_text!r}") from None
        return cls(
            address=env.get(RELAY_ENV) or None,
            token=env.get(RELAY_TOKEN_ENV) or None,
            ca_file=path(RELAY_CA_ENV),
            cert_file=path(RELAY_CERT_ENV),
            key_file=path(RELAY_KEY_ENV),
            timeout_s=timeout_s,
        )


def _is_loopback(address: str) -> bool:
    host = address.rpartition(":")[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
