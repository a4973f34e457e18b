"""harness.sse under Hypothesis: chunking never matters; a reference model agrees;
the fast path gives exactly what the line-by-line path gives."""

from __future__ import annotations

import itertools
import re
from unittest import mock

from hypothesis import given, settings, strategies as st

from harness.sse import Comment, Event, SSEParser, build
from tests.harness.sse.test_parser import Outcome, plain, run

BOM = b"\xef\xbb\xbf"

# Characters that matter to SSE parsers, mixed into ordinary text.
_TRICKY = "\0 :\t\ufeff\u2028\u2029\u0085\x1c\x0b\x0c\ufffdé北🌍"
_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(_TRICKY),
        st.characters(codec="utf-8", exclude_characters="\r\n"),
    ),
    max_size=10,
)
_field_line = st.builds(
    lambda name, colon, value: (name + colon + value).encode(),
    st.sampled_from(
        ["data"] * 6 + ["event", "id", "retry", "Data", "foo", "", " data"]
    ),
    st.sampled_from([":", ": ", ":  ", ""]),
    _text,
)
_fixed_line = st.sampled_from(
    [
        b"",
        b"",
        b"",
        b"retry: 100",
        b"retry: 0042",
        b"retry:  5",
        b"id: \x00x",
        b": ping",
    ]
)
_raw_line = st.builds(  # invalid UTF-8 and stray bytes, but no line ends
    lambda raw: b"data: " + raw,
    st.binary(max_size=6).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")),
)
_line = st.one_of(_field_line, _field_line, _fixed_line, _raw_line)
_eol = st.sampled_from([b"\n", b"\r\n", b"\r"])


@st.composite
def streams(draw: st.DrawFn) -> bytes:
    """Streams of fields, comments, blank lines, BOMs; mixed or uniform line ends."""
    lines = draw(st.lists(_line, max_size=25))
    uniform = draw(st.sampled_from([None, b"\n", b"\n", b"\r\n"]))
    ends = [uniform or draw(_eol) for _ in lines]
    head = draw(st.sampled_from([b"", b"", BOM, BOM + BOM, b"\xef\xbb"]))
    tail = draw(st.sampled_from([b"", b"", b"\n", b"data: tail", b"\r", b"\r\n"]))
    return (
        head
        + b"".join(line + end for line, end in zip(lines, ends, strict=True))
        + tail
    )


@st.composite
def chunked(
    draw: st.DrawFn, source: st.SearchStrategy[bytes]
) -> tuple[bytes, list[bytes]]:
    data = draw(source)
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    bounds = [0, *cuts, len(data)]
    return data, [data[a:b] for a, b in itertools.pairwise(bounds)]


def reference(data: bytes) -> list[tuple[str, str, str, int | None]]:
    """WHATWG HTML §9.2.6 transcribed as plainly as possible over the whole stream."""
    if data.startswith(BOM):
        data = data[3:]
    *lines, _pending = re.split(rb"\r\n|\r|\n", data)  # the last piece is discarded
    data_buf = type_buf = id_buf = ""
    retry: int | None = None
    events = []
    for raw in lines:
        line = raw.decode("utf-8", "replace")
        if line == "":
            last_id = id_buf
            if data_buf:
                events.append((type_buf or "message", data_buf[:-1], last_id, retry))
            data_buf = type_buf = ""
            continue
        if line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            type_buf = value
        elif field == "data":
            data_buf += value + "\n"
        elif field == "id" and "\0" not in value:
            id_buf = value
        elif field == "retry" and value and all(c in "0123456789" for c in value):
            retry = int(value)
    return events


@settings(max_examples=400, deadline=None)
@given(chunked(streams()))
def test_any_chunking_gives_the_same_result(case: tuple[bytes, list[bytes]]) -> None:
    data, chunks = case
    assert run(chunks) == run([data])


@settings(max_examples=200, deadline=None)
@given(streams())
def test_byte_by_byte_equals_whole(data: bytes) -> None:
    assert run([data[i : i + 1] for i in range(len(data))]) == run([data])


@settings(max_examples=400, deadline=None)
@given(streams())
def test_agrees_with_the_reference_model(data: bytes) -> None:
    outcome = run([data])
    got = [
        (e.type, e.data, e.last_event_id, e.retry)
        for e in outcome.items
        if isinstance(e, Event)
    ]
    assert got == reference(data)


@settings(max_examples=300, deadline=None)
@given(chunked(st.binary(max_size=300)))
def test_never_raises_on_any_bytes(case: tuple[bytes, list[bytes]]) -> None:
    data, chunks = case
    outcome = run(chunks)
    assert outcome == run([data])
    assert outcome.bytes_seen == len(data)


