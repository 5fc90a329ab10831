"""Device tokens: created once and printed once, stored only as a hash, revoked by device or by id.

A token is ``tok_<8 hex>.<secret>``: the public id before the dot, so a token found in a log can be
revoked without the database; 256 random bits after it. Since the secret has that much entropy, one
sha256 is enough to store it (a slow password hash protects guessable secrets, which these are not), and a
token is found by its hash with an index, so no comparison of secrets runs in time that depends on them.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cloud_relay.errors import AuthError
from cloud_relay.settings import NAME
from cloud_relay.state import StateDB

TOKEN_ID_PREFIX: Final[str] = "tok_"
_DAY_S: Final[float] = 86400.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """One token as ``token list`` shows it: everything but the secret."""

    id: str
    device: str
    created_at: float
    expires_at: float | None
    revoked_at: float | None

    def status(self, now: float) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"


def check_device(device: str) -> str:
    """A device name as tokens and usage records key it; a name that could be a token id is refused."""
    if not NAME.fullmatch(device) or device.startswith(TOKEN_ID_PREFIX):
        raise ValueError(
            f"a device name is 1 to 64 letters, digits, '.', '_', ':' or '-', not starting with "
            f"{TOKEN_ID_PREFIX!r}; not {device!r}"
        )
    return device


class TokenStore:
    """The tokens in the state database."""

    def __init__(self, db: StateDB, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def create(self, device: str, expires_in_days: float | None = None) -> tuple[str, TokenInfo]:
        """A new token for ``device`` (the only time it is seen) and its record."""
        check_device(device)
        if expires_in_days is not None and not expires_in_days > 0:
            raise ValueError(f"--expires-in-days must be more than 0, not {expires_in_days:g}")
        now = self._clock()
        expires_at = None if expires_in_days is None else now + expires_in_days * _DAY_S
        token_id = TOKEN_ID_PREFIX + secrets.token_hex(4)
        token = f"{token_id}.{secrets.token_urlsafe(32)}"
        with self._db.transaction() as db:
            db.execute(
                "INSERT INTO tokens (id, device, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                (token_id, device, token_hash(token), now, expires_at),
            )
        return token, TokenInfo(token_id, device, now, expires_at, None)

    def device(self, token: str | None) -> str:
        """The device a token belongs to; :class:`AuthError` saying why when it is not usable."""
        if not token:
            raise AuthError("this relay needs a device token: send 'authorization: Bearer <token>'")
        rows = self._db.query(
            "SELECT id, device, created_at, expires_at, revoked_at FROM tokens WHERE hash = ?", (token_hash(token),)
        )
        if not rows:
            raise AuthError("the device token is not known to this relay; ask its operator for one")
        info = TokenInfo(*rows[0])
        status = info.status(self._clock())
        if status != "active":
            raise AuthError(
                f"the device token {info.id} is {status}; ask the relay's operator for a new one "
                "(cloud-relay token create DEVICE)"
            )
        return info.device

    def revoke(self, device_or_id: str) -> list[TokenInfo]:
        """Revoke one token by its id, or every token of a device; the tokens revoked now."""
        now = self._clock()
        where = "id = ?" if device_or_id.startswith(TOKEN_ID_PREFIX) else "device = ?"
        with self._db.transaction() as db:
            rows = db.execute(
                "SELECT id, device, created_at, expires_at FROM tokens WHERE revoked_at IS NULL AND " + where,
                (device_or_id,),
            ).fetchall()
            db.execute("UPDATE tokens SET revoked_at = ? WHERE revoked_at IS NULL AND " + where, (now, device_or_id))
        return [TokenInfo(token_id, device, created, expires, now) for token_id, device, created, expires in rows]

    def list(self) -> list[TokenInfo]:
        rows = self._db.query(
            "SELECT id, device, created_at, expires_at, revoked_at FROM tokens ORDER BY device, created_at"
        )
        return [TokenInfo(*row) for row in rows]
