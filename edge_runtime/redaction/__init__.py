"""The edge's privacy layer: personal data out of an escalated question, back into the cloud's answer.

One recognizer per kind (``card``, ``iban``, ``account``, ``email``, ``phone``, ``name``, ``address``), the
overlaps between them settled by priority (``spans``), and a verification pass (``verify``) that refuses to
let a text go when something still looks personal: the layer fails closed.
"""

from edge_runtime.redaction.redactor import Redaction, RedactionError, Redactor
from edge_runtime.redaction.spans import KINDS, Span

__all__ = ["KINDS", "Redaction", "RedactionError", "Redactor", "Span"]
