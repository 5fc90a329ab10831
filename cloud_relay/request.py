"""An EscalateRequest checked against the contract, and the prompt a backend gets for it.

The prompt is deliberately small: a short system message, the facts the edge chose, and the question.
No tool catalogue and no history leave the relay, and nothing identifies the customer: the edge has
already replaced personal data with placeholders (``<CARD_1>``), which the model is told to keep verbatim
so the edge can put the real values back.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final

from cloud_relay.backends.base import ChatMessage
from cloud_relay.errors import RequestError
from cloud_relay.generated.relay.v1 import relay_pb2 as pb

REQUEST_ID: Final[re.Pattern[str]] = re.compile(r"[A-Za-z0-9._:-]{8,128}")
LANGUAGE: Final[re.Pattern[str]] = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
MAX_QUESTION_CHARS: Final[int] = 4096
MAX_FACTS: Final[int] = 16
#: A fact is a name and a short value ("savings balance", "$4,210.00"); these bound what the prompt can grow to.
MAX_FACT_NAME_CHARS: Final[int] = 128
MAX_FACT_VALUE_CHARS: Final[int] = 1024

SYSTEM_PROMPT: Final[str] = (
    "You are a bank's assistant answering a customer's question. Answer briefly and plainly, in a few short "
    "sentences that will be read aloud: no lists, tables or markdown. Placeholders in angle brackets such as "
    "<CARD_1> or <NAME_1> stand for the customer's personal details: keep them exactly as written. Use only "
    "the facts given about the customer's accounts; never invent balances, amounts or other account figures. "
    "If the facts are not enough to answer, say what is missing."
)


@dataclass(frozen=True)
class Question:
    """A request that is within the contract."""

    request_id: str
    question: str
    facts: tuple[tuple[str, str], ...]
    max_tokens: int
    language: str

    @property
    def fingerprint(self) -> str:
        """What a retry of this request id must match: the same question, facts and language."""
        digest = hashlib.sha256()
        for part in (self.question, self.language, *(item for fact in self.facts for item in fact)):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def messages(self) -> list[ChatMessage]:
        """The system message, then one user message with the facts and the question."""
        system = SYSTEM_PROMPT
        if self.language.lower() != "en" and not self.language.lower().startswith("en-"):
            system += f" Answer in the language whose BCP 47 tag is {self.language}."
        lines = []
        if self.facts:
            lines.append("Facts about the customer:")
            lines += [f"- {name}: {value}" for name, value in self.facts]
            lines.append("")
        lines.append(f"Question: {self.question}")
        return [ChatMessage("system", system), ChatMessage("user", "\n".join(lines))]


def parse(request: pb.EscalateRequest, max_answer_tokens: int) -> Question:
    """The request as a :class:`Question`; :class:`RequestError` saying what to change when it is out of contract."""
    if not REQUEST_ID.fullmatch(request.request_id):
        raise RequestError("request_id must be 8 to 128 letters, digits, '.', '_', ':' or '-'")
    question = request.question.strip()
    if not question:
        raise RequestError("the question is empty")
    if len(request.question) > MAX_QUESTION_CHARS:
        raise RequestError(
            f"the question is {len(request.question)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    if len(request.facts) > MAX_FACTS:
        raise RequestError(f"the request has {len(request.facts)} facts; the limit is {MAX_FACTS}")
    facts = []
    for fact in request.facts:
        name, value = fact.name.strip(), fact.value.strip()
        if not name:
            raise RequestError("every fact needs a name")
        if len(name) > MAX_FACT_NAME_CHARS or len(value) > MAX_FACT_VALUE_CHARS:
            raise RequestError(
                f"a fact's name is at most {MAX_FACT_NAME_CHARS} characters and its value {MAX_FACT_VALUE_CHARS}"
            )
        facts.append((name, value))
    language = request.language.strip() or "en"
    if not LANGUAGE.fullmatch(language):
        raise RequestError(f"language must be a BCP 47 tag such as 'en' or 'de-CH', not {request.language!r}")
    requested = request.max_answer_tokens
    max_tokens = min(requested, max_answer_tokens) if requested else max_answer_tokens
    return Question(request.request_id, question, tuple(facts), max_tokens, language)