@settings(max_examples=300, deadline=None)
@given(streams())
def test_offsets_are_ordered_and_end_on_a_line_end(data: bytes) -> None:
    outcome: Outcome = run([data])
    previous_end = 0
    for item in outcome.items:
        if isinstance(item, Comment):
            assert data[item.offset : item.offset + 1] == b":"
            continue
        assert previous_end <= item.start < item.end <= len(data)
        assert data[item.end - 1 : item.end] in (b"\r", b"\n")
        previous_end = item.end
    assert all(0 <= f.offset <= len(data) for f in outcome.findings)


def test_parser_state_after_reference_stream() -> None:
    parser = SSEParser()
    parser.feed(b"id: 1\nretry: 5\n\n")
    assert (parser.last_event_id, parser.retry) == ("1", 5)


# -- the fast path against the exact path ---------------------------------------------

# Values for runs of one-line data events: JSON-like text, non-ASCII, U+FEFF, NUL, and
# sometimes the words that frame an event (no CR or LF: they would end the line).
_value = st.one_of(
    _text,
    st.sampled_from(['{"token": "é"}', "data: x", ":", " ", "", "\ufeff", "北🌍"]),
)
_prefix = st.sampled_from([b"data: ", b"data: ", b"data:", b"data:  "])
_other_block = st.sampled_from(
    [
        b": ping",  # a comment: no event
        b"event: e\ndata: 1",
        b"data: a\ndata: b",  # two data lines
        b"id: 7\ndata: x",
        b"retry: 50\ndata: x",
        b"retry: 5x\ndata: x",  # linted
        b"Data: x",  # linted, and no event
        b"id: a\x00b\ndata: x",  # linted
        b"data: \xff\xfe",  # invalid UTF-8
        b"data: \xc3",  # a character cut short
        b"",  # an extra blank line
    ]
)


@st.composite
def bulk_streams(draw: st.DrawFn) -> bytes:
    """Mostly runs of ``data: value`` events, with the odd block the runs must not
    swallow; one line end throughout (LF or CRLF), now and then a stray other one."""
    fixed = draw(st.none() | _prefix)  # one prefix for all, as servers send, or mixed
    prefixes = _prefix if fixed is None else st.just(fixed)
    simple = st.builds(lambda p, v: p + v.encode(), prefixes, _value)
    pure = draw(st.booleans())  # only data events: one run, at C speed
    kinds = simple if pure else st.one_of(simple, _other_block)
    blocks = draw(st.lists(kinds, max_size=40))
    nl = draw(st.sampled_from([b"\n", b"\n", b"\r\n"]))
    data = b"".join(block.replace(b"\n", nl) + nl + nl for block in blocks)
    if data and draw(st.integers(0, 4)) == 0:  # one line end of another kind
        at = draw(st.integers(0, len(data) - 1))
        if data[at : at + 1] == b"\n":
            data = data[:at] + draw(st.sampled_from([b"\r", b"\r\n"])) + data[at + 1 :]
    tail = draw(st.sampled_from([b"", b"", b"data: x", b"data: x\n", b"\r"]))
    return data + tail


#: the parser loaded from its source: a compiled one calls simple_run directly
PURE = build.pure_modules()


def exact_path(data: bytes) -> tuple[object, ...]:
    """``data`` one byte at a time, the fast path switched off: line by line."""
    with mock.patch.object(PURE["parser"], "simple_run", return_value=None):
        return plain(
            run([data[i : i + 1] for i in range(len(data))], sse=PURE["parser"])
        )


@settings(max_examples=400, deadline=None)
@given(chunked(bulk_streams()))
def test_fast_path_equals_exact_path(case: tuple[bytes, list[bytes]]) -> None:
    data, chunks = case
    exact = exact_path(data)
    assert plain(run([data])) == exact
    assert plain(run(chunks)) == exact


@settings(max_examples=300, deadline=None)
@given(chunked(st.one_of(streams(), bulk_streams())), st.integers(1, 40))
def test_max_event_size_any_chunking(
    case: tuple[bytes, list[bytes]], limit: int
) -> None:
    """With a bound, chunking still never matters, and only big events are lost."""
    data, chunks = case
    bounded = run([data], max_event_size=limit)
    assert run(chunks, max_event_size=limit) == bounded
    assert run([data[i : i + 1] for i in range(len(data))], limit) == bounded
    kept = [e for e in bounded.items if isinstance(e, Event)]
    every = [e for e in run([data]).items if isinstance(e, Event)]
    assert all(e.end - e.start <= limit + 3 for e in kept)
    # a dropped id or retry line may change what later events carry, not the events
    assert {(e.data, e.start, e.end) for e in kept} <= {
        (e.data, e.start, e.end) for e in every
    }
