"""Assembling the text assistant from settings: models, bank and clock."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from edge_runtime.bank.demo import create_demo_bank
from edge_runtime.bank.sqlite import SqliteBank
from edge_runtime.config import Settings
from edge_runtime.escalation import Escalator
from edge_runtime.heap import HeapTrimmer
from edge_runtime.pipeline import Assistant
from edge_runtime.router import Router
from edge_runtime.specialists.engine import SpecialistEngine, SpecialistOptions
from edge_runtime.tools.toolbox import Toolbox

if TYPE_CHECKING:
    from edge_runtime.relay_client import RelayClient

logger = logging.getLogger(__name__)


def ensure_bank(path: Path, settings: Settings) -> bool:
    """Create the demo bank at ``path`` when there is no bank yet; True when one was created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    create_demo_bank(path, today=settings.clock().today())
    return True


@contextmanager
def open_assistant(
    settings: Settings,
    *,
    model_dir: Path | None = None,
    bank_path: Path | None = None,
    threads: int | None = None,
    trim_heap: bool = True,
) -> Iterator[Assistant]:
    """The assistant over the settings' models and bank, closed on exit.

    With ``trim_heap``, the memory each turn freed goes back to the system after it (see ``heap.py``); the
    daemon, which does that after each call itself, turns it off.
    """
    model_dir = model_dir or settings.model_dir
    router_options = settings.router if threads is None else replace(settings.router, threads=threads)
    router = Router(model_dir, router_options)
    specialists = SpecialistEngine.from_manifest(model_dir, SpecialistOptions(threads=router_options.threads))
    clock = settings.clock()
    relay = _relay_client(settings)
    trimmer = HeapTrimmer() if trim_heap else None
    try:
        with SqliteBank(bank_path or settings.bank_path) as bank:
            escalator = Escalator(relay=relay, store=bank, clock=clock)
            after_turn = trimmer.request if trimmer is not None else None
            yield Assistant(router, specialists, Toolbox(bank, clock), clock, escalator, after_turn=after_turn)
    finally:
        if trimmer is not None:
            trimmer.close()
        if relay is not None:
            relay.close()


def _relay_client(settings: Settings) -> RelayClient | None:
    """A client of the configured relay, or ``None``; gRPC is imported only when there is a relay to call."""
    if settings.relay.address is None:
        return None
    from edge_runtime.relay_client import RelayClient

    return RelayClient(settings.relay)
