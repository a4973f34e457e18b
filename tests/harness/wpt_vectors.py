"""Event-stream vectors: the WPT ``eventsource/format-*`` cases plus tricky streams.

Each vector is ``(name, stream bytes, expected events)``; an expected event is
``(type, data, last_event_id)`` in dispatch order. Streams are what one connection
delivers; where WPT reconnects, only the first response is modelled.

WPT vectors come from web-platform-tests/wpt ``eventsource/`` and its server helper
``resources/message.php``, which echoes ``message``, then ``newline`` (default
``"\\n\\n"``, ``none`` for nothing), then one more ``"\\n"``. Vectors whose WPT source
could not be read verbatim are written from the spec rules and say so.

``RETRY_AFTER`` gives the reconnection time a parser must hold after the whole stream.
``UNTERMINATED`` names the vectors whose stream ends inside an event.
"""

from __future__ import annotations

Expected = list[tuple[str, str, str]]
Vector = tuple[str, bytes, Expected]

BOM = b"\xef\xbb\xbf"
ELLIPSIS = "\u2026"
LONG = b"x" * 2048  # format-comments: "cannot make the string too long"

WPT: list[Vector] = [
    # format-bom.js: a BOM is stripped only at the very start of the stream.
    (
        "format-bom",
        BOM + b"data:1\n\n" + BOM + b"data:2\n\ndata:3\n\n\n",
        [("message", "1", ""), ("message", "3", "")],
    ),
    # format-bom-2.any.js: two leading BOMs; the second one poisons the first line.
    (
        "format-bom-2",
        BOM + BOM + b"data:1\n\ndata:2\n\ndata:3\n\n\n",
        [("message", "2", ""), ("message", "3", "")],
    ),
    # format-comments.js (newline=none).
    (
        "format-comments",
        b"data:1\r:\0\n:\r\ndata:2\n:"
        + LONG
        + b"\rdata:3\n:data:fail\r:"
        + LONG
        + b"\ndata:4\n"
        + b"\n",
        [("message", "1\n2\n3\n4", "")],
    ),
    # format-data-before-final-empty-line.js (newline=none): test2 and its id are lost.
    (
        "format-data-before-final-empty-line",
        b"retry:1000\ndata:test1\n\nid:test\ndata:test2" + b"\n",
        [("message", "test1", "")],
    ),
    # format-field-data.js
    (
        "format-field-data",
        b"data:\n\ndata\ndata\n\ndata:test\n\n\n",
        [("message", "", ""), ("message", "\n", ""), ("message", "test", "")],
    ),
    # format-field-event.htm
    (
        "format-field-event",
        b"event:test\ndata:x\n\ndata:x\n\n\n",
        [("test", "x", ""), ("message", "x", "")],
    ),
    # format-field-event-empty.htm: "event: " leaves the type empty -> "message".
    (
        "format-field-event-empty",
        b"event: \ndata:data\n\n\n",
        [("message", "data", "")],
    ),
    # format-field-id.htm, first response of resources/last-event-id.php.
    (
        "format-field-id",
        b"id: \xe2\x80\xa6\nretry: 200\ndata: hello\n\n",
        [("message", "hello", ELLIPSIS)],
    ),
    # format-field-id-2.any.js: its server helper (last-event-id.py) was not readable;
    # written from the spec rules: the id persists and a later id replaces it.
    (
        "format-field-id-2",
        b"id: \xe2\x80\xa6\ndata: hello\n\ndata: again\n\nid: 2\ndata: two\n\n",
        [
            ("message", "hello", ELLIPSIS),
            ("message", "again", ELLIPSIS),
            ("message", "two", "2"),
        ],
    ),
    # format-field-id-3.htm with resources/last-event-id2.py, types 1, 2 and 3.
    (
        "format-field-id-3-persists",
        b"id: 1\ndata: 1\n\ndata:2\n\n",
        [("message", "1", "1"), ("message", "2", "1")],
    ),
    (
        "format-field-id-3-changes",
        b"id: 1\ndata: 1\n\nid: 2\ndata:2\n\ndata:3\n\n",
        [("message", "1", "1"), ("message", "2", "2"), ("message", "3", "2")],
    ),
    (
        "format-field-id-3-resets",
        b"id: 1\ndata: 1\n\nid:\ndata:2\n\ndata:3\n\n",
        [("message", "1", "1"), ("message", "2", ""), ("message", "3", "")],
    ),
    # format-field-id-null: the current test (whatwg/html PR #2849) ignores an id with
    # NUL; the older .htm copy in the crawl still expects "\0\0" and is superseded.
    ("format-field-id-null", b"id: \0\0\ndata: hello\n\n", [("message", "hello", "")]),
    # format-field-parsing: from the sse-codec port of WPT (stream as listed in the
    # project's reference notes; the .htm itself was not readable here).
    (
        "format-field-parsing",
        b"data:\0\ndata:  2\rData:1\ndata\0:2\ndata:1\r\0data:4\nda-ta:3\rdata_5\n"
        b"data:3\rdata:\r\n data:32\ndata:4\n\n",
        [("message", "\0\n 2\n1\n3\n\n4", "")],
    ),
    # format-field-retry.htm: "02000" is 2000 (not octal).
    ("format-field-retry", b"retry:02000\ndata:x\n\n\n", [("message", "x", "")]),
    # format-field-retry-bogus.htm: "1000x" is ignored, 2000 stays.
    (
        "format-field-retry-bogus",
        b"retry:2000\nretry:1000x\ndata:x\n\n\n",
        [("message", "x", "")],
    ),
    # format-field-retry-empty: written from the spec rules (a bare "retry" is
    # ignored; the .htm was not readable here).
    ("format-field-retry-empty", b"retry\ndata:test\n\n\n", [("message", "test", "")]),
    # format-field-unknown: from the reference notes; " data" (leading space) and
    # unknown fields are ignored, a bare "data" appends an empty line.
    (
        "format-field-unknown",
        b"data:test\n data\ndata\nfoobar:xxx\njustsometext\n:thisisacommentyay\n"
        b"data:test\n\n",
        [("message", "test\n\ntest", "")],
    ),
    # format-leading-space: from the reference notes; only one U+0020 is removed and a
    # tab is kept.
    (
        "format-leading-space",
        b"data:\ttest\rdata: \ndata:test\n\n",
        [("message", "\ttest\n\ntest", "")],
    ),
    # format-newlines: from the reference notes; CRLF, LF and a final lone CR.
    (
        "format-newlines",
        b"data:test\r\ndata\ndata:test\r\n\r",
        [("message", "test\n\ntest", "")],
    ),
    # format-null-character.html
    ("format-null-character", b"data:\0\n\n\n\n", [("message", "\0", "")]),
    # format-utf-8.js: always UTF-8, whatever the declared charset.
    ("format-utf-8", b"data:ok\xe2\x80\xa6\n\n\n", [("message", "ok" + ELLIPSIS, "")]),
    # event-data.html with resources/message2.py, which was not readable here: the
    # stream is reconstructed from the test's expectations and the spec rules (data
    # accumulates across a comment, false fields and "Data:" do not count).
    (
        "event-data",
        b"data:msg\n:\ndata: msg\n\n:\nfalsefield:msg\n\nfalsefield:msg\nData: data\n\n"
        b"data\n\ndata:end\n\n",
        [("message", "msg\nmsg", ""), ("message", "", ""), ("message", "end", "")],
    ),
]

RETRY_AFTER = {
    "format-field-id": 200,
    "format-field-retry": 2000,
    "format-field-retry-bogus": 2000,
    "format-field-retry-empty": None,
    "format-data-before-final-empty-line": 1000,
    "retry-leading-space-rejected": None,
    "retry-unicode-digits-rejected": None,
    "retry-huge-ignored": 7,
    "retry-leading-zeros": 15,
}

UNTERMINATED = {
    "format-data-before-final-empty-line",
    "unterminated-final-event",
    "unterminated-final-line",
    "cr-only-line-unterminated",
    "partial-bom-not-stripped-unterminated",
    "id-in-unterminated-lost",
}

# Our own tricky streams (where httpx-sse, sseclient-py, eventsource-parser and
# eventsource depart from WHATWG §9.2.6), plus fast-path traps.
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
