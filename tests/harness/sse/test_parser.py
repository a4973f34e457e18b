"""harness.sse: WPT vectors and tricky streams; whole, byte by byte, split anywhere."""

from __future__ import annotations

import copy
import pickle
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

import harness.sse
from harness.sse import (
    LINT_BARE_CR,
    LINT_BOM,
    LINT_UNTERMINATED,
    Comment,
    Event,
    Finding,
    SSEParser,
    build,
    parse,
)
from harness.testing.vectors import ALL, RETRY_AFTER, TRICKY, UNTERMINATED, WPT


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


def run(
    chunks: list[bytes], max_event_size: int | None = None, sse: Any = harness.sse
) -> Outcome:
    """``chunks`` through ``sse.SSEParser`` (``sse``: harness.sse, or the modules
    ``harness.sse.build.pure_modules()`` loads from the source)."""
    parser = sse.SSEParser(max_event_size=max_event_size)
    items: list[Event | Comment] = []
    for chunk in chunks:
        items += parser.feed(chunk)
    items += parser.close()
    assert all(type(item) in (sse.Event, sse.Comment) for item in items)
    return Outcome(
        tuple(items),
        tuple(parser.findings),
        dict(+parser.line_endings),
        parser.unterminated,
        parser.last_event_id,
        parser.retry,
        parser.bytes_seen,
    )


def plain(outcome: Outcome) -> tuple[object, ...]:
    """An outcome in builtin types: compares across implementations (the compiled
    classes and the ones loaded from the source are different classes)."""
    items = [
        (type(i).__name__, *(getattr(i, f) for f in i.__match_args__))
        for i in outcome.items
    ]
    findings = [(f.code, f.offset, f.detail) for f in outcome.findings]
    rest = (outcome.unterminated, outcome.last_event_id, outcome.retry)
    return items, findings, outcome.line_endings, rest, outcome.bytes_seen


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
    # Final fields: mypy refuses the assignments; compiled, so does the runtime (the
    # Python source keeps plain slots: a frozen dataclass costs 3x per event there)
    if build.name() == "compiled (mypyc)":
        with pytest.raises(AttributeError):
            event.data = "y"  # type: ignore[misc]
        with pytest.raises(AttributeError):
            comment.text = "y"  # type: ignore[misc]
    assert event == Event("message", "x", "", None, 0, 13)
    assert hash(event) == hash(Event("message", "x", "", None, 0, 13))
    assert event != ("message", "x", "", None, 4, 13)  # not a tuple
    assert comment == Comment(" c", 0)
    assert repr(comment) == "Comment(text=' c', offset=0)"
    for item in (event, comment):
        assert copy.deepcopy(item) == item == pickle.loads(pickle.dumps(item))
