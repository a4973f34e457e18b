"""END judges of failures on synthetic evidence: the client can
tell an upstream failure (END-UPSTREAM-STATUS, END-UPSTREAM-DOWN), the ideal answer
(END-UPSTREAM-DOWN-STATUS), and no token after the completion (END-NOTHING-AFTER-DONE).

The test-only proxies of the brief are evidence here: one that sends its head first
and an ``event: error`` when nothing listens upstream, one that sends a token after
its completion event.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

import pytest

from harness.checks import BY_ID
from harness.checks.model import Outcome
from harness.client.observation import End
from harness.probe.dialects import make_dialect
from harness.probe.transcript import transcribe
from tests.harness.evidence import (
    DONE,
    JSON,
    ROW_NAMES,
    SSE,
    assert_row,
    context,
    observation,
    raw,
    row,
    sse_token,
    streamed,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, FAILED, NON_STRICT = Outcome.OK, Outcome.FAILED, Outcome.NON_STRICT
ERROR_EVENT = b'event: error\ndata: {"error": "upstream unreachable"}\n\n'
TEXT = (("content-type", "text/plain"),)


def failing(status: int, headers: tuple[tuple[str, str], ...] = JSON) -> Evidence:
    return raw("status-404", b'{"error": "x"}', status=status, headers=headers)


def statuses(
    e404: Evidence | None = None, e500: Evidence | None = None
) -> dict[str, Evidence]:
    return {
        "status-404": e404 or failing(404),
        "status-500": e500
        or failing(500, (("content-type", "application/problem+json"),)),
    }


def down(
    status: int | None,
    headers: tuple[tuple[str, str], ...] = JSON,
    end_ms: int = 20,
    body: bytes = b'{"error": "upstream unreachable"}',
    end: End = End.COMPLETE,
    error: str = "",
) -> dict[str, Evidence]:
    return {
        "down": raw(
            "down",
            body if status else b"",
            status=status,
            headers=headers if status else (),
            head_ms=None if status is None else 1,
            end=end if status else End.CONNECT_FAILED,
            end_ms=end_ms,
            error=error,
        )
    }


#: the test-only proxy: head first (200 text/event-stream), then an error event
HEAD_THEN_ERROR = down(200, SSE, body=ERROR_EVENT)


def openai(chunks: list[dict[str, object] | str]) -> dict[str, Evidence]:
    """A ``valid`` stream in the openai dialect: one read per chunk."""
    body = [
        (
            10 * (i + 1),
            f"data: {c if isinstance(c, str) else json.dumps(c)}\n\n".encode(),
        )
        for i, c in enumerate(chunks)
    ]
    obs = observation(body)
    ev = streamed("valid")
    return {
        "valid": dataclasses.replace(
            ev, obs=obs, transcript=transcribe(obs, make_dialect("openai"))
        )
    }


def delta(text: str, finish: str | None = None) -> dict[str, object]:
    return {"choices": [{"delta": {"content": text}, "finish_reason": finish}]}


AFTER_DONE = observation(
    [(10, sse_token("Hel")), (20, DONE), (30, sse_token("lo"))], end_ms=40
)

ROWS = [
    row("END-UPSTREAM-STATUS", statuses(), OK, "404 as HTTP 404", id="status-json"),
    row(
        "END-UPSTREAM-STATUS",
        statuses(raw("status-404", ERROR_EVENT)),
        OK,
        "404 as an error event after 10 ms",
        id="status-error-event",
    ),
    # the client can tell from the status alone, whatever the body's type
    row(
        "END-UPSTREAM-STATUS",
        statuses(failing(404, TEXT)),
        OK,
        "404 as HTTP 404",
        id="status-text-plain",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(e500=raw("status-500", DONE)),
        FAILED,
        "upstream 500: the client got a completion event",
        id="status-completed",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(e500=raw("status-500", b"")),
        FAILED,
        "upstream 500: the response ended cleanly with neither a non-2xx status nor an "
        "error event (HTTP/1.1 200",
        id="status-empty-200",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(e500=raw("status-500", b": ping\n\n", end=End.TIMEOUT, end_ms=30_001)),
        FAILED,
        "upstream 500: no error status, error event or broken transfer within 30 s; "
        "the response hung",
        id="status-hang",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(
            e500=streamed("status-500", [], done=False, end=End.ABORTED, end_ms=31_000)
        ),
        FAILED,
        "no error status, error event or broken transfer within 30 s",
        id="status-hang-aborted",
    ),
    row("END-UPSTREAM-DOWN", down(502), OK, "the client got HTTP 502", id="down"),
    row(
        "END-UPSTREAM-DOWN",
        HEAD_THEN_ERROR,
        OK,
        "the client got an error event after 10 ms",
        id="down-head-then-error-event",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(500, TEXT, body=b"Internal Server Error"),
        OK,
        "the client got HTTP 500",
        id="down-bare-500",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(200, SSE, body=DONE),
        FAILED,
        "nothing listening upstream: the client got a completion event",
        id="down-completed",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(200, SSE, body=b"", end=End.TIMEOUT, end_ms=30_000),
        FAILED,
        "within 30 s; the response hung",
        id="down-hang",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(None),
        FAILED,
        "nothing listening upstream: the proxy took no request (HTTP/1.1 no response",
        id="down-no-answer",
    ),
    # what HTTP clients report as a network error: the client can tell
    row(
        "END-UPSTREAM-DOWN",
        down(
            200,
            SSE,
            body=b": ok\n\n",
            end=End.CLOSED,
            error="peer closed connection without sending complete message body: "
            "incomplete chunked read",
        ),
        OK,
        "the client got HTTP 200, a transfer that broke after 20 ms (closed)",
        id="down-200-chunked-body-cut",
    ),
    row(
        "END-UPSTREAM-DOWN",
        {
            "down": raw(
                "down", b"", status=None, head_ms=None, end=End.CLOSED, end_ms=20
            )
        },
        OK,
        "the client got no response, a transfer that broke after 20 ms (closed)",
        id="down-closed-before-any-response",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(200, SSE, body=b": ok\n\n"),
        FAILED,
        "the response ended cleanly with neither a non-2xx status nor an error event",
        id="down-200-clean-end",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(200, SSE, body=b"", end=End.CLOSED, end_ms=31_000),
        FAILED,
        "the transfer broke only after 31.0 s",
        id="down-broken-too-late",
    ),
    row(
        "END-UPSTREAM-DOWN-STATUS",
        down(502),
        OK,
        "502 with a JSON error after 20 ms",
        id="down-status",
    ),
    row(
        "END-UPSTREAM-DOWN-STATUS",
        HEAD_THEN_ERROR,
        NON_STRICT,
        "(the head went out before upstream was tried)",
        id="down-status-head-then-error-event",
    ),
    row(
        "END-UPSTREAM-DOWN-STATUS",
        down(500, TEXT, body=b"Internal Server Error"),
        NON_STRICT,
        "(a bare 500: likely an unhandled exception)",
        id="down-status-bare-500",
    ),
    row(
        "END-UPSTREAM-DOWN-STATUS",
        down(503, headers=(("content-type", "text/html"),)),
        NON_STRICT,
        "wanted 502/503/504 with a JSON error within 5000 ms",
        id="down-status-html",
    ),
    row(
        "END-UPSTREAM-DOWN-STATUS",
        down(504, end_ms=6000),
        NON_STRICT,
        "after 6000 ms; wanted 502/503/504",
        id="down-status-slow",
    ),
    row(
        "END-NOTHING-AFTER-DONE",
        {"valid": streamed("valid"), "utf8": streamed("utf8")},
        OK,
        "no token after the completion event in 2 streams",
        id="after-done-none",
    ),
    row(
        "END-NOTHING-AFTER-DONE",
        {"valid": streamed("valid"), "lat": raw("lat", b"")},
        OK,
        "in 1 streams",
        id="after-done-empty-stream-ignored",
    ),
    row(
        "END-NOTHING-AFTER-DONE",
        {"valid": streamed("valid"), "lat": streamed("lat")}
        | {
            "utf8": dataclasses.replace(
                streamed("utf8"),
                obs=AFTER_DONE,
                transcript=transcribe(AFTER_DONE, make_dialect("seed")),
            )
        },
        FAILED,
        "utf8: 1 token(s) after the completion event, first 'lo'",
        id="after-done-token",
    ),
    row(
        "END-NOTHING-AFTER-DONE",
        openai([delta("Hel"), delta("lo", "stop"), "[DONE]"]),
        OK,
        "no token after the completion event",
        id="after-done-openai-finish-chunk-with-content",
    ),
    row(
        "END-NOTHING-AFTER-DONE",
        openai([delta("Hel"), delta("", "stop"), delta("lo"), "[DONE]"]),
        FAILED,
        "valid: 1 token(s) after the completion event, first 'lo'",
        id="after-done-openai-delta-after-finish",
    ),
    row(
        "END-NOTHING-AFTER-DONE",
        openai([delta("Hel"), "[DONE]", delta("lo")]),
        FAILED,
        "valid: 1 token(s) after the completion event",
        id="after-done-openai-delta-after-done",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


@pytest.mark.parametrize("check_id", ["END-UPSTREAM-DOWN", "END-UPSTREAM-DOWN-STATUS"])
def test_upstream_down_is_judged_directly_only(check_id):
    check = BY_ID[check_id]
    assert check.applies(context()) and not check.applies(context(layer="nginx"))
