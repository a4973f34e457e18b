"""harness.sse: WPT vectors and tricky streams; whole, byte by byte, split anywhere."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from harness.sse import (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_CODES,
    LINT_EVENT_TOO_LARGE,
    LINT_ID_NUL,
    LINT_INVALID_RETRY,
    LINT_INVALID_UTF8,
    LINT_UNKNOWN_FIELD,
    LINT_UNTERMINATED,
    Comment,
    Event,
    Finding,
    SSEParser,
    parse,
)
from tests.harness.wpt_vectors import ALL, RETRY_AFTER, TRICKY, UNTERMINATED, WPT


@dataclass(frozen=True)
class Outcome:
    """Everything a parser exposes after a whole stream."""

    items: tuple[Event | Comment, ...]
    findings: tuple[Finding, ...]
    line_endings: dict[str, int]
    unterminated: str | None
    last_event_id: str
    retry: int | None
    bytes_seen: int


def run(chunks: list[bytes], max_event_size: int | None = None) -> Outcome:
    parser = SSEParser(max_event_size=max_event_size)
    items: list[Event | Comment] = []
    for chunk in chunks:
        items += parser.feed(chunk)
    items += parser.close()
    # named tuples equal plain tuples: check that every item is what it claims
    assert all(type(item) in (Event, Comment) for item in items)
    return Outcome(
        tuple(items),
        tuple(parser.findings),
        dict(+parser.line_endings),
        parser.unterminated,
        parser.last_event_id,
        parser.retry,
        parser.bytes_seen,
    )


def triples(outcome: Outcome) -> list[tuple[str, str, str]]:
    return [
        (e.type, e.data, e.last_event_id) for e in outcome.items if isinstance(e, Event)
    ]


def only_events(items: list[Event | Comment]) -> list[Event]:
    return [item for item in items if isinstance(item, Event)]


def split_points(size: int) -> range | list[int]:
    if size <= 5000:
        return range(1, size)
    step = max(1, size // 300)  # big vectors: a sample, plus the ends
    return sorted({1, 2, 3, 4, size - 3, size - 2, size - 1, *range(5, size - 3, step)})


IDS = [name for name, _, _ in ALL]


# -- the vectors ----------------------------------------------------------------------


def test_vector_catalogue_is_complete() -> None:
    names = {name for name, _, _ in WPT}
    for wanted in (
        "format-bom",
        "format-bom-2",
        "format-comments",
        "format-data-before-final-empty-line",
        "format-field-data",
        "format-field-event",
        "format-field-event-empty",
        "format-field-id",
        "format-field-id-2",
        "format-field-id-3-resets",
        "format-field-id-null",
        "format-field-parsing",
        "format-field-retry",
        "format-field-retry-bogus",
        "format-field-retry-empty",
        "format-field-unknown",
        "format-leading-space",
        "format-newlines",
        "format-null-character",
        "format-utf-8",
        "event-data",
    ):
        assert wanted in names
    assert len(TRICKY) >= 37
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize(("name", "data", "expected"), ALL, ids=IDS)
def test_vector_whole(
    name: str, data: bytes, expected: list[tuple[str, str, str]]
) -> None:
    outcome = run([data])
    assert triples(outcome) == expected
    if name in RETRY_AFTER:
        assert outcome.retry == RETRY_AFTER[name]
    assert (outcome.unterminated is not None) == (name in UNTERMINATED)
    assert (LINT_UNTERMINATED in {f.code for f in outcome.findings}) == (
        name in UNTERMINATED
    )
    assert outcome.bytes_seen == len(data)


@pytest.mark.parametrize(("name", "data", "expected"), ALL, ids=IDS)
def test_vector_byte_by_byte(name: str, data: bytes, expected: object) -> None:
    assert run([data[i : i + 1] for i in range(len(data))]) == run([data])


@pytest.mark.parametrize(("name", "data", "expected"), ALL, ids=IDS)
def test_vector_every_split(name: str, data: bytes, expected: object) -> None:
    whole = run([data])
    for cut in split_points(len(data)):
        assert run([data[:cut], data[cut:]]) == whole, f"split at {cut}"


# -- dispatch details -----------------------------------------------------------------


def test_offsets_cover_each_event() -> None:
    data = b": hi\nid: 1\ndata: a\n\nevent: e\r\ndata: b\r\n\r\ndata: c\r\r"
    items, _ = parse(data)
    assert items[0] == Comment(" hi", 0)
    a, b, c = items[1:]
    assert isinstance(a, Event)
    assert isinstance(b, Event)
    assert isinstance(c, Event)
    assert (a.start, a.end) == (0, data.index(b"\n\nevent") + 2)
    # a CRLF blank line completes the event with its CR
    assert (b.start, b.end) == (a.end, data.index(b"\r\n\r\ndata: c") + 3)
    assert data[c.start : c.end] == b"data: c\r\r"


def test_bom_offsets() -> None:
    items, findings = parse(b"\xef\xbb\xbfdata: x\n\n")
    assert items == [Event("message", "x", "", None, 3, 12)]
    assert findings == [
        Finding(LINT_BOM, 0, "stream starts with a UTF-8 BOM (stripped)")
    ]


def test_retry_and_id_in_force_at_dispatch() -> None:
    parser = SSEParser()
    first = parser.feed(b"retry: 10\nid: a\ndata: 1\n\n")
    assert parser.retry == 10
    assert parser.last_event_id == "a"
    second = parser.feed(b"retry: 20\ndata: 2\n\nid: b\n\n")
    assert [(e.retry, e.last_event_id) for e in only_events(first + second)] == [
        (10, "a"),
        (20, "a"),
    ]
    assert parser.last_event_id == "b"  # an id-only block updates the string


def test_id_buffer_not_applied_before_dispatch() -> None:
    parser = SSEParser()
    parser.feed(b"id: 1\ndata: a\n\nid: 2\n")
    assert parser.last_event_id == "1"
    parser.close()
    assert parser.last_event_id == "1"


def test_split_crlf_is_one_line_end() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\n") == []  # no phantom empty line
    assert parser.feed(b"\r") == [Event("message", "a", "", None, 0, 10)]
    assert parser.feed(b"\n") == []
    parser.close()
    assert parser.line_endings == Counter(crlf=2)
    assert parser.findings == []


def test_cr_ending_a_chunk_dispatches_at_once() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r\r") == [Event("message", "a", "", None, 0, 9)]
    assert parser.feed(b"data: b\n\n")[0].data == "b"  # type: ignore[union-attr]
    assert parser.line_endings == Counter(cr=2, lf=2)
    assert [f.offset for f in parser.findings] == [7, 8]


def test_cr_as_last_byte_before_close() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: x\n") == []
    assert parser.feed(b"\r") == [Event("message", "x", "", None, 0, 9)]
    assert parser.close() == []
    assert parser.unterminated is None
    assert parser.findings == [Finding(LINT_BARE_CR, 8, "line ended by a bare CR")]


def test_bom_split_over_chunks() -> None:
    for chunks in (
        [b"\xef", b"\xbb", b"\xbfdata: x\n\n"],
        [b"\xef\xbb", b"\xbf", b"data: x\n\n"],
    ):
        parser = SSEParser()
        items = [item for chunk in chunks for item in parser.feed(chunk)]
        assert items == [Event("message", "x", "", None, 3, 12)]
        assert [f.code for f in parser.findings] == [LINT_BOM]


def test_bom_prefix_then_close() -> None:
    parser = SSEParser()
    assert parser.feed(b"\xef\xbb") == []
    assert parser.close() == []
    assert parser.unterminated == "\ufffd"
    assert [(f.code, f.offset) for f in parser.findings] == [(LINT_UNTERMINATED, 0)]


def test_unterminated_text_and_offset() -> None:
    parser = SSEParser()
    parser.feed(b"data: a\n\n: c\r\nid: 3\ndata: b")
    parser.close()
    assert parser.unterminated == ": c\r\nid: 3\ndata: b"
    assert [(f.code, f.offset) for f in parser.findings] == [(LINT_UNTERMINATED, 9)]
    assert "3 line(s)" in parser.findings[0].detail


def test_unterminated_comment_is_told_apart() -> None:
    parser = SSEParser()
    parser.feed(b"data: a\n\n: ping\n")
    parser.close()
    assert parser.unterminated == ": ping\n"
    assert parser.findings[0].detail.startswith("stream ended inside a comment: 1 line")


def test_close_is_idempotent_and_feed_after_close_raises() -> None:
    parser = SSEParser()
    assert parser.feed(b"") == []
    parser.close()
    assert parser.close() == []
    assert parser.closed
    with pytest.raises(RuntimeError):
        parser.feed(b"data: x\n\n")


def test_events_are_immutable() -> None:
    comment, event = parse(b": c\ndata: x\n\n")[0]
    assert isinstance(comment, Comment)
    assert isinstance(event, Event)
    with pytest.raises(AttributeError):
        event.data = "y"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        comment.text = "y"  # type: ignore[misc]


# -- lint -----------------------------------------------------------------------------


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


# -- the fast path agrees with the exact path -----------------------------------------


def llm_stream(count: int) -> bytes:
    tokens = ["Hi", " there", "é", "北京", "🌍", ' "q"', "a\nb", ":", " data: x", ""]
    lines = [
        b"data: " + json.dumps({"token": tokens[i % len(tokens)]}).encode() + b"\n\n"
        for i in range(count)
    ]
    return b"".join(lines)


@pytest.mark.parametrize(
    "data",
    [
        llm_stream(400),
        llm_stream(400).replace(b"\n", b"\r\n"),
        llm_stream(400).replace(b"data: ", b"data:"),
        llm_stream(300)
        + b": ping\n\n"
        + llm_stream(10)
        + b"id: 4\nretry: 9\n\n"
        + llm_stream(50),
        llm_stream(100) + b"data: \xff\n\n" + llm_stream(100),
        llm_stream(100).replace(b"data: {", b"data:{", 7),  # mixed spacing
        llm_stream(100) + b"event: e\ndata: 1\ndata: 2\n\n" + llm_stream(100),
        llm_stream(100) + b"\n\n\n" + llm_stream(10),
        llm_stream(200).replace(b"data: ", b"event: token\ndata: "),
        llm_stream(200).replace(b"data: ", b"id: 1\nretry: 10\ndata: "),
        llm_stream(200).replace(b"data: ", b": a\n: a\ndata: ").replace(b"\n", b"\r\n"),
        llm_stream(200).replace(b"data: ", b": \xc3\xa9\ndata: "),
        llm_stream(200).replace(b"data: ", b"id: a\x00\nData: x\nretry: 1x\ndata: "),
    ],
    ids=[
        "lf",
        "crlf",
        "no-space",
        "comment-id",
        "bad-utf8",
        "mixed-space",
        "multi",
        "blank",
        "event-data",
        "id-retry-data",
        "same-comments-crlf",
        "non-ascii-comment",
        "linted-fields",
    ],
)
def test_fast_path_equals_exact_path(data: bytes) -> None:
    exact = run([data[i : i + 1] for i in range(len(data))])
    for size in (len(data), 4096, 1000, 37):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert run(chunks) == exact, f"chunks of {size}"


def test_plain_blocks_place_each_comment() -> None:
    data = b"data: a\n\n: x\n: x\ndata: b\n\n"
    items, _ = parse(data)
    assert items[1:3] == [Comment(" x", 9), Comment(" x", 13)]
    assert items[3] == Event("message", "b", "", None, 9, 26)


def test_fast_events_equal_constructed_ones() -> None:
    items, _ = parse(llm_stream(3))
    assert items[1] == Event("message", '{"token": " there"}', "", None, 23, 50)
    assert repr(items[1]).startswith("Event(type='message'")
    assert hash(items[1]) == hash(
        Event("message", '{"token": " there"}', "", None, 23, 50)
    )


def _feed_big_event(size: int) -> tuple[list[Event | Comment], float]:
    """One ``size``-byte data line fed 1 KiB at a time; (items, seconds)."""
    body = b"z" * size
    parser = SSEParser()
    items: list[Event | Comment] = []
    start = time.perf_counter()
    items += parser.feed(b"data: ")
    for i in range(0, size, 1024):
        items += parser.feed(body[i : i + 1024])
    items += parser.feed(b"\n\n")
    return items, time.perf_counter() - start


def test_large_chunked_event_is_linear() -> None:
    """Twice the bytes of one event cut into 1 KiB chunks: about twice the time
    (a quadratic join would take four times); best of three, generous factor."""
    items, _ = _feed_big_event(2_000_000)
    assert [e.data for e in only_events(items)] == ["z" * 2_000_000]
    small = min(_feed_big_event(1_000_000)[1] for _ in range(3))
    large = min(_feed_big_event(4_000_000)[1] for _ in range(3))
    assert large < 4 * 2.5 * small  # linear: ~4x; quadratic: ~16x


# -- max_event_size -------------------------------------------------------------------


def test_event_too_large_is_a_finding_not_an_event() -> None:
    data = b"data: a\n\nid: 1\ndata: " + b"x" * 100 + b"\ndata: y\n\ndata: b\n\n"
    items, findings = parse(data, max_event_size=50)
    assert [e.data for e in only_events(items)] == ["a", "b"]
    assert [(f.code, f.offset) for f in findings] == [(LINT_EVENT_TOO_LARGE, 9)]
    assert "50 bytes" in findings[0].detail
    assert only_events(items)[1].last_event_id == "1"  # its id still applies
    assert only_events(parse(data)[0])[1].data == "x" * 100 + "\ny"  # no bound


@pytest.mark.parametrize("size", [1, 7, 64, 4096])
def test_event_too_large_whatever_the_chunking(size: int) -> None:
    data = (
        b"data: a\n\n: c\ndata: " + b"x" * 300 + b"\r\n\r\n"
        b"data: " + b"y" * 300 + b"\ndata: b\n\ndata: " + b"z" * 300
    )
    whole = SSEParser(max_event_size=100)
    expected = whole.feed(data) + whole.close()
    parser = SSEParser(max_event_size=100)
    items: list[Event | Comment] = []
    for i in range(0, len(data), size):
        items += parser.feed(data[i : i + size])
    items += parser.close()
    assert items == expected
    assert [e.data for e in only_events(items)] == ["a"]
    assert parser.findings == whole.findings
    assert [f.code for f in parser.findings] == [LINT_EVENT_TOO_LARGE] * 3 + [
        LINT_UNTERMINATED
    ]
    assert parser.line_endings == whole.line_endings


def test_event_too_large_keeps_memory_bounded() -> None:
    """A line that never ends is dropped as it comes, not held."""
    parser = SSEParser(max_event_size=1000)
    parser.feed(b"data: ")
    for _ in range(2000):
        parser.feed(b"x" * 1000)
    assert parser._lines._held <= 1000  # white box: the bytes held
    assert only_events(parser.feed(b"\n\ndata: ok\n\n"))[0].data == "ok"
    assert [f.code for f in parser.findings] == [LINT_EVENT_TOO_LARGE]


# -- layering -------------------------------------------------------------------------


def test_import_pulls_in_only_the_standard_library() -> None:
    code = (
        "import sys; before = set(sys.modules); import harness.sse; "
        "print(','.join(sorted({m.split('.')[0] for m in set(sys.modules) - before})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = set(result.stdout.strip().split(","))
    assert loaded.isdisjoint(
        {"httpx", "starlette", "pytest", "anyio", "h11", "uvicorn"}
    )
    allowed = set(sys.stdlib_module_names) | {"harness"}
    assert loaded <= allowed, loaded - allowed
