"""harness.sse.fastpath inside SSEParser: runs of one-line data events give exactly
what the line-by-line path gives, whatever the chunking."""

from __future__ import annotations

import json

import pytest

from harness.sse import Comment, Event, parse
from tests.harness.sse.test_parser import run


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


def test_comments_in_a_block_keep_their_offsets() -> None:
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


def test_a_piece_not_utf8_rolls_the_run_back() -> None:
    """The run's values decode lazily: events built before the bad piece are dropped,
    and the exact path gives every event once, with its finding."""
    data = b"data: a\n\ndata: \xff\n\ndata: b\n\n"
    items, findings = parse(data)
    assert items == [
        Event("message", "a", "", None, 0, 9),
        Event("message", "\ufffd", "", None, 9, 18),
        Event("message", "b", "", None, 18, 27),
    ]
    assert [f.code for f in findings] == ["invalid-utf8"]
