"""Redaction benchmark: the labelled PII corpus through the edge's redactor, per kind.

    python -m benchmarks.redaction_bench [--corpus PATH] [--out benchmarks/results/redaction.json]

Recall is the share of planted values that do not appear verbatim in the redacted text (a question the
redactor refuses to send counts as not leaked, and is counted apart). "Whole value" is stricter: every
character of the planted value lies inside a replaced span. "Typed right" is the share whose replacement
has the planted kind. Precision is the share of replaced spans that overlap planted personal data; the
harmless values the model needs (amounts, dates, merchants, ...) are counted by how many survive. The
redactor is set up with the corpus's customer profile, the way ``Redactor.for_bank`` sets it up from a bank.
Over-redaction is also measured on real text: the 10,003 BANKING77 customer questions in
``export/data/banking77`` (which hold no planted personal data), counting those in which anything is replaced.
Exits non-zero when a target is missed, and always when a card number or an IBAN leaked.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import pii_corpus
from benchmarks.common import Row, finish, markdown_table
from edge_runtime.redaction import KINDS, RedactionError, Redactor, Span
from export.datasets import load_banking77

RESULTS = Path(__file__).resolve().parent / "results"
#: Kinds that must never leak: one escaped card number or IBAN is an incident.
NEVER_LEAK = ("card", "iban")
RECALL_TARGET = 0.95


def profile_redactor() -> Redactor:
    """The redactor for the corpus's customer: known payees and numbers, merchants and goals kept."""
    return Redactor(pii_corpus.KNOWN_NAMES, pii_corpus.KNOWN_NUMBERS, keep=pii_corpus.MERCHANTS + pii_corpus.GOALS)


def _compact(text: str) -> str:
    return "".join(c for c in text if c.isalnum()).upper()


def _covered(span: dict[str, Any], found: list[Span], text: str) -> bool:
    """Whether every character of the labelled ``span`` (spaces aside) lies in a replaced span."""
    return all(text[i].isspace() or any(s.start <= i < s.end for s in found) for i in range(span["start"], span["end"]))


def _overlaps(span: dict[str, Any], found: Span) -> bool:
    start: int = span["start"]
    end: int = span["end"]
    return found.start < end and start < found.end


def evaluate(records: list[dict[str, Any]], redactor: Redactor) -> dict[str, Any]:
    """Per-kind recall and precision, survival of harmless values, leaks, refusals and round trips."""
    planted: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    whole: Counter[str] = Counter()
    typed: Counter[str] = Counter()
    found_by_kind: Counter[str] = Counter()
    true_by_kind: Counter[str] = Counter()
    keep_total: Counter[str] = Counter()
    keep_kept: Counter[str] = Counter()
    leaks: list[dict[str, Any]] = []
    misses: dict[str, list[str]] = defaultdict(list)
    false_positives: list[str] = []
    refused: list[int] = []
    round_trips = 0
    bad_luhn = [0, 0]
    elapsed = 0.0
    for record in records:
        text = record["text"]
        redaction = redactor.start()
        start = time.perf_counter()
        try:
            out: str | None = redaction.redact(text)
        except RedactionError:
            out = None
            refused.append(record["id"])
        elapsed += time.perf_counter() - start
        found = redactor.spans(text)
        if out is not None and redaction.restore(out) == text:
            round_trips += 1
        for span in record["pii"]:
            kind, value = span["kind"], span["value"]
            planted[kind] += 1
            leaked = out is not None and (value in out or (kind in NEVER_LEAK and _compact(value) in _compact(out)))
            if kind == "account" and len(_compact(value)) == 16:
                bad_luhn[0] += 1
                bad_luhn[1] += leaked
            if leaked:
                misses[kind].append(text)
                if kind in NEVER_LEAK:
                    leaks.append({"id": record["id"], "kind": kind})
            else:
                hidden[kind] += 1
            whole[kind] += _covered(span, found, text)
            typed[kind] += any(f.kind == kind and _overlaps(span, f) for f in found)
        for f in found:
            found_by_kind[f.kind] += 1
            if any(_overlaps(span, f) for span in record["pii"]):
                true_by_kind[f.kind] += 1
            else:
                false_positives.append(f"{f.kind}: {text[f.start : f.end]!r} in {text!r}")
        for span in record["keep"]:
            keep_total[span["kind"]] += 1
            keep_kept[span["kind"]] += not any(_overlaps(span, f) for f in found)

    def share(part: Counter[str], whole_: Counter[str], kind: str) -> float | None:
        return part[kind] / whole_[kind] if whole_[kind] else None

    return {
        "questions": len(records),
        "kinds": {
            kind: {
                "planted": planted[kind],
                "recall": share(hidden, planted, kind),
                "whole_value": share(whole, planted, kind),
                "typed_right": share(typed, planted, kind),
                "replaced": found_by_kind[kind],
                "precision": share(true_by_kind, found_by_kind, kind),
            }
            for kind in KINDS
        },
        "keep": {
            kind: {"planted": keep_total[kind], "survived": keep_kept[kind] / keep_total[kind]} for kind in keep_total
        },
        "leaked_cards_and_ibans": leaks,
        "bad_luhn_16_digit": {"planted": bad_luhn[0], "leaked": bad_luhn[1]},
        "refused": refused,
        "round_trips": round_trips,
        "redacted": len(records) - len(refused),
        "us_per_question": 1e6 * elapsed / max(1, len(records)),
        "misses": dict(misses),
        "false_positives": false_positives,
    }


