"""HDR judges on synthetic evidence: one row per pass and per failure branch."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from harness.checks import BY_ID, hdr
from harness.checks.model import Outcome
from tests.harness.evidence import (
    JSON,
    ROW_NAMES,
    SSE,
    assert_covered,
    assert_row,
    context,
    exchange,
    raw,
    row,
    streamed,
)

if TYPE_CHECKING:
    from harness.probe.evidence import Evidence

OK, FAILED, NON_STRICT, UNIMPLEMENTED = (
    Outcome.OK,
    Outcome.FAILED,
    Outcome.NON_STRICT,
    Outcome.UNIMPLEMENTED,
)
CHUNKED = (("transfer-encoding", "chunked"),)
GOOD_CACHE = (("cache-control", "no-cache, no-transform"),)


def valid(*headers: tuple[str, str], **kw: Any) -> dict[str, Evidence]:
    return {"valid": streamed("valid", headers=SSE + headers, **kw)}


def early(head_ms: int | None, first_write_ms: int | None) -> dict[str, Evidence]:
    writes = (
        [] if first_write_ms is None else [first_write_ms + 10 * i for i in range(5)]
    )
    return {
        "early-flush": streamed(
            "early-flush", head_ms=head_ms, exchanges=(exchange(writes),)
        )
    }


def compress(*headers: tuple[str, str], **kw: Any) -> dict[str, Evidence]:
    return {"compress": streamed("compress", headers=SSE + headers, **kw)}


ROWS = [
    row("HDR-STATUS-200", valid(), OK, "200", id="status-200"),
    row(
        "HDR-STATUS-200",
        {"valid": raw("valid", b'{"error": "boom"}', status=500, headers=JSON)},
        FAILED,
        "expected 200, got HTTP/1.1 500, application/json",
        id="status-500",
    ),
    row(
        "HDR-CONTENT-TYPE",
        {
            "valid": streamed(
                "valid", headers=(("content-type", "Text/Event-Stream; charset=utf-8"),)
            )
        },
        OK,
        "Content-Type: Text/Event-Stream; charset=utf-8",
        id="type-with-parameters",
    ),
    row(
        "HDR-CONTENT-TYPE",
        {
            "valid": streamed(
                "valid", headers=(("content-type", "application/x-ndjson"),)
            )
        },
        FAILED,
        "a browser sees application/x-ndjson in Content-Type: application/x-ndjson",
        id="type-ndjson",
    ),
    row(
        "HDR-CONTENT-TYPE",
        {
            "valid": streamed(
                "valid",
                headers=(
                    ("content-type", "text/event-stream"),
                    ("content-type", "application/x-ndjson"),
                ),
            )
        },
        FAILED,
        "a browser sees application/x-ndjson in Content-Type: text/event-stream | "
        "application/x-ndjson (2 Content-Type fields)",
        id="type-sse-then-ndjson",
    ),
    row(
        "HDR-CONTENT-TYPE",
        {
            "valid": streamed(
                "valid",
                headers=(
                    ("content-type", "application/x-ndjson"),
                    ("content-type", "text/event-stream, nonsense"),
                ),
            )
        },
        OK,
        "a browser sees text/event-stream",
        id="type-last-valid-wins",
    ),
    row(
        "HDR-CONTENT-TYPE",
        {"valid": streamed("valid", headers=())},
        FAILED,
        "Content-Type: no Content-Type: a browser extracts no MIME type",
        id="type-absent",
    ),
    row("HDR-NO-CONTENT-LENGTH", valid(*CHUNKED), OK, "(chunked)", id="length-chunked"),
    row("HDR-NO-CONTENT-LENGTH", valid(), OK, "(close-delimited)", id="length-close"),
    row(
        "HDR-NO-CONTENT-LENGTH",
        valid(http_version="2"),
        OK,
        "(HTTP/2 DATA frames)",
        id="length-h2",
    ),
    row(
        "HDR-NO-CONTENT-LENGTH",
        valid(("content-length", "123")),
        FAILED,
        "Content-Length: 123 on an event stream",
        id="length-present",
    ),
    row(
        "HDR-H2-NO-CONN-HEADERS",
        valid(http_version="2"),
        OK,
        "no connection-specific fields",
        ctx=context(http2=True),
        id="h2-clean",
    ),
    row(
        "HDR-H2-NO-CONN-HEADERS",
        valid(
            ("transfer-encoding", "chunked"), ("connection", "close"), http_version="2"
        ),
        FAILED,
        "HTTP/2 response carries connection, transfer-encoding",
        ctx=context(http2=True),
        id="h2-connection-fields",
    ),
    row(
        "HDR-H2-NO-CONN-HEADERS",
        valid(*CHUNKED),
        UNIMPLEMENTED,
        "came over HTTP/1.1, not HTTP/2",
        ctx=context(http2=True),
        id="h2-answered-over-http1",
    ),
    row(
        "HDR-EARLY-FLUSH",
        early(1, 1500),
        OK,
        "headers arrived 1 ms after the request, 1499 ms before upstream's first token",
        id="early",
    ),
    row(
        "HDR-EARLY-FLUSH",
        early(1495, 1500),
        NON_STRICT,
        "headers arrived 1495 ms after the request, 5 ms before upstream's first token "
        "(upstream was silent for 1500 ms before it): likely the proxy holds its headers",
        id="early-held",
    ),
    row(
        "HDR-EARLY-FLUSH",
        early(1503, 1500),
        NON_STRICT,
        "headers arrived 1503 ms after the request, 3 ms after upstream's first token",
        id="early-after-first-token",
    ),
    row(
        "HDR-EARLY-FLUSH",
        early(1500, 1500),
        NON_STRICT,
        "1500 ms after the request, at the time of upstream's first token",
        id="early-with-first-token",
    ),
    row(
        "HDR-EARLY-FLUSH",
        early(None, 1500),
        NON_STRICT,
        "no response head at all",
        id="early-no-head",
    ),
    row(
        "HDR-EARLY-FLUSH",
        early(1, None),
        NON_STRICT,
        "upstream never wrote its first line",
        id="early-no-upstream-write",
    ),
    row("HDR-CACHE", valid(*GOOD_CACHE), OK, "no-cache, no-transform", id="cache"),
    row(
        "HDR-CACHE",
        valid(("cache-control", "no-store"), ("cache-control", "No-Transform")),
        OK,
        "Cache-Control: no-store, No-Transform",
        id="cache-two-fields",
    ),
    row(
        "HDR-CACHE",
        valid(("cache-control", "no-cache")),
        NON_STRICT,
        "Cache-Control is no-cache; wanted no-cache (or no-store) and no-transform",
        id="cache-without-no-transform",
    ),
    row(
        "HDR-CACHE",
        valid(("cache-control", "no-transform, max-age=0")),
        NON_STRICT,
        "Cache-Control is no-transform, max-age=0",
        id="cache-without-no-cache",
    ),
    row("HDR-CACHE", valid(), NON_STRICT, "Cache-Control is absent", id="cache-absent"),
    row(
        "HDR-ACCEL",
        valid(("x-accel-buffering", "No")),
        OK,
        "X-Accel-Buffering: no",
        id="accel",
    ),
    row(
        "HDR-ACCEL",
        valid(),
        NON_STRICT,
        "X-Accel-Buffering is absent",
        id="accel-absent",
    ),
    row(
        "HDR-ACCEL",
        valid(("x-accel-buffering", "yes")),
        NON_STRICT,
        "X-Accel-Buffering is ['yes']",
        id="accel-yes",
    ),
    row(
        "HDR-ACCEL",
        valid(("x-accel-buffering", "no"), ("x-accel-buffering", "no")),
        NON_STRICT,
        "X-Accel-Buffering is ['no', 'no']",
        id="accel-twice",
    ),
    row("HDR-NO-COMPRESSION", compress(), OK, "no Content-Encoding", id="identity"),
    row(
        "HDR-NO-COMPRESSION",
        compress(("content-encoding", "gzip")),
        NON_STRICT,
        "Content-Encoding: gzip on an event stream",
        id="gzip",
    ),
    row(
        "HDR-NO-COMPRESSION",
        {"compress": raw("compress", b"", status=None, head_ms=None, headers=())},
        NON_STRICT,
        "no response: HTTP/1.1 no response",
        id="compress-no-response",
    ),
    row(
        "HDR-NO-UPSTREAM-LEAK",
        valid(),
        OK,
        "no upstream-only header fields",
        id="no-leak",
    ),
    row(
        "HDR-NO-UPSTREAM-LEAK",
        {
            "valid": streamed(
                "valid", headers=(("content-type", "application/x-ndjson"),)
            )
        },
        NON_STRICT,
        "content-type: application/x-ndjson carries upstream's media type (likely "
        "upstream headers copied through)",
        id="leak-ndjson-type",
    ),
    row(
        "HDR-NO-UPSTREAM-LEAK",
        valid(("x-upstream-type", "application/x-ndjson")),
        NON_STRICT,
        "x-upstream-type: application/x-ndjson carries upstream's media type",
        id="leak-copied-under-another-name",
    ),
    row(
        "HDR-NO-UPSTREAM-LEAK",
        valid(("x-backend", "127.0.0.1:11434")),
        NON_STRICT,
        "x-backend: 127.0.0.1:11434 discloses the upstream address 127.0.0.1:11434",
        ctx=context(upstream_url="http://127.0.0.1:11434"),
        id="leak-upstream-host-port",
    ),
    row(
        "HDR-NO-UPSTREAM-LEAK",
        valid(("x-backend", "127.0.0.1:11434")),
        OK,
        "no upstream-only header fields",
        ctx=context(upstream_url="http://127.0.0.1:9"),
        id="no-leak-other-address",
    ),
    row(
        "HDR-NO-UPSTREAM-LEAK",
        valid(("date", "a"), ("date", "b"), *CHUNKED, *CHUNKED),
        NON_STRICT,
        "transfer-encoding appears 2 times; date appears 2 times",
        id="leak-duplicated-fields",
    ),
]


@pytest.mark.parametrize(ROW_NAMES, ROWS)
def test_judge(check_id, ev, ctx, outcome, fragment):
    assert_row(check_id, ev, ctx, outcome, fragment)


def test_every_check_has_rows():
    assert_covered(ROWS, hdr.CHECKS)


@pytest.mark.parametrize(
    ("check_id", "judged_on", "skipped_on"),
    [
        ("HDR-H2-NO-CONN-HEADERS", context(http2=True), context(http2=False)),
        ("HDR-ACCEL", context(), context(layer="nginx", transparent=False)),
        ("HDR-NO-COMPRESSION", context(), context(layer="nginx", transparent=False)),
    ],
)
def test_where_a_check_applies(check_id, judged_on, skipped_on):
    check = BY_ID[check_id]
    assert check.applies(judged_on) and not check.applies(skipped_on)
