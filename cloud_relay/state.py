"""The relay's state database: device tokens and usage records in one SQLite file.

One file, so ``cloud-relay token ...`` and ``cloud-relay usage`` work on a running relay's state: the
server reads tokens at every call (a revoked token stops working at once) and the commands write beside
it. WAL mode lets them read and write while the server does; every transaction is short.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from cloud_relay.errors import StateError

logger = logging.getLogger(__name__)

SCHEMA_VERSION: Final[int] = 1
_SCHEMA: Final[str] = """
CREATE TABLE IF NOT EXISTS tokens (
    id TEXT PRIMARY KEY,              -- public, printed by `token list`: tok_ and 8 hex digits
    device TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,        -- sha256 of the whole token; the token itself is never stored
    created_at REAL NOT NULL,         -- Unix time
    expires_at REAL,                  -- Unix time; NULL: never
    revoked_at REAL                   -- Unix time; NULL: in force
);
CREATE INDEX IF NOT EXISTS tokens_by_device ON tokens (device);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    request_id TEXT NOT NULL,
    day TEXT NOT NULL,                -- the UTC day the call started, YYYY-MM-DD: the budget's day
    started_at REAL NOT NULL,         -- Unix time
    status TEXT NOT NULL,             -- RUNNING, then OK or the gRPC status code's name
    replayed INTEGER NOT NULL DEFAULT 0,
    backend TEXT,
    model TEXT,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    latency_ms REAL
);
CREATE INDEX IF NOT EXISTS calls_by_device_day ON calls (device, day);
"""


class StateDB:
    """A connection to the state file, shared by the server's threads under a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread=False: gRPC threads share the connection; the lock serialises them.
            self._db = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"the state database {path} was written by a newer cloud-relay (schema {version}); upgrade"
                )
            self._db.executescript(_SCHEMA)
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as error:
            raise StateError(f"can't open the state database {path}: {error}; choose another with --state") from error
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> StateDB:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one IMMEDIATE transaction, committed on success."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                raise StateError(f"the state database {self.path} failed: {error}") from error

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of one read."""
        with self._lock:
            try:
                return list(self._db.execute(sql, parameters).fetchall())
            except sqlite3.Error as error:
                raise StateError(f"the state database {self.path} failed: {error}") from error
