"""harness.sse lint: what a strict reader notices but the spec forgives, with the
byte offset of each finding (harness.sse.lines and harness.sse.interpreter)."""

from __future__ import annotations

from collections import Counter

import pytest

from harness.sse import (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_CODES,
    LINT_ID_NUL,
    LINT_INVALID_RETRY,
    LINT_INVALID_UTF8,
    LINT_UNKNOWN_FIELD,
    LINT_UNTERMINATED,
    SSEParser,
    parse,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b"data: a\rdata: b\r\r",
            [(LINT_BARE_CR, 7), (LINT_BARE_CR, 15), (LINT_BARE_CR, 16)],
        ),
        (
            b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n",
            [(LINT_BOM, 0), (LINT_BOM, 3), (LINT_UNKNOWN_FIELD, 3)],
        ),
        (b"data: x\nfoo: y\n\n", [(LINT_UNKNOWN_FIELD, 8)]),
        (b"data: x\nData: y\n\n", [(LINT_UNKNOWN_FIELD, 8)]),
        (
            b"retry: 1\nretry:  5\nretry: x\n\n",
            [(LINT_INVALID_RETRY, 9), (LINT_INVALID_RETRY, 19)],
        ),
        (b"\nid: a\x00\n\n", [(LINT_ID_NUL, 1)]),
        (b"data: ok\ndata: \xc3\xa9\xff\n\n", [(LINT_INVALID_UTF8, 17)]),
        ("data: \ufffd\n\n".encode(), []),  # an honest U+FFFD is not a finding
        (b"data: a\n\ndata: b", [(LINT_UNTERMINATED, 9)]),
        (b"data: a\n\ndata: b\n", [(LINT_UNTERMINATED, 9)]),
        (b"data: a\n\n", []),
    ],
)
def test_findings_and_offsets(data: bytes, expected: list[tuple[str, int]]) -> None:
    _, findings = parse(data)
    assert [(f.code, f.offset) for f in findings] == expected
    assert all(f.code in LINT_CODES and "\n" not in f.detail for f in findings)


def test_unknown_field_details() -> None:
    _, findings = parse(b"Data: x\n\xef\xbb\xbfdata: y\n data: z\nfoo\n\n")
    assert [f.detail for f in findings if f.code == LINT_UNKNOWN_FIELD] == [
        "field 'Data' ignored: field names are case-sensitive (did you mean 'data'?)",
        "field '\\ufeffdata' ignored: it starts with U+FEFF",
        "field ' data' ignored: whitespace in the name",
        "unknown field 'foo' ignored",
    ]


def test_lint_codes_are_their_names() -> None:
    assert LINT_CODES == (
        "bare-cr",
        "bom",
        "unknown-field",
        "invalid-retry",
        "id-nul",
        "invalid-utf8",
        "unterminated",
        "event-too-large",
    )


def test_findings_are_capped_but_counted() -> None:
    parser = SSEParser(max_findings=3)
    parser.feed(b"data: x\r\r" * 10)
    parser.close()
    assert len(parser.findings) == 3
    assert parser.finding_counts[LINT_BARE_CR] == 20
    assert parser.line_endings["cr"] == 20


def test_line_endings_are_counted() -> None:
    parser = SSEParser()
    parser.feed(b"data: a\n\ndata: b\r\n\r\ndata: c\r\r")
    assert parser.line_endings == Counter(
        lf=2, crlf=2, cr=1
    )  # CR or CRLF? Not yet known
    parser.close()
    assert parser.line_endings == Counter(lf=2, crlf=2, cr=2)
