"""harness.sse at scale: linear time on big events, and ``max_event_size`` (the
``event-too-large`` finding, the same whatever the chunking, memory bounded)."""

from __future__ import annotations

import time

import pytest

from harness.sse import (
    LINT_EVENT_TOO_LARGE,
    LINT_UNTERMINATED,
    Comment,
    Event,
    SSEParser,
    parse,
)
from tests.harness.sse.test_parser import only_events


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