def real_questions(redactor: Redactor) -> dict[str, Any]:
    """How many BANKING77 questions get anything replaced, and what; a refusal is counted apart."""
    touched: list[str] = []
    refused = 0
    texts = [example.text for example in load_banking77()]
    for text in texts:
        try:
            redactor.start().redact(text)
        except RedactionError:
            refused += 1
        found = redactor.spans(text)
        if found:
            touched.append(" / ".join(f"{s.kind}: {text[s.start : s.end]!r}" for s in found) + f" in {text!r}")
    return {"questions": len(texts), "with_replacements": len(touched), "refused": refused, "replaced": touched}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _metric(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda r: _percent(r[name])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=pii_corpus.CORPUS)
    parser.add_argument("--out", type=Path, default=RESULTS / "redaction.json")
    args = parser.parse_args(argv)

    records = pii_corpus.load(args.corpus)
    redactor = profile_redactor()
    results = evaluate(records, redactor)
    results["banking77"] = real_questions(Redactor())
    kinds = results["kinds"]
    rows: list[Row] = [
        ("planted values", lambda r: str(r["planted"])),
        ("recall (not verbatim)", _metric("recall")),
        ("whole value replaced", _metric("whole_value")),
        ("typed right", _metric("typed_right")),
        ("spans replaced", lambda r: str(r["replaced"])),
        ("precision", _metric("precision")),
    ]
    print("\n".join(markdown_table("kind", kinds, rows, cell_width=8)))
    print()
    keep_rows: list[Row] = [
        ("planted", lambda r: str(r["planted"])),
        ("left untouched", lambda r: _percent(r["survived"])),
    ]
    print("\n".join(markdown_table("must survive", results["keep"], keep_rows, cell_width=16)))
    print()
    leaks = results["leaked_cards_and_ibans"]
    print(f"leaked card numbers / IBANs: {len(leaks)}")
    print(
        f"Luhn-invalid 16-digit numbers leaked: {results['bad_luhn_16_digit']['leaked']} of "
        f"{results['bad_luhn_16_digit']['planted']}"
    )
    print(f"refused (RedactionError): {len(results['refused'])} of {results['questions']} questions")
    print(f"round trips (restore gives the original back): {results['round_trips']} of {results['redacted']}")
    real = results["banking77"]
    print(
        f"real BANKING77 questions with something replaced: {real['with_replacements']} of {real['questions']} "
        f"({real['with_replacements'] / real['questions']:.2%}), refused: {real['refused']}"
    )
    print(f"redaction time: {results['us_per_question']:.0f} us per question")

    targets = {
        "card recall 100%": kinds["card"]["recall"] == 1.0,
        "IBAN recall 100%": kinds["iban"]["recall"] == 1.0,
        **{
            f"{kind} recall >= {RECALL_TARGET:.0%}": (kinds[kind]["recall"] or 0.0) >= RECALL_TARGET
            for kind in KINDS
            if kind not in NEVER_LEAK
        },
        "no card number or IBAN leaked": not leaks,
        "every redacted question restores to the original": results["round_trips"] == results["redacted"],
    }
    status = finish(targets, results, args.out)
    return 1 if leaks else status


if __name__ == "__main__":
    sys.exit(main())
