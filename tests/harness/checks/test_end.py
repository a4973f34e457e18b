"""END judges on synthetic evidence: one row per pass and per failure branch."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from harness.checks import end
from harness.checks.model import Outcome
from harness.client.observation import End
from tests.harness.evidence import (
    DONE,
    JSON,
    ROW_NAMES,
    TOKENS,
    assert_covered,
    assert_row,
    raw,
    row,
    sse_token,
    streamed,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, FAILED, NON_STRICT = Outcome.OK, Outcome.FAILED, Outcome.NON_STRICT
ERROR_EVENT = b'event: error\ndata: {"error": "model crashed"}\n\n'
TEXT = (("content-type", "text/plain"),)


def tokens(sent: list[str]) -> bytes:
    return b"".join(sse_token(t) for t in sent)


def one(probe: str, e: Evidence | None = None) -> dict[str, Evidence]:
    return {probe: e or streamed(probe)}


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
        "no 200 answer: HTTP/1.1 502",
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
        OK,
        "completion event, then the response ended",
        id="done-then-tokens",  # the late tokens are END-NOTHING-AFTER-DONE's
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
        garbage(malformed=streamed("malformed", sent=["Hel", ", "])),
        FAILED,
        "malformed line skipped without an error event, then a completion as if "
        "nothing were lost",
        id="garbage-skipped-silently-then-completed",
    ),
    row(
        "END-GARBAGE",
        garbage(
            malformed=raw(
                "malformed",
                sse_token("Hel")
                + b'event: error\ndata: {"error": "bad upstream line"}\n\n'
                + sse_token(", ")
                + DONE,
                tokens=["Hel", ", "],
            )
        ),
        OK,
        "no silent skip then completion",
        id="garbage-error-event-then-the-rest",
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
    from tests.harness.checks.test_failures import ROWS as FAILURE_ROWS

    assert_covered(ROWS + FAILURE_ROWS, end.CHECKS)
