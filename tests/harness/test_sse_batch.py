"""harness.sse.batch: SSEParser.feed_batch() columns, the same events as feed()."""

from __future__ import annotations

import pytest

from harness.sse import Comment, Event, EventBatch, SSEParser, parse
from tests.harness.test_sse import run
from tests.harness.test_sse_properties import run_mixed
from tests.harness.wpt_vectors import ALL

MIXED = (
    b": hi\n\n"  # a comment alone
    b"data: a\n\ndata: b\n\n"  # a run of one-line data events
    b"event: e\nid: 7\n: in\ndata: c\ndata: d\n\n"  # a plain block with a comment
    b"data:  e\n\n"  # the one space stripped, the other kept
    b"retry: x\ndata: f\n\n"  # linted: the exact path
)


def test_columns_of_a_mixed_stream() -> None:
    parser = SSEParser()
    batch = parser.feed_batch(MIXED)
    assert len(batch) == 5
    assert batch.data == ["a", "b", "c\nd", " e", "f"]
    assert batch.types == ["message", "message", "e", "message", "message"]
    assert batch.last_event_ids == ["", "", "7", "7", "7"]
    assert batch.retries == [None] * 5
    items, findings = parse(MIXED)
    events = [item for item in items if isinstance(item, Event)]
    assert batch.starts == [e.start for e in events]
    assert batch.ends == [e.end for e in events]
    assert batch.comments == [Comment(" hi", 0), Comment(" in", 39)]
    assert batch.comment_at == [0, 2]  # before the first event; before the third
    assert batch.events() == items
    assert parser.findings == findings
    assert repr(batch) == "<EventBatch: 5 events, 2 comments>"


@pytest.mark.parametrize("nl", [b"\n", b"\r\n"])
def test_run_offsets_are_worked_out_on_request(nl: bytes) -> None:
    head = b"id: 1\n\n".replace(b"\n", nl)  # then a run: data lines only
    body = b"data: x\n\ndata: \xc3\xa9\xc3\xa9\n\ndata: z\n\n: c\n".replace(b"\n", nl)
    parser = SSEParser()
    assert len(parser.feed_batch(head)) == 0
    batch = parser.feed_batch(body)
    items, _ = parse(head + body)
    events = [item for item in items if isinstance(item, Event)]
    assert batch.data == ["x", "éé", "z"]
    assert batch.last_event_ids == ["1"] * 3
    assert batch.ends == [e.end for e in events]  # ends first, then starts
    assert batch.starts == [e.start for e in events]
    assert batch.comment_at == [3]
    assert batch.events() == items


def test_vectors_whole_and_byte_by_byte() -> None:
    for name, data, _ in ALL:
        bytewise = [data[i : i + 1] for i in range(len(data))]
        assert run_mixed([data], [True]) == run([data]), name
        assert run_mixed(bytewise, [True] * len(bytewise)) == run(bytewise), name


def test_an_event_cut_between_feed_and_feed_batch() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\n\ndata: b") == [Event("message", "a", "", None, 0, 9)]
    batch = parser.feed_batch(b"\n\ndata: c\n\nda")
    assert batch.data == ["b", "c"]
    assert batch.starts == [9, 18]
    assert parser.feed(b"ta: d\n\n") == [Event("message", "d", "", None, 27, 36)]


def test_empty_batches() -> None:
    parser = SSEParser()
    assert len(parser.feed_batch(b"")) == 0
    assert parser.feed_batch(b"data: open").events() == []
    tail = parser.close_batch()
    assert (len(tail), tail.events(), tail.comments) == (0, [], [])
    assert parser.unterminated == "data: open"
    assert parser.close_batch().events() == []  # closing twice is harmless
    with pytest.raises(RuntimeError, match="feed_batch"):
        parser.feed_batch(b"data: x\n\n")


def test_each_batch_owns_its_lists() -> None:
    parser = SSEParser()
    first = parser.feed_batch(b"data: a\n\n")
    second = parser.feed_batch(b"data: b\n\n")
    assert (first.data, second.data) == (["a"], ["b"])
    assert isinstance(first, EventBatch)
    assert first.data is not second.data
