"""IDLE judges (harness.checks.req) on synthetic evidence: one row per pass and per
failure branch. The silence is 20 s of client time, from the head to the first token."""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import req
from harness.checks.model import Evidence, Outcome
from harness.client.observation import End

from .evidence import (
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

OK, NON_STRICT = Outcome.OK, Outcome.NON_STRICT
TEXT = (("content-type", "text/plain"),)

#: the idle probe: head at 1 ms, upstream silent for 20 s, then the tokens
SILENT_MS = 20_000
TAIL = [(SILENT_MS + 10 * i, sse_token(t)) for i, t in enumerate(TOKENS)] + [
    (SILENT_MS + 100, DONE)
]
PING = b": ping\n\n"


def idle(
    beats: list[tuple[int, bytes]],
    tail: list[tuple[int, bytes]] | None = None,
    **kw: Any,
) -> dict[str, Evidence]:
    obs = observation([*beats, *(TAIL if tail is None else tail)], **kw)
    return {"idle": evidence("idle", obs, TOKENS)}


ROWS = [
    row(
        "IDLE-HEARTBEAT",
        idle([(15_000, PING)]),
        OK,
        "1 heartbeat(s) in 20.0 s of silence",
        id="heartbeat",
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
        idle([]),
        NON_STRICT,
        "nothing reached the client during 20 s of upstream silence",
        id="heartbeat-none",
    ),
    row(
        "IDLE-HEARTBEAT",
        idle([(15_000, PING)], tail=[], end=End.TIMEOUT, end_ms=30_000),
        NON_STRICT,
        "the stream did not survive the silence (HTTP/1.1 200, text/event-stream, 8 "
        "body bytes in 1 reads, ended timeout) — buffered by nginx",
        ctx=context(layer="nginx", layer_note="buffered by nginx"),
        id="heartbeat-stream-dropped",
    ),
    row(
        "IDLE-HEARTBEAT",
        {"idle": raw("idle", b"", status=504, headers=TEXT)},
        NON_STRICT,
        "no event stream: HTTP/1.1 504, text/plain",
        id="heartbeat-no-stream",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([(5_000, PING), (10_000, PING), (15_000, PING)]),
        OK,
        "3 comment heartbeat(s), no data messages",
        id="invisible",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([(7_000, b'data: {"ping": 1}\n\n'), (14_000, PING)]),
        NON_STRICT,
        "1 data messages during the silence (clients surface them as messages)",
        id="invisible-data-message",
    ),
    row(
        "IDLE-HEARTBEAT-INVISIBLE",
        idle([]),
        NON_STRICT,
        "no heartbeats at all",
        id="invisible-none",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, tuple(c for c in req.CHECKS if c.id.startswith("IDLE-")))


def test_heartbeat_metrics():
    found = req.heartbeat(idle([(5_000, PING), (15_000, PING)]), context())
    assert found.metrics == {"heartbeats": 2, "longest_gap_ms": 10000.0}
