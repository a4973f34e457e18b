"""END judges on synthetic evidence: one row per pass and per failure branch."""

from __future__ import annotations

import pytest

from harness.checks import BY_ID, end
from harness.checks.model import Evidence, Outcome
from harness.client.observation import End

from .evidence import (
    DONE,
    JSON,
    ROW_NAMES,
    TOKENS,
    assert_covered,
    assert_row,
    context,
    raw,
    row,
    sse_token,
    streamed,
)

OK, FAILED, NON_STRICT = Outcome.OK, Outcome.FAILED, Outcome.NON_STRICT
ERROR_EVENT = b'event: error\ndata: {"error": "model crashed"}\n\n'
TEXT = (("content-type", "text/plain"),)


def tokens(sent: list[str]) -> bytes:
    return b"".join(sse_token(t) for t in sent)


def one(probe: str, e: Evidence | None = None) -> dict[str, Evidence]:
    return {probe: e or streamed(probe)}


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
    status: int | None, headers: tuple[tuple[str, str], ...] = JSON, end_ms: int = 20
) -> dict[str, Evidence]:
    return {
        "down": raw(
            "down",
            b'{"error": "upstream unreachable"}' if status else b"",
            status=status,
            headers=headers if status else (),
            head_ms=None if status is None else 1,
            end=End.COMPLETE if status else End.CONNECT_FAILED,
            end_ms=end_ms,
        )
    }


def garbage(
    garbage: Evidence | None = None,
    malformed: Evidence | None = None,
    alive: Evidence | None = None,
) -> dict[str, Evidence]:
    return {
        "garbage": garbage or streamed("garbage", sent=TOKENS[:3], done=False),
        "malformed": malformed or streamed("malformed", sent=["Hel", ", "], done=False),
        "alive": alive or streamed("alive"),
    }


