"""proxies.starlette_proxy.ndjson: byte line splitting and line meanings."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, strategies as st

from proxies.starlette_proxy.ndjson import (
    Done,
    LineSplitter,
    Malformed,
    Token,
    UpstreamError,
    interpret,
)

lines_strategy = st.lists(st.binary().map(lambda b: b.replace(b"\n", b"")), max_size=8)


def feed_all(pieces: list[bytes]) -> tuple[list[bytes], bytes]:
    splitter = LineSplitter()
    lines = [line for piece in pieces for line in splitter.feed(piece)]
    return lines, splitter.end()


def cut(data: bytes, offsets: list[int]) -> list[bytes]:
    bounds = [0, *sorted({o % (len(data) + 1) for o in offsets}), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


@given(
    lines=lines_strategy,
    tail=st.binary().map(lambda b: b.replace(b"\n", b"")),
    offsets=st.lists(st.integers(min_value=0), max_size=20),
)
def test_any_cuts_give_the_same_lines(
    lines: list[bytes], tail: bytes, offsets: list[int]
) -> None:
    data = b"".join(line + b"\n" for line in lines) + tail
    assert feed_all(cut(data, offsets)) == (lines, tail)


@given(lines=lines_strategy)
def test_byte_by_byte(lines: list[bytes]) -> None:
    data = b"".join(line + b"\n" for line in lines)
    assert feed_all([data[i : i + 1] for i in range(len(data))]) == (lines, b"")


def test_utf8_character_cut_across_reads_is_whole_in_its_line() -> None:
    line = json.dumps({"message": {"content": "😀"}}, ensure_ascii=False).encode()
    cut_inside = line.index("😀".encode()) + 2
    lines, rest = feed_all([line[:cut_inside], line[cut_inside:] + b"\n"])
    assert lines == [line]
    assert rest == b""
    assert interpret(lines[0]) == (Token("😀"),)


def test_long_line_over_many_reads() -> None:
    line = b'{"message":{"content":"' + b"x" * 300_000 + b'"}}'
    pieces = [line[i : i + 1000] for i in range(0, len(line), 1000)] + [b"\n"]
    assert feed_all(pieces) == ([line], b"")


@pytest.mark.parametrize(
    ("line", "meanings"),
    [
        (b'{"message":{"role":"assistant","content":"O"},"done":false}', (Token("O"),)),
        (b'{"message":{"content":""},"done":true,"done_reason":"stop"}', (Done(),)),
        (b'{"message":{"content":"end"},"done":true}', (Token("end"), Done())),
        (b'{"message":{"content":"a\\n\\nb"}}', (Token("a\n\nb"),)),
        (b'{"error":"model \'m\' not found"}', (UpstreamError("model 'm' not found"),)),
        (b'{"error":{"code":1}}', (UpstreamError('{"code": 1}'),)),
        (b'{"message":{"content":""},"done":false}', ()),
        (b'{"message":{"thinking":"hm"},"done":false}', ()),
        (b'{"done":"yes"}', ()),
        (b"", ()),
        (b"  \r", ()),
    ],
)
def test_interpret(line: bytes, meanings: tuple[object, ...]) -> None:
    assert interpret(line) == meanings


@pytest.mark.parametrize(
    "line", [b'{"message":{"content":"tr', b"\xff\xfe", b"[1, 2]", b"null", b'"text"']
)
def test_malformed_lines(line: bytes) -> None:
    (meaning,) = interpret(line)
    assert isinstance(meaning, Malformed)
