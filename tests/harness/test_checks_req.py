"""REQ and IDLE judges (harness.checks.req) on synthetic evidence: one row per pass and
per failure branch."""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks import req
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
    evidence,
    exchange,
    observation,
    raw,
    row,
    sse_token,
    streamed,
)

OK, FAILED, NON_STRICT, INFO = (
    Outcome.OK,
    Outcome.FAILED,
    Outcome.NON_STRICT,
    Outcome.INFO,
)
TEXT = (("content-type", "text/plain"),)
UPSTREAM = (exchange([10, 20, 30, 40, 50]),)


def answer(
    probe: str,
    status: int,
    *headers: tuple[str, str],
    upstream: bool = False,
    **kw: Any,
) -> dict[str, Evidence]:
    """``{probe: a status answer}`` with a JSON body unless other headers are given."""
    e = raw(
        probe,
        b'{"error": "no"}',
        status=status,
        headers=headers or JSON,
        exchanges=UPSTREAM if upstream else (),
        **kw,
    )
    return {probe: e}


def stream(probe: str, **kw: Any) -> dict[str, Evidence]:
    return {probe: streamed(probe, exchanges=UPSTREAM, **kw)}


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
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 415),
        OK,
        "415 for Content-Type: text/plain, nothing sent upstream",
        id="wrong-type-415",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        stream("wrong-type"),
        FAILED,
        "got HTTP/1.1 200, text/event-stream, 143 body bytes in 6 reads, ended complete "
        "and the request was forwarded upstream; wanted 415",
        id="wrong-type-streamed",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 415, upstream=True),
        FAILED,
        "and the request was forwarded upstream; wanted 415",
        id="wrong-type-415-but-forwarded",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 415, unmarked=1),
        FAILED,
        "and the request was forwarded upstream",
        id="wrong-type-415-unmarked-upstream",
    ),
    row(
        "REQ-415-WRONG-TYPE",
        answer("wrong-type", 400),
        FAILED,
        "Content-Type: text/plain got HTTP/1.1 400, application/json",
        id="wrong-type-400",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415, *JSON, ("accept-post", "application/json")),
        OK,
        "415 lists the accepted type: application/json",
        id="accept-post",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415, *JSON, ("accept", "application/json")),
        OK,
        "415 lists the accepted type: application/json",
        id="accept-post-as-accept",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415),
        NON_STRICT,
        "the 415 answer has no Accept-Post naming application/json (got none)",
        id="accept-post-absent",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        answer("wrong-type", 415, *JSON, ("accept-post", "text/plain")),
        NON_STRICT,
        "(got text/plain)",
        id="accept-post-wrong-type",
    ),
    row(
        "REQ-415-ACCEPT-POST",
        stream("wrong-type"),
        NON_STRICT,
        "no 415 at all (HTTP/1.1 200",
        id="accept-post-no-415",
    ),
    row(
        "REQ-415-MISSING-TYPE",
        answer("missing-type", 415),
        OK,
        "415 for a body without Content-Type",
        id="missing-type",
    ),
    row(
        "REQ-415-MISSING-TYPE",
        stream("missing-type"),
        NON_STRICT,
        "a body without Content-Type got HTTP/1.1 200",
        id="missing-type-streamed",
    ),
    row(
        "REQ-415-MISSING-TYPE",
        answer("missing-type", 415, upstream=True),
        NON_STRICT,
        "and the request was forwarded upstream; wanted 415",
        id="missing-type-forwarded",
    ),
    row("REQ-TYPE-PARAMS", stream("type-params"), OK, "accepted", id="type-params"),
    row(
        "REQ-TYPE-PARAMS",
        answer("type-params", 415),
        FAILED,
        "Content-Type: Application/JSON; charset=utf-8 was refused: HTTP/1.1 415",
        id="type-params-refused",
    ),
    row(
        "REQ-TYPE-PARAMS",
        stream("type-params", sent=TOKENS[:2]),
        FAILED,
        "accepted, but text differs at character 5 of 12",
        id="type-params-text-lost",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, ("content-type", "application/problem+json")),
        OK,
        "400 with a JSON error, nothing upstream",
        id="malformed-400",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 500),
        FAILED,
        "got HTTP/1.1 500, application/json",
        id="malformed-500",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, *TEXT),
        FAILED,
        "the 400 body is text/plain, not JSON",
        id="malformed-400-text",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 400, upstream=True),
        FAILED,
        "the request was forwarded upstream",
        id="malformed-forwarded",
    ),
    row(
        "REQ-400-MALFORMED",
        answer("malformed-json", 500, *TEXT, upstream=True, alive_after=False),
        FAILED,
        ", wanted 400; the request was forwarded upstream; the proxy died",
        id="malformed-everything-wrong",
    ),
    row(
        "REQ-406-ACCEPT",
        answer("accept-png", 406),
        OK,
        "406 for Accept: image/png",
        id="406",
    ),
    row(
        "REQ-406-ACCEPT",
        stream("accept-png"),
        INFO,
        "Accept: image/png was ignored (allowed by RFC 9110 §12.5.1)",
        id="406-ignored",
    ),
    row(
        "REQ-406-ACCEPT",
        answer("accept-png", 500),
        NON_STRICT,
        "Accept: image/png got HTTP/1.1 500, application/json",
        id="406-server-error",
    ),
    row(
        "REQ-ERROR-BODY",
        {**answer("wrong-type", 415), **answer("get", 405)},
        OK,
        "2 error answers, all JSON",
        id="error-bodies-json",
    ),
    row(
        "REQ-ERROR-BODY",
        {**answer("wrong-type", 415), **answer("get", 405, *TEXT)},
        NON_STRICT,
        "get: 405 as text/plain",
        id="error-body-text",
    ),
    row(
        "REQ-ERROR-BODY",
        {
            "wrong-type": raw("wrong-type", b"no", status=415, headers=()),
            **answer("get", 405),
            **stream("valid"),
        },
        NON_STRICT,
        "wrong-type: 415 as untyped",
        id="error-body-untyped",
    ),
    row(
        "REQ-ERROR-BODY",
        {**stream("wrong-type"), **stream("get")},
        INFO,
        "no 4xx/5xx answers to look at",
        id="error-body-none",
    ),
    row(
        "REQ-METHOD",
        answer("get", 405, *JSON, ("allow", "OPTIONS, post")),
        OK,
        "405 with Allow: OPTIONS, post",
        id="method-405",
    ),
    row(
        "REQ-METHOD",
        answer("get", 405),
        NON_STRICT,
        "GET got HTTP/1.1 405, application/json, 15 body bytes in 1 reads, ended "
        "complete, no Allow; wanted 405 with Allow: POST",
        id="method-405-no-allow",
    ),
    row(
        "REQ-METHOD",
        answer("get", 404, *JSON, ("allow", "POST")),
        NON_STRICT,
        "GET got HTTP/1.1 404, application/json, 15 body bytes in 1 reads, ended "
        "complete, Allow: POST; wanted 405",
        id="method-404",
    ),
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
    assert_covered(ROWS, req.CHECKS)


def test_heartbeat_metrics():
    found = req.heartbeat(idle([(5_000, PING), (15_000, PING)]), context())
    assert found.metrics == {"heartbeats": 2, "longest_gap_ms": 10000.0}
