"""IDLE — long upstream silences: heartbeats judged by the gaps the client saw.

WHATWG HTML 9.2.7: "Legacy proxy servers are known to, in certain cases, drop HTTP
connections after a short timeout. To protect against such proxy servers, authors can
include a comment line (one starting with a ':' character) every 15 seconds or so."
So the judge looks at every interval without bytes reaching the client during the
silence: none may exceed the heartbeat budget plus a tolerance for timer jitter (a
single message at the start of the silence is not enough).

A heartbeat is what recurs while upstream is silent: a comment line, or messages
without tokens that keep arriving through the silence. A protocol message the stream
opens with (a "start" or "step" event, metadata) is not one, even when the dialect
does not read it as a token: only messages that arrive at least ``RECUR_S`` apart
count, so a burst of such messages at one moment is no heartbeat.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from harness.checks.common import MS, answer, is_stream
from harness.checks.model import (
    Check,
    Context,
    Level,
    Verdict,
    failed,
    unimplemented,
    verdict,
)
from harness.probe.dialects import Kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from harness.probe.evidence import Evidence

#: tolerance for timer jitter: 2 s, or a quarter of the budget when that is shorter
#: (the gate's own tests use budgets of 1-2 s)
JITTER_S = 2.0
#: the silences: before the first token (idle), after it (idle-mid)
SILENCES = ("idle", "idle-mid")
#: token-less messages are heartbeats only when they recur: at least this far apart
RECUR_S = 1.0


def jitter_s(ctx: Context) -> float:
    return min(JITTER_S, ctx.heartbeat_s / 4)


def silence(e: Evidence) -> tuple[int, int]:
    """The silent window on the client clock.

    ``idle``: from sending the request (the head counts as bytes) to the first token;
    ``idle-mid``: from the first token to the second.
    """
    tokens = e.transcript.tokens
    if e.probe.name == "idle-mid":
        start = tokens[0].t_ns if tokens else (e.obs.head_ns or e.obs.sent_ns)
        return start, (tokens[1].t_ns if len(tokens) > 1 else e.obs.end_ns)
    return e.obs.sent_ns, (tokens[0].t_ns if tokens else e.obs.end_ns)


def gaps(e: Evidence, start: int, end: int) -> list[int]:
    """Every interval (ns) without bytes reaching the client within [start, end]."""
    arrivals = [c.t_ns for c in e.obs.chunks if start < c.t_ns < end]
    if e.obs.head_ns is not None and start < e.obs.head_ns < end:
        arrivals.append(e.obs.head_ns)
    points = [start, *sorted(arrivals), end]
    return [b - a for a, b in itertools.pairwise(points)]


def _beats(e: Evidence, start: int, end: int) -> tuple[list[int], list[int]]:
    """Comment heartbeats and recurring messages without tokens within the window."""
    comments = [t for t, _ in e.transcript.comments if start < t < end]
    quiet = {
        id(r.event) for r in e.transcript.readings if r.kind in (Kind.TOKEN, Kind.DONE)
    }
    messages = [
        t for t, ev in e.transcript.events if start < t < end and id(ev) not in quiet
    ]
    return comments, messages if recurs(messages) else []


def recurs(times: list[int]) -> bool:
    """Arrivals spread over the silence, not one burst (a stream's opening messages)."""
    return len(times) > 1 and max(times) - min(times) >= RECUR_S * 1e9


def beats_in_silence(e: Evidence) -> int:
    """How many heartbeats (comments, recurring token-less messages) ``e``'s silence had."""
    start, end = silence(e)
    comments, messages = _beats(e, start, end)
    return len(comments) + len(messages)


def _heartbeat(name: str, ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    e = ev[name]
    if not is_stream(e):
        return failed(f"no 200 answer: {answer(e)}")
    start, end = silence(e)
    found = gaps(e, start, end)
    longest = max(found, default=0)
    limit = ctx.heartbeat_s + jitter_s(ctx)
    comments, messages = _beats(e, start, end)
    beats = len(comments) + len(messages)
    survived = e.transcript.text == e.expected.text and e.transcript.done is not None
    problems = []
    span = (end - start) / 1e9
    if not beats and span <= limit and survived:
        return unimplemented(
            f"the silence ({span:.1f} s) was not longer than the budget + jitter "
            f"({limit:g} s): nothing to judge; raise --idle-seconds"
        )
    if not beats:
        problems.append(
            f"no heartbeat during {span:.1f} s of upstream silence (longest interval "
            f"without bytes {longest / 1e9:.1f} s)"
        )
    elif longest / 1e9 > limit:
        problems.append(
            f"no bytes reached the client for {longest / 1e9:.1f} s of the {span:.1f} s "
            f"silence ({beats} heartbeat(s); budget {ctx.heartbeat_s:g} s + "
            f"{jitter_s(ctx):g} s jitter)"
        )
    if not survived:
        problems.append(
            f"the stream did not survive the silence ({answer(e)})"
            + (f" — {ctx.layer_note}" if ctx.layer_note else "")
        )
    return verdict(
        not problems,
        f"{beats} heartbeat(s) in {span:.1f} s of silence, longest gap "
        f"{longest / 1e9:.1f} s (budget {ctx.heartbeat_s:g} s + {jitter_s(ctx):g} s)",
        "; ".join(problems),
        heartbeats=beats,
        longest_gap_ms=round(longest / MS, 1),
    )


def heartbeat(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    return _heartbeat("idle", ev, ctx)


def heartbeat_mid(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    return _heartbeat("idle-mid", ev, ctx)


def heartbeat_invisible(ev: Mapping[str, Evidence], ctx: Context) -> Verdict:
    comments = visible = 0
    for name in SILENCES:
        if name in ev:
            start, end = silence(ev[name])
            c, m = _beats(ev[name], start, end)
            comments, visible = comments + len(c), visible + len(m)
    if not comments and not visible:
        return unimplemented("no heartbeats during the silences, nothing to judge")
    return verdict(
        not visible,
        f"{comments} comment heartbeat(s), no data messages",
        f"{visible} data messages during the silences (clients surface them as "
        "messages; send comments: a line starting with ':')",
    )


CHECKS = (
    Check(
        "IDLE-HEARTBEAT",
        Level.SHOULD,
        "upstream silent before its first token: no interval without bytes reaching "
        "the client longer than the heartbeat budget (+ jitter tolerance); the stream "
        "survives the layer",
        "WHATWG HTML 9.2.7 (~15 s)",
        ("idle",),
        heartbeat,
    ),
    Check(
        "IDLE-HEARTBEAT-MID",
        Level.SHOULD,
        "the same silence after the first token (a model pausing mid-answer)",
        "WHATWG HTML 9.2.7; tool calls and long thinking pauses",
        ("idle-mid",),
        heartbeat_mid,
    ),
    Check(
        "IDLE-HEARTBEAT-INVISIBLE",
        Level.SHOULD,
        "heartbeats are comments, not messages the dialect surfaces; a heartbeat is "
        "what recurs during a silence (protocol messages such as a stream's start "
        "event are none); UNIMPLEMENTED when there are no heartbeats",
        "clients that surface empty messages",
        SILENCES,
        heartbeat_invisible,
    ),
)
