"""END — completion and errors (docs/checks.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from harness.checks.common import MS, answer, is_stream, show
from harness.checks.failures import (
    STATUS,
    upstream_down,
    upstream_down_status,
    upstream_status,
)
from harness.checks.model import Check, Level, failed, passed, verdict
from harness.client.observation import End
from harness.probe.dialects import Kind

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from harness.checks.model import Context, Verdict
    from harness.probe.evidence import Evidence

#: after the completion event the response must end within this long
DONE_CLOSE_MS = 2000


def done(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["valid"]
    t = e.transcript
    if not is_stream(e):
        return failed(f"no 200 answer: {answer(e)}")
    if t.done is None:
        return failed(
            f"no completion event; the stream {e.obs.end.value} after {len(t.tokens)} tokens"
        )
    # tokens after the completion are END-NOTHING-AFTER-DONE's finding (one owner)
    if e.obs.end not in (End.COMPLETE, End.CLOSED):
        return failed(
            "the response did not end after the completion event "
            f"({e.obs.end.value}: {e.obs.error})"
        )
    close_ms = (e.obs.end_ns - t.done.t_ns) / MS
    return verdict(
        close_ms <= DONE_CLOSE_MS,
        f"completion event, then the response ended {close_ms:.0f} ms later",
        f"the response ended {close_ms:.0f} ms after the completion "
        f"event (limit {DONE_CLOSE_MS} ms)",
    )


def error_line(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["error-line"]
    t = e.transcript
    if t.done is not None:
        return failed(
            'upstream sent {"error": …} mid-stream (status 200) but the '
            "client got a completion event"
        )
    if t.errors:
        return passed(f"error surfaced: {show(t.errors[0].text)}")
    if e.obs.status is not None and e.obs.status >= 400:
        return passed(f"error surfaced as HTTP {e.obs.status}")
    return failed(
        f"upstream's error line was swallowed: {len(t.tokens)} tokens, no error event; {answer(e)}"
    )


def truncated(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    t = ev["truncated"].transcript
    return verdict(
        t.done is None,
        "no completion event after upstream died mid-line",
        "upstream's connection died mid-line, yet the client got a completion event",
    )


def truncated_explicit(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev["truncated"]
    return verdict(
        bool(e.transcript.errors) or (e.obs.status or 0) >= 400,
        "an explicit error event after upstream died",
        f"no error event after upstream died mid-line; the stream just {e.obs.end.value}",
    )


def _finished(event_data: str) -> bool:
    """An OpenAI-style chunk whose choice carries a ``finish_reason``."""
    try:
        obj = json.loads(event_data)
    except ValueError:
        return False
    choices = obj.get("choices") if isinstance(obj, dict) else None
    first = choices[0] if isinstance(choices, list) and choices else None
    return isinstance(first, dict) and bool(first.get("finish_reason"))


def tokens_after_done(e: Evidence) -> list[str]:
    """Token texts the dialect reads after its completion event (or a finish chunk)."""
    late: list[str] = []
    finished_by = None
    for reading in e.transcript.readings:
        after = finished_by is not None and reading.event is not finished_by
        if after and reading.kind is Kind.TOKEN:
            late.append(reading.text)
        if finished_by is None and (
            reading.kind is Kind.DONE or _finished(reading.event.data)
        ):
            finished_by = reading.event
    return late


def nothing_after_done(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    found = {name: tokens_after_done(e) for name, e in sorted(ev.items())}
    late = {name: texts for name, texts in found.items() if texts}
    streams = sum(1 for e in ev.values() if e.transcript.readings)
    return verdict(
        not late,
        f"no token after the completion event in {streams} streams",
        "; ".join(
            f"{name}: {len(texts)} token(s) after the completion event, first "
            f"{show(texts[0], 30)}"
            for name, texts in late.items()
        )
        + " (clients stop reading at the completion and lose them)",
        streams=streams,
    )


def _is_token_subsequence(got: Sequence[str], expected: Sequence[str]) -> bool:
    """``got``'s text is the text of some subsequence of upstream's tokens."""
    text = "".join(got)
    reachable = {0}
    for token in expected:
        reachable |= {i + len(token) for i in reachable if text.startswith(token, i)}
    return len(text) in reachable


def silently_skipped(e: Evidence) -> bool:
    """A completion on a stream that lost upstream's bad line with no error signal (an
    error event, or an error status) anywhere: the client takes it as whole."""
    told = bool(e.transcript.errors) or (e.obs.status or 0) >= 400
    return e.transcript.done is not None and not told


def garbage(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    problems = []
    for name in ("garbage", "malformed"):
        e = ev[name]
        if not _is_token_subsequence(
            [r.text for r in e.transcript.tokens], e.expected.tokens
        ):
            problems.append(
                f"{name} line: text that upstream never sent as a token "
                f"reached the client ({show(e.transcript.text[-40:])})"
            )
        if name == "garbage" and e.transcript.done is not None:
            problems.append(
                "random bytes then close: the client got a completion event"
            )
        if name == "malformed" and silently_skipped(e):
            problems.append(
                "malformed line skipped without an error event, then a completion "
                "as if nothing were lost"
            )
    if not ev["alive"].alive_after or not is_stream(ev["alive"]):
        problems.append(
            f"the proxy did not serve the next request: {answer(ev['alive'])}"
        )
    return verdict(
        not problems,
        "errors or clean closes; no silent skip then completion; nothing invented; "
        "the proxy lives on",
        "; ".join(problems),
    )


CHECKS = (
    Check(
        "END-DONE",
        Level.MUST,
        "the completion event, then the response ends promptly",
        "truncation must be distinguishable",
        ("valid",),
        done,
    ),
    Check(
        "END-UPSTREAM-ERROR-LINE",
        Level.MUST,
        'an upstream {"error"} line surfaces as an error, never a completion',
        "Ollama streaming errors",
        ("error-line",),
        error_line,
    ),
    Check(
        "END-UPSTREAM-TRUNCATED",
        Level.MUST,
        "upstream dying mid-line yields no fabricated completion",
        "faults",
        ("truncated",),
        truncated,
    ),
    Check(
        "END-TRUNCATED-EXPLICIT",
        Level.SHOULD,
        "upstream dying mid-line yields an explicit error event",
        "faults",
        ("truncated",),
        truncated_explicit,
    ),
    Check(
        "END-NOTHING-AFTER-DONE",
        Level.MUST,
        "no token the dialect reads after its completion event (openai: no content "
        "delta after a chunk with finish_reason, none after [DONE]), on every stream",
        "clients stop at the completion and lose the rest",
        ("valid",),
        nothing_after_done,
    ),
    Check(
        "END-UPSTREAM-STATUS",
        Level.MUST,
        "upstream 404/500 before streaming: within 30 s the client can tell it failed "
        "(a non-2xx status, an error event, or a transfer that does not end cleanly: "
        "a chunked body cut without its last chunk, a connection closed before any "
        "response); never a completion, never a hang",
        "WHATWG HTML 9.2.2",
        STATUS,
        upstream_status,
    ),
    Check(
        "END-UPSTREAM-DOWN",
        Level.MUST,
        "nothing listening upstream: within 30 s the client can tell it failed (a "
        "non-2xx status, an error event, or a transfer that does not end cleanly); "
        "never a completion, never a hang",
        "the Next.js SSE route-handler article, its 502 branch",
        ("down",),
        upstream_down,
        applies=lambda ctx: ctx.layer == "direct",
    ),
    Check(
        "END-UPSTREAM-DOWN-STATUS",
        Level.SHOULD,
        "nothing listening upstream: 502, 503 or 504 with a JSON error body within "
        "5 s (a bare 500 is NON-STRICT)",
        "RFC 9110 §15.6.3",
        ("down",),
        upstream_down_status,
        applies=lambda ctx: ctx.layer == "direct",
    ),
    Check(
        "END-GARBAGE",
        Level.MUST,
        "malformed upstream lines: an error event or a close without completion, no "
        "crash, no partial JSON as a token; a line skipped without any error signal is "
        "not followed by a completion as if nothing were lost (an error event for the "
        "bad line, then the rest of the stream, is fine)",
        "WireMock faults",
        ("garbage", "malformed", "alive"),
        garbage,
    ),
)