ROWS = [
    row(
        "END-DONE",
        one("valid"),
        OK,
        "completion event, then the response ended 1 ms later",
        id="done",
    ),
    row(
        "END-DONE",
        one("valid", raw("valid", b"", status=502, headers=JSON)),
        FAILED,
        "no event stream: HTTP/1.1 502",
        id="done-no-stream",
    ),
    row(
        "END-DONE",
        one("valid", streamed("valid", done=False, end=End.CLOSED)),
        FAILED,
        "no completion event; the stream closed after 5 tokens",
        id="done-missing",
    ),
    row(
        "END-DONE",
        one("valid", raw("valid", tokens(TOKENS[:3]) + DONE + tokens(TOKENS[3:]))),
        FAILED,
        "2 tokens after the completion event",
        id="done-then-tokens",
    ),
    row(
        "END-DONE",
        one("valid", streamed("valid", end=End.TIMEOUT, error="idle for 5 s")),
        FAILED,
        "the response did not end after the completion event (timeout: idle for 5 s)",
        id="done-never-ends",
    ),
    row(
        "END-DONE",
        one("valid", streamed("valid", end_ms=3060)),
        FAILED,
        "the response ended 3000 ms after the completion event (limit 2000 ms)",
        id="done-ends-late",
    ),
    row(
        "END-UPSTREAM-ERROR-LINE",
        one("error-line", raw("error-line", tokens(TOKENS[:2]) + ERROR_EVENT)),
        OK,
        "error surfaced: 'model crashed'",
        id="error-event",
    ),
    row(
        "END-UPSTREAM-ERROR-LINE",
        one("error-line", raw("error-line", b'data: {"error": "boom"}\n\n')),
        OK,
        "error surfaced: 'boom'",
        id="error-data-object",
    ),
    row(
        "END-UPSTREAM-ERROR-LINE",
        one(
            "error-line", raw("error-line", b'{"error": "x"}', status=500, headers=JSON)
        ),
        OK,
        "error surfaced as HTTP 500",
        id="error-status",
    ),
    row(
        "END-UPSTREAM-ERROR-LINE",
        one("error-line", raw("error-line", ERROR_EVENT + DONE)),
        FAILED,
        "but the client got a completion event",
        id="error-then-done",
    ),
    row(
        "END-UPSTREAM-ERROR-LINE",
        one("error-line", streamed("error-line", sent=TOKENS[:2], done=False)),
        FAILED,
        "upstream's error line was swallowed: 2 tokens, no error event",
        id="error-swallowed",
    ),
    row(
        "END-UPSTREAM-TRUNCATED",
        one(
            "truncated",
            streamed("truncated", sent=TOKENS[:3], done=False, end=End.CLOSED),
        ),
        OK,
        "no completion event after upstream died mid-line",
        id="truncated",
    ),
    row(
        "END-UPSTREAM-TRUNCATED",
        one("truncated", streamed("truncated", sent=TOKENS[:3])),
        FAILED,
        "yet the client got a completion event",
        id="truncated-completed",
    ),
    row(
        "END-TRUNCATED-EXPLICIT",
        one("truncated", raw("truncated", tokens(TOKENS[:3]) + ERROR_EVENT)),
        OK,
        "an explicit error event after upstream died",
        id="explicit-event",
    ),
    row(
        "END-TRUNCATED-EXPLICIT",
        one("truncated", raw("truncated", b"{}", status=502, headers=JSON)),
        OK,
        "an explicit error event after upstream died",
        id="explicit-status",
    ),
    row(
        "END-TRUNCATED-EXPLICIT",
        one(
            "truncated",
            streamed("truncated", sent=TOKENS[:3], done=False, end=End.CLOSED),
        ),
        NON_STRICT,
        "no error event after upstream died mid-line; the stream just closed",
        id="explicit-missing",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(),
        OK,
        "reach the client as failures",
        id="status-json",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(failing(404, (("content-type", "application/vnd.err+json"),))),
        OK,
        "reach the client as failures",
        id="status-json-suffix",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(raw("status-404", ERROR_EVENT)),
        OK,
        "reach the client as failures",
        id="status-error-event",
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
        statuses(failing(404, TEXT)),
        FAILED,
        "upstream 404: neither a non-2xx JSON error nor an error event",
        id="status-text-plain",
    ),
    row(
        "END-UPSTREAM-STATUS",
        statuses(e500=raw("status-500", b"")),
        FAILED,
        "upstream 500: neither a non-2xx JSON error nor an error event (HTTP/1.1 200",
        id="status-empty-200",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(502),
        OK,
        "502 with a JSON error after 20 ms",
        id="down",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(200, headers=(("content-type", "text/event-stream"),)),
        FAILED,
        "with nothing listening upstream the client got HTTP/1.1 200",
        id="down-200",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(503, headers=(("content-type", "text/html"),)),
        FAILED,
        "wanted 502/503/504 with a JSON error within 5000 ms",
        id="down-html",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(504, end_ms=6000),
        FAILED,
        "after 6000 ms; wanted 502/503/504",
        id="down-slow",
    ),
    row(
        "END-UPSTREAM-DOWN",
        down(None),
        FAILED,
        "the client got HTTP/1.1 no response",
        id="down-no-answer",
    ),
    row(
        "END-GARBAGE",
        garbage(),
        OK,
        "nothing invented; the proxy lives on",
        id="garbage",
    ),
    row(
        "END-GARBAGE",
        garbage(malformed=streamed("malformed", sent=["Hel", '{"tok'], done=False)),
        FAILED,
        "malformed line: text that upstream never sent as a token reached the client",
        id="garbage-partial-json",
    ),
    row(
        "END-GARBAGE",
        garbage(garbage=streamed("garbage", sent=TOKENS[:3])),
        FAILED,
        "random bytes then close: the client got a completion event",
        id="garbage-completed",
    ),
    row(
        "END-GARBAGE",
        garbage(alive=streamed("alive", alive_after=False)),
        FAILED,
        "the proxy did not serve the next request",
        id="garbage-proxy-died",
    ),
    row(
        "END-GARBAGE",
        garbage(
            alive=raw("alive", b"", status=None, head_ms=None, end=End.CONNECT_FAILED)
        ),
        FAILED,
        "the proxy did not serve the next request: HTTP/1.1 no response",
        id="garbage-next-request-refused",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, end.CHECKS)


def test_upstream_down_is_judged_directly_only():
    check = BY_ID["END-UPSTREAM-DOWN"]
    assert check.applies(context()) and not check.applies(context(layer="nginx"))
