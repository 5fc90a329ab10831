"""Escalation benchmark: the hybrid assistant (the device first, the cloud for hard questions) against a monolith.

    python -m benchmarks.hybrid_bench [--limit N] [--hard-share F] [--seed S] [--model-dir DIR] [--threads N]
                                      [--out benchmarks/results/hybrid.json]

The questions are a seeded mix shaped like a banking app's traffic: mostly routine requests, the held-out test
calls of the eight specialists (each with the call it should make and the day it is said on), and a share of
hard ones, the router's held-out test examples labelled ``escalate`` (advice, planning, off-topic questions).

One frontier model serves both sides: llama.cpp's OpenAI-compatible server with SmolLM2-135M on loopback,
standing in for a paid API, with a chat format that writes a request's tools into the prompt as such APIs do.

- Hybrid: the edge pipeline in this process (router, specialists, tools, answers; write tools stop at their
  confirmation question) on a fresh demo bank, escalating through a ``cloud-relay serve`` process whose
  endpoint is that server. Each question: answered on the device or sent to the cloud, the cloud tokens, the
  turn's own end-to-end time, and for routine questions answered locally whether the specialist's call is the
  expected one.
- Monolith: each question sent straight to the same server with the whole tool catalogue
  (``benchmarks/monolith.py``). Each question: its tool call, tokens and round-trip time.

Tool accuracy counts the tool's name; call accuracy the whole call, every argument exact (as
``export/specialist_eval.py`` scores the specialists). Cloud tokens are counted by the server's tokenizer:
the monolith's from the usage of each response; the hybrid's by tokenizing what the relay sent (its prompt, as
the server formats it) and what it got back, because the stand-in server reports no usage in a streamed answer
and the relay then estimates (that estimate, the relay's own count, is reported beside it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from benchmarks import monolith
from benchmarks.common import Row, finish, markdown_table
from benchmarks.llama_server import MODEL_ALIAS, count_tokens, llama_server
from benchmarks.query_mix import RATIONALE, TODAY, Query, draw_mix, held_out_queries, score_call
from cloud_relay.generated.relay.v1 import relay_pb2
from cloud_relay.request import parse as parse_relay_request
from edge_runtime.bank import SqliteBank, create_demo_bank
from edge_runtime.config import DEFAULT_MODEL_DIR
from edge_runtime.conversation import Conversation
from edge_runtime.escalation import Escalator
from edge_runtime.pipeline import Assistant
from edge_runtime.relay import MAX_ANSWER_TOKENS, RelaySettings
from edge_runtime.relay_client import RelayAnswer, RelayClient
from edge_runtime.router import Router, RouterOptions
from edge_runtime.services import RunningRelay, relay_process
from edge_runtime.specialists.engine import Generation, SpecialistEngine, SpecialistOptions
from edge_runtime.tools.toolbox import Toolbox

RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_LIMIT = 120
DEFAULT_HARD_SHARE = 0.10
SEED = 0
#: The catalogue alone is about 3,600 tokens; SmolLM2 was trained on 8,192.
N_CTX = 8192
CHAT_FORMAT = "chatml-function-calling"
#: The stand-in answers at a few dozen tokens a second on a shared core; the edge's default of 15 s would turn
#: slow answers into offline ones and hide their tokens.
RELAY_TIMEOUT_S = 120.0
WARM_UP = "what's my checking balance"
#: Hard shares the run's per-class results are re-weighted to.
OTHER_SHARES = (0.05, 0.10, 0.15, 0.20, 0.30)
TARGET_ON_DEVICE = 0.85
TARGET_TOKEN_REDUCTION = 0.90


@dataclass
class Outcome:
    """One question on one side."""

    query: Query
    on_device: bool
    call: dict[str, Any] | None  # the tool call made for it, on the device or in the cloud
    prompt_tokens: int  # cloud tokens, counted by the server's tokenizer
    completion_tokens: int
    latency_ms: float
    reported_tokens: int = 0  # what the relay (hybrid) or the response's usage (monolith) said
    failed: bool = False

    @property
    def scores(self) -> tuple[bool, bool]:
        return score_call(self.call, self.query.expected) if self.query.expected is not None else (False, False)


class _QuestionDay:
    """A clock the benchmark sets to each question's day: the expected calls' dates follow from it."""

    def __init__(self, day: date) -> None:
        self.day = day

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        return datetime.combine(self.day, time(12, 0))


class _RecordingSpecialists:
    """The specialist engine, keeping the last call it wrote so that it can be scored as the specialists are."""

    def __init__(self, engine: SpecialistEngine) -> None:
        self.engine = engine
        self.last: Generation | None = None

    def generate(
        self,
        label: str,
        text: str,
        today: Any,
        previous: str | None = None,
        prior: Mapping[str, float] | None = None,
    ) -> Generation:
        self.last = self.engine.generate(label, text, today, previous, prior)
        return self.last


@dataclass(frozen=True)
class _Sent:
    """One call to the relay: the redacted question and facts that left the device, and the answer."""

    question: str
    facts: tuple[tuple[str, str], ...]
    answer: RelayAnswer


class _MeteredRelay(RelayClient):
    """The edge's relay client, keeping what each call sent and got, for counting its tokens afterwards."""

    def __init__(self, settings: RelaySettings) -> None:
        super().__init__(settings)
        self.sent: list[_Sent] = []

    def escalate(
        self,
        request_id: str,
        question: str,
        facts: Sequence[tuple[str, str]] = (),
        *,
        timeout_s: float | None = None,
        on_delta: Callable[[str], None] | None = None,
    ) -> RelayAnswer:
        answer = super().escalate(request_id, question, facts, timeout_s=timeout_s, on_delta=on_delta)
        self.sent.append(_Sent(question, tuple(facts), answer))
        return answer


