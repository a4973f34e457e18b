"""harness.sse.lines: bytes into segments of complete lines, whatever the chunking."""

from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from harness.sse.events import LINT_BARE_CR, LINT_BOM, Lint
from harness.sse.lines import LineSplitter

Segment = tuple[bytes, int, bytes, int]


def split(
    chunks: list[bytes], max_line: int | None = None
) -> tuple[list[Segment], Lint, LineSplitter, tuple[bytes, int]]:
    segments: list[Segment] = []
    lint = Lint(100)
    splitter = LineSplitter(lambda *segment: segments.append(segment), lint, max_line)
    for chunk in chunks:
        splitter.feed(chunk)
    return segments, lint, splitter, splitter.close()


def lines_of(segments: list[Segment]) -> list[tuple[bytes, int]]:
    """Every complete line with its end, and where it starts; CRLF tails joined."""
    out: list[tuple[bytes, int]] = []
    for lines, offset, eol, count in segments:
        if not eol:
            if lines:  # the LF of a CRLF: completes the last line's end
                out[-1] = (out[-1][0] + lines, out[-1][1])
            continue
        pieces = lines.split(eol)[:-1]
        assert len(pieces) == count
        for piece in pieces:
            out.append((piece + eol, offset))
            offset += len(piece) + len(eol)
    return out


def test_uniform_lines_are_one_segment() -> None:
    segments, lint, splitter, rest = split([b"data: a\n\ndata: b\n\nda"])
    assert segments == [(b"data: a\n\ndata: b\n\n", 0, b"\n", 4)]
    assert rest == (b"da", 18)
    assert splitter.line_endings == {"lf": 4}
    assert lint.findings == []


def test_crlf_and_mixed_line_ends() -> None:
    segments, _, splitter, _ = split([b"a\r\nb\r\n\r\n"])
    assert segments == [(b"a\r\nb\r\n\r\n", 0, b"\r\n", 3)]
    segments, lint, splitter, _ = split([b"a\nb\r\nc\rd\n"])
    assert segments == [
        (b"a\n", 0, b"\n", 1),
        (b"b\r\n", 2, b"\r\n", 1),
        (b"c\r", 5, b"\r", 1),
        (b"d\n", 7, b"\n", 1),
    ]
    assert [(f.code, f.offset) for f in lint.findings] == [(LINT_BARE_CR, 6)]
    assert splitter.line_endings == {"lf": 2, "crlf": 1, "cr": 1}


def test_crlf_cut_by_the_chunking() -> None:
    segments, lint, splitter, _ = split([b"a\r", b"\nb\r", b"c"])
    assert segments == [
        (b"a\r", 0, b"\r", 1),  # the CR ends the line at once
        (b"\n", 2, b"", 0),  # then the LF completes its end
        (b"b\r", 3, b"\r", 1),
    ]
    assert [(f.code, f.offset) for f in lint.findings] == [(LINT_BARE_CR, 4)]
    assert splitter.line_endings == {"crlf": 1, "cr": 1}


def test_bom_is_stripped_once_even_when_cut() -> None:
    segments, lint, _, _ = split([b"\xef", b"\xbb", b"\xbf\xef\xbb\xbfa\n"])
    assert segments == [(b"\xef\xbb\xbfa\n", 3, b"\n", 1)]
    assert [(f.code, f.offset) for f in lint.findings] == [(LINT_BOM, 0)]
    assert split([b"\xef\xbb"])[3] == (b"\xef\xbb", 0)  # not a BOM after all


def test_an_over_long_line_is_dropped_as_it_comes() -> None:
    chunks = [b"ok\n", b"x" * 6, b"x" * 6, b"x\r", b"\nnext\n"]
    segments, _, splitter, rest = split(chunks, max_line=10)
    assert segments == [
        (b"ok\n", 0, b"\n", 1),
        (b"", 3, b"", 0),  # dropped: the line starting at 3, up to its CR
        (b"\n", 17, b"", 0),  # that CR was a CRLF's
        (b"next\n", 18, b"\n", 1),
    ]
    assert splitter._held == 0  # white box: nothing held
    assert splitter.line_endings == {"lf": 2, "crlf": 1}
    assert rest == (b"", 23)


_pieces = st.lists(
    st.sampled_from([b"a", b"data: x", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b""]),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(_pieces, st.lists(st.integers(0, 200), max_size=8))
def test_any_chunking_gives_the_same_lines(
    pieces: list[bytes], cuts: list[int]
) -> None:
    data = b"".join(pieces)
    bounds = [0, *sorted(c % (len(data) + 1) for c in cuts), len(data)]
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    whole, lint, splitter, rest = split([data])
    got, lint2, splitter2, rest2 = split(chunks)
    assert lines_of(got) == lines_of(whole)
    assert (lint2.findings, splitter2.line_endings, rest2) == (
        lint.findings,
        splitter.line_endings,
        rest,
    )
    # the lines and the rest are the stream, less a leading BOM
    body = b"".join(line for line, _ in lines_of(whole)) + rest[0]
    assert body == data.removeprefix(b"\xef\xbb\xbf")
