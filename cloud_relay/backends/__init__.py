"""Frontier and local models behind one interface: chat messages in, the answer's pieces out."""

from cloud_relay.backends.base import Backend, ChatMessage, Delta, Event, Finished
from cloud_relay.backends.chain import FallbackChain, build_chain

__all__ = ["Backend", "ChatMessage", "Delta", "Event", "FallbackChain", "Finished", "build_chain"]
