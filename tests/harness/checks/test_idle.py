"""IDLE judges (harness.checks.idle) on synthetic evidence: one row per pass and per
failure branch. The silence is 20 s of client time: from the request to the first
token (idle), or from the first token to the second (idle-mid)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from harness.checks import idle as idle_checks
from harness.checks.model import Outcome
from harness.client.observation import End
from tests.harness.evidence import (
    DONE,
    ROW_NAMES,
    TOKENS,
    assert_covered,
    assert_row,
    context,
    evidence,
    observation,
    raw,
    row,
    sse_token,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, NON_STRICT = Outcome.OK, Outcome.NON_STRICT
TEXT = (("content-type", "text/plain"),)

#: the idle probe: head at 1 ms, upstream silent for 20 s, then the tokens
SILENT_MS = 20_000
TAIL = [(SILENT_MS + 10 * i, sse_token(t)) for i, t in enumerate(TOKENS)] + [
    (SILENT_MS + 100, DONE)
]
PING = b": ping\n\n"
START = b'data: {"type": "start"}\n\n'
STEP = b'data: {"type": "start-step"}\n\n'


def idle(
    beats: list[tuple[int, bytes]],
    tail: list[tuple[int, bytes]] | None = None,
    **kw: Any,
) -> dict[str, Evidence]:
    obs = observation([*beats, *(TAIL if tail is None else tail)], **kw)
    return {"idle": evidence("idle", obs, TOKENS)}


def mid(beats: list[tuple[int, bytes]]) -> dict[str, Evidence]:
    """The first token at 10 ms, then 20 s of upstream silence, then the rest."""
    first = [(10, sse_token(TOKENS[0]))]
    rest = [(SILENT_MS + 10 * i, sse_token(t)) for i, t in enumerate(TOKENS[1:])]
    obs = observation([*first, *beats, *rest, (SILENT_MS + 100, DONE)])
    return {"idle-mid": evidence("idle-mid", obs, TOKENS)}


ROWS = [
    row(
        "IDLE-HEARTBEAT",
        idle([(15_000, PING)]),
        NON_STRICT,
        "no bytes reached the client for 15.0 s of the 20.0 s silence (1 heartbeat(s); "
        "budget 10 s + 2 s jitter)",
        ctx=context(heartbeat_s=10.0),
        id="heartbeat-one-then-too-long",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(10_000, PING)]),
        OK,
        "1 heartbeat(s) in 20.0 s of silence, longest gap 10.0 s (budget 15 s + 2 s)",
        id="heartbeat",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(16_900, PING)]),
        OK,
        "longest gap 16.9 s",
        id="heartbeat-within-jitter",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(1_000, b'data: {"ping": 1}\n\n')]),
        NON_STRICT,
        "no heartbeat during 20.0 s of upstream silence (longest interval without "
        "bytes 19.0 s)",
        id="heartbeat-one-message-at-the-start",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(7_000, b'data: {"ping": 1}\n\n'), (14_000, b'data: {"ping": 2}\n\n')]),
        OK,
        "2 heartbeat(s) in 20.0 s of silence",
        id="heartbeat-as-data-messages",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(18_000, PING)], head_ms=18_000),
        NON_STRICT,
        "no bytes reached the client for 18.0 s of the 20.0 s silence",
        id="heartbeat-late-head-counts-as-bytes-only",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([]),
        NON_STRICT,
        "no heartbeat during 20.0 s of upstream silence (longest interval without "
        "bytes 20.0 s)",
        id="heartbeat-none",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(10_000, PING), (20_000, PING)], tail=[], end=End.TIMEOUT, end_ms=30_000),
        NON_STRICT,
        "the stream did not survive the silence (HTTP/1.1 200, text/event-stream, 16 "
        "body bytes in 2 reads, ended timeout) — buffered by nginx",
        ctx=context(layer="nginx", layer_note="buffered by nginx"),
        id="heartbeat-stream-dropped",
    ),
    row(
        "IDLE-HEARTBEAT",
        {"idle": raw("idle", b"", status=504, headers=TEXT)},
        NON_STRICT,
        "no 200 answer: HTTP/1.1 504, text/plain",
        id="heartbeat-no-stream",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([(5_000, PING), (10_000, PING), (15_000, PING)]) | mid([]),
        OK,
        "3 comment heartbeat(s), no data messages",
        id="invisible",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle(
            [
                (7_000, b'data: {"ping": 1}\n\n'),
                (14_000, PING),
                (16_000, b'data: {"ping": 2}\n\n'),
            ]
        )
        | mid([]),
        NON_STRICT,
        "2 data messages during the silences (clients surface them as messages",
        id="invisible-data-message",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([]) | mid([]),
        Outcome.UNIMPLEMENTED,
        "no heartbeats during the silences, nothing to judge",
        id="invisible-none",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([]) | mid([(5_000, b'data: {"ping": 1}\n\n'), (10_000, b"data: {}\n\n")]),
        NON_STRICT,
        "2 data messages during the silences",
        id="invisible-data-message-mid",
    ),
    # a stream that opens with protocol messages (the Vercel AI SDK UI message
    # stream: start, start-step) and has no heartbeat: nothing recurs, nothing to judge
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([(1, START), (1, STEP)]) | mid([]),
        Outcome.UNIMPLEMENTED,
        "no heartbeats during the silences, nothing to judge",
        id="invisible-protocol-messages-are-no-heartbeats",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(1, START), (1, STEP)]),
        NON_STRICT,
        "no heartbeat during 20.0 s of upstream silence",
        id="heartbeat-protocol-messages-are-no-heartbeats",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([(1, START), (5_000, PING), (10_000, PING)]) | mid([]),
        OK,
        "2 comment heartbeat(s), no data messages",
        id="invisible-comments-after-a-start-message",
    ),
    row(
        "IDLE-HEARTBEAT-MID",
        mid([(10_000, PING)]),
        OK,
        "1 heartbeat(s) in 20.0 s of silence, longest gap 10.0 s",
        id="mid",
    ),
    row(
        "IDLE-HEARTBEAT-MID",
        mid([(1_000, b'data: {"ping": 1}\n\n')]),
        NON_STRICT,
        "no heartbeat during 20.0 s of upstream silence (longest interval without "
        "bytes 19.0 s)",
        id="mid-one-message-then-silent",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([]),
        Outcome.UNIMPLEMENTED,
        "the silence (20.0 s) was not longer than the budget + jitter (22 s)",
        ctx=context(heartbeat_s=20.0),
        id="heartbeat-silence-too-short-to-judge",
    ),
    row(
        "IDLE-HEARTBEAT-MID",
        mid([]),
        NON_STRICT,
        "no heartbeat during 20.0 s of upstream silence",
        id="mid-none",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, idle_checks.CHECKS)


def test_heartbeat_metrics():
    found = idle_checks.heartbeat(idle([(5_000, PING), (15_000, PING)]), context())
    assert found.metrics == {"heartbeats": 2, "longest_gap_ms": 10000.0}


def test_jitter_is_two_seconds_or_a_quarter_of_a_short_budget():
    assert idle_checks.jitter_s(context(heartbeat_s=15.0)) == 2.0
    assert idle_checks.jitter_s(context(heartbeat_s=2.0)) == 0.5