def _relay_prompt(sent: _Sent) -> str:
    """The prompt the server made of a relay call: the relay's messages in ChatML, as ``CHAT_FORMAT`` writes a
    request without tools."""
    request = relay_pb2.EscalateRequest(
        request_id="0" * 8,
        question=sent.question,
        facts=[relay_pb2.Fact(name=name, value=value) for name, value in sent.facts],
        max_answer_tokens=MAX_ANSWER_TOKENS,
        language="en",
    )
    messages = parse_relay_request(request, MAX_ANSWER_TOKENS).messages()
    return "".join(f"<|im_start|>{m.role}\n{m.content}<|im_end|>\n" for m in messages) + "<|im_start|>assistant\n"


def run_hybrid(queries: Sequence[Query], model_dir: Path, threads: int, relay: RunningRelay, url: str) -> list[Outcome]:
    """Every question through the edge pipeline, escalating to ``relay``; then the cloud tokens counted."""
    router = Router(model_dir, RouterOptions(threads=threads))
    specialists = _RecordingSpecialists(SpecialistEngine.from_manifest(model_dir, SpecialistOptions(threads=threads)))
    client = _MeteredRelay(RelaySettings(address=relay.address, token=relay.token, timeout_s=RELAY_TIMEOUT_S))
    clock = _QuestionDay(TODAY)
    outcomes: list[Outcome] = []
    sent: list[list[_Sent]] = []
    with tempfile.TemporaryDirectory() as directory:
        bank_path = Path(directory) / "bank.sqlite"
        create_demo_bank(bank_path, today=TODAY)
        try:
            with SqliteBank(bank_path) as bank:
                escalator = Escalator(relay=client, store=bank, clock=clock)
                assistant = Assistant(router, specialists, Toolbox(bank, clock), clock, escalator)
                assistant.ask(WARM_UP, Conversation(), confirmations=False)  # first-call allocations
                for index, query in enumerate(queries, 1):
                    clock.day = query.today
                    specialists.last = None
                    client.sent = []
                    turn = assistant.ask(query.text, Conversation(), confirmations=False)
                    local = not turn.escalated
                    call = specialists.last.call if local and specialists.last is not None else None
                    failed = turn.escalated and (turn.relay is None or not turn.relay.relayed)
                    outcomes.append(Outcome(query, local, call, 0, 0, turn.timings_ms["total"], failed=failed))
                    sent.append(client.sent)
                    _progress("hybrid", index, len(queries))
        finally:
            client.close()
    # Counted once every question is answered, so that counting never delays an answer.
    for outcome, calls in zip(outcomes, sent, strict=True):
        outcome.prompt_tokens = sum(count_tokens(url, _relay_prompt(call)) for call in calls)
        outcome.completion_tokens = sum(count_tokens(url, call.answer.text) for call in calls)
        outcome.reported_tokens = sum(call.answer.prompt_tokens + call.answer.completion_tokens for call in calls)
    return outcomes


