"""The WPT ``eventsource/format-*`` event-stream vectors (data; see harness.testing.vectors).

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
