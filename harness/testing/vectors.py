"""Event-stream vectors: the WPT ``eventsource/format-*`` cases plus tricky streams.

Each vector is ``(name, stream bytes, expected events)``; an expected event is
``(type, data, last_event_id)`` in dispatch order. ``ALL`` is what a parser (or a
dialect, through :func:`harness.testing.dialect.check_dialect`) is scored on;
``RETRY_AFTER`` gives the reconnection time a parser must hold after the whole stream,
``UNTERMINATED`` names the vectors whose stream ends inside an event.
"""

from __future__ import annotations

from harness.testing.wpt import (
    BOM,
    RETRY_AFTER,
    UNTERMINATED,
    WPT,
    Expected,
    Vector,
)

__all__ = ["ALL", "RETRY_AFTER", "TRICKY", "UNTERMINATED", "WPT", "Expected", "Vector"]

# Our own tricky streams (where httpx-sse, sseclient-py,
# eventsource-parser and eventsource depart from WHATWG §9.2.6), plus fast-path traps.
TRICKY: list[Vector] = [
    # BOMs
    ("bom-then-data", BOM + b"data: x\n\n", [("message", "x", "")]),
    ("bom-alone-then-event", BOM + b"\ndata: x\n\n", [("message", "x", "")]),
    (
        "second-bom-mid-stream",
        b"data: a\n\n" + BOM + b"data: b\n\n",
        [("message", "a", "")],
    ),
    (
        "partial-bom-not-stripped-unterminated",
        b"\xef\xbbdata: x\n\n\xef",
        [],  # "\xef\xbb" is not a BOM: the field name becomes "\ufffddata"
    ),
    # line ends
    (
        "cr-only",
        b"data: a\rdata: b\r\rdata: c\r\r",
        [("message", "a\nb", ""), ("message", "c", "")],
    ),
    ("crlf-only", b"data: a\r\ndata: b\r\n\r\n", [("message", "a\nb", "")]),
    (
        "crlf-many",
        b"data: 1\r\n\r\ndata: 2\r\n\r\nevent: e\r\ndata: 3\r\n\r\n",
        [("message", "1", ""), ("message", "2", ""), ("e", "3", "")],
    ),
    (
        "mixed-line-ends",
        b"data: a\ndata: b\r\ndata: c\r\rdata: d\n\r\n",
        [("message", "a\nb\nc", ""), ("message", "d", "")],
    ),
    ("cr-at-eof-dispatches", b"data: x\n\r", [("message", "x", "")]),
    ("cr-cr-at-eof", b"data: x\r\r", [("message", "x", "")]),
    ("cr-only-line-unterminated", b"data: x\r", []),
    (
        "lf-then-cr",
        b"data: x\n\rdata: y\r\n\n",
        [("message", "x", ""), ("message", "y", "")],
    ),
    ("cr-then-crlf", b"data: x\r\r\n", [("message", "x", "")]),
    ("leading-blank-lines", b"\n\r\n\rdata: x\n\n", [("message", "x", "")]),
    # last event id
    (
        "id-persists",
        b"id: 1\ndata: a\n\ndata: b\n\n",
        [("message", "a", "1"), ("message", "b", "1")],
    ),
    (
        "id-reset-by-bare-id",
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [("message", "a", "1"), ("message", "b", "")],
    ),
    (
        "id-with-nul-ignored",
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [("message", "a", "1"), ("message", "b", "1")],
    ),
    ("id-only-block-updates-id", b"id: 7\n\ndata: x\n\n", [("message", "x", "7")]),
    ("id-set-after-data", b"data: x\nid: 9\n\n", [("message", "x", "9")]),
    ("id-in-unterminated-lost", b"data: a\n\nid: 5\ndata: b\n", [("message", "a", "")]),
    # dispatch
    ("event-without-data", b"event: ping\n\ndata: x\n\n", [("message", "x", "")]),
    (
        "empty-data-field",
        b"data\n\ndata:\n\n",
        [("message", "", ""), ("message", "", "")],
    ),
    ("two-empty-data-lines", b"data\ndata\n\n", [("message", "\n", "")]),
    ("comment-only", b": hi\n\n:\n\n", []),
    ("comment-inside-event", b"data: a\n: c\ndata: b\n\n", [("message", "a\nb", "")]),
    (
        "heartbeat-between-events",
        b"data: a\n\n: ping\n\ndata: b\n\n",
        [("message", "a", ""), ("message", "b", "")],
    ),
    (
        "event-type-reset",
        b"event: a\ndata: 1\n\ndata: 2\n\n",
        [("a", "1", ""), ("message", "2", "")],
    ),
    (
        "event-empty-resets-type",
        b"event: a\nevent:\ndata: x\n\n",
        [("message", "x", "")],
    ),
    ("event-no-colon", b"event\ndata: x\n\n", [("message", "x", "")]),
    ("unterminated-final-event", b"data: a\n\ndata: b", [("message", "a", "")]),
    ("unterminated-final-line", b"data: a\n\ndata: b\n", [("message", "a", "")]),
    # field parsing
    ("colon-in-value", b"data: a:b: c\n\n", [("message", "a:b: c", "")]),
    ("two-leading-spaces", b"data:  x\n\n", [("message", " x", "")]),
    ("tab-kept", b"data:\tx\n\n", [("message", "\tx", "")]),
    ("field-name-case", b"Data: x\n\nDATA: y\n\n", []),
    (
        "mixed-space-after-colon",
        b"data:x\n\ndata: y\n\n",
        [("message", "x", ""), ("message", "y", "")],
    ),
    ("space-before-colon", b"data : x\n\n", []),
    # retry (values checked through RETRY_AFTER)
    ("retry-leading-space-rejected", b"retry:  5\ndata: x\n\n", [("message", "x", "")]),
    (
        "retry-unicode-digits-rejected",
        "retry: \u0661\u0662\ndata: x\n\n".encode(),
        [("message", "x", "")],
    ),
    (
        "retry-huge-ignored",
        b"retry: 7\nretry: " + b"9" * 5000 + b"\ndata: x\n\n",
        [("message", "x", "")],
    ),
    ("retry-leading-zeros", b"retry: 0015\ndata: x\n\n", [("message", "x", "")]),
    # text
    ("invalid-utf8", b"data: \xff\xfe\n\n", [("message", "\ufffd\ufffd", "")]),
    ("truncated-utf8-at-line-end", b"data: \xe2\x82\n\n", [("message", "\ufffd", "")]),
    (
        "honest-replacement-char",
        "data: \ufffd\n\n".encode(),
        [("message", "\ufffd", "")],
    ),
    ("nul-in-data", b"data: a\0b\n\n", [("message", "a\0b", "")]),
    (
        "u2028-not-a-newline",
        "data: a\u2028b\u2029c\n\n".encode(),
        [("message", "a\u2028b\u2029c", "")],
    ),
    (
        "u0085-not-a-newline",
        "data: a\u0085b\n\n".encode(),
        [("message", "a\u0085b", "")],
    ),
    (
        "c0-separators-not-newlines",
        b"data: a\x1cb\x1dc\x1ed\x0be\x0cf\n\n",
        [("message", "a\x1cb\x1dc\x1ed\x0be\x0cf", "")],
    ),
    ("multibyte", "data: é北🌍\n\n".encode(), [("message", "é北🌍", "")]),
    (
        "json-escapes-stay-literal",
        b'data: {"t": "a\\n\\nevent: x\\r"}\n\n',
        [("message", '{"t": "a\\n\\nevent: x\\r"}', "")],
    ),
    # size
    (
        "event-300kb",
        b"data: " + b"y" * 300_000 + b"\n\n",
        [("message", "y" * 300_000, "")],
    ),
    (
        "event-1000-lines",
        b"data: l\n" * 1000 + b"\n",
        [("message", "\n".join(["l"] * 1000), "")],
    ),
]

ALL: list[Vector] = WPT + TRICKY