def run_monolith(queries: Sequence[Query], url: str) -> list[Outcome]:
    """Every question sent to the server at ``url`` with the whole tool catalogue."""
    catalogue = monolith.tool_catalogue()
    # The server keeps the last prompt computed; this puts the system prompt and the catalogue there first, as
    # a frontier API's prompt cache would hold them for a monolith with steady traffic.
    monolith.ask(url, WARM_UP, TODAY, MODEL_ALIAS, catalogue)
    outcomes = []
    for index, query in enumerate(queries, 1):
        reply = monolith.ask(url, query.text, query.today, MODEL_ALIAS, catalogue)
        outcomes.append(
            Outcome(
                query,
                False,
                reply.call,
                reply.prompt_tokens,
                reply.completion_tokens,
                reply.latency_ms,
                reply.prompt_tokens + reply.completion_tokens,
            )
        )
        _progress("monolith", index, len(queries))
    return outcomes


def _progress(side: str, done: int, total: int) -> None:
    if done % 20 == 0 or done == total:
        print(f"  {side}: {done}/{total}", file=sys.stderr, flush=True)


def _percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    if not samples_ms:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    ordered = sorted(samples_ms)
    return {"p50_ms": statistics.median(ordered), "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _accuracy(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    scores = [outcome.scores for outcome in outcomes]
    return {
        "n": len(scores),
        "tool_accuracy": _share(sum(tool for tool, _ in scores), len(scores)),
        "call_accuracy": _share(sum(call for _, call in scores), len(scores)),
    }


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """One side's figures over the whole mix."""
    easy = [outcome for outcome in outcomes if not outcome.query.hard]
    hard = [outcome for outcome in outcomes if outcome.query.hard]
    prompt = sum(outcome.prompt_tokens for outcome in outcomes)
    completion = sum(outcome.completion_tokens for outcome in outcomes)

    def tokens_per_query(part: Sequence[Outcome]) -> float:
        return _share(sum(o.prompt_tokens + o.completion_tokens for o in part), len(part))

    return {
        "n": len(outcomes),
        "n_easy": len(easy),
        "n_hard": len(hard),
        "on_device": sum(outcome.on_device for outcome in outcomes),
        "on_device_share": _share(sum(outcome.on_device for outcome in outcomes), len(outcomes)),
        "on_device_share_easy": _share(sum(outcome.on_device for outcome in easy), len(easy)),
        "on_device_share_hard": _share(sum(outcome.on_device for outcome in hard), len(hard)),
        "cloud_calls": sum(not outcome.on_device for outcome in outcomes),
        "cloud_tokens": {
            "prompt": prompt,
            "completion": completion,
            "total": prompt + completion,
            "per_query": _share(prompt + completion, len(outcomes)),
            "prompt_per_query": _share(prompt, len(outcomes)),
            "completion_per_query": _share(completion, len(outcomes)),
            "per_easy_query": tokens_per_query(easy),
            "per_hard_query": tokens_per_query(hard),
            "reported_total": sum(outcome.reported_tokens for outcome in outcomes),
        },
        "latency": {
            "all": _percentiles([outcome.latency_ms for outcome in outcomes if not outcome.failed]),
            "easy": _percentiles([outcome.latency_ms for outcome in easy if not outcome.failed]),
            "hard": _percentiles([outcome.latency_ms for outcome in hard if not outcome.failed]),
        },
        "easy": _accuracy(easy),
        "easy_on_device": _accuracy([outcome for outcome in easy if outcome.on_device]),
        "easy_sent_to_cloud": sum(not outcome.on_device for outcome in easy),
        "hard_answered_with_a_tool": sum(outcome.call is not None for outcome in hard),
        "failed": sum(outcome.failed for outcome in outcomes),
        "wrong_calls": [
            {"text": o.query.text, "today": o.query.today.isoformat(), "expected": o.query.expected, "got": o.call}
            for o in easy
            if o.call is not None and not o.scores[1]
        ][:10],
        "easy_sent_to_cloud_texts": [o.query.text for o in easy if not o.on_device][:10],
    }


def reweighted(hybrid: dict[str, Any], mono: dict[str, Any], shares: Sequence[float]) -> list[dict[str, float]]:
    """The share on the device and the token reduction at other hard shares, from this run's per-class figures."""
    if not (hybrid["n_easy"] and hybrid["n_hard"]):
        return []
    rows = []
    for share in shares:

        def mean(side: dict[str, Any], h: float = share) -> float:
            tokens = side["cloud_tokens"]
            return float((1 - h) * tokens["per_easy_query"] + h * tokens["per_hard_query"])

        on_device = (1 - share) * hybrid["on_device_share_easy"] + share * hybrid["on_device_share_hard"]
        rows.append(
            {
                "hard_share": share,
                "on_device_share": on_device,
                "hybrid_tokens_per_query": mean(hybrid),
                "monolith_tokens_per_query": mean(mono),
                "token_reduction": 1 - mean(hybrid) / mean(mono) if mean(mono) else 0.0,
            }
        )
    return rows


def _table(results: dict[str, dict[str, Any]]) -> str:
    def pct(value: float) -> str:
        return f"{value:.1%}"

    def hybrid_only(render: Callable[[dict[str, Any]], str]) -> Callable[[dict[str, Any]], str]:
        return lambda r: render(r) if r["side"] == "hybrid" else "-"

    rows: list[Row] = [
        ("answered on the device", lambda r: f"{pct(r['on_device_share'])} ({r['on_device']}/{r['n']})"),
        (
            "  routine / hard questions",
            hybrid_only(lambda r: f"{pct(r['on_device_share_easy'])} / {pct(r['on_device_share_hard'])}"),
        ),
        ("calls to the cloud", lambda r: f"{r['cloud_calls']}"),
        ("cloud tokens per query, mean", lambda r: f"{r['cloud_tokens']['per_query']:,.1f}"),
        (
            "  prompt / completion",
            lambda r: (
                f"{r['cloud_tokens']['prompt_per_query']:,.1f} / {r['cloud_tokens']['completion_per_query']:,.1f}"
            ),
        ),
        ("cloud tokens, total", lambda r: f"{r['cloud_tokens']['total']:,}"),
        ("  prompt / completion", lambda r: f"{r['cloud_tokens']['prompt']:,} / {r['cloud_tokens']['completion']:,}"),
        ("  relay's own count / reported usage", lambda r: f"{r['cloud_tokens']['reported_total']:,}"),
        (
            "latency p50 / p95 ms, all",
            lambda r: f"{r['latency']['all']['p50_ms']:,.0f} / {r['latency']['all']['p95_ms']:,.0f}",
        ),
        (
            "  routine questions",
            lambda r: f"{r['latency']['easy']['p50_ms']:,.0f} / {r['latency']['easy']['p95_ms']:,.0f}",
        ),
        (
            "  hard questions",
            lambda r: f"{r['latency']['hard']['p50_ms']:,.0f} / {r['latency']['hard']['p95_ms']:,.0f}",
        ),
        (
            "routine: right tool / right call",
            lambda r: f"{pct(r['easy']['tool_accuracy'])} / {pct(r['easy']['call_accuracy'])}",
        ),
        (
            "  on those the device answered",
            lambda r: (
                f"{pct(r['local_set']['tool_accuracy'])} / {pct(r['local_set']['call_accuracy'])}"
                f" ({r['local_set']['n']})"
            ),
        ),
        ("routine questions sent to the cloud", lambda r: f"{r['easy_sent_to_cloud']}/{r['n_easy']}"),
        ("hard questions answered with a tool", lambda r: f"{r['hard_answered_with_a_tool']}/{r['n_hard']}"),
        ("cloud calls that failed or were not sent", lambda r: f"{r['failed']}"),
    ]
    lines = markdown_table("same questions, same frontier server", results, rows, cell_width=18)
    lines.append(
        "routine: a call is right when every argument is exact; a routine question the hybrid sent to the cloud "
        "counts as wrong"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help=f"questions in the mix ({DEFAULT_LIMIT})")
    parser.add_argument(
        "--hard-share", type=float, default=DEFAULT_HARD_SHARE, help=f"share of hard questions ({DEFAULT_HARD_SHARE})"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the mix")
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--threads", type=int, default=1, help="inference threads of the router and specialists")
    parser.add_argument("--out", type=Path, default=RESULTS / "hybrid.json")
    args = parser.parse_args(argv)

    easy, hard = held_out_queries()
    try:
        queries = draw_mix(easy, hard, args.limit, args.hard_share, args.seed)
    except ValueError as error:
        parser.error(str(error))
    mix = dict(sorted(Counter(query.category for query in queries).items()))
    print(f"mix: {len(queries)} questions, " + ", ".join(f"{label} {n}" for label, n in mix.items()), file=sys.stderr)

    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        with llama_server(folder / "llama-server.log", n_ctx=N_CTX, chat_format=CHAT_FORMAT) as url:
            endpoint = f"{url},name=frontier,model={MODEL_ALIAS},read_timeout_s={RELAY_TIMEOUT_S:g}"
            # No rate limit or budget: the benchmark measures tokens, not the relay's limits.
            flags = ("--endpoint", endpoint, "--requests-per-minute", "0", "--daily-token-budget", "0")
            print("hybrid: the edge pipeline, escalating through cloud-relay ...", file=sys.stderr, flush=True)
            with relay_process(folder, args=flags) as relay:
                hybrid = run_hybrid(queries, args.model_dir, args.threads, relay, url)
            print("monolith: every question with the whole catalogue ...", file=sys.stderr, flush=True)
            try:
                mono = run_monolith(queries, url)
            except (OSError, ValueError, KeyError, IndexError) as error:
                # A missing answer would count as no tokens and flatter the hybrid: stop instead.
                log = (folder / "llama-server.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the frontier server failed ({error!r}); its log ends:\n{log}") from error

    local = [index for index, outcome in enumerate(hybrid) if outcome.on_device and not outcome.query.hard]
    results = {"hybrid": summarise(hybrid), "monolith": summarise(mono)}
    results["hybrid"]["side"], results["monolith"]["side"] = "hybrid", "monolith"
    results["hybrid"]["local_set"] = _accuracy([hybrid[index] for index in local])
    results["monolith"]["local_set"] = _accuracy([mono[index] for index in local])
    hybrid_total, mono_total = results["hybrid"]["cloud_tokens"]["total"], results["monolith"]["cloud_tokens"]["total"]
    reduction = 1 - _share(hybrid_total, mono_total)
    others = reweighted(results["hybrid"], results["monolith"], OTHER_SHARES)

    same_set = results["monolith"]["local_set"]
    targets = {
        f"answered on the device >= {TARGET_ON_DEVICE:.0%}": results["hybrid"]["on_device_share"] >= TARGET_ON_DEVICE,
        f"cloud tokens >= {TARGET_TOKEN_REDUCTION:.0%} fewer than the monolith": reduction >= TARGET_TOKEN_REDUCTION,
        "local answers' call accuracy >= the monolith's on the same questions": (
            results["hybrid"]["local_set"]["call_accuracy"] >= same_set["call_accuracy"]
        ),
    }
    print(_table(results))
    print(f"\ncloud tokens: {reduction:.1%} fewer with the hybrid ({hybrid_total:,} against {mono_total:,})")
    print(f"mix: {len(queries)} questions (seed {args.seed}): " + ", ".join(f"{k} {v}" for k, v in mix.items()))
    print(RATIONALE.format(hard=args.hard_share))
    for row in others:
        print(
            f"  at {row['hard_share']:.0%} hard: {row['on_device_share']:.1%} on the device, "
            f"{row['token_reduction']:.1%} fewer cloud tokens"
        )
    report = {
        "mix": {"size": len(queries), "hard_share": args.hard_share, "seed": args.seed, "counts": mix},
        "rationale": RATIONALE.format(hard=args.hard_share),
        "frontier": {"server": "llama-cpp-python", "model": MODEL_ALIAS, "chat_format": CHAT_FORMAT, "n_ctx": N_CTX},
        "token_reduction": reduction,
        "reweighted": others,
        **results,
    }
    return finish(targets, report, args.out)


if __name__ == "__main__":
    sys.exit(main())
